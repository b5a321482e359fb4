"""Word lists and compiled patterns that drive incident extraction (weapons, triggers, actors, casualties)."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import Any

# --- speed: a cheap first-character test in front of big alternations -----------------------------------
# This reads CPython's regex parser (re._parser, re._constants: 3.11 to 3.13). It is only an optimisation:
# when those internals are missing or change, prefiltered() returns each pattern unchanged.
_C: Any = getattr(re, "_constants", None)
_PARSER: Any = getattr(re, "_parser", None)
_ZERO_WIDTH = (_C.AT, _C.ASSERT, _C.ASSERT_NOT) if _C else ()
_CATEGORIES = {_C.CATEGORY_DIGIT: r"\d", _C.CATEGORY_SPACE: r"\s", _C.CATEGORY_WORD: r"\w"} if _C else {}


def _class_atoms(items: Any) -> set[str] | None:
    """Return the character-class atoms of a parsed [...] set, or None when it is negated or unusual."""
    atoms = set()
    for kind, value in items:
        if kind is _C.LITERAL:
            atoms.add(re.escape(chr(value)))
        elif kind is _C.RANGE:
            atoms.add(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
        elif kind is _C.CATEGORY and value in _CATEGORIES:
            atoms.add(_CATEGORIES[value])
        else:
            return None
    return atoms


def _first(items: Any) -> tuple[set[str], bool] | None:
    """Return (class atoms a match of the parsed sequence can start with, whether it can be empty), or None."""
    atoms: set[str] = set()
    for op, arg in items:
        if op in _ZERO_WIDTH:
            continue
        if op is _C.LITERAL:
            return atoms | {re.escape(chr(arg))}, False
        if op is _C.IN:
            found = _class_atoms(arg)
            return (None if found is None else (atoms | found, False))
        if op is _C.SUBPATTERN:
            found = _first(arg[-1])
        elif op is _C.BRANCH:
            found = _union([_first(branch) for branch in arg[1]])
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT):
            found = _first(arg[2])
            found = found and (found[0], found[1] or arg[0] == 0)
        else:
            return None
        if found is None:
            return None
        atoms |= found[0]
        if not found[1]:
            return atoms, False
    return atoms, True


def _union(parts: list[tuple[set[str], bool] | None]) -> tuple[set[str], bool] | None:
    """Return the union of the first-character atoms of alternatives, or None when one is unknown."""
    if any(part is None for part in parts):
        return None
    return set().union(*(part[0] for part in parts)), any(part[1] for part in parts)


MAX_STEMS = 40  # more words than this and the substring test costs about what the regex does


def _better(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    """Return the more selective of two sets of required words: the longer shortest word, then fewer words."""
    if a is None or b is None:
        return a if b is None else b
    def rank(words: set[str]) -> tuple[bool, int, int]:
        return len(words) <= MAX_STEMS, min(map(len, words)), -len(words)

    return a if rank(a) >= rank(b) else b


def _prefixes(items: Any) -> set[str] | None:
    """Return literal strings one of which every match of the parsed sequence begins with, or None when unknown
    (or when a part matches without regard to case: the strings are then not the only forms)."""
    items = list(items)
    run = ""
    for i, (op, arg) in enumerate(items):
        if op in _ZERO_WIDTH and not run:
            continue
        if op is _C.LITERAL and arg < 128:
            run += chr(arg)
            continue
        if run:  # "S(?:DF|yrian)": the run joined to each word that follows it, when those are known
            following = _prefixes(items[i:]) if op in (_C.BRANCH, _C.SUBPATTERN) else None
            return {run + word for word in following} if following else {run}
        if op is _C.SUBPATTERN:
            return None if arg[1] & re.IGNORECASE else _prefixes(arg[-1])
        if op is _C.BRANCH:
            parts = [_prefixes(branch) for branch in arg[1]]
            return None if any(part is None for part in parts) else set().union(*parts)  # type: ignore[arg-type]
        if op in (_C.MAX_REPEAT, _C.MIN_REPEAT):  # "(?:Harakat )?al-Nujaba": the optional part, or what follows
            body = _prefixes(arg[2])
            rest = body if arg[0] >= 1 else _prefixes(items[i + 1 :])
            return None if body is None or rest is None else body | rest
        return None
    return {run} if run else None


def _required(items: Any) -> set[str] | None:
    """Return literal strings one of which every match of the parsed sequence holds, or None when unknown.

    Every part of a sequence must match, so any part's requirement is the sequence's (the most selective is
    kept); an alternation requires one of its branches' requirements, and a short literal run before it joins
    each branch's first word (the parser writes "SDF|Syrian" as "S(?:DF|yrian)"); optional parts and lookarounds
    require nothing. Only ASCII strings are used.
    """
    best: set[str] | None = None
    run = ""
    for op, arg in [*items, (None, None)]:
        if op is _C.LITERAL and arg < 128:
            run += chr(arg)
            continue
        if op is _C.BRANCH:
            parts = [_required(branch) for branch in arg[1]]
            if all(part is not None for part in parts):
                best = _better(best, set().union(*parts))  # type: ignore[arg-type]
            heads = [_prefixes(branch) for branch in arg[1]] if 0 < len(run) < 3 else []
            if heads and all(head is not None for head in heads):
                best = _better(best, {run + head for head in set().union(*heads)})  # type: ignore[arg-type]
        if run:
            best, run = _better(best, {run}), ""
        if op is _C.SUBPATTERN:
            best = _better(best, _required(arg[-1]))
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and arg[0] >= 1:
            best = _better(best, _required(arg[2]))
    return best


class GatedPattern:
    """A compiled pattern behind a substring test: every match holds one of its stems (literal words read from
    the pattern), so lower-cased ASCII text holding none of them cannot match and the regex is not run.

    Same results as the pattern, several times faster on the many sentences that hold none of the words.
    Anchored calls (match, fullmatch) are cheap already and go straight to the pattern.
    """

    __slots__ = ("regex", "stems", "pattern", "flags", "groups", "groupindex")

    def __init__(self, regex: re.Pattern[str], stems: tuple[str, ...]) -> None:
        self.regex, self.stems = regex, stems
        self.pattern, self.flags = regex.pattern, regex.flags
        self.groups, self.groupindex = regex.groups, regex.groupindex

    def _may_match(self, text: str) -> bool:
        """Return False when the text cannot match (ASCII, none of the stems); other scripts always may."""
        if not text.isascii():
            return True  # case-insensitive matching knows letter forms str.lower() does not fold
        lowered = text.lower()
        for stem in self.stems:  # noqa: SIM110 (a plain loop: about twice as fast as any() over a generator)
            if stem in lowered:
                return True
        return False

    def search(self, text: str, *bounds: int) -> re.Match[str] | None:
        """Return the pattern's first match in text (or text[pos:endpos]), or None."""
        return self.regex.search(text, *bounds) if self._may_match(text) else None

    def finditer(self, text: str, *bounds: int) -> Iterator[re.Match[str]]:
        """Return an iterator over the pattern's matches in text."""
        return self.regex.finditer(text, *bounds) if self._may_match(text) else iter(())

    def findall(self, text: str, *bounds: int) -> list[Any]:
        """Return the pattern's findall() over text."""
        return self.regex.findall(text, *bounds) if self._may_match(text) else []

    def sub(self, repl: Any, text: str, count: int = 0) -> str:
        """Return text with the pattern's matches replaced."""
        return self.regex.sub(repl, text, count) if self._may_match(text) else text

    def match(self, text: str, *bounds: int) -> re.Match[str] | None:
        """Return the pattern's match at the start of text (or at pos), or None."""
        return self.regex.match(text, *bounds)

    def fullmatch(self, text: str, *bounds: int) -> re.Match[str] | None:
        """Return the pattern's match of the whole text, or None."""
        return self.regex.fullmatch(text, *bounds)


