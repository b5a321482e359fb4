"""Aggregations for the map and timeline: one row per place, counts per time bin (small outputs)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from dashboard.query import effective_dates

PLACE_COLUMNS: list[str] = [
    "location", "latitude", "longitude", "admin1", "country", "count", "fatalities", "injured",
    "dominant_weapon", "dominant_type", "first_date", "latest_date", "corrected",
]
FREQ_LABELS: dict[str, str] = {"D": "day", "W": "week", "M": "month"}


def _dominant(df: pd.DataFrame, key: str, column: str) -> pd.Series:
    """Return, per key value, the most frequent non-blank value of column ("unknown" when none)."""
    values = df[column].fillna("").astype(str).replace("", "unknown")
    counts = pd.DataFrame({key: df[key].astype(str), column: values}).value_counts()
    top = counts.reset_index().drop_duplicates(key, keep="first").set_index(key)[column]
    return top


def place_summary(df: pd.DataFrame, dates: pd.Series | None = None) -> pd.DataFrame:
    """Return one row per place with coordinates, counts, casualties, dominant weapon/type and dates.

    dates: the rows' effective dates when already known (saves recomputing them).
    """
    keep = df["latitude"].notna() & df["longitude"].notna() & df["location"].notna()
    located = df[keep]
    dates = (effective_dates(df) if dates is None else dates)[keep]
    if located.empty:
        return pd.DataFrame(columns=PLACE_COLUMNS)
    work = pd.DataFrame(
        {
            "location": located["location"].astype(str),
            "latitude": located["latitude"].astype(float),
            "longitude": located["longitude"].astype(float),
            "admin1": located["admin1"].fillna("").astype(str),
            "country": located["country"].fillna("").astype(str),
            "fatalities": pd.to_numeric(located["fatalities"], errors="coerce").astype(float),
            "injured": pd.to_numeric(located["injured"], errors="coerce").astype(float),
            "date": dates.replace("", pd.NA),
            "corrected": (located["corrected"].fillna(False).astype(bool) if "corrected" in located
                          else pd.Series(False, index=located.index)),
        }
    )
    grouped = work.groupby("location", sort=False)
    out = grouped.agg(
        latitude=("latitude", "median"),
        longitude=("longitude", "median"),
        admin1=("admin1", "first"),
        country=("country", "first"),
        count=("location", "size"),
        fatalities=("fatalities", "sum"),
        injured=("injured", "sum"),
        first_date=("date", "min"),
        latest_date=("date", "max"),
        corrected=("corrected", "sum"),
    )
    out["dominant_weapon"] = _dominant(located, "location", "weapon").reindex(out.index)
    out["dominant_type"] = _dominant(located, "location", "event_type").reindex(out.index)
    out[["fatalities", "injured", "corrected"]] = out[["fatalities", "injured", "corrected"]].astype(int)
    out[["first_date", "latest_date"]] = out[["first_date", "latest_date"]].fillna("")
    out = out.reset_index().sort_values(["count", "location"], ascending=[False, True], ignore_index=True)
    return out[PLACE_COLUMNS]


def choose_freq(first: str, last: str) -> str:
    """Return the bin size for a date span: "D" up to 120 days, "W" up to 2 years, else "M"."""
    if not first or not last:
        return "D"
    days = (pd.Timestamp(last) - pd.Timestamp(first)).days
    if days <= 120:
        return "D"
    return "W" if days <= 730 else "M"


def _bins(dates: pd.Series, freq: str) -> pd.Series:
    """Return the start date of each date's bin (week starts Monday) as Timestamps."""
    stamps = pd.to_datetime(dates, format="%Y-%m-%d", errors="coerce")
    if freq == "D":
        return stamps
    return stamps.dt.to_period("W-SUN" if freq == "W" else "M").dt.start_time


def main_span(dates: pd.Series, tail: float = 0.02) -> tuple[str, str]:
    """Return the (first, last) ISO dates of the bulk of the rows: with 50+ dates, the 2% at either end
    are left out so one stray date (a 2020 anniversary) does not stretch the timeline; "" when none."""
    known = dates[dates != ""].sort_values(ignore_index=True)
    if known.empty:
        return "", ""
    if len(known) < 50:
        return str(known.iloc[0]), str(known.iloc[-1])
    cut = int(len(known) * tail)
    return str(known.iloc[cut]), str(known.iloc[len(known) - 1 - cut])


