"""Review panel: analysts correct, merge, split, add and undo; every change goes to the correction log."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import corrections as cx
from dashboard.schema import OUTCOMES, TIME_PRECISION, WEAPONS

FLASH_KEY = "review_flash"
MAX_CHOICES = 500
TEXT_FIELDS = ("event_type", "sub_event_type", "actor", "target")


def corrections_dir() -> Path:
    """Return the app's correction log folder (next to its built tables)."""
    try:
        from dashboard.ui.data import data_dir
    except ImportError:
        return cx.CORRECTIONS_DIR
    return data_dir() / "corrections"


def _after_write(message: str) -> None:
    """Forget cached tables so the correction shows, remember a message, and rerun the script."""
    try:
        from dashboard.ui.data import forget_tables
    except ImportError:
        st.cache_data.clear()
    else:
        forget_tables()
    st.session_state[FLASH_KEY] = message
    st.rerun()


def _record(entries: list[dict[str, Any]], message: str) -> None:
    """Append entries to the log and rerun; show nothing when there is nothing to record."""
    if not entries:
        st.info("Nothing changed.")
        return
    cx.append_corrections(entries, corrections_dir())
    _after_write(message)


def _cell(row: pd.Series | dict, key: str) -> Any:
    """Return a cell value, None for missing or NA."""
    value = row.get(key) if hasattr(row, "get") else None
    if value is None:
        return None
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):
        return value


def _members(reports: pd.DataFrame, incident_id: str) -> list[str]:
    """Return the report ids of an incident, sorted."""
    mine = reports[reports["incident_id"].astype("string") == incident_id]
    return sorted(mine["report_id"].dropna().astype(str).tolist())


def _label(row: pd.Series | dict) -> str:
    """Return a one-line label for an incident: date, place, weapon, id."""
    when, place = _cell(row, "event_date") or "undated", _cell(row, "location") or "unknown place"
    return f"{when} · {place} · {_cell(row, 'weapon') or 'unknown'} · {row['incident_id']}"


# --- editing fields ---------------------------------------------------------------------------------


def _same(field: str, old: Any, new: Any) -> bool:
    """Return True when the new value equals the old one once both are coerced to the field's type."""
    try:
        return cx.coerce_value(field, old) == cx.coerce_value(field, new)
    except ValueError:
        return False


def _date(value: Any) -> date | None:
    """Return an ISO date cell as a date (None when blank or unreadable)."""
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _choice(label: str, options: tuple[str, ...], current: Any, key: str) -> str:
    """Draw a selectbox preselected on the current value (kept even if it is not a known option)."""
    values = list(options) if current in options or current is None else [str(current), *options]
    return st.selectbox(label, values, index=values.index(current) if current in values else 0, key=key)


def _count(label: str, current: Any, key: str) -> int | None:
    """Draw a casualty count input (empty = not stated)."""
    value = None if current is None else int(current)
    return st.number_input(label, min_value=0, step=1, value=value, key=key, placeholder="not stated")


def _field_form(row: pd.Series, incident_id: str, members: list[str], analyst: str) -> None:
    """Draw the form for every non-location field; record one "set" correction per changed field."""
    k = f"review_{incident_id}"
    today = datetime.now(UTC).date()
    with st.form(f"{k}_fields"):
        left, right = st.columns(2)
        with left:
            new: dict[str, Any] = {
                "event_date": st.date_input("Event date", value=_date(_cell(row, "event_date")),
                                            min_value=date(1900, 1, 1), max_value=today, key=f"{k}_event_date"),
                "time_precision": st.selectbox(
                    "Date precision", list(TIME_PRECISION), format_func=TIME_PRECISION.get,
                    index=list(TIME_PRECISION).index(int(_cell(row, "time_precision") or 3)), key=f"{k}_tp"),
                "weapon": _choice("Weapon", WEAPONS, _cell(row, "weapon"), f"{k}_weapon"),
                "outcome": _choice("Outcome", OUTCOMES, _cell(row, "outcome"), f"{k}_outcome"),
                "fatalities": _count("Fatalities", _cell(row, "fatalities"), f"{k}_fatalities"),
                "injured": _count("Injured", _cell(row, "injured"), f"{k}_injured"),
            }
        with right:
            for field in TEXT_FIELDS:
                new[field] = st.text_input(field.replace("_", " ").capitalize(), value=_cell(row, field) or "",
                                           key=f"{k}_{field}")
            new["notes"] = st.text_area("Notes", value=_cell(row, "notes") or "", key=f"{k}_notes")
        submitted = st.form_submit_button("Save corrections", key=f"{k}_save")
    if not submitted:
        return
    try:
        entries = [
            cx.make_correction("set", incident_id, analyst=analyst, report_ids=members, field=field,
                               old=_cell(row, field), new=value)
            for field, value in new.items()
            if not _same(field, _cell(row, field), value)
        ]
    except ValueError as exc:
        st.error(str(exc))
        return
    _record(entries, f"Saved {len(entries)} correction(s) to {incident_id}.")


