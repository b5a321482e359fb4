"""Casualty phrases: counts, partitives, tallies, named victims and stated nones."""

import pytest

from dashboard.casualties import find_casualties


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Twenty-four American service members suffered minor injuries.", (None, 24)),
        ("Nine members of Iraq's federal police were killed and two wounded on Sunday.", (9, 2)),
        ("A Turkish drone killed Said Hassan Said, a senior YBS commander, and his nephew near Sinjar.", (2, None)),
        ("One of the three American soldiers wounded in the attack remains in critical condition.", (None, 3)),
        ("A defence official said one of the wounded was in serious condition.", (None, None)),
        ("The Pentagon said the number of troops injured had risen to more than 40.", (None, 40)),
        ("More than 100 US service members were later diagnosed with traumatic brain injuries.", (None, 100)),
        ("Eight personnel suffered concussion symptoms or smoke inhalation.", (None, 8)),
        ("Four of our heroes were martyred in the strike, the group said.", (4, None)),
        ("A drone strike killed Kataib Hezbollah commander Abu Baqir al-Saadi and two others.", (3, None)),
        ("The strike killed Abu Baqir al-Saadi, a commander accused of directing attacks, along with two companions.",
         (3, None)),
        ("The commander was killed with a companion when a drone fired on their car.", (2, None)),
        ("A second Nujaba member was also killed, he said.", (2, None)),
        ("A drone hit a car, killing reporter Murad Mirza and injuring two colleagues.", (1, 2)),
        ("The strike killed three US Army reservists and wounded dozens of others.", (3, None)),
        ("Rockets hit the base and nobody was hurt.", (0, 0)),
        ("There were no immediate reports of casualties.", (0, 0)),
        ("The strikes killed Islamic State fighters near the border.", (None, None)),
        ("Rockets struck the base, killing two U.S. service members and a British soldier.", (3, None)),
        ("Roughly 14 others were wounded, some of them seriously.", (None, 14)),
        ("IRBIL, Feb. 16 -- A contractor working with the U.S.-led coalition was killed and nine other people on the "
         "base were wounded.", (1, 9)),
        ("Two women and three children were killed when the rocket fell short.", (5, None)),
        ("Two other children from the family were badly hurt.", (None, 2)),
        ("Officials said no one was killed or wounded at either site.", (0, 0)),
        ("On Nov. 3 soldiers were killed in the rocket attack on Tower 22.", (None, None)),
        ("Six members of the protection detail were wounded.", (None, 6)),
        ("Saadi and two companions were killed when a drone hit their car.", (3, None)),
        ("The contractors driving the trucks were unhurt.", (0, 0)),
    ],
)
def test_casualty_phrases(text, expected):
    assert find_casualties(text) == expected


def test_a_list_after_wounding_is_not_added_to_the_dead():
    text = "A drone hit the base, killing a US contractor and wounding five US troops and another contractor."
    assert find_casualties(text) == (1, 6)


def test_counts_with_an_aside_and_a_speaker_before_them():
    text = "A government spokesman said 16 people, including civilians, were killed and 25 wounded."
    assert find_casualties(text) == (16, 25)


def test_a_count_followed_by_and_others_is_a_lower_bound():
    text = "The attack killed a civilian contractor and wounded a US service member and other coalition members."
    assert find_casualties(text) == (1, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Drones hit the outpost at al-Tanf; no one is hurt.", (0, 0)),
        ("A rocket attack on Erbil kills a foreign civilian contractor.", (1, None)),
        ("About ten rockets hit the base; an American contractor dies of a heart attack.", (1, None)),
        ("Drones target Erbil airport; there are no casualties.", (0, 0)),
        ("Fourteen rockets land on the base; two people suffer minor injuries.", (None, 2)),
    ],
)
def test_timeline_present_tense(text, expected):
    assert find_casualties(text) == expected
