"""Articles -> incident reports: one report per distinct incident an article describes, with its evidence."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import pandas as pd
from geopy.distance import great_circle

from dashboard import lexicon as lx
from dashboard.casualties import blank_out, find_casualties, larger_stated
from dashboard.dates import DateMention, find_dates
from dashboard.geocode import Gazetteer, MentionIndex, norm_key, route_end
from dashboard.incidents import weapons_compatible
from dashboard.schema import REPORT_COLUMNS, REPORT_DTYPES, Mention, Place
from dashboard.sentences import Sentence, split_sentences

# --- per-sentence analysis ------------------------------------------------------------------------------


@dataclass
class Candidate:
    """One incident as a single sentence tells it, before merging within the article."""

    place: Place
    mention: Mention
    sentence: Sentence
    geo_precision: int
    event_date: date | None = None
    time_precision: int = 3
    weapon: str = "unknown"
    actor: str = ""
    claimed: bool = False
    target: str = ""
    outcome: str = "unknown"
    fatalities: int | None = None
    injured: int | None = None
    confidence: float = 0.5
    cause_clause: bool = False  # found in a cause/reaction clause ("hours after a drone struck Erbil")
    date_inferred: bool = False  # the date comes from elsewhere in the story, not from this telling
    weapon_inferred: bool = False  # the weapon comes from a later sentence or the lead, not from this telling
    refined: bool = False  # a region-level telling given the one site a later sentence names inside it
    offset_days: int | None = None  # "came five days after US jets bombed al-Qaim": days from the main event
    hours_before: bool = False  # "came hours after ...": the told attack was hours before the main one
    again: bool = False  # the second day of "struck the site on June 22 and again on June 25"


# Coarseness of a place kind; a curated "district" is a city quarter (Green Zone, Mashtal), finer than its city.
_SPECIFICITY = {"country": 4, "continent": 5, "region": 3, "admin1": 3, "admin2": 2, "near": 2, "city": 1, "town": 1}
_AIR_DEFENCE = lx.prefiltered(re.compile(
    r"\b(?:air[- ]defen[cs]es?(?: systems?| missiles?)?|surface-to-air missiles?|interceptor missiles?|"
    r"Patriot(?: missiles?| batteries| systems?)?|C-RAM|counter-rocket)\b",
    re.I,
))
_US_STRIKES = lx.prefiltered(
    re.compile(r"\b(?:U\.?S\.?|US|American|United States|Israeli|Turkish|Iranian)\s+(?:air\s?)?"
               r"(?:strikes?|barrages?|bombardments?|raids?)\b")
)
# "attacked by X", "claimed by X" name the actor; "facilities used by X" names the target.
_PASSIVE_BY = re.compile(
    r"\b(?:attacked|hit|struck|targeted|launched|fired|claimed|carried out|conducted|killed|wounded|injured|"
    r"shelled|bombed|downed|ordered|sent|flown|operated|blamed(?:\s+[\w-]+){0,3}?\s+on|attributed to|"
    r"(?:was|were) by)\s+"
    r"(?:\w+\s+)?(?:by\s+)?(?:the\s+)?$",
    re.I,
)
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|inside|on|at|across|over|near|targeting|struck|hit)\s+(?:the\s+)?(?:[A-Z][\w-]+'s\s+)?"
    r"(?:(?:far |remote )?(?:north|south|east|west|central|northern|southern|eastern|western|"
    r"north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+)?$",
    re.I,
)
# Clause breaks: a place in a clause with no attack word is not where the attack happened.
_CLAUSE_BREAK = lx.prefiltered(re.compile(
    r";|\s--\s|\s—\s|,\s+(?:but|while|whereas|although|though|adding|and said|and added)\b|"
    r"\s+(?:and|but)\s+(?:said|says|added|told|called|urged)\b|"
    r"\b(?:said|says|added|told reporters)\b(?! (?:it|they|was|were) )"  # "what groups said was a drone" goes on
))
# An apposition that describes a place already named ("al-Qaim, a town near al-Bukamal,").
_APPOSITION = re.compile(
    r",\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?(?:town|city|village|outpost|base|hub|district|province|region|area|"
    r"capital|site|garrison|stronghold|home|border crossing|crossing|facility|camp|neighbou?rhood)\b[^,;]*",
    re.I,
)
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:in|at|on|near|outside|inside|into|across|over|around|of)\s+(?:the\s+)?(?:[a-z-]+\s+)?$", re.I
)
_DISTANCE_REFERENCE = re.compile(
    r"\b\d+\s?(?:km|kilometres|kilometers|miles)\s+(?:\(\d+ miles\)\s+)?(?:north|south|east|west|"
    r"north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of\s+(?:the\s+)?$|"
    r"\b(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)\s+of\s+(?:the\s+)?$",
    re.I,
)
_STATE_AGENT = lx.prefiltered(re.compile(
    r"\b(?:U\.?S\.?|US|American|United States|Israeli|Turkish|Iranian|coalition)\s+"
    r"(?:(?:military\s+)?(?:forces|military|troops|aircraft|warplanes|jets|fighter jets|bombers|drones?|army|"
    r"air force|Central Command|navy)\s+)?"
    r"(?:(?:also|then|later|again|early|late|overnight|this|morning|evening|night|today|on|last|[a-z]+ly)\s+){0,3}"
    r"(?:struck|hit|carried out|conducted|launched|bombed|targeted|(?:air\s?)?strikes?|raids?)\b|"
    r"\b(?:B-1B?|F-(?:15|16|35)|AC-130|MQ-9|Reaper)\b|\bUnited States (?:on \w+ )?(?:carried out|launched|struck)\b",
    re.I,
))
_SOURCE_AFTER = re.compile(
    r"^\s*(?:(?:has|had|have)\s+)?(?:(?:since|later|also|now|previously)\s+)?"
    r"(?:officials?|spokes(?:man|woman|person)|statement|sources?|said|says|told|confirmed|reported|"
    r"announced|press secretary|defen[cs]e official|has said|later said)\b"
    r"(?!\s+(?:that\s+)?(?:it|they|its (?:forces|aircraft|jets|warplanes|drones)|their forces)\s+(?:had\s+)?"
    r"(?:attacked|targeted|struck|launched|carried out|hit|fired|conducted))",
    re.I,
)


def specificity(place: Place) -> int:
    """Return how coarse a place is: 0 for a site, 1 town, 2 district, 3 region, 4 country."""
    return _SPECIFICITY.get(place.kind, 0)


def geo_precision_of(place: Place, near: bool) -> int:
    """Return ACLED-style geo precision: 1 site/town, 2 near or part of, 3 region or country."""
    level = specificity(place)
    if level >= 3:
        return 3
    if near or level == 2:
        return 2
    return 1


_ACTOR_MASK = lx.prefiltered(re.compile("|".join(f"(?:{p.pattern})" for _, p in lx.ACTOR_PATTERNS)))
# One pass finds every actor / weapon: a named group per entry (group i = entry i).
_ACTOR_ANY = lx.prefiltered(
    re.compile("|".join(f"(?P<a{i}>{p.pattern})" for i, (_, p) in enumerate(lx.ACTOR_PATTERNS)))
)
_WEAPON_ANY = lx.prefiltered(
    re.compile("|".join(f"(?P<w{i}>{p.pattern})" for i, (_, p) in enumerate(lx.WEAPON_PATTERNS)), re.I)
)


def _place_text(sentence: str) -> str:
    """Return the sentence with organisation, actor and person names blanked so they are not read as places."""
    text = blank_out(blank_out(sentence, lx.NON_PLACE_NAMES), _ACTOR_MASK)
    for person in lx.PERSON_NAME.finditer(text):
        start, end = person.span(1)
        text = text[:start] + " " * (end - start) + text[end:]
    return text


DATELINE = re.compile(
    r"^\s*[A-Z][A-Za-z'’. -]{2,30}?(?:,\s*[A-Z][A-Za-z.]+(?:\s\d{1,2})?){0,2}\s*(?:\([^)]{0,60}\))?\s*(?:--|—|–|-)\s"
    # "Duhok, 18 August:", "Baghdad, 12 Mar:" (but not a round-up's "Monday, Aug. 5:")
    r"|^\s*(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)[A-Z][A-Za-z'’. -]{2,30}?,\s*"
    r"(?:\d{1,2}\s+[A-Z][a-z]{2,8}\.?|[A-Z][a-z]{2,8}\.?\s+\d{1,2})\s*:\s"
)


# Lower-case pieces of which every attack word holds one: most sentences have none, and these substring tests
# are much cheaper than the attack-word pattern (non-ASCII text always gets the pattern: case folding differs).
_TRIGGER_STEMS = (
    "attack", "assault", "strik", "struck", "hit", "target", "salvo", "barrage", "volley", "incinerat", "obliterat",
    "fire", "firing", "launch", "shell", "pound", "fell", "land", "bomb", "shot down", "intercept", "down",
    "destroy", "explo", "blast", "impact", "kill", "wound", "injur", "raid", "ambush", "detonat", "came under",
    "rain", "slam", "crash", "sent", "flew", "flown", "aim", "direct", "lobb", "went off", "blew up", "clash",
    "fought", "battle", "storm", "shot", "gunned", "ablaze", "flames",
)


@lru_cache(maxsize=8192)
def _trigger(text: str) -> re.Match[str] | None:
    """Return the first attack word of the text, or None (cached: several rules ask for the same sentence)."""
    if text.isascii():
        lowered = text.lower()
        if not any(stem in lowered for stem in _TRIGGER_STEMS):
            return None
    return lx.TRIGGER.search(text)


@lru_cache(maxsize=4096)
def _realised(sentence: str) -> bool:
    """Return True when at least one attack word in the sentence is not governed by a threat/plan word."""
    for trigger in lx.TRIGGER.finditer(sentence):
        window = sentence[max(0, trigger.start() - 45) : trigger.end()]
        if not lx.IRREALIS.search(window):
            return True
    return False


@lru_cache(maxsize=4096)
def _context_cut(sentence: str) -> int:
    """Return the offset after which places are context (a cause or reaction clause), or len(sentence)."""
    first_trigger = _trigger(sentence)
    if not first_trigger:
        return len(sentence)
    for clause in lx.CONTEXT_CLAUSE.finditer(sentence):
        if clause.start() > first_trigger.start():
            return clause.start()
    return len(sentence)


@lru_cache(maxsize=8192)
def _attack_clauses(sentence: str) -> tuple[tuple[int, int], ...]:
    """Return the (start, end) spans of the sentence's clauses that contain a realised attack word."""
    bounds = [0, *[m.start() for m in _CLAUSE_BREAK.finditer(sentence)], len(sentence)]
    spans = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        clause = sentence[start:end]
        if _trigger(clause) and _realised(clause):
            spans.append((start, end))
    return tuple(spans)


