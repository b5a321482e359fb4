"""Reader: the selected incident's articles, escaped, with the evidence and place mentions highlighted."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import pandas as pd
import streamlit as st

from dashboard.query import effective_dates
from dashboard.ui.table import SELECTED_KEY

MAX_CHOICES = 200
PICK_KEY = "reader_pick"
READER_CSS = """<style>
.article-text {white-space: pre-wrap; line-height: 1.55; font-size: 0.95rem;}
.article-text .ev {background: #ffe08a; border-radius: 2px;}
.article-text .pl {border-bottom: 2px solid #1f77b4; font-weight: 600;}
</style>"""


def mention_spans(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Return (start, end) of every case-insensitive, whole-word occurrence of the names in text."""
    spans: list[tuple[int, int]] = []
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        pattern = r"(?<!\w)" + re.escape(name) + r"(?!\w)"
        spans.extend(m.span() for m in re.finditer(pattern, text, flags=re.IGNORECASE))
    return spans


def highlight_html(text: str, evidence: list[tuple[int, int]], places: list[tuple[int, int]]) -> str:
    """Return text as HTML: every piece escaped, evidence spans in class "ev", place spans in class "pl"."""
    bounds = {0, len(text)}
    marks = [(s, e, "ev") for s, e in evidence] + [(s, e, "pl") for s, e in places]
    marks = [(max(0, s), min(len(text), e), k) for s, e, k in marks if 0 <= s < e]
    for start, end, _ in marks:
        bounds.update((start, end))
    cuts = sorted(bounds)
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        classes = sorted({k for s, e, k in marks if s <= start and end <= e})
        piece = html.escape(text[start:end], quote=True)
        pieces.append(f'<span class="{" ".join(classes)}">{piece}</span>' if classes else piece)
    return f'<div class="article-text">{"".join(pieces)}</div>'


def _evidence_spans(text: str, rows: pd.DataFrame) -> list[tuple[int, int]]:
    """Return evidence spans: the stored offsets when they match the evidence text, else a text search."""
    spans = []
    for _, row in rows.iterrows():
        evidence = "" if pd.isna(row.get("evidence")) else str(row.get("evidence"))
        start, end = row.get("evidence_start"), row.get("evidence_end")
        if not pd.isna(start) and not pd.isna(end) and 0 <= int(start) < int(end) <= len(text):
            spans.append((int(start), int(end)))
        elif evidence and (found := text.find(evidence)) >= 0:
            spans.append((found, found + len(evidence)))
    return spans


def _value(row: pd.Series, key: str) -> str:
    """Return a cell as text ("" for missing or NA)."""
    value = row.get(key)
    return "" if value is None or pd.isna(value) else str(value)


def article_header_html(article: pd.Series) -> str:
    """Return the escaped title and date / source line of an article as HTML."""
    title = html.escape(_value(article, "title") or "(untitled)")
    parts = (_value(article, k) for k in ("published", "source", "source_file"))
    meta = " · ".join(html.escape(p) for p in parts if p)
    return f'<h4 class="article-title">{title}</h4><p class="article-meta">{meta}</p>'


def _incident_label(row: pd.Series) -> str:
    """Return a one-line label for an incident: date, place, weapon."""
    date = _value(row, "event_date") or _value(row, "article_date") or "undated"
    return f"{date} · {_value(row, 'location') or 'unknown place'} · {_value(row, 'weapon') or 'unknown'}"


def incident_labels(df: pd.DataFrame) -> dict[str, str]:
    """Return {incident_id: "date · place · weapon"} for the rows (vectorised)."""
    date = effective_dates(df).replace("", "undated")
    place = df["location"].fillna("").astype(str).replace("", "unknown place")
    weapon = df["weapon"].fillna("").astype(str).replace("", "unknown")
    labels = date + " · " + place + " · " + weapon
    return dict(zip(df["incident_id"].astype(str), labels, strict=False))


def _article_rows(incident_id: str, incident: pd.Series, reports: pd.DataFrame, articles: pd.DataFrame):
    """Return (article row, its reports of this incident, every report of that article) for each source."""
    ids = [i for i in str(incident.get("sources") or "").split(";") if i]
    mine = reports[reports["incident_id"] == incident_id]
    ids = list(dict.fromkeys(ids + mine["article_id"].dropna().astype(str).tolist()))
    found = articles[articles["article_id"].isin(ids)]
    for article_id in ids:
        match = found[found["article_id"] == article_id]
        if match.empty:
            continue
        same_article = reports[reports["article_id"] == article_id]
        yield match.iloc[0], mine[mine["article_id"] == article_id], same_article


def _render_article(article: pd.Series, own: pd.DataFrame, same: pd.DataFrame, incident: pd.Series,
                    incidents: pd.DataFrame, incident_id: str) -> None:
    """Draw one source article with highlights, and the other incidents it reports beside it."""
    text = "" if pd.isna(article["text"]) else str(article["text"])
    main, side = st.columns([3, 1])
    with main:
        rows = own if len(own) else pd.DataFrame([incident])
        names = [*same["place_mention"].dropna().astype(str), *same["location"].dropna().astype(str)]
        names += [str(incident.get("place_mention") or ""), str(incident.get("location") or "")]
        body = highlight_html(text, _evidence_spans(text, rows), mention_spans(text, names))
        st.html(READER_CSS + article_header_html(article) + body)
        if _value(article, "url").startswith(("http://", "https://")):
            st.link_button("Open original", _value(article, "url"))
    with side:
        st.markdown("**Other incidents in this article**")
        others = same[same["incident_id"] != incident_id]["incident_id"].dropna().unique()
        listed = incidents[incidents["incident_id"].isin(others)]
        if listed.empty:
            st.caption("none")
        for _, row in listed.iterrows():
            st.button(_incident_label(row), key=f"other_{incident_id}_{article['article_id']}_{row['incident_id']}",
                      on_click=st.session_state.__setitem__, args=(SELECTED_KEY, str(row["incident_id"])))


def _on_pick() -> None:
    """Callback: remember the incident picked in the reader."""
    st.session_state[SELECTED_KEY] = st.session_state.get(PICK_KEY)


def render_reader(df: pd.DataFrame, tables) -> str | None:
    """Draw the reader for the chosen incident (table selection or picker); return its incident id."""
    incidents, reports, articles = tables.incidents, tables.reports, tables.articles
    dates = effective_dates(df)
    order = dates.sort_values(ascending=False, kind="stable").index[:MAX_CHOICES]
    choices = list(dict.fromkeys(df.loc[order, "incident_id"].dropna().astype(str)))
    current = st.session_state.get(SELECTED_KEY)
    if current and current not in choices:
        choices.insert(0, current)
    if not choices:
        st.info("No incident in the current view.")
        return None
    st.session_state[SELECTED_KEY] = st.session_state[PICK_KEY] = current or choices[0]
    label_of = incident_labels(incidents[incidents["incident_id"].isin(choices)])
    incident_id = st.selectbox("Incident", choices, key=PICK_KEY, format_func=lambda i: label_of.get(i, i),
                               on_change=_on_pick)
    match = incidents[incidents["incident_id"] == incident_id]
    if match.empty:
        st.warning("That incident is not in the table any more.")
        return None
    incident = match.iloc[0]
    shown = 0
    for article, own, same in _article_rows(incident_id, incident, reports, articles):
        _render_article(article, own, same, incident, incidents, incident_id)
        shown += 1
    if not shown:
        st.info("No source article text is stored for this incident.")
    return incident_id
