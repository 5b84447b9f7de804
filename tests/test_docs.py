"""The README runs as written: its usage block, and the quick start's test command is .ci/run's."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()


def fenced_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, re.S)


def test_quick_start_test_command_is_what_ci_runs():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    install_and_demo, install_and_test = [block.strip() for block in fenced_blocks(quick_start)]
    assert install_and_demo.endswith("linkatlas demo")
    ci_lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line and not line.startswith("#") and not line.startswith(("set ", "cd "))]
    assert ci_lines == [install_and_test]


def test_usage_block_runs_as_written(tmp_path):
    block = README.split("<!-- docs-test:start -->", 1)[1].split("<!-- docs-test:end -->", 1)[0]
    (commands,) = fenced_blocks(block)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    env.pop("LINKATLAS_DB", None)
    outputs = []
    for line in commands.strip().splitlines():
        result = subprocess.run(["bash", "-c", line], cwd=tmp_path, env=env, capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0, (line, result.stderr)
        outputs.append(result.stdout)
    demo = json.loads((tmp_path / "demo.json").read_text())
    assert demo["ingest"]["fetches"] > 4000 and demo["ingest"]["errors"] == 0
    again = json.loads(outputs[1])
    assert (again["fetches"], again["files_already_ingested"]) == (0, demo["ingest"]["files"])
    info = json.loads(outputs[2])  # stdout is not a terminal: JSON
    assert info["fetches"] == demo["ingest"]["fetches"] and info["links"] == demo["ingest"]["links"]
    header, row = outputs[3].splitlines()
    assert header.startswith("run_id,status,files")
    with_internal = dict(zip(header.split(","), row.split(",")))
    assert int(with_internal["links"]) > demo["ingest"]["links"]  # internal links stored too
    overview = json.loads(outputs[4])
    assert overview["target"] == "acmeanalytics.com" and overview["backlinks"] > 0
    assert overview["referring_domains"] <= overview["backlinks"]
    lost_header, *lost_rows = outputs[5].splitlines()
    assert lost_header.startswith("domain,backlinks,follow_backlinks") and lost_rows
    best = [json.loads(line) for line in outputs[6].splitlines()]
    assert len(best) == 5 and len({row["source_domain"] for row in best}) == 5 and all(row["follow"] for row in best)
    assert [row["first_seen"] for row in best] == sorted((row["first_seen"] for row in best), reverse=True)
    toxic = list(csv.DictReader(io.StringIO(outputs[7])))
    assert toxic and all(row["level"] == "toxic" and int(row["toxicity"]) >= 60 for row in toxic)
    assert demo["audit"]["summary"]["toxic"] == len([row for row in toxic if row["status"] == "live"])
    assert {row["domain"] for row in demo["audit"]["most_toxic"]} <= {row["domain"] for row in toxic}
