"""Export incident tables: formula-safe CSV and GeoJSON."""

from __future__ import annotations

import io
import json
import math
from typing import Any

import pandas as pd

# Leading characters a spreadsheet treats as the start of a formula (OWASP CSV injection list).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: Any) -> Any:
    """Return the value with a leading apostrophe when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose text cells are neutralised against formula injection; numbers stay numbers."""
    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise_formula, na_action="ignore")
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """Return the table as RFC 4180 CSV (UTF-8, CRLF rows, header row), every text cell formula-safe.

    CRLF row ends make the writer quote any cell holding a bare CR or LF, so such cells round-trip intact.
    """
    buffer = io.StringIO()
    safe_frame(df).to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8")


def _json_value(value: Any) -> Any:
    """Return a JSON-serialisable form of a pandas cell (NA -> None, numpy -> Python)."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def to_geojson(df: pd.DataFrame) -> dict[str, Any]:
    """Return a GeoJSON FeatureCollection with one Point feature per row that has coordinates."""
    features = []
    for record in df.to_dict(orient="records"):
        lat, lon = _json_value(record.get("latitude")), _json_value(record.get("longitude"))
        if lat is None or lon is None:
            continue
        properties = {k: _json_value(v) for k, v in record.items() if k not in ("latitude", "longitude")}
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def to_geojson_bytes(df: pd.DataFrame) -> bytes:
    """Return the table as UTF-8 GeoJSON bytes."""
    return json.dumps(to_geojson(df), ensure_ascii=False, indent=1).encode("utf-8")


def to_jsonl(df: pd.DataFrame) -> str:
    """Return the table as JSON Lines text, one object per row, NA as null."""
    lines = [
        json.dumps({k: _json_value(v) for k, v in record.items()}, ensure_ascii=False)
        for record in df.to_dict(orient="records")
    ]
    return "".join(line + "\n" for line in lines)
