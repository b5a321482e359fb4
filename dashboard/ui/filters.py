"""Sidebar filters mirrored to the URL (st.query_params), with a reset button."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard.query import LIST_FILTERS, VIEWS, Filters, filters_from_params, filters_to_params
from dashboard.schema import GEO_PRECISION

LABELS: dict[str, str] = {
    "places": "Place",
    "countries": "Country",
    "admin1": "Province / governorate (admin1)",
    "event_types": "Event type",
    "sub_event_types": "Event sub-type",
    "weapons": "Weapon",
    "actors": "Actor",
    "outcomes": "Outcome",
}
KEY = "f_"  # widget keys: f_places, f_date_from, ...
INIT_FLAG = "_filters_from_url"


def _state_from_filters(filters: Filters) -> dict[str, object]:
    """Return widget session-state values that show the given filters."""
    state: dict[str, object] = {KEY + name: list(getattr(filters, name)) for name in LIST_FILTERS}
    state[KEY + "geo_precision"] = list(filters.geo_precision)
    state[KEY + "date_from"] = filters.date_from
    state[KEY + "date_to"] = filters.date_to
    state[KEY + "text"] = filters.text
    state[KEY + "view"] = filters.view
    return state


def _filters_from_state() -> Filters:
    """Return the Filters the widgets currently show."""
    get = st.session_state.get
    lists = {name: tuple(get(KEY + name) or ()) for name in LIST_FILTERS}
    return Filters(
        **lists,
        geo_precision=tuple(get(KEY + "geo_precision") or ()),
        date_from=get(KEY + "date_from"),
        date_to=get(KEY + "date_to"),
        text=(get(KEY + "text") or "").strip(),
        view=get(KEY + "view") or "incidents",
    )


def url_params() -> dict[str, list[str]]:
    """Return every query parameter of the page URL with all its values."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def reset_filters() -> None:
    """Callback: clear every filter (keeps the incidents/reports view)."""
    view = st.session_state.get(KEY + "view", "incidents")
    st.session_state.update(_state_from_filters(Filters(view=view)))


def set_places(places: list[str]) -> None:
    """Set the place filter (used by map selection callbacks)."""
    st.session_state[KEY + "places"] = list(dict.fromkeys(places))


def set_dates(start: date | None, end: date | None) -> None:
    """Set the date range filter (used by timeline selection callbacks)."""
    st.session_state[KEY + "date_from"] = start
    st.session_state[KEY + "date_to"] = end


def _multiselect(name: str, all_counts: dict[str, dict[str, int]]) -> None:
    """Draw one searchable multiselect whose options carry their row counts (in the whole table)."""
    counts = all_counts[LIST_FILTERS[name][1]]
    chosen = [v for v in st.session_state.get(KEY + name) or [] if v not in counts]
    options = list(counts) + chosen
    st.multiselect(
        LABELS[name],
        options,
        key=KEY + name,
        format_func=lambda v, c=counts: f"{v} ({c.get(v, 0)})",
        placeholder="any",
    )


def current_filters() -> Filters:
    """Return the filters the sidebar shows (first run: from the URL) and write them to the URL.

    Works before the widgets are drawn in this run (their values are already in session state), so the
    page can send the map, timeline and table first and the sidebar after them.
    """
    if not st.session_state.get(INIT_FLAG):
        st.session_state.update(_state_from_filters(filters_from_params(url_params())))
        st.session_state[INIT_FLAG] = True
    filters = _filters_from_state()
    params = filters_to_params(filters)
    if params != filters_to_params(filters_from_params(url_params())):
        st.query_params.from_dict(params)
    return filters


def draw_filters(counts_by_view: dict[str, dict[str, dict[str, int]]]) -> None:
    """Draw the sidebar filter widgets (options carry their row counts) and the reset button."""
    with st.sidebar:
        st.radio(
            "Rows", VIEWS, key=KEY + "view", format_func=str.capitalize, horizontal=True,
            help="Incidents: one row per real-world event. Reports: one row per article's account of it.",
        )
        table = counts_by_view["reports" if st.session_state.get(KEY + "view") == "reports" else "incidents"]
        st.text_input("Search evidence and article text", key=KEY + "text", placeholder="e.g. drone")
        _multiselect("places", table)
        _multiselect("countries", table)
        _multiselect("admin1", table)
        left, right = st.columns(2)
        left.date_input("From", key=KEY + "date_from", value=None, min_value=date(1990, 1, 1),
                        max_value=date(2100, 12, 31), format="YYYY-MM-DD")
        right.date_input("To", key=KEY + "date_to", value=None, min_value=date(1990, 1, 1),
                         max_value=date(2100, 12, 31), format="YYYY-MM-DD")
        for name in ("event_types", "sub_event_types", "weapons", "actors", "outcomes"):
            _multiselect(name, table)
        st.multiselect("Geo precision", [1, 2, 3], key=KEY + "geo_precision", placeholder="any",
                       format_func=lambda v: f"{v}: {GEO_PRECISION[v]}")
        st.button("Reset filters", on_click=reset_filters, width="stretch")
