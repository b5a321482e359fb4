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


def _labels(values: pd.Series, blank: str) -> tuple[np.ndarray, pd.Index]:
    """Return (code per row, sorted labels) of a text column whose blanks and NAs are labelled blank."""
    codes, uniques = pd.factorize(values)  # NA -> -1, which indexes the blank appended last below
    names = ["" if pd.isna(v) else str(v) for v in uniques] + [""]
    label_codes, labels = pd.factorize(pd.Index([n or blank for n in names], dtype=object), sort=True)
    return label_codes[codes], pd.Index(labels)


def _dominant(groups: np.ndarray, n_groups: int, values: pd.Series) -> np.ndarray:
    """Return, per group code, its most frequent non-blank value ("unknown" when none; ties: the value met
    first in the group, as DataFrame.value_counts ranks them)."""
    codes, labels = _labels(values, "unknown")
    width = max(1, len(labels))
    pairs, first, counts = np.unique(groups.astype(np.int64) * width + codes, return_index=True, return_counts=True)
    group, value = pairs // width, pairs % width
    order = np.lexsort((first, -counts, group))
    ranked = group[order]
    best = order[np.r_[True, ranked[1:] != ranked[:-1]]]
    out = np.full(n_groups, "unknown", dtype=object)
    out[group[best]] = labels.to_numpy()[value[best]]
    return out


