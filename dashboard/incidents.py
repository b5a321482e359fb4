"""Reports -> incidents: group reports of one real-world event across articles and resolve their fields."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pandas as pd
from geopy.distance import great_circle

from dashboard.schema import INCIDENT_COLUMNS, REPORT_DTYPES

SAME_PLACE_KM = 5.0
# Weapons that reporters confuse with each other for one event (a "rocket" in one outlet is a "missile" in another).
WEAPON_FAMILIES: dict[str, str] = {
    "rocket": "indirect fire",
    "mortar": "indirect fire",
    "ballistic missile": "indirect fire",
    "drone": "air",
    "airstrike": "air",
    "IED": "IED",
    "gunfire": "gunfire",
}
EXTRA_COLUMNS = ["fatalities_report", "injured_report"]


def _day(value: Any) -> date | None:
    """Return an ISO date string as a date, or None."""
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _window(row: dict[str, Any]) -> tuple[date, date] | None:
    """Return the earliest and latest day a report's event can have happened, from its date and precision."""
    event = _day(row.get("event_date"))
    if event is None:
        return None
    precision = int(row.get("time_precision") or 3)
    if precision == 1:
        return event, event
    if precision == 2:
        return event - timedelta(days=6), event + timedelta(days=6)
    return event - timedelta(days=31), event