class AnchoredPattern(GatedPattern):
    """A case-sensitive pattern whose every match begins with one of a few literal words: a literal search (which
    the regex engine runs as a fast scan for their first letters) finds where such a word starts, and the pattern
    is tried only there. Same matches as the pattern's own scan, which tries every position of the text."""

    __slots__ = ("starts",)

    def __init__(self, regex: re.Pattern[str], words: set[str]) -> None:
        super().__init__(regex, ())
        heads: dict[str, set[str]] = {}
        for word in words:  # the first four letters are enough to find a start: "I(?:sla|ran)|K(?:ata)|..."
            heads.setdefault(word[0], set()).add(word[1:4])
        self.starts = re.compile("|".join(
            re.escape(first) + ("" if "" in rest else f"(?:{'|'.join(sorted(map(re.escape, rest)))})")
            for first, rest in sorted(heads.items())
        ))

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        """Return an iterator over the pattern's matches in text (the matches finditer would give)."""
        find, match = self.starts.search, self.regex.match
        while True:
            hit = find(text, pos, endpos)
            if hit is None:
                return
            found = match(text, hit.start(), endpos)
            if found is None:
                pos = hit.start() + 1
                continue
            yield found
            pos = found.end() if found.end() > found.start() else found.end() + 1

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        """Return the pattern's first match in text[pos:endpos], or None."""
        return next(self.finditer(text, pos, endpos), None)

    def findall(self, text: str, *bounds: int) -> list[Any]:
        """Return the pattern's findall() over text."""
        return self.regex.findall(text, *bounds)

    def sub(self, repl: Any, text: str, count: int = 0) -> str:
        """Return text with the pattern's matches replaced (repl: a string template or a function of the match)."""
        parts, last = [], 0
        for n, found in enumerate(self.finditer(text), start=1):
            parts += [text[last : found.start()], repl(found) if callable(repl) else found.expand(repl)]
            last = found.end()
            if n == count:
                break
        return "".join([*parts, text[last:]]) if parts else text


def gated(pattern: re.Pattern[str], min_stem: int = 3, max_stems: int = MAX_STEMS) -> Any:
    """Return the pattern behind a test for the words its matches hold (a GatedPattern), or unchanged when no
    such words are known, or they are too short or too many for the test to pay."""
    if _C is None or _PARSER is None:
        return pattern
    try:
        found = _required(_PARSER.parse(pattern.pattern, pattern.flags))
    except (AttributeError, TypeError, ValueError, re.error):
        return pattern
    if not found or min(map(len, found)) < min_stem or len(found) > max_stems:
        return pattern
    lowered = {stem.lower() for stem in found}
    return GatedPattern(pattern, tuple(sorted(s for s in lowered if not any(t != s and t in s for t in lowered))))


def anchored(pattern: re.Pattern[str], max_words: int = 150) -> Any:
    """Return a case-sensitive pattern as an AnchoredPattern when every match begins with one of at most
    max_words literal words (a lone letter only in capitals), else None."""
    if _C is None or _PARSER is None or pattern.flags & re.IGNORECASE:
        return None
    try:
        words = _prefixes(_PARSER.parse(pattern.pattern, pattern.flags))
    except (AttributeError, TypeError, ValueError, re.error):
        return None
    if not words or len(words) > max_words or any(len(w) < 2 and not w.isupper() for w in words):
        return None
    return AnchoredPattern(pattern, words)


