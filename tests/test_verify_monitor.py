"""Verification and monitoring against a loopback web whose links change between runs."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from crawlweb import LoopbackWeb, SmtpSink, WebhookSink, page
from linkatlas.crawl import CrawlPolicy, crawl
from linkatlas.index.store import open_index
from linkatlas.monitor import (
    SmtpSettings, add_monitor, backlink_states, known_backlink_sources, list_alerts, list_monitors, remove_monitor,
    run_due, target_filter, verify,
)

FAST = dict(allow_private=True, delay=0.0, backoff=0.05, retries=0, connect_timeout=2, total_timeout=3)


@pytest.fixture
def web():
    server = LoopbackWeb().start()
    yield server
    server.stop()


def links_web(web: LoopbackWeb) -> dict[str, str]:
    t = web.base("target.test")
    u = {name: web.base(f"{name}.test") for name in ("ref1", "ref2", "ref3", "ref4", "ref5")}
    web.html("ref1.test", "/post", page("Post", [(f"{t}/a", "Target A")]))
    web.html("ref1.test", "/", page("Ref1 home", [f"{u['ref1']}/post"]))
    web.html("ref2.test", "/page", page("Page", [(f"{t}/", "Home of target"), f"{u['ref5']}/x"]))
    web.html("ref3.test", "/x", page("X", [(f"{t}/b", "B")]))
    web.html("ref4.test", "/old", page("Old", [(f"{t}/", "moved soon")]))
    web.html("target.test", "/", page("Target", [f"{u['ref1']}/post"]))  # same-domain sources are no backlinks
    return u


def policy(web) -> CrawlPolicy:
    return CrawlPolicy(resolve=web.resolve(), **FAST)


def test_verify_classifies_each_backlink_as_a_new_observation(web, db_path):
    u = links_web(web)
    t = web.base("target.test")
    sources = [f"{u['ref1']}/post", f"{u['ref2']}/page", f"{u['ref3']}/x", f"{u['ref4']}/old"]
    with open_index(db_path) as index:
        crawl(index, sources, mode="urls", policy=policy(web))
        wanted = target_filter("target.test")
        assert known_backlink_sources(index, wanted) == sorted(sources)
        # the web changes: anchor and rel change, a link removed, a page gone, a page moved
        web.html("ref1.test", "/post", page("Post", [(f"{t}/a", "Brand new anchor", "nofollow")]))
        web.html("ref2.test", "/page", page("Page", [f"{u['ref5']}/x"]))
        del web.routes["ref3.test"]["/x"]
        web.raw("ref4.test", "/old", 301, {"Location": f"{u['ref4']}/new"})
        web.html("ref4.test", "/new", page("New", [(f"{t}/", "moved soon")]))
        report = verify(index, "target.test", policy=policy(web))
        fetches_per_source = dict(index.sql("SELECT url, count(*) FROM fetches GROUP BY url"))
        stored = index.rows("SELECT source_url, state, http_status, changes FROM verifications ORDER BY source_url")
        states = {row["source_url"]: row["state"] for row in backlink_states(index, "target.test")}
    rows = {row["source_url"]: row for row in report.rows}
    assert rows[f"{u['ref1']}/post"]["state"] == "live"
    assert rows[f"{u['ref1']}/post"]["changes"] == ["anchor 'Target A' → 'Brand new anchor'", "nofollow added"]
    assert (rows[f"{u['ref2']}/page"]["state"], rows[f"{u['ref2']}/page"]["target_url"]) == ("lost", f"{t}/")
    assert (rows[f"{u['ref3']}/x"]["state"], rows[f"{u['ref3']}/x"]["http_status"]) == ("broken", 404)
    moved = rows[f"{u['ref4']}/old"]
    assert (moved["state"], moved["final_url"]) == ("redirected", f"{u['ref4']}/new")
    assert moved["detail"].endswith("the final page still links")
    assert report.counts == {"live": 1, "lost": 1, "broken": 1, "redirected": 1, "unchecked": 0}
    assert [row["state"] for row in stored] == ["live", "lost", "broken", "redirected"]
    # a new observation: every source fetched twice, history kept
    assert all(fetches_per_source[source] == 2 for source in sources)
    # the definitions' states from the whole history agree
    assert states == {f"{u['ref1']}/post": "live", f"{u['ref2']}/page": "lost", f"{u['ref3']}/x": "broken",
                      f"{u['ref4']}/old": "redirected", f"{u['ref4']}/new": "live"}


def test_verify_reports_refused_and_unreachable_sources(web, db_path):
    u = links_web(web)
    ref1, ref2 = f"{u['ref1']}/post", f"{u['ref2']}/page"
    with open_index(db_path) as index:
        crawl(index, [ref1, ref2], mode="urls", policy=policy(web))
        web.robots("ref2.test", "User-agent: *\nDisallow: /\n")
        refused = verify(index, "target.test", policy=policy(web))
        web.stop()  # the servers are gone: connection refused
        down = verify(index, "target.test", policy=policy(web))
        statuses = index.sql("SELECT url, status FROM fetches WHERE run_id = ? ORDER BY url", [down.run_id])
    assert [(r["source_url"], r["state"], r["detail"]) for r in refused.rows] == [
        (ref1, "live", ""), (ref2, "unchecked", "robots.txt")]
    assert [(r["source_url"], r["state"]) for r in down.rows] == [(ref1, "broken"), (ref2, "broken")]
    assert down.rows[0]["detail"] == "no answer (DNS, refused connection or timeout)"
    assert statuses == [(ref1, None), (ref2, None)]  # recorded: the pages are gone


def test_monitor_alerts_new_lost_broken_by_webhook_and_email(web, db_path):
    u = links_web(web)
    t = web.base("target.test")
    hook = WebhookSink().start()
    smtp = SmtpSink().start()
    try:
        with open_index(db_path) as index:
            crawl(index, [f"{u['ref1']}/post", f"{u['ref2']}/page", f"{u['ref3']}/x"], mode="urls", policy=policy(web))
            monitor = add_monitor(index, "target.test", every_seconds=7 * 86400, webhook=hook.url(),
                                  email="seo@target.test", discover_pages=5)
            options = dict(policy=policy(web), allow_private_webhook=True,
                           smtp=SmtpSettings(host="127.0.0.1", port=smtp.port, sender="linkatlas@test"))
            (baseline,) = run_due(index, **options)
            assert baseline.baseline and hook.posts == [] and list_alerts(index) == []
            assert run_due(index, **options) == []  # not due again for 7 days
            # the web changes: a lost link, a gone page, and a new post on a referring site
            web.html("ref2.test", "/page", page("Page", []))
            del web.routes["ref3.test"]["/x"]
            web.html("ref1.test", "/", page("Ref1 home", [f"{u['ref1']}/post", f"{u['ref1']}/fresh"]))
            web.html("ref1.test", "/fresh", page("Fresh", [(f"{t}/c", "Fresh link")]))
            (second,) = run_due(index, now=datetime.utcnow() + timedelta(days=8), **options)
            alerts = list_alerts(index)
            monitors = list_monitors(index)
    finally:
        hook.stop()
        smtp.stop()
    assert [(i["source_url"], i["target_url"]) for i in second.new] == [(f"{u['ref1']}/fresh", f"{t}/c")]
    assert [(i["source_url"], i["target_url"]) for i in second.lost] == [(f"{u['ref2']}/page", f"{t}/")]
    assert [(i["source_url"], i["target_url"]) for i in second.broken] == [(f"{u['ref3']}/x", f"{t}/b")]
    (post,) = hook.posts
    assert post["content_type"] == "application/json"
    body = post["json"]
    assert body["counts"] == {"new": 1, "lost": 1, "broken": 1, "toxic": 0}
    assert body["monitor_id"] == monitor["monitor_id"] and body["target"] == "target.test"
    assert body["lost"][0]["source_url"] == f"{u['ref2']}/page" and body["lost"][0]["was"] == "live"
    assert not any("toxic check skipped" in note for note in body["notes"]) and body["toxic"] == []
    (mail,) = smtp.messages
    assert mail["to"] == ["seo@target.test"] and "1 new, 1 lost, 1 broken backlinks for target.test" in mail["data"]
    assert f"{u['ref3']}/x" in mail["data"]
    assert sorted((a["kind"], a["count"]) for a in alerts) == [("broken", 1), ("lost", 1), ("new", 1)]
    assert alerts[0]["delivery"] == {"webhook": {"ok": True, "status": 204}, "email": {"ok": True}}
    assert monitors[0]["last_run_at"] is not None


def test_webhook_to_loopback_refused_without_allow_private(web, db_path):
    from linkatlas.monitor import post_webhook

    hook = WebhookSink().start()
    try:
        refused = post_webhook(hook.url(), {"x": 1})
        allowed = post_webhook(hook.url(), {"x": 1}, allow_private=True)
    finally:
        hook.stop()
    assert refused["ok"] is False and "loopback/private" in refused["error"]
    assert allowed == {"ok": True, "status": 204} and [p["json"] for p in hook.posts] == [{"x": 1}]


def test_monitor_add_list_remove(db_path):
    with open_index(db_path) as index:
        added = add_monitor(index, "https://www.target.test/blog/", scope="prefix", every_seconds=3600)
        assert added["target"] == "https://www.target.test/blog/" and added["next_due"] == added["created_at"]
        assert [m["monitor_id"] for m in list_monitors(index)] == [1]
        assert remove_monitor(index, 1) is True and remove_monitor(index, 1) is False
        assert list_monitors(index) == []
