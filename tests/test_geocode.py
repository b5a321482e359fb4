"""Tests for dashboard.geocode: alias families, context disambiguation, mentions, Nominatim layer, batch output."""

from __future__ import annotations

import copy
import json
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from dashboard.geocode import (
    NominatimLayer,
    default_cache_dir,
    geocode_jsonl,
    load_gazetteer,
    norm_key,
)
from dashboard.schema import Place

# (alias, substring expected in the canonical name) for every curated alias family
ALIAS_FAMILIES = [
    ("Ain al-Asad", "Asad"), ("Al-Asad", "Asad"), ("Ayn al-Asad", "Asad"), ("Asad air base", "Asad"),
    ("Ain al-Assad", "Asad"), ("Ayn al-Assad", "Asad"),
    ("Harir", "Harir"), ("al-Harir", "Harir"),
    ("Erbil", "Erbil"), ("Irbil", "Erbil"), ("Arbil", "Erbil"), ("Hawler", "Erbil"),
    ("Erbil airport", "Erbil International Airport"),
    ("Baghdad International Airport", "Baghdad International Airport"),
    ("Baghdad airport", "Baghdad International Airport"),
    ("Baghdad's international airport", "Baghdad International Airport"),
    ("Victory base", "Baghdad International Airport"), ("BDSC", "Baghdad International Airport"),
    ("US embassy", "Embassy"), ("Green Zone", "Green Zone"), ("Union III", "Union III"),
    ("Camp Taji", "Taji"), ("Balad", "Balad"),
    ("Jurf al-Sakhar", "Jurf"), ("Jurf al-Nasr", "Jurf"),
    ("al-Qaim", "Qaim"), ("Akashat", "Akashat"),
    ("Tower 22", "Tower 22"), ("Rukban", "Rukban"), ("al-Tanf", "Tanf"),
    ("Conoco", "Conoco"), ("Mission Support Site Euphrates", "Conoco"),
    ("al-Omar", "Omar"), ("Green Village", "Omar"),
    ("Shaddadi", "Shaddadi"), ("Rumalan", "Rmelan"), ("Rmelan", "Rmelan"), ("Tal Baydar", "Tal Baydar"),
]


@pytest.mark.parametrize(("alias", "expected"), ALIAS_FAMILIES)
def test_alias_families_resolve_to_the_curated_site(gazetteer, alias, expected):
    """Every spelling of a curated site resolves offline to that site (or to the curated town)."""
    place = gazetteer.resolve(alias)
    assert place is not None, alias
    assert expected.casefold() in place.name.casefold()
    assert place.geo_source in ("curated", "airportsdata")
    assert place.kind in ("site", "airport", "city", "district")  # a curated row keeps its own kind
    assert place.iso3 in ("IRQ", "SYR", "JOR")


def test_normalisation_unifies_article_hyphen_quote_and_diacritic_variants():
    """al-/Al /el- articles, hyphens, curly quotes, possessives and accents map to one key."""
    assert norm_key("Ain al-Asad") == norm_key("Ain Al Asad") == norm_key("AIN EL-ASAD")
    assert norm_key("Baghdad’s international airport") == norm_key("Baghdad international airport")
    assert norm_key("Qamishlî") == norm_key("Qamishli")
    assert norm_key("the Green Zone") == norm_key("Green Zone")
    assert norm_key("Diwaniyah") == norm_key("Diwaniya") == norm_key("Diwaniyya")


@pytest.mark.parametrize(
    ("name", "lat", "lon", "kind"),
    [
        ("Ain al-Asad", 33.8, 42.4, "site"),
        ("Baghdad airport", 33.26, 44.23, "airport"),
        ("Harir", 36.5, 44.3, "site"),
        ("Irbil", 36.2, 44.0, None),
        ("al-Tanf", 33.5, 38.6, "site"),
        ("Tower 22", 33.3, 38.7, "site"),
        ("Paris", 48.85, 2.35, "city"),
        ("Diwaniyah", 31.99, 44.93, "city"),
        ("Diwaniyah province", 31.85, 44.84, "admin1"),
    ],
)
def test_offline_resolution_coordinates(gazetteer, name, lat, lon, kind):
    """Key names resolve offline to the right point (within ~0.3 degrees)."""
    place = gazetteer.resolve(name)
    assert place is not None
    assert abs(place.latitude - lat) < 0.3 and abs(place.longitude - lon) < 0.3
    if kind:
        assert place.kind == kind