def prefiltered(pattern: re.Pattern[str]) -> Any:
    """Return the pattern sped up, same matches: tried only where its first words start (see anchored), or
    behind a lookahead for the characters its matches can start with and a test for the words they hold
    where those are known (see gated)."""
    fast = anchored(pattern)
    if fast is not None:
        return fast
    if _C is None or _PARSER is None or re.match(r"\(\?[aiLmsux]+\)", pattern.pattern):
        return gated(pattern)  # no parser to read, or inline global flags that must stay first
    try:
        found = _first(_PARSER.parse(pattern.pattern, pattern.flags))
    except (AttributeError, TypeError, ValueError, re.error):
        return pattern
    if found is None or found[1] or not found[0]:
        return gated(pattern)
    return gated(re.compile(f"(?=[{''.join(sorted(found[0]))}])(?:{pattern.pattern})", pattern.flags))


# --- weapons: (weapon, pattern); the first pattern found in a clause wins, most specific first ------------
WEAPON_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "ballistic missile",
        re.compile(r"\b(?:ballistic|cruise|surface-to-surface|close-range)\s+missiles?\b|\bmissiles?\b", re.I),
    ),
    (
        "drone",
        re.compile(
            r"\b(?:drones?|UAVs?|unmanned aerial (?:vehicles?|systems?|aircraft)|one-way attack|"
            r"kamikaze|loitering munitions?|quadcopters?|suicide drones?)\b",
            re.I,
        ),
    ),
    # A rocket-propelled grenade is a fighter's weapon in a ground attack (ACLED: armed clash), not a rocket salvo.
    ("rocket", re.compile(r"\b(?:rockets?(?!-propelled)|katyushas?|grad|107\s?mm|122\s?mm)\b", re.I)),
    ("mortar", re.compile(r"\bmortars?(?: rounds?| shells?| bombs?)?\b", re.I)),
    (
        "IED",
        re.compile(
            r"\b(?:IEDs?|improvised explosive devices?|roadside (?:bombs?|blasts?|explosions?|devices?)|"
            r"explosive devices?|devices? (?=exploded|went off|detonated|blew up)|car bombs?|"
            r"VBIEDs?|booby[- ]trap(?:ped)?|landmines?|sticky bombs?)\b",
            re.I,
        ),
    ),
    (
        "airstrike",
        re.compile(
            r"\b(?:air ?strikes?|air raids?|warplanes?|fighter jets?|jets|bombers?|B-1B?s?|F-(?:15|16|35)s?|"
            r"aircraft|helicopters?|gunships?|AC-130|precision strikes?|bombing raids?)\b",
            re.I,
        ),
    ),
    (
        "gunfire",
        re.compile(
            r"\b(?:gunmen|gunfire|opened fire|small[- ]arms|sniper|shooting|shot dead|firefights?|clash(?:es|ed)?|"
            r"gun ?battles?|street battles?|fought|machine[- ]guns?|rifles?|ambush(?:ed)?|"
            r"rocket-propelled grenades?|RPGs?)\b",
            re.I,
        ),
    ),
]

# Drone used by a state air force against a target on the ground is still an air/drone strike.
SUB_EVENT_BY_WEAPON: dict[str, tuple[str, str]] = {
    "drone": ("Explosions/Remote violence", "Air/drone strike"),
    "airstrike": ("Explosions/Remote violence", "Air/drone strike"),
    "rocket": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "mortar": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "ballistic missile": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "IED": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "gunfire": ("Battles", "Armed clash"),
    "unknown": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
}

# --- the event happened: attack verbs and nouns ----------------------------------------------------------
TRIGGER = prefiltered(re.compile(
    r"\b(?:attack(?:s|ed|ing)?|assault(?:s|ed)?|(?:air-?)?strikes?|struck|striking|(?-i:hit(?:s|ting)?|HIT(?:S|TING)?)|"
    r"targeted|targeting|salvos?|barrages?|volleys?|incinerat(?:ed|ing)|obliterat(?:ed|ing)|"
    r"(?<=[a-z] )(?:fires?|launch(?:es)?|shells|pounds)(?= (?:[\w-]+ ){0,5}?(?:rockets?|missiles?|drones?|mortars?|"
    r"shells))|"
    r"launched|fired|firing|fell(?=\s+(?:inside|on|near|close|short|within|outside|in(?:to)? (?:the|an?) ))|landed|"
    r"shell(?:ed|ing)|bomb(?:ed|ing|ardment|ardments)|shot down|brought down|intercept(?:ed|ion|s)?|downed|destroyed|"
    r"(?<=[a-z] )lands? (?=on|in|inside|near)|"
    r"explo(?:ded|ding|sion|sions|sive)|blasts?|impact(?:ed|s)?|(?<!the )(?<!The )(?:killed|wounded|injured)|killing|"
    r"wounding|injuring|injuries|"
    r"raid(?:s|ed)?|ambush(?:ed)?|detonat(?:ed|ion)|came under (?:fire|attack)|rained|slammed|crashed|"
    r"clash(?:ed|es)|fought (?:(?:street |fierce |heavy |pitched )?battles?|each other|for control)|firefights?|"
    r"shot dead|shot and killed|gunned down|pound(?:ed|ing)|ablaze|went up in flames|"
    r"(?:gun|street|fierce) ?battles?|stormed|"
    r"went off|blew up|"
    r"(?:sent|flew|flown|aimed|directed|lobbed)\s+(?:\w+\s+)?(?:towards?|at|into))\b",
    re.I,
))

