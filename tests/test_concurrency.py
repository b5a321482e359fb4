"""Concurrent analysts: parallel appends never lose or interleave lines; the later correction applies."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd

from dashboard import REPO_DIR
from dashboard import corrections as cx

APPENDER = """
    import sys, time
    from pathlib import Path
    from dashboard import corrections as cx
    folder, name, count, target, field, value, go = sys.argv[1:8]
    while not Path(go).exists():
        time.sleep(0.001)
    for n in range(int(count)):
        new = value if field != "notes" else f"{name} {n} " + "y" * 3000
        cx.append_correction(cx.make_correction("set", target, analyst=name, report_ids=[], field=field,
                                                new=new, old="x" * (n % 7) * 1000), folder)
"""


def run_together(folder: Path, jobs: list[tuple[str, int, str, str, str]]) -> None:
    """Start one appender process per job (name, count, target, field, value), release them at once, wait."""
    go = folder / "go"
    processes = [
        subprocess.Popen([sys.executable, "-c", textwrap.dedent(APPENDER), str(folder), name, str(count), target,
                          field, value, str(go)], cwd=REPO_DIR)
        for name, count, target, field, value in jobs
    ]
    time.sleep(0.5)  # let both import and wait at the gate
    go.touch()
    for process in processes:
        assert process.wait(timeout=120) == 0


def incidents() -> pd.DataFrame:
    """Return two incidents to apply corrections to."""
    return pd.DataFrame({"incident_id": ["i1", "i2"], "fatalities": pd.array([0, 0], dtype="Int64"),
                         "weapon": ["rocket", "drone"], "corrected": [False, False]})


def test_two_processes_appending_200_each_keep_400_whole_lines(tmp_path: Path) -> None:
    run_together(tmp_path, [("ann", 200, "i1", "notes", ""), ("bob", 200, "i1", "notes", "")])
    lines = cx.log_path(tmp_path).read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 401
    parsed = [json.loads(line) for line in lines[:-1]]
    assert len({e["id"] for e in parsed}) == 400
    for name in ("ann", "bob"):
        mine = [e["new"].split()[1] for e in parsed if e["analyst"] == name]
        assert mine == [str(n) for n in range(200)]  # each writer's lines whole and in its order
    log, problems = cx.read_log_with_problems(tmp_path)
    assert problems == [] and len(log) == 400
    stamps = [e["at"] for e in log]
    assert stamps == sorted(stamps)  # stamped under the lock: file order is time order


def test_same_field_at_once_keeps_both_and_applies_the_later(tmp_path: Path) -> None:
    run_together(tmp_path, [("ann", 1, "i1", "fatalities", "11"), ("bob", 1, "i1", "fatalities", "22")])
    log = cx.read_log(tmp_path)
    assert sorted(e["analyst"] for e in log) == ["ann", "bob"]
    later = max(log, key=lambda e: e["at"])
    out, orphans = cx.apply_incident_corrections(incidents(), log)
    assert orphans == [] and out.loc[0, "fatalities"] == later["new"] and out.loc[0, "corrected"]


def test_different_incidents_at_once_keep_both(tmp_path: Path) -> None:
    run_together(tmp_path, [("ann", 1, "i1", "weapon", "drone"), ("bob", 1, "i2", "weapon", "mortar")])
    out, _ = cx.apply_incident_corrections(incidents(), cx.read_log(tmp_path))
    assert out["weapon"].tolist() == ["drone", "mortar"] and out["corrected"].all()


# --- two browser sessions (Streamlit AppTest) ------------------------------------------------------

REVIEW_SCRIPT = """
import os
from types import SimpleNamespace

import pandas as pd
import streamlit as st

from dashboard.ui.review import render_review