def _event_mentions(sentence: str, mentions: list[Mention]) -> list[tuple[Mention, bool]]:
    """Return the mentions that can be incident locations, each with whether it is only 'near'."""
    cut = _context_cut(sentence)
    clauses = _attack_clauses(sentence)
    appositions = [m.span() for m in _APPOSITION.finditer(sentence)]
    kept: list[tuple[Mention, bool]] = []
    for mention in mentions:
        if mention.demonym or mention.start >= cut:
            continue
        if mention.place.kind == "country" and (
                mention.text in _US_FORMS or _ADJECTIVE_USE.match(sentence, mention.end)):
            continue  # "a small U.S. logistics outpost", "US forces": the country is an adjective
        if not any(start <= mention.start < end for start, end in clauses):
            continue
        if kept and any(start < mention.start < end and any(k.end == start for k, _ in kept)
                        for start, end in appositions):  # "Tikrit, a city near the base" (not "... meet, the base")
            continue
        if kept and _DISTANCE_REFERENCE.search(sentence[max(0, mention.start - 40) : mention.start]):
            continue
        before, after = sentence[max(0, mention.start - 60) : mention.start], sentence[mention.end : mention.end + 40]
        level = specificity(mention.place)
        if level >= 1 and lx.METONYMY_AFTER.search(after) and not _PREPOSITION_BEFORE.search(before):
            continue  # "Washington had hit", "Baghdad said" (but not "a strike in Baghdad had killed")
        if _MEDIA_AFTER.match(after):
            continue  # "A Sulaymaniyah daily reports that rockets fell in Karma": where the paper is published
        if (kept and _CONTAINER_IN_BRACKETS.search(sentence, 0, mention.start) and kept[-1][0].end >= mention.start - 3
                and specificity(mention.place) >= specificity(kept[-1][0].place)):
            continue  # "Albu Kamal (Deir ez-Zor, Syria)": the area around the place just named (not "Diyala (Khalis)")
        head = _LIST_TAIL.sub("", before) if before.endswith((", ", " and ", " or ")) else before
        if lx.ORIGIN_AFTER.search(after) or (head.rstrip().endswith("from") and lx.FROM_BEFORE.search(head)):
            continue
        if level >= 3 and (_POSSESSIVE_END.search(mention.text) or _POSSESSIVE_START.match(sentence, mention.end)):
            continue  # "Iraq's prime minister", "Iraq's Security Media Cell said"
        if _people_in(before):
            continue  # "diplomats in Baghdad noted", "officials in Sulaymaniyah and Duhok"
        if _RETRACTED_BEFORE.search(sentence[max(0, mention.start - 160) : mention.start]):
            continue  # "initially said the attack had hit al-Tanf", "an earlier version of this report said"
        if _HOMETOWN_BEFORE.search(before):
            continue  # "Sgt. William Rivers, 46, of Carrollton, Georgia": where a victim came from
        if _GATHERING_BEFORE.search(sentence[max(0, mention.start - 100) : mention.start]):
            continue  # "a protest outside the U.S. Embassy", "talks in Washington", "living in camps around Duhok"
        if lx.ROUTE_BEFORE.search(before) and len(mentions) > 2:
            continue  # "on the road between Sulaymaniyah and Halabja near the town of Said Sadiq"
        if mention.place.name in lx.CAPITALS and not (lx.LOCATIVE_CUE.search(before) or _ATTACK_NOUN.match(after)):
            continue  # "a message to Washington", "coordinated by Tehran" (but "the Erbil attack")
        road_end = route_end(sentence, mention.start, mention.end)
        if road_end > 1:
            continue  # "on the Diwaniyah-Samawah highway": the road is told by its first town
        near = road_end == 1 or bool(lx.NEAR_BEFORE.search(before))
        if level == 1 and mention.place.kind in ("city", "town") and (_AREA_AFTER_TOWN.search(after) or (
                not kept and (_SURROUNDINGS.search(before) or _SURROUNDINGS_AFTER.search(after)))):
            near = True  # "the countryside of Albu Kamal", "the al-Qaim border region": near the town
        elif mention.place.kind == "district" and _AREA_AFTER_TOWN.search(after):
            pass  # "Baghdad's Mashtal area": the quarter itself
        elif level < 3 and (lx.AREA_AFTER.search(after) or lx.AREA_BEFORE.search(before)
                            or _AREA_WORD_END.search(mention.text)):  # "Sulaimani province" read as the town
            mention = Mention(mention.text, mention.start, mention.end, _as_area(mention.place), mention.demonym)
        kept.append((mention, near))
    if len(kept) > 1:  # "facilities south of Baghdad, including one in the Jurf al-Sakhar area": Baghdad locates
        located = [(m, n) for m, n in kept
                   if not _DISTANCE_REFERENCE.search(sentence[max(0, m.start - 40) : m.start])]
        kept = located or kept
    return _drop_containers(kept)


_MEDIA_AFTER = re.compile(
    r"(?i)\s+(?:daily|newspaper|paper|weekly|outlet|broadcaster|channel|station|news agency|news site|website)\b"
)
_CONTAINER_IN_BRACKETS = re.compile(r"\(\s*$")  # "Albu Kamal (" right before the name
# "set out from Hasakah, Raqqa and ": the names listed before this one, read back to the word that governs them
_LIST_TAIL = re.compile(r"(?:[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}(?:,\s+|,?\s+(?:and|or)\s+))+$")
_GATHERING_BEFORE = lx.gated(re.compile(
    r"(?i)\b(?:protests?|protesters|rall(?:y|ies)|funerals?|marched|coffins?|mourners|talks|summit|conference|"
    r"ceremony|sit-in|demonstrations?|demonstrators|vigil|negotiations|negotiating|"
    r"(?:living|lived|sheltering|displaced|fled|born|taken|rushed|evacuated|airlifted|transferred)\s+"
    r"(?:in|to|at|near|around)|(?:pilgrims|worshippers|travel+ers|passengers)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:heading|headed|travel+ing|bound|on (?:their|its|his|her) way)\s+(?:to|for))\b"
    r"(?:(?!\b(?:attack|strike|struck|hit|fired|shell|rocket|drone|bomb|kill|explo)\w*)[^.;])*$"
))
_NAMED_ATTACK_BEFORE = re.compile(r"(?i)(?:^|[,;:]\s|\b(?:that|after|since|before|in)\s)the\s+$")
_RETRACTED_BEFORE = re.compile(
    r"(?i)\b(?:(?:initially|originally|at first|wrongly|mistakenly|erroneously|incorrectly|falsely)\s+"
    r"(?:said|reported|claimed|stated|"
    r"insisted|identified|described)|an? (?:earlier|previous) version of this (?:report|story|article))\b"
)
_HOMETOWN_BEFORE = re.compile(r"\b\d{1,3},\s+(?:of|from)\s+$")
_AREA_WORD_END = re.compile(r"(?i)\b(?:province|governorate|countryside)$")
_POSSESSIVE_END = re.compile(r"'s\s*$")
_POSSESSIVE_START = re.compile(r"['\u2019]s\b")
_ATTACK_NOUN = re.compile(r"\s+(?:[a-z]+\s+)?(?:attack|strike|bombing|blast|explosion|raid)s?\b")
_NAME_LIST_END = re.compile(r"[A-Z][\w'-]+(?:\s[A-Z][\w'-]+)?\s+(?:and|or)\s+$")
_PEOPLE_IN_ENDS = ("in", "of", "the", "and", "or")
_NEARBY_END = re.compile(r"\s+nearby\s*$", re.I)


def _people_in(before: str) -> bool:
    """Return True when the text before a place ends like "officials in" / "diplomats in Erbil and"."""
    before = _NEARBY_END.sub(" ", before)  # "residents in nearby Iskandariyah"
    if not before.rstrip()[-3:].lower().endswith(_PEOPLE_IN_ENDS):
        return False  # PEOPLE_IN ends with "in" or "the"; a trailing "X and" / "X or" list is removed first
    return bool(lx.PEOPLE_IN.search(_NAME_LIST_END.sub("", before)))


_SURROUNDINGS = re.compile(r"(?i)\b(?:countryside|outskirts|villages|desert|area) of (?:the )?$")
_SURROUNDINGS_AFTER = re.compile(r"(?i)^\s*(?:countryside|outskirts|desert)\b")
_AREA_AFTER_TOWN = re.compile(r"(?i)^\s*(?:area|border (?:region|area))\b")  # "the Jurf al-Sakhar area"


def _as_area(place: Place) -> Place:
    """Return the place as the region around it ("Hasakah countryside", "Erbil province")."""
    return Place(place.name, place.latitude, place.longitude, place.country, place.iso3, place.admin1, "region",
                 place.geo_source, place.population)


def _contains(outer: Place, inner: Place) -> bool:
    """Return True when the coarser place outer plausibly contains inner."""
    if specificity(outer) <= specificity(inner) and not (outer.kind in ("city", "town") and inner.kind not in (
        "city", "town", "district", "admin1", "country", "region", "continent")):
        return False
    if outer.kind == "region" and outer.iso3:  # "the Sayyida Zeinab district", "Kurdistan Region": one country's
        return outer.iso3 == inner.iso3 and _km(outer, inner) < 200
    if outer.kind in ("country", "continent", "region"):
        return outer.iso3 == inner.iso3 or outer.kind != "country"
    if outer.kind == "admin1":
        if outer.iso3 != inner.iso3:
            return False
        if inner.admin1:  # the province the gazetteer gives decides ("Samawah" is in Muthanna, not Qadisiyah)
            a, b = _admin1_key(outer.name), _admin1_key(inner.admin1)
            return a in b or b in a
        return _km(outer, inner) < 150
    return _km(outer, inner) < 60


def _admin1_key(name: str) -> str:
    """Return a province name as a comparable key ("Bābil" = "Babil", "Al Muthanna Governorate" = "Muthanna")."""
    return re.sub(r"\b(?:governorate|province|muhafazat)\b", "", norm_key(name)).strip()


def _norm(text: str) -> str:
    """Return a lower-case letters-only key for loose name comparison."""
    return re.sub(r"[^a-z]", "", text.lower())


def _km(a: Place, b: Place) -> float:
    """Return the great-circle distance between two places in kilometres."""
    return great_circle((a.latitude, a.longitude), (b.latitude, b.longitude)).km


def _drop_containers(kept: list[tuple[Mention, bool]]) -> list[tuple[Mention, bool]]:
    """Return mentions without the ones that only name the area around a more specific mention."""
    out = []
    for mention, near in kept:
        if any(
            other.place != mention.place and _contains(mention.place, other.place)
            for other, _ in kept
        ):
            continue
        if all(existing.place != mention.place for existing, _ in out):
            out.append((mention, near))
    return out


def _nearest(matches: Iterable[tuple[int, Any]], position: int) -> Any:
    """Return the value whose offset is closest to position, or None."""
    best, best_distance = None, None
    for offset, value in matches:
        distance = abs(offset - position)
        if best_distance is None or distance < best_distance:
            best, best_distance = value, distance
    return best