# Words that show an attack was threatened, planned, hypothetical or denied rather than reported.
IRREALIS = prefiltered(re.compile(
    r"\b(?:threat(?:en(?:s|ed|ing)?)?\s+(?:to|of)|vow(?:s|ed)?\s+to|warn(?:s|ed|ing)?\s+(?:of|that|it)|"
    r"hint(?:s|ed|ing)?\s+at|could|would|might|may|plan(?:s|ned|ning)?\s+to|intend(?:s|ed)?\s+to|"
    r"prepar(?:ing|ed)\s+to|ready to|if|unless|potential|possible|risk of|fears? of|deterr(?:ent|ence)|"
    r"aim(?:s|ed)?\s+to|seeks? to|sought to|calls? for|pledg(?:es|ed)\s+to|promis(?:es|ed)\s+to|"
    r"respond(?:ing)? to|reserv\w+ the right|protect\w*\b[^.;]{0,40}\bfrom|"
    r"(?:for|of|against|from|stop|avoid|accused of|responsible for)\s+(?!(?:them|those|these|which|whom)\b)"
    r"(?:\w+\s+)?(?=\w+ing\b)|"  # "accused of launching", not "one of them exploding"
    r"(?:pause|halt|suspen\w+|stop|end|cessation|resum\w+|wave|campaign|string|spate)\s+(?:in|of|to)?\s*"
    r"(?:their|its|the|such)?\s*(?=(?:\w+\s+)?(?:attacks?|strikes?|operations?)\b))\b",  # not "Mayadin"
    re.I,
))
# Counted or habitual mentions: many attacks summarised, not one incident.
HABITUAL = prefiltered(re.compile(
    r"\b(?:since\s+(?:mid-|late\s+|early\s+)?(?:(?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december)(?!\s+\d)|the start|the beginning|then|\d{4})|"
    r"more than \d+ (?:attacks|times)|"
    r"(?:dozens|scores|hundreds) of (?:attacks|times|strikes)|\d{2,} (?:attacks|strikes)|"
    r"numerous attacks|repeated(?:ly)?|regular(?:ly)?|frequent(?:ly)?|routinely|often|each time|"
    r"periodically|sporadically|intermittently|from time to time|"
    r"at least \d{2,} (?:attacks|times)|\d+ times|continu(?:e|es|ed|ing) to|kept|keeps|almost daily|every day|"
    r"in the past|(?:previous|prior|past|earlier)\s+(?:US\s+|American\s+)?(?:strikes|attacks|retaliation|rounds)|"
    r"(?:has|have) (?:also |repeatedly |often |previously |long )?(?:been )?(?:a )?"
    r"(?:targets?|targeted|attacked|hit|struck|shelled|shot down|intercepted|downed|launched|fired|carried out|"
    r"claimed)|(?:has|have) become|(?:has|have) (?:intensified|stepped up|escalated|expanded)|"
    r"(?:a|the|last|past)\s+(?:few\s+)?(?:weeks?|months?|year) (?:in which|when|during which)|"
    r"(?:the )?latest (?:in|of) (?:a (?:series|string|wave|spate) of|more than|over|dozens|scores|hundreds)|"
    r"this (?:summer|spring|winter|autumn|year)|since\s+(?:the\s+)?(?:start|beginning|outbreak|\w+ \d{4})|"
    r"near-daily|nearly daily|near daily|on a daily basis|for (?:several |many |a few )?(?:days|weeks|months) now|"
    r"(?:has|have) (?:also )?been (?:shelling|striking|bombing|firing|attacking|targeting|pounding)[^.;]{0,80}?"
    r"\bfor (?:several |many |a few |two |three )?(?:days|weeks|months))\b",
    re.I,
))
NEGATED = prefiltered(re.compile(
    r"\b(?:no (?:attack|strike)s?\s+(?:has|have|had|was|were)|(?:has|have|had) not been (?:attacked|hit|targeted)|"
    r"denied (?:any )?(?:involvement|responsibility|carrying out)|"
    r"(?:was|were|had|has|have) not (?:been )?(?:hit|struck|attacked|targeted|damaged|claimed)|"
    r"(?:been|was|were|is|are) no (?:attacks?|strikes?|impacts?|damage) (?:on|at|to|in))\b",
    re.I,
))
# Clause openers after which places are context (a cause, a comparison, a reaction).
CONTEXT_CLAUSE = prefiltered(re.compile(
    r"\b(?:in (?:retaliation|response|revenge) (?:for|to)|as (?:a )?(?:retaliation|response|revenge) (?:for|to)|"
    r"(?:its|a|the|their|his|her) (?:[\w-]+ )?(?:response|retaliation|answer|reply) (?:to|for)|retaliation for|"
    r"amid|in solidarity with|in support of|support (?:for|to)|backing (?:for|of)|over (?:the )?(?:war|conflict) in|"
    r"in protest (?:at|against|over)|to avenge|because of|due to|came (?:after|as|days|hours|a day|a week)|"
    r"since (?:the|a|an|its|their|his|her)\b|"
    r"(?:hours|days|weeks|months|a day|a week|a month|two days|two weeks) (?:after|before) (?:the|a|an|its|their)\b|"
    r"(?<=, )after (?:a|an|the|its|their)\b|"
    r"(?:\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten) (?:days?|weeks?) (?:after|before)\b|"
    r"comes (?:after|as|amid)|following (?:the|a|an|its|their|his|her|last|weeks|days|months)\b)",
    re.I,
))

