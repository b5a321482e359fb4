"""Command line: `python -m dashboard build | extract | geocode | evaluate | bench | correct | ...`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="python -m dashboard",
        description="Turn news articles into a geocoded incident table (offline by default).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in (
        _register_build,
        _register_extract,
        _register_geocode,
        _register_evaluate,
        _register_bench,
    ):
        register(sub)
    try:
        from dashboard.cli_review import register as register_review
    except ImportError:  # review commands not installed
        pass
    else:
        register_review(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the process exit code."""
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    return handler(args)


# --- subcommands (each registers itself and imports its module lazily) -------------------------


def _print_problems(problems: Sequence[object]) -> None:
    """Print load problems to stderr, one per line: file:line: reason."""
    for problem in problems:
        file, line, reason = problem  # type: ignore[misc]
        where = f"{file}:{line}" if line else str(file)
        print(f"problem: {where}: {reason}", file=sys.stderr)


def _progress(done: int, total: int, message: str) -> None:
    """Print build progress to stderr."""
    print(f"[{done}/{total}] {message}", file=sys.stderr, flush=True)


def _register_build(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="build reports/incidents tables for the dashboard")
    p.add_argument("paths", nargs="*", help="article files or folders (default: seeds/ data/articles/ data/uploads/)")
    p.add_argument("--out", default=None, help="output directory (default: data/)")
    p.add_argument("--online", action="store_true", help="also ask Nominatim for names the offline gazetteer lacks")
    p.add_argument("--if-stale", action="store_true", help="only rebuild when inputs or code changed")
    p.set_defaults(handler=_run_build)


def _run_build(args: argparse.Namespace) -> int:
    """Build and write the tables; exit 2 when no article could be loaded."""
    from dashboard.store import load_tables

    tables = load_tables(args.paths or None, out_dir=args.out, online=args.online, progress=_progress,
                         rebuild=not args.if_stale)
    _print_problems(tables.problems)
    for orphan in tables.orphans:
        print(f"orphaned correction: {orphan.get('id')} ({orphan.get('reason', '')})", file=sys.stderr)
    print(
        f"{len(tables.articles)} articles, {len(tables.reports)} reports, {len(tables.incidents)} incidents",
        file=sys.stderr,
    )
    return 0 if len(tables.articles) else 2


def _register_extract(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("extract", help="extract incident reports from articles to stdout")
    p.add_argument("paths", nargs="+", help="article files or folders")
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    p.add_argument("--online", action="store_true", help="also ask Nominatim for names the offline gazetteer lacks")
    p.set_defaults(handler=_run_extract)


def _run_extract(args: argparse.Namespace) -> int:
    """Print one report per line (jsonl) or a CSV table of reports; exit 2 when no article loaded."""
    from dashboard.articles import load_articles
    from dashboard.export import to_csv_bytes, to_jsonl
    from dashboard.extract import extract_reports
    from dashboard.geocode import load_gazetteer

    loaded = load_articles(args.paths)
    _print_problems(loaded.problems)
    if loaded.articles.empty:
        print("no article could be loaded", file=sys.stderr)
        return 2
    reports = extract_reports(loaded.articles, load_gazetteer(online=args.online))
    if args.format == "csv":
        sys.stdout.buffer.write(to_csv_bytes(reports))
    else:
        sys.stdout.write(to_jsonl(reports))
    sys.stdout.flush()
    return 0


def _register_geocode(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "geocode",
        help="geocode JSONL place names from stdin (offline by default)",
        description='Reads {"id", "name", "text"?, "start"?, "end"?} per line on stdin; writes one result line each.',
    )
    p.add_argument("--online", action="store_true", help="ask Nominatim (rate-limited, cached) when offline fails")
    p.set_defaults(handler=_run_geocode)


def _run_geocode(args: argparse.Namespace) -> int:
    """Geocode stdin JSONL to stdout JSONL, one output line per input line, same order."""
    from dashboard.geocode import geocode_jsonl, load_gazetteer

    gazetteer = load_gazetteer(online=args.online)
    for line in geocode_jsonl((line for line in sys.stdin if line.strip()), gazetteer):
        sys.stdout.write(line.rstrip("\n") + "\n")
    sys.stdout.flush()
    return 0


def _register_evaluate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="measure extraction quality on the gold labels and geocoding on TR-News")
    p.add_argument("--gold", default=None, help="gold JSONL file or folder (default: tests/gold/)")
    p.add_argument("--base", default=None, help="folder the gold `file` paths are relative to (default: the repo)")
    p.add_argument("--trnews", default=None, help="TR-News XML (default: ../shared/benchmarks/tr-news/TR-News.xml)")
    p.add_argument("--write", default=None, help="also write the report as markdown to this file")
    p.add_argument("--quiet", action="store_true", help="omit the list of misses and false positives")
    p.set_defaults(handler=_run_evaluate)


def _run_evaluate(args: argparse.Namespace) -> int:
    """Print the quality report (and write it as markdown when asked)."""
    from dashboard.evaluate import run_evaluation

    return run_evaluation(args.gold, args.trnews, args.write, verbose=not args.quiet, base=args.base)


def _register_bench(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="time the pipeline and the app on generated corpora")
    p.add_argument("--sizes", default="1000,10000", help="corpus sizes to time (comma-separated)")
    p.add_argument("--write", default=None, help="also write the results as markdown to this file")
    p.add_argument("--no-app", action="store_true", help="skip the app benchmarks (AppTest and Chromium)")
    p.set_defaults(handler=_run_bench)


def _run_bench(args: argparse.Namespace) -> int:
    """Run the benchmarks and print (and write) the results."""
    from dashboard.bench import run_bench

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    return run_bench(sizes, args.write, with_app=not args.no_app)