_WEAPON_AS_OBJECT = lx.prefiltered(re.compile(
    r"\b(?:rockets?|drones?|missiles?|weapons?|munitions?|ammunition)(?:\s+and\s+(?:rockets?|drones?|missiles?))?\s+"
    r"(?:storage|stores|depots?|launchers?|launch(?:ing)? (?:sites?|teams?|points?|positions?|pads?|areas?)|"
    r"factor(?:y|ies)|warehouses?|stockpiles?|production|supply|supplies|cells?|operators?|sites?|"
    r"capabilities|programme|program|experts?|workshops?)\b|\b(?:preparing|about|ready|planning) to launch\b[^,;.]*",
    re.I,
))


# "a missile fired from a US drone": the platform, not its munition, is the weapon.
_CARRIED_MUNITION = lx.gated(re.compile(
    r"(?i)\b(?:missiles?|rockets?|bombs?|munitions?)\s+(?:fired|launched|dropped)\s+(?:from|by)\s+"
    r"(?=(?:an?\s+|the\s+)?(?:[\w-]+\s+)?(?:drones?|UAVs?|aircraft|jets?|warplanes?|helicopters?|Reapers?)\b)"
))


# "an American F-15 fighter shot down a drone": the jet defends; the drone is the attack's weapon.
_INTERCEPTOR = re.compile(
    r"(?i)\b(?:fighter jets?|fighters?|jets?|F-(?:15|16|35)[A-Z]?s?|warplanes?|aircraft|helicopters?)"
    r"(?:\s+(?:fighter|jet|pilot)s?)?(?=\s+(?:shot down|intercepted|downed|destroyed)\b)"
)
# "a U.S. drone fired missiles at his convoy": the same, told from the platform.
_PLATFORM_FIRED = lx.gated(re.compile(
    r"(?i)\b(?:drones?|UAVs?|aircraft|jets?|warplanes?|helicopters?|Reapers?|gunships?)\s+(?:[\w-]+\s+)?"
    r"(?:fired|launched|dropped)\s+(?:[\w-]+\s+){0,3}?(?P<munition>missiles?|rockets?|bombs?|munitions?)\b"
))


def _blank_munitions(text: str) -> str:
    """Return the text with munitions fired by a named platform blanked out (same length)."""
    if not _PLATFORM_FIRED.search(text):
        return text
    return _PLATFORM_FIRED.sub(lambda m: m.group(0)[: m.start("munition") - m.start()] + " " * len(m["munition"]),
                               text)


@lru_cache(maxsize=8192)
def _weapons_in(text: str) -> tuple[tuple[int, str], ...]:
    """Return (offset, weapon) for each weapon the text names (cached: asked about with several positions)."""
    clean = blank_out(blank_out(blank_out(text, _AIR_DEFENCE), _WEAPON_AS_OBJECT), _CARRIED_MUNITION)
    if _INTERCEPTOR.search(clean):
        clean = blank_out(clean, _INTERCEPTOR)
    clean = _blank_munitions(clean)
    return tuple((m.start(), lx.WEAPON_PATTERNS[int(m.lastgroup[1:])][0]) for m in _WEAPON_ANY.finditer(clean))


@lru_cache(maxsize=8192)
def find_weapon(text: str, position: int | None = None) -> str:
    """Return the weapon named in the text (nearest to position when several), or 'unknown'."""
    found = list(_weapons_in(text))
    if not found:
        return "unknown"
    if position is None:
        return min(found)[1] if len({w for _, w in found}) == 1 else _priority(found)
    return _nearest(found, position)


def _priority(found: list[tuple[int, str]]) -> str:
    """Return the most specific weapon among several found (order of the lexicon)."""
    order = [weapon for weapon, _ in lx.WEAPON_PATTERNS]
    return min((w for _, w in found), key=order.index)


@lru_cache(maxsize=4096)
def _dates_in(text: str, article_date: date | None) -> tuple[DateMention, ...]:
    """Return the date expressions of a sentence (cached: a sentence is read by several rules)."""
    return tuple(find_dates(text, article_date))


_BEFORE_IMPACT = lx.prefiltered(re.compile(
    r"\b(?:before|prior to)\s+(?:it|they|the \w+)?\s*(?:could\s+)?"
    r"(?:hit|hitting|struck|reach(?:ed|ing)?|land(?:ed|ing)?|"
    r"impact(?:ed|ing)?)\b[^,;.]*",
    re.I,
))


# "no damage was reported", "without causing casualties": words of harm that say nothing landed.
_NO_HARM = re.compile(
    r"(?i)\b(?:no|without(?: causing)?|neither|nor|caused no)\s+(?:\w+\s+)?(?:damage|injur\w*|casualt\w*|deaths?)"
    r"(?:\s+(?:or|and|nor)\s+(?:damage|injur\w*|casualt\w*|deaths?))?(?:\s+(?:was|were)\s+(?:\w+\s+)?reported)?"
)


@lru_cache(maxsize=4096)
def find_outcome(text: str) -> str:
    """Return 'impact' when anything hit, else 'intercepted' when it was stopped, else 'unknown'."""
    rest = blank_out(blank_out(blank_out(text, _BEFORE_IMPACT), lx.OUTCOME_INTERCEPTED), _NO_HARM)
    if lx.OUTCOME_IMPACT.search(rest):
        return "impact"
    if lx.OUTCOME_INTERCEPTED.search(text):
        return "intercepted"
    return "unknown"


@lru_cache(maxsize=8192)
def find_actor(sentence: str, trigger_at: int) -> tuple[str, bool]:
    """Return (actor, claimed) named in the sentence: the 'by X' agent, the claimant, or the first before the verb."""
    claimed = bool(lx.CLAIM.search(sentence))
    passive = bool(_PASSIVE_HIT.search(sentence))
    found = sorted(
        (m.start(), lx.ACTOR_PATTERNS[int(m.lastgroup[1:])][0]) for m in _ACTOR_ANY.finditer(sentence)
        if not _SOURCE_AFTER.search(sentence[m.end() : m.end() + 30])
        and not _VICTIM_AFTER.match(sentence, m.end())  # "American service members were wounded"
        and not (_TARGET_NOUN_AFTER.match(sentence, m.end()) and (
            passive or m.start() > trigger_at
            or _HIT_OBJECT_BEFORE.search(sentence, max(0, m.start() - 40), m.start())))
    )  # "PMF positions in al-Qaim were hit", "a bomb damaged an Iraqi army vehicle": the named side was hit
    if not found:
        named = _SELF_NAMED.search(sentence)
        if named:  # "a group calling itself Liwa Ahrar al-Iraq": a name no list can hold yet
            return named.group("name"), claimed
        us = _US_STRIKES.search(sentence)
        return (_state_actor(us.group(0)), False) if us else ("", claimed)
    for start, name in found:
        if _PASSIVE_BY.search(sentence[max(0, start - 40) : start]) and re.search(
                r"(?i)\b(?:by|on|to)\s+(?:the\s+)?$", sentence[max(0, start - 12) : start]):
            return name, claimed
    before = [name for start, name in found if start < trigger_at]
    us = _US_STRIKES.search(sentence)
    if us and (not before or us.start() < sentence.find(before[0])):
        return _state_actor(us.group(0)), claimed
    if before:
        return before[0], claimed
    return (found[0][1], claimed) if claimed else ("", False)


_VICTIM_AFTER = re.compile(
    r"(?i)\s+(?:[\w'-]+\s+){0,6}?(?:were|was|have been|had been|are|is|being)\s+"
    r"(?:(?:also|later|reportedly|slightly|seriously|critically|lightly|badly)\s+)?"
    r"(?:killed|wounded|injured|hurt|hit|struck|targeted|attacked|bombed|shelled)\b"
)
# "damaged an Iraqi army vehicle", "ambushed a PMF convoy": the named side is the object of the attack.
_HIT_OBJECT_BEFORE = lx.gated(re.compile(
    r"(?i)\b(?:damag|hit|struck|target|attack|ambush|bomb|shell|destroy|rammed|raided)\w*\s+"
    r"(?:an?|the|two|three|several|its|their)\s+(?:[\w-]+\s+)?$"
))
# "a group calling itself Liwa Ahrar al-Iraq claimed responsibility": a claimant no list holds yet
_SELF_NAMED = lx.gated(re.compile(
    r"\b(?:[Aa]n?|[Tt]he)\s+(?:(?:new|little-known|shadowy|previously unknown|obscure|militant)\s+)?"
    r"(?:group|faction|militia|outfit|organi[sz]ation)\s+(?:calling itself|that calls itself|known as|named)\s+"
    r"(?P<name>(?:al-|el-)?[A-Z][\w'’-]+(?:\s+(?:(?:al-|el-)?[A-Z][\w'’-]+|al-[\w'’-]+)){0,4})"
    r"(?=,?\s+(?:claimed responsibility|claimed the|took responsibility|said it (?:had )?(?:carried out|launched|"
    r"targeted|attacked)))"  # the claim is this attack's ("... has claimed similar attacks" is not)
))
_TARGET_NOUN_AFTER = re.compile(
    r"(?i)\s+(?:[\w-]+\s+)?(?:positions?|sites?|bases?|headquarters|facilit(?:y|ies)|members?|fighters|"
    r"commanders?|convoys?|vehicles?|targets|depots?|camps?|offices?|personnel|troops|outposts?|compounds?|"
    r"academy|checkpoints?|leaders?|officials?)\b"
)
_PASSIVE_HIT = re.compile(
    r"(?i)\b(?:were|was|had been|have been)\s+(?:also\s+)?(?:hit|struck|targeted|attacked|bombed|shelled)\b"
)


def _state_actor(phrase: str) -> str:
    """Return the actor name for 'US strikes' / 'Israeli strikes' / 'Turkish strikes'."""
    lowered = phrase.lower()
    if lowered.startswith("israeli"):
        return "Israel"
    if lowered.startswith("turkish"):
        return "Turkey"
    if lowered.startswith("iranian"):
        return "Iran"
    return "US forces"


def find_target(sentence: str, actor: str, place: Place) -> str:
    """Return who or what was attacked: a named target group, else the place."""
    for name, pattern in lx.TARGETS:
        if name != actor and pattern.search(sentence):
            return name
    return place.name


_RANGE_BEFORE = re.compile(r"(?i)\b(?:since|from|by|before|between)\s*$")
_WHEN_AFTER = re.compile(r",?\s+when\b")
_RANGE_START = re.compile(r"(?i)(?:since|from|until|till|by|before)\b")  # "since October" is a range, not a day
_SPEECH_BEFORE = lx.gated(re.compile(
    r"(?i)\b(?:said|says|announced|told \w+|reported|stated|confirmed|added|statement|briefing|"
    r"spokes(?:man|woman|person)|press conference|circulated|issued|posted|published|released)\s*"
    r"(?:late |early )?(?:on )?$"
))


@lru_cache(maxsize=8192)
def _range_before(text: str, start: int) -> bool:
    """Return True when the text before start ends like a range opener ("since", "between") (cached)."""
    return _RANGE_BEFORE.search(text[:start]) is not None


@lru_cache(maxsize=8192)
def _speech_before(text: str, start: int) -> bool:
    """Return True when the text before start ends like a speech verb ("said on") (cached)."""
    return _SPEECH_BEFORE.search(text[:start]) is not None


