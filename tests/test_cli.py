"""The command line: exit codes, problems on stderr, build outputs, batch geocoding."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

from dashboard import REPO_DIR


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run `python -m dashboard ARGS` and return the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args], input=stdin, capture_output=True, text=True, cwd=REPO_DIR
    )


def test_help_lists_every_command():
    out = run("--help").stdout
    for command in ("build", "extract", "geocode", "evaluate", "bench"):
        assert command in out


def test_extract_reports_bad_files_and_keeps_good_ones(tmp_path: Path):
    (tmp_path / "good.txt").write_text("date 2024-01-21 Rockets struck Ain al-Asad air base on Saturday.\n")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 50)
    good = '{"text": "A drone hit Harir air base on Monday.", "date": "2024-01-22"}'
    (tmp_path / "broken.jsonl").write_text(good + "\n{oops\n")
    result = run("extract", str(tmp_path), "--format", "jsonl")
    assert result.returncode == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(r["location"] for r in rows) == ["Ain al-Asad Air Base", "Harir Air Base"]
    assert "empty.txt: empty file" in result.stderr
    assert "binary.txt: binary file" in result.stderr
    assert "broken.jsonl:2: malformed JSON" in result.stderr


def test_extract_exits_2_when_nothing_loads(tmp_path: Path):
    (tmp_path / "empty.txt").write_text("")
    result = run("extract", str(tmp_path))
    assert result.returncode == 2
    assert "empty file" in result.stderr


def test_extract_csv_has_header_and_rows():
    result = run("extract", "seeds", "--format", "csv")
    table = pd.read_csv(__import__("io").StringIO(result.stdout))
    assert len(table) == 3
    assert list(table.columns)[:3] == ["report_id", "incident_id", "article_id"]


def test_build_writes_tables_and_is_cached(tmp_path: Path):
    out = tmp_path / "out"
    first = run("build", "seeds", "--out", str(out))
    assert first.returncode == 0, first.stderr
    incidents = pd.read_csv(out / "incidents.csv")
    assert len(incidents) == 3 and (out / "reports.csv").exists() and (out / "incidents.parquet").exists()
    again = run("build", "seeds", "--out", str(out), "--if-stale")
    assert again.returncode == 0 and "extracted" not in again.stderr


def test_geocode_cli_keeps_order_and_reports_unresolved():
    lines = "\n".join(
        json.dumps(x)
        for x in [
            {"id": 1, "name": "Irbil"},
            {"id": 2, "name": "Xqzzyville"},
            {"id": 3, "name": "Washington", "text": "The White House in Washington said", "start": 20, "end": 30},
        ]
    )
    result = run("geocode", stdin=lines + "\n")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == [1, 2, 3]
    assert rows[0]["country"] == "Iraq"
    assert rows[1]["latitude"] is None and rows[1]["location"] is None
    assert abs(rows[2]["latitude"] - 38.9) < 0.3 and abs(rows[2]["longitude"] + 77.0) < 0.3