def _floats(values: pd.Series) -> np.ndarray:
    """Return a numeric column as float64 (NaN for missing or unparseable values)."""
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _day_codes(dates: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Return (code per row, sorted distinct ISO dates); blank dates get code -1."""
    codes, uniques = pd.factorize(dates, sort=True)
    days = np.asarray(uniques, dtype=object)
    blank = np.flatnonzero(days == "")
    if len(blank):  # "" sorts first: drop it and shift the codes
        codes = np.where(codes == blank[0], -1, codes - (codes > blank[0]))
        days = np.delete(days, blank[0])
    return codes, days


def place_summary(df: pd.DataFrame, dates: pd.Series | None = None) -> pd.DataFrame:
    """Return one row per place with coordinates, counts, casualties, dominant weapon/type and dates.

    dates: the rows' effective dates when already known (saves recomputing them).
    """
    keep = (df["latitude"].notna() & df["longitude"].notna() & df["location"].notna()).to_numpy(dtype=bool)
    if not keep.any():
        return pd.DataFrame(columns=PLACE_COLUMNS)
    located = df[keep] if not keep.all() else df
    dates = (effective_dates(df) if dates is None else dates)[keep]
    groups, names = pd.factorize(located["location"].astype(str))
    first = np.unique(groups, return_index=True)[1]
    day, days = _day_codes(dates)
    corrected = (located["corrected"].fillna(False).to_numpy(dtype=bool) if "corrected" in located
                 else np.zeros(len(located), dtype=bool))
    work = pd.DataFrame({
        "latitude": _floats(located["latitude"]), "longitude": _floats(located["longitude"]),
        "fatalities": _floats(located["fatalities"]), "injured": _floats(located["injured"]),
        "corrected": corrected.astype(np.int64), "day": np.where(day >= 0, day, np.nan),
    })
    stats = work.groupby(groups, sort=True).agg(
        latitude=("latitude", "median"), longitude=("longitude", "median"), fatalities=("fatalities", "sum"),
        injured=("injured", "sum"), corrected=("corrected", "sum"), first_day=("day", "min"), last_day=("day", "max"),
    )

    def day_text(codes: pd.Series) -> list[str]:
        """Return the ISO date of each day code ("" for NaN)."""
        return ["" if np.isnan(c) else str(days[int(c)]) for c in codes]

    out = pd.DataFrame({
        "location": np.asarray(names, dtype=object),
        "latitude": stats["latitude"].to_numpy(), "longitude": stats["longitude"].to_numpy(),
        "admin1": located["admin1"].iloc[first].fillna("").astype(str).to_numpy(dtype=object),
        "country": located["country"].iloc[first].fillna("").astype(str).to_numpy(dtype=object),
        "count": np.bincount(groups, minlength=len(names)).astype(np.int64),
        "fatalities": stats["fatalities"].to_numpy().astype(int), "injured": stats["injured"].to_numpy().astype(int),
        "dominant_weapon": _dominant(groups, len(names), located["weapon"]),
        "dominant_type": _dominant(groups, len(names), located["event_type"]),
        "first_date": day_text(stats["first_day"]), "latest_date": day_text(stats["last_day"]),
        "corrected": stats["corrected"].to_numpy().astype(int),
    })
    return out.sort_values(["count", "location"], ascending=[False, True], ignore_index=True)[PLACE_COLUMNS]


def choose_freq(first: str, last: str) -> str:
    """Return the bin size for a date span: "D" up to 120 days, "W" up to 2 years, else "M"."""
    if not first or not last:
        return "D"
    days = (pd.Timestamp(last) - pd.Timestamp(first)).days
    if days <= 120:
        return "D"
    return "W" if days <= 730 else "M"


def _bin_codes(dates: pd.Series, freq: str) -> tuple[np.ndarray, pd.DatetimeIndex]:
    """Return (code per date, sorted bin starts): each ISO date's bin (week starts Monday); -1 when unparseable.

    Only the distinct dates are parsed (a few hundred, however many rows).
    """
    codes, uniques = pd.factorize(dates)
    stamps = pd.to_datetime(pd.Series(np.asarray(uniques, dtype=object)), format="%Y-%m-%d", errors="coerce")
    if freq != "D":
        stamps = stamps.dt.to_period("W-SUN" if freq == "W" else "M").dt.start_time
    bin_codes, bins = pd.factorize(stamps, sort=True)
    bin_codes = np.append(bin_codes, -1)  # codes of -1 (missing dates) land on the appended -1
    return bin_codes[codes], pd.DatetimeIndex(bins)


def _bins(dates: pd.Series, freq: str) -> pd.Series:
    """Return the start date of each date's bin (week starts Monday) as Timestamps."""
    codes, bins = _bin_codes(dates, freq)
    values = bins.take(np.where(codes >= 0, codes, 0)) if len(bins) else pd.DatetimeIndex([pd.NaT] * len(codes))
    return pd.Series(values.where(codes >= 0), index=dates.index)


def main_span(dates: pd.Series, tail: float = 0.02) -> tuple[str, str]:
    """Return the (first, last) ISO dates of the bulk of the rows: with 50+ dates, the 2% at either end
    are left out so one stray date (a 2020 anniversary) does not stretch the timeline; "" when none."""
    known = dates[dates != ""]
    if known.empty:
        return "", ""
    counts = known.value_counts(sort=False).sort_index()  # distinct dates in order: cheaper than sorting rows
    total = int(counts.sum())
    if total < 50:
        return str(counts.index[0]), str(counts.index[-1])
    cut = int(total * tail)
    cumulative = counts.to_numpy().cumsum()
    first = counts.index[int(np.searchsorted(cumulative, cut, side="right"))]
    last = counts.index[int(np.searchsorted(cumulative, total - 1 - cut, side="right"))]
    return str(first), str(last)


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


def _top_places(groups: np.ndarray, places: np.ndarray, names: pd.Index, top: int = 3) -> dict[int, str]:
    """Return {group code: its `top` most frequent places joined by ", "} (ties: the place met first)."""
    width = max(1, len(names))
    triples, first, counts = np.unique(groups * width + places, return_index=True, return_counts=True)
    group, place = triples // width, triples % width
    order = np.lexsort((first, -counts, group))
    ordered = group[order]
    starts = np.r_[0, np.flatnonzero(ordered[1:] != ordered[:-1]) + 1]
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    chosen = order[rank < top]
    labels: dict[int, list[str]] = {}
    for g, p in zip(group[chosen].tolist(), place[chosen].tolist(), strict=True):
        labels.setdefault(g, []).append(str(names[p]))
    return {g: ", ".join(values) for g, values in labels.items()}


def timeline_counts(
    df: pd.DataFrame, by: str = "weapon", dates: pd.Series | None = None, titles: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, str]:
    """Return (bin, <by>, count, places, title) rows for a stacked bar chart, and the bin size used.

    places: the bar's three most frequent places; title: the title of one article behind the bar.
    Works on integer codes (only distinct dates and names are parsed), so 100k rows take a few ms.
    """
    columns = ["bin", by, "count", "places", "title"]
    dates = effective_dates(df) if dates is None else dates
    known = (dates != "").to_numpy(dtype=bool)
    if not known.any():
        return pd.DataFrame(columns=columns), "D"
    freq = choose_freq(*main_span(dates[known]))
    bin_codes, bins = _bin_codes(dates, freq)
    rows = np.flatnonzero(known & (bin_codes >= 0))
    if not len(rows):
        return pd.DataFrame(columns=columns), freq
    value_codes, values = _labels(df[by].iloc[rows], "unknown")
    place_codes, places = pd.factorize(df["location"].iloc[rows].fillna("").astype(str))
    width = max(1, len(values))
    groups = bin_codes[rows].astype(np.int64) * width + value_codes
    keys, first, counts = np.unique(groups, return_index=True, return_counts=True)
    labels = _top_places(groups, place_codes, pd.Index(places))
    source = df["sources" if "sources" in df else "article_id"].iloc[rows[first]].fillna("").astype(str)
    out = pd.DataFrame({
        "bin": bins.take(keys // width), by: values.to_numpy()[keys % width], "count": counts.astype(np.int64),
        "places": [labels.get(k, "") for k in keys.tolist()],
        "title": [str((titles or {}).get(a, "")) for a in source.str.split(";").str[0]],
    })
    return out[columns], freq


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
