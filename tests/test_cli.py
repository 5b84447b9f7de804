"""The CLI in-process: exact JSON, exit codes 0/1/2, --db and LINKATLAS_DB, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import WARC_DATA
from linkatlas.cli.main import cli


@pytest.fixture
def runner():
    return CliRunner()


def invoke(runner, args, env=None):
    return runner.invoke(cli, args, env=env, catch_exceptions=False)


def test_ingest_json_summary_is_exact(runner, db_path):
    result = invoke(runner, ["ingest", "--db", str(db_path), "--format", "json", str(WARC_DATA / "example.warc.gz")])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert {k: summary[k] for k in ("status", "files", "records", "pages", "fetches", "links", "skipped", "errors")} == {
        "status": "ok", "files": 1, "records": 1, "pages": 1, "fetches": 1, "links": 1, "skipped": 0, "errors": 0,
    }
    assert summary["counters"]["ingest/warc/revisit_skipped"] == 1
    assert result.stderr == ""


def test_ingest_again_reports_the_file_as_already_ingested(runner, db_path):
    args = ["ingest", "--db", str(db_path), "--format", "json", str(WARC_DATA / "example.warc.gz")]
    invoke(runner, args)
    summary = json.loads(invoke(runner, args).stdout)
    assert (summary["files_already_ingested"], summary["fetches"], summary["links"]) == (1, 0, 0)


def test_truncated_file_exits_1_with_a_line_naming_it(runner, db_path, tmp_path):
    data = (WARC_DATA / "warcfile.warc.gz").read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) // 2])
    result = invoke(runner, ["ingest", "--db", str(db_path), "--format", "json", str(cut)])
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["errors"] == 1 and summary["fetches"] > 0
    problem_lines = [line for line in result.stderr.splitlines() if str(cut) in line]
    assert len(problem_lines) == 1 and "truncated" in problem_lines[0]


def test_not_an_archive_exits_1_with_one_line(runner, db_path, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    result = invoke(runner, ["ingest", "--db", str(db_path), "--format", "json", str(notes)])
    assert result.exit_code == 1
    assert f"{notes}: not a WARC, ARC or WAT file" in result.stderr


def test_missing_path_is_a_usage_error(runner, db_path, tmp_path):
    result = invoke(runner, ["ingest", "--db", str(db_path), str(tmp_path / "nope.warc.gz")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"linkatlas: error: {tmp_path / 'nope.warc.gz'}: no such file or folder"


def test_unknown_option_is_a_usage_error(runner):
    assert invoke(runner, ["ingest", "--frobnicate", "x"]).exit_code == 2


def test_db_flag_beats_env_which_beats_the_default(runner, tmp_path, monkeypatch):
    env_db, flag_db = tmp_path / "env.duckdb", tmp_path / "flag.duckdb"
    archive = str(WARC_DATA / "example.warc.gz")
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    invoke(runner, ["ingest", "--format", "json", archive], env={"LINKATLAS_DB": str(env_db)})
    invoke(runner, ["ingest", "--db", str(flag_db), "--format", "json", archive], env={"LINKATLAS_DB": str(env_db)})
    assert env_db.exists() and flag_db.exists() and not (workdir / "linkatlas.duckdb").exists()
    invoke(runner, ["ingest", "--format", "json", archive], env={"LINKATLAS_DB": ""})
    assert (workdir / "linkatlas.duckdb").exists()
    info = json.loads(invoke(runner, ["info", "--format", "json"], env={"LINKATLAS_DB": str(env_db)}).stdout)
    assert info["fetches"] == 1 and info["db"] == str(env_db)


def test_info_on_a_missing_workspace_says_what_to_do(runner, tmp_path):
    result = invoke(runner, ["info", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "run `linkatlas ingest` first" in result.stderr


def test_info_csv_and_table(runner, db_path):
    invoke(runner, ["ingest", "--db", str(db_path), "--format", "json", str(WARC_DATA / "whirlwind.warc.gz")])
    csv_out = invoke(runner, ["info", "--db", str(db_path), "--format", "csv"]).stdout.splitlines()
    assert csv_out[0] == "db,fetches,pages,links,source_domains,first_fetch,last_fetch"
    fields = csv_out[1].split(",")
    assert fields[1:3] == ["1", "1"] and int(fields[3]) > 0
    table = invoke(runner, ["info", "--db", str(db_path), "--format", "table"]).stdout
    assert "first_fetch     2024-05-18T01:58:10" in table


@pytest.mark.parametrize("command", ["ingest", "info", "demo"])
def test_every_command_has_help_with_an_example(runner, command):
    result = invoke(runner, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.stdout and "--db" in result.stdout


def test_python_dash_m_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "linkatlas", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("linkatlas, version ")


def test_progress_bar_goes_to_stderr_only_when_asked_or_on_a_terminal(runner, db_path):
    archive = str(WARC_DATA / "warcfile.warc.gz")
    quiet = invoke(runner, ["ingest", "--db", str(db_path), "--format", "json", archive])
    assert quiet.stderr == ""  # not a terminal: no bar
    shown = invoke(runner, ["ingest", "--db", str(db_path) + "2", "--progress", "--format", "json", archive])
    assert "ingest" in shown.stderr and "100%" in shown.stderr
    assert json.loads(shown.stdout)["fetches"] == 16  # stdout stays pure data


def test_a_folder_without_archives_is_a_usage_error(runner, db_path, tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("x")
    result = invoke(runner, ["ingest", "--db", str(db_path), str(tmp_path / "empty")])
    assert result.exit_code == 2
    assert "no .warc, .arc or .wat files in this folder" in result.stderr


def test_memory_limit_must_be_a_size(runner, db_path):
    result = invoke(runner, ["ingest", "--db", str(db_path), "--memory-limit", "lots",
                             str(WARC_DATA / "example.warc.gz")])
    assert result.exit_code == 2 and "give a size such as 256MB" in result.stderr
