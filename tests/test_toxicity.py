"""How markers combine into toxicity, the bands, the result tables, and the themes behind relevance."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from linkatlas.audit import (MARKERS, Marker, audit_settings, explain, level_of, profile_level, register, score,
                             toxic_referring_domains)
from linkatlas.audit import themes
from linkatlas.audit.markers import HIT_SCHEMA, unregister
from linkatlas.errors import InputError, UsageError
from linkatlas.index.store import open_index
from test_audit_markers import PRICING, L, Web, settings


def fixed_marker(marker_id: str, weight: float, strengths: dict[str, float], scope: str = "domain") -> Marker:
    """A test marker hitting given domains with given strengths (one row per domain or per backlink)."""

    def compute(ctx):
        if scope == "domain":
            rows = [{"domain": d, "source_url": None, "target_url": None, "strength": s, "evidence": json.dumps({"d": d})}
                    for d, s in strengths.items()]
            return pa.Table.from_pylist(rows, HIT_SCHEMA)
        listing = ", ".join(f"('{d}', {s})" for d, s in strengths.items())
        return f"""SELECT b.source_domain, b.source_url, b.target_url, x.s, json_object('page', b.source_url)::VARCHAR
                   FROM audit_bl b JOIN (VALUES {listing}) x(d, s) ON x.d = b.source_domain"""

    return Marker(marker_id, "complementary", weight, "A test marker.", compute, lambda e: f"test {e}", scope=scope)


@pytest.fixture
def test_markers():
    added = []

    def add(marker):
        added.append(register(marker).id)
        return marker

    yield add
    for marker_id in added:
        unregister(marker_id)


def small_web() -> Web:
    web = Web()
    web.page("https://one.com/a", [L()])
    web.page("https://one.com/b", [L(PRICING, "pricing")])
    web.page("https://two.com/a", [L()])
    web.page("https://three.com/a", [L()], when="2026-03-01")
    web.page("https://three.com/a", [], when="2026-05-01")  # its only backlink is lost now
    web.page("https://four.com/a", [L()], when="2026-03-01")
    web.page("https://four.com/a", [], when="2026-05-01", status=500)  # broken
    return web


def test_noisy_or_of_weighted_strengths(db_path, test_markers):
    test_markers(fixed_marker("t_a", 0.4, {"one.com": 1.0, "two.com": 0.5}))
    test_markers(fixed_marker("t_b", 0.3, {"one.com": 1.0}))
    small_web().write(db_path)
    with open_index(db_path) as index:
        result = score(index, settings(), markers=["t_a", "t_b"])
    rows = {row["domain"]: row for row in result.domains.to_pylist()}
    assert rows["one.com"]["toxicity"] == round(100 * (1 - (1 - 0.4) * (1 - 0.3)))  # 58
    assert rows["one.com"]["level"] == "potentially_toxic"
    assert rows["two.com"]["toxicity"] == 20 and rows["two.com"]["level"] == "non_toxic"
    assert [hit["id"] for hit in rows["one.com"]["markers"]] == ["t_a", "t_b"]  # biggest contribution first
    assert rows["three.com"]["toxicity"] == 0 and rows["three.com"]["markers"] == []


def test_backlink_markers_aggregate_per_domain_and_score_each_backlink(db_path, test_markers):
    test_markers(fixed_marker("t_share", 0.5, {"one.com": 1.0}, scope="backlink"))
    test_markers(Marker("t_half", "complementary", 0.5, "Half the backlinks.",
                        lambda ctx: "SELECT source_domain, source_url, target_url, 1.0, '{}' FROM audit_bl "
                                    "WHERE source_url = 'https://one.com/a'",
                        lambda e: "x", scope="backlink", aggregate="share"))
    small_web().write(db_path)
    with open_index(db_path) as index:
        result = score(index, settings(), markers=["t_share", "t_half"])
    one = result.domain("one.com")
    strengths = {hit["id"]: hit["strength"] for hit in one["markers"]}
    assert strengths == {"t_share": 1.0, "t_half": 0.5}  # any backlink / share of the domain's 2 backlinks
    assert json.loads(one["markers"][0]["evidence"])["backlinks"] in (1, 2)
    backlinks = {row["source_url"]: row for row in result.backlinks.to_pylist()}
    assert backlinks["https://one.com/a"]["toxicity"] == 75 and set(backlinks["https://one.com/a"]["markers"]) == {
        "t_share", "t_half"}
    assert backlinks["https://one.com/b"]["toxicity"] == 50 and backlinks["https://one.com/b"]["markers"] == ["t_share"]


def test_one_weak_marker_never_makes_a_domain_potentially_toxic(db_path, test_markers):
    weak = [marker for marker in MARKERS.values() if marker.weak]
    assert len(weak) >= 20 and all(marker.weight < 0.45 for marker in weak)
    test_markers(fixed_marker("t_weakest_strong", 0.44, {"one.com": 1.0}))
    small_web().write(db_path)
    with open_index(db_path) as index:
        result = score(index, settings(), markers=["t_weakest_strong"])
    assert result.domain("one.com")["toxicity"] == 44 and result.domain("one.com")["level"] == "non_toxic"


def test_result_tables_cover_every_referring_domain_and_backlink(db_path):
    small_web().write(db_path)
    with open_index(db_path) as index:
        result = score(index, settings())
    domains = result.domains
    assert {"domain", "toxicity", "level", "backlinks", "all_backlinks", "status", "authority_score", "theme",
            "relevance", "markers"} <= set(domains.column_names)
    assert domains.schema.field("toxicity").type == pa.int32()
    assert domains.schema.field("markers").type.value_type.names[:4] == ["id", "category", "weight", "strength"]
    rows = {row["domain"]: row for row in domains.to_pylist()}
    assert set(rows) == {"one.com", "two.com", "three.com", "four.com"}
    assert (rows["one.com"]["backlinks"], rows["one.com"]["all_backlinks"], rows["one.com"]["status"]) == (2, 2, "live")
    assert (rows["three.com"]["backlinks"], rows["three.com"]["status"]) == (0, "lost")
    assert rows["four.com"]["status"] == "broken"
    assert {"source_url", "target_url", "source_domain", "status", "anchor", "toxicity", "level", "markers"} <= set(
        result.backlinks.column_names)
    assert result.backlinks.num_rows == 5
    assert result.project_source == "settings" and result.project_categories == {"analytics": 1.0}


def test_bands_and_profile_levels():
    assert [level_of(score_) for score_ in (0, 44, 45, 59, 60, 100)] == [
        "non_toxic", "non_toxic", "potentially_toxic", "potentially_toxic", "toxic", "toxic"]
    assert [profile_level(p) for p in (0, 2.9, 3, 10, 10.1, 50)] == ["low", "low", "medium", "medium", "high", "high"]


def test_toxic_referring_domains_for_the_monitor(db_path):
    web = Web()
    web.page("https://hacked.com/p", [L(PRICING, "product analytics", hidden=True)], ip="198.51.100.7",
             analytics=["UA-1-1"])
    web.page("https://hacked2.com/p", [L(PRICING, "product analytics", hidden=True)], ip="198.51.100.7",
             analytics=["UA-1-1"])
    web.page("https://fine.com/p", [L()])
    web.write(db_path)
    with open_index(db_path) as index:
        found = toxic_referring_domains(index, ["hacked.com", "fine.com"], "acme.com")
        assert toxic_referring_domains(index, [], "acme.com") == []
    assert [item["domain"] for item in found] == ["hacked.com"]
    item = found[0]
    assert item["toxicity"] >= 60 and item["level"] == "toxic" and item["score"] == item["toxicity"]
    assert {"hidden_link", "shared_analytics", "same_ip"} <= set(item["markers"])


def test_explain_lists_each_marker_with_its_points(db_path):
    web = Web()
    web.page("https://cheap.xyz/p", [L()])
    web.page("https://fine.com/p", [L()])
    web.write(db_path)
    with open_index(db_path) as index:
        result = score(index, settings())
    lines = explain(result, "cheap.xyz")
    assert lines[0] == "cheap.xyz: toxicity 20 (non toxic), 1 marker(s), 1 live of 1 backlink(s)."
    assert lines[1] == "[harmful_environment] spam_tld (up to 20 points): It uses the .xyz TLD, one of the most abused " \
                       "for spam sites."
    assert explain(result, "fine.com")[1] == "No toxic marker found."
    with pytest.raises(UsageError, match="not a referring domain"):
        explain(result, "nowhere.com")


def test_bad_inputs_fail_with_the_fix(db_path, tmp_path):
    small_web().write(db_path)
    binary = tmp_path / "list.bin"
    binary.write_bytes(b"\0\1\2spam")
    with open_index(db_path) as index:
        with pytest.raises(InputError, match="missing.txt: cannot read the spam list"):
            score(index, settings(), spam_lists=[tmp_path / "missing.txt"])
        with pytest.raises(InputError, match="not a text file"):
            score(index, settings(), spam_lists=[binary])
        with pytest.raises(UsageError, match="unknown"):
            score(index, settings(), markers=["no_such_marker"])
        with pytest.raises(UsageError, match="--category 'astrology'"):
            score(index, settings(categories=["astrology"]))
        with pytest.raises(UsageError, match="--country 'zz'"):
            score(index, settings(countries=["zz"]))


def test_registry_rejects_bad_markers():
    with pytest.raises(ValueError, match="category"):
        Marker("x", "nonsense", 0.2, "d.", lambda ctx: None, lambda e: "")
    with pytest.raises(ValueError, match="weight"):
        Marker("x", "manipulative", 1.5, "d.", lambda ctx: None, lambda e: "")


# -- themes -------------------------------------------------------------------------------------------


def test_lexicon_scores_words_in_several_languages():
    assert max((s, c) for c, s in themes.text_theme(["dashboards", "cohort", "churn"]).items())[1] == "analytics"
    assert max((s, c) for c, s in themes.text_theme(["kennzahlen", "dashboard", "auswertung"]).items())[1] == "analytics"
    assert max((s, c) for c, s in themes.text_theme(["продвижение", "сайтов", "ссылки"]).items())[1] == "seo"
    assert max((s, c) for c, s in themes.text_theme(["网站推广外链"]).items())[1] == "seo"  # CJK runs by containment
    assert max((s, c) for c, s in themes.text_theme(["recipes", "kitchen", "dinner"]).items())[1] == "lifestyle"
    assert themes.text_theme(["the", "and", "zzzz"]) == {}


def test_categories_aliases_and_closeness():
    assert themes.resolve_categories(["SaaS", "Data Analytics", "martech", "analytics"]) == (
        "software", "analytics", "marketing")
    close = themes.closeness({"analytics": 1.0})
    assert close["analytics"] == 1.0 and close["software"] == 0.8 and "gambling" not in close
    assert themes.fold("dashboards") == "dashboard" and themes.fold("analysis") == "analysis"


def test_languages_and_countries():
    assert themes.languages_for(["us", "uk", "ch"]) == ("en", "es", "de", "fr", "it", "rm")
    assert themes.country_of("co.uk") == "gb" and themes.country_of("ru") == "ru"
    assert themes.country_of("io") is None and themes.country_of("com") is None and themes.country_of("eu") is None


def test_relevance_in_sql_matches_the_python_lexicon(db_path):
    web = Web()
    web.page("https://mixed.com/p", [L()], terms=["recipe", "kitchen", "analytics", "dashboard"], title=None)
    web.write(db_path)
    with open_index(db_path) as index:
        result = score(index, audit_settings("acme.com", categories=["analytics"]), markers=[])
    scores = themes.text_theme(["recipe", "kitchen", "analytics", "dashboard"])
    close = themes.closeness({"analytics": 1.0})
    expected = sum(score_ * close.get(c, 0) for c, score_ in scores.items()) / sum(scores.values())
    assert result.domain("mixed.com")["relevance"] == pytest.approx(expected, abs=0.001)


def test_docs_list_every_marker_with_its_category_weight_and_scope():
    docs = (Path(__file__).resolve().parents[1] / "docs" / "audit.md").read_text(encoding="utf-8")
    rows = {}
    for line in docs.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 5 and cells[0].startswith("`") and cells[2].replace(".", "").isdigit():
            rows[cells[0].strip("`")] = (cells[1], float(cells[2]), cells[3].split()[0])
    assert rows == {m.id: (m.category, m.weight, m.scope) for m in MARKERS.values()}
