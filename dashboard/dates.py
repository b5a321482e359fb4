"""Find event-date expressions in news text and resolve them against the article's publication date."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

DAY, WEEK, MONTH = 1, 2, 3

_MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
_MONTH_ABBRS = ["Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"]
_WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _alternation(words: list[str]) -> str:
    """Return a regex alternation of words in Title and UPPER case, longest first (case-sensitive)."""
    forms = {w for word in words for w in (word, word.upper())}
    return "|".join(sorted(forms, key=len, reverse=True))


# Month names are matched case-sensitively ("May" the month, not "may" the verb); abbreviations
# may carry a period ("Nov.", "Sept.").
_MON = rf"(?P<mon>(?:{_alternation(_MONTH_NAMES)})\b|(?:{_alternation(_MONTH_ABBRS)})(?:\.|\b))"
_WD = rf"(?P<wd>{_alternation(_WEEKDAY_NAMES)})\b"
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "a few": 3,
}  # fmt: skip
_NUM = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))

_ISO = re.compile(r"\b(?P<y>\d{4})(?P<sep>[-/])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})\b")
# An incident log line: "27/10 - Albu Kamal: ...", "14.03.2025 – Kirkuk". Day first, as the region writes it;
# only at the start of a line with a dash or colon after it (so "9/11" or "24/7" in running text stay words).
_LOG_DAY = re.compile(
    r"(?m)^\s*(?P<d>\d{1,2})[/.](?P<m>\d{1,2})(?:[/.](?P<y>(?:19|20)?\d\d))?(?=\s*(?:-|–|—|:)\s)"
)
_MDY = re.compile(rf"\b{_MON}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{{4}})\b)?")
_DMY = re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON}(?:,?\s+(?P<y>\d{{4}})\b)?")
_MONTH_ONLY = re.compile(
    rf"\b(?:(?P<pre>(?i:in|during|since|last|early|late|mid))[\s-]+)?"
    rf"(?:(?P<part>(?i:early|late|mid))[\s-]+)?{_MON}(?:,?\s+(?P<y>\d{{4}})\b)?"
)
_REL_DAY = re.compile(
    r"(?i)\b(?P<rel>the day before yesterday|yesterday(?:\s+(?:morning|afternoon|evening))?|last night|overnight"
    r"|earlier today|later today|today|this (?:morning|afternoon|evening)|tonight)\b"
)
_REL_PERIOD = re.compile(
    r"(?i)\b(?P<rel>last week|earlier this week|this week|last month|earlier this month)\b"
)
_AGO = re.compile(rf"(?i)\b(?P<n>\d{{1,2}}|{_NUM})\s+(?P<unit>days?|weeks?|months?)\s+ago\b")
# "a day earlier", "two days later", "the next day": counted from the date told just before, if any.
_ANCHORED = re.compile(
    rf"(?i)\b(?:(?P<n>\d{{1,2}}|{_NUM})\s+(?P<unit>days?|weeks?|months?)\s+(?P<dir>earlier|later)"
    r"|the (?P<phrase>previous day|next day|following day|(?:day before|day after)(?!\s+(?:the|a|an|yesterday)\b)))\b"
)
_ORDINAL_HINT = re.compile(r"\d(?:st|nd|rd|th)\b")  # cheap test before the ordinal-day pattern
# "on the 8th of the month", "on the 8th": a day of the month named before it (or of the article's month).
_ORDINAL_DAY = re.compile(r"\b(?:on )?the (?P<d>\d{1,2})(?:st|nd|rd|th)\b(?: of the month)?")
_WEEKDAY = re.compile(
    rf"(?:\b(?P<mod>(?i:late|early|last|this past|past))\s+(?:(?i:on)\s+)?)?(?:\b(?i:on)\s+)?{_WD}"
    rf"(?:\s+(?P<tod>(?i:morning|afternoon|evening|night)))?\b"
)
# Fast path for patterns with optional leading words: find the core word, then look just before it.
_WEEKDAY_CORE = re.compile(rf"\b{_WD}")
_MONTH_CORE = re.compile(rf"\b{_MON}")
_LEADING_WORDS = re.compile(r"(?i)(?:\b(?:late|early|last|this|past|in|during|since|mid|on)[\s-]+)+$")
_FUTURE_BEFORE = re.compile(r"(?i)\b(?:next|coming|until|till|by|before)\s*$")
_LEADING_PREPOSITION = re.compile(r"(?i)^(?:on|in|during)\s+")


@dataclass(frozen=True)
class DateMention:
    """A date expression found in a text: its span, matched text, resolved date and precision."""

    start: int
    end: int
    text: str
    date: date
    precision: int  # 1 day, 2 week, 3 month


_MONTH_BY_PREFIX = {m[:3].lower(): i for i, m in enumerate(_MONTH_NAMES, start=1)}


def _month_number(name: str) -> int:
    """Return 1..12 for a month name or abbreviation ("Sept." -> 9)."""
    return _MONTH_BY_PREFIX[name.rstrip(".")[:3].lower()]


def _safe_date(year: int, month: int, day: int) -> date | None:
    """Return the date, or None when it does not exist (Feb 30)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _day_date(year: str | None, month: int, day: int, article_date: date | None) -> date | None:
    """Return a day-precision date; without a year, the latest such date not after the article date."""
    if year:
        found = _safe_date(int(year), month, day)
        if found is None or (article_date is not None and found > article_date):
            return None
        return found
    if article_date is None:
        return None
    for back in range(9):  # Feb 29 may need a few years back
        found = _safe_date(article_date.year - back, month, day)
        if found is not None and found <= article_date:
            return found
    return None