@st.cache_resource(show_spinner=False)
def _gazetteer() -> Any:
    """Return the offline gazetteer (one per server process), or None when it is not installed."""
    try:
        from dashboard.geocode import load_gazetteer
    except ImportError:
        return None
    return load_gazetteer()


def _place_value(place: Any) -> dict[str, Any]:
    """Return a location correction value from a gazetteer Place."""
    return {"location": place.name, "latitude": place.latitude, "longitude": place.longitude,
            "admin1": place.admin1, "country": place.country, "iso3": place.iso3,
            "geo_source": place.geo_source}


def _old_location(row: pd.Series) -> dict[str, Any]:
    """Return the incident's current location fields."""
    return {key: _cell(row, key) for key in ("location", "latitude", "longitude", "admin1", "country", "iso3")}


def _location_form(row: pd.Series, incident_id: str, members: list[str], analyst: str) -> None:
    """Draw the location editor: gazetteer search, or a typed name with coordinates."""
    k = f"review_{incident_id}"
    st.markdown(f"**Location** — now: {_cell(row, 'location') or 'unknown'} "
                f"({_cell(row, 'latitude')}, {_cell(row, 'longitude')})")
    query = st.text_input("Search the gazetteer", key=f"{k}_place_query", placeholder="e.g. Ain al-Asad")
    gazetteer = _gazetteer() if query.strip() else None
    places = gazetteer.search(query.strip(), limit=20) if gazetteer is not None else []
    if places:
        place = st.selectbox("Matches", places, key=f"{k}_place_pick",
                             format_func=lambda p: f"{p.name} · {p.admin1 or ''} {p.country} · {p.kind}")
        if st.button("Use this place", key=f"{k}_place_use"):
            _save_location(row, incident_id, members, analyst, _place_value(place))
    elif query.strip():
        st.caption("No gazetteer match; type the coordinates below.")
    with st.form(f"{k}_coords"):
        name = st.text_input("Place name", value=query.strip() or _cell(row, "location") or "", key=f"{k}_loc_name")
        lat_col, lon_col = st.columns(2)
        lat = lat_col.number_input("Latitude", min_value=-90.0, max_value=90.0, format="%.5f",
                                   value=_cell(row, "latitude"), key=f"{k}_lat")
        lon = lon_col.number_input("Longitude", min_value=-180.0, max_value=180.0, format="%.5f",
                                   value=_cell(row, "longitude"), key=f"{k}_lon")
        if st.form_submit_button("Save typed location", key=f"{k}_loc_save"):
            _save_location(row, incident_id, members, analyst, {"location": name, "latitude": lat, "longitude": lon})


def _save_location(row: pd.Series, incident_id: str, members: list[str], analyst: str, value: dict) -> None:
    """Record one compound location correction (name + coordinates)."""
    try:
        entry = cx.make_correction("set", incident_id, analyst=analyst, report_ids=members, field="location",
                                   old=_old_location(row), new=value)
    except ValueError as exc:
        st.error(str(exc))
        return
    _record([entry], f"Moved {incident_id} to {value.get('location')}.")


# --- structural corrections -------------------------------------------------------------------------


