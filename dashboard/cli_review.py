"""Command line for analyst review: `correct`, `merge`, `split` and `corrections` subcommands."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard import DATA_DIR
from dashboard import corrections as cx

EXIT_USAGE = 2


class ReviewError(Exception):
    """A user error (unknown id, bad value, no built table): printed, exit code 2."""


# --- reading the current tables --------------------------------------------------------------------


def _read_table(data_dir: Path, name: str) -> pd.DataFrame | None:
    """Return data/<name>.parquet (or .csv) as a DataFrame, or None when neither exists."""
    parquet, csv = data_dir / f"{name}.parquet", data_dir / f"{name}.csv"
    if parquet.exists():
        return pd.read_parquet(parquet)
    if csv.exists():
        return pd.read_csv(csv, dtype={"incident_id": "string", "report_id": "string"}, keep_default_na=True)
    return None


def current_tables(data_dir: Path, log: list[dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Return (incidents, reports, orphans) from the built tables with the log applied.

    Uses the uncorrected reports the build caches (data/cache/raw_reports.parquet) when present, exactly as
    store.load_tables does; else the written tables, to which applying the log again is harmless.
    """
    raw = data_dir / "cache" / "raw_reports.parquet"
    if raw.exists():
        from dashboard.incidents import summarize_incidents

        reports, orphans = cx.apply_report_corrections(pd.read_parquet(raw), log)
        incidents, more = cx.apply_incident_corrections(summarize_incidents(reports), log, reports)
        return incidents, reports, orphans + more
    incidents = _read_table(data_dir, "incidents")
    if incidents is None:
        raise ReviewError(f"no built incident table in {data_dir}; run `python -m dashboard build` first")
    reports = _read_table(data_dir, "reports")
    if reports is None:
        reports = pd.DataFrame({"report_id": pd.Series(dtype="string"), "incident_id": pd.Series(dtype="string")})
    reports, orphans = cx.apply_report_corrections(reports, log)
    incidents, more = cx.apply_incident_corrections(incidents, log, reports)
    return incidents, reports, orphans + more


def _ids(frame: pd.DataFrame, column: str) -> pd.Series:
    """Return a column as strings (missing values as empty strings)."""
    return frame[column].astype("string").fillna("")


def resolve(item: str, incidents: pd.DataFrame, reports: pd.DataFrame) -> tuple[str, list[str], bool]:
    """Return (incident id, its member report ids, whether item was a report id) or raise ReviewError."""
    if (_ids(incidents, "incident_id") == item).any() or (_ids(reports, "incident_id") == item).any():
        incident = item
        is_report = False
    elif (_ids(reports, "report_id") == item).any():
        incident = str(_ids(reports, "incident_id")[_ids(reports, "report_id") == item].iloc[0])
        is_report = True
    else:
        raise ReviewError(f"unknown id {item!r}: no incident or report with that id in the built tables")
    members = sorted(_ids(reports, "report_id")[_ids(reports, "incident_id") == incident].tolist())
    return incident, members, is_report


def _incident_row(incidents: pd.DataFrame, incident: str) -> dict[str, Any]:
    """Return the incident's current row as a dict ({} when it is not in the incidents table)."""
    hit = incidents[_ids(incidents, "incident_id") == incident]
    return {} if hit.empty else hit.iloc[0].to_dict()


# --- building entries ------------------------------------------------------------------------------


def parse_sets(items: list[str]) -> dict[str, str]:
    """Return {field: raw value} from `field=value` strings, or raise ReviewError."""
    out: dict[str, str] = {}
    for item in items:
        field, sep, value = item.partition("=")
        field = field.strip()
        if not sep or not field:
            raise ReviewError(f"--set expects field=value, got {item!r}")
        if field not in cx.EDITABLE_FIELDS:
            raise ReviewError(f"unknown field {field!r}; editable fields: {', '.join(cx.EDITABLE_FIELDS)}")
        out[field] = value
    return out


def _geocode(name: str) -> dict[str, Any]:
    """Return location fields for a place name from the offline gazetteer ({} if unknown/unavailable)."""
    try:
        from dashboard.geocode import load_gazetteer
    except ImportError:
        return {}
    place = load_gazetteer().resolve(name)
    if place is None:
        return {}
    return {
        "location": place.name, "latitude": place.latitude, "longitude": place.longitude,
        "admin1": place.admin1, "country": place.country, "iso3": place.iso3,
    }


