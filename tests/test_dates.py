"""Tests for dashboard.dates: explicit, dateline and relative date forms and the never-after invariant."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.dates import DateMention, find_dates, resolve_event_date

SAT = date(2024, 3, 30)  # a Saturday (the seed article's date)
MON = date(2024, 3, 25)
WED = date(2024, 3, 27)


def _only(text: str, article_date: date | None = SAT) -> DateMention:
    """Return the single date mention found in text (fails if there is not exactly one)."""
    found = find_dates(text, article_date)
    assert len(found) == 1, found
    assert text[found[0].start : found[0].end] == found[0].text
    return found[0]


@pytest.mark.parametrize(
    ("text", "span", "expected", "precision"),
    [
        # explicit
        ("It happened on November 7, 2023.", "November 7, 2023", date(2023, 11, 7), 1),
        ("It happened on Nov 7, 2023.", "Nov 7, 2023", date(2023, 11, 7), 1),
        ("It happened on Nov. 7 at night.", "Nov. 7", date(2023, 11, 7), 1),
        ("It happened on 7 November 2023.", "7 November 2023", date(2023, 11, 7), 1),
        ("It happened on 7 November.", "7 November", date(2023, 11, 7), 1),
        ("It happened on the 7th of November.", "7th of November", date(2023, 11, 7), 1),
        ("Drones flew on Nov 17.", "Nov 17", date(2023, 11, 17), 1),
        ("The attack on Sept. 5 was claimed.", "Sept. 5", date(2023, 9, 5), 1),
        ("The attack on March 30 was claimed.", "March 30", date(2024, 3, 30), 1),
        ("The attack on March 31 was claimed.", "March 31", date(2023, 3, 31), 1),
        ("Rockets fell on 2024-01-20.", "2024-01-20", date(2024, 1, 20), 1),
        ("Rockets fell on January 20.", "January 20", date(2024, 1, 20), 1),
        ("ON JANUARY 20 rockets fell.", "JANUARY 20", date(2024, 1, 20), 1),
        # datelines
        ("IRBIL, Nov 17 -- Two drones targeted Harir.", "Nov 17", date(2023, 11, 17), 1),
        ("BAGHDAD, Jan. 21 (Reuters) - Rockets hit Ain al-Asad.", "Jan. 21", date(2024, 1, 21), 1),
        # weekdays (article is a Saturday)
        ("The base was attacked on Saturday.", "Saturday", date(2024, 3, 30), 1),
        ("The base was attacked Saturday.", "Saturday", date(2024, 3, 30), 1),
        ("The base was attacked late on Monday.", "late on Monday", date(2024, 3, 25), 1),
        ("The base was attacked on Wednesday evening.", "Wednesday evening", date(2024, 3, 27), 1),
        ("The base was attacked early Sunday.", "early Sunday", date(2024, 3, 24), 1),
        ("The base was attacked on Friday night.", "Friday night", date(2024, 3, 29), 1),
        ("The base was attacked last Saturday.", "last Saturday", date(2024, 3, 23), 1),
        # relative days
        ("A drone hit the base yesterday.", "yesterday", date(2024, 3, 29), 1),
        ("A drone hit the base last night.", "last night", date(2024, 3, 29), 1),
        ("A drone hit the base the day before yesterday.", "the day before yesterday", date(2024, 3, 28), 1),
        ("A drone hit the base today.", "today", date(2024, 3, 30), 1),
        ("A drone hit the base earlier today.", "earlier today", date(2024, 3, 30), 1),
        ("A drone hit the base this morning.", "this morning", date(2024, 3, 30), 1),
        ("A drone will be launched tonight.", "tonight", date(2024, 3, 30), 1),
        ("A drone hit the base two days ago.", "two days ago", date(2024, 3, 28), 1),
        ("A drone hit the base three days earlier.", "three days earlier", date(2024, 3, 27), 1),
        ("A drone hit the base 10 days ago.", "10 days ago", date(2024, 3, 20), 1),
        # weeks and months
        ("A drone hit the base last week.", "last week", date(2024, 3, 23), 2),
        ("A drone hit the base two weeks ago.", "two weeks ago", date(2024, 3, 16), 2),
        ("A drone hit the base last month.", "last month", date(2024, 2, 29), 3),
        ("A drone hit the base earlier this month.", "earlier this month", date(2024, 3, 1), 3),
        ("A drone hit the base in January.", "January", date(2024, 1, 31), 3),
        ("A drone hit the base in early January.", "early January", date(2024, 1, 31), 3),
        ("A drone hit the base in mid-February.", "mid-February", date(2024, 2, 29), 3),
        ("A drone hit the base last January.", "last January", date(2024, 1, 31), 3),
        ("A drone hit the base last March.", "last March", date(2023, 3, 31), 3),
        ("A drone hit the base in March.", "March", date(2024, 3, 30), 3),
        ("A drone hit the base in April.", "April", date(2023, 4, 30), 3),
        ("A drone hit the base in May 2023.", "May 2023", date(2023, 5, 31), 3),
        ("A drone hit the base in Sept.", "Sept.", date(2023, 9, 30), 3),
    ],
)
def test_forms_against_saturday(text: str, span: str, expected: date, precision: int) -> None:
    mention = _only(text)
    assert (mention.text, mention.date, mention.precision) == (span, expected, precision)


@pytest.mark.parametrize(
    ("article_date", "text", "expected"),
    [
        (MON, "on Monday", date(2024, 3, 25)),  # same weekday -> the article date
        (MON, "on Sunday", date(2024, 3, 24)),
        (MON, "on Tuesday", date(2024, 3, 19)),
        (MON, "last Monday", date(2024, 3, 18)),
        (WED, "late on Tuesday", date(2024, 3, 26)),
        (WED, "on Thursday", date(2024, 3, 21)),
        (date(2024, 1, 5), "on Dec 28", date(2023, 12, 28)),  # year from the article date, back a year
        (date(2024, 1, 5), "in December", date(2023, 12, 31)),
        (date(2024, 3, 1), "on Feb 29", date(2024, 2, 29)),
        (date(2025, 3, 1), "on Feb 29", date(2024, 2, 29)),  # leap day: latest one not after the article
        (date(2024, 1, 1), "yesterday", date(2023, 12, 31)),
        (date(2024, 1, 5), "on Christmas Day", date(2023, 12, 25)),
        (date(2024, 1, 5), "on New Year's Eve", date(2023, 12, 31)),
    ],
)
def test_other_article_dates(article_date: date, text: str, expected: date) -> None:
    assert _only(text, article_date).date == expected


@pytest.mark.parametrize(
    "text",
    [
        "Talks will resume next Monday.",  # future weekday
        "The deadline is by Friday.",
        "The date 20/01/2024 is ambiguous.",  # numeric D/M without year first
        "You may go now.",  # modal verb, lower case
        "A march in the city.",
        "It happened on February 30.",  # impossible day
        "Elections on April 5, 2024 are planned.",  # explicit date after the article date
        "The summit is in April 2024.",  # month after the article date
        "It was in 2014.",  # bare year: not a date expression here
    ],
)
def test_not_dates_or_future(text: str) -> None:
    assert find_dates(text, SAT) == []


def test_bare_month_name_is_not_a_date() -> None:
    assert find_dates("May God protect them; March on.", SAT) == []


def test_without_article_date_only_explicit_years_resolve() -> None:
    text = "On Monday, yesterday, last week, on Nov 7 and in January, but also on Nov 7, 2023 and 2024-01-20."
    found = find_dates(text, None)
    assert [(m.text, m.date) for m in found] == [
        ("Nov 7, 2023", date(2023, 11, 7)),
        ("2024-01-20", date(2024, 1, 20)),
    ]


def test_explicit_date_preferred_over_overlapping_month() -> None:
    found = find_dates("Rockets struck in January 20 raids and on Saturday, March 30, 2024.", SAT)
    assert [(m.text, m.date, m.precision) for m in found] == [
        ("January 20", date(2024, 1, 20), 1),
        ("Saturday", date(2024, 3, 30), 1),
        ("March 30, 2024", date(2024, 3, 30), 1),
    ]


def test_offsets_index_the_whole_article() -> None:
    text = "IRBIL, Nov 17 -- A drone attack\n\nlate on Monday hit Harir. Officials said yesterday that..."
    found = find_dates(text, date(2023, 11, 17))
    assert [text[m.start : m.end] for m in found] == ["Nov 17", "late on Monday", "yesterday"]
    assert [m.date for m in found] == [date(2023, 11, 17), date(2023, 11, 13), date(2023, 11, 16)]


def test_date_mention_is_frozen() -> None:
    mention = _only("yesterday")
    with pytest.raises(dataclasses.FrozenInstanceError):
        mention.start = 3  # type: ignore[misc]


def test_resolve_event_date_prefers_most_precise() -> None:
    found = find_dates("Last month's raids continued last week and on Thursday.", SAT)
    assert resolve_event_date(found, SAT) == (date(2024, 3, 28), 1)
    assert resolve_event_date([], SAT) == (SAT, 3)
    assert resolve_event_date([], None) == (None, 3)


PHRASES = [
    "on Monday", "late on Tuesday", "Wednesday evening", "early Thursday", "on Friday", "Saturday",
    "Sunday", "last Sunday", "yesterday", "last night", "today", "tonight", "last week", "last month",
    "two days ago", "three days earlier", "in January", "in early June", "last December", "in May",
    "on Nov 17", "7 November", "Jan. 21", "on Feb 29", "December 31", "Sept. 30", "in mid-October",
    "on March 30, 2024", "2025-01-01", "in December 2030",
]  # fmt: skip


@given(
    article_date=st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31)),
    phrases=st.lists(st.sampled_from(PHRASES), min_size=1, max_size=6),
)
def test_event_date_is_never_after_article_date(article_date: date, phrases: list[str]) -> None:
    text = "Rockets hit the base " + ", then ".join(phrases) + "."
    for mention in find_dates(text, article_date):
        assert mention.date <= article_date
        assert text[mention.start : mention.end] == mention.text
        assert mention.precision in (1, 2, 3)
    event, precision = resolve_event_date(find_dates(text, article_date), article_date)
    assert event is not None and event <= article_date and precision in (1, 2, 3)


def test_night_into_next_day_is_the_next_day() -> None:
    """'Saturday night into Sunday morning' dates the event to the Sunday (the night's end)."""
    found = find_dates("late on Saturday night into Sunday morning", date(2024, 1, 29))
    assert [(d.text, d.date, d.precision) for d in found] == [("Sunday morning", date(2024, 1, 28), 1)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Drones attacked al-Tanf on Oct. 18, and Ain al-Asad, which was hit a day earlier.",
         [date(2023, 10, 18), date(2023, 10, 17)]),
        ("Rockets hit the base on Oct. 20; the next day a drone was shot down.",
         [date(2023, 10, 20), date(2023, 10, 21)]),
        ("In July, a drone hit a car in Sinjar on the 8th of the month.", [date(2023, 7, 31), date(2023, 7, 8)]),
        ("Three days earlier rockets hit the base.", [date(2023, 10, 22)]),
        ("The strike came two days later.", []),
    ],
)
def test_dates_counted_from_an_earlier_date(text, expected):
    assert [d.date for d in find_dates(text, date(2023, 10, 25))] == expected