# --- where: cues that the place is only near the event --------------------------------------------------
NEAR_BEFORE = re.compile(
    r"(?:\bnear|\bnearby|\boutside|\baround|\bclose to|\bvicinity of|\bon the outskirts of|\boutskirts of|"
    r"\bkm (?:north|south|east|west|from)[a-z -]*|\bkilometers? (?:north|south|east|west|from)[a-z -]*|"
    r"\bkilometres? (?:north|south|east|west|from)[a-z -]*|\bmiles? (?:north|south|east|west|from)[a-z -]*|"
    r"\b(?:north|south|east|west|northeast|northwest|southeast|southwest|north-east|north-west|"
    r"south-east|south-west)(?:ern)? of|\bperiphery of|\bapproach(?:es)? to|\broad to|\bborder with)"
    r"(?:\s+the)?\s*$",
    re.I,
)
FROM_BEFORE = re.compile(r"\b(?:from|towards?|to|into)(?:\s+the)?\s*$", re.I)
# Capitals that stand for their governments when followed by a speech or policy verb.
METONYMY_AFTER = re.compile(
    r"^\s*(?:'s\s+(?:government|position|stance|response|decision|envoy|officials?|leaders?|allies|proxies|"
    r"military|army|forces|troops|air force|foreign|defen[cs]e|prime|president)|"
    r"(?:has |have |had |would |will )?(?:said|says|blamed|accused|warned|urged|condemned|denied|insisted|demanded|"
    r"asked|wants|announced|responded|rejected|vowed|pledged|signalled|signaled|agreed|confirmed|hit|struck|"
    r"launched|carried out|retaliated|bombed|targeted|attacked|killed|showed|sent|backs|backed|supports)|"
    r"(?:war|conflict|crisis|truce|ceasefire|talks|government|authorities|officials|leaders|ministry|"
    r"administration|envoy|delegation|policy|file|time|accord|agreement|process|summit|meeting)\b)\b",
    re.I,
)
# Honorifics and ranks: the capitalised words after them are a person's name, not a place.
PERSON_NAME = prefiltered(re.compile(
    r"\b(?:Sgt|Spc|Pfc|Pvt|Cpl|Gen|Lt|Maj|Col|Capt|Adm|Brig|Mr|Mrs|Ms|Dr|Ayatollah|Sayyed|"
    r"President|Prime Minister|Minister|Secretary|Spokesman|spokesman|spokeswoman|Commander|commander|Senator|"
    r"Sen|Rep|General|Colonel|Major|Sergeant|Specialist|Ambassador|Governor)\.?"
    r"(?:\s+(?:Gen|Col|Cmdr)\.?)?((?:\s+(?:al-|el-|bin |ibn |abu |Abu )?[A-Z][\w'’-]+){1,4})"
))
ORIGIN_AFTER = re.compile(r"^\s*(?:-|–)?\s*(?:based|backed|aligned|allied|linked)\b", re.I)