folder = os.environ["REVIEW_TEST_TABLES"]
ids = {"report_id": "string", "incident_id": "string", "article_id": "string"}
tables = SimpleNamespace(
    incidents=pd.read_csv(folder + "/incidents.csv", dtype=ids),
    reports=pd.read_csv(folder + "/reports.csv", dtype=ids),
    articles=pd.DataFrame({"article_id": ["a1"], "title": ["Rockets"], "source_file": ["a1.txt"],
                           "text": ["Intro. A drone hit Harir base on Monday. End."]}),
    orphans=[],
)
render_review(tables, st.session_state.get("pick", "i1"), st.session_state.get("analyst", ""))
"""


def write_tables(folder: Path) -> None:
    """Write a two-incident built table (incidents.csv, reports.csv) into folder."""
    pd.DataFrame({"report_id": ["r1", "r2", "r3"], "incident_id": ["i1", "i1", "i2"], "article_id": ["a1"] * 3,
                  "location": ["Ain al-Asad", "Ain al-Asad", "Erbil"]}).to_csv(folder / "reports.csv", index=False)
    pd.DataFrame({"incident_id": ["i1", "i2"], "location": ["Ain al-Asad", "Erbil"], "latitude": [33.8, 36.19],
                  "longitude": [42.44, 44.01], "event_date": ["2024-01-20", "2024-01-21"], "time_precision": [1, 1],
                  "weapon": ["rocket", "drone"], "outcome": ["impact", "unknown"], "fatalities": [0, None],
                  "sources": ["a1", "a1"], "corrected": [False, False]}).to_csv(folder / "incidents.csv", index=False)


def session(folder: Path, monkeypatch, analyst: str):
    """Return a started AppTest session of the review panel for an analyst."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("REVIEW_TEST_TABLES", str(folder))
    monkeypatch.setenv("INCIDENT_DASHBOARD_DATA", str(folder))
    app = AppTest.from_string(REVIEW_SCRIPT, default_timeout=60)
    app.session_state["analyst"] = analyst
    app.run()
    assert not app.exception, app.exception
    return app


def test_two_app_sessions_same_field_keep_both_and_apply_the_later(tmp_path: Path, monkeypatch) -> None:
    write_tables(tmp_path)
    ann, bob = session(tmp_path, monkeypatch, "ann"), session(tmp_path, monkeypatch, "bob")
    ann.number_input(key="review_i1_fatalities").set_value(11)
    bob.number_input(key="review_i1_fatalities").set_value(22)  # bob still sees the old value 0
    ann.button(key="review_i1_save").click().run()
    bob.button(key="review_i1_save").click().run()
    assert not ann.exception and not bob.exception
    assert "Saved 1 correction" in bob.success[0].value
    log = cx.read_log(tmp_path / "corrections")
    assert [(e["analyst"], e["new"], e["old"]) for e in log] == [("ann", 11, 0), ("bob", 22, 0)]
    out, _ = cx.apply_incident_corrections(incidents(), log)
    assert out.loc[0, "fatalities"] == 22


def test_two_app_sessions_different_incidents_keep_both(tmp_path: Path, monkeypatch) -> None:
    write_tables(tmp_path)
    ann = session(tmp_path, monkeypatch, "ann")
    bob = session(tmp_path, monkeypatch, "bob")
    bob.session_state["pick"] = "i2"
    bob.run()
    ann.selectbox(key="review_i1_weapon").set_value("drone")
    bob.selectbox(key="review_i2_weapon").set_value("mortar")
    ann.button(key="review_i1_save").click().run()
    bob.button(key="review_i2_save").click().run()
    out, _ = cx.apply_incident_corrections(incidents(), cx.read_log(tmp_path / "corrections"))
    assert out["weapon"].tolist() == ["drone", "mortar"]


def test_review_panel_location_not_incident_add_undo_and_log(tmp_path: Path, monkeypatch) -> None:
    write_tables(tmp_path)
    app = session(tmp_path, monkeypatch, "ann")
    app.text_input(key="review_i1_loc_name").set_value("Al Asad Airbase")
    app.number_input(key="review_i1_lat").set_value(33.79)
    app.number_input(key="review_i1_lon").set_value(42.43)
    app.button(key="review_i1_loc_save").click().run()
    app.button(key="review_i1_not_incident").click().run()
    app.text_area(key="review_add_sentence").set_value("A drone hit Harir base on Monday.")
    app.button(key="review_add_go").click().run()
    assert not app.exception, app.exception
    log = cx.read_log(tmp_path / "corrections")
    assert [e["op"] for e in log] == ["set", "not_incident", "add"]
    assert log[0]["new"] == {"location": "Al Asad Airbase", "latitude": 33.79, "longitude": 42.43}
    assert log[1]["report_ids"] == ["r1", "r2"]
    assert (log[2]["new"]["evidence_start"], log[2]["new"]["evidence_end"]) == (7, 40)
    app.button(key="review_undo").click().run()
    assert "Undid: add report" in app.success[0].value
    assert [e["op"] for e in cx.effective_log(cx.read_log(tmp_path / "corrections"))] == ["set", "not_incident"]
    assert len(app.dataframe) == 1 and len(app.dataframe[0].value) == 4
    app.number_input(key="review_i1_fatalities").set_value(3)
    app.date_input(key="review_i1_event_date").set_value(None)
    app.text_input(key="review_i1_actor").set_value("  ")
    app.button(key="review_i1_save").click().run()
    assert [e["field"] for e in cx.read_log(tmp_path / "corrections")[-2:]] == ["event_date", "fatalities"]