def _iso(m: re.Match[str], article_date: date | None) -> tuple[date, int] | None:
    """Resolve a year-first numeric date (2024-01-20, 2024/01/20)."""
    found = _day_date(m["y"], int(m["m"]), int(m["d"]), article_date) if 1 <= int(m["m"]) <= 12 else None
    return (found, DAY) if found else None


def _log_day(m: re.Match[str], article_date: date | None) -> tuple[date, int] | None:
    """Resolve a log line's day-first numeric date ("27/10 -", "14.03.2025 -")."""
    year = m["y"]
    if year and len(year) == 2:
        year = f"20{year}"
    found = _day_date(year, int(m["m"]), int(m["d"]), article_date) if 1 <= int(m["m"]) <= 12 else None
    return (found, DAY) if found else None


def _month_day(m: re.Match[str], article_date: date | None) -> tuple[date, int] | None:
    """Resolve "Nov 7, 2023", "7 November", "Nov. 17" and dateline forms."""
    found = _day_date(m["y"], _month_number(m["mon"]), int(m["d"]), article_date)
    return (found, DAY) if found else None


# Fixed-date holidays news uses as dates ("on Christmas Day"); movable feasts (Eid, Easter) are left alone.
_HOLIDAYS = {"christmas day": (12, 25), "christmas eve": (12, 24), "boxing day": (12, 26),
             "new year's day": (1, 1), "new year's eve": (12, 31)}
_HOLIDAY = re.compile(r"(?i)\b(?:on\s+)?(?P<h>Christmas Day|Christmas Eve|Boxing Day|New Year['\u2019]s (?:Day|Eve))\b")


def _holiday(m: re.Match[str], article_date: date | None) -> tuple[date, int] | None:
    """Resolve "on Christmas Day", "New Year's Eve" to the latest such day not after the article date."""
    month, day = _HOLIDAYS[m["h"].lower().replace("\u2019", "'")]
    found = _day_date(None, month, day, article_date)
    return (found, DAY) if found else None


def _month_only(m: re.Match[str], article_date: date | None) -> tuple[date, int] | None:
    """Resolve "in January", "in early January", "last January", "January 2024" to the month's last day."""
    if not (m["pre"] or m["part"] or m["y"]):
        return None  # a bare month name is too often something else ("May", "March")
    month = _month_number(m["mon"])
    if m["y"]:
        year = int(m["y"])
    elif article_date is None:
        return None
    else:
        year = article_date.year
        same_or_later = month >= article_date.month if (m["pre"] or "").lower() == "last" else False
        if month > article_date.month or same_or_later:
            year -= 1
    if article_date is not None and date(year, month, 1) > article_date:
        return None
    # Precision 3 reads "on or before": the month's last day (or the article's day, if sooner) bounds the event.
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return (min(last, article_date) if article_date else last), MONTH


def _relative_day(m: re.Match[str], article_date: date | None) -> tuple[date, int] | None:
    """Resolve yesterday / last night / today / tonight against the article date."""
    if article_date is None:
        return None
    rel = m["rel"].lower()
    previous_day = rel.startswith(("yesterday", "last night", "overnight"))
    back = 2 if rel.startswith("the day before") else 1 if previous_day else 0
    return article_date - timedelta(days=back), DAY


def _relative_period(m: re.Match[str], article_date: date | None) -> tuple[date, int] | None:
    """Resolve last week / this week / last month / earlier this month against the article date."""
    if article_date is None:
        return None
    rel = m["rel"].lower()
    if rel == "last week":
        return article_date - timedelta(days=7), WEEK
    if rel.endswith("this week"):
        return article_date, WEEK
    if rel == "last month":
        return article_date - timedelta(days=30), MONTH
    return article_date.replace(day=1), MONTH


