"""Map view: one marker per place on an offline basemap; selecting markers narrows the place filter."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.aggregate import place_summary
from dashboard.ui.data import Memo, compute_now
from dashboard.ui.filters import set_places

TOPOJSON_URL = "/app/static/"  # dashboard/static/ served by Streamlit (enableStaticServing)
MAP_KEY = "map_select"
MAP_RESOLUTION = 110  # world_110m.json (136 kB); 50 = world_50m.json (1.1 MB): finer, about 1 s slower to draw
# Sent with the map's caption on a session's first page: the browser starts fetching the basemap while plotly.js
# (a 4.7 MB chunk) is still loading, instead of only once plotly starts drawing; plotly's request takes that copy.
PRELOADED_KEY = "_basemap_preloaded"
BASEMAP_PRELOAD = (f'<link rel="preload" href="{TOPOJSON_URL}world_{MAP_RESOLUTION}m.json" as="fetch" '
                   'crossorigin="anonymous">')
PALETTE: tuple[str, ...] = (
    "#d62728", "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)
# Fixed colours so a weapon has the same colour on the map and the timeline, whatever the filter.
FIXED_COLOURS: dict[str, str] = {
    "drone": "#d62728", "rocket": "#1f77b4", "mortar": "#9467bd", "ballistic missile": "#ff7f0e",
    "airstrike": "#2ca02c", "IED": "#8c564b", "gunfire": "#e377c2", "unknown": "#7f7f7f",
}


def colour_for(value: str, fallback_index: int = 0) -> str:
    """Return the display colour of a weapon or event type (fixed for known weapons)."""
    return FIXED_COLOURS.get(value) or PALETTE[fallback_index % len(PALETTE)]


def _on_select() -> None:
    """Callback: narrow the place filter to the selected markers."""
    selection = (st.session_state.get(MAP_KEY) or {}).get("selection") or {}
    places = []
    for point in selection.get("points", []):
        data = point.get("customdata")
        place = data[0] if isinstance(data, list | tuple) and data else data or point.get("hovertext")
        if place:
            places.append(str(place))
    if places:
        set_places(places)


def _weighted_median(values: pd.Series, weights: pd.Series) -> float:
    """Return the weighted median of values."""
    order = values.sort_values().index
    cumulative = weights.loc[order].cumsum()
    return float(values.loc[order][cumulative >= cumulative.iloc[-1] / 2].iloc[0])


def map_extent(places: pd.DataFrame, reach: float = 20.0) -> dict[str, list[float]]:
    """Return lon/lat ranges framing the places with a margin. Only places within `reach` degrees of the
    incident-weighted median place count, so a stray far-away match ("Washington") does not zoom the map
    out to the whole world; they stay on the map, outside the initial view."""
    weights = places["count"].astype(float)
    lon, lat = places["longitude"].astype(float), places["latitude"].astype(float)
    near = ((lon - _weighted_median(lon, weights)).abs() <= reach) & (
        (lat - _weighted_median(lat, weights)).abs() <= reach
    )
    lon, lat = (lon[near], lat[near]) if near.any() else (lon, lat)
    lon_min, lon_max, lat_min, lat_max = lon.min(), lon.max(), lat.min(), lat.max()
    pad_lon = max(3.0, (lon_max - lon_min) * 0.15)
    pad_lat = max(2.0, (lat_max - lat_min) * 0.15)
    return {
        "lonaxis_range": [float(lon_min - pad_lon), float(lon_max + pad_lon)],
        "lataxis_range": [float(lat_min - pad_lat), float(lat_max + pad_lat)],
    }


def map_figure(places: pd.DataFrame, colour_by: str = "dominant_weapon") -> go.Figure:
    """Return a Scattergeo figure: one trace per colour group, marker area proportional to count."""
    fig = go.Figure()
    biggest = max(1, int(places["count"].max())) if len(places) else 1
    groups = places[colour_by].fillna("unknown").astype(str)
    for i, (group, rows) in enumerate(places.groupby(groups, sort=True)):
        hover = (
            "<b>%{customdata[0]}</b><br>%{customdata[1]} incident(s)<br>"
            "fatalities %{customdata[2]}, injured %{customdata[3]}<br>"
            "latest %{customdata[4]}<br>%{customdata[5]} corrected by an analyst<br>"
            + f"{colour_by.replace('_', ' ')}: {group}<extra></extra>"
        )
        # Places with analyst-corrected incidents get a dark outline.
        outline = ["#111" if n else "white" for n in rows["corrected"]]
        fig.add_trace(
            go.Scattergeo(
                lon=rows["longitude"], lat=rows["latitude"], name=group, mode="markers",
                customdata=rows[["location", "count", "fatalities", "injured", "latest_date", "corrected"]].to_numpy(),
                hovertemplate=hover,
                marker={"size": 8 + 32 * (rows["count"] / biggest) ** 0.5, "color": colour_for(str(group), i),
                        "line": {"width": [2.5 if c != "white" else 1 for c in outline], "color": outline},
                        "opacity": 0.85},
            )
        )
    geo = {
        "resolution": MAP_RESOLUTION, "projection_type": "mercator", "showcountries": True, "countrycolor": "#888",
        "showcoastlines": True, "coastlinecolor": "#888", "showland": True, "landcolor": "#f3f1ea",
        "showocean": True, "oceancolor": "#dbe9f4", "showlakes": True, "lakecolor": "#dbe9f4",
        "showframe": False,
    }
    if len(places):
        geo.update(map_extent(places))
    # No dragmode: Streamlit then pans on drag and selects a marker on click (box/lasso in the modebar).
    fig.update_layout(geo=geo, height=460, margin={"l": 0, "r": 0, "t": 10, "b": 0},
                      legend={"title": {"text": colour_by.replace("dominant_", "")}, "orientation": "h", "y": -0.02})
    return fig


def map_part(df: pd.DataFrame, dates: pd.Series | None, colour: str) -> tuple[pd.DataFrame, go.Figure | None, str]:
    """Return the per-place summary, its map figure (None when no place is located) and the map's caption."""
    places = place_summary(df, dates)
    if places.empty:
        return places, None, ""
    figure = map_figure(places, colour)
    extent = map_extent(places)
    lon, lat = extent["lonaxis_range"], extent["lataxis_range"]
    outside = places[~places["longitude"].between(*lon) | ~places["latitude"].between(*lat)]
    note = f" {len(outside)} far-away place(s) outside this view (zoom out to see them)." if len(outside) else ""
    caption = f"{len(places)} place(s); marker size = incident count. Click or box-select markers to filter.{note}"
    return places, figure, caption


def render_map(df: pd.DataFrame, dates: pd.Series | None = None, memo: Memo = compute_now) -> pd.DataFrame:
    """Draw the incident map for the filtered rows; return the per-place summary it plotted.

    memo: remembers the summary and figure for the current filters (see data.Loaded.remember).
    """
    colour = st.radio("Colour by", ["dominant_weapon", "dominant_type"], horizontal=True, key="map_colour",
                      format_func=lambda v: "weapon" if v.endswith("weapon") else "event type",
                      label_visibility="collapsed")
    places, figure, caption = memo(("map", colour), lambda: map_part(df, dates, colour))
    if figure is None:
        st.info("No located incidents in the current view.")
        return places
    st.plotly_chart(figure, key=MAP_KEY, on_select=_on_select,
                    selection_mode=("points", "box", "lasso"), config={"topojsonURL": TOPOJSON_URL,
                                                                     "displaylogo": False})
    preload = "" if st.session_state.get(PRELOADED_KEY) else BASEMAP_PRELOAD
    st.session_state[PRELOADED_KEY] = True
    st.caption(caption + preload, unsafe_allow_html=True)  # the caption is our own text, no data values
    return places