def _sentence_date(sentence: Sentence, article_date: date | None, anchor: int, skip: int = 0,
                   window: tuple[int, int] | None = None) -> DateMention | None:
    """Return the event date of the sentence (or of its window) nearest the anchor, a day-precise one first.

    Ranges, futures, datelines and dates in a context clause are ignored; a date that only says when
    something was said ("said on Sunday") is used as "on or before" (precision 3) when nothing better is there.
    """
    cut = _context_cut(sentence.text)
    low, high = window or (0, len(sentence.text))
    usable = [
        d for d in _dates_in(sentence.text, article_date)
        if max(skip, low) <= d.start < min(cut, high)
        and (not _range_before(sentence.text, d.start) or sentence.text.startswith("'s", d.end)  # "from Monday's"
             or _WHEN_AFTER.match(sentence.text, d.end))  # "since April 26, 2024, when a drone killed four"
        and not _RANGE_START.match(d.text)
        and (article_date is None or d.date <= article_date)
    ]
    events = [d for d in usable if not _speech_before(sentence.text, d.start)]
    if events:
        best = min(d.precision for d in events)
        return _nearest(((d.start, d) for d in events if d.precision == best), anchor)
    if usable:
        spoken = max(usable, key=lambda d: d.date)
        return DateMention(spoken.start, spoken.end, spoken.text, spoken.date, 3)
    return None


# --- article -> candidates -> reports -------------------------------------------------------------------


def _article_date(value: Any) -> date | None:
    """Return the article's publication date, or None when missing or invalid."""
    if not value or value is pd.NA:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


class ArticlePlaces:
    """The place mentions of one article, found in a single gazetteer pass and handed out per sentence.

    Organisation, actor and person names and the wire dateline are blanked first, so they are never places;
    the whole article is the context that disambiguates each name.
    """

    def __init__(self, text: str, gazetteer: Gazetteer, dateline_end: int) -> None:
        self.text, self.gazetteer, self.dateline_end = text, gazetteer, dateline_end
        self._index: MentionIndex | None = None

    @property
    def index(self) -> MentionIndex:
        """Return the article's mention index (the gazetteer scans the masked text on first use)."""
        if self._index is None:
            masked = _place_text(self.text)
            masked = " " * self.dateline_end + masked[self.dateline_end :]
            self._index = self.gazetteer.mention_index(masked)
        return self._index

    @property
    def mentions(self) -> list[Mention]:
        """Return every place mention of the article in text order."""
        return self.index.between(0, len(self.text) + 1)

    def between(self, start: int, end: int) -> list[Mention]:
        """Return the mentions that start in [start, end); names are resolved only in the ranges asked for."""
        return self.index.between(start, end)

    def in_sentence(self, sentence: Sentence, blanks: Iterable[tuple[int, int]] = ()) -> list[Mention]:
        """Return the mentions inside a sentence, offsets relative to it, skipping the blanked spans (an iterable
        read only when the sentence names a place)."""
        found = self.between(sentence.start, sentence.end)
        if not found:
            return []
        blanks = list(blanks)
        out = []
        for m in found:
            if m.end > sentence.end:
                continue
            start, end = m.start - sentence.start, m.end - sentence.start
            if any(start < b_end and b_start < end for b_start, b_end in blanks):
                continue
            out.append(Mention(m.text, start, end, m.place, m.demonym))
        return out



_DEFINITE_SITE = re.compile(
    r"\b(?:the|that|this)\s+(?:same\s+|sprawling\s+|desert\s+|US\s+|American\s+|coalition\s+)?"
    r"(?:base|air ?base|airfield|air field|garrison|outpost|compound|installation|embassy|camp|facility|"
    r"prison|jail|checkpoint|border crossing|airport|site|(?:gas |oil )?field|refinery|plant|dam|bridge|port|"
    r"(?P<area>area|town|city|district|village))\b",
    re.I,
)
ANTECEDENT_WINDOW = 700  # characters before the sentence in which "the base" looks for the base it means


# What "the airport", "the prison", "the embassy" can refer back to (default: a base, airfield or quarter).
_RARE_REFERENTS = frozenset({"dam", "bridge", "port", "embassy", "refinery", "prison", "jail"})
_REFERENT_KINDS = {"airport": ("airport",), "prison": ("site",), "jail": ("site",), "checkpoint": ("site",),
                   "crossing": ("site",), "embassy": ("site",), "dam": ("site",), "bridge": ("site",),
                   "port": ("site", "city")}


def _antecedent(sentence: Sentence, places: ArticlePlaces) -> list[tuple[Mention, bool]]:
    """Return the site a definite description ("the base", "the same airfield") refers to: the last one named."""
    if not _attack_clauses(sentence.text):
        return []
    phrase = _DEFINITE_SITE.search(sentence.text)
    if phrase is None or not any(s <= phrase.start() < e for s, e in _attack_clauses(sentence.text)):
        return []
    noun = phrase.group(0).split()[-1].lower()
    kinds = ("city", "town", "district") if phrase.group("area") else _REFERENT_KINDS.get(noun, ("site", "airport",
                                                                                               "district"))
    window = ANTECEDENT_WINDOW if noun not in _RARE_REFERENTS else sentence.start  # an article names few dams
    earlier = [
        m for m in places.between(sentence.start - window, sentence.start + phrase.start())
        if not m.demonym and m.place.kind in kinds
        and not (phrase.group("area") in ("town", "village") and m.place.name in lx.CAPITALS)
    ]
    if not earlier:
        return []
    site = earlier[-1].place
    return [(Mention(phrase.group(0), phrase.start(), phrase.end(), site), False)]


_THERE = re.compile(r"(?i)\b(?:there|in that area|at that site)\b")


def _there(sentence: Sentence, places: ArticlePlaces, trigger_at: int) -> list[tuple[Mention, bool]]:
    """Return the town or site "there" points back to ("jets struck an operations centre there"): the last one
    named in the sentences before, when the attack clause has no place of its own."""
    there = _THERE.search(sentence.text, trigger_at)
    if there is None or there.start() - trigger_at > 80:
        return []
    earlier = [m for m in places.between(sentence.start - 400, sentence.start)
               if not m.demonym and specificity(m.place) <= 1]
    if not earlier:
        return []
    return [(Mention(there.group(0), there.start(), there.end(), earlier[-1].place), False)]


def _negated(text: str, trigger_at: int) -> bool:
    """Return True when the sentence says the attack did not happen ("no attack was", "was not hit") or a side
    denies it before it is told; a denial after the attack is told ("...; Ankara denied responsibility") is a
    reaction to an attack that happened."""
    for negation in lx.NEGATED.finditer(text):
        if negation.start() < trigger_at or not negation.group(0).lower().startswith("denied"):
            return True
    return False


# "after the attack", "since Friday's strike": a sentence whose attack word only refers back to an attack told
# already (no place named with it) reports no new one.
_REFERRED_ATTACK = lx.gated(re.compile(
    r"(?i)\b(?:after|since|following|before|during|because of|due to|in)\s+"
    r"(?:the|that|this|these|those|its|their|last\s+\w+'s|\w+day's)\s+(?:[\w-]+\s+)?"
    r"(?:attacks?|strikes?|blasts?|explosions?|bombings?|shelling|incidents?|raids?)\b"
    r"(?!\s+(?:on|at|in|near|against|targeting|that|which|by|of)\b)"
))


_FIRST_WORD = re.compile(r"\w")


def _fronted_cause_end(text: str, trigger_at: int) -> int:
    """Return where a sentence-opening cause clause ends ("In response to the massacre in Zakho, ...") when the
    sentence's attack word comes after it, else 0."""
    first_word = _FIRST_WORD.search(text, 0, 9)
    opener = lx.CONTEXT_CLAUSE.match(text, first_word.start()) if first_word else None
    if opener is None:
        return 0
    comma = text.find(",", opener.end(), trigger_at)
    return comma if comma > 0 else 0


@lru_cache(maxsize=8192)
def _context_clause(text: str) -> re.Match[str] | None:
    """Return the opener of the sentence's cause/reaction clause ("in response to", "since the"), if any."""
    first_trigger = _trigger(text)
    if not first_trigger:
        return None
    return next((m for m in lx.CONTEXT_CLAUSE.finditer(text) if m.start() > first_trigger.start()), None)


def _reference_lead_in(text: str) -> re.Match[str] | None:
    """Return the cause/reaction opener of a sentence whose only attack is the one it refers to ("It was the
    first wave of a response to the drone attack on Tower 22"), or None. A sentence-initial opener ("In response
    to the attack, jets struck al-Qaim") is not one: its main clause follows."""
    first_trigger = _trigger(text)
    if not first_trigger:
        return None
    opener = next((m for m in lx.CONTEXT_CLAUSE.finditer(text, 0, first_trigger.start())), None)
    if opener is None or not re.search(r"\w", text[: opener.start()]):
        return None
    if "," in text[opener.end() : first_trigger.start()]:
        return None
    return opener


_DAYS_APART = re.compile(
    r"(?i)(?P<n>\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten) "
    r"(?P<unit>days?|weeks?) (?P<dir>after|before)"
)


def _last_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """Return the pattern's last match in the text, or None."""
    matches = list(pattern.finditer(text))
    return matches[-1] if matches else None


def _offset_days(opener: str) -> int | None:
    """Return the days from the main event to the one a "five days after ..." clause tells (negative: earlier)."""
    found = _DAYS_APART.search(opener)
    if found is None:
        return None
    days = _count_days(found["n"], found["unit"])
    return -days if found["dir"].lower() == "after" else days


def _count_days(count: str, unit: str) -> int:
    """Return the days a count of days or weeks spans ("five days", "two weeks", "a day")."""
    number = int(count) if count.isdigit() else lx.NUMBER_WORDS.get(count.lower(), 0)
    return number * (7 if unit.lower().startswith("week") else 1)


def _specific_reference(text: str, article_date: date | None) -> bool:
    """Return True when a clause names one specific past attack: an attack word plus a day, casualties or weapon."""
    if not _trigger(text):
        return False
    has_day = any(d.precision == 1 for d in _dates_in(text, article_date))
    return has_day or find_casualties(text) != (None, None) or find_weapon(text) != "unknown"