def test_washington_in_a_white_house_sentence_is_the_capital(gazetteer):
    """'Washington' next to the White House is Washington, D.C., not the state."""
    text = "The White House said on Monday that Washington would respond to the attack."
    start = text.index("Washington")
    place = gazetteer.resolve("Washington", text, start, start + len("Washington"))
    assert place is not None and place.kind == "city"
    assert round(place.latitude, 1) == 38.9 and round(place.longitude, 1) == -77.0


def test_demonym_resolves_to_country(gazetteer):
    """'Syrian' resolves to Syria; 'Kurdish' names no country."""
    place = gazetteer.resolve("Syrian")
    assert place is not None and place.iso3 == "SYR" and place.kind == "country"
    assert gazetteer.resolve("American").iso3 == "USA"
    assert gazetteer.resolve("Kurdish") is None or gazetteer.resolve("Kurdish").kind != "country"


def test_country_context_breaks_ties(gazetteer):
    """A qualifier ('Paris, Texas') and the article's country pick the local namesake."""
    text = "Storms hit Paris, Texas, on Sunday; officials in Texas said roads were closed."
    place = gazetteer.resolve("Paris", text, text.index("Paris"), text.index("Paris") + 5)
    assert place.iso3 == "USA" and place.admin1 == "Texas"
    assert gazetteer.context_country("Rockets hit a base in Anbar, Iraq, near the Syrian border.") == "IRQ"
    assert gazetteer.context_country("Nothing to see.") is None


def test_province_suffix_gives_admin1(gazetteer):
    """'Erbil province' is the region (geo precision 3), not the city or the airport."""
    place = gazetteer.resolve("Erbil province")
    assert place is not None and place.kind == "admin1" and place.iso3 == "IRQ"


def _mentions(gazetteer, text):
    """Return (text, place name, kind, demonym) for every mention found in text."""
    return [(m.text, m.place.name, m.place.kind, m.demonym) for m in gazetteer.find_mentions(text)]


def test_find_mentions_site_inside_province(gazetteer):
    """'Harir air base in Erbil province' gives the base and the region, with exact spans."""
    text = "Drones targeted Harir air base in Erbil province overnight."
    found = gazetteer.find_mentions(text)
    assert [(m.text, m.place.kind) for m in found] == [("Harir air base", "site"), ("Erbil province", "admin1")]
    assert all(text[m.start:m.end] == m.text for m in found)
    assert "Harir" in found[0].place.name


def test_find_mentions_possessive_airport(gazetteer):
    """'near Baghdad's international airport' is one airport mention."""
    found = _mentions(gazetteer, "Rockets landed near Baghdad's international airport on Friday.")
    assert found == [("Baghdad's international airport", "Baghdad International Airport", "airport", False)]


def test_find_mentions_airport_beats_city(gazetteer):
    """'Erbil airport' is the airport, not the city."""
    found = _mentions(gazetteer, "A drone was shot down near Erbil airport.")
    assert len(found) == 1 and found[0][0] == "Erbil airport" and found[0][2] == "airport"


def test_hit_needs_a_locative_cue(gazetteer):
    """'Hit' at a sentence start or lowercase 'hit' is a verb; 'the town of Hit' / 'in Hit' are places."""
    assert _mentions(gazetteer, "Hit the town before dark, he said.") == []
    assert _mentions(gazetteer, "Two rockets hit the base on Tuesday.") == []
    found = _mentions(gazetteer, "Clashes were reported in the town of Hit on Tuesday.")
    assert [f[0] for f in found] == ["Hit"]
    assert [f[0] for f in _mentions(gazetteer, "Rockets fell in Hit.")] == ["Hit"]


def test_find_mentions_demonyms_and_longest_match(gazetteer):
    """Demonyms are flagged, 'Kurdish' is skipped, and 'U.S.' is one mention."""
    found = _mentions(gazetteer, "Syrian and Iraqi forces, Kurdish fighters and U.S. troops met in Baghdad.")
    names = [(f[0], f[1], f[3]) for f in found]
    assert ("Syrian", "Syria", True) in names and ("Iraqi", "Iraq", True) in names
    assert not any(f[0] == "Kurdish" for f in found)
    assert any(f[1] == "United States" for f in found)
    assert found[-1][0] == "Baghdad"


