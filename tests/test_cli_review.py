"""Tests for the review subcommands: correct, merge, split, corrections (undo, orphans)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dashboard import REPO_DIR
from dashboard import corrections as cx
from dashboard.cli_review import main
from dashboard.schema import INCIDENT_COLUMNS, REPORT_COLUMNS


def write_tables(folder: Path) -> Path:
    """Write a two-incident built table (incidents.csv + reports.csv) into folder; return it."""
    reports = pd.DataFrame(
        [
            {"report_id": "r1", "incident_id": "i1", "article_id": "a1", "location": "Ain al-Asad",
             "event_date": "2024-01-20", "weapon": "rocket", "fatalities": 0},
            {"report_id": "r2", "incident_id": "i1", "article_id": "a2", "location": "Ain al-Asad",
             "event_date": "2024-01-20", "weapon": "rocket"},
            {"report_id": "r3", "incident_id": "i2", "article_id": "a3", "location": "Erbil",
             "event_date": "2024-01-21", "weapon": "drone"},
        ],
        columns=REPORT_COLUMNS,
    )
    incidents = pd.DataFrame(
        [
            {"incident_id": "i1", "location": "Ain al-Asad", "latitude": 33.8, "longitude": 42.44,
             "event_date": "2024-01-20", "weapon": "rocket", "fatalities": 0, "corrected": False},
            {"incident_id": "i2", "location": "Erbil", "latitude": 36.19, "longitude": 44.01,
             "event_date": "2024-01-21", "weapon": "drone", "corrected": False},
        ],
        columns=INCIDENT_COLUMNS,
    )
    folder.mkdir(parents=True, exist_ok=True)
    reports.to_csv(folder / "reports.csv", index=False)
    incidents.to_csv(folder / "incidents.csv", index=False)
    return folder


def run(data_dir: Path, *args: str) -> int:
    """Run a review subcommand against data_dir and return its exit code."""
    command, *rest = args
    return main([command, *rest, "--data-dir", str(data_dir), "--analyst", "ann"])


def test_correct_records_old_value_and_members(tmp_path, capsys) -> None:
    data = write_tables(tmp_path)
    assert run(data, "correct", "i1", "--set", "fatalities=2", "--set", "notes=checked") == 0
    assert "recorded" in capsys.readouterr().out
    log = cx.read_log(data / "corrections")
    assert [(e["field"], e["old"], e["new"]) for e in log] == [("fatalities", 0, 2), ("notes", None, "checked")]
    assert all(e["report_ids"] == ["r1", "r2"] and e["analyst"] == "ann" and e["target_id"] == "i1" for e in log)


def test_correct_by_report_id_targets_its_incident(tmp_path) -> None:
    data = write_tables(tmp_path)
    assert run(data, "correct", "r3", "--set", "weapon=Rocket") == 0
    (only,) = cx.read_log(data / "corrections")
    assert (only["target_id"], only["new"], only["old"]) == ("i2", "rocket", "drone")


def test_correct_location_with_coordinates_is_one_entry(tmp_path) -> None:
    data = write_tables(tmp_path)
    assert run(data, "correct", "i2", "--set", "location=Harir", "--set", "latitude=36.54",
               "--set", "longitude=44.35") == 0
    (only,) = cx.read_log(data / "corrections")
    assert only["field"] == "location"
    assert only["new"] == {"location": "Harir", "latitude": 36.54, "longitude": 44.35}
    assert only["old"] == {"location": "Erbil", "latitude": 36.19, "longitude": 44.01}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("correct", "nope", "--set", "fatalities=1"), "unknown id 'nope'"),
        (("correct", "i1", "--set", "fatalities=many"), "fatalities: expected a whole number"),
        (("correct", "i1", "--set", "colour=red"), "unknown field 'colour'"),
        (("correct", "i1", "--set", "fatalities"), "field=value"),
        (("correct", "i1"), "--set"),
        (("correct", "i1", "--set", "event_date=2999-01-01"), "future"),
        (("merge", "i1", "r2"), "already the same incident"),
        (("merge", "i1", "zz"), "unknown id 'zz'"),
        (("split", "i1"), "expects a report id"),
        (("split", "r3"), "already the only report"),
    ],
)
def test_bad_input_exits_2_with_clear_message(tmp_path, capsys, args, message) -> None:
    data = write_tables(tmp_path)
    assert run(data, *args) == 2
    assert message in capsys.readouterr().err
    assert cx.read_log(data / "corrections") == []


def test_no_built_table_is_a_clear_error(tmp_path, capsys) -> None:
    assert run(tmp_path, "correct", "i1", "--set", "fatalities=1") == 2
    assert "run `python -m dashboard build` first" in capsys.readouterr().err


def test_not_incident_merge_split(tmp_path) -> None:
    data = write_tables(tmp_path)
    assert run(data, "correct", "r2", "--not-incident") == 0
    assert run(data, "merge", "i1", "i2") == 0
    log = cx.read_log(data / "corrections")
    assert [e["op"] for e in log] == ["not_incident", "merge"]
    assert log[1]["new"] == {"incident_id": "i2", "report_ids": ["r3"]} and log[1]["report_ids"] == ["r1"]
    assert run(data, "split", "r3") == 0
    reports = pd.read_csv(data / "reports.csv", dtype="string")
    reports, orphans = cx.apply_report_corrections(reports, cx.read_log(data / "corrections"))
    assert orphans == [] and reports["report_id"].tolist() == ["r1", "r3"]
    assert reports["incident_id"].iloc[0] == "i1" and reports["incident_id"].iloc[1].startswith("inc-split-")


def test_corrections_lists_undoes_and_finds_orphans(tmp_path, capsys) -> None:
    data = write_tables(tmp_path)
    assert run(data, "corrections") == 0
    assert "no corrections" in capsys.readouterr().out
    run(data, "correct", "i1", "--set", "fatalities=2")
    run(data, "correct", "i2", "--set", "actor=Kataib Hezbollah")
    capsys.readouterr()
    assert run(data, "corrections") == 0
    out = capsys.readouterr().out
    assert "set fatalities of i1" in out and "Kataib Hezbollah" in out and "ann" in out
    assert run(data, "corrections", "--undo") == 0
    assert "undid" in capsys.readouterr().out
    assert "set actor of i2" in cx.log_table(cx.read_log(data / "corrections"))["what"].tolist()
    assert run(data, "corrections") == 0
    assert "undone" in capsys.readouterr().out
    # the source of incident i1 disappears from the corpus: its correction becomes orphaned, not dropped
    write_tables(data)
    pd.read_csv(data / "incidents.csv").iloc[1:].to_csv(data / "incidents.csv", index=False)
    pd.read_csv(data / "reports.csv").iloc[2:].to_csv(data / "reports.csv", index=False)
    assert run(data, "corrections", "--orphans") == 0
    out = capsys.readouterr().out
    assert "set fatalities of i1" in out and "target no longer exists" in out
    assert len(cx.read_log(data / "corrections")) == 3


def _dashboard_has(command: str) -> bool:
    """Return True when `python -m dashboard` has the subcommand registered (lead wires cli.py)."""
    from dashboard.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    return command in sub.choices


def test_python_m_dashboard_correct(tmp_path) -> None:
    if not _dashboard_has("correct"):
        pytest.skip("cli.py does not register the review subcommands yet")
    data = write_tables(tmp_path)
    env = {**os.environ, "DASHBOARD_ANALYST": "cli-user"}
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "correct", "nope", "--set", "fatalities=1", "--data-dir", str(data)],
        cwd=REPO_DIR, capture_output=True, text=True, env=env, timeout=120,
    )
    assert done.returncode == 2 and "unknown id" in done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "correct", "i1", "--set", "fatalities=1", "--data-dir", str(data)],
        cwd=REPO_DIR, capture_output=True, text=True, env=env, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert cx.read_log(data / "corrections")[0]["analyst"] == "cli-user"


def test_correct_then_build_shows_corrected_values(tmp_path, monkeypatch, repo_dir, capsys) -> None:
    """End to end on the seed article: build, correct two incidents, rebuild, read the written table."""
    pytest.importorskip("dashboard.geocode")
    from dashboard.cli import main as dashboard_main

    monkeypatch.setattr(cx, "CORRECTIONS_DIR", tmp_path / "corrections")  # build's default log folder
    assert dashboard_main(["build", str(repo_dir / "seeds"), "--out", str(tmp_path)]) == 0
    built = pd.read_parquet(tmp_path / "incidents.parquet")
    first, second = built["incident_id"].iloc[0], built["incident_id"].iloc[1]
    assert run(tmp_path, "correct", first, "--set", "fatalities=3", "--set", "weapon=drone",
               "--set", "notes=checked") == 0
    assert run(tmp_path, "correct", second, "--set", "location=Harir") == 0
    assert dashboard_main(["build", str(repo_dir / "seeds"), "--out", str(tmp_path)]) == 0
    for table in (pd.read_parquet(tmp_path / "incidents.parquet"), pd.read_csv(tmp_path / "incidents.csv")):
        one = table[table["incident_id"] == first].iloc[0]
        assert (one["fatalities"], one["weapon"], one["notes"], bool(one["corrected"])) == (3, "drone", "checked", True)
        two = table[table["incident_id"] == second].iloc[0]
        assert two["location"] == "Harir" and abs(two["latitude"] - 36.54) < 0.05 and bool(two["corrected"])
    log = cx.read_log(tmp_path / "corrections")
    assert log[-1]["old"]["location"] == built.loc[built["incident_id"] == second, "location"].iloc[0]
    third = built["incident_id"].iloc[2]
    assert run(tmp_path, "correct", third, "--not-incident") == 0
    assert dashboard_main(["build", str(repo_dir / "seeds"), "--out", str(tmp_path)]) == 0
    assert third not in set(pd.read_parquet(tmp_path / "incidents.parquet")["incident_id"])
    capsys.readouterr()
    assert run(tmp_path, "corrections", "--orphans") == 0
    assert "no orphaned corrections" in capsys.readouterr().out
