"""CSV and GeoJSON export: whole-output comparisons and formula-injection safety."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from dashboard.export import neutralise_formula, to_csv_bytes, to_geojson, to_jsonl


def frame() -> pd.DataFrame:
    """Return a small typed table with text, numbers and missing values."""
    return pd.DataFrame(
        {
            "incident_id": pd.array(["i1", "i2"], dtype="string"),
            "location": pd.array(["Ain al-Asad Air Base", "=HYPERLINK(\"http://x\")"], dtype="string"),
            "fatalities": pd.array([3, None], dtype="Int64"),
            "latitude": pd.array([33.786, None], dtype="Float64"),
            "longitude": pd.array([42.441, None], dtype="Float64"),
            "evidence": pd.array(["Rockets hit, \"two\" hurt.", "-2+3"], dtype="string"),
        }
    )


def test_csv_whole_output():
    assert to_csv_bytes(frame()).decode("utf-8") == (
        "incident_id,location,fatalities,latitude,longitude,evidence\r\n"
        'i1,Ain al-Asad Air Base,3,33.786,42.441,"Rockets hit, ""two"" hurt."\r\n'
        "i2,\"'=HYPERLINK(\"\"http://x\"\")\",,,,'-2+3\r\n"
    )


def test_carriage_returns_and_newlines_inside_cells_round_trip():
    table = pd.DataFrame({"evidence": ["line one\rline two", "a\nb", "plain"]})
    parsed = pd.read_csv(io.BytesIO(to_csv_bytes(table)), dtype=str, keep_default_na=False)
    assert parsed["evidence"].tolist() == ["line one\rline two", "a\nb", "plain"]


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_prefix_is_neutralised(prefix):
    value = f"{prefix}cmd|' /C calc'!A0"
    assert neutralise_formula(value) == "'" + value
    parsed = pd.read_csv(io.BytesIO(to_csv_bytes(pd.DataFrame({"x": [value]}))), dtype=str, keep_default_na=False)
    assert parsed["x"][0] == "'" + value


def test_numbers_are_not_touched():
    parsed = pd.read_csv(io.BytesIO(to_csv_bytes(pd.DataFrame({"n": [-5, 3]}))))
    assert parsed["n"].tolist() == [-5, 3]


def test_geojson_whole_output():
    assert to_geojson(frame()) == {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [42.441, 33.786]},
                "properties": {
                    "incident_id": "i1",
                    "location": "Ain al-Asad Air Base",
                    "fatalities": 3,
                    "evidence": "Rockets hit, \"two\" hurt.",
                },
            }
        ],
    }


def test_jsonl_one_object_per_row_with_nulls():
    lines = to_jsonl(frame()).splitlines()
    assert len(lines) == 2
    assert json.loads(lines[1])["fatalities"] is None