def test_word_precheck_keeps_case_insensitive_forms() -> None:
    """Rules skipped for lacking their words still match upper-case and non-ASCII case-folded forms."""
    assert [d.text for d in find_dates("Rockets hit the base YESTERDAY.", SAT)] == ["YESTERDAY"]
    assert [d.text for d in find_dates("Rockets hit the base thiſ morning.", SAT)] == ["thiſ morning"]
    assert find_dates("Rockets hit the base at dawn.", SAT) == []


def test_case_folded_letters_do_not_crash():
    """Case-insensitive matching accepts the long s; the resolver must too."""
    found = find_dates("Rockets hit the base two dayſ ago; ſix days later nothing.", date(2024, 1, 5))
    assert [d.date for d in found] == [date(2024, 1, 3)]


def _sample_sentences() -> list[str]:
    """Return every sentence of the embedded sample articles."""
    from dashboard import REPO_DIR
    from dashboard.articles import load_articles
    from dashboard.sentences import split_sentences

    articles = load_articles([REPO_DIR / "seeds", REPO_DIR / "data" / "articles"]).articles
    return [s.text for text in articles["text"] for s in split_sentences(text)]


def test_the_rule_hints_never_change_what_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import dates

    sentences = _sample_sentences() + ["Strikes on 2024-01-05 and on 7 JANUARY, then Sept. 3 and in mid-March 2023."]
    with_hints = [find_dates(s, date(2024, 3, 30)) for s in sentences]
    monkeypatch.setattr(dates, "_RULE_HINTS", {})
    assert [find_dates(s, date(2024, 3, 30)) for s in sentences] == with_hints
    assert any(with_hints)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("27/10 - Albu Kamal (Deir ez-Zor, Syria): two F-16s struck two depots.", [("27/10", date(2023, 10, 27), 1)]),
        ("14.03.2023 – Kirkuk: an IED hit a patrol.", [("14.03.2023", date(2023, 3, 14), 1)]),
        ("Since 9/11 the base has grown.", []),  # running text: a number pair is no log date
    ],
)
def test_an_incident_log_line_is_dated_day_first(text, expected):
    assert [(d.text, d.date, d.precision) for d in find_dates(text, date(2023, 10, 31))] == expected
