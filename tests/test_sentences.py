"""Splitting article text into sentences with offsets and paragraphs."""

from dashboard.sentences import split_sentences


def test_split_sentences_keeps_offsets_and_abbreviations():
    text = "U.S. forces were hit on Jan. 20 at Ain al-Asad. Two were hurt.\n\nNext paragraph here."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "U.S. forces were hit on Jan. 20 at Ain al-Asad.",
        "Two were hurt.",
        "Next paragraph here.",
    ]
    for s in sentences:
        assert text[s.start : s.end] == s.text
    assert sentences[0].paragraph == sentences[1].paragraph != sentences[2].paragraph


def test_a_blank_line_after_a_long_line_starts_one_paragraph_not_two():
    long_line = "Rockets hit the base on Monday, officials said, " * 5
    sentences = split_sentences(long_line.strip() + "\n\nNext paragraph.\n\nThird one.")
    assert [s.paragraph for s in sentences][-2:] == [1, 2]
