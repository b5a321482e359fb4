"""Analyst corrections: an append-only JSONL log, validation, and applying the log to built tables."""

from __future__ import annotations

import contextlib
import fcntl
import json
import math
import os
import uuid
import warnings
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard import DATA_DIR
from dashboard.schema import OUTCOMES, REPORT_COLUMNS, WEAPONS
from dashboard.store import atomic_write_text, fsync_dir

CORRECTIONS_DIR = DATA_DIR / "corrections"
LOG_NAME = "log.jsonl"
LOCK_NAME = "log.lock"
OPS: tuple[str, ...] = ("set", "not_incident", "merge", "split", "add", "undo")
REPORT_OPS: tuple[str, ...] = ("not_incident", "merge", "split", "add")
ENTRY_KEYS: tuple[str, ...] = (
    "id", "at", "analyst", "op", "target_id", "report_ids", "field", "old", "new", "undoes",
)

INT_FIELDS = ("fatalities", "injured")
PRECISION_FIELDS = ("time_precision", "geo_precision")
TEXT_FIELDS = (
    "event_type", "sub_event_type", "actor", "target", "notes", "admin1", "country", "iso3",
    "place_mention", "source_file", "article_id", "evidence",
)
# Fields an analyst may "set" on an incident ("location" also accepts a dict with coordinates).
EDITABLE_FIELDS: tuple[str, ...] = (
    "location", "latitude", "longitude", "admin1", "country", "iso3", "geo_precision",
    "event_date", "time_precision", "event_type", "sub_event_type", "weapon", "actor", "claimed",
    "target", "outcome", "fatalities", "injured", "notes",
)
LOCATION_KEYS: tuple[str, ...] = (
    "location", "latitude", "longitude", "admin1", "country", "iso3", "geo_precision", "geo_source",
)
# Extra fields an added (missed) report may carry besides the editable ones.
ADD_FIELDS: tuple[str, ...] = (
    *EDITABLE_FIELDS, "geo_source", "evidence", "evidence_start", "evidence_end", "article_id",
    "source_file", "place_mention", "article_date", "incident_id",
)
MAX_TEXT = 5000
MIN_YEAR = 1900


class CorruptLogWarning(UserWarning):
    """Warned when a log line cannot be read (e.g. a writer was killed mid-line); the line is skipped."""


# --- validation ------------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    """Return True for None, NA, NaN and empty/whitespace strings (meaning "not stated")."""
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _coerce_int(field: str, value: Any, low: int, high: int) -> int | None:
    """Return value as an int in [low, high] (None when blank) or raise ValueError."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{field}: expected a whole number, got {value!r}")
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{field}: expected a whole number, got {value!r}") from None
    if not math.isfinite(number) or number != int(number):
        raise ValueError(f"{field}: expected a whole number, got {value!r}")
    if not low <= int(number) <= high:
        raise ValueError(f"{field}: {int(number)} is outside {low}..{high}")
    return int(number)


def _coerce_float(field: str, value: Any, low: float, high: float) -> float | None:
    """Return value as a finite float in [low, high] (None when blank) or raise ValueError."""
    if _blank(value):
        return None
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{field}: expected a number, got {value!r}") from None
    if isinstance(value, bool) or not math.isfinite(number):
        raise ValueError(f"{field}: expected a number, got {value!r}")
    if not low <= number <= high:
        raise ValueError(f"{field}: {number} is outside {low}..{high}")
    return number


def _coerce_date(field: str, value: Any, today: date | None = None) -> str | None:
    """Return an ISO date string YYYY-MM-DD between 1900 and today (None when blank) or raise."""
    if _blank(value):
        return None
    text = str(value).strip()[:10] if isinstance(value, datetime | date) else str(value).strip()
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{field}: expected an ISO date YYYY-MM-DD, got {value!r}") from None
    if parsed > (today or datetime.now(UTC).date()):
        raise ValueError(f"{field}: {parsed.isoformat()} is in the future")
    if parsed.year < MIN_YEAR:
        raise ValueError(f"{field}: {parsed.isoformat()} is before {MIN_YEAR}")
    return parsed.isoformat()


def _coerce_choice(field: str, value: Any, choices: Iterable[str]) -> str | None:
    """Return the canonical spelling of value among choices (case-insensitive) or raise ValueError."""
    if _blank(value):
        return None
    options = {c.lower(): c for c in choices}
    key = str(value).strip().lower()
    if key not in options:
        raise ValueError(f"{field}: {value!r} is not one of {', '.join(options.values())}")
    return options[key]


def _coerce_bool(field: str, value: Any) -> bool | None:
    """Return value as a bool (accepts true/false/yes/no/1/0; None when blank) or raise ValueError."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        return value
    key = str(value).strip().lower()
    if key in ("true", "yes", "y", "1"):
        return True
    if key in ("false", "no", "n", "0"):
        return False
    raise ValueError(f"{field}: expected true or false, got {value!r}")


