"""Incident filters: one dataclass, applied to a table and mirrored to URL query parameters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date

import numpy as np
import pandas as pd

VIEWS: tuple[str, ...] = ("incidents", "reports")

# Filter field -> (URL parameter name, table column) for the multi-value text filters.
LIST_FILTERS: dict[str, tuple[str, str]] = {
    "places": ("place", "location"),
    "countries": ("country", "country"),
    "admin1": ("admin1", "admin1"),
    "event_types": ("type", "event_type"),
    "sub_event_types": ("subtype", "sub_event_type"),
    "weapons": ("weapon", "weapon"),
    "actors": ("actor", "actor"),
    "outcomes": ("outcome", "outcome"),
}


@dataclass(frozen=True)
class Filters:
    """What the analyst narrowed the view to; empty fields mean "no restriction"."""

    places: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    admin1: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    event_types: tuple[str, ...] = ()
    sub_event_types: tuple[str, ...] = ()
    weapons: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    geo_precision: tuple[int, ...] = ()
    text: str = ""
    view: str = "incidents"

    def is_default(self) -> bool:
        """Return True when no filter is set (the view may still be reports)."""
        return replace(self, view="incidents") == Filters()


def effective_dates(df: pd.DataFrame) -> pd.Series:
    """Return each row's ISO date: the event date, else the article date ("" when neither is known)."""
    event = df["event_date"].fillna("").astype("string")
    article = df["article_date"].fillna("").astype("string")
    return event.where(event != "", article).fillna("")


def _text_mask(df: pd.DataFrame, needle: str, articles: pd.DataFrame | None) -> pd.Series:
    """Return rows whose evidence, or any source article's title or text, contains needle (any case)."""
    mask = df["evidence"].fillna("").str.contains(needle, case=False, regex=False)
    if articles is None or articles.empty:
        return mask.fillna(False).astype(bool)
    blob = articles["title"].fillna("") + "\n" + articles["text"].fillna("")
    hit_ids = set(articles.loc[blob.str.contains(needle, case=False, regex=False).fillna(False), "article_id"])
    if not hit_ids:
        return mask.fillna(False).astype(bool)
    if "article_id" in df.columns:
        via_article = df["article_id"].isin(hit_ids)
    else:
        exploded = df["sources"].fillna("").str.split(";").explode()
        hit_rows = exploded[exploded.isin(hit_ids)].index.unique()
        via_article = pd.Series(df.index.isin(hit_rows), index=df.index)
    return (mask.fillna(False) | via_article).astype(bool)


def filter_mask(df: pd.DataFrame, filters: Filters, articles: pd.DataFrame | None = None) -> pd.Series:
    """Return a boolean Series: True for the rows that pass every filter."""
    mask = pd.Series(True, index=df.index)
    for name, (_, column) in LIST_FILTERS.items():
        wanted = getattr(filters, name)
        if wanted:
            mask &= df[column].isin(wanted).fillna(False).astype(bool)
    if filters.geo_precision:
        mask &= df["geo_precision"].isin(filters.geo_precision).fillna(False).astype(bool)
    if filters.date_from or filters.date_to:
        dates = effective_dates(df)
        if filters.date_from:
            mask &= (dates >= filters.date_from.isoformat()).fillna(False).astype(bool)
        if filters.date_to:
            mask &= ((dates != "") & (dates <= filters.date_to.isoformat())).fillna(False).astype(bool)
    if filters.text.strip():
        mask &= _text_mask(df, filters.text.strip(), articles)
    return mask


def apply_filters(df: pd.DataFrame, filters: Filters, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the rows of df that pass the filters (all columns kept, original order)."""
    if filters.is_default():
        return df
    return df[filter_mask(df, filters, articles)]


def filtered_positions(df: pd.DataFrame, filters: Filters, articles: pd.DataFrame | None = None) -> np.ndarray | None:
    """Return the positions of the rows of df that pass the filters (None when no filter is set: every row)."""
    if filters.is_default():
        return None
    return np.flatnonzero(filter_mask(df, filters, articles).to_numpy(dtype=bool))


def filters_to_params(filters: Filters) -> dict[str, str | list[str]]:
    """Return URL query parameters for the filters (only the fields that are set)."""
    params: dict[str, str | list[str]] = {}
    for name, (key, _) in LIST_FILTERS.items():
        values = getattr(filters, name)
        if values:
            params[key] = list(values)
    if filters.geo_precision:
        params["precision"] = [str(v) for v in filters.geo_precision]
    if filters.date_from:
        params["from"] = filters.date_from.isoformat()
    if filters.date_to:
        params["to"] = filters.date_to.isoformat()
    if filters.text.strip():
        params["q"] = filters.text.strip()
    if filters.view != "incidents":
        params["view"] = filters.view
    return params


def _values(params: Mapping[str, object], key: str) -> list[str]:
    """Return the non-empty values of a query parameter given as a string or a list of strings."""
    raw = params.get(key)
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else list(raw)  # type: ignore[call-overload]
    return [str(v) for v in items if str(v) != ""]


def _date(params: Mapping[str, object], key: str) -> date | None:
    """Return the ISO date in a query parameter, or None when absent or malformed."""
    values = _values(params, key)
    try:
        return date.fromisoformat(values[-1]) if values else None
    except ValueError:
        return None


def filters_from_params(params: Mapping[str, object]) -> Filters:
    """Return the Filters that a URL's query parameters describe (unknown or bad values are ignored)."""
    lists = {name: tuple(dict.fromkeys(_values(params, key))) for name, (key, _) in LIST_FILTERS.items()}
    precision = tuple(int(v) for v in _values(params, "precision") if v in ("1", "2", "3"))
    view = (_values(params, "view") or ["incidents"])[-1]
    return Filters(
        **lists,
        geo_precision=tuple(dict.fromkeys(precision)),
        date_from=_date(params, "from"),
        date_to=_date(params, "to"),
        text=(_values(params, "q") or [""])[-1],
        view=view if view in VIEWS else "incidents",
    )


def filter_names() -> list[str]:
    """Return the Filters field names (for widgets that mirror them)."""
    return [f.name for f in fields(Filters)]


def value_counts(df: pd.DataFrame, column: str) -> dict[str, int]:
    """Return {value: row count} for a column, most frequent first, blanks dropped."""
    counts = df[column].dropna().astype(str)
    counts = counts[counts != ""].value_counts()
    return {str(k): int(v) for k, v in counts.items()}
