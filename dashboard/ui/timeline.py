"""Timeline view: incidents per day/week/month stacked by weapon or type, or one strip per place."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.aggregate import FREQ_LABELS, main_span, swimlane_counts, timeline_counts
from dashboard.query import effective_dates
from dashboard.ui.data import Memo, compute_now
from dashboard.ui.filters import set_dates
from dashboard.ui.map import colour_for

TIMELINE_KEY = "timeline_select"
FREQ_KEY = "_timeline_freq"


def _day(value: object) -> date | None:
    """Return the calendar day of a plotly axis value ("2024-01-05 12:00", timestamp...), or None."""
    try:
        return pd.Timestamp(str(value)).date()
    except (ValueError, TypeError):
        return None


def bin_end(start: date, freq: str) -> date:
    """Return the last day of the bin that starts on start."""
    if freq == "W":
        return (pd.Timestamp(start) + pd.Timedelta(days=6)).date()
    if freq == "M":
        return (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
    return start


def selected_range(selection: Mapping[str, object], freq: str) -> tuple[date, date] | None:
    """Return the date range a timeline selection covers (box x-range, else the clicked bins)."""
    for box in selection.get("box") or []:  # type: ignore[union-attr]
        xs = [d for d in (_day(x) for x in (box.get("x") or [])) if d]
        if xs:
            return min(xs), max(xs)
    days = [d for d in (_day(p.get("x")) for p in selection.get("points") or []) if d]  # type: ignore[union-attr]
    if days:
        return min(days), bin_end(max(days), freq)
    return None


def _on_select() -> None:
    """Callback: narrow the date filter to the selected part of the timeline."""
    selection = (st.session_state.get(TIMELINE_KEY) or {}).get("selection") or {}
    chosen = selected_range(selection, st.session_state.get(FREQ_KEY, "D"))
    if chosen:
        set_dates(*chosen)


def bars_figure(counts: pd.DataFrame, by: str, freq: str) -> go.Figure:
    """Return stacked bars: one trace per weapon/type, one bar per bin."""
    fig = go.Figure()
    totals = counts.groupby(by)["count"].sum().sort_values(ascending=False)
    for i, group in enumerate(totals.index):
        rows = counts[counts[by] == group]
        fig.add_trace(go.Bar(
            x=rows["bin"], y=rows["count"], name=str(group), marker_color=colour_for(str(group), i),
            customdata=rows[["places", "title"]].to_numpy(),
            hovertemplate=f"<b>{group}</b><br>{FREQ_LABELS[freq]} of %{{x|%Y-%m-%d}}: %{{y}} incident(s)"
                          "<br>places: %{customdata[0]}<br>article: %{customdata[1]}<extra></extra>",
        ))
    fig.update_layout(barmode="stack", bargap=0.1, dragmode="select", height=360,
                      margin={"l": 0, "r": 0, "t": 10, "b": 0}, legend={"orientation": "h", "y": -0.15},
                      yaxis_title=f"incidents per {FREQ_LABELS[freq]}", selectdirection="h")
    return fig


def swimlane_figure(cells: pd.DataFrame, freq: str) -> go.Figure:
    """Return one horizontal strip per place with a dot per bin sized by its incident count."""
    biggest = max(1, int(cells["count"].max()))
    order = cells.groupby("location")["count"].sum().sort_values().index.tolist()
    fig = go.Figure(go.Scatter(
        x=cells["bin"], y=cells["location"], mode="markers",
        marker={"size": 5 + 20 * (cells["count"] / biggest) ** 0.5, "color": "#d62728", "opacity": 0.7},
        customdata=cells[["count", "weapons", "title"]].to_numpy(),
        hovertemplate="<b>%{y}</b><br>" + FREQ_LABELS[freq] + " of %{x|%Y-%m-%d}: %{customdata[0]} incident(s)"
                      "<br>weapons: %{customdata[1]}<br>article: %{customdata[2]}<extra></extra>",
    ))
    fig.update_layout(height=max(260, 24 * len(order) + 80), dragmode="select", selectdirection="h",
                      margin={"l": 0, "r": 0, "t": 10, "b": 0},
                      yaxis={"categoryorder": "array", "categoryarray": order})
    return fig


def _frame_main_span(figure: go.Figure, dates: pd.Series, freq: str) -> int:
    """Set the x-axis to the bulk of the dates (see aggregate.main_span); return how many lie outside."""
    first, last = main_span(dates)
    if not first:
        return 0
    known = dates[dates != ""]
    outside = int(((known < first) | (known > last)).sum())
    if outside:
        pad = pd.Timedelta(days={"D": 1, "W": 7, "M": 31}[freq])
        figure.update_xaxes(range=[pd.Timestamp(first) - pad, pd.Timestamp(last) + pad])
    return outside


def timeline_part(df: pd.DataFrame, titles: Mapping[str, str], dates: pd.Series | None, mode: str,
                  by: str) -> tuple[go.Figure | None, str, int]:
    """Return the timeline figure (None when nothing is dated), its bin size and how many dates lie outside it."""
    if mode == "stacked":
        counts, freq = timeline_counts(df, by, dates, titles)
        figure = bars_figure(counts, by, freq) if len(counts) else None
    else:
        cells, freq = swimlane_counts(df, titles, dates=dates)
        figure = swimlane_figure(cells, freq) if len(cells) else None
    if figure is None:
        return None, freq, 0
    outside = _frame_main_span(figure, effective_dates(df) if dates is None else dates, freq)
    return figure, freq, outside


def render_timeline(df: pd.DataFrame, titles: Mapping[str, str], dates: pd.Series | None = None,
                    memo: Memo = compute_now) -> None:
    """Draw the timeline for the filtered rows (stacked bars or per-place strips).

    memo: remembers the figure for the current filters (see data.Loaded.remember).
    """
    left, right = st.columns(2)
    mode = left.radio("Timeline", ["stacked", "per place"], horizontal=True, key="timeline_mode",
                      label_visibility="collapsed")
    by = right.radio("Stack by", ["weapon", "event_type"], horizontal=True, key="timeline_by",
                     format_func=lambda v: v.replace("_", " "), label_visibility="collapsed",
                     disabled=mode != "stacked")
    figure, freq, outside = memo(("timeline", mode, by), lambda: timeline_part(df, titles, dates, mode, by))
    st.session_state[FREQ_KEY] = freq
    if figure is None:
        st.info("No dated incidents in the current view.")
        return
    st.plotly_chart(figure, key=TIMELINE_KEY, on_select=_on_select, selection_mode=("box", "points"),
                    config={"displaylogo": False})
    note = f" {outside} outlying date(s) outside this view (double-click the chart to see all)." if outside else ""
    st.caption(f"Incidents per {FREQ_LABELS[freq]} (event date, else article date). "
               f"Box-select a range to narrow the date filter.{note}")