def _coerce_text(field: str, value: Any) -> str | None:
    """Return value as stripped text of at most MAX_TEXT characters (None when blank) or raise."""
    if _blank(value):
        return None
    if not isinstance(value, str | int | float):
        raise ValueError(f"{field}: expected text, got {type(value).__name__}")
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()  # a bare CR breaks CSV rows
    if len(text) > MAX_TEXT:
        raise ValueError(f"{field}: text longer than {MAX_TEXT} characters")
    return text


def _coerce_location(value: Any) -> Any:
    """Return a location value: a place name, or a dict with name and valid coordinates."""
    if not isinstance(value, dict):
        return _coerce_text("location", value)
    unknown = sorted(set(value) - set(LOCATION_KEYS))
    if unknown:
        raise ValueError(f"location: unknown keys {', '.join(unknown)} (allowed: {', '.join(LOCATION_KEYS)})")
    out = {key: coerce_value(key, val) for key, val in value.items() if key != "location"}
    out = {"location": _coerce_text("location", value.get("location")), **out}
    if (out.get("latitude") is None) != (out.get("longitude") is None):
        raise ValueError("location: give both latitude and longitude, or neither")
    return out


def coerce_value(field: str, value: Any, today: date | None = None) -> Any:
    """Return value converted to the field's type, or raise ValueError with a message naming the field."""
    if field == "location":
        return _coerce_location(value)
    if field in INT_FIELDS:
        return _coerce_int(field, value, 0, 1_000_000)
    if field in PRECISION_FIELDS:
        return _coerce_int(field, value, 1, 3)
    if field in ("evidence_start", "evidence_end"):
        return _coerce_int(field, value, 0, 10**9)
    if field == "latitude":
        return _coerce_float(field, value, -90.0, 90.0)
    if field == "longitude":
        return _coerce_float(field, value, -180.0, 180.0)
    if field in ("event_date", "article_date"):
        return _coerce_date(field, value, today)
    if field == "weapon":
        return _coerce_choice(field, value, WEAPONS)
    if field == "outcome":
        return _coerce_choice(field, value, OUTCOMES)
    if field == "claimed":
        return _coerce_bool(field, value)
    if field in (*TEXT_FIELDS, "geo_source", "incident_id"):
        return _coerce_text(field, value)
    raise ValueError(f"unknown field {field!r}; editable fields: {', '.join(EDITABLE_FIELDS)}")


def coerce_add(new: dict[str, Any], today: date | None = None) -> dict[str, Any]:
    """Return the validated fields of an analyst-added report (evidence is required)."""
    if not isinstance(new, dict):
        raise ValueError("add: expected a dict of report fields")
    unknown = sorted(set(new) - set(ADD_FIELDS))
    if unknown:
        raise ValueError(f"add: unknown fields {', '.join(unknown)}")
    out = {key: coerce_value(key, val, today) for key, val in new.items()}
    if isinstance(out.get("location"), dict):
        out.update(out.pop("location"))
    if not out.get("evidence"):
        raise ValueError("add: the evidence sentence is required")
    if (out.get("latitude") is None) != (out.get("longitude") is None):
        raise ValueError("add: give both latitude and longitude, or neither")
    return out


