"""Audit projects on a real DuckDB file: create, edit, show, list, delete; settings for the audit; the CLI."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest
from click.testing import CliRunner

from linkatlas.audit.lists import add_entries, entries
from linkatlas.audit.projects import (country_codes, create_project, delete_project, get_project, list_projects,
                                      normalize_countries, settings_for, update_project)
from linkatlas.cli.main import cli
from linkatlas.errors import LinkatlasError, UsageError
from linkatlas.index.store import open_index


@pytest.fixture
def index(db_path):
    with open_index(db_path) as opened:
        yield opened


def invoke(args, db_path):
    return CliRunner().invoke(cli, [*args, "--db", str(db_path)], catch_exceptions=False)


def test_bundled_country_list_has_the_249_iso_codes():
    codes = country_codes()
    assert len(codes) == 249
    assert all(len(code) == 2 and code.isascii() and code.islower() for code in codes)
    assert (codes["de"], codes["us"], codes["ci"]) == ("Germany", "United States", "Côte d'Ivoire")
    assert "uk" not in codes and "gb" in codes and "ss" in codes  # South Sudan (2011) is there


def test_countries_accept_codes_in_any_case_and_names_and_refuse_the_rest():
    assert normalize_countries(["DE", "us", " fr ", "Germany", "de"]) == ("de", "us", "fr")
    with pytest.raises(UsageError) as caught:
        normalize_countries(["uk", "xx", "de"])
    message = str(caught.value)
    assert "'uk', 'xx'" in message and "write gb for uk" in message and "\n" not in message


def test_create_stores_the_registrable_domain_with_its_own_name_as_first_brand(index, db_path):
    created = create_project(index, "https://www.shop.example.co.uk/pricing", brands=["Example Shop", "example shop"],
                             categories=["E-Commerce", " Retail  Tech "], countries=["GB", "ie"],
                             keywords=["cheap  widgets", "Cheap widgets"])
    assert created.domain == "example.co.uk" and created.name == "example.co.uk"
    assert created.brands == ("example", "Example Shop")  # case-insensitive duplicates dropped
    assert created.categories == ("e-commerce", "retail tech")
    assert created.countries == ("gb", "ie")
    assert created.keywords == ("cheap widgets",)
    index.close()
    with open_index(db_path) as reopened:  # stored in the file, not in memory
        assert get_project(reopened, "example.co.uk") == created
        assert get_project(reopened, "news.example.co.uk") == created  # any host of the domain
        assert get_project(reopened, "other.com") is None


def test_creating_twice_fails_and_keeps_the_first(index):
    create_project(index, "acme.com", brands=["Acme"])
    with pytest.raises(LinkatlasError, match="project acme.com exists already — change it with"):
        create_project(index, "www.acme.com", brands=["Other"])
    assert get_project(index, "acme.com").brands == ("acme",)  # "Acme" is the own brand, not added twice


def test_edit_adds_removes_and_renames(index):
    create_project(index, "acme.com", brands=["Acme Corp"], categories=["saas"], countries=["us"])
    updated = update_project(index, "acme.com", name="Acme (US+DE)",
                             add={"brands": ["AcmeCorp"], "countries": ["DE"], "keywords": ["product analytics"]},
                             remove={"brands": ["acme corp"], "categories": ["SaaS"], "countries": ["US"]})
    assert (updated.name, updated.brands, updated.categories, updated.countries, updated.keywords) == (
        "Acme (US+DE)", ("acme", "AcmeCorp"), (), ("de",), ("product analytics",))
    assert updated.created_at <= updated.updated_at
    assert get_project(index, "acme.com") == updated


def test_the_domains_own_brand_cannot_be_removed_and_unknown_projects_fail(index):
    create_project(index, "acme.com")
    with pytest.raises(UsageError, match="always a brand"):
        update_project(index, "acme.com", remove={"brands": ["ACME"]})
    with pytest.raises(LinkatlasError, match="no project for other.com .*`linkatlas project create other.com`"):
        update_project(index, "other.com", add={"brands": ["x"]})
    with pytest.raises(UsageError, match="unknown project field 'colours'"):
        update_project(index, "acme.com", add={"colours": ["red"]})


def test_settings_for_merges_the_project_with_given_values(index):
    create_project(index, "acme.com", brands=["Acme Corp"], categories=["analytics"], countries=["us"],
                   keywords=["product analytics"])
    settings = settings_for(index, "https://blog.acme.com/x", brands=["ACME CORP", "Acme App"],
                            categories=["Marketing"], countries=["DE"], keywords=["churn"])
    assert settings.domain == "acme.com" and settings.project == "acme.com"
    assert settings.brands == ("acme", "Acme Corp", "Acme App")
    assert settings.categories == ("analytics", "marketing")
    assert settings.countries == ("us", "de")
    assert settings.keywords == ("product analytics", "churn")
    bare = settings_for(index, "other.org", countries=["fr"])
    assert (bare.project, bare.brands, bare.countries) == (None, ("other",), ("fr",))
    with pytest.raises(UsageError):
        settings_for(index, "acme.com", countries=["zz"])


def test_delete_removes_the_project_and_its_lists_only(index):
    create_project(index, "acme.com")
    create_project(index, "beta.com")
    add_entries(index, "acme.com", "disavow", ["spam.com", "spam2.com"])
    add_entries(index, "beta.com", "disavow", ["spam.com"])
    assert delete_project(index, "acme.com") == {"domain": "acme.com", "project": True, "list_entries": 2}
    assert [project.domain for project in list_projects(index)] == ["beta.com"]
    assert entries(index, "acme.com") == [] and [e.value for e in entries(index, "beta.com")] == ["spam.com"]


# --- CLI --------------------------------------------------------------------------------


def _without_times(obj: dict) -> dict:
    for key in ("created_at", "updated_at"):
        datetime.fromisoformat(obj.pop(key))
    return obj


def test_cli_create_edit_show_list_delete(db_path):
    created = invoke(["project", "create", "acmeanalytics.com", "--brand", "Acme Analytics", "--category",
                      "Product Analytics", "--country", "US", "--country", "gb", "--keyword", "churn software",
                      "--name", "Acme", "--format", "json"], db_path)
    assert created.exit_code == 0 and created.stderr == ""
    assert _without_times(json.loads(created.stdout)) == {
        "domain": "acmeanalytics.com", "name": "Acme", "brands": ["acmeanalytics", "Acme Analytics"],
        "categories": ["product analytics"], "countries": ["us", "gb"], "keywords": ["churn software"]}
    edited = invoke(["project", "edit", "acmeanalytics.com", "--add-country", "de", "--remove-country", "GB",
                     "--add-brand", "AcmeAnalytics", "--remove-keyword", "CHURN SOFTWARE", "--format", "json"],
                    db_path)
    assert edited.exit_code == 0
    assert _without_times(json.loads(edited.stdout)) == {
        "domain": "acmeanalytics.com", "name": "Acme", "brands": ["acmeanalytics", "Acme Analytics"],
        "categories": ["product analytics"], "countries": ["us", "de"], "keywords": []}
    # "AcmeAnalytics" equals the own brand without case: not added twice
    shown = invoke(["project", "show", "www.acmeanalytics.com", "--format", "json"], db_path)
    assert json.loads(shown.stdout) == json.loads(edited.stdout)
    invoke(["project", "create", "beta.io", "--format", "json"], db_path)
    listed = list(csv.DictReader(io.StringIO(invoke(["project", "list", "--format", "csv"], db_path).stdout)))
    assert [(row["domain"], row["countries"], row["brands"]) for row in listed] == [
        ("acmeanalytics.com", '["us", "de"]', '["acmeanalytics", "Acme Analytics"]'), ("beta.io", "[]", '["beta"]')]

    refused = invoke(["project", "delete", "acmeanalytics.com"], db_path)
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr == ("linkatlas: error: this deletes the project of acmeanalytics.com and its 0 list "
                              "entries — pass --yes to confirm\n")
    deleted = invoke(["project", "delete", "acmeanalytics.com", "--yes", "--format", "json"], db_path)
    assert deleted.exit_code == 0
    assert json.loads(deleted.stdout) == {"domain": "acmeanalytics.com", "project": True, "list_entries": 0}
    missing = invoke(["project", "show", "acmeanalytics.com"], db_path)
    assert missing.exit_code == 1 and missing.stderr.count("\n") == 1
    assert "no project for acmeanalytics.com" in missing.stderr


def test_cli_usage_errors_exit_2_with_one_line(db_path):
    bad_country = invoke(["project", "create", "acme.com", "--country", "uk"], db_path)
    assert bad_country.exit_code == 2 and bad_country.stderr.count("\n") == 1 and "write gb for uk" in bad_country.stderr
    bad_target = invoke(["project", "create", "not a domain"], db_path)
    assert bad_target.exit_code == 2 and "give a domain" in bad_target.stderr
    twice = [invoke(["project", "create", "acme.com"], db_path) for _ in range(2)][1]
    assert twice.exit_code == 1 and "exists already" in twice.stderr


def test_cli_read_commands_need_an_existing_workspace(tmp_path):
    result = invoke(["project", "list"], tmp_path / "nothing.duckdb")
    assert result.exit_code == 1 and "no linkatlas index here" in result.stderr
    assert not (tmp_path / "nothing.duckdb").exists()


def test_project_help_has_examples():
    for command in (["project", "create"], ["project", "edit"], ["project", "show"], ["project", "list"],
                    ["project", "delete"]):
        result = CliRunner().invoke(cli, [*command, "--help"])
        assert result.exit_code == 0 and "Example" in result.stdout and "linkatlas project" in result.stdout
