"""Extraction: sentences, casualties, outcomes, weapons, dates and the incident/context decision."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from geopy.distance import great_circle

from dashboard.extract import (
    extract_article,
    find_casualties,
    find_outcome,
    find_weapon,
)


def article(text: str, published: str = "2024-03-30") -> dict:
    """Return an article record for extract_article."""
    return {"article_id": "a1", "source_file": "x.txt", "published": published, "text": text}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The blast killed three soldiers.", (3, None)),
        ("A drone hit the base, killing three.", (3, None)),
        ("At least 34 people were injured.", (None, 34)),
        ("Troops suffered eight minor injuries.", (None, 8)),
        ("The attack caused no casualties.", (0, 0)),
        ("Rockets landed inside the base; no one was hurt.", (0, 0)),
        ("The drone caused no injuries.", (0, 0)),
        ("The drone caused no injuries but killed a guard.", (1, 0)),
        ("The strike caused no deaths or injuries.", (0, 0)),
        ("Two US soldiers were wounded and one contractor killed.", (1, 2)),
        ("The strike killed two and wounded five.", (2, 5)),
        ("More than 40 service members were injured.", (None, 40)),
        ("Rockets struck the base.", (None, None)),
        ("Several personnel were evaluated for traumatic brain injuries.", (None, None)),
        ("The drone attack left five people hurt.", (None, 5)),
    ],
)
def test_casualty_phrases(text, expected):
    assert find_casualties(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The drone was shot down before it reached the base.", "intercepted"),
        ("Air defences intercepted two rockets.", "intercepted"),
        ("A rocket struck a hangar and caused damage.", "impact"),
        ("Two missiles were intercepted but a third hit the runway.", "impact"),
        ("Rockets were fired towards the base.", "unknown"),
        ("A drone was launched at the base; no damage was reported.", "unknown"),
        ("One drone was destroyed before it reached the base.", "intercepted"),
    ],
)
def test_outcome_intercepted_vs_impact(text, expected):
    assert find_outcome(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A one-way attack drone struck the base.", "drone"),
        ("Katyusha rockets landed near the airport.", "rocket"),
        ("Mortar rounds hit the camp.", "mortar"),
        ("Iran fired ballistic missiles at Erbil.", "ballistic missile"),
        ("US warplanes struck the depot.", "airstrike"),
        ("A roadside bomb hit a logistics convoy.", "IED"),
        ("Gunmen opened fire on the checkpoint.", "gunfire"),
        ("A roadside blast hit a supply convoy near Samawah.", "IED"),
        ("Another device exploded as a logistics convoy passed.", "IED"),
        ("The base was attacked.", "unknown"),
        ("Air defence missiles intercepted a drone.", "drone"),
        ("He was killed when a US drone fired two missiles at his car.", "drone"),
        ("US jets dropped bombs on the depot.", "airstrike"),
        ("Tribal fighters attacked the positions with rocket-propelled grenades.", "gunfire"),
        ("The two sides fought street battles in the town.", "gunfire"),
    ],
)
def test_weapons(text, expected):
    assert find_weapon(text) == expected


def km(row: dict, lat: float, lon: float) -> float:
    """Return the distance of a report from a point."""
    return great_circle((row["latitude"], row["longitude"]), (lat, lon)).km


def test_seed_gives_three_incidents(repo_dir):
    """Acceptance: `extract seeds/ --format jsonl` prints exactly the three attacked sites."""
    out = subprocess.run(
        [sys.executable, "-m", "dashboard", "extract", str(repo_dir / "seeds"), "--format", "jsonl"],
        capture_output=True, text=True, check=True, cwd=repo_dir,
    )
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) == 3
    expected = [(33.786, 42.441), (33.263, 44.235), (36.537, 44.345)]
    for (lat, lon), row in zip(expected, sorted(rows, key=lambda r: r["evidence_start"] + r["longitude"]), strict=True):
        assert km(row, lat, lon) < 5, row
    for row in rows:
        assert row["country"] == "Iraq"
        assert row["event_date"] <= "2024-03-30"
        assert row["time_precision"] == 3


def test_seed_context_places_make_no_incident(gazetteer, repo_dir):
    text = (repo_dir / "seeds").glob("*.txt").__next__().read_text()
    from dashboard.articles import load_articles

    loaded = load_articles([repo_dir / "seeds"])
    rows = extract_article(loaded.articles.iloc[0].to_dict(), gazetteer)
    locations = {r["location"] for r in rows}
    for context in ("Gaza", "Israel", "Iran", "United States", "Washington"):
        assert not any(context in loc for loc in locations)
    assert "Advertisment" not in loaded.articles.iloc[0]["text"]
    assert text


def test_diplomatic_article_has_no_incident(gazetteer):
    text = (
        "Iraqi and US officials met in Baghdad on Monday to discuss the future of the coalition. "
        "Delegations in Washington and Baghdad agreed to form a committee on the drawdown of forces "
        "from Ain al-Asad and Erbil. The talks were described as constructive."
    )
    assert extract_article(article(text), gazetteer) == []


def test_threats_and_summaries_are_not_incidents(gazetteer):
    text = (
        "Kataib Hezbollah threatened to attack Ain al-Asad if US forces did not leave. "
        "US forces in Iraq and Syria have been attacked more than 150 times since October. "
        "Militias could target Harir air base, officials warned. "
        "Near-daily rocket attacks on the Green Zone have unsettled diplomats. "
        "Turkish artillery has been shelling villages near Sidakan for several days. "
        "For years rockets were periodically fired at the Green Zone and Erbil airport."
    )
    assert extract_article(article(text), gazetteer) == []


def test_places_of_funerals_talks_and_protests_are_context(gazetteer):
    text = (
        "Mourners marched behind coffins in Baghdad on Tuesday at a funeral for four fighters killed in US "
        "airstrikes near al-Qaim on Sunday.\n\n"
        "Militias said the strikes would be answered, ahead of talks between the two leaders in Washington."
    )
    assert [r[0] for r in _rows(gazetteer, text, "2021-06-29")] == ["Al-Qaim"]


@pytest.mark.parametrize(
    ("sentence", "published", "event_date", "precision"),
    [
        ("A drone struck Ain al-Asad air base on November 7, 2023.", "2023-11-09", "2023-11-07", 1),
        ("A drone struck Ain al-Asad air base on Nov 17.", "2023-11-20", "2023-11-17", 1),
        ("A drone struck Ain al-Asad air base on 7 November.", "2023-11-09", "2023-11-07", 1),
        ("A drone struck Ain al-Asad air base on Saturday.", "2024-03-30", "2024-03-30", 1),
        ("A drone struck Ain al-Asad air base late on Monday.", "2024-03-30", "2024-03-25", 1),
        ("A drone struck Ain al-Asad air base last night.", "2024-03-30", "2024-03-29", 1),
        ("A drone struck Ain al-Asad air base earlier today.", "2024-03-30", "2024-03-30", 1),
        ("A drone struck Ain al-Asad air base on Wednesday evening.", "2024-03-30", "2024-03-27", 1),
        ("A drone struck Ain al-Asad air base last week.", "2024-03-30", "2024-03-23", 2),
        ("A drone struck Ain al-Asad air base.", "2024-03-30", "2024-03-30", 3),
    ],
)
def test_event_dates(gazetteer, sentence, published, event_date, precision):
    rows = extract_article(article(sentence, published), gazetteer)
    assert [(r["event_date"], r["time_precision"]) for r in rows] == [(event_date, precision)]


def test_dateline_sets_date(gazetteer):
    text = "IRBIL, Nov 17 -- Two drones targeted Harir air base, officials said."
    rows = extract_article(article(text, "2023-11-18"), gazetteer)
    assert len(rows) == 1
    assert rows[0]["event_date"] <= "2023-11-18"
    assert rows[0]["event_date"] >= "2023-11-17"


def test_event_date_never_after_article_date(gazetteer):
    rows = extract_article(article("Rockets hit the US embassy in Baghdad on December 8.", "2023-12-05"), gazetteer)
    assert rows and all(r["event_date"] <= "2023-12-05" for r in rows)


def test_full_report_fields(gazetteer):
    text = (
        "Three US service members were wounded, one critically, when a one-way attack drone struck "
        "Erbil air base early on Monday. Kataib Hezbollah claimed responsibility for the attack."
    )
    rows = extract_article(article(text, "2023-12-26"), gazetteer)
    assert len(rows) == 1
    row = rows[0]
    assert row["weapon"] == "drone"
    assert row["sub_event_type"] == "Air/drone strike"
    assert row["injured"] == 3
    assert row["fatalities"] is None
    assert row["outcome"] == "impact"
    assert row["actor"] == "Kataib Hezbollah" and row["claimed"] is True
    assert row["event_date"] == "2023-12-25"
    assert text[row["evidence_start"] : row["evidence_end"]] == row["evidence"]


def test_site_beats_town_and_near_lowers_precision(gazetteer):
    rows = extract_article(article("Rockets landed near Baghdad's international airport on Friday."), gazetteer)
    assert len(rows) == 1 and rows[0]["geo_precision"] == 2
    assert km(rows[0], 33.263, 44.235) < 5
    rows = extract_article(article("A drone hit Harir air base in Erbil province on Friday."), gazetteer)
    assert len(rows) == 1 and km(rows[0], 36.537, 44.345) < 5 and rows[0]["geo_precision"] == 1


def test_two_sites_in_one_sentence_are_two_reports(gazetteer):
    text = "US strikes on Tuesday hit Kataib Hezbollah facilities in al-Qaim and Akashat."
    rows = extract_article(article(text, "2024-02-03"), gazetteer)
    assert len(rows) == 2
    assert {r["weapon"] for r in rows} == {"airstrike"}
    assert {r["actor"] for r in rows} == {"US forces"}


def test_actor_name_is_not_a_place(gazetteer):
    text = "The Islamic Resistance in Iraq said it attacked al-Tanf with drones on Sunday."
    rows = extract_article(article(text, "2023-10-23"), gazetteer)
    assert [r["location"] for r in rows] and all("Tanf" in r["location"] for r in rows)
    assert rows[0]["actor"] == "Islamic Resistance in Iraq" and rows[0]["claimed"] is True


def test_report_table_types(gazetteer):
    from dashboard.extract import extract_reports

    articles = pd.DataFrame([article("A drone struck Ain al-Asad on Saturday, killing two.")])
    reports = extract_reports(articles, gazetteer)
    assert str(reports["fatalities"].dtype) == "Int64" and reports["fatalities"].iloc[0] == 2
    assert pd.isna(reports["injured"].iloc[0])


def _rows(gazetteer, text: str, published: str) -> list[tuple[str, str, str, object, object]]:
    """Return (location, event_date, weapon, fatalities, injured) for each report of a text."""
    return [
        (r["location"], r["event_date"], r["weapon"], r["fatalities"], r["injured"])
        for r in extract_article(article(text, published), gazetteer)
    ]


def test_story_casualties_go_to_the_incident_whose_area_the_sentence_names(gazetteer):
    text = (
        "BAGHDAD -- Iraq condemned overnight US strikes in Babil province that killed a militia member and wounded "
        "18 other people.\n\nThe strikes hit a position near Hilla in the early hours of Tuesday, sources said.\n\n"
        "Washington said the strikes answered a drone attack on Monday against Erbil air base, which wounded "
        "three US troops."
    )
    assert _rows(gazetteer, text, "2023-12-26") == [
        ("Al Hillah", "2023-12-26", "airstrike", 1, 18),
        ("Erbil International Airport", "2023-12-25", "drone", None, 3),
    ]


def test_cause_clause_is_its_own_incident_and_a_later_telling_gives_its_date(gazetteer):
    text = (
        "WASHINGTON -- The United States carried out airstrikes on three sites in Iraq early Tuesday, hours after a "
        "one-way attack drone struck Erbil air base and wounded three American service members.\n\n"
        "The Erbil attack came at about 5:45 am local time on Monday."
    )
    rows = _rows(gazetteer, text, "2023-12-26")
    assert ("Erbil International Airport", "2023-12-25", "drone", None, 3) in rows


def test_look_backs_are_not_new_incidents(gazetteer):
    text = (
        "Rockets struck Ain al-Asad air base on Saturday evening, US officials said.\n\n"
        "On Friday, the prime minister spoke at a ceremony marking the 2020 killing of a commander in Iraq.\n\n"
        "That attack shaped how the base prepares today."
    )
    assert _rows(gazetteer, text, "2024-01-23") == [("Ain al-Asad Air Base", "2024-01-20", "rocket", None, None)]


def test_days_after_dates_a_referred_attack_from_the_lead(gazetteer):
    text = (
        "BAGHDAD, Jan 3 -- A US drone strike hit a convoy at Baghdad international airport early on Friday.\n\n"
        "The operation came five days after US jets bombed militia positions near al-Qaim on the Syrian border."
    )
    rows = {r[0]: r[1] for r in _rows(gazetteer, text, "2020-01-03")}
    assert rows == {"Baghdad International Airport": "2020-01-03", "Al-Qaim": "2019-12-29"}



def test_an_attack_told_only_as_the_reason_lends_no_date_or_weapon(gazetteer):
    text = (
        "The United States struck militia targets in Iraq and Syria on Friday, the military said.\n\n"
        "It was a response to the drone attack on Tower 22 in Jordan on Sunday, which killed three soldiers.\n\n"
        "In Iraq, militia positions in al-Qaim were hit, security officials said."
    )
    rows = {r[0]: (r[1], r[2]) for r in _rows(gazetteer, text, "2024-02-03")}
    assert rows == {"Tower 22": ("2024-01-28", "drone"), "Al-Qaim": ("2024-02-02", "airstrike")}


def test_a_country_wide_strike_is_not_placed_at_the_site_of_the_attack_it_answers(gazetteer):
    text = (
        "US aircraft bombed five militia arms depots in Iraq late on Thursday, the Pentagon said.\n\n"
        "Officials blamed the militia for Wednesday's salvo of rockets on Camp Taji, which killed three soldiers."
    )
    assert _rows(gazetteer, text, "2020-03-13") == [
        ("Iraq", "2020-03-12", "airstrike", None, None), ("Camp Taji", "2020-03-11", "rocket", 3, None)]


def test_targets_listed_after_a_strike_on_several_sites_are_incidents(gazetteer):
    text = (
        "US F-15E jets on Sunday struck two sites in eastern Syria used by Iran-backed groups, Austin said.\n\n"
        "The first target was a training facility near Abu Kamal, close to the border, Austin said.\n\n"
        "The second was a safe house near Mayadin. Analysts called the choice of target a message to Washington."
    )
    rows = _rows(gazetteer, text, "2023-11-13")
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("Albu Kamal", "2023-11-12", "airstrike"), ("Al-Mayadin", "2023-11-12", "airstrike")]


def test_a_look_back_at_the_named_attack_is_the_same_incident(gazetteer):
    text = (
        "Three US troops were wounded when a drone struck Erbil air base early on Monday.\n\n"
        "The Erbil attack was among the most serious since militias began targeting US forces in mid-October."
    )
    assert _rows(gazetteer, text, "2023-12-26") == [("Erbil International Airport", "2023-12-25", "drone", None, 3)]


def test_the_site_and_the_field_refer_to_the_last_named_site(gazetteer):
    text = (
        "A drone struck the Khor Mor gas field on Friday, killing four workers.\n\n"
        "It is not the first time. On Jan. 25, two rockets struck the site, setting a storage tank on fire."
    )
    rows = _rows(gazetteer, text, "2024-04-27")
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("Khor Mor gas field", "2024-04-26", "drone"), ("Khor Mor gas field", "2024-01-25", "rocket")]


def test_a_round_up_of_convoy_bombs_and_a_second_attack_on_the_same_base(gazetteer):
    text = (
        "AYN AL-ASAD -- A drone struck Ayn al-Asad air base on Saturday, the coalition said.\n\n"
        "Earlier in the week, on Tuesday, two rockets landed inside the same base without causing casualties, "
        "Iraq's Security Media Cell said.\n\n"
        "A roadside bomb went off beside a convoy on the highway near Diwaniyah on Thursday."
    )
    assert [(r[0], r[1], r[2]) for r in _rows(gazetteer, text, "2021-05-09")] == [
        ("Ain al-Asad Air Base", "2021-05-08", "drone"), ("Ain al-Asad Air Base", "2021-05-04", "rocket"),
        ("Al Diwaniyah", "2021-05-06", "IED")]


def test_the_same_site_struck_again_on_a_second_day_is_two_incidents(gazetteer):
    text = ("Rockets struck the Khor Mor gas field on June 22 and again on June 25, 2022, without causing casualties, "
            "and drones hit it twice in late 2023.")
    reports = extract_article(article(text, "2024-04-27"), gazetteer)
    assert [(r["location"], str(r["event_date"]), r["weapon"], r["fatalities"], r["injured"]) for r in reports] == [
        ("Khor Mor gas field", "2022-06-22", "rocket", 0, 0), ("Khor Mor gas field", "2022-06-25", "rocket", 0, 0)]
    assert len({r["report_id"] for r in reports}) == 2


def test_timeline_entries_in_the_present_tense(gazetteer):
    text = "Jan. 15: Iran's Revolutionary Guards fire ballistic missiles at a villa in Erbil."
    assert [(r[0], r[1], r[2]) for r in _rows(gazetteer, text, "2024-02-01")] == [
        ("Erbil", "2024-01-15", "ballistic missile")]


def test_a_states_unnamed_strikes_are_airstrikes_by_that_state(gazetteer):
    text = (
        "US Central Command said its forces struck more than 85 targets in Iraq and Syria on Friday.\n\n"
        "In Iraq, the strikes hit sites around al-Qaim, near the Syrian border."
    )
    rows = extract_article(article(text, "2024-02-03"), gazetteer)
    assert [(r["location"], r["weapon"], r["actor"]) for r in rows] == [("Al-Qaim", "airstrike", "US forces")]


def test_hometowns_and_pipelines_under_negotiation_are_context(gazetteer):
    text = (
        "The Army named the three reservists killed in Jordan as Sgt. William Rivers, 46, of Carrollton, "
        "Georgia; and Spc. Kennedy Sanders, 24, of Waycross, Georgia.\n\n"
        "The attacks cut output just as Baghdad and Erbil were negotiating a deal to restart oil exports "
        "through the pipeline to Ceyhan in Turkey."
    )
    assert _rows(gazetteer, text, "2024-01-30") == []


def test_the_head_of_an_unknown_arabic_name_is_not_a_place(gazetteer):
    text = "On Aug. 29, a raid in the Wadi al-Ghadaf area of the western desert killed 15 fighters."
    assert "El Oued" not in {r[0] for r in _rows(gazetteer, text, "2024-09-01")}


def test_a_day_later_on_tuesday_is_the_day_after_the_last_told_day(gazetteer):
    text = (
        "On Monday, January 3, air defences shot down two drones approaching Victory base.\n"
        "A day later, on Tuesday, two more drones were brought down over Ain al-Asad air base."
    )
    assert [(r[0], r[1]) for r in _rows(gazetteer, text, "2022-01-13")] == [
        ("Baghdad International Airport", "2022-01-03"), ("Ain al-Asad Air Base", "2022-01-04")]


def test_a_rising_death_toll_from_a_named_days_barrage(gazetteer):
    text = ("The death toll from Wednesday's Iranian barrage on Kurdish opposition camps around Koya has risen to 13, "
            "with 58 people wounded.")
    rows = extract_article(article(text, "2022-09-29"), gazetteer)
    assert [(r["location"], str(r["event_date"]), r["fatalities"], r["injured"], r["actor"]) for r in rows] == [
        ("Koya", "2022-09-28", 13, 58, "Iran")]


def test_a_jet_that_shoots_down_a_drone_defends(gazetteer):
    text = "CENTCOM said an American F-15 fighter shot down an Iranian-made Mohajer-6 drone on Wednesday near Erbil."
    assert [(r[0], r[2]) for r in _rows(gazetteer, text, "2022-09-29")] == [("Erbil", "drone")]


def test_a_place_a_report_first_gave_and_took_back_is_context(gazetteer):
    text = (
        "A drone struck Tower 22 in Jordan on Sunday, killing three US soldiers. Jordan's spokesman initially said "
        "the attack had taken place across the border, at the al-Tanf garrison in Syria.\n\n"
        "CORRECTION: An earlier version of this report said the drone had hit the al-Tanf base."
    )
    assert [r[0] for r in _rows(gazetteer, text, "2024-01-29")] == ["Tower 22"]


def test_there_points_back_to_the_last_named_town(gazetteer):
    text = (
        "Jurf al-Sakhar has been a Kataib Hezbollah stronghold for years.\n\n"
        "On 22 November, F-15E jets struck an operations centre there, killing eight members of the faction."
    )
    assert _rows(gazetteer, text, "2024-01-10") == [("Jurf al-Sakhar", "2023-11-22", "airstrike", 8, None)]

def test_round_up_day_headings_date_the_lines_below(gazetteer):
    text = (
        "Week in review.\n\nTUESDAY. US aircraft struck bunkers in the Deir ez-Zor area, the Pentagon said.\n\n"
        "WEDNESDAY. Rockets were fired at two bases in the north-east. At the Conoco gas field site, three US "
        "service members suffered minor injuries."
    )
    dates = {r[0]: r[1] for r in _rows(gazetteer, text, "2022-08-26")}
    assert dates == {"Deir ez-Zor": "2022-08-23", "Conoco gas field": "2022-08-24"}


def test_a_city_attack_landing_in_its_airport_is_the_airport(gazetteer):
    text = "Several rockets struck Hewler on Monday night, landing inside the airport compound."
    assert [r[0] for r in _rows(gazetteer, text, "2021-02-16")] == ["Erbil International Airport"]


def test_hours_before_an_early_morning_attack_is_the_evening_before(gazetteer):
    text = (
        "IRBIL -- In the early hours of Jan. 16, three drones heading for the coalition base at Erbil "
        "International Airport were shot down. No casualties were reported. The attack came hours after Iran's "
        "Revolutionary Guards fired missiles at a villa in Irbil, a strike that killed civilians."
    )
    dates = {r[0]: r[1] for r in _rows(gazetteer, text, "2024-01-20")}
    assert dates == {"Erbil International Airport": "2024-01-16", "Erbil": "2024-01-15"}


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("The United States carried out airstrikes on three sites in Iraq used by Kataib Hezbollah on Tuesday.",
         "US forces"),
        ("Iran fired ballistic missiles at Ain al-Asad air base on Wednesday.", "Iran"),
        ("Iranian-backed militants launched rockets at Ain al-Asad air base on Saturday.", "Iran-backed militias"),
        ("A drone struck a small US military outpost in Jordan on Sunday, killing three soldiers.", ""),
        ("American troops at the al-Tanf garrison intercepted two drones on Tuesday.", ""),
        ("Three American service members were wounded when a drone struck Erbil air base on Monday.", ""),
        ("Popular Mobilization Forces positions in al-Qaim were hit by airstrikes on Friday.", ""),
        ("Washington struck a drone team near Musayyib on Tuesday.", "US forces"),
        ("At least 23 fighters were killed in the US raids on positions in Deir ez-Zor, the monitor said.",
         "US forces"),
        ("The Pentagon has since confirmed that the base struck on Sunday was Tower 22.", ""),
        ("A drone hit Tower 22 on Sunday. Washington blamed the attack on the Islamic Resistance in Iraq.",
         "Islamic Resistance in Iraq"),
        ("The United States struck 85 targets in Iraq and Syria on Friday.\n\nAnother strike targeted a PMF site "
         "at Akashat, in the Anbar desert.", "US forces"),
        ("A roadside bomb damaged an Iraqi army vehicle near Tarmiyah on Friday, wounding two soldiers.", ""),
        ("Air strikes believed to have been carried out by Jordan's air force hit a village near Sweida on Thursday.",
         "Jordan"),
        ("A group calling itself Liwa Ahrar al-Iraq claimed responsibility for a drone attack on the Turkish base "
         "at Bashiqa on Saturday.", "Liwa Ahrar al-Iraq"),
        ("A roadside bomb hit a convoy near Nasiriyah on Monday; a faction calling itself Qasim al-Jabbarin has "
         "claimed similar attacks before.", ""),
    ],
)
def test_actor_is_the_attacker_not_the_target_or_defender(gazetteer, text, actor):
    reports = extract_article(article(text, "2024-03-30"), gazetteer)
    assert [r["actor"] for r in reports] == [actor]


def test_extraction_collects_garbage_rarely_and_restores_the_setting(gazetteer, monkeypatch):
    import gc

    import dashboard.extract as extract_module

    seen = []
    real = extract_module.extract_article
    monkeypatch.setattr(extract_module, "extract_article", lambda a, g: seen.append(gc.get_threshold()) or real(a, g))
    before = gc.get_threshold()
    articles = pd.DataFrame([article("A drone struck Ain al-Asad air base on Saturday.")])
    reports = extract_module.extract_reports(articles, gazetteer)
    assert len(reports) == 1 and seen[0][0] >= 50_000 and gc.get_threshold() == before


def test_a_clash_is_an_incident_of_armed_fighting(gazetteer):
    rows = extract_article(article("PMF fighters clashed with an Islamic State cell near Tikrit on Monday; one PMF "
                                   "member was killed.", "2022-12-21"), gazetteer)
    assert [(r["location"], r["event_date"], r["weapon"], r["sub_event_type"], r["fatalities"]) for r in rows] == [
        ("Tikrīt", "2022-12-19", "gunfire", "Armed clash", 1)]


def test_a_road_named_by_its_ends_is_told_by_its_first_town(gazetteer):
    rows = extract_article(article("An improvised explosive device exploded on the Diwaniyah-Samawah highway on "
                                   "Sunday as a convoy passed.", "2021-05-24"), gazetteer)
    assert [(r["location"], r["geo_precision"], r["event_date"], r["weapon"]) for r in rows] == [
        ("Al Diwaniyah", 2, "2021-05-23", "IED")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the attack word only refers back to an attack told already; the towns are where its consequences fall
        ("Production was suspended after the attack, and the ministry warned of power cuts in Erbil and Duhok.", []),
        # a sentence-opening cause clause names the cause, not the place of this attack
        ("In response to the massacre of our people in Zakho, the group targeted the base with a drone on Saturday.",
         []),
        ("In response to the attack, US jets struck al-Qaim on Friday.", [("Al-Qaim", "2022-07-22")]),
        # a denial told after the attack does not undo it; one told before it does
        ("Wednesday's shelling of a resort in Zakho district killed nine tourists; Ankara denied responsibility.",
         [("Zakho", "2022-07-20")]),
        ("Kataib Hezbollah denied any involvement in the drone attack on Tower 22 on Sunday.", []),
    ],
)
def test_references_causes_and_denials_are_not_new_incidents(gazetteer, text, expected):
    rows = extract_article(article(text, "2022-07-24"), gazetteer)
    assert [(r["location"], r["event_date"]) for r in rows] == expected


def test_a_hashtag_is_read_as_the_name_and_kept_in_the_evidence(gazetteer):
    text = '"3/ 14:20 - A drone strike on a checkpoint near #Kobani killed three members of our forces."'
    rows = extract_article(article(text, "2024-10-24"), gazetteer)
    assert [(r["location"], r["weapon"], r["fatalities"], r["evidence"]) for r in rows] == [
        ("Kobani", "drone", 3, text)]


@pytest.mark.parametrize(
    "text",
    [
        "Wounded villagers were taken to hospitals in Muqdadiyah and Baquba, the provincial capital.",
        "The SDF said on Thursday it had regained control of the last stronghold of Arab tribal fighters after "
        "clashes on Wednesday.",
    ],
)
def test_where_the_wounded_were_taken_and_a_people_are_not_attacked_places(gazetteer, text):
    rows = extract_article(article(text, "2023-09-07"), gazetteer)
    assert [r["location"] for r in rows] == []


def test_a_claim_for_another_attack_is_not_lent_when_this_one_went_unclaimed(gazetteer):
    text = ("A rocket hit Bashiqa on Wednesday, killing a Turkish soldier. No group claimed responsibility for the "
            "attack.\n\nIn February, rockets struck Erbil airport in an attack claimed by Saraya Awliya al-Dam.")
    rows = extract_article(article(text, "2021-04-15"), gazetteer)
    assert [(r["location"], r["actor"]) for r in rows] == [
        ("Bashiqa", ""), ("Erbil International Airport", "Saraya Awliya al-Dam")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ", the US garrison at al-Tanf" follows a clause ("... meet,"), not a place: no apposition
        ("Further east, where the borders of Syria, Jordan and Iraq meet, the US garrison at al-Tanf was attacked "
         "with drones on October 20, 2021.", [("Al-Tanf garrison", "2021-10-20")]),
        # "one of them exploding" is a partitive, not "accused of launching"
        ("Before dawn on Sunday, two small drones came down in the southern suburbs of Beirut, one of them exploding "
         "near a media office.", [("Beirut", "2024-01-14")]),
    ],
)
def test_clauses_that_only_look_like_appositions_or_plans(gazetteer, text, expected):
    rows = extract_article(article(text, "2024-01-19"), gazetteer)
    assert [(r["location"], r["event_date"]) for r in rows] == expected


def test_since_a_date_when_an_attack_happened_dates_that_attack(gazetteer):
    text = ("It is the worst run of attacks on Kurdish energy sites since April 26, 2024, when a drone killed four "
            "workers at the Khor Mor gas field.")
    rows = extract_article(article(text, "2025-07-17"), gazetteer)
    assert [(r["location"], r["event_date"], r["time_precision"], r["fatalities"]) for r in rows] == [
        ("Khor Mor gas field", "2024-04-26", 1, 4)]


def test_the_day_a_statement_circulated_is_not_the_day_of_the_attack(gazetteer):
    text = ("A statement circulated on Sunday by a group calling itself Liwa Ahrar al-Iraq claimed responsibility "
            "for a drone attack on the Turkish base at Bashiqa.")
    rows = extract_article(article(text, "2022-07-24"), gazetteer)
    assert [(r["location"], r["event_date"], r["time_precision"]) for r in rows] == [("Bashiqa", "2022-07-24", 3)]


@pytest.mark.parametrize(
    "text",
    [
        # background: before 2014, insurgents attacked pilgrims on their way to the shrine cities
        "Before 2014 it was a farming town, when al-Qaeda in Iraq used its palm groves to stage attacks on Shia "
        "pilgrims heading to Karbala and Najaf.",
        # a career, not a battle: "fought" counts only as "fought (street) battles", "fought each other" ...
        "Its fighters served in Syria, notably around Aleppo, long before they fought the Islamic State in Iraq.",
        "Syrian opposition activists in Idlib said on Monday they had heard explosions.",
    ],
)
def test_background_destinations_careers_and_witnesses_are_not_incidents(gazetteer, text):
    rows = extract_article(article(text, "2024-01-20"), gazetteer)
    assert [r["location"] for r in rows] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Two journalists were killed on Thursday when their car was hit by what press groups said was a Turkish "
         "drone near the Tishrin Dam.", [("Tishrin Dam", "2024-12-19")]),
        ("The Tishreen Dam is a key crossing on the Euphrates.\n\nDec. 19 - Two journalists are killed when a drone "
         "hits their car near the dam.", [("Tishrin Dam", "2024-12-19")]),
    ],
)
def test_a_reported_weapon_and_the_dam_told_before(gazetteer, text, expected):
    rows = extract_article(article(text, "2024-12-20"), gazetteer)
    assert [(r["location"], r["event_date"]) for r in rows] == expected


def test_every_town_of_a_list_after_from_is_an_origin(gazetteer):
    text = "Hundreds of cars had set out from Hasakah, Raqqa and Tabqa for a sit-in when a drone hit the convoy."
    rows = extract_article(article(text, "2025-01-08"), gazetteer)
    assert [r["location"] for r in rows] == []


def test_the_dam_refers_back_across_the_whole_article(gazetteer):
    filler = " ".join(["Officials met again to discuss water and electricity supplies for the region."] * 12)
    text = f"The Tishreen Dam is a key crossing on the Euphrates.\n\n{filler}\n\nJan. 16 - A Turkish drone hits " \
           "protesters gathered on the dam itself, wounding several of them."
    rows = extract_article(article(text, "2025-01-20"), gazetteer)
    assert [(r["location"], r["event_date"]) for r in rows] == [("Tishrin Dam", "2025-01-16")]


def test_n_days_later_counts_from_the_day_told_before(gazetteer):
    text = ("On January 20, rockets hit Ain al-Asad air base.\n\nEight days later, a drone killed three soldiers at "
            "Tower 22, a desert outpost in Jordan.")
    rows = extract_article(article(text, "2024-08-06"), gazetteer)
    assert [(r["location"], r["event_date"]) for r in rows] == [
        ("Ain al-Asad Air Base", "2024-01-20"), ("Tower 22", "2024-01-28")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("27/10 - Albu Kamal (Deir ez-Zor, Syria): two US F-16s struck two weapons depots.",
         [("Albu Kamal", "2023-10-27")]),  # the bracket names the area around the place
        ("- Diyala (al-Khalis district), Tuesday: gunmen attacked a village, killing eight civilians.",
         [("Al-Khalis District", "2023-10-31")]),  # a more specific place in the bracket is kept
        ("A Sulaymaniyah daily reports that three Katyusha rockets fell near a house in Fallujah late on Tuesday.",
         [("Fallujah", "2023-10-31")]),  # where the paper is published is no place of the attack
        ("An article published on Sunday about a drone attack incorrectly stated that the attack had hit al-Tanf.",
         []),  # a correction names the place wrongly reported
    ],
)
def test_brackets_newspapers_and_corrections(gazetteer, text, expected):
    rows = extract_article(article(text, "2023-11-01"), gazetteer)
    assert [(r["location"], r["event_date"]) for r in rows] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gunmen shot dead a guard at a checkpoint near the al-Hol camp on Monday.",
         [("Al-Hol camp", "2022-08-22", "gunfire")]),
        ("Russian warplanes pounded suspected hideouts in the desert north of Palmyra on Friday.",
         [("Palmyra", "2022-08-19", "airstrike")]),
    ],
)
def test_more_attack_words(gazetteer, text, expected):
    rows = extract_article(article(text, "2022-08-24"), gazetteer)
    assert [(r["location"], r["event_date"], r["weapon"]) for r in rows] == expected