def dated(df: pd.DataFrame, dates: pd.Series | None = None) -> tuple[pd.DataFrame, str]:
    """Return the dated rows with a "bin" column, and the bin size chosen from their main span."""
    dates = effective_dates(df) if dates is None else dates
    keep = dates != ""
    if not keep.any():
        return df.iloc[0:0].assign(bin=pd.Series(dtype="datetime64[ns]")), "D"
    freq = choose_freq(*main_span(dates[keep]))
    out = df[keep].assign(bin=_bins(dates[keep], freq))
    return out, freq


def _top_labels(work: pd.DataFrame, keys: list[str], column: str, with_counts: bool, top: int = 3) -> pd.Series:
    """Return, per key group, its most frequent values of column joined as "a 3, b 1" (or "a, b")."""
    sizes = work.groupby([*keys, column], sort=False).size().rename("n").reset_index()
    sizes = sizes.sort_values("n", ascending=False, kind="stable").groupby(keys, sort=False).head(top)
    labels = sizes[column].astype(str) + (" " + sizes["n"].astype(str) if with_counts else "")
    return labels.groupby([sizes[k] for k in keys], sort=True).agg(", ".join)


def timeline_counts(
    df: pd.DataFrame, by: str = "weapon", dates: pd.Series | None = None, titles: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, str]:
    """Return (bin, <by>, count, places, title) rows for a stacked bar chart, and the bin size used.

    places: the bar's three most frequent places; title: the title of one article behind the bar.
    """
    rows, freq = dated(df, dates)
    if rows.empty:
        return pd.DataFrame(columns=["bin", by, "count", "places", "title"]), freq
    work = pd.DataFrame(
        {
            "bin": rows["bin"],
            by: rows[by].fillna("").astype(str).replace("", "unknown"),
            "location": rows["location"].fillna("").astype(str),
            "source": rows["sources" if "sources" in rows else "article_id"].fillna("").astype(str),
        }
    )
    grouped = work.groupby(["bin", by], sort=True)
    out = grouped.agg(count=("location", "size"), source=("source", "first"))
    out["places"] = _top_labels(work, ["bin", by], "location", with_counts=False)
    out = out.reset_index()
    first = out["source"].str.split(";").str[0]
    out["title"] = [str((titles or {}).get(a, "")) for a in first]
    return out[["bin", by, "count", "places", "title"]], freq


def swimlane_counts(
    df: pd.DataFrame, titles: Mapping[str, str] | None = None, top: int = 25, dates: pd.Series | None = None
) -> tuple[pd.DataFrame, str]:
    """Return (location, bin, count, weapons, title) cells for the top places, and the bin size."""
    rows, freq = dated(df, dates)
    columns = ["location", "bin", "count", "weapons", "title"]
    if rows.empty:
        return pd.DataFrame(columns=columns), freq
    location = rows["location"].fillna("(no place)").astype(str)
    keep_places = location.value_counts().index[:top]
    rows = rows[location.isin(keep_places)]
    work = pd.DataFrame(
        {
            "location": rows["location"].fillna("(no place)").astype(str),
            "bin": rows["bin"],
            "weapon": rows["weapon"].fillna("unknown").astype(str),
            "source": rows["sources" if "sources" in rows else "article_id"].fillna("").astype(str),
        }
    )
    out = work.groupby(["location", "bin"], sort=True).agg(count=("weapon", "size"), source=("source", "first"))
    out["weapons"] = _top_labels(work, ["location", "bin"], "weapon", with_counts=True)
    out = out.reset_index()
    first = out["source"].str.split(";").str[0]
    out["title"] = [str((titles or {}).get(a, "")) for a in first]
    return out[columns], freq


def incident_article_pairs(incidents: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Return integer (incident position, article code) pairs from the reports, for fast article counts."""
    positions = pd.Index(incidents["incident_id"].astype(str)).get_indexer(reports["incident_id"].astype(str))
    codes, _ = pd.factorize(reports["article_id"].astype(str))
    pairs = pd.DataFrame({"incident": positions, "article": codes})
    return pairs[pairs["incident"] >= 0].reset_index(drop=True)


def count_articles(pairs: pd.DataFrame, incidents: pd.DataFrame, subset: pd.DataFrame) -> int:
    """Return how many distinct articles report the incidents in subset (rows of incidents)."""
    if len(subset) == len(incidents):
        return int(pairs["article"].nunique())
    chosen = np.zeros(len(incidents), dtype=bool)
    chosen[incidents.index.get_indexer(subset.index)] = True
    return int(pairs.loc[chosen[pairs["incident"].to_numpy()], "article"].nunique())
