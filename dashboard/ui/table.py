"""Headline numbers, the filtered table with row selection, and the CSV / GeoJSON downloads."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard.aggregate import count_articles
from dashboard.export import to_csv_bytes, to_geojson_bytes
from dashboard.query import Filters, effective_dates
from dashboard.ui.data import Loaded, Memo, compute_now

TABLE_KEY = "table_select"
SELECTED_KEY = "selected_incident"  # plain state (not a widget key): survives runs where the reader is hidden
MAX_TABLE_ROWS = 1000  # rows sent to the browser; the downloads always hold every filtered row
INLINE_CSV_ROWS = 2000  # up to this many rows the CSV is built on each run; above, only when clicked
DISPLAY_COLUMNS: list[str] = [
    "date", "location", "country", "admin1", "event_type", "sub_event_type", "weapon", "actor", "outcome",
    "fatalities", "injured", "target", "latitude", "longitude", "geo_precision", "n_sources", "link",
    "evidence", "incident_id", "report_id", "confidence", "corrected",
]


def headline_values(df: pd.DataFrame, dates: pd.Series, loaded: Loaded, view: str) -> list[str]:
    """Return the headline numbers as text: rows, places, articles, date span, fatalities, injured."""
    dates = dates[dates != ""]
    if view == "reports":
        n_articles = int(df["article_id"].nunique())
    else:
        n_articles = count_articles(loaded.pairs, loaded.tables.incidents, df)
    span = f"{dates.min()} → {dates.max()}" if len(dates) else "–"
    fatalities = int(pd.to_numeric(df["fatalities"], errors="coerce").sum())
    injured = int(pd.to_numeric(df["injured"], errors="coerce").sum())
    return [f"{len(df):,}", f"{df['location'].nunique():,}", f"{n_articles:,}", span, f"{fatalities:,}",
            f"{injured:,}"]


def render_headline(df: pd.DataFrame, dates: pd.Series, loaded: Loaded, view: str, memo: Memo = compute_now) -> None:
    """Draw the headline row: rows, places, articles, date span, fatalities, injured."""
    rows, places, articles, span, fatalities, injured = memo(
        ("headline", view), lambda: headline_values(df, dates, loaded, view)
    )
    cols = st.columns([0.8, 0.8, 0.8, 3.4, 0.9, 0.9])
    cols[0].metric(view.capitalize(), rows)
    cols[1].metric("Places", places)
    cols[2].metric("Articles", articles)
    cols[3].metric("Date span", span, help="First and last date in view (event date, else article date)")
    cols[4].metric("Fatalities", fatalities)
    cols[5].metric("Injured", injured)


def display_frame(df: pd.DataFrame, order: pd.Index, articles: pd.DataFrame) -> pd.DataFrame:
    """Return the rows labelled by order with readable columns (dates, rounded coordinates, source link)."""
    shown = df.loc[order].copy()
    shown["date"] = pd.to_datetime(effective_dates(shown), format="%Y-%m-%d", errors="coerce")
    for column in ("latitude", "longitude"):
        shown[column] = pd.to_numeric(shown[column], errors="coerce").round(3)
    first = shown["article_id"] if "article_id" in shown else shown["sources"].fillna("").str.split(";").str[0]
    urls = articles.set_index("article_id")["url"] if len(articles) else pd.Series(dtype="string")
    links = first.map(urls.to_dict() if len(urls) < 5000 else urls).fillna("")
    shown["link"] = links.where(links.str.startswith(("http://", "https://")), None)
    return shown[[c for c in DISPLAY_COLUMNS if c in shown.columns]]


def _on_row_select() -> None:
    """Callback: open the selected table row's incident in the reader."""
    rows = ((st.session_state.get(TABLE_KEY) or {}).get("selection") or {}).get("rows") or []
    shown = st.session_state.get("_table_ids") or []
    if rows and rows[0] < len(shown):
        st.session_state[SELECTED_KEY] = shown[rows[0]]


def table_part(df: pd.DataFrame, order: pd.Index, articles: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Return the table to show (see display_frame) and the incident id of each of its rows."""
    shown = display_frame(df, order, articles)
    return shown, shown["incident_id"].astype(str).tolist()


def render_table(df: pd.DataFrame, order: pd.Index | Callable[[], pd.Index], articles: pd.DataFrame,
                 memo: Memo = compute_now) -> None:
    """Draw the filtered rows as a selectable table (order: newest first, capped for the browser; or a function
    returning it, called only when memo does not remember the table)."""
    shown, ids = memo(("table",), lambda: table_part(df, order() if callable(order) else order, articles))
    st.session_state["_table_ids"] = list(ids)
    st.dataframe(
        shown, key=TABLE_KEY, on_select=_on_row_select, selection_mode="single-row", hide_index=True,
        column_config={
            "date": st.column_config.DateColumn("date", format="YYYY-MM-DD"),
            "latitude": st.column_config.NumberColumn(format="%.3f"),
            "longitude": st.column_config.NumberColumn(format="%.3f"),
            "link": st.column_config.LinkColumn("source", display_text="open"),
            "evidence": st.column_config.TextColumn(width="large"),
        },
    )
    if len(df) > len(shown):
        st.caption(f"Showing the newest {len(shown):,} of {len(df):,} rows; the downloads hold all of them.")


def download_name(dates: pd.Series, filters: Filters, extension: str) -> str:
    """Return a file name carrying the view and the date range of the rows (or of the filter)."""
    dates = dates[dates != ""]
    start = filters.date_from.isoformat() if filters.date_from else (dates.min() if len(dates) else "all")
    end = filters.date_to.isoformat() if filters.date_to else (dates.max() if len(dates) else "all")
    return f"{filters.view}_{start}_to_{end}.{extension}"


def render_downloads(df: pd.DataFrame, dates: pd.Series, filters: Filters, memo: Memo = compute_now) -> None:
    """Draw "Download CSV" and "Download GeoJSON" buttons for exactly the filtered rows."""
    small = len(df) <= INLINE_CSV_ROWS
    csv_name, geojson_name = memo(
        ("download_names",), lambda: (download_name(dates, filters, "csv"), download_name(dates, filters, "geojson"))
    )
    left, right = st.columns(2)
    left.download_button(
        "Download CSV", memo(("csv",), lambda: to_csv_bytes(df)) if small else (lambda: to_csv_bytes(df)),
        file_name=csv_name, mime="text/csv", key="download_csv", on_click="ignore",
        help="Every column of the filtered rows, UTF-8 with a header row; cells that start like a "
             "spreadsheet formula (= + - @ tab CR) get a leading apostrophe.",
    )
    right.download_button(
        "Download GeoJSON", lambda: to_geojson_bytes(df),
        file_name=geojson_name, mime="application/geo+json", key="download_geojson",
        on_click="ignore",
    )