def _ago(m: re.Match[str], article_date: date | None) -> tuple[date, int] | None:
    """Resolve "two days ago", "three days earlier", "a few weeks ago" against the article date."""
    if article_date is None:
        return None
    raw = m["n"].casefold()
    n = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
    unit = {"d": "day", "w": "week", "m": "month"}[m["unit"][0].lower()]  # "dayſ": case-folded forms too
    days, precision = {"day": (1, DAY), "week": (7, WEEK), "month": (30, MONTH)}[unit]
    if raw == "a few" and unit == "day":
        precision = WEEK
    return article_date - timedelta(days=n * days), precision


def _weekday(m: re.Match[str], article_date: date | None) -> tuple[date, int] | None:
    """Resolve "Saturday", "late on Monday", "last Friday": same weekday as the article = article date."""
    if article_date is None:
        return None
    back = (article_date.weekday() - _WEEKDAY_NAMES.index(m["wd"].title())) % 7
    if back == 0 and (m["mod"] or "").lower() == "last":
        back = 7
    return article_date - timedelta(days=back), DAY


Resolver = Callable[[re.Match[str], "date | None"], "tuple[date, int] | None"]
# (priority, pattern, core word pattern or None, resolver): at overlapping spans the lower priority wins.
_RULES: list[tuple[int, re.Pattern[str], re.Pattern[str] | None, Resolver]] = [
    (0, _ISO, None, _iso),
    (0, _LOG_DAY, None, _log_day),
    (1, _MDY, None, _month_day),
    (1, _DMY, None, _month_day),
    (1, _HOLIDAY, None, _holiday),
    (2, _REL_DAY, None, _relative_day),
    (2, _REL_PERIOD, None, _relative_period),
    (2, _AGO, None, _ago),
    (3, _WEEKDAY, _WEEKDAY_CORE, _weekday),
    (4, _MONTH_ONLY, _MONTH_CORE, _month_only),
]


def _iter_matches(text: str, pattern: re.Pattern[str], core: re.Pattern[str] | None) -> Iterator[re.Match[str]]:
    """Yield pattern matches; with a core pattern, only try starts just before each core word (faster)."""
    if core is None:
        yield from pattern.finditer(text)
        return
    last_end = 0
    for hit in core.finditer(text):
        if hit.start() < last_end:
            continue
        lead = _LEADING_WORDS.search(text, max(last_end, hit.start() - 30), hit.start())
        starts = [w.start() for w in re.finditer(r"\S+", lead.group(0))] if lead else []
        for start in [lead.start() + s for s in starts] if lead else []:
            found = pattern.match(text, start)
            if found and found.end() >= hit.end():
                break
        else:
            found = pattern.match(text, hit.start())
        if found:
            last_end = found.end()
            yield found


def _is_future_reference(text: str, start: int) -> bool:
    """Return True when the words just before start mark a future or deadline ("next Monday")."""
    return bool(_FUTURE_BEFORE.search(text[max(0, start - 20) : start]))


# Words (lower case) of which every match of a rule holds one: a rule is skipped when the text has none of them.
_RULE_WORDS: dict[re.Pattern[str], tuple[str, ...]] = {
    _REL_DAY: ("yesterday", "night", "today", "this"),
    _REL_PERIOD: ("week", "month"),
    _AGO: ("ago",),
    _WEEKDAY: ("day",),
    _ANCHORED: ("earlier", "later", "day"),
    _HOLIDAY: ("christmas", "boxing", "new year"),
}


# Case-sensitive patterns of which every match of a rule holds a match: a month name in Title or UPPER case
# begins with one of the twelve three-letter forms; day-month forms hold a digit; an ISO date a digit, a dash or
# slash, a digit.
_MONTH_HINT = re.compile("|".join(f"{m[:3]}|{m[:3].upper()}" for m in _MONTH_NAMES))
_DIGIT = re.compile(r"\d")
_RULE_HINTS: dict[re.Pattern[str], tuple[re.Pattern[str], ...]] = {
    _ISO: (re.compile(r"\d[-/]\d"),),
    _LOG_DAY: (re.compile(r"\d[/.]\d"),),
    _MDY: (_DIGIT, _MONTH_HINT),
    _DMY: (_DIGIT, _MONTH_HINT),
    _MONTH_ONLY: (_MONTH_HINT,),
}


def _hinted(pattern: re.Pattern[str], text: str, seen: dict[re.Pattern[str], bool]) -> bool:
    """Return False when the text lacks something every match of pattern holds (see _RULE_HINTS); seen
    remembers each hint's answer for this text."""
    for hint in _RULE_HINTS.get(pattern, ()):
        found = seen.get(hint)
        if found is None:
            found = seen[hint] = hint.search(text) is not None
        if not found:
            return False
    return True


def _may_match(pattern: re.Pattern[str], lowered: str | None) -> bool:
    """Return False when the lower-cased ASCII text has none of the words a match of pattern needs (a cheap
    pre-check; lowered is None for non-ASCII text, where case-insensitive matching knows more letter forms)."""
    words = _RULE_WORDS.get(pattern)
    return words is None or lowered is None or any(word in lowered for word in words)