# --- log entries -----------------------------------------------------------------------------------


def now_iso() -> str:
    """Return the current UTC time as an ISO 8601 string with microseconds."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def new_id(prefix: str = "") -> str:
    """Return a fresh random id (uuid4 hex), optionally prefixed."""
    return prefix + uuid.uuid4().hex


def make_correction(
    op: str,
    target_id: str,
    *,
    analyst: str = "",
    report_ids: Iterable[str] = (),
    field: str | None = None,
    old: Any = None,
    new: Any = None,
    undoes: str | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Return a validated log entry (values coerced to their types) or raise ValueError."""
    if op not in OPS:
        raise ValueError(f"unknown operation {op!r}; expected one of {', '.join(OPS)}")
    target = str(target_id or "").strip()
    if not target:
        raise ValueError(f"{op}: a target id is required")
    if op == "set":
        if field not in EDITABLE_FIELDS:
            raise ValueError(f"unknown field {field!r}; editable fields: {', '.join(EDITABLE_FIELDS)}")
        new = coerce_value(field, new, today)
    elif op == "add":
        new = coerce_add(new, today)
        new.setdefault("incident_id", new_id("inc-analyst-"))
    elif op == "merge":
        new = _merge_other(new, target)
    elif op == "split":
        new = str(new) if not _blank(new) else new_id("inc-split-")
    elif op == "undo" and not undoes:
        raise ValueError("undo: the id of the undone correction is required")
    return {
        "id": new_id(),
        "at": now_iso(),
        "analyst": (str(analyst or "").strip())[:100],
        "op": op,
        "target_id": target,
        "report_ids": sorted({str(r) for r in report_ids if not _blank(r)}),
        "field": field if op == "set" else None,
        "old": _jsonable(old),
        "new": _jsonable(new),
        "undoes": undoes if op == "undo" else None,
    }


def _merge_other(new: Any, target: str) -> dict[str, Any]:
    """Return the merged-away incident as {"incident_id", "report_ids"}; raise on self-merge."""
    other = new if isinstance(new, dict) else {"incident_id": new, "report_ids": []}
    other_id = str(other.get("incident_id") or "").strip()
    if not other_id:
        raise ValueError("merge: the id of the second incident is required")
    if other_id == target:
        raise ValueError("merge: cannot merge an incident with itself")
    return {"incident_id": other_id, "report_ids": sorted({str(r) for r in other.get("report_ids") or []})}


