"""Casualty figures stated in a sentence: fatalities and injured as numbers, 0 when stated as none."""

from __future__ import annotations

import re
from functools import lru_cache

from dashboard import lexicon as lx

CASUALTY_WORDS = lx.gated(re.compile(
    r"(?i)kill|dead|death|died|dies?\b|injur|wound|hurt|casualt|fatalit|lives|toll|slain|martyr|concuss|inhalation"
))
# "Sgt 1", "155 mm", "2020": numbers that are names, calibres or years, not head counts.
# "Tower 22", "K-1", "107mm", "2024" are names and years, not counts; "Roughly 14", "About 20" are counts.
_NUMBERED_NAME = lx.prefiltered(re.compile(
    r"\b(?!(?:Roughly|About|Around|Nearly|Some|Over|Only|Approximately|Almost|All|Another|Perhaps|Up)\b)"
    r"(?:[A-Z][a-z]+|[A-Z]{1,4}-?)\s?\d+\b|\b\d+\s?mm\b|\b\d{4}\b|"
    r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.\s?\d{1,2}\b"
))
_NEGATED_COUNT = re.compile(r"(?i)\b(?:no|not|none of the)\s*$")
_COUNT = (
    r"\d{1,4}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|"
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine)\b)?"
)
# "one of the three soldiers wounded": the count is the three; "one of the wounded is in serious condition"
# counts nobody.
_PARTITIVE = re.compile(rf"(?i)\b(?:{_COUNT}|some|most|several|many|all) of (?:the|those|them)\s+(?=(?:{_COUNT})\b)")
_OF_THE_VICTIMS = re.compile(
    rf"(?i)\b(?:{_COUNT}|some|most|several|many|all|none) of the (?:wounded|injured|dead|victims|casualties)\b"
)
# "the number of troops injured had risen to more than 40"
_TALLY = r"\b(?:number|count|tally) of (?:[\w-]+\s+){{0,6}}?(?:{what})\b[^.;]{{0,90}}?\b(?:to|at|reached|was|is)\s+"
_TALLY_KILLED = lx.gated(
    re.compile(_TALLY.format(what="killed|dead|deaths|fatalities") + lx._QUAL + lx._NUM + r"\b", re.I)
)
_TALLY_INJURED = lx.gated(
    re.compile(_TALLY.format(what="injured|wounded|hurt|injuries") + lx._QUAL + lx._NUM + r"\b", re.I)
)
# "a second Nujaba member was also killed": the ordinal is the running count.
_ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}
_ORDINAL_VICTIM = re.compile(
    r"\b(?:a|the)\s+(?P<ordinal>second|third|fourth|fifth|sixth)\s+(?:[\w'-]+\s+){0,4}?(?:was|were|had been|has been)"
    r"\s+(?:also\s+)?(?P<verb>killed|wounded|injured|hurt)\b",
    re.I,
)
# "killed commander Abu Baqir al-Saadi and two others", "was killed with a companion": one named person plus others.
_NAME = r"(?:(?:[A-Z][\w'-]+|al-[A-Z][\w'-]*|bin|ibn)\s+){1,4}?(?:[A-Z][\w'-]+|al-[\w'-]+)"
_ROLE = (
    r"(?:commander|leader|chief|head|official|officer|reporter|journalist|photographer|cameraman|activist|"
    r"member|fighter|soldier|spokesman|spokesperson|general|colonel|deputy|founder|adviser|advisor|aide)"
)
_NAMED_ONE = lx.gated(re.compile(
    rf"\b(?P<verb>killing|killed|assassinating|assassinated)\s+(?:(?:a|an|the|its|their|his|her)\s+)?"
    r"(?:[\w-]+'s\s+)?"
    rf"(?:(?:senior|top|prominent|veteran|local|[A-Z][\w'-]+|al-[A-Z][\w'-]*)\s+){{0,4}}{_ROLE}\s+{_NAME}"
    rf"|\b(?P<verb2>killing|killed|assassinating|assassinated)\s+{_NAME}"
    r"(?=\s*(?:[,;.]|$|\s(?:and|along|together|as well|with|in|on|at|near|when|while|after|as)\b))"
))
_PLUS_OTHERS = re.compile(
    rf"[^.;]{{0,140}}?\b(?:and|along with|together with|as well as|with)\s+(?P<n>{_COUNT})\s+(?:other\s+)?"
    r"(?:[A-Z][\w-]*\s+)?"
    r"(?:others|people|persons|companions?|bodyguards?|guards?|aides?|associates?|relatives?|colleagues?|"
    r"operatives?|fighters?|members?|militants?|commanders?|"
    r"of his (?:companions|bodyguards|guards|aides|associates|relatives))\b"
    r"(?!\s+(?:were|was)\s+(?:wounded|injured|hurt))",
    re.I,
)
# "killed Said Hassan Said, a senior commander, and his nephew": one named person and one relative.
_PLUS_RELATIVE = re.compile(
    r"[^.;]{0,80}?\band\s+(?:his|her|their)\s+(?:nephew|niece|son|daughter|brother|sister|cousin|driver|bodyguard|"
    r"guard|wife|husband|aide|companion|deputy|father|uncle)\b(?!\s+(?:were|was)\s+(?:wounded|injured|hurt))",
    re.I,
)
_KILLED_WITH = re.compile(
    rf"\b(?:was|had been)\s+killed\s+(?:along\s+|together\s+)?with\s+(?P<n>{_COUNT})\s+(?:other\s+)?"
    r"(?:companions?|bodyguards?|guards?|aides?|associates?|relatives?|colleagues?|others|people)\b",
    re.I,
)