def _not_incident(incident_id: str, members: list[str], analyst: str) -> None:
    """Draw buttons to mark the whole incident, or one of its reports, as not an incident."""
    k = f"review_{incident_id}"
    if st.button("Mark this incident as not an incident", key=f"{k}_not_incident"):
        _record([cx.make_correction("not_incident", incident_id, analyst=analyst, report_ids=members)],
                f"Marked {incident_id} as not an incident.")
    if len(members) > 1:
        report = st.selectbox("Report", members, key=f"{k}_not_report")
        if st.button("Mark this report as not an incident", key=f"{k}_not_report_go"):
            _record([cx.make_correction("not_incident", report, analyst=analyst, report_ids=[report])],
                    f"Marked report {report} as not an incident.")


def _merge_split(incidents: pd.DataFrame, reports: pd.DataFrame, incident_id: str, members: list[str],
                 analyst: str) -> None:
    """Draw the merge (another incident into this one) and split (a report out) controls."""
    k = f"review_{incident_id}"
    others = incidents[incidents["incident_id"].astype("string") != incident_id].head(MAX_CHOICES)
    labels = {str(r["incident_id"]): _label(r) for _, r in others.iterrows()}
    if labels:
        other = st.selectbox("Merge into this incident", list(labels), format_func=labels.get, key=f"{k}_merge")
        if st.button("Merge", key=f"{k}_merge_go"):
            entry = cx.make_correction("merge", incident_id, analyst=analyst, report_ids=members, old=other,
                                       new={"incident_id": other, "report_ids": _members(reports, other)})
            _record([entry], f"Merged {other} into {incident_id}.")
    if len(members) > 1:
        report = st.selectbox("Split this report out", members, key=f"{k}_split")
        if st.button("Split", key=f"{k}_split_go"):
            _record([cx.make_correction("split", report, analyst=analyst, report_ids=[report], old=incident_id)],
                    f"Split report {report} into its own incident.")
    else:
        st.caption("This incident has a single report; nothing to split.")


def _article_choices(articles: pd.DataFrame, row: pd.Series | None) -> dict[str, str]:
    """Return {article_id: title} with the selected incident's sources first."""
    if articles is None or articles.empty:
        return {}
    first = [s for s in str(_cell(row, "sources") or "").split(";") if s] if row is not None else []
    ordered = pd.concat([articles[articles["article_id"].isin(first)], articles]).drop_duplicates("article_id")
    return {str(a["article_id"]): str(_cell(a, "title") or a["article_id"])
            for _, a in ordered.head(MAX_CHOICES).iterrows()}


def _add_entry(form: dict[str, Any], articles: pd.DataFrame, analyst: str) -> dict[str, Any]:
    """Return an "add" correction from the missed-incident form (offsets found in the article text)."""
    sentence = form["evidence"].strip()
    new: dict[str, Any] = {k: v for k, v in form.items() if v not in (None, "")}
    new["evidence"] = sentence
    article_id = form.get("article_id")
    if article_id and articles is not None and not articles.empty:
        hit = articles[articles["article_id"] == article_id]
        text = "" if hit.empty else str(_cell(hit.iloc[0], "text") or "")
        start = text.find(sentence) if sentence else -1
        if start >= 0:
            new.update(evidence_start=start, evidence_end=start + len(sentence))
        new["source_file"] = None if hit.empty else _cell(hit.iloc[0], "source_file")
    place = form.get("location")
    gazetteer = _gazetteer() if place else None
    found = gazetteer.resolve(place, text=sentence) if gazetteer is not None else None
    if found is not None:
        new["location"] = _place_value(found) | {"location": place}
    new = {k: v for k, v in new.items() if v is not None}
    return cx.make_correction("add", cx.new_id("analyst-"), analyst=analyst, new=new)