def dates_compatible(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Return True when two reports' event dates can be the same day given their precision."""
    wa, wb = _window(a), _window(b)
    if wa is None or wb is None:
        return True
    return wa[0] <= wb[1] and wb[0] <= wa[1]


def weapons_compatible(a: str, b: str) -> bool:
    """Return True when two weapon labels can describe the same attack."""
    if a == b or "unknown" in (a, b) or not a or not b:
        return True
    return WEAPON_FAMILIES.get(a) == WEAPON_FAMILIES.get(b)


def _place_groups(reports: pd.DataFrame) -> dict[str, str]:
    """Return a map from location name to a group key: names within SAME_PLACE_KM share a key."""
    places = reports.groupby("location", dropna=False)[["latitude", "longitude"]].first().reset_index()
    names = [str(n) for n in places["location"]]
    coords = list(zip(places["latitude"], places["longitude"], strict=True))
    parent = {name: name for name in names}

    def root(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for i, (lat_i, lon_i) in enumerate(coords):
        if pd.isna(lat_i):
            continue
        for j in range(i + 1, len(coords)):
            lat_j, lon_j = coords[j]
            if pd.isna(lat_j) or abs(lat_i - lat_j) > 0.1 or abs(lon_i - lon_j) > 0.1:
                continue
            if great_circle((lat_i, lon_i), (lat_j, lon_j)).km <= SAME_PLACE_KM:
                parent[root(names[j])] = root(names[i])
    return {name: root(name) for name in names}


def _compatible(cluster: list[dict[str, Any]], row: dict[str, Any]) -> bool:
    """Return True when a report can join a cluster: new article, compatible dates and weapons with every member."""
    return all(
        member["article_id"] != row["article_id"]
        and dates_compatible(member, row)
        and weapons_compatible(str(member["weapon"]), str(row["weapon"]))
        for member in cluster
    )


def _overlaps(a: tuple[date, date] | None, b: tuple[date, date] | None) -> bool:
    """Return True when two date windows overlap (an unknown window overlaps everything)."""
    return a is None or b is None or (a[0] <= b[1] and b[0] <= a[1])


def _intersect(a: tuple[date, date] | None, b: tuple[date, date] | None) -> tuple[date, date] | None:
    """Return the overlap of two date windows (an unknown window leaves the other as it is)."""
    if a is None or b is None:
        return a or b
    return max(a[0], b[0]), min(a[1], b[1])


def _date_gap(cluster: list[dict[str, Any]], row: dict[str, Any]) -> int:
    """Return the day distance between a report and a cluster's most precise report."""
    best = min(cluster, key=lambda r: int(r.get("time_precision") or 3))
    a, b = _day(best.get("event_date")), _day(row.get("event_date"))
    return abs((a - b).days) if a and b else 0


def assign_incidents(reports: pd.DataFrame) -> pd.DataFrame:
    """Return the reports with `incident_id` set so that reports of one real-world event share it."""
    out = reports.copy()
    if out.empty:
        return out
    groups = _place_groups(out)
    records = out.to_dict(orient="records")
    order = sorted(
        range(len(records)),
        key=lambda i: (int(records[i].get("time_precision") or 3), str(records[i].get("event_date") or ""),
                       str(records[i]["report_id"])),
    )
    clusters: dict[str, list[list[dict[str, Any]]]] = {}
    # Every member's window must overlap a newcomer's, so a cluster can only take rows that overlap the
    # intersection of its members' windows: checking that first keeps grouping fast on large tables.
    common: dict[int, tuple[date, date] | None] = {}
    membership: dict[int, list[dict[str, Any]]] = {}
    for i in order:
        row = records[i]
        window = _window(row)
        candidates = [
            c for c in clusters.setdefault(groups[str(row["location"])], [])
            if _overlaps(common[id(c)], window) and _compatible(c, row)
        ]
        if candidates:
            chosen = min(candidates, key=lambda c: _date_gap(c, row))
            chosen.append(row)
            common[id(chosen)] = _intersect(common[id(chosen)], window)
        else:
            chosen = [row]
            clusters[groups[str(row["location"])]].append(chosen)
            common[id(chosen)] = window
        membership[i] = chosen
    _absorb_vague([c for c in {id(c): c for c in membership.values()}.values()], membership)
    _join_same_day_neighbours([c for c in {id(c): c for c in membership.values()}.values()], membership)
    ids = {}
    for cluster in {id(c): c for c in membership.values()}.values():
        first = min(cluster, key=lambda r: (str(r.get("article_date") or "9999"), str(r["report_id"])))
        ids[id(cluster)] = "i" + hashlib.sha1(str(first["report_id"]).encode()).hexdigest()[:15]
    out["incident_id"] = pd.array([ids[id(membership[i])] for i in range(len(records))], dtype="string")
    return out


NEAR_KM = 25.0  # a report placed only "near" a town can be the attack on a site this far from it
_CELL = 0.25  # degrees: grid cell for finding clusters near a point (25 km < 0.25 degrees of latitude)


def _cell(lat: float, lon: float) -> tuple[int, int]:
    """Return the grid cell of a point."""
    return int(lat // _CELL), int(lon // _CELL)


def _nearby(grid: dict[tuple, list[tuple[float, float, list[dict[str, Any]]]]], cell: tuple, lat: float,
            lon: float, km: float) -> list[list[dict[str, Any]]]:
    """Return the clusters of the grid cells around `cell` (same leading keys, e.g. the day) within km of a point."""
    *keys, y, x = cell
    return [
        other for dy in (-1, 0, 1) for dx in (-1, 0, 1) for o_lat, o_lon, other in grid.get((*keys, y + dy, x + dx), [])
        if great_circle((lat, lon), (o_lat, o_lon)).km <= km
    ]


def _absorb_vague(clusters: list[list[dict[str, Any]]], membership: dict[int, list[dict[str, Any]]]) -> None:
    """Merge each cluster told only as "near" a town (geo precision 2) into the one site-precise cluster within
    NEAR_KM that can be the same event ("a base near Kirkuk" and "K-1 Air Base", same night, same weapon)."""
    grid: dict[tuple[int, int], list[tuple[float, float, list[dict[str, Any]]]]] = {}
    for cluster in clusters:
        precise = next((r for r in cluster if int(r.get("geo_precision") or 3) == 1), None)
        if precise is not None and not pd.isna(precise.get("latitude")):
            lat, lon = float(precise["latitude"]), float(precise["longitude"])
            grid.setdefault(_cell(lat, lon), []).append((lat, lon, cluster))
    targets: dict[int, list[dict[str, Any]]] = {}
    for cluster in clusters:
        if any(int(r.get("geo_precision") or 3) != 2 for r in cluster) or pd.isna(cluster[0].get("latitude")):
            continue
        lat, lon = float(cluster[0]["latitude"]), float(cluster[0]["longitude"])
        near = [
            other for other in _nearby(grid, _cell(lat, lon), lat, lon, NEAR_KM)
            if all(_compatible(other, r) for r in cluster)
        ]
        if len(near) == 1:
            targets[id(cluster)] = near[0]
    for cluster in clusters:
        if id(cluster) in targets:
            targets[id(cluster)].extend(cluster)
    for index, cluster in membership.items():
        membership[index] = targets.get(id(cluster), cluster)


SAME_DAY_KM = 10.0  # "rockets hit Erbil" and "rockets hit Erbil airport" on the same day are one attack


def _day_of(cluster: list[dict[str, Any]]) -> date | None:
    """Return the one day all of a cluster's reports give (each at day precision), else None."""
    days = {_day(r.get("event_date")) for r in cluster if int(r.get("time_precision") or 3) == 1}
    exact = all(int(r.get("time_precision") or 3) == 1 for r in cluster)
    return days.pop() if exact and len(days) == 1 else None


def _join_same_day_neighbours(clusters: list[list[dict[str, Any]]],
                              membership: dict[int, list[dict[str, Any]]]) -> None:
    """Merge pairs of day-precise clusters less than SAME_DAY_KM apart, told of the same day and weapon family
    by different articles, when each has exactly one such neighbour (a town's name and its airport's)."""
    grid: dict[tuple[date, int, int], list[tuple[float, float, list[dict[str, Any]]]]] = {}
    for cluster in clusters:
        day = _day_of(cluster)
        if day is not None and not pd.isna(cluster[0].get("latitude")):
            lat, lon = float(cluster[0]["latitude"]), float(cluster[0]["longitude"])
            grid.setdefault((day, *_cell(lat, lon)), []).append((lat, lon, cluster))
    partner: dict[int, list[list[dict[str, Any]]]] = {}
    for cell, cells in grid.items():
        for lat, lon, cluster in cells:
            partner[id(cluster)] = [
                other for other in _nearby(grid, cell, lat, lon, SAME_DAY_KM)
                if other is not cluster and all(_compatible(other, r) for r in cluster)
            ]
    merged: dict[int, list[dict[str, Any]]] = {}
    for cells in grid.values():
        for _, _, cluster in cells:
            near = partner[id(cluster)]
            if len(near) != 1 or len(partner[id(near[0])]) != 1 or id(cluster) in merged or id(near[0]) in merged:
                continue
            keep, gone = (cluster, near[0]) if len(cluster) >= len(near[0]) else (near[0], cluster)
            keep.extend(gone)
            merged[id(gone)] = keep
    for index, cluster in membership.items():
        membership[index] = merged.get(id(cluster), cluster)


def _most_common(values: list[Any], skip: tuple[Any, ...] = ("", "unknown", None)) -> Any:
    """Return the most frequent value not in skip (first seen wins ties), or the first value."""
    kept = [v for v in values if v not in skip and not (isinstance(v, float) and pd.isna(v))]
    if not kept:
        return values[0] if values else None
    counts = Counter(kept)
    return max(kept, key=lambda v: (counts[v], -kept.index(v)))


def _max_stated(group: list[dict[str, Any]], column: str) -> tuple[Any, str]:
    """Return the highest stated figure in a column and the report that states it (NA, '' when none)."""
    stated = [r for r in group if r.get(column) is not None and not pd.isna(r.get(column))]
    if not stated:
        return pd.NA, ""
    best = max(stated, key=lambda r: int(r[column]))
    return int(best[column]), str(best["report_id"])


def _summarize(group: list[dict[str, Any]]) -> dict[str, Any]:
    """Return one incident row resolved from the reports that tell it."""
    by_place = min(group, key=lambda r: (int(r.get("geo_precision") or 3), -float(r.get("confidence") or 0)))
    by_date = min(group, key=lambda r: (int(r.get("time_precision") or 3), str(r.get("event_date") or "")))
    outcomes = {r.get("outcome") for r in group}
    fatalities, fatalities_report = _max_stated(group, "fatalities")
    injured, injured_report = _max_stated(group, "injured")
    weapon = _most_common([r.get("weapon") for r in group]) or "unknown"
    typed = next((r for r in group if r.get("weapon") == weapon), by_place)
    sources = sorted({str(r["article_id"]) for r in group})
    row = {column: by_place.get(column) for column in INCIDENT_COLUMNS if column in by_place}
    row.update(
        {
            "incident_id": group[0]["incident_id"],
            "event_date": by_date.get("event_date"),
            "time_precision": by_date.get("time_precision"),
            "weapon": weapon,
            "event_type": typed.get("event_type"),
            "sub_event_type": typed.get("sub_event_type"),
            "actor": _most_common([r.get("actor") for r in group]) or "",
            "claimed": any(bool(r.get("claimed")) for r in group),
            "target": _most_common([r.get("target") for r in group]) or "",
            "outcome": "impact" if "impact" in outcomes else "intercepted" if "intercepted" in outcomes else "unknown",
            "fatalities": fatalities,
            "injured": injured,
            "fatalities_report": fatalities_report,
            "injured_report": injured_report,
            "confidence": min(0.99, max(float(r.get("confidence") or 0) for r in group) + 0.03 * (len(sources) - 1)),
            "n_sources": len(sources),
            "sources": ";".join(sources),
            "first_reported": min(str(r.get("article_date") or "") for r in group),
            "corrected": False,
        }
    )
    return row


def incident_columns() -> list[str]:
    """Return the incident table's columns: the schema's plus the casualty-source columns."""
    return [*INCIDENT_COLUMNS, *EXTRA_COLUMNS]


def summarize_incidents(reports: pd.DataFrame) -> pd.DataFrame:
    """Return one row per incident_id with fields resolved across its reports."""
    columns = incident_columns()
    if reports.empty:
        return pd.DataFrame({c: pd.Series(dtype=REPORT_DTYPES.get(c, "string")) for c in columns})
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in reports.to_dict(orient="records"):
        groups.setdefault(str(row["incident_id"]), []).append(row)
    rows = [_summarize(group) for group in groups.values()]
    frame = pd.DataFrame(rows, columns=columns)
    frame = frame.astype({c: REPORT_DTYPES.get(c, "string") for c in columns})
    return frame.sort_values(["event_date", "location"], ascending=[False, True], kind="stable").reset_index(drop=True)