def _analyse_sentence(sentence: Sentence, places: ArticlePlaces, article_date: date | None, skip: int = 0
                      ) -> list[Candidate]:
    """Return the incident candidates one sentence reports (none for context, threats or summaries).

    A cause or reaction clause ("in response to the Feb. 15 rocket attack near Erbil airport that killed a
    contractor") is read on its own: it adds an incident only when it names one specific attack at a town or site.
    The first `skip` characters (a wire dateline) hold no event date.
    """
    opener = _context_clause(sentence.text)
    if opener is None:
        found = _analyse_part(sentence, places, article_date, skip)
        lead_in = _reference_lead_in(sentence.text)
        for candidate in found:  # "It was the first wave of a response to the drone attack on Tower 22"
            candidate.cause_clause = lead_in is not None and candidate.mention.start > lead_in.end()
        return found
    cut = opener.start()
    main = Sentence(sentence.start, sentence.start + cut, sentence.text[:cut], sentence.paragraph)
    found = _analyse_part(main, places, article_date, skip)
    rest_text = sentence.text[opener.end() :]
    if _specific_reference(rest_text, article_date):
        rest = Sentence(sentence.start + opener.end(), sentence.end, rest_text, sentence.paragraph)
        referred = [
            c for c in _analyse_part(rest, places, article_date, 0)
            if specificity(c.place) <= 1 and not (  # "a similar attack on the outpost": the main place, earlier
                _DEFINITE_SITE.fullmatch(c.mention.text) and any(m.place == c.place for m in found)
            )
        ]
        offset = _offset_days(opener.group(0))
        main_date = _sentence_date(main, article_date, len(main.text), skip)
        hours = bool(re.search(r"(?i)\bhours\s*$", opener.group(0))) and rest_text.lstrip().lower().startswith("after")
        for candidate in referred:
            candidate.cause_clause = True
            candidate.hours_before = hours or "hours after" in opener.group(0).lower()
            if offset is not None and candidate.event_date is None:
                candidate.offset_days = offset
                if main_date is not None and main_date.precision == 1:
                    candidate.event_date, candidate.time_precision = main_date.date + timedelta(days=offset), 1
        found += referred
    for candidate in found:
        candidate.sentence = sentence
    return found


def _analyse_part(sentence: Sentence, places: ArticlePlaces, article_date: date | None, skip: int = 0
                  ) -> list[Candidate]:
    """Return the incident candidates of one sentence or clause."""
    text = sentence.text
    trigger = _trigger(text)
    if not trigger or _negated(text, trigger.start()) or not _realised(text):
        return []
    if _past_year_event(text, trigger, article_date):
        return []
    referred = _REFERRED_ATTACK.search(text)
    if referred and referred.start() <= trigger.start() < referred.end() and not _trigger(text[referred.end() :]):
        return []  # "Production was suspended after the attack": the attack told already, its consequences here
    mentions = places.in_sentence(sentence, ((d.start, d.end) for d in _dates_in(text, article_date)))
    cause_end = _fronted_cause_end(text, trigger.start())
    if cause_end:  # "In response to the massacre ... in Zakho, the group targeted ...": Zakho is the cause
        mentions = [m for m in mentions if m.start > cause_end]
    if _REACTION_BEFORE.search(text[: trigger.start()]):
        mentions = [m for m in mentions if m.start > trigger.start()]  # "officials in Najaf condemned the raids"
    kept = _event_mentions(text, mentions)
    kept = [_city_airport(text, m, near, places.gazetteer) for m, near in kept]
    if len(kept) == 1 and specificity(kept[0][0].place) >= 3 and _DEFINITE_SITE.match(text):
        site = _antecedent(sentence, places)  # "The base, in Anbar province, was also targeted"
        kept = site if site and _contains(kept[0][0].place, site[0][0].place) else kept
    if not kept:
        if _BACK_REFERENCE.search(text[: trigger.start()]) and not _trigger(text[trigger.end() :]):
            return []  # "That attack shaped how the base prepares": a look back at an incident told already
        kept = _antecedent(sentence, places) or _there(sentence, places, trigger.start())
    if not kept:
        return []
    # The date is read only for a sentence that names an attacked place (most attack words do not).
    dated = _sentence_date(sentence, article_date, trigger.start(), skip)
    if lx.HABITUAL.search(text) and not (dated and dated.precision == 1):
        return []
    apart = _last_match(_DAYS_APART, text[: trigger.start()])
    if apart and dated and dated.precision == 1 and dated.end <= apart.start():
        # "... on Thursday, a day after a US drone incinerated their car": the day before that Thursday
        shifted = dated.date + timedelta(days=_offset_days(apart.group(0)) or 0)
        dated = DateMention(dated.start, dated.end, dated.text, shifted, 1)
    if all(specificity(m.place) >= 3 for m, _ in kept):
        kept = _coarse_only(text, kept, dated)
    else:
        kept = [(m, near) for m, near in kept if specificity(m.place) < 3]
    candidates = []
    fatalities, injured = find_casualties(text)
    outcome = find_outcome(text)
    actor, claimed = find_actor(text, trigger.start())
    defence = _DEFENCE.search(text)
    if actor and not claimed and defence and defence.start() <= trigger.start():
        actor = ""  # "American troops at al-Tanf intercepted two drones": the named side is the defender
    clause = text[: _context_cut(text)]
    for mention, near in kept:
        # One place: the most specific weapon named ("ballistic missiles and rockets"); several: the nearest.
        weapon = _event_weapon(clause, mention.start if len(kept) > 1 else None, actor, mention.start)
        candidate = Candidate(
            place=mention.place,
            mention=mention,
            sentence=sentence,
            geo_precision=geo_precision_of(mention.place, near),
            weapon=weapon,
            actor=actor,
            claimed=claimed,
            target=find_target(text, actor, mention.place),
            outcome=outcome,
            # Several places: only a stated "none" ("causing no casualties") holds for each of them.
            fatalities=fatalities if len(kept) == 1 or fatalities == 0 else None,
            injured=injured if len(kept) == 1 or injured == 0 else None,
        )
        if dated is None:  # "The operation came five days after US jets bombed al-Qaim"
            candidate.offset_days = _offset_days(text[: trigger.start()])
        if _NAMED_ATTACK_BEFORE.search(text[: mention.start]) and _ATTACK_NOUN.match(text, mention.end):
            # "The Erbil attack was among the most serious": a look back at an attack the article told already;
            # its weapon and day yield to that telling's when the two are merged.
            candidate.weapon_inferred = True
            candidate.date_inferred = not (dated and dated.precision == 1)
        own = _mention_date(sentence, article_date, mention, kept, skip) if len(kept) > 1 else None
        if own is not None or dated is not None:
            chosen = own or dated
            candidate.event_date, candidate.time_precision = chosen.date, chosen.precision
        candidates.append(candidate)
    return candidates + _told_again(text, candidates, article_date)


_AGAIN = re.compile(r"(?i)\b(?:and|then) again\s+(?:on\s+|late on\s+|early on\s+|in the early hours of\s+)?")


def _told_again(text: str, candidates: list[Candidate], article_date: date | None) -> list[Candidate]:
    """Return copies of the candidates for the second day of "struck the site on June 22 and again on June 25",
    the first keeping the day before "again"."""
    again = _AGAIN.search(text) if candidates else None
    if again is None:
        return []
    days = [d for d in _dates_in(text, article_date) if d.precision == 1]
    first = [d for d in days if d.end <= again.start()]
    second = [d for d in days if 0 <= d.start - again.end() <= 3]
    if not first or not second or first[-1].date == second[0].date:
        return []
    day = first[-1].date
    if not re.search(r"\d{4}", first[-1].text) and re.search(r"\d{4}", second[0].text):
        with contextlib.suppress(ValueError):  # "on June 22 and again on June 25, 2022": the year is shared
            day = day.replace(year=second[0].date.year)
    for candidate in candidates:
        candidate.event_date, candidate.time_precision = day, 1
    return [dataclasses.replace(c, event_date=second[0].date, time_precision=1, again=True) for c in candidates]


def _mention_date(sentence: Sentence, article_date: date | None, mention: Mention,
                  kept: list[tuple[Mention, bool]], skip: int) -> DateMention | None:
    """Return a day-precise date told between this place and the next one the sentence names, if any."""
    following = [m.start for m, _ in kept if m.start > mention.start]
    window = (mention.start, min(following) if following else len(sentence.text))
    dated = _sentence_date(sentence, article_date, mention.start, skip, window)
    return dated if dated is not None and dated.precision == 1 else None


_REACTION_BEFORE = lx.gated(re.compile(
    r"(?i)\b(?:condemn(?:ed|s|ing)?|denounc(?:ed|es|ing)|critici[sz](?:ed|es|ing)|deplor(?:ed|es|ing)|"
    r"protest(?:ed|s|ing)? (?:against|over)|mourn(?:ed|s|ing)|welcom(?:ed|es|ing)|prais(?:ed|es|ing)|"
    r"reject(?:ed|s|ing)|called|described)\s+(?:(?:the|a|an|this|these|those|its|their|his|her)\s+)?"
    r"(?:[\w-]+\s+){0,3}$"
))
_BACK_REFERENCE = re.compile(r"(?i)\b(?:that|this|the same|those|these)\s+(?:[a-z-]+\s+)?$")
_YEAR_AFTER = re.compile(r"(?i)\b(?:in|before|until|prior to) (?P<year>(?:19|20)\d\d)\b(?![-/])")
_YEAR_BEFORE = re.compile(r"\b(?P<year>(?:19|20)\d\d)\s+(?:[a-z-]+\s+){0,2}$")


def _past_year_event(text: str, trigger: re.Match[str], article_date: date | None) -> bool:
    """Return True when the attack word names an event of an earlier year ("the 2020 killing of al-Muhandis",
    "after US forces killed bin Laden in Abbottabad in 2011") and no later attack word follows that year."""
    if article_date is None:
        return False
    year = _YEAR_BEFORE.search(text[max(0, trigger.start() - 30) : trigger.start()])
    rest = text[trigger.end() :]
    if year is None:
        year = _YEAR_AFTER.search(text, trigger.end(), trigger.end() + 90)
        rest = text[year.end() :] if year else rest
    return bool(year and int(year["year"]) < article_date.year and not _trigger(rest))


_DEFENCE = lx.gated(re.compile(
    r"(?i)\b(?:intercept(?:ed|s)|shot down|downed|brought down|repelled|fended off|thwarted|foiled|engaged)\b"
))
_DRONE_STRIKE = lx.gated(re.compile(r"\b(?:drone|UAV)\s+(?:strike|attack|raid)s?\b", re.I))
_STATE_ACTORS = ("US forces", "Israel", "Turkey", "Jordan", "Russia")
_STATE_STRIKE = lx.gated(re.compile(r"(?i)\b(?:struck|strikes?|striking|bombed|raids?)\b"))


def _event_weapon(clause: str, position: int | None, actor: str, place_at: int | None = None) -> str:
    """Return the weapon of the attack the clause reports; a state military's 'strikes' are airstrikes.

    A state agent told only after the place ("a drone killed three at Tower 22 ... and the United States struck
    back") acts in a later event when a weapon is named before the place.
    """
    agent = _STATE_AGENT.search(clause)
    if agent and place_at is not None and agent.start() > place_at and find_weapon(clause[:place_at]) != "unknown":
        agent = None
    if agent and _INTERCEPTOR.search(clause):
        agent = None  # "an American F-15 shot down a drone": the state's jet defended
    if actor in _STATE_ACTORS and _STATE_STRIKE.search(clause) and find_weapon(clause, position) == "unknown":
        return "airstrike"  # "US Central Command said its forces struck 85 targets": a state's strikes, no weapon named
    if agent or (actor in _STATE_ACTORS and re.search(r"(?i)\bair ?strikes?\b", clause)):
        near_agent = clause[agent.start() : agent.end() + 40] if agent else clause
        return "drone" if "drone" in near_agent.lower() or _DRONE_STRIKE.search(near_agent) else "airstrike"
    if position is None and place_at is not None:
        found = _weapons_in(clause)
        if len({w for _, w in found}) > 1 and found[-1][0] - found[0][0] > 60:
            # "Rockets struck the site in June, and drones hit it twice in late 2023": weapons of two tellings,
            # far apart; the one told next to the place is its weapon ("ballistic missiles and rockets" stays one).
            return _nearest(found, place_at)
    return find_weapon(clause, position)