def _add_form(articles: pd.DataFrame, row: pd.Series | None, analyst: str) -> None:
    """Draw the "add a missed incident" form: the sentence, its article, place, date, weapon, casualties."""
    choices = _article_choices(articles, row)
    with st.form("review_add"):
        form: dict[str, Any] = {"evidence": st.text_area("Sentence from the article (paste it from the reader)",
                                                           key="review_add_sentence")}
        if choices:
            form["article_id"] = st.selectbox("Article", list(choices), format_func=choices.get,
                                              key="review_add_article")
        form["location"] = st.text_input("Place", key="review_add_place", placeholder="e.g. Harir")
        left, right = st.columns(2)
        form["event_date"] = left.date_input("Event date", value=None, min_value=date(1900, 1, 1),
                                             max_value=datetime.now(UTC).date(), key="review_add_date")
        form["weapon"] = right.selectbox("Weapon", WEAPONS, index=WEAPONS.index("unknown"), key="review_add_weapon")
        form["fatalities"] = left.number_input("Fatalities", min_value=0, step=1, value=None, key="review_add_fat")
        form["injured"] = right.number_input("Injured", min_value=0, step=1, value=None, key="review_add_inj")
        submitted = st.form_submit_button("Add incident", key="review_add_go")
    if not submitted:
        return
    try:
        entry = _add_entry(form, articles, analyst)
    except ValueError as exc:
        st.error(str(exc))
        return
    _record([entry], f"Added a missed incident at {form.get('location') or 'an unknown place'}.")


# --- log, undo, orphans -----------------------------------------------------------------------------


def _log_section(orphans: list[dict[str, Any]], analyst: str) -> None:
    """Draw the undo button, the correction log and any orphaned corrections."""
    folder = corrections_dir()
    log, problems = cx.read_log_with_problems(folder)
    for problem in problems:
        st.warning(problem)
    if st.button("Undo last correction", key="review_undo", disabled=not cx.effective_log(log)):
        undone = cx.undo_last(folder, analyst=analyst)
        _after_write(f"Undid: {cx.describe(undone)}." if undone else "Nothing to undo.")
    st.markdown(f"**Correction log** ({len(log)} entries, newest first) — `{cx.log_path(folder)}`")
    if log:
        st.dataframe(cx.log_table(log).iloc[::-1], hide_index=True, width="stretch")
    if orphans:
        st.markdown(f"**Orphaned corrections** ({len(orphans)}): their target is no longer in the data; "
                    "they stay in the log and apply again if it returns.")
        table = cx.log_table(orphans).assign(reason=[o.get("reason", "") for o in orphans])
        st.dataframe(table.drop(columns=["status"]), hide_index=True, width="stretch")


# --- entry point ------------------------------------------------------------------------------------


def _pick_incident(incidents: pd.DataFrame, selected: str | None) -> str | None:
    """Return the incident to review: the selection when it exists, else one chosen from a picker."""
    ids = incidents["incident_id"].astype("string")
    if selected and (ids == selected).any():
        return selected
    if incidents.empty:
        return None
    labels = {str(r["incident_id"]): _label(r) for _, r in incidents.head(MAX_CHOICES).iterrows()}
    return st.selectbox("Incident to review", list(labels), format_func=labels.get, key="review_pick")


def render_review(tables: Any, selected_incident_id: str | None, analyst: str) -> None:
    """Draw the review panel for the selected incident: edit, not-an-incident, merge/split, add, undo, log."""
    if message := st.session_state.pop(FLASH_KEY, None):
        st.success(message)
    incidents, reports = tables.incidents, tables.reports
    articles = getattr(tables, "articles", None)
    st.caption(f"Corrections are recorded as {analyst or 'an anonymous analyst'} "
               "(set your name in the sidebar). They survive rebuilds; nothing is ever deleted from the log.")
    incident_id = _pick_incident(incidents, selected_incident_id)
    row = None
    if incident_id is not None:
        row = incidents[incidents["incident_id"].astype("string") == incident_id].iloc[0]
        members = _members(reports, incident_id)
        st.subheader(_label(row) + (" · corrected" if bool(_cell(row, "corrected")) else ""))
        edit, structure = st.tabs(["Edit fields", "Not an incident / merge / split"])
        with edit:
            _location_form(row, incident_id, members, analyst)
            _field_form(row, incident_id, members, analyst)
        with structure:
            _not_incident(incident_id, members, analyst)
            _merge_split(incidents, reports, incident_id, members, analyst)
    else:
        st.info("No incident to review yet.")
    with st.expander("Add a missed incident"):
        _add_form(articles, row, analyst)
    _log_section(list(getattr(tables, "orphans", []) or []), analyst)