# --- who: named actors (masked before place detection so "Islamic Resistance in Iraq" is no place) ------
ACTORS: list[tuple[str, str]] = [
    ("Islamic Resistance in Iraq", r"Islamic Resistance (?:in|of) Iraq"),
    ("Kataib Hezbollah", r"Kata'?ib Hez?b[ou]llah|Kataib Hizbullah|Hezbollah Brigades"),
    ("Harakat al-Nujaba", r"(?:Harakat |Harakat Hezbollah )?al-Nujaba|Nujaba movement"),
    ("Kataib Sayyid al-Shuhada", r"Kata'?ib Sayyid al-Shuhada"),
    ("Asaib Ahl al-Haq", r"Asa'?ib Ahl al-Haq"),
    ("Saraya Awliya al-Dam", r"Saraya Awliya al-Dam"),
    ("Popular Mobilization Forces", r"Popular Mobili[sz]ation (?:Forces|Units|Committee)|PMF|PMU|Hashd al-Shaabi"),
    ("IRGC", r"Islamic Revolutionary Guard(?:s)? Corps|Revolutionary Guards?|IRGC(?:-QF)?|Quds Force"),
    ("Islamic State", r"Islamic State(?: group)?|ISIS|ISIL|Daesh"),
    ("Hezbollah", r"(?<!Kataib )(?<!Kata'ib )Hezbollah"),
    ("Houthis", r"Houthis?|Ansar Allah"),
    ("Hamas", r"Hamas"),
    ("Syrian Democratic Forces", r"Syrian Democratic Forces|SDF"),
    ("PKK", r"Kurdistan Workers'? Party|PKK"),
    ("Iran-backed militias", r"Iran(?:ian)?[- ](?:backed|aligned|allied|linked|affiliated|sponsored) (?:[a-z]+ )?"
     r"(?:militants|militias?|groups?|factions?|fighters|forces|proxies)"),
    ("US forces", r"(?:U\.?S\.?|US|American|United States)(?:-led)? (?:[A-Z]+-\d+[A-Z]?s? )?(?:fighter )?"
     r"(?:forces|military|troops|warplanes|aircraft|jets|bombers|drones?|Central Command|Air Force|Army)"
     r"(?! (?:outposts?|bases?|installations?|facilit(?:y|ies)|compounds?|sites?|garrisons?|camps?|positions?|"
     r"convoys?|personnel|advisers|advisors|contractors?|presence))|"
     r"CENTCOM|Central Command|Pentagon|B-1B?s?|B-52s?|AC-130s?|MQ-9s?|F-15Es?|A-10s?|"
     r"(?:United States|Washington)(?= (?:has |had |then |later )?(?:carried out|launched|struck|conducted|hit|"
     r"bombed))"),
    ("Israel", r"Israeli (?:military|forces|army|air force|warplanes|jets|drones?)|IDF|"
     r"Israel(?= (?:has |had |then |later )?(?:carried out|launched|struck|conducted|hit|bombed|fired))"),
    ("Turkey", r"Turkish (?:military|forces|army|air force|warplanes|jets|drones?)|"
     r"Turkey(?= (?:has |had |then |later )?(?:carried out|launched|struck|conducted|hit|bombed|fired))"),
    ("Iran", r"Iranian (?:military|forces|missiles?|drones?)|"
     r"Iran(?= (?:has |had |then |later )?(?:carried out|launched|struck|conducted|hit|bombed|fired|fires|launches))"),
    ("Iraqi security forces", r"Iraqi (?:security )?forces|Iraqi army|Counter-Terrorism Service"),
    ("Jordan", r"Jordan'?s (?:air force|army|military)|Royal Jordanian Air Force|"
     r"Jordanian (?:military|forces|army|air force|warplanes|jets|aircraft|drones?)"),
    ("Russia", r"Russian (?:military|forces|air force|warplanes|jets|aircraft|bombers)|Russia'?s air force"),
    ("Syrian government forces", r"Syrian (?:government|regime) (?:forces|troops|warplanes|aircraft)|Syrian army|"
     r"Syrian Arab Army"),
]
ACTOR_PATTERNS: list[tuple[str, re.Pattern[str]]] = [(name, re.compile(rf"\b(?:{p})\b")) for name, p in ACTORS]
# Spans that contain a place name but are not places (offices, organisations, groups).
NON_PLACE_NAMES = prefiltered(re.compile(
    r"\b(?:Islamic Resistance (?:in|of) Iraq|Islamic State (?:in|of) Iraq(?: and (?:Syria|the Levant))?|"
    r"Syrian Democratic Forces|Syrian Observatory for Human Rights|Kurdistan Workers'? Party|"
    r"Kurdistan Regional Government|Kurdistan Democratic Party|Patriotic Union of Kurdistan|"
    r"Iraqi Kurdistan Region'?s? government|(?:US|U\.S\.|American) (?:State|Defense) Department|"
    r"Department of (?:State|Defense)|Iraq'?s? Joint Operations Command|Joint Operations Command|"
    r"Islamic Republic(?: of Iran)?|Washington Post|New York Times|Wall Street Journal|Jerusalem Post|"
    r"Tehran Times|Baghdad Today|Kurdistan 24|Rudaw|Al Jazeera|Al Arabiya|Reuters|Associated Press|"
    r"[A-Z][\w'-]+(?: [A-Z][\w'-]+)? (?:Resistance|Protection|Defen[cs]e) Units|"  # "Sinjar Resistance Units"
    r"[A-Z][\w'-]+(?: [A-Z][\w'-]+)? Military Council)\b"
))
CLAIM = prefiltered(re.compile(
    r"\b(?:claim(?:ed|s|ing)?(?: of)? responsibility|claimed|claims|took responsibility|"
    r"said (?:it|they) (?:had )?(?:targeted|attacked|struck|launched|carried out)|announced (?:it|they) had)\b",
    re.I,
))

# --- who was hit ----------------------------------------------------------------------------------------
TARGETS: list[tuple[str, re.Pattern[str]]] = [
    (name, prefiltered(re.compile(rf"\b(?:{p})\b", re.I)))
    for name, p in [
        ("US forces", r"(?:U\.?S\.?|US|American) (?:forces|troops|personnel|service ?members|soldiers|"
         r"military personnel|interests|advisers|advisors)"),
        ("coalition forces", r"(?:international |US-led |anti-ISIS |anti-jihadist )?coalition(?: forces| troops|"
         r" advisers| advisors| personnel)?"),
        ("US embassy", r"(?:U\.?S\.?|US|American) embassy"),
        ("Kataib Hezbollah", r"Kata'?ib Hez?b[ou]llah"),
        ("Popular Mobilization Forces", r"Popular Mobili[sz]ation Forces|PMF|Hashd"),
        ("IRGC and affiliated groups", r"IRGC|Revolutionary Guards?|Quds Force"),
        ("Syrian Democratic Forces", r"Syrian Democratic Forces|SDF"),
        ("Iraqi security forces", r"Iraqi (?:security )?forces|Iraqi soldiers?|Iraqi army"),
        ("civilians", r"civilians?|residents?|homes?|houses?|village(?:rs)?"),
        ("militants", r"militants?|militia(?:s|men)?|fighters?"),
    ]
]

OUTCOME_INTERCEPTED = prefiltered(re.compile(
    r"\b(?:intercept(?:ed|ion|s)?|shot down|downed|brought down|thwarted|foiled|destroyed (?:in (?:the )?air|"
    r"mid-?air|before)|neutrali[sz]ed|engaged by air defen[cs]es|failed to reach|crashed (?:short|outside)|"
    r"(?:drones?|UAVs?|missiles?|rockets?|projectiles?)(?: \w+)? (?:was |were )?destroyed)\b",
    re.I,
))
OUTCOME_IMPACT = prefiltered(re.compile(
    r"\b(?:hit|struck|landed|land(?:ed|ing)? (?:inside|in|on)|impact(?:ed)?|fell (?:inside|in|on|near)|"
    r"exploded|damag(?:e|ed|ing)|killed|killing|wounded|wounding|injured|injuring|injuries|"
    r"casualt(?:y|ies)|fire broke out|set (?:fire|ablaze)|caused)\b",
    re.I,
))

