"""Tests for dashboard.corrections: validation, the append-only log, undo, and applying corrections."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from dashboard import corrections as cx
from dashboard.schema import INCIDENT_COLUMNS, REPORT_COLUMNS, REPORT_DTYPES


def make_reports() -> pd.DataFrame:
    """Return three reports: r1 and r2 tell incident i1 (Ain al-Asad), r3 tells incident i2 (Erbil)."""
    rows = [
        {"report_id": "r1", "incident_id": "i1", "article_id": "a1", "location": "Ain al-Asad",
         "latitude": 33.80, "longitude": 42.44, "event_date": "2024-01-20", "weapon": "rocket", "fatalities": 0,
         "evidence": "Rockets hit Ain al-Asad.", "evidence_start": 0, "evidence_end": 24},
        {"report_id": "r2", "incident_id": "i1", "article_id": "a2", "location": "Ain al-Asad",
         "latitude": 33.80, "longitude": 42.44, "event_date": "2024-01-20", "weapon": "rocket"},
        {"report_id": "r3", "incident_id": "i2", "article_id": "a3", "location": "Erbil",
         "latitude": 36.19, "longitude": 44.01, "event_date": "2024-01-21", "weapon": "drone"},
    ]
    frame = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    return frame.astype({c: REPORT_DTYPES[c] for c in REPORT_COLUMNS})


def make_incidents() -> pd.DataFrame:
    """Return the two incidents of make_reports() with the schema's incident columns."""
    rows = [
        {"incident_id": "i1", "location": "Ain al-Asad", "latitude": 33.80, "longitude": 42.44,
         "event_date": "2024-01-20", "time_precision": 1, "weapon": "rocket", "fatalities": 0,
         "n_sources": 2, "sources": "a1;a2", "corrected": False},
        {"incident_id": "i2", "location": "Erbil", "latitude": 36.19, "longitude": 44.01,
         "event_date": "2024-01-21", "time_precision": 1, "weapon": "drone", "n_sources": 1, "sources": "a3",
         "corrected": False},
    ]
    frame = pd.DataFrame(rows, columns=INCIDENT_COLUMNS)
    return frame.astype({c: REPORT_DTYPES.get(c, "string") for c in INCIDENT_COLUMNS})


def entry(op: str, target: str, at: str = "", **kwargs) -> dict:
    """Return a validated correction, with its timestamp overridden when `at` is given."""
    made = cx.make_correction(op, target, **kwargs)
    if at:
        made["at"] = at
    return made


def row(frame: pd.DataFrame, incident_id: str) -> pd.Series:
    """Return the single row of an incident."""
    hit = frame[frame["incident_id"] == incident_id]
    assert len(hit) == 1, hit
    return hit.iloc[0]