def _jsonable(value: Any) -> Any:
    """Return value with pandas/numpy scalars and NA turned into plain JSON types."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if _blank(value) and not isinstance(value, str):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


# --- the log file ----------------------------------------------------------------------------------


def log_path(directory: Path | str | None = None) -> Path:
    """Return the log file path inside directory (default data/corrections)."""
    return Path(directory or CORRECTIONS_DIR) / LOG_NAME


@contextlib.contextmanager
def locked(directory: Path | str | None = None) -> Iterator[Path]:
    """Hold an exclusive lock on the log (fcntl.flock on a side lock file); yield the log path."""
    folder = Path(directory or CORRECTIONS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield folder / LOG_NAME
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _append_unlocked(path: Path, entries: list[dict[str, Any]]) -> None:
    """Append entries as JSON lines with one O_APPEND write, then fsync (caller holds the lock)."""
    for entry in entries:
        entry["at"] = now_iso()  # stamped under the lock, so file order == time order
    data = "".join(json.dumps(e, ensure_ascii=False, sort_keys=False) + "\n" for e in entries).encode()
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        if not created and _ends_without_newline(path):
            data = b"\n" + data  # terminate a line left partial by a killed writer
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        fsync_dir(path.parent)


def _ends_without_newline(path: Path) -> bool:
    """Return True when the file is non-empty and its last byte is not a newline."""
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        if handle.tell() == 0:
            return False
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) != b"\n"


def append_corrections(entries: Iterable[dict[str, Any]], directory: Path | str | None = None) -> list[dict]:
    """Append entries to the log atomically with respect to other writers; return them as written."""
    batch = [dict(e) for e in entries]
    if batch:
        with locked(directory) as path:
            _append_unlocked(path, batch)
    return batch


def append_correction(entry: dict[str, Any], directory: Path | str | None = None) -> dict[str, Any]:
    """Append one entry to the log; return it as written (with its final timestamp)."""
    return append_corrections([entry], directory)[0]


def _parse_lines(data: bytes, name: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Return (entries, problems) parsed from the raw log bytes; bad lines are skipped."""
    entries: list[dict[str, Any]] = []
    problems: list[str] = []
    lines = data.split(b"\n")
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        partial = number == len(lines)  # no newline after it: a writer may have been killed
        try:
            entry = json.loads(raw.decode("utf-8"))
            if not isinstance(entry, dict) or entry.get("op") not in OPS or not entry.get("id"):
                raise ValueError("not a correction entry")
        except (UnicodeDecodeError, ValueError) as exc:
            what = "partial trailing line (interrupted write?)" if partial else f"unreadable line ({exc})"
            problems.append(f"{name}:{number}: {what}; ignored")
            continue
        entries.append({key: entry.get(key) for key in ENTRY_KEYS} | {"report_ids": entry.get("report_ids") or []})
    return entries, problems


def read_log_with_problems(directory: Path | str | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """Return (entries in file order, problems) from the log; a missing log is empty."""
    path = log_path(directory)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return [], []
    return _parse_lines(data, str(path))


def read_log(directory: Path | str | None = None) -> list[dict[str, Any]]:
    """Return every readable log entry in file order; unreadable lines are skipped with a warning."""
    entries, problems = read_log_with_problems(directory)
    for problem in problems:
        warnings.warn(problem, CorruptLogWarning, stacklevel=2)
    return entries


def rewrite_log(entries: Iterable[dict[str, Any]], directory: Path | str | None = None) -> None:
    """Replace the whole log atomically (temp file + fsync + rename) under the lock; for repairs only."""
    text = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries)
    with locked(directory) as path:
        atomic_write_text(path, text)