_THE_AIRPORT = re.compile(r"(?i)\b(?:the|its|the city's) (?:[\w-]+ )?(?:airport|air base|airbase)\b")


def _city_airport(text: str, mention: Mention, near: bool, gazetteer: Gazetteer) -> tuple[Mention, bool]:
    """Return the city's airport when the sentence puts the attack there ("rockets struck Hewler, landing inside
    the airport compound"), else the mention as it is."""
    if mention.place.kind != "city" or not _THE_AIRPORT.search(text, mention.end):
        return mention, near
    airport = gazetteer.resolve(f"{mention.text} airport")
    if airport is None or airport.kind != "airport" or _km(airport, mention.place) > 25:
        return mention, near
    return Mention(mention.text, mention.start, mention.end, airport, mention.demonym), near


def _coarse_only(text: str, kept: list[tuple[Mention, bool]], dated: DateMention | None) -> list[tuple[Mention, bool]]:
    """Return region/country mentions that stand for one incident's location (else none)."""
    province = kept[0][0].place.kind in ("admin1", "admin2") if kept else False
    if len(kept) > 1 or (dated is None and not province) or (dated is not None and dated.precision != 1):
        return []  # "missiles hit gatherings in Idlib province" stands; "attacks in Syria" needs its day
    mention, near = kept[0]
    if not _LOCATIVE_BEFORE.search(text[max(0, mention.start - 20) : mention.start]):
        return []
    return [(mention, near)]


def _attach_followups(sentences: list[Sentence], candidates: dict[int, list[Candidate]]) -> None:
    """Fill weapon, casualties, outcome and actor of a lone candidate from the next sentences of its paragraph."""
    for index, own in candidates.items():
        if len(own) != 1:
            _zeros_for_all(sentences, index, own, candidates)
            continue
        candidate = own[0]
        for follow_index in range(index + 1, min(index + 5, len(sentences))):
            follow = sentences[follow_index]
            if follow.paragraph > sentences[index].paragraph + 1:
                break
            if follow_index in candidates:
                if all(c.place == candidate.place for c in candidates[follow_index]):
                    continue
                break
            if follow.paragraph != sentences[index].paragraph and not _about_attack(follow.text):
                break
            if _context_clause(follow.text) is not None or _other_attack(candidate, follow.text):
                break  # "The strikes were a response to ...", "US helicopters responded": another attack
            if not _own_side_victims(candidate, follow.text):
                _fill_from(candidate, follow)


_TOTAL = lx.gated(re.compile(r"(?i)\b(?:in all|in total|altogether|all told|death toll|toll rose|toll reached)\b"))
_RESPONSE = lx.gated(re.compile(r"(?i)\b(?:responded|retaliated|hit back|struck back|returned fire|in response)\b"))


def _other_attack(candidate: Candidate, text: str) -> bool:
    """Return True when a follow-up sentence tells a different attack (a response, another weapon family)."""
    if _RESPONSE.search(text):
        return True
    weapon = find_weapon(text)
    return weapon != "unknown" and candidate.weapon != "unknown" and not weapons_compatible(weapon, candidate.weapon)


def _zeros_for_all(sentences: list[Sentence], index: int, own: list[Candidate],
                   candidates: dict[int, list[Candidate]]) -> None:
    """Give every incident of a several-place sentence the "none" the next sentence states ("No one was killed
    in those strikes."): only a stated none, never a count, is shared out."""
    if index + 1 >= len(sentences) or index + 1 in candidates:
        return
    follow = sentences[index + 1]
    if follow.paragraph != sentences[index].paragraph:
        return
    fatalities, injured = find_casualties(follow.text)
    if (fatalities, injured) == (None, None) or fatalities not in (0, None) or injured not in (0, None):
        return
    for candidate in own:
        candidate.fatalities = fatalities if candidate.fatalities is None else candidate.fatalities
        candidate.injured = injured if candidate.injured is None else candidate.injured


def _about_attack(text: str) -> bool:
    """Return True when a sentence speaks of an attack, its damage or its casualties."""
    return bool(_trigger(text) or lx.NO_CASUALTIES.search(text) or lx.NO_INJURIES.search(text)
                or lx.CLAIM.search(text) or _TOTAL.search(text))


def _fill_from(candidate: Candidate, follow: Sentence) -> None:
    """Fill the candidate's missing details from a follow-up sentence about the same incident."""
    fatalities, injured = find_casualties(follow.text)
    if candidate.fatalities is None and fatalities is not None:
        candidate.fatalities = fatalities
    elif fatalities and _TOTAL.search(follow.text):
        candidate.fatalities = max(candidate.fatalities or 0, fatalities)  # "ten people in all died"
    if candidate.injured is None and injured is not None:
        candidate.injured = injured
    if candidate.weapon == "unknown":
        candidate.weapon = find_weapon(follow.text)
        candidate.weapon_inferred = candidate.weapon != "unknown"
    outcome = find_outcome(follow.text)
    if outcome != "unknown" and candidate.outcome != "impact":
        candidate.outcome = outcome
    trigger = _trigger(follow.text)
    if not candidate.actor and (trigger or lx.CLAIM.search(follow.text)):
        # the agent of the follow-up's attack word, or its claimant; not any group it names
        candidate.actor, candidate.claimed = find_actor(follow.text, trigger.start() if trigger else len(follow.text))


def _refine_coarse(sentences: list[Sentence], candidates: dict[int, list[Candidate]], places: ArticlePlaces) -> None:
    """Give a region/country-level candidate the one specific site the next sentences name inside that area."""
    for index, own in candidates.items():
        for candidate in own:
            if specificity(candidate.place) < 3:
                continue
            for at, follow in enumerate(sentences[index + 1 : index + 3], start=index + 1):
                found = places.in_sentence(follow)
                sites = {
                    m.place for m in found
                    if not m.demonym and specificity(m.place) <= 1 and _contains(candidate.place, m.place)
                    and not any(_km(m.place, c.place) < 15 for c in own if c.cause_clause)  # told as the cause
                    and not any(_other_event(c, candidate) for c in candidates.get(at, []) if c.place == m.place)
                }
                if len(sites) == 1:
                    place = sites.pop()
                    mention = next(m for m in found if m.place == place)
                    candidate.place, candidate.geo_precision, candidate.refined = place, 1, True
                    candidate.mention = Mention(mention.text, follow.start + mention.start, follow.start + mention.end,
                                                place)
                    break


def _other_event(told: Candidate, coarse: Candidate) -> bool:
    """Return True when a site's own telling is another attack than the coarse one ("American aircraft struck
    depots in Iraq on Thursday. ... Tuesday's barrage of rockets on Camp Taji"): another weapon, or days apart."""
    if not weapons_compatible(told.weapon, coarse.weapon):
        return True
    if told.event_date is None or coarse.event_date is None:
        return False
    return abs((told.event_date - coarse.event_date).days) > 1  # "overnight" and "early on Tuesday" are one night


def _carry_dates(sentences: list[Sentence], candidates: dict[int, list[Candidate]], article_date: date | None
                 ) -> None:
    """Give undated candidates the date of an earlier dated sentence of the same paragraph."""
    last: tuple[int, date, int] | None = None
    last_text = ""
    for index in sorted(candidates):
        paragraph = sentences[index].paragraph
        following = _FOLLOWING.search(sentences[index].text)
        if following and last and last[2] == 1:
            days = 0 if following.group(0).lower().startswith("hours") else 1
            if following.group("n"):  # "Eight days later, a drone killed three soldiers at Tower 22"
                days = _count_days(following.group("n"), following.group("unit"))
            day = last[1] + timedelta(days=days)
            for candidate in candidates[index]:  # "the next morning, militants fired on Green Village"
                if candidate.event_date is None or (
                        candidate.time_precision == 1 and candidate.event_date.weekday() == day.weekday()):
                    candidate.event_date, candidate.time_precision = day, 1  # "A day later, on Tuesday": that one
        if not any(c.event_date for c in candidates[index]):
            dated = _sentence_date_anywhere(sentences, index, article_date)
            if dated:
                for candidate in candidates[index]:
                    candidate.event_date, candidate.time_precision = dated.date, dated.precision
                    candidate.date_inferred = True
        for candidate in candidates[index]:
            if candidate.event_date is None and last and last[0] == paragraph:
                candidate.event_date, candidate.time_precision = last[1], last[2]
                candidate.date_inferred = True
                if candidate.hours_before and last[2] == 1 and _EARLY_HOURS.search(last_text):
                    # "In the early hours of Jan. 16, drones ... The attack came hours after missiles hit Irbil":
                    # hours before the small hours of a day is the evening before.
                    candidate.event_date -= timedelta(days=1)
                    candidate.date_inferred = False
            elif candidate.event_date is not None:
                last = (paragraph, candidate.event_date, candidate.time_precision)
                last_text = candidate.sentence.text


_EARLY_HOURS = re.compile(r"(?i)\b(?:early hours|small hours|before dawn|pre-dawn|after midnight|at dawn)\b")
_FOLLOWING = re.compile(
    r"(?i)\b(?:the (?:next|following) (?:day|morning|afternoon|evening|night)|a day later|the day after|"
    r"hours later|(?P<n>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) (?P<unit>days|weeks) "
    r"later)\b(?!\s+(?:the|a|an)\b)"
)


def _heading_date(text: str, article_date: date | None) -> DateMention | None:
    """Return the date a sentence that is nothing but a date ("TUESDAY.", "Monday, Aug. 5:") gives, or None."""
    if len(text) > 40:
        return None
    days = [d for d in _dates_in(text, article_date) if d.precision == 1]
    rest = re.sub(r"[\W\d_]+", "", text[: days[0].start] + text[days[-1].end :]) if days else text
    return days[-1] if days and len(rest) <= 3 else None


def _sentence_date_anywhere(sentences: list[Sentence], index: int, article_date: date | None) -> DateMention | None:
    """Return the day an earlier sentence of the same paragraph gives: a heading ("TUESDAY.") or an attack
    sentence's date; undated attack sentences in between are passed over ("Rockets were fired at two bases.")."""
    for previous in reversed(sentences[max(0, index - 3) : index]):
        if previous.paragraph != sentences[index].paragraph:
            return None
        heading = _heading_date(previous.text, article_date)
        if heading is not None:
            return heading  # a round-up's "TUESDAY." or "Jan. 20 -" line dates what follows
        if not _trigger(previous.text):
            return None
        dated = _sentence_date(previous, article_date, len(previous.text))
        if dated is not None:
            return dated if dated.precision == 1 else None
    return None