def test_find_mentions_spans_are_ordered_and_disjoint(gazetteer):
    """Mentions come left to right and never overlap."""
    text = ("Iranian-backed militias launched drones at Ain al-Asad air base in Anbar province and at al-Tanf "
            "in Syria, near the Jordanian border and Tower 22.")
    found = gazetteer.find_mentions(text)
    assert len(found) >= 5
    for a, b in zip(found, found[1:], strict=False):
        assert a.end <= b.start
    assert [m.text for m in found if m.place.kind == "site"][:1] == ["Ain al-Asad air base"]


def test_articles_and_english_words_do_not_start_names(gazetteer):
    """'An Iraqi' is the demonym alone, 'At the same time' names nothing, 'The Hague' drops only 'The'."""
    assert _mentions(gazetteer, "An Iraqi official spoke.") == [("Iraqi", "Iraq", "country", True)]
    assert _mentions(gazetteer, "At the same time, the car stopped in the western part.") == []
    found = gazetteer.find_mentions("The Hague and the al-Tanf garrison.")
    assert [m.text for m in found] == ["Hague", "al-Tanf garrison"]


def test_organisation_names_give_context_but_are_not_mentions(gazetteer):
    """'Kentucky State Police' is no mention, yet it makes Columbia the Kentucky town."""
    text = "Kentucky State Police said a man from Columbia was arrested."
    assert [m.text for m in gazetteer.find_mentions(text)] == ["Columbia"]
    place = gazetteer.resolve("Columbia", text, text.index("Columbia"), text.index("Columbia") + 8)
    assert place.admin1 == "Kentucky"


def test_state_abbreviation_qualifier_and_counties(gazetteer):
    """'PARIS, Mo.' is the Missouri town; 'Monroe County' with Missouri context is a county there."""
    text = "PARIS, Mo. - A crash in Monroe County, Missouri, hurt two people."
    place = gazetteer.resolve("PARIS", text, 0, 5)
    assert place.admin1 == "Missouri" and place.kind == "city"
    county = gazetteer.resolve("Monroe County", text, text.index("Monroe"), text.index("Monroe") + 13)
    assert county.kind == "admin2" and county.admin1 == "Missouri"


def test_unknown_facility_falls_back_to_the_place_it_is_in(gazetteer):
    """'Baghdad Medical City Hospital' (not in any gazetteer) resolves near Baghdad, precision 2."""
    text = "The wounded were taken to Baghdad Medical City Hospital, officials in Baghdad said."
    start = text.index("Baghdad Medical")
    place = gazetteer.resolve("Baghdad Medical City Hospital", text, start, start + 29)
    assert place is not None and place.kind == "near" and place.iso3 == "IRQ"
    assert gazetteer.resolve("Baghdad Medical City Hospital") is None or gazetteer.resolve(
        "Baghdad Medical City Hospital").iso3 == "IRQ"


def test_search_prefix_for_picker(gazetteer):
    """search('Ain al') lists the base first; results are Places."""
    results = gazetteer.search("Ain al-As")
    assert results and isinstance(results[0], Place) and "Asad" in results[0].name
    assert len(gazetteer.search("bag", limit=5)) == 5
    assert gazetteer.search("") == []


def test_geocode_jsonl_whole_lines(gazetteer):
    """The batch core writes one line per input, in order, with nulls and an error for bad lines."""
    lines = [
        '{"id": 1, "name": "Paris"}',
        '{"id": "b", "name": "Syria", "text": "Fighting in Syria."}',
        '{"id": 3, "name": "Qwxzv Nowhere"}',
        "not json",
    ]
    out = list(geocode_jsonl(lines, gazetteer))
    assert out == [
        '{"id": 1, "name": "Paris", "location": "Paris", "latitude": 48.85341, "longitude": 2.3488, '
        '"country": "France", "geo_precision": 1, "geo_source": "geonames"}',
        '{"id": "b", "name": "Syria", "location": "Syria", "latitude": 35.0, "longitude": 38.0, '
        '"country": "Syria", "geo_precision": 3, "geo_source": "geonames"}',
        '{"id": 3, "name": "Qwxzv Nowhere", "location": null, "latitude": null, "longitude": null, '
        '"country": null, "geo_precision": null, "geo_source": null}',
        '{"id": null, "name": null, "location": null, "latitude": null, "longitude": null, "country": null, '
        '"geo_precision": null, "geo_source": null, "error": "malformed line: Expecting value: line 1 column 1 '
        '(char 0)"}',
    ]


