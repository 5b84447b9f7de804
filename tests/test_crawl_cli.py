"""crawl / verify / monitor / alerts in-process: exact output and exit codes 0/1/2."""

from __future__ import annotations

import csv
import io
import json

import click
import pytest
from click.testing import CliRunner

from crawlweb import LoopbackWeb, WebhookSink, page
from linkatlas.cli.main import cli


@pytest.fixture
def web():
    server = LoopbackWeb()
    server.html("site.test", "/", page("Site", ["/about", "http://other.test/x"]))
    server.html("site.test", "/about", page("About", [("http://target.test/", "Target")]))
    server.html("ref.test", "/p", page("Ref", [("http://target.test/offer", "Offer")]))
    server.start()
    yield server
    server.stop()


def invoke(args, input=None):
    return CliRunner().invoke(cli, args, input=input, catch_exceptions=False)


def loopback(web) -> list[str]:
    return ["--allow-private", "--delay", "0", "--timeout", "3", *sum((["--resolve", f"{h}:127.0.0.1"]
                                                                      for h in web.routes), [])]


def test_crawl_site_json(web, db_path):
    result = invoke(["crawl", "site", web.base("site.test") + "/", "--db", str(db_path), "--format", "json",
                     *loopback(web)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert {k: summary[k] for k in ("mode", "status", "fetched", "fetches", "links", "failed", "errors")} == {
        "mode": "site", "status": "ok", "fetched": 2, "fetches": 2, "links": 2, "failed": 0, "errors": 0}
    assert summary["counters"]["crawl/robots/unavailable"] == 1  # robots.txt 404: everything allowed


def test_crawl_urls_from_stdin_and_ssrf_refusal_exit_codes(web, db_path):
    urls = f"# pages\n{web.base('site.test')}/about\n\n{web.base('site.test')}/missing\n"
    ok = invoke(["crawl", "urls", "-", "--db", str(db_path), "--format", "json", *loopback(web)], input=urls)
    assert ok.exit_code == 0 and json.loads(ok.stdout)["counters"]["crawl/status/404"] == 1
    refused = invoke(["crawl", "urls", "-", "--db", str(db_path), "--format", "json",
                      "--resolve", "site.test:127.0.0.1"], input=urls)
    assert refused.exit_code == 1
    assert json.loads(refused.stdout)["fetched"] == 0
    assert "loopback/private/link-local address: refused" in refused.stderr
    bad = invoke(["crawl", "urls", "-", "--db", str(db_path), "--resolve", "nonsense"], input=urls)
    assert bad.exit_code == 2 and "--resolve nonsense: give HOST:ADDRESS" in bad.stderr


def test_verify_csv_and_monitor_cycle(web, db_path):
    db = ["--db", str(db_path)]
    invoke(["crawl", "urls", "-", *db, *loopback(web)], input=f"{web.base('ref.test')}/p\n")
    web.html("ref.test", "/p", page("Ref", []))
    result = invoke(["verify", "target.test", *db, "--format", "csv", *loopback(web)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["state"], r["source_url"], r["target_url"]) for r in rows] == [
        ("lost", f"{web.base('ref.test')}/p", "http://target.test/offer")]
    assert "1 source page(s): 1 lost" in result.stderr

    hook = WebhookSink().start()
    try:
        added = invoke(["monitor", "add", "target.test", "--every", "1d", "--webhook", hook.url(), *db,
                        "--format", "json"])
        assert json.loads(added.stdout)["every_seconds"] == 86400
        web.html("ref.test", "/p", page("Ref", [("http://target.test/offer", "Offer")]))
        first = invoke(["monitor", "run", *db, "--format", "json", *loopback(web)])
        assert [r["baseline"] for r in json.loads(first.stdout)] == [True]
        web.html("ref.test", "/p", page("Ref", []))
        second = invoke(["monitor", "run", "--force", *db, "--format", "json", *loopback(web)])
        assert json.loads(second.stdout)[0]["lost"] == 1
        listed = json.loads(invoke(["alerts", *db, "--format", "json"]).stdout)
    finally:
        hook.stop()
    assert [(a["kind"], a["count"], a["items"][0]["target_url"]) for a in listed] == [
        ("lost", 1, "http://target.test/offer")]
    assert hook.posts[0]["json"]["counts"]["lost"] == 1
    assert invoke(["monitor", "remove", "1", *db]).exit_code == 0
    assert invoke(["monitor", "remove", "1", *db]).exit_code == 2
    assert json.loads(invoke(["monitor", "list", *db, "--format", "json"]).stdout) == []


@pytest.mark.parametrize("command", [["crawl", "site"], ["crawl", "urls"], ["crawl", "discover"], ["verify"],
                                     ["monitor", "add"], ["monitor", "run"], ["monitor", "list"],
                                     ["monitor", "remove"], ["alerts"]])
def test_every_command_has_help_with_an_example(command):
    result = invoke([*command, "--help"])
    assert result.exit_code == 0 and "Example" in result.output and "linkatlas " + command[0] in result.output


def test_readme_crawl_commands_parse(tmp_path, monkeypatch):
    """The README's crawling commands name options that exist (they are not run: they need the internet)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pages.txt").write_text("https://example.com/\n")
    import shlex
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    block = readme.split("## Crawling and monitoring", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [shlex.split(line.split("  #", 1)[0]) for line in block.strip().splitlines()]
    assert len(commands) == 7
    for words in commands:
        assert words[0] == "linkatlas"
        command, args = cli.commands[words[1]], words[2:]
        if isinstance(command, click.Group):
            command, args = command.commands[args[0]], args[1:]
        command.make_context(command.name, args)  # raises on an unknown option or a missing argument