# --- casualties -----------------------------------------------------------------------------------------
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a dozen": 12, "dozen": 12,
    "a couple of": 2, "a pair of": 2, "both": 2,
}
# "twenty-four", "thirty one": tens and units written out.
NUMBER_WORDS.update({
    f"{tens}{joiner}{unit}": NUMBER_WORDS[tens] + NUMBER_WORDS[unit]
    for tens in ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
    for unit in ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    for joiner in ("-", " ")
})
_NUM = (
    r"(?P<num>\d{1,4}|a dozen|a couple of|a pair of|both|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine)\b)?|"
    r"an?(?!\s+(?:number|few|handful|series|lot|host|range|wave|string)\b))"
)
_QUAL = r"(?:(?:at least|more than|over|some|about|around|nearly|up to|roughly|as many as)\s+)?"
_WHO = (
    r"(?:(?!and\b|\d)[\w.'-]+\s+){0,4}?(?:people|persons|civilians|soldiers|troops|service ?members|servicemen|"
    r"personnel|"
    r"members|fighters|militants|contractors|reservists|guards|officers|workers|staff|commanders?|"
    r"civilian|soldier|service ?member|contractor|fighter|militant|child(?:ren)?|women|men|others|"
    r"Americans|Iraqis|Syrians|Jordanians|Kurds|individuals|policemen|police officers|members)?"
    r"(?:\s+(?:(?:working|serving|based|stationed) (?:with|for|at|in)|on|at|in|inside|aboard|from|of) (?:the )?"
    r"[\w.'’-]+(?: [\w.'’-]+){0,2})?"  # "members of Iraq's federal police"
    r"(?:\s+(?:in all|in total|altogether|overall))?"
)
KILLED_PATTERNS: list[re.Pattern[str]] = [
    re.compile(rf"\b(?:killing|killed|kills|claiming the lives of|left)\s+{_QUAL}{_NUM}\b"
               r"(?!(?:\s+(?!and\b)[\w-]+){0,3}?\s+(?:injur|wound|hurt))",
               re.I),
    re.compile(rf"\b{_QUAL}{_NUM}\s+{_WHO}\s*(?:,\s(?:including|among them)\s[^,.;]{{1,40}},\s*)?"
               r"(?:in all\s+|in total\s+|altogether\s+)?"
               r"(?:were|was|are|is|have been|had been|being)?\s*(?:killed|dead|died|"
               r"slain|lost their lives|martyred|dies|die)\b", re.I),
    re.compile(rf"\b{_QUAL}{_NUM}\s+(?:deaths|fatalities|dead)\b", re.I),
    re.compile(rf"\bdeath toll\b[^.;]{{0,100}}?\b(?:to|at|of|reached|stood at)\s+{_QUAL}{_NUM}\b", re.I),
]
INJURED_PATTERNS: list[re.Pattern[str]] = [
    re.compile(rf"\b(?:injuring|wounding|injured|wounded|injures|wounds|hurt|hurting)\s+{_QUAL}{_NUM}\b", re.I),
    re.compile(rf"\b{_QUAL}{_NUM}\s+{_WHO}\s*(?:were|was|are|is|have been|had been|being|suffered|sustained|"
               r"suffer|suffers|sustain)?\s*"
               r"(?:(?:slightly|lightly|seriously|critically|badly|minor(?:ly)?)\s+)?"
               r"(?:injured|wounded|hurt|injuries|wounds|concussions?|concussion symptoms|smoke inhalation|burns)\b",
               re.I),
    re.compile(rf"\b{_QUAL}{_NUM}\s+(?:(?:minor|serious|light|non-life-threatening|traumatic brain|"
               r"minor traumatic brain)\s+)?(?:injuries|casualties|wounded|injured)\b", re.I),
    re.compile(rf"\b{_QUAL}{_NUM}\s+{_WHO}\s*(?:were|was|have been|had been)?\s*(?:later\s+)?(?:treated|evaluated|"
               r"hospitali[sz]ed|assessed|diagnosed)\s+(?:for|with)\s+[^.;]{0,40}?(?:injur|wound|concussion)", re.I),
]
KILLED_PATTERNS = [prefiltered(p) for p in KILLED_PATTERNS]
INJURED_PATTERNS = [prefiltered(p) for p in INJURED_PATTERNS]
# "Five service members and two contractors were hurt": the parts are added up.
_GROUP_NOUN = (
    r"(?:(?!were\b|was\b|and\b|had\b|have\b)[\w.'-]+\s+){0,3}?(?:people|civilians|soldiers|troops|"
    r"service ?members|servicemen|personnel|fighters|contractors|reservists|guards|officers|workers|members|"
    r"militants|civilian|soldier|service ?member|contractor|fighter|Americans|Britons?|Iraqis|others|airman|"
    r"reservist|officer|guard|women|men|children|woman|man|child|relatives|family members)"
    r"(?:\s+(?:of|from|with|serving (?:with|in))\s+(?:(?!were\b|was\b|and\b)[\w.'-]+\s+){1,5}?)?"
)


def _part(name: str) -> str:
    """Return a pattern for one counted group of people, the count captured as `name`."""
    return (_QUAL + rf"(?P<{name}>\d{{1,4}}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
            + _GROUP_NOUN)


