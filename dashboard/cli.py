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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the process exit code."""
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    return handler(args)


# --- subcommands (each registers itself and imports its module lazily) -------------------------


def _register_build(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="build reports/incidents tables for the dashboard")
    p.set_defaults(handler=lambda a: _todo("build"))


def _register_extract(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("extract", help="extract incident reports from articles to stdout")
    p.set_defaults(handler=lambda a: _todo("extract"))


def _register_geocode(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("geocode", help="geocode JSONL place names from stdin (offline by default)")
    p.set_defaults(handler=lambda a: _todo("geocode"))


def _register_evaluate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="measure extraction and geocoding quality")
    p.set_defaults(handler=lambda a: _todo("evaluate"))


def _register_bench(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="time the pipeline and the app on generated corpora")
    p.set_defaults(handler=lambda a: _todo("bench"))


def _todo(name: str) -> int:
    print(f"{name}: not wired yet", file=sys.stderr)
    return 1