# "No group claimed responsibility for the attack": a claim told elsewhere in the article is another attack's.
_NO_CLAIM = lx.gated(re.compile(
    r"(?i)\bno (?:group|one|faction|organi[sz]ation|party)\b[^.;]{0,25}?\b(?:claimed|took|has taken|had taken)\b"
))


def _article_claims(sentences: list[Sentence]) -> str:
    """Return the actor named in a claim-of-responsibility sentence of the article, or ''."""
    for sentence in sentences:
        if lx.CLAIM.search(sentence.text):
            actor, _ = find_actor(sentence.text, len(sentence.text))
            if actor and actor not in ("US forces",):
                return actor
    return ""


def _merge_candidates(candidates: list[Candidate]) -> list[Candidate]:
    """Return candidates with repeated tellings of one incident in the same article merged."""
    merged: list[Candidate] = []
    for candidate in candidates:
        twins = [m for m in merged if _same_incident(m, candidate)]
        # The closest telling wins: the airport a few km off before the country that holds it.
        twin = min(twins, key=lambda m: (specificity(m.place) >= 3, _km(m.place, candidate.place)), default=None)
        if twin is None:
            merged.append(candidate)
            continue
        if candidate.geo_precision < twin.geo_precision or specificity(candidate.place) < specificity(twin.place):
            twin.place, twin.mention, twin.geo_precision = candidate.place, candidate.mention, candidate.geo_precision
            if candidate.event_date and candidate.time_precision == 1 and not candidate.date_inferred:
                twin.event_date, twin.time_precision = candidate.event_date, 1  # the finer telling's day
        elif twin.refined and not candidate.refined and candidate.time_precision == 1 and not candidate.date_inferred:
            twin.event_date, twin.time_precision = candidate.event_date, 1  # the town's own telling's day
        better_date = (
            twin.event_date is None or (twin.date_inferred and not candidate.date_inferred)
            or (candidate.time_precision < twin.time_precision and twin.date_inferred >= candidate.date_inferred)
        )
        if better_date and candidate.event_date is not None:
            twin.event_date, twin.time_precision = candidate.event_date, candidate.time_precision
            twin.date_inferred = candidate.date_inferred
        if twin.weapon == "unknown" or (twin.weapon_inferred and not candidate.weapon_inferred):
            twin.weapon, twin.weapon_inferred = candidate.weapon, candidate.weapon_inferred
        if not twin.actor and candidate.actor:
            twin.actor, twin.claimed = candidate.actor, candidate.claimed
        twin.claimed = twin.claimed or (candidate.claimed and candidate.actor == twin.actor)
        if twin.outcome != "impact" and candidate.outcome != "unknown":
            twin.outcome = candidate.outcome
        twin.fatalities = larger_stated(twin.fatalities, candidate.fatalities)
        twin.injured = larger_stated(twin.injured, candidate.injured)
    return merged


def _same_incident(a: Candidate, b: Candidate) -> bool:
    """Return True when two candidates of one article are the same place (or one contains the other) and time."""
    if a.sentence is b.sentence and a.cause_clause != b.cause_clause:
        return False  # "strikes in Iraq, hours after a drone hit Erbil": the clauses tell two incidents
    same_place = a.place == b.place or _km(a.place, b.place) < 3
    nested = (_contains(a.place, b.place) or _contains(b.place, a.place)) and (
        max(specificity(a.place), specificity(b.place)) >= 2 or _km(a.place, b.place) < 15
    )  # a town holds a site in its own district, not every base 40 km out
    if not (same_place or nested):
        return False
    if not (weapons_compatible(a.weapon, b.weapon) or a.weapon_inferred or b.weapon_inferred):
        return False
    if a.event_date is None or b.event_date is None:
        return True
    if a.date_inferred or b.date_inferred:
        return True  # a date borrowed from the story yields to the one this place's own telling gives
    if a.time_precision == 1 and b.time_precision == 1:
        # A region and the town inside it, a night apart ("overnight" vs "early on Tuesday"): one strike.
        night_apart = (nested and not same_place) or a.refined or b.refined
        return abs((a.event_date - b.event_date).days) <= (1 if night_apart else 0)
    return abs((a.event_date - b.event_date).days) <= 31


_HASHTAG = re.compile(r"#(?=[A-Z])")


def extract_article(article: Mapping[str, Any], gazetteer: Gazetteer) -> list[dict[str, Any]]:
    """Return the report rows (dicts with REPORT_COLUMNS) for one article."""
    text = str(article.get("text") or "")
    if "#" in text:  # "near #Kobani" reads as "near Kobani" (same offsets; the evidence keeps the hashtag)
        text = _HASHTAG.sub(" ", text)
    article_date = _article_date(article.get("published"))
    sentences = split_sentences(text)
    dateline = DATELINE.match(text[:120])
    places = ArticlePlaces(text, gazetteer, dateline.end() if dateline else 0)
    by_sentence: dict[int, list[Candidate]] = {}
    for index, sentence in enumerate(sentences):
        if not _trigger(sentence.text):
            continue  # no attack word: context only
        skip = max(0, dateline.end() - sentence.start) if dateline and index == 0 else 0
        found = _analyse_sentence(sentence, places, article_date, skip)
        if found:
            by_sentence[index] = found
    _enumerated_targets(sentences, by_sentence, places, article_date)
    if not by_sentence:
        return []
    _attach_followups(sentences, by_sentence)
    _refine_coarse(sentences, by_sentence, places)
    _carry_dates(sentences, by_sentence, article_date)
    claimant = "" if _NO_CLAIM.search(text) else _article_claims(sentences)
    candidates = [c for index in sorted(by_sentence) for c in by_sentence[index]]
    _weapon_from_previous_sentence(sentences, by_sentence)
    _weapon_from_story(candidates, _lead_weapon(sentences))
    lead = _lead_date(sentences, article_date, dateline.end() if dateline else 0)
    _date_from_story(candidates, lead)
    anchor = lead.date if lead is not None and lead.precision == 1 else _first_day(sentences[:2], article_date)
    for candidate in candidates:
        if candidate.offset_days is not None and anchor and (candidate.event_date is None or candidate.date_inferred):
            candidate.event_date = anchor + timedelta(days=candidate.offset_days)  # from the story's own day
            candidate.time_precision, candidate.date_inferred = 1, False
    _actor_from_story(candidates, _lead_actor(sentences))
    for candidate in candidates:
        if not candidate.actor and claimant and len(candidates) <= 3:
            candidate.actor, candidate.claimed = claimant, True
    merged = _merge_candidates(candidates)
    _casualties_from_story(merged, sentences, places)
    return [_report_row(article, c, article_date) for c in merged]


_TARGET_LIST = lx.gated(re.compile(  # anchored at the start: search() is match() here, and can be gated
    r"(?i)^(?:[^.;]{0,50}?\b(?:targets?|sites?|facilit(?:y|ies)|positions|depots?|locations|compounds?)|"
    r"(?:the|a) (?:first|second|third|fourth|fifth|other|last|remaining)(?: one| target| site| strike)?|another"
    r"(?: one| target| site| strike)?)\s+(?:[\w-]+\s+){0,2}?(?:was|were|lay|included|included a)\b"
))


_LOCATED_AT = re.compile(
    r"(?i)\b(?:in|at|near|outside|around|inside|by|on the outskirts of)\s+(?:the\s+)?"
    r"(?:(?:border\s+)?(?:town|city|village|area|district|province|outskirts) of\s+)?$"
)


def _enumerated_targets(sentences: list[Sentence], candidates: dict[int, list[Candidate]], places: ArticlePlaces,
                        article_date: date | None) -> None:
    """Add the targets a sentence lists after a strike on several ("US jets struck two sites in eastern Syria. The
    first target was a training facility near Abu Kamal. The second was a safe house near Mayadin.")."""
    for index, sentence in enumerate(sentences):
        if index in candidates or not _TARGET_LIST.search(sentence.text):
            continue
        anchor = next((
            earlier for earlier in reversed(sentences[max(0, index - 4) : index])
            if earlier.paragraph >= sentence.paragraph - 2 and _trigger(earlier.text) and _realised(earlier.text)
            and not _negated(earlier.text, _trigger(earlier.text).start())  # type: ignore[union-attr]
            and _context_clause(earlier.text) is None
        ), None)
        if anchor is None:
            continue
        trigger = _trigger(anchor.text)
        actor, claimed = find_actor(anchor.text, trigger.start())
        weapon = _event_weapon(anchor.text[: _context_cut(anchor.text)], trigger.start(), actor)
        dated = _sentence_date(anchor, article_date, trigger.start())
        found = []
        for mention in places.in_sentence(sentence):
            before = sentence.text[max(0, mention.start - 40) : mention.start]
            if mention.demonym or specificity(mention.place) > 2 or not _LOCATED_AT.search(before):
                continue  # only a place the target is at ("near Abu Kamal"), not "a message to Washington"
            if _DISTANCE_REFERENCE.search(before):
                continue
            found.append(Candidate(
                place=mention.place, mention=mention, sentence=sentence,
                geo_precision=geo_precision_of(mention.place, bool(lx.NEAR_BEFORE.search(before))),
                weapon=weapon, actor=actor, claimed=claimed, outcome=find_outcome(anchor.text),
                event_date=dated.date if dated else None, time_precision=dated.precision if dated else 3,
                date_inferred=dated is None,
            ))
        if found:
            candidates[index] = found


def _casualties_from_story(candidates: list[Candidate], sentences: list[Sentence], places: ArticlePlaces) -> None:
    """Fill unstated casualty figures from sentences whose places fit one incident only.

    An article's only incident takes figures from sentences that name no other place; with several incidents, a
    sentence must name the incident's place (or an area containing it) and no place of another incident.
    """
    for sentence in sentences:
        if all(c.fatalities is not None and c.injured is not None for c in candidates):
            return
        fatalities, injured = find_casualties(sentence.text)
        if (fatalities is None and injured is None) or _context_clause(sentence.text) is not None:
            continue
        named = [m for m in places.in_sentence(sentence) if not m.demonym and not _attributive_country(sentence, m)]
        fitting = [
            c for c in candidates
            if all(_same_area(m.place, c.place) for m in named) and not _own_side_victims(c, sentence.text)
        ]
        if _EACH_INCIDENT.search(sentence.text) and fatalities in (0, None) and injured in (0, None):
            for candidate in fitting:  # "no one was killed or wounded at either site": a stated none for each
                candidate.fatalities = fatalities if candidate.fatalities is None else candidate.fatalities
                candidate.injured = injured if candidate.injured is None else candidate.injured
            continue
        if len(fitting) != 1 or (len(candidates) > 1 and not named):
            continue
        candidate = fitting[0]
        if candidate.fatalities is None:
            candidate.fatalities = fatalities
        if candidate.injured is None:
            candidate.injured = injured