SUM_PATTERN = prefiltered(re.compile(
    _part("a") + r"\s*(?:,|and)\s+" + _part("b")
    + r"\s*(?:were|have been|had been)?\s*(?:(?:slightly|lightly|seriously|critically)\s+)?"
    r"(?P<what>injured|wounded|hurt|killed|dead)\b",
    re.I,
))
NO_CASUALTIES = prefiltered(re.compile(
    r"\b(?:no (?:reported |immediate )?casualties|no immediate reports? of casualties|without (?:causing )?casualties|"
    r"caused no casualties|there (?:were|are) no casualties|no (?:casualties|deaths) or injuries|"
    r"no (?:injuries|damage) or (?:casualties|deaths)|neither (?:casualties|deaths) nor injuries|"
    r"(?:no ?one|nobody) (?:was|were|is|has been) (?:killed|hurt|injured|wounded|harmed) (?:or|and) "
    r"(?:killed|hurt|injured|wounded|harmed))\b",
    re.I,
))
NO_INJURIES = prefiltered(re.compile(
    r"\b(?:no (?:reported |immediate )?injuries|no immediate reports? of injuries|without (?:causing )?injuries|"
    r"caused no injuries|neither injuries|no one (?:was|is) (?:hurt|injured|wounded)|"
    r"(?:were|was) (?:all )?(?:unhurt|unharmed|uninjured)|escaped (?:unhurt|unharmed|uninjured)|"
    r"nobody (?:was|is) (?:hurt|injured|wounded)|"
    r"without (?:hurting|injuring) anyone|no (?:US |American |coalition )?(?:personnel|troops|service ?members) "
    r"(?:were )?(?:hurt|injured|wounded)|none (?:of them )?(?:were )?(?:hurt|injured))\b",
    re.I,
))
NO_DEATHS = prefiltered(re.compile(
    r"\b(?:no (?:deaths|fatalities)|no one (?:was|is) killed|nobody (?:was|is) killed)\b", re.I
))

# Capitals (and regional capitals) that news uses for their governments; they are an incident's place only
# after a locative word ("in Baghdad", "rockets hit Erbil").
CAPITALS = frozenset({
    "Washington", "Washington, D.C.", "Tehran", "Baghdad", "Damascus", "Ankara", "Amman", "Beirut", "Moscow",
    "Jerusalem", "Tel Aviv", "Riyadh", "Doha", "Cairo", "London", "Paris", "Beijing", "Kabul", "Sanaa",
    "Abu Dhabi", "Kuwait City", "Erbil", "Brussels", "Berlin", "Kyiv", "Muscat", "Manama",
})
LOCATIVE_CUE = re.compile(
    r"(?<!called )(?<!calls )(?<!call )(?<!pressure )"
    r"(?:\b(?:in|inside|at|on|near|outside|over|across|into|around|toward|towards|of|targeted|targeting|hit|struck|"
    r"attacked|shelled|bombed|rocked|shook)\s+(?:the\s+)?(?:(?!(?:what|which|whose|that)\b)[A-Za-z-]+\s+)?)$",
    re.I,
)
PEOPLE_IN = gated(re.compile(
    r"\b(?:government|officials?|diplomats?|analysts?|sources?|leaders?|authorities|lawmakers|ministry|embassy|"
    r"envoy|charg[eé] d'affaires|ambassador|delegation|reporters|correspondent|talks|meeting|visit|summit|"
    r"headquarters|offices?|residents|witnesses|locals|inhabitants|activists|monitors|medics|doctors)\s+(?:in|of)\s+"
    r"(?:the\s+)?(?:nearby\s+)?$",
    re.I,
))
AREA_BEFORE = re.compile(
    r"\b(?:countryside|province|governorate|desert|region|district|villages?) of (?:the )?$", re.I
)
ROUTE_BEFORE = re.compile(
    r"\b(?:between|road (?:from|to|linking)|highway (?:from|to|linking))\s+(?:the\s+)?"
    r"(?:[A-Z][\w'-]+(?:\s[A-Z][\w'-]+)?\s+(?:and|to)\s+)?$"
)
AREA_AFTER = re.compile(r"^\s*(?:countryside|province|governorate|region|district|area|desert|border|sector)\b", re.I)

# "killing a senior commander and two other people", "wounded two soldiers and a contractor"
_LIST_NUM = r"\d{1,4}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
LIST_PATTERN = prefiltered(re.compile(
    rf"\b(?P<verb>killing|killed|wounding|wounded|injuring|injured)\s+(?P<a>{_LIST_NUM})\s+"
    rf"(?:(?!\b(?:kill|wound|injur|hurt)\w*)(?:[^,.;]|(?<=\b[A-Z])\.)){{0,60}}?\s+and\s+"
    rf"(?:(?P<b>another)|(?P<b2>{_LIST_NUM})\s+(?:other \w+|[a-z]+)\b)",
    re.I,
))

# "killing Sgt. A B, Spc. C D and Spc. E F": each rank or title starts one named person.
NAMED_VICTIMS = gated(re.compile(
    r"\b(?P<verb>killing|killed|wounding|wounded)\s+(?P<list>(?:(?:Staff |Master |First |Sgt\.? |Maj\.? |Lt\.? )?"
    r"(?:Sgt|Spc|Pfc|Pvt|Cpl|Lt|Capt|Maj|Col|Gen|Sgt\. Maj|Staff Sgt|Spec)\.?\s+(?:[A-Z][\w'-]+\s?){1,4},?\s*"
    r"(?:and\s+)?){2,})"
))
NAMED_VICTIM_TITLE = re.compile(r"\b(?:Sgt|Spc|Pfc|Pvt|Cpl|Lt|Capt|Maj|Col|Gen|Spec)\.?\s+[A-Z]")
DEATH_WORD = gated(re.compile(r"\b(?:killed|killing|dead|died|death|fatal\w*)\b", re.I))
NOBODY_HARMED = re.compile(
    r"\b(?:no ?one|nobody|none of them) (?:was|were|is|are) (?:hurt|harmed)|without (?:hurting|harming) anyone\b", re.I
)