def test_warm_load_reads_the_cached_index_without_rebuilding(gazetteer, monkeypatch):
    """Once the index is cached, load_gazetteer() reads it instead of rebuilding (speed: `make bench`)."""
    import dashboard.geocode as geocode

    def no_rebuild() -> dict:
        raise AssertionError("the cached index was rebuilt")

    monkeypatch.setattr(geocode, "build_index", no_rebuild)
    again = load_gazetteer()
    assert again.resolve("Irbil").country == "Iraq"


class FakeNominatim(BaseHTTPRequestHandler):
    """Answers /search like Nominatim: a jsonv2 list, [] for unknown names, 429 or a slow answer on request."""

    requests: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server naming
        """Serve one /search request."""
        q = parse_qs(urlparse(self.path).query).get("q", [""])[0]
        FakeNominatim.requests.append(q)
        if q == "busy place":
            self.send_response(429)
            self.end_headers()
            return
        if q == "slow place":
            time.sleep(1.5)
        body = []
        if q in ("Smallville", "slow place"):
            body = [{"lat": "38.5", "lon": "-98.2", "display_name": "Smallville, Kansas, United States",
                     "name": "Smallville", "place_rank": 16,
                     "address": {"town": "Smallville", "state": "Kansas", "country": "United States",
                                 "country_code": "us"}}]
        data = json.dumps(body).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up (timeout test)
            pass

    def log_message(self, *args):
        """Keep the test output quiet."""


@pytest.fixture()
def fake_server():
    """Run the fake Nominatim on a free 127.0.0.1 port; yield 'host:port'."""
    FakeNominatim.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _online(gazetteer, tmp_path, domain, timeout=5.0):
    """Return a copy of the offline gazetteer with a Nominatim layer caching into tmp_path."""
    g = copy.copy(gazetteer)
    g.online = NominatimLayer(tmp_path, domain=domain, scheme="http", timeout=timeout)
    return g


def test_nominatim_found_and_cached_on_disk(gazetteer, fake_server, tmp_path):
    """An unknown name is asked once; the answer is on disk and a new layer reuses it without a request."""
    g = _online(gazetteer, tmp_path, fake_server)
    place = g.resolve("Smallville")
    assert place is not None and place.geo_source == "nominatim" and place.iso3 == "USA"
    assert (place.latitude, place.longitude) == (38.5, -98.2)
    assert FakeNominatim.requests == ["Smallville"]
    assert g.resolve("Smallville") == place
    g2 = _online(gazetteer, tmp_path, fake_server)
    assert g2.resolve("Smallville") == place
    assert FakeNominatim.requests == ["Smallville"]
    cached = json.loads((tmp_path / "nominatim.json").read_text())
    assert len(cached) == 1
    assert g.resolve("Paris").geo_source == "geonames"  # offline layers come first
    assert FakeNominatim.requests == ["Smallville"]


def test_nominatim_not_found_is_cached(gazetteer, fake_server, tmp_path):
    """'Not found' is an answer too: cached, asked once."""
    g = _online(gazetteer, tmp_path, fake_server)
    assert g.resolve("Qwxzv Nowhere") is None
    assert _online(gazetteer, tmp_path, fake_server).resolve("Qwxzv Nowhere") is None
    assert FakeNominatim.requests == ["Qwxzv Nowhere"]


def test_nominatim_429_and_timeout_return_none_and_are_not_cached(gazetteer, fake_server, tmp_path):
    """A 429 or a timeout gives None (never an exception) and is retried next time."""
    assert _online(gazetteer, tmp_path, fake_server).resolve("busy place") is None
    assert _online(gazetteer, tmp_path, fake_server, timeout=0.3).resolve("slow place") is None
    assert FakeNominatim.requests == ["busy place", "slow place"]
    cache = tmp_path / "nominatim.json"
    assert not cache.exists() or json.loads(cache.read_text()) == {}