_EACH_INCIDENT = re.compile(
    r"(?i)\b(?:at|in|on|from) (?:either|both|each|any|all|neither)(?: of)?(?: the)?(?: two| three| four)? "
    r"(?:sites?|bases?|attacks?|strikes?|locations?|incidents?|facilities|installations?|targets?)\b"
)
_US_VICTIMS = re.compile(
    r"\b(?:U\.?S\.?|American|coalition)\s+(?:[\w-]+\s+){0,2}?(?:personnel|troops|service ?members|soldiers|"
    r"servicemen|contractors?|citizens?|sailors|marines|airmen)\b"
)


def _own_side_victims(candidate: Candidate, text: str) -> bool:
    """Return True when the text counts the attacker's own people (US troops hurt, told of a US strike)."""
    return candidate.actor == "US forces" and bool(_US_VICTIMS.search(text))


def _same_area(mentioned: Place, place: Place) -> bool:
    """Return True when a mentioned place is the incident's place, contains it or lies within 3 km of it."""
    return mentioned == place or _contains(mentioned, place) or _km(mentioned, place) <= 3


def _attributive_country(sentence: Sentence, mention: Mention) -> bool:
    """Return True for a country name used as an adjective ("US personnel"), not as a location ("in Syria")."""
    if mention.place.kind not in ("country", "continent"):
        return False
    if lx.LOCATIVE_CUE.search(sentence.text[max(0, mention.start - 30) : mention.start]):
        return False
    return mention.text in _US_FORMS or bool(_ADJECTIVE_USE.match(sentence.text, mention.end))


_US_FORMS = ("US", "U.S.", "U.S", "UK", "U.K.", "U.K")
_ADJECTIVE_USE = re.compile(
    r"\s+(?:forces|troops|personnel|officials?|soldiers|service ?members|military|government|army|air force|navy|"
    r"contractors?|citizens?|nationals?|diplomats?|embassy|authorities|sources|officers?|marines|special forces)\b"
)


def _lead_date(sentences: list[Sentence], article_date: date | None, dateline_end: int) -> DateMention | None:
    """Return the date of the first dated attack sentence among the article's first three, if any.

    A day-precise event date wins; a lead that only gives a month, or when a claim or statement came ("said on
    Sunday it had carried out attacks"), gives that date as "on or before" (precision 3).
    """
    spoken = None
    for index, sentence, trigger in _lead_attacks(sentences):
        skip = max(0, dateline_end - sentence.start) if index == 0 else 0
        dated = _sentence_date(sentence, article_date, trigger.start(), skip)
        if dated and dated.precision == 1:
            return dated
        spoken = spoken or (dated if dated and dated.precision == 3 else None)
    return spoken


def _lead_attacks(sentences: list[Sentence]) -> Iterator[tuple[int, Sentence, re.Match[str]]]:
    """Yield (index, sentence, attack word) for the article's first three sentences that report an attack."""
    for index, sentence in enumerate(sentences[:3]):
        trigger = _trigger(sentence.text)
        if trigger and _realised(sentence.text):
            yield index, sentence, trigger


def _actor_from_story(candidates: list[Candidate], lead_actor: str = "") -> None:
    """Give actorless airstrikes the actor of the last airstrike told before them ("The strikes hit ..."), else
    the state the lead names as striking ("The United States struck 85 targets ... al-Qaim was hit")."""
    for index, candidate in enumerate(candidates):
        if candidate.actor or candidate.weapon != "airstrike":
            continue
        before = [c for c in candidates[:index] if c.actor and c.weapon == "airstrike" and not c.cause_clause]
        if before:
            candidate.actor = before[-1].actor
        elif lead_actor in _STATE_ACTORS:
            candidate.actor = lead_actor


def _lead_actor(sentences: list[Sentence]) -> str:
    """Return the actor of the article's first attack sentence among its first three, or ''."""
    for _, sentence, trigger in _lead_attacks(sentences):
        actor, _ = find_actor(sentence.text, trigger.start())
        if actor:
            return actor
    return ""


def _weapon_from_previous_sentence(sentences: list[Sentence], candidates: dict[int, list[Candidate]]) -> None:
    """Give weaponless candidates the weapon of the attack sentence just before theirs in the paragraph
    ("Rockets were fired at two bases. At the Conoco gas field site, three service members were hurt.")."""
    for index, own in candidates.items():
        if index == 0 or sentences[index - 1].paragraph != sentences[index].paragraph or index - 1 in candidates:
            continue
        previous = sentences[index - 1].text
        weapon = find_weapon(previous) if _trigger(previous) else "unknown"
        for candidate in own:
            if candidate.weapon == "unknown" and weapon != "unknown":
                candidate.weapon, candidate.weapon_inferred = weapon, True


def _weapon_from_story(candidates: list[Candidate], lead_weapon: str) -> None:
    """Give candidates with no weapon that of the attack told just before (same or previous paragraph), else
    the lead's ("US strikes hit a depot in Deir ez-Zor. Two more fighters died in strikes near al-Mayadin")."""
    for index, candidate in enumerate(candidates):
        if candidate.weapon != "unknown":
            continue
        paragraph = candidate.sentence.paragraph
        before = [
            c for c in candidates[:index]
            if not c.weapon_inferred and not c.cause_clause and c.weapon != "unknown"
            and paragraph - 1 <= c.sentence.paragraph <= paragraph
        ]
        weapon = before[-1].weapon if before else lead_weapon
        candidate.weapon, candidate.weapon_inferred = weapon, weapon != "unknown"


def _first_day(sentences: list[Sentence], article_date: date | None) -> date | None:
    """Return the first day-precise date the sentences give (a dateline, "said on Tuesday"), or None."""
    for sentence in sentences:
        days = [d for d in _dates_in(sentence.text, article_date) if d.precision == 1]
        if days:
            return days[0].date
    return None


def _lead_weapon(sentences: list[Sentence]) -> str:
    """Return the weapon of the article's first attack sentence among its first three, or 'unknown'."""
    for _, sentence, trigger in _lead_attacks(sentences):
        actor, _ = find_actor(sentence.text, trigger.start())
        weapon = _event_weapon(sentence.text[: _context_cut(sentence.text)], trigger.start(), actor)
        if weapon != "unknown":
            return weapon
    return "unknown"


def _date_from_story(candidates: list[Candidate], lead: DateMention | None) -> None:
    """Date undated candidates from the last dated candidate before them with a compatible weapon, else the lead."""
    for index, candidate in enumerate(candidates):
        if candidate.event_date is not None:
            continue
        earlier = [
            c for c in candidates[:index]
            if c.event_date is not None and c.time_precision == 1 and not c.cause_clause
            and weapons_compatible(c.weapon, candidate.weapon)
        ]
        if earlier:
            candidate.event_date, candidate.time_precision = earlier[-1].event_date, 1
        elif lead is not None:
            candidate.event_date, candidate.time_precision = lead.date, lead.precision
        candidate.date_inferred = candidate.event_date is not None


def _confidence(candidate: Candidate) -> float:
    """Return a 0-1 score from how much of the incident the text pins down."""
    score = 0.45
    score += 0.15 if candidate.geo_precision == 1 else 0.05 if candidate.geo_precision == 2 else 0.0
    score += 0.15 if candidate.time_precision == 1 else 0.05 if candidate.time_precision == 2 else 0.0
    score += 0.1 if candidate.weapon != "unknown" else 0.0
    score += 0.08 if candidate.actor else 0.0
    score += 0.05 if candidate.fatalities is not None or candidate.injured is not None else 0.0
    return round(min(score, 0.99), 2)


def _report_row(article: Mapping[str, Any], candidate: Candidate, article_date: date | None) -> dict[str, Any]:
    """Return one report row for a candidate."""
    event_date = candidate.event_date or article_date
    precision = candidate.time_precision if candidate.event_date else 3
    if article_date and event_date and event_date > article_date:
        event_date, precision = article_date, 3
    event_type, sub_event_type = lx.SUB_EVENT_BY_WEAPON[candidate.weapon]
    outcome = candidate.outcome
    if outcome == "unknown" and (candidate.weapon == "airstrike" or candidate.actor in _STATE_ACTORS):
        outcome = "impact"  # a state's strike is told when it hit; interceptions are said
    sentence = candidate.sentence
    article_id = str(article.get("article_id") or "")
    report_key = f"{article_id}|{sentence.start}|{candidate.place.name}"
    if candidate.cause_clause:  # the same place can be told twice in one sentence: now and in the cause clause
        report_key += f"|{candidate.mention.start}"
    if candidate.again:  # and on two days ("on June 22 and again on June 25")
        report_key += f"|{candidate.event_date}"
    place = candidate.place
    return {
        "report_id": "r" + hashlib.sha1(report_key.encode("utf-8")).hexdigest()[:15],
        "incident_id": "",
        "article_id": article_id,
        "source_file": str(article.get("source_file") or ""),
        "article_date": article_date.isoformat() if article_date else "",
        "event_date": event_date.isoformat() if event_date else "",
        "time_precision": precision,
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "weapon": candidate.weapon,
        "actor": candidate.actor,
        "claimed": candidate.claimed,
        "target": candidate.target,
        "outcome": outcome,
        "fatalities": candidate.fatalities,
        "injured": candidate.injured,
        "location": place.name,
        "place_mention": candidate.mention.text,
        "admin1": place.admin1,
        "country": place.country,
        "iso3": place.iso3,
        "latitude": round(place.latitude, 5),
        "longitude": round(place.longitude, 5),
        "geo_precision": candidate.geo_precision,
        "geo_source": place.geo_source,
        "evidence": str(article.get("text") or "")[sentence.start : sentence.end],  # as written ("#Kobani")
        "evidence_start": sentence.start,
        "evidence_end": sentence.end,
        "confidence": _confidence(candidate),
    }


def empty_reports() -> pd.DataFrame:
    """Return an empty report table with the schema's columns and dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=REPORT_DTYPES[c]) for c in REPORT_COLUMNS})


@contextlib.contextmanager
def _rare_collections(young: int = 50_000) -> Iterator[None]:
    """Run the block with Python's cyclic garbage collector looking at young objects every `young` allocations
    instead of every 700: the rules make many short-lived objects but almost no cycles (about 7-15% faster on
    fresh bench corpora, alternating runs with and without)."""
    threshold = gc.get_threshold()
    gc.set_threshold(max(young, threshold[0]), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def extract_reports(
    articles: pd.DataFrame, gazetteer: Gazetteer, progress: Callable[[int, int, str], None] | None = None
) -> pd.DataFrame:
    """Return the report table for every article of an article table, calling progress every 200 articles."""
    rows: list[dict[str, Any]] = []
    with _rare_collections():
        records = articles.to_dict(orient="records")
        for done, article in enumerate(records, start=1):
            rows.extend(extract_article(article, gazetteer))
            if progress and (done % 200 == 0 or done == len(records)):
                progress(done, len(records), f"extracted {done}/{len(records)} articles")
        if not rows:
            return empty_reports()
        return pd.DataFrame({c: pd.array([row[c] for row in rows], dtype=REPORT_DTYPES[c]) for c in REPORT_COLUMNS})