# "Saadi and two companions were killed": a named person plus a count of others, as the subject.
_NAMED_AND_OTHERS = re.compile(
    rf"\b[A-Z][\w'-]+(?:\s(?:al-)?[A-Z][\w'-]+)?\s+and\s+(?P<n>{_COUNT})\s+(?:other\s+)?"
    r"(?:others|companions|bodyguards|guards|aides|associates|relatives|colleagues|comrades)\s+"
    r"(?:were|had been|have been)\s+killed\b"
)


# "wounded a US service member and other coalition members": a lower bound, not the figure.
_AND_OTHERS = re.compile(
    r"(?i)(?:(?!\b(?:kill|wound|injur|hurt|dead|died))[^,.;]){0,40}?\band (?:other|several|many|dozens|scores)\b"
)


def _number(text: str) -> int:
    """Return the integer a numeral or number word stands for."""
    text = text.lower()
    return int(text) if text.isdigit() else lx.NUMBER_WORDS.get(text, 0)


def blank_out(text: str, pattern: re.Pattern[str]) -> str:
    """Return the text with every match of the pattern replaced by spaces (offsets kept)."""
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def _max_count(patterns: list[re.Pattern[str]], text: str) -> int | None:
    """Return the largest count any of the patterns finds in the text, or None."""
    counts = [
        _number(m.group("num")) for p in patterns for m in p.finditer(text)
        if not _NEGATED_COUNT.search(text[max(0, m.start("num") - 12) : m.start("num")])
        and not _AND_OTHERS.match(text, m.end("num"))
    ]
    counts = [c for c in counts if 0 < c < 5000]
    return max(counts) if counts else None


def _bigger(current: int | None, count: int) -> int:
    """Return the larger of a stated figure (None counts as unstated) and a new count."""
    return max(current or 0, count)


def _named_counts(text: str) -> tuple[int | None, int | None]:
    """Return (fatalities, injured) counted from named victims, ordinals and 'with two companions'."""
    fatalities: int | None = None
    injured: int | None = None
    for listed in lx.LIST_PATTERN.finditer(text):
        count = _number(listed.group("a")) + (1 if listed.group("b") else _number(listed.group("b2")))
        if listed.group("verb").lower().startswith("kill"):
            fatalities = _bigger(fatalities, count)
        else:
            injured = _bigger(injured, count)
    for named in lx.NAMED_VICTIMS.finditer(text):
        count = len(lx.NAMED_VICTIM_TITLE.findall(named.group("list")))
        if named.group("verb").lower().startswith("kill"):
            fatalities = _bigger(fatalities, count)
        else:
            injured = _bigger(injured, count)
    for named in _NAMED_ONE.finditer(text):
        others = _PLUS_OTHERS.match(text, named.end())
        relative = _PLUS_RELATIVE.match(text, named.end()) if others is None else None
        fatalities = _bigger(fatalities, 1 + (_number(others.group("n")) if others else 1 if relative else 0))
    for named in _NAMED_AND_OTHERS.finditer(text):
        fatalities = _bigger(fatalities, 1 + _number(named.group("n")))
    for companion in _KILLED_WITH.finditer(text):
        fatalities = _bigger(fatalities, 1 + _number(companion.group("n")))
    for ordinal in _ORDINAL_VICTIM.finditer(text):
        count = _ORDINALS[ordinal.group("ordinal").lower()]
        if ordinal.group("verb").lower() == "killed":
            fatalities = _bigger(fatalities, count)
        else:
            injured = _bigger(injured, count)
    return fatalities, injured


def larger_stated(a: int | None, b: int | None) -> int | None:
    """Return the larger stated figure, None only when neither is stated."""
    return b if a is None else a if b is None else max(a, b)


@lru_cache(maxsize=4096)
def find_casualties(text: str) -> tuple[int | None, int | None]:
    """Return (fatalities, injured) stated in the text; None when not stated, 0 when stated as none."""
    if not CASUALTY_WORDS.search(text):
        return None, None
    if any(ch.isdigit() for ch in text):
        text = blank_out(text, _NUMBERED_NAME)
    if " of " in text:
        text = blank_out(blank_out(text, _OF_THE_VICTIMS), _PARTITIVE)
    fatalities = _max_count([*lx.KILLED_PATTERNS, _TALLY_KILLED], text)
    injured = _max_count([*lx.INJURED_PATTERNS, _TALLY_INJURED], text)
    named_fatalities, named_injured = _named_counts(text)
    fatalities, injured = larger_stated(fatalities, named_fatalities), larger_stated(injured, named_injured)
    for total in lx.SUM_PATTERN.finditer(text):
        count = _number(total.group("a")) + _number(total.group("b"))
        if total.group("what").lower() in ("killed", "dead"):
            fatalities = _bigger(fatalities, count)
        else:
            injured = _bigger(injured, count)
    if lx.NO_CASUALTIES.search(text):
        fatalities = 0 if fatalities is None else fatalities
        injured = 0 if injured is None else injured
    else:
        if lx.NO_INJURIES.search(text) and injured is None:
            injured = 0
            # "No one was hurt", "no injuries": nobody was harmed, so nobody died either (unless deaths are told).
            if fatalities is None and not lx.DEATH_WORD.search(text):
                fatalities = 0
        if lx.NO_DEATHS.search(text) and fatalities is None:
            fatalities = 0
    return fatalities, injured