def _location_value(sets: dict[str, str], geocode: bool) -> dict[str, Any] | None:
    """Pop location-related --set values into one compound location value (None if no location set)."""
    if "location" not in sets:
        return None
    value: dict[str, Any] = {"location": sets.pop("location")}
    if geocode and not {"latitude", "longitude"} & set(sets):
        found = _geocode(value["location"])
        value.update({k: v for k, v in found.items() if k != "location"})
    for key in cx.LOCATION_KEYS[1:]:
        if key in sets:
            value[key] = sets.pop(key)
    return value


def set_entries(
    item: str, raw: dict[str, str], incidents: pd.DataFrame, reports: pd.DataFrame, analyst: str,
    geocode: bool = True,
) -> list[dict[str, Any]]:
    """Return validated "set" entries for one incident (location fields combined into one entry)."""
    incident, members, _ = resolve(item, incidents, reports)
    row = _incident_row(incidents, incident)
    sets = dict(raw)
    location = _location_value(sets, geocode)
    pairs: list[tuple[str, Any]] = [("location", location)] if location is not None else []
    pairs += list(sets.items())
    entries = []
    for field, value in pairs:
        if field == "location":
            old: Any = {k: row.get(k) for k in value if k in row} or row.get("location")
        else:
            old = row.get(field)
        try:
            entries.append(cx.make_correction(
                "set", incident, analyst=analyst, report_ids=members, field=field, old=old, new=value,
            ))
        except ValueError as exc:
            raise ReviewError(str(exc)) from None
    return entries


# --- handlers --------------------------------------------------------------------------------------


def _dirs(args: argparse.Namespace) -> tuple[Path, Path]:
    """Return (data dir, corrections dir) from the common options."""
    data_dir = Path(args.data_dir)
    return data_dir, Path(args.corrections_dir) if args.corrections_dir else data_dir / "corrections"


def _report(entries: list[dict[str, Any]]) -> None:
    """Print what was recorded, one line per entry."""
    for entry in entries:
        new = cx.short_value(entry.get("new"))
        print(f"recorded {entry['id'][:8]}: {cx.describe(entry)}" + (f" = {new}" if entry["op"] == "set" else ""))


def handle_correct(args: argparse.Namespace) -> int:
    """Record `set` corrections or a `not_incident` for an incident or report id."""
    data_dir, log_dir = _dirs(args)
    if bool(args.set) == bool(args.not_incident):
        raise ReviewError("correct: give one or more --set field=value, or --not-incident")
    incidents, reports, _ = current_tables(data_dir, cx.read_log(log_dir))
    if args.not_incident:
        incident, members, is_report = resolve(args.id, incidents, reports)
        target = args.id if is_report else incident
        entries = [cx.make_correction(
            "not_incident", target, analyst=args.analyst, report_ids=[args.id] if is_report else members,
        )]
    else:
        entries = set_entries(args.id, parse_sets(args.set), incidents, reports, args.analyst, args.geocode)
    _report(cx.append_corrections(entries, log_dir))
    return 0


def handle_merge(args: argparse.Namespace) -> int:
    """Record merging the second incident into the first."""
    data_dir, log_dir = _dirs(args)
    incidents, reports, _ = current_tables(data_dir, cx.read_log(log_dir))
    keep, keep_members, _ = resolve(args.first, incidents, reports)
    other, other_members, _ = resolve(args.second, incidents, reports)
    if keep == other:
        raise ReviewError(f"{args.first} and {args.second} are already the same incident ({keep})")
    entry = cx.make_correction(
        "merge", keep, analyst=args.analyst, report_ids=keep_members,
        old=other, new={"incident_id": other, "report_ids": other_members},
    )
    _report(cx.append_corrections([entry], log_dir))
    return 0