def effective_log(log: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the corrections that still apply: undo entries and the entries they undo are removed."""
    entries = list(log)
    undone = {e.get("undoes") for e in entries if e.get("op") == "undo"}
    return [e for e in entries if e.get("op") != "undo" and e.get("id") not in undone]


def undo_last(directory: Path | str | None = None, analyst: str = "") -> dict[str, Any] | None:
    """Append an undo for the last correction still in effect; return the undone entry (None if none)."""
    with locked(directory) as path:
        entries, _ = read_log_with_problems(path.parent)
        remaining = effective_log(entries)
        if not remaining:
            return None
        last = remaining[-1]
        undo = make_correction(
            "undo", last["target_id"], analyst=analyst, report_ids=last.get("report_ids") or [],
            old=last.get("new"), undoes=last["id"],
        )
        _append_unlocked(path, [undo])
    return last


# --- applying the log ------------------------------------------------------------------------------


def _in_order(log: Iterable[dict[str, Any]], ops: Iterable[str]) -> list[dict[str, Any]]:
    """Return effective entries of the given ops sorted by time (stable, so file order breaks ties)."""
    wanted = set(ops)
    return sorted((e for e in effective_log(log) if e.get("op") in wanted), key=lambda e: str(e.get("at") or ""))


def _orphan(entry: dict[str, Any], reason: str) -> dict[str, Any]:
    """Return a copy of the entry annotated with why it could not be applied."""
    return {**entry, "reason": reason}


def _value(value: Any) -> Any:
    """Return a log value as a pandas cell value (None -> NA)."""
    return pd.NA if value is None else value


def _assign(frame: pd.DataFrame, rows: Any, column: str, value: Any) -> None:
    """Set frame.loc[rows, column] = value, widening the column to object when its dtype refuses it."""
    if column not in frame.columns:
        frame[column] = pd.Series(pd.NA, index=frame.index, dtype="object")
    try:
        frame.loc[rows, column] = _value(value)
    except (TypeError, ValueError):
        frame[column] = frame[column].astype("object")
        frame.loc[rows, column] = _value(value)


def _report_index(reports: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Return the reports' report_id and incident_id columns as plain strings."""
    return reports["report_id"].astype("string"), reports["incident_id"].astype("string")


def _members(reports: pd.DataFrame, incident_id: str, report_ids: Iterable[str]) -> pd.Series:
    """Return a mask of reports in the incident now, or whose id was recorded as a member."""
    rid, iid = _report_index(reports)
    return ((iid == incident_id) | rid.isin([incident_id, *report_ids])).fillna(False).astype(bool)


def _resolve_report_incident(reports: pd.DataFrame, target: str, report_ids: Iterable[str]) -> str | None:
    """Return the current incident id for a target (incident id, report id, or recorded members)."""
    rid, iid = _report_index(reports)
    if (iid == target).fillna(False).any():
        return target
    for key in (target, *report_ids):
        hit = iid[(rid == key).fillna(False)]
        if len(hit) and not pd.isna(hit.iloc[0]):
            return str(hit.iloc[0])
    return None


def _apply_not_incident(reports: pd.DataFrame, entry: dict) -> tuple[pd.DataFrame, str | None]:
    """Drop the target report, or every report of the target incident; return (reports, orphan reason)."""
    mask = _members(reports, entry["target_id"], entry.get("report_ids") or [])
    if not mask.any():
        return reports, "target no longer exists"
    return reports[~mask], None


def _apply_merge(reports: pd.DataFrame, entry: dict) -> tuple[pd.DataFrame, str | None]:
    """Move the second incident's reports into the first; return (reports, orphan reason)."""
    keep = _resolve_report_incident(reports, entry["target_id"], entry.get("report_ids") or [])
    other = entry.get("new") or {}
    mask = _members(reports, str(other.get("incident_id") or ""), other.get("report_ids") or [])
    if keep is None:
        return reports, "first incident no longer exists"
    if not mask.any():
        return reports, "second incident no longer exists"
    reports = reports.copy()
    _assign(reports, mask, "incident_id", keep)
    return reports, None


def _apply_split(reports: pd.DataFrame, entry: dict) -> tuple[pd.DataFrame, str | None]:
    """Give the target report its own incident id (stored in the entry); return (reports, reason)."""
    mask = (reports["report_id"].astype("string") == entry["target_id"]).fillna(False).astype(bool)
    if not mask.any():
        return reports, "report no longer exists"
    reports = reports.copy()
    _assign(reports, mask, "incident_id", str(entry.get("new") or f"inc-split-{entry['id']}"))
    return reports, None


def _apply_add(reports: pd.DataFrame, entry: dict) -> tuple[pd.DataFrame, str | None]:
    """Append the analyst's report (skipped if its id already exists); return (reports, None)."""
    if (reports["report_id"].astype("string") == entry["target_id"]).fillna(False).any():
        return reports, None
    fields = dict(entry.get("new") or {})
    if isinstance(fields.get("location"), dict):
        fields.update(fields.pop("location"))
    row: dict[str, Any] = {column: pd.NA for column in reports.columns}
    row.update({k: _value(v) for k, v in fields.items() if k in reports.columns})
    row["report_id"] = entry["target_id"]
    row["incident_id"] = fields.get("incident_id") or f"inc-analyst-{entry['id']}"
    defaults = {"source_file": "analyst", "confidence": 1.0, "geo_source": "analyst", "claimed": False}
    for column, default in defaults.items():
        if column in row and pd.isna(row[column]) and (column != "geo_source" or fields.get("latitude") is not None):
            row[column] = default
    added = pd.DataFrame([row], columns=reports.columns)
    for column in reports.columns:
        with contextlib.suppress(TypeError, ValueError):
            added[column] = added[column].astype(reports[column].dtype)
    if reports.empty:
        return added.reset_index(drop=True), None
    return pd.concat([reports, added], ignore_index=True), None


_REPORT_APPLIERS = {
    "not_incident": _apply_not_incident,
    "merge": _apply_merge,
    "split": _apply_split,
    "add": _apply_add,
}


def apply_report_corrections(
    reports: pd.DataFrame, log: Iterable[dict[str, Any]]
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Return (reports with not_incident/merge/split/add applied in time order, orphaned corrections)."""
    entries = _in_order(log, REPORT_OPS)
    if not entries:
        return reports, []
    out = reports.copy()
    for column in REPORT_COLUMNS:
        if column not in out.columns:
            out[column] = pd.NA
    orphans: list[dict[str, Any]] = []
    for entry in entries:
        out, reason = _REPORT_APPLIERS[entry["op"]](out, entry)
        if reason:
            orphans.append(_orphan(entry, reason))
    return out.reset_index(drop=True), orphans


def _report_lookup(incidents: pd.DataFrame, reports: pd.DataFrame | None) -> dict[str, str]:
    """Return report_id -> incident_id from the reports table or an incidents "report_ids" column."""
    lookup: dict[str, str] = {}
    if reports is not None and {"report_id", "incident_id"} <= set(reports.columns):
        for rid, iid in zip(reports["report_id"], reports["incident_id"], strict=True):
            if not pd.isna(rid) and not pd.isna(iid):
                lookup[str(rid)] = str(iid)
    elif "report_ids" in incidents.columns:
        for iid, members in zip(incidents["incident_id"], incidents["report_ids"], strict=True):
            for rid in str(members or "").split(";") if not pd.isna(members) else []:
                lookup[rid.strip()] = str(iid)
    return lookup


class _LazyLookup(dict):
    """report_id -> incident_id, built on first use (most corrections name a current incident id)."""

    def __init__(self, incidents: pd.DataFrame, reports: pd.DataFrame | None) -> None:
        """Remember the tables; nothing is computed yet."""
        super().__init__()
        self._source: tuple[pd.DataFrame, pd.DataFrame | None] | None = (incidents, reports)

    def get(self, key: Any, default: Any = None) -> Any:
        """Return the incident of a report id, building the mapping the first time."""
        if self._source is not None:
            self.update(_report_lookup(*self._source))
            self._source = None
        return super().get(key, default)


def resolve_incident(entry: dict[str, Any], incident_ids: set[str], lookup: dict[str, str]) -> str | None:
    """Return the incident a correction applies to: its target id, else the incident of a member report."""
    target = str(entry.get("target_id") or "")
    if target in incident_ids:
        return target
    for key in (target, *(entry.get("report_ids") or [])):
        found = lookup.get(str(key))
        if found in incident_ids:
            return found
    return None


def _set_field(incidents: pd.DataFrame, row: Any, field: str, value: Any) -> None:
    """Write one corrected value (a location dict writes every key it holds) into the incidents table."""
    if field == "location" and isinstance(value, dict):
        for key, val in value.items():
            _assign(incidents, row, key, val)
        if value.get("latitude") is not None and "geo_source" not in value:
            _assign(incidents, row, "geo_source", "analyst")
        return
    _assign(incidents, row, field, value)


def _corrected_targets(log: Iterable[dict], incident_ids: set[str], lookup: dict[str, str]) -> set[str]:
    """Return incidents changed by merge/split/add corrections (to mark them corrected)."""
    touched: set[str] = set()
    for entry in _in_order(log, ("merge", "split", "add")):
        if entry["op"] == "split":
            touched.add(str(entry.get("new")))
        elif entry["op"] == "add":
            touched.add(str((entry.get("new") or {}).get("incident_id") or lookup.get(entry["target_id"])))
        else:
            touched.add(str(resolve_incident(entry, incident_ids, lookup)))
    return touched & incident_ids


def apply_incident_corrections(
    incidents: pd.DataFrame, log: Iterable[dict[str, Any]], reports: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Return (incidents with "set" corrections applied in time order and `corrected` marked, orphans).

    A correction targets its incident id, else the incident now holding one of its recorded report ids
    (looked up in `reports`, or in a ";"-joined `report_ids` column of the incidents table).
    """
    log = list(log)
    out = incidents.copy().reset_index(drop=True)
    if "notes" not in out.columns:
        out["notes"] = pd.Series(pd.NA, index=out.index, dtype="string")
    if "corrected" not in out.columns:
        out["corrected"] = pd.Series(False, index=out.index, dtype="boolean")
    out["corrected"] = out["corrected"].astype("boolean").fillna(False)
    ids = out["incident_id"].astype("string")
    incident_ids = {str(i) for i in ids.dropna()}
    position = {str(i): n for n, i in enumerate(ids) if not pd.isna(i)}
    lookup = _LazyLookup(out, reports)
    orphans: list[dict[str, Any]] = []
    for entry in _in_order(log, ("set",)):
        target = resolve_incident(entry, incident_ids, lookup)
        if target is None:
            orphans.append(_orphan(entry, "target no longer exists"))
            continue
        try:
            value = coerce_value(str(entry.get("field")), entry.get("new"))
            if entry.get("field") not in EDITABLE_FIELDS:
                raise ValueError(f"unknown field {entry.get('field')!r}")
            _set_field(out, position[target], str(entry["field"]), value)
        except (ValueError, TypeError) as exc:
            orphans.append(_orphan(entry, f"invalid: {exc}"))
            continue
        out.loc[position[target], "corrected"] = True
    for target in _corrected_targets(log, incident_ids, lookup):
        out.loc[position[target], "corrected"] = True
    return out, orphans


# --- display ---------------------------------------------------------------------------------------


def describe(entry: dict[str, Any]) -> str:
    """Return a short human description of what a correction does."""
    op, target = entry.get("op"), entry.get("target_id")
    if op == "set":
        return f"set {entry.get('field')} of {target}"
    if op == "merge":
        return f"merge {(entry.get('new') or {}).get('incident_id')} into {target}"
    if op == "split":
        return f"split report {target} into {entry.get('new')}"
    if op == "add":
        return f"add report {target}"
    if op == "not_incident":
        return f"mark {target} not an incident"
    return f"undo {entry.get('undoes')} ({target})"


def short_value(value: Any, limit: int = 60) -> str:
    """Return a one-line display form of a logged value."""
    if value is None:
        return ""
    if isinstance(value, dict) and "location" in value:
        where = f" ({value['latitude']}, {value['longitude']})" if value.get("latitude") is not None else ""
        value = f"{value.get('location') or ''}{where}"
    elif isinstance(value, dict) and "incident_id" in value:
        value = f"{value['incident_id']} ({len(value.get('report_ids') or [])} reports)"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def log_table(log: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """Return the log as a readable table: who, when, what, old, new, and whether it was undone."""
    entries = list(log)
    undone = {e.get("undoes") for e in entries if e.get("op") == "undo"}
    rows = [
        {
            "when": str(e.get("at") or "")[:19].replace("T", " "),
            "who": e.get("analyst") or "",
            "what": describe(e),
            "old": short_value(e.get("old")),
            "new": short_value(e.get("new")),
            "status": "undone" if e.get("id") in undone else ("" if e.get("op") != "undo" else "undo"),
            "id": str(e.get("id") or "")[:8],
        }
        for e in entries
    ]
    return pd.DataFrame(rows, columns=["when", "who", "what", "old", "new", "status", "id"])