def test_load_gazetteer_online_api(gazetteer, fake_server, tmp_path):
    """load_gazetteer(online=True, domain, scheme) wires the layer and reuses a copied offline index."""
    src = default_cache_dir() / "gazetteer-index.pickle"
    shutil.copy(src, tmp_path / src.name)
    g = load_gazetteer(online=True, cache_dir=tmp_path, nominatim_domain=fake_server, nominatim_scheme="http")
    assert g.resolve("Smallville").name == "Smallville"
    assert load_gazetteer(cache_dir=tmp_path).online is None


# -- running-text false positives: each rule with a small sentence of its own ---------------------------------
def _names(gazetteer, text):
    """Return the matched text of every mention found in text."""
    return [m.text for m in gazetteer.find_mentions(text)]


def test_calendar_words_are_never_places(gazetteer):
    """Month and weekday abbreviations never resolve, not even after 'in'."""
    assert _names(gazetteer, "MOSUL, Feb 3 -- Talks resumed on Jan. 9 and again in Sept. 2023.") == ["MOSUL"]
    assert _names(gazetteer, "The vote was held on Tue. in Basra.") == ["Basra"]


def test_common_word_at_sentence_start_needs_a_cue(gazetteer):
    """'Most'/'Same'/'Car' opening a sentence are words; a cue after a full stop does not count."""
    assert _names(gazetteer, "Drones flew toward the base. Most were shot down.") == []
    assert _names(gazetteer, "Same as last week, nothing moved. Car traffic was light.") == []
    assert _names(gazetteer, "Aid reached the town. Few of the shops had opened.") == []


def test_common_word_is_a_place_when_the_text_also_cues_it(gazetteer):
    """One sense per text: 'Hit' without a cue counts when the same text says 'in Hit'."""
    assert _names(gazetteer, "Shelling was reported in Hit overnight. Hit lost power.") == ["Hit", "Hit"]
    assert _names(gazetteer, "Hit pause on the talks, the envoy said.") == []


def test_fragment_of_an_unknown_facility_does_not_resolve(gazetteer):
    """A word inside 'X Air Force Base' (unknown as a whole) is no town; the known state still is."""
    found = gazetteer.find_mentions("Bombers left Pinecrest Air Force Base in Texas at dawn.")
    assert [(m.text, m.place.kind) for m in found] == [("Texas", "admin1")]


def test_fragment_of_a_longer_name_only_resolves_as_a_whole(gazetteer):
    """'Said' alone is no town; 'near Said Sadiq' resolves the whole name in Iraq; 'Abu X' is a kunya."""
    found = gazetteer.find_mentions("Shells fell near Said Sadiq after noon.")
    assert [(m.text, m.place.iso3) for m in found] == [("Said Sadiq", "IRQ")]
    assert _names(gazetteer, "Abu Karim Haddad was seen in Basra.") == ["Basra"]
    assert _names(gazetteer, "He said Sadiq was not there.") == []


def test_person_names_after_titles_and_given_names(gazetteer):
    """Titles and role words make the capitalised run a person; the surname then stays a person in the text."""
    assert _names(gazetteer, "Col. Paul Austin Rivers met reporters in Amman.") == ["Amman"]
    assert _names(gazetteer, "The ministry spokesman Pat Kelly spoke in Amman.") == ["Amman"]
    assert _names(gazetteer, "Defense Secretary Lloyd Austin flew to Erbil. Austin said little.") == ["Erbil"]
    assert _names(gazetteer, "Flooding closed roads in Austin, Texas.") == ["Austin", "Texas"]


def test_short_folded_or_alternate_names_need_a_big_place_or_its_country(gazetteer):
    """A short name matching a small town only through accents ('One' -> Onè) needs that town's country."""
    assert _names(gazetteer, "Rockets fell near One before dawn.") == []
    found = gazetteer.find_mentions("Floods in Italy cut off the village of One.")
    assert [(m.text, m.place.iso3) for m in found] == [("Italy", "ITA"), ("One", "ITA")]


