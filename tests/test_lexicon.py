"""The speed-ups in front of the lexicon's patterns (prefiltered, gated) never change what a pattern finds."""

from __future__ import annotations

import re
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import REPO_DIR as REPO
from dashboard import casualties, dates, extract, geocode
from dashboard import lexicon as lx
from dashboard.articles import load_articles
from dashboard.sentences import split_sentences


def _gated_patterns() -> list[tuple[str, lx.GatedPattern]]:
    """Return every gated pattern of the extraction modules, named module.attribute."""
    found = []
    for module in (lx, extract, casualties, dates, geocode):
        for name, value in vars(module).items():
            values = value if isinstance(value, list) else [value]
            for i, item in enumerate(values):
                item = item[1] if isinstance(item, tuple) and len(item) == 2 else item
                if isinstance(item, lx.GatedPattern):
                    found.append((f"{module.__name__}.{name}" + (f"[{i}]" if isinstance(value, list) else ""), item))
    return found


GATED = _gated_patterns()


@cache
def _sample_texts() -> tuple[str, ...]:
    """Return every sentence, and every whole text, of the embedded sample articles."""
    articles = load_articles([REPO / "seeds", REPO / "data" / "articles"]).articles
    texts = list(articles["text"])
    for text in articles["text"]:
        texts += [s.text for s in split_sentences(text)]
    return tuple(texts)


@pytest.mark.parametrize(
    ("pattern", "stems"),
    [
        (r"\b(?:foo|bar)baz\b", ("baz",)),  # every match holds "baz"; "foo"/"bar" tie on length, one word wins
        (r"(?i)\bclaim(?:ed|s)? responsibility\b", (" responsibility",)),
        (r"\b(?:killed|wounded)\s+(?:two|three)\b", ("killed", "wounded")),
        (r"(?<=, )after (?:a|the)\b", ("after ",)),  # a lookbehind consumes nothing: not required
        (r"\b(?:Syrian Democratic Forces|SDF)\b", ("sdf", "syrian democratic forces")),  # parsed as S(?:yrian|DF)
        (r"\b(?:Mr|Dr)\.? [A-Z]\w+", ()),  # words too short for the test to pay: left ungated
        (r"\d+ (?:rockets?)?", ()),  # an optional part requires nothing
        (r"(?:attack|strike)|\d+", ()),  # one branch holds no word
    ],
)
def test_gated_reads_the_words_every_match_holds(pattern: str, stems: tuple[str, ...]) -> None:
    compiled = re.compile(pattern)
    gated = lx.gated(compiled)
    assert (gated.stems if isinstance(gated, lx.GatedPattern) else ()) == stems
    if not stems:
        assert gated is compiled


def test_the_hot_patterns_are_gated() -> None:
    names = {name for name, _ in GATED}
    assert {"dashboard.lexicon.CONTEXT_CLAUSE", "dashboard.lexicon.CLAIM", "dashboard.lexicon.NON_PLACE_NAMES",
            "dashboard.casualties.CASUALTY_WORDS", "dashboard.extract._GATHERING_BEFORE"} <= names
    assert isinstance(extract._ACTOR_MASK, lx.AnchoredPattern) and isinstance(lx.PERSON_NAME, lx.AnchoredPattern)


@pytest.mark.parametrize(
    ("pattern", "starts"),
    [
        (r"\b(?:Syrian Democratic Forces|SDF)\b", "S(?:DF|yri)"),  # parsed as S(?:DF|yrian ...): joined again
        (r"(?:Harakat |Harakat Hezbollah )?al-Nujaba", r"H(?:ara)|a(?:l\-N)"),  # an optional start, or what follows
        (r"\b(?:U\.?S\.?|US) forces", r"U(?:S|\.)"),  # an optional dot read both ways
        (r"\b(?:U|Iraq)\b", "I(?:raq)|U"),  # a lone capital is a start too
        (r"(?i)\bclaimed\b", None),  # case-insensitive: other letter forms start matches
        (r"\b(?:a|an) attack", None),  # a lone lower-case letter starts too much to pay
        (r"\b[A-Z]\w+ Units", None),  # a class, not a word
    ],
)
def test_anchored_finds_the_words_every_match_begins_with(pattern: str, starts: str | None) -> None:
    found = lx.anchored(re.compile(pattern))
    assert (found.starts.pattern if found is not None else None) == starts


@pytest.mark.parametrize(("name", "gated"), GATED, ids=[name for name, _ in GATED])
def test_a_gated_pattern_finds_what_its_regex_finds_in_the_sample_articles(name: str, gated: lx.GatedPattern) -> None:
    for text in _sample_texts():
        assert [m.span() for m in gated.finditer(text)] == [m.span() for m in gated.regex.finditer(text)], text
        found, expected = gated.search(text), gated.regex.search(text)
        assert (found and found.span()) == (expected and expected.span())


WORDS = ["claimed", "Responsibility", "KILLED", "amid", "after", "drone", "Rudaw", "units", "Ain al-Asad", ", after a",
         "ſ", "K", "İ", " ", ".", "2", "Kataib Hezbollah", "Harakat al-Nujaba", "al-Nujaba", "U.S. forces", "US",
         "Sgt. John Smith", "Islamic State", "Iran", "Prime Minister", "spokesman"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=12).map(" ".join),
       st.sampled_from(GATED))
def test_a_gated_pattern_agrees_with_its_regex_on_any_text(text: str, named: tuple[str, lx.GatedPattern]) -> None:
    _, gated = named
    assert [m.span() for m in gated.finditer(text)] == [m.span() for m in gated.regex.finditer(text)]
    assert gated.sub("#", text) == gated.regex.sub("#", text)
