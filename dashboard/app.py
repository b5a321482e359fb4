"""Streamlit entry point: page config, load the incident tables, lay out filters, views and downloads."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import streamlit as st

from dashboard.query import filtered_positions
from dashboard.ui.data import Loaded, load_tables
from dashboard.ui.filters import current_filters, draw_filters
from dashboard.ui.map import render_map
from dashboard.ui.reader import render_reader
from dashboard.ui.table import MAX_TABLE_ROWS, SELECTED_KEY, render_downloads, render_headline, render_table
from dashboard.ui.timeline import render_timeline
from dashboard.ui.upload import render_upload

TAB_KEY = "main_tab"


def render_review_tab(tables, incident_id: str | None, analyst: str) -> None:
    """Draw the review tab when dashboard.ui.review is installed, else say it is missing."""
    try:
        from dashboard.ui.review import render_review
    except ImportError:
        st.info("review module not installed")
        return
    render_review(tables, incident_id, analyst)


def main() -> None:
    """Lay out the dashboard: load, headline, map + timeline, table/reader tabs, then the sidebar.

    The sidebar is drawn last: its values are already in session state, and sending the charts and the
    table first lets the browser start loading the chart library sooner (the first paint waits on it).
    """
    st.set_page_config(page_title="Incident dashboard", page_icon=":round_pushpin:", layout="wide")
    loaded = load_tables(bool(st.session_state.get("online", False)))
    tables = loaded.tables
    filters = current_filters()
    base = tables.reports if filters.view == "reports" else tables.incidents

    def memo(part: Hashable, compute: Callable[[], Any]) -> Any:
        """Return this filter state's view part, remembered for every session (see Loaded.remember)."""
        return loaded.remember((filters, part), compute)

    positions = memo("rows", lambda: filtered_positions(base, filters, tables.articles))
    rows = base if positions is None else base.iloc[positions]
    view = loaded.views[filters.view]
    dates = view.dates_of(rows)
    st.title("Security incidents")
    render_headline(rows, dates, loaded, filters.view, memo)
    left, right = st.columns([3, 2])
    with left:
        render_map(rows, dates, memo)
    with right:
        render_timeline(rows, loaded.titles, dates, memo)
    # Lazy tabs: only the open tab's content runs (keeps reruns fast with 100k incidents). The reader opens first:
    # the newest incident's article, evidence and places marked, is on screen with the map and the timeline, and
    # the first page does not wait for the table's grid library (about 0.4 s of a 3 s first render here).
    reader_tab, table_tab, review_tab, upload_tab = st.tabs(
        ["Reader", "Table", "Review", "Add articles"], key=TAB_KEY, on_change="rerun"
    )
    if table_tab.open:
        with table_tab:
            render_downloads(rows, dates, filters, memo)
            render_table(rows, lambda: view.newest(base, rows, MAX_TABLE_ROWS), tables.articles, memo)
    if reader_tab.open:
        with reader_tab:
            render_reader(rows, tables)
    if review_tab.open:
        with review_tab:
            analyst = str(st.session_state.get("analyst") or "")
            render_review_tab(tables, st.session_state.get(SELECTED_KEY), analyst.strip())
    if upload_tab.open:
        with upload_tab:
            render_upload()
    render_sidebar(loaded)


def render_sidebar(loaded: Loaded) -> None:
    """Draw the sidebar top to bottom: online geocoding, filters, analyst name, input problems."""
    st.sidebar.toggle(
        "Online geocoding", key="online", value=False,
        help="Off by default (works air-gapped). On: names the offline gazetteer lacks are asked of "
             "OpenStreetMap's Nominatim, one request a second, every answer cached on disk.",
    )
    draw_filters({name: view.counts for name, view in loaded.views.items()})
    st.sidebar.text_input("Analyst name", key="analyst", placeholder="optional, for corrections")
    problems = list(getattr(loaded.tables, "problems", []))
    for problem in problems[:20]:
        st.sidebar.warning(str(problem))  # "file:line: reason"
    if len(problems) > 20:
        st.sidebar.caption(f"… and {len(problems) - 20} more problems (see `python -m dashboard build`).")


main()