# --- validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("fatalities", "3", 3),
        ("injured", 4.0, 4),
        ("fatalities", "", None),
        ("latitude", "33.8", 33.8),
        ("weapon", "Drone", "drone"),
        ("outcome", "INTERCEPTED", "intercepted"),
        ("event_date", "2024-01-05", "2024-01-05"),
        ("time_precision", "2", 2),
        ("claimed", "yes", True),
        ("notes", "  checked with a second source ", "checked with a second source"),
    ],
)
def test_coerce_value_converts_types(field: str, value: object, expected: object) -> None:
    assert cx.coerce_value(field, value) == expected


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("fatalities", "many", "whole number"),
        ("fatalities", -1, "outside"),
        ("injured", 2.5, "whole number"),
        ("latitude", 95, "outside"),
        ("longitude", "east", "number"),
        ("event_date", "2999-01-01", "future"),
        ("event_date", "1850-01-01", "before 1900"),
        ("event_date", "yesterday", "ISO date"),
        ("weapon", "banana", "not one of"),
        ("outcome", "destroyed", "not one of"),
        ("time_precision", 7, "outside"),
        ("colour", "red", "unknown field"),
    ],
)
def test_coerce_value_rejects_bad_values_with_field_name(field: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        cx.coerce_value(field, value)
    assert field in str(info.value)


def test_future_date_is_relative_to_today() -> None:
    assert cx.coerce_value("event_date", "2024-03-02", today=date(2024, 3, 2)) == "2024-03-02"
    with pytest.raises(ValueError, match="future"):
        cx.coerce_value("event_date", "2024-03-03", today=date(2024, 3, 2))


def test_location_dict_needs_both_coordinates() -> None:
    with pytest.raises(ValueError, match="both latitude and longitude"):
        cx.coerce_value("location", {"location": "Harir", "latitude": 36.5})
    value = cx.coerce_value("location", {"location": "Harir", "latitude": "36.54", "longitude": 44.35})
    assert value == {"location": "Harir", "latitude": 36.54, "longitude": 44.35}


def test_make_correction_has_every_key_and_is_json() -> None:
    made = cx.make_correction("set", "i1", analyst="ann", report_ids=["r2", "r1"], field="fatalities",
                              old=pd.NA, new="2")
    assert set(made) == set(cx.ENTRY_KEYS)
    assert made["new"] == 2 and made["old"] is None and made["report_ids"] == ["r1", "r2"]
    assert len(made["id"]) == 32 and made["at"].endswith("+00:00")
    json.dumps(made)


def test_make_correction_rejects_bad_operations() -> None:
    with pytest.raises(ValueError, match="unknown operation"):
        cx.make_correction("delete", "i1")
    with pytest.raises(ValueError, match="target id"):
        cx.make_correction("not_incident", " ")
    with pytest.raises(ValueError, match="itself"):
        cx.make_correction("merge", "i1", new="i1")
    with pytest.raises(ValueError, match="evidence"):
        cx.make_correction("add", "rx", new={"location": "Erbil"})


# --- the log ---------------------------------------------------------------------------------------


def test_append_and_read_round_trip(tmp_path) -> None:
    first = cx.append_correction(entry("set", "i1", field="fatalities", new=1), tmp_path)
    second = cx.append_correction(entry("not_incident", "r3", report_ids=["r3"]), tmp_path)
    log = cx.read_log(tmp_path)
    assert [e["id"] for e in log] == [first["id"], second["id"]]
    assert log[0]["new"] == 1 and log[1]["op"] == "not_incident"
    assert log[0]["at"] < log[1]["at"]
    text = cx.log_path(tmp_path).read_text()
    assert text.count("\n") == 2 and all(json.loads(line) for line in text.splitlines())


def test_missing_log_is_empty(tmp_path) -> None:
    assert cx.read_log(tmp_path / "nowhere") == []


def test_partial_trailing_line_is_ignored_with_warning_and_healed(tmp_path) -> None:
    kept = cx.append_correction(entry("set", "i1", field="notes", new="kept"), tmp_path)
    with open(cx.log_path(tmp_path), "ab") as handle:
        handle.write(b'{"id": "dead", "op": "set", "new": "half a li')
    with pytest.warns(cx.CorruptLogWarning, match="partial trailing line"):
        assert [e["id"] for e in cx.read_log(tmp_path)] == [kept["id"]]
    after = cx.append_correction(entry("set", "i1", field="notes", new="after"), tmp_path)
    with pytest.warns(cx.CorruptLogWarning, match="unreadable line"):
        assert [e["id"] for e in cx.read_log(tmp_path)] == [kept["id"], after["id"]]


def test_corrupt_middle_line_is_skipped(tmp_path) -> None:
    path = cx.log_path(tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    good = entry("set", "i1", field="notes", new="ok")
    path.write_bytes(b"\xff\xfe garbage\n[1, 2]\n" + json.dumps(good).encode() + b"\n")
    log, problems = cx.read_log_with_problems(tmp_path)
    assert [e["id"] for e in log] == [good["id"]]
    assert len(problems) == 2 and ":1:" in problems[0] and ":2:" in problems[1]


def test_rewrite_log_replaces_atomically(tmp_path) -> None:
    cx.append_correction(entry("set", "i1", field="notes", new="a"), tmp_path)
    keep = entry("set", "i2", field="notes", new="b")
    cx.rewrite_log([keep], tmp_path)
    assert [e["id"] for e in cx.read_log(tmp_path)] == [keep["id"]]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_undo_appends_and_never_deletes(tmp_path) -> None:
    one = cx.append_correction(entry("set", "i1", field="fatalities", new=1), tmp_path)
    two = cx.append_correction(entry("set", "i1", field="fatalities", new=2), tmp_path)
    assert cx.undo_last(tmp_path, analyst="bob")["id"] == two["id"]
    log = cx.read_log(tmp_path)
    assert len(log) == 3 and log[2]["op"] == "undo" and log[2]["undoes"] == two["id"]
    assert [e["id"] for e in cx.effective_log(log)] == [one["id"]]
    applied, _ = cx.apply_incident_corrections(make_incidents(), log)
    assert row(applied, "i1")["fatalities"] == 1
    assert cx.undo_last(tmp_path)["id"] == one["id"]
    assert cx.undo_last(tmp_path) is None
    log = cx.read_log(tmp_path)
    assert len(log) == 4 and cx.effective_log(log) == []
    applied, _ = cx.apply_incident_corrections(make_incidents(), log)
    assert row(applied, "i1")["fatalities"] == 0 and not row(applied, "i1")["corrected"]


def test_log_table_is_readable() -> None:
    log = [entry("set", "i1", analyst="ann", field="weapon", old="rocket", new="drone")]
    log.append(entry("undo", "i1", analyst="bob", undoes=log[0]["id"]))
    table = cx.log_table(log)
    assert list(table.columns) == ["when", "who", "what", "old", "new", "status", "id"]
    assert table.iloc[0].to_dict() | {"when": "", "id": ""} == {
        "when": "", "who": "ann", "what": "set weapon of i1", "old": "rocket", "new": "drone",
        "status": "undone", "id": "",
    }
    assert table.iloc[1]["who"] == "bob" and table.iloc[1]["status"] == "undo"


# --- incident corrections --------------------------------------------------------------------------


def test_set_fields_marks_corrected_and_adds_notes() -> None:
    incidents = make_incidents().drop(columns=["corrected"])
    log = [
        entry("set", "i1", field="fatalities", new=3),
        entry("set", "i1", field="notes", new="two rockets intercepted"),
        entry("set", "i1", field="event_date", new="2024-01-19"),
        entry("set", "i1", field="time_precision", new=2),
        entry("set", "i1", field="outcome", new="intercepted"),
        entry("set", "i1", field="location",
              new={"location": "Al Asad Airbase", "latitude": 33.79, "longitude": 42.43, "country": "Iraq"}),
    ]
    out, orphans = cx.apply_incident_corrections(incidents, log)
    assert orphans == []
    first = row(out, "i1")
    assert (first["fatalities"], first["notes"], first["event_date"], first["time_precision"]) == (
        3, "two rockets intercepted", "2024-01-19", 2)
    assert (first["location"], first["latitude"], first["longitude"]) == ("Al Asad Airbase", 33.79, 42.43)
    assert first["geo_source"] == "analyst" and first["outcome"] == "intercepted" and first["corrected"]
    second = row(out, "i2")
    assert not second["corrected"] and pd.isna(second["notes"]) and second["location"] == "Erbil"
    assert out["fatalities"].dtype == "Int64"


def test_later_timestamp_wins_regardless_of_file_order() -> None:
    late = entry("set", "i1", at="2024-05-01T10:00:00.000002+00:00", analyst="bob", field="fatalities", new=5)
    early = entry("set", "i1", at="2024-05-01T10:00:00.000001+00:00", analyst="ann", field="fatalities", new=4)
    out, _ = cx.apply_incident_corrections(make_incidents(), [late, early])
    assert row(out, "i1")["fatalities"] == 5


def test_set_follows_reports_when_incident_ids_change() -> None:
    log = [entry("set", "i1", report_ids=["r1", "r2"], field="weapon", new="drone")]
    reports = make_reports()
    reports["incident_id"] = reports["incident_id"].replace({"i1": "i9"})
    incidents = make_incidents()
    incidents["incident_id"] = incidents["incident_id"].replace({"i1": "i9"})
    out, orphans = cx.apply_incident_corrections(incidents, log, reports)
    assert orphans == [] and row(out, "i9")["weapon"] == "drone" and row(out, "i9")["corrected"]
    by_column = incidents.assign(report_ids=["r1;r2", "r3"])
    out, orphans = cx.apply_incident_corrections(by_column, log)
    assert orphans == [] and row(out, "i9")["weapon"] == "drone"


def test_orphans_are_listed_not_dropped(tmp_path) -> None:
    gone = cx.append_correction(entry("set", "i7", report_ids=["r8"], field="notes", new="x"), tmp_path)
    kept = cx.append_correction(entry("set", "i2", report_ids=["r3"], field="notes", new="y"), tmp_path)
    log = cx.read_log(tmp_path)
    out, orphans = cx.apply_incident_corrections(make_incidents(), log, make_reports())
    assert [o["id"] for o in orphans] == [gone["id"]] and orphans[0]["reason"] == "target no longer exists"
    assert row(out, "i2")["notes"] == "y"
    assert [e["id"] for e in cx.read_log(tmp_path)] == [gone["id"], kept["id"]]


def test_invalid_hand_edited_entry_becomes_orphan_not_crash() -> None:
    bad = entry("set", "i1", field="fatalities", new=1) | {"new": "lots"}
    out, orphans = cx.apply_incident_corrections(make_incidents(), [bad])
    assert orphans[0]["reason"].startswith("invalid: fatalities") and row(out, "i1")["fatalities"] == 0


def test_text_into_float_column_from_csv_does_not_fail() -> None:
    incidents = make_incidents().astype({"actor": "float64"}, errors="ignore")
    incidents["actor"] = float("nan")
    out, _ = cx.apply_incident_corrections(incidents, [entry("set", "i2", field="actor", new="Islamic Resistance")])
    assert row(out, "i2")["actor"] == "Islamic Resistance"


# --- report corrections ----------------------------------------------------------------------------


def test_not_incident_drops_incident_or_single_report() -> None:
    out, orphans = cx.apply_report_corrections(make_reports(), [entry("not_incident", "i1", report_ids=["r1", "r2"])])
    assert orphans == [] and out["report_id"].tolist() == ["r3"]
    out, _ = cx.apply_report_corrections(make_reports(), [entry("not_incident", "r2", report_ids=["r2"])])
    assert out["report_id"].tolist() == ["r1", "r3"]


def test_merge_moves_second_incidents_reports() -> None:
    merge = entry("merge", "i1", report_ids=["r1", "r2"], new={"incident_id": "i2", "report_ids": ["r3"]})
    out, orphans = cx.apply_report_corrections(make_reports(), [merge])
    assert orphans == [] and set(out["incident_id"]) == {"i1"}
    incidents, _ = cx.apply_incident_corrections(make_incidents(), [merge], out)
    assert row(incidents, "i1")["corrected"]


def test_split_gives_report_its_own_stable_incident() -> None:
    split = entry("split", "r2", report_ids=["r2"], old="i1")
    first, _ = cx.apply_report_corrections(make_reports(), [split])
    again, _ = cx.apply_report_corrections(make_reports(), [split])
    new_id = first.loc[first["report_id"] == "r2", "incident_id"].iloc[0]
    assert new_id not in ("i1", "i2") and new_id == split["new"]
    assert again.equals(first)
    assert first.loc[first["report_id"] == "r1", "incident_id"].iloc[0] == "i1"


def test_add_appends_an_analyst_report() -> None:
    add = entry("add", "analyst-1", new={
        "evidence": "A drone struck Harir base.", "article_id": "a3", "evidence_start": 10, "evidence_end": 36,
        "location": {"location": "Harir", "latitude": 36.54, "longitude": 44.35}, "event_date": "2024-01-22",
        "weapon": "drone", "fatalities": "0",
    })
    out, orphans = cx.apply_report_corrections(make_reports(), [add, add])
    assert orphans == [] and len(out) == 4
    added = out.iloc[-1]
    assert (added["report_id"], added["location"], added["latitude"], added["weapon"]) == (
        "analyst-1", "Harir", 36.54, "drone")
    assert added["fatalities"] == 0 and added["evidence_end"] == 36 and added["source_file"] == "analyst"
    assert added["incident_id"] == add["new"]["incident_id"]
    assert out["fatalities"].dtype == "Int64" and out["latitude"].dtype == "Float64"


def test_report_orphans() -> None:
    log = [
        entry("not_incident", "i5", report_ids=["r5"]),
        entry("merge", "i1", new={"incident_id": "i6", "report_ids": ["r6"]}),
        entry("split", "r7"),
    ]
    out, orphans = cx.apply_report_corrections(make_reports(), log)
    assert len(out) == 3 and [o["op"] for o in orphans] == ["not_incident", "merge", "split"]


def test_pipeline_order_with_real_grouping() -> None:
    incidents_mod = pytest.importorskip("dashboard.incidents")
    reports = make_reports()
    log = [
        entry("merge", "i1", report_ids=["r1", "r2"], new={"incident_id": "i2", "report_ids": ["r3"]}),
        entry("set", "i1", report_ids=["r1", "r2"], field="fatalities", new=2),
    ]
    reports, o1 = cx.apply_report_corrections(reports, log)
    incidents = incidents_mod.summarize_incidents(reports)
    incidents, o2 = cx.apply_incident_corrections(incidents, log, reports)
    assert o1 == o2 == [] and len(incidents) == 1
    assert incidents.iloc[0]["fatalities"] == 2 and incidents.iloc[0]["corrected"]
    assert incidents.iloc[0]["n_sources"] == 3