def find_dates(text: str, article_date: date | None) -> list[DateMention]:
    """Return date mentions in text (sorted by start), each resolved to a date not after article_date."""
    candidates: list[tuple[int, int, int, DateMention]] = []
    lowered = text.lower() if text.isascii() else None
    seen: dict[re.Pattern[str], bool] = {}
    for priority, pattern, core, resolve in _RULES:
        if not _may_match(pattern, lowered) or not _hinted(pattern, text, seen):
            continue
        for m in _iter_matches(text, pattern, core):
            resolved = resolve(m, article_date)
            if resolved is None or (pattern is _WEEKDAY and _is_future_reference(text, m.start())):
                continue
            start, end = m.start(), m.end()
            lead = _LEADING_PREPOSITION.match(m.group(0))
            if lead:
                start += lead.end()
            mention = DateMention(start, end, text[start:end], resolved[0], resolved[1])
            candidates.append((priority, -(end - start), start, mention))
    taken: list[DateMention] = []
    for *_, mention in sorted(candidates, key=lambda c: c[:3]):
        if all(mention.end <= t.start or mention.start >= t.end for t in taken):
            taken.append(mention)
    taken = _anchored_dates(text, sorted(taken, key=lambda d: d.start), article_date)
    return _join_overnight(text, taken)


def _anchored_dates(text: str, dates: list[DateMention], article_date: date | None) -> list[DateMention]:
    """Return the dates plus those counted from an earlier one ("a day earlier", "on the 8th of the month")."""
    extra: list[DateMention] = []
    lowered = text.lower() if text.isascii() else None
    for m in _ANCHORED.finditer(text) if _may_match(_ANCHORED, lowered) else ():
        before = [d for d in dates if d.end <= m.start()]
        resolved = _from_anchor(m, before[-1] if before else None, article_date)
        if resolved is not None and (article_date is None or resolved.date <= article_date):
            extra.append(DateMention(m.start(), m.end(), m.group(0), resolved.date, resolved.precision))
    for m in _ORDINAL_DAY.finditer(text) if _ORDINAL_HINT.search(text) else ():
        months = [d for d in dates if d.end <= m.start() and d.precision == MONTH]
        anchor = months[-1].date if months else article_date
        day = _safe_date(anchor.year, anchor.month, int(m["d"])) if anchor else None
        if day is not None and (article_date is None or day <= article_date):
            extra.append(DateMention(m.start(), m.end(), m.group(0), day, DAY))
    extra = [e for e in extra if all(d.end <= e.start or d.start >= e.end for d in dates)]
    return sorted(dates + extra, key=lambda d: d.start)


def _from_anchor(m: re.Match[str], anchor: DateMention | None, article_date: date | None) -> DateMention | None:
    """Return the date an anchored expression names, counted from the anchor (or back from the article date)."""
    phrase = (m["phrase"] or "").lower()
    later = (m["dir"] or "").lower() == "later" or phrase in ("next day", "following day", "day after")
    if anchor is None or anchor.precision != DAY:
        if later or article_date is None:
            return None
        anchor = DateMention(0, 0, "", article_date, DAY)
    if phrase:
        days, precision = 1, DAY
    else:
        raw = m["n"].casefold()
        n = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
        unit = {"d": "day", "w": "week", "m": "month"}[m["unit"][0].lower()]
        step, precision = {"day": (1, DAY), "week": (7, WEEK), "month": (30, MONTH)}[unit]
        days = n * step
        if raw == "a few" and unit == "day":
            precision = WEEK
    moved = anchor.date + timedelta(days=days if later else -days)
    return DateMention(m.start(), m.end(), m.group(0), moved, precision)


_OVERNIGHT_JOIN = re.compile(
    r"(?i)^\s*(?:night|evening)?\s*(?:into|and early|to early)\s*(?:the\s+)?(?:early\s+(?:hours\s+of\s+)?)?$"
)


def _join_overnight(text: str, dates: list[DateMention]) -> list[DateMention]:
    """Return the dates with "Saturday night into Sunday" read as Sunday: the night's end is the event day."""
    out: list[DateMention] = []
    for mention in dates:
        if out and _OVERNIGHT_JOIN.match(text[out[-1].end : mention.start]) and mention.date >= out[-1].date:
            out[-1] = mention
        else:
            out.append(mention)
    return out


def resolve_event_date(dates: list[DateMention], article_date: date | None) -> tuple[date | None, int]:
    """Return (event date, precision): the most precise mention, else the article date at precision 3."""
    usable = [d for d in dates if article_date is None or d.date <= article_date]
    if not usable:
        return article_date, MONTH
    best = min(usable, key=lambda d: (d.precision, d.start))
    return best.date, best.precision