def test_us_abbreviation_is_not_the_pronoun(gazetteer):
    """'US troops' names the United States; 'told us' does not."""
    assert [m.place.iso3 for m in gazetteer.find_mentions("US troops left Syria.")] == ["USA", "SYR"]
    assert _names(gazetteer, "They told us nothing.") == []


def test_mention_index_by_range_matches_find_mentions(gazetteer):
    """Mentions handed out by range (resolved lazily) are exactly find_mentions' mentions in that range."""
    text = ("Drones struck Ain al-Asad air base in Anbar province. Officials in Washington and Baghdad met. "
            "Iraqi leaders in Erbil said Harir was also targeted.")
    full = gazetteer.find_mentions(text)
    cut = text.index("Officials")
    index = gazetteer.mention_index(text)
    later = index.between(cut, len(text))
    assert later == [m for m in full if m.start >= cut]
    assert index.between(0, cut) == [m for m in full if m.start < cut]
    assert index.between(0, len(text)) == full
    assert gazetteer.mention_index("").between(0, 10) == []


def test_the_head_of_a_longer_arabic_name_is_not_a_mention(gazetteer):
    """'Wadi' of 'Wadi al-Ghadaf' (a name the gazetteer lacks) is not a place; 'Tal Afar' still is."""
    text = "A raid in the Wadi al-Ghadaf area hit militants near Tal Afar."
    assert [m.text for m in gazetteer.find_mentions(text)] == ["Tal Afar"]


def test_a_vowel_variant_of_an_arabic_town_name_is_found_in_text(gazetteer):
    # GeoNames lists "Muqdadiyah" only as an alternate spelling of Al Miqdādīyah (Diyala, Iraq)
    found = gazetteer.find_mentions("Three mortar rounds landed in Muqdadiyah on Wednesday.")
    assert [(m.text, m.place.name, m.place.country) for m in found] == [("Muqdadiyah", "Al Miqdādīyah", "Iraq")]


def test_only_vowels_and_doubled_letters_make_a_spelling_variant():
    from dashboard.geocode import _same_consonants

    assert _same_consonants("muqdadiya", "miqdadiya") and _same_consonants("ramadi", "rumadi")
    assert not _same_consonants("hit", "heet")  # two consonants: too short to tell
    assert not _same_consonants("baghdad", "bagdad") and not _same_consonants("najaf", "karbala")


def test_the_towns_at_the_ends_of_a_road_are_places_not_a_name(gazetteer):
    from dashboard.geocode import route_end

    text = "An IED exploded on the Diwaniyah-Samawah highway as a convoy passed."
    found = gazetteer.find_mentions(text)
    assert [(m.text, m.place.name, route_end(text, m.start, m.end)) for m in found] == [
        ("Diwaniyah", "Al Diwaniyah", 1), ("Samawah", "As Samawah", 2)]
    assert route_end("Adel Abdul-Mahdi said.", 11, 22) == 0


@pytest.mark.parametrize(("name", "city"), [("Latakia", "Latakia"), ("Idlib", "Idlib"), ("Basra", "Basrah")])
def test_a_governorate_named_after_its_capital_yields_the_bare_name_to_the_city(gazetteer, name, city):
    assert [(m.place.name, m.place.kind) for m in gazetteer.find_mentions(f"A strike hit {name} on Monday.")] == [
        (city, "city")]
    assert [m.place.kind for m in gazetteer.find_mentions(f"A strike hit {name} province on Monday.")] == ["admin1"]


def test_a_company_name_before_oil_field_is_not_a_small_foreign_town(gazetteer):
    text = "At 07:14, a drone struck the Hunt Oil field at Ain Sifni."
    assert [m.text for m in gazetteer.find_mentions(text)] == ["Ain Sifni"]
    assert [m.place.name for m in gazetteer.find_mentions("Drones hit the Kirkuk oil field.")] == ["Kirkuk"]


def test_an_assimilated_arabic_article_without_hyphen_joins_the_name(gazetteer):
    found = gazetteer.find_mentions("a strike in Syria's Dayr az Zawr province on Thursday")
    assert [(m.text, m.place.name) for m in found] == [("Syria", "Syria"), ("Dayr az Zawr province", "Deir ez-Zor")]