def handle_split(args: argparse.Namespace) -> int:
    """Record splitting a report out of its incident into a new incident of its own."""
    data_dir, log_dir = _dirs(args)
    incidents, reports, _ = current_tables(data_dir, cx.read_log(log_dir))
    incident, members, is_report = resolve(args.report_id, incidents, reports)
    if not is_report:
        raise ReviewError(f"split expects a report id; {args.report_id!r} is an incident")
    if members == [args.report_id]:
        raise ReviewError(f"report {args.report_id} is already the only report of incident {incident}")
    entry = cx.make_correction("split", args.report_id, analyst=args.analyst, report_ids=[args.report_id],
                               old=incident)
    _report(cx.append_corrections([entry], log_dir))
    return 0


def handle_corrections(args: argparse.Namespace) -> int:
    """Print the correction log as a table; optionally undo the last correction or list orphans."""
    data_dir, log_dir = _dirs(args)
    if args.undo:
        undone = cx.undo_last(log_dir, analyst=args.analyst)
        print(f"undid {undone['id'][:8]}: {cx.describe(undone)}" if undone else "nothing to undo")
    log, problems = cx.read_log_with_problems(log_dir)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    if args.orphans:
        _, _, orphans = current_tables(data_dir, log)
        if not orphans:
            print("no orphaned corrections")
            return 0
        table = cx.log_table(orphans).assign(reason=[o["reason"] for o in orphans])
        print(table.drop(columns=["status"]).to_string(index=False))
        return 0
    if args.undo:
        return 0
    if not log:
        print(f"no corrections in {cx.log_path(log_dir)}")
        return 0
    with pd.option_context("display.max_colwidth", 60, "display.width", 200):
        print(cx.log_table(log).to_string(index=False))
    return 0


# --- registration ----------------------------------------------------------------------------------


def _common(parser: argparse.ArgumentParser) -> None:
    """Add the options every review subcommand shares."""
    parser.add_argument("--analyst", default=os.environ.get("DASHBOARD_ANALYST") or _user(),
                        help="name recorded with the correction (default: $DASHBOARD_ANALYST or login name)")
    parser.add_argument("--data-dir", default=str(DATA_DIR), help="folder with the built tables")
    parser.add_argument("--corrections-dir", default=None, help="folder of the log (default DATA_DIR/corrections)")


def _user() -> str:
    """Return the login name, or "" when it cannot be found."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _guarded(handler: Any) -> Any:
    """Wrap a handler so ReviewError/ValueError print a clear message and return exit code 2."""
    def run(args: argparse.Namespace) -> int:
        """Run the handler; report user errors on stderr with exit code 2."""
        try:
            return int(handler(args))
        except (ReviewError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    return run


def register(sub: argparse._SubParsersAction) -> None:
    """Register the `correct`, `merge`, `split` and `corrections` subcommands on a subparsers action."""
    p = sub.add_parser("correct", help="correct fields of an incident, or mark it not an incident")
    p.add_argument("id", help="incident id (or report id)")
    p.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                   help=f"field to correct (repeatable): {', '.join(cx.EDITABLE_FIELDS)}")
    p.add_argument("--not-incident", action="store_true", help="mark the incident/report as not an incident")
    p.add_argument("--no-geocode", dest="geocode", action="store_false",
                   help="do not look a --set location up in the gazetteer for coordinates")
    _common(p)
    p.set_defaults(handler=_guarded(handle_correct))

    p = sub.add_parser("merge", help="merge the second incident into the first")
    p.add_argument("first", help="incident id kept")
    p.add_argument("second", help="incident id merged into the first")
    _common(p)
    p.set_defaults(handler=_guarded(handle_merge))

    p = sub.add_parser("split", help="split a report out of its incident into a new incident")
    p.add_argument("report_id")
    _common(p)
    p.set_defaults(handler=_guarded(handle_split))

    p = sub.add_parser("corrections", help="show the correction log (who, when, what, old, new)")
    p.add_argument("--undo", action="store_true", help="undo the last correction still in effect")
    p.add_argument("--orphans", action="store_true", help="list corrections whose target no longer exists")
    _common(p)
    p.set_defaults(handler=_guarded(handle_corrections))


def main(argv: list[str] | None = None) -> int:
    """Run only the review subcommands (for tests and before cli.py registers them)."""
    parser = argparse.ArgumentParser(prog="python -m dashboard.cli_review")
    register(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    args = parser.parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
