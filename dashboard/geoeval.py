"""TR-News toponym-resolution measurement: acc@161 km, mean/median error and a misses breakdown."""

from __future__ import annotations

import statistics
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from geopy.distance import great_circle

TRNEWS_PATH = Path("/work/shared/benchmarks/tr-news/TR-News.xml")
ACC_KM = 161.0


@dataclass(frozen=True)
class GoldToponym:
    """One annotated toponym: phrase, span in its article, gold point and GeoNames feature code."""

    article_id: str
    phrase: str
    start: int
    end: int
    latitude: float
    longitude: float
    fcode: str
    country: str


def read_trnews(path: Path = TRNEWS_PATH) -> list[tuple[str, str, list[GoldToponym]]]:
    """Return (article id, text, gold toponyms) for every TR-News article, read in place."""
    out = []
    for art in ET.parse(path).getroot().iter("article"):
        doc = art.get("docid", "")
        text = art.findtext("text") or ""
        golds = []
        for top in art.iter("toponym"):
            tag = top.find("gaztag")
            if tag is None or tag.findtext("lat") is None:
                continue
            golds.append(GoldToponym(doc, top.findtext("phrase") or "", int(top.findtext("start") or 0),
                                     int(top.findtext("end") or 0), float(tag.findtext("lat") or 0),
                                     float(tag.findtext("lon") or 0), tag.findtext("fcode") or "",
                                     tag.findtext("country") or ""))
        out.append((doc, text, golds))
    return out


def evaluate_trnews(path: Path, gazetteer, keep_misses: int = 0) -> dict:
    """Resolve every gold toponym with its article as context; return accuracy, error and miss statistics."""
    errors: list[float] = []
    n = resolved = hits = 0
    misses: Counter = Counter()
    miss_by_fcode: Counter = Counter()
    examples: list[dict] = []
    for _doc, text, golds in read_trnews(path):
        for g in golds:
            n += 1
            place = gazetteer.resolve(g.phrase, text, g.start, g.end)
            if place is None:
                misses["unresolved"] += 1
                miss_by_fcode[g.fcode] += 1
                _keep(examples, keep_misses, g, None, None)
                continue
            resolved += 1
            km = great_circle((g.latitude, g.longitude), (place.latitude, place.longitude)).km
            errors.append(km)
            if km <= ACC_KM:
                hits += 1
            else:
                misses[f"wrong {place.kind}"] += 1
                miss_by_fcode[g.fcode] += 1
                _keep(examples, keep_misses, g, place, km)
    return {
        "n": n,
        "resolved": resolved,
        "coverage": resolved / n if n else 0.0,
        "acc@161": hits / n if n else 0.0,
        "mean_km": statistics.fmean(errors) if errors else None,
        "median_km": statistics.median(errors) if errors else None,
        "misses": dict(misses.most_common()),
        "misses_by_gold_fcode": dict(miss_by_fcode.most_common(10)),
        "miss_examples": examples,
    }


def _keep(examples: list[dict], limit: int, g: GoldToponym, place, km: float | None) -> None:
    """Record a miss example (phrase, gold, got) while fewer than limit are kept."""
    if len(examples) < limit:
        examples.append({"phrase": g.phrase, "gold": f"{g.fcode} {g.country} ({g.latitude:.2f},{g.longitude:.2f})",
                         "got": None if place is None else f"{place.name} [{place.kind}, {place.country}]",
                         "km": None if km is None else round(km)})


def format_trnews_markdown(metrics: dict) -> str:
    """Return a short markdown section reporting the TR-News metrics."""
    def num(v, fmt: str) -> str:
        """Format a number or show a dash for None."""
        return "–" if v is None else format(v, fmt)

    lines = [
        "## Toponym resolution on TR-News",
        "",
        f"Gold toponyms with gold spans, article text as context (n = {metrics['n']}).",
        "",
        "| metric | value |",
        "| --- | --- |",
        f"| acc@161 km | {metrics['acc@161']:.3f} |",
        f"| median error km | {num(metrics['median_km'], '.1f')} |",
        f"| mean error km | {num(metrics['mean_km'], '.1f')} |",
        f"| coverage | {metrics['coverage']:.3f} |",
        "",
        "Reference: Mordecai 3 reports 0.873 acc@161 km on TR-News.",
    ]
    if metrics.get("misses"):
        lines += ["", "Misses: " + ", ".join(f"{k} {v}" for k, v in metrics["misses"].items())]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import json
    import sys

    from dashboard.geocode import load_gazetteer

    result = evaluate_trnews(TRNEWS_PATH, load_gazetteer(), keep_misses=int(sys.argv[1]) if sys.argv[1:] else 0)
    print(format_trnews_markdown(result))
    print(json.dumps({k: v for k, v in result.items()}, indent=1, ensure_ascii=False))
