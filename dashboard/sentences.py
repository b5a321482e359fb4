"""Article text -> sentences with their offsets and paragraph numbers (what extraction reads one at a time)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = {
    "u.s", "u.n", "u.k", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "rep", "sen", "st", "no", "brig", "adm",
    "gov", "pres", "vs", "etc", "a.m", "p.m", "cpl", "pvt", "spc", "lt. col", "maj. gen", "inc", "co", "corp",
}  # fmt: skip
_BOUNDARY = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_LAST_TOKEN = re.compile(r"([A-Za-z][A-Za-z.]*)\.?[\"”’')\]]*$")


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article: its span in the article text and its paragraph number."""

    start: int
    end: int
    text: str
    paragraph: int


def split_sentences(text: str) -> list[Sentence]:
    """Return the sentences of a text with their offsets; each line is at least its own sentence."""
    sentences: list[Sentence] = []
    paragraph = 0
    ended = True  # the current paragraph has no lines yet: blank lines do not start another
    offset = 0
    for line in text.split("\n"):
        if not line.strip():
            paragraph += 0 if ended else 1
            ended = True
            offset += len(line) + 1
            continue
        ended = False
        start = 0
        for match in _BOUNDARY.finditer(line):
            end = match.start() + 1
            space = line.rfind(" ", start, end)  # the last token starts after the last space
            token = _LAST_TOKEN.search(line, space + 1 if space >= 0 else start, end)
            word = token.group(1).lower().rstrip(".") if token else ""
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            _append_sentence(sentences, line, offset, start, match.start() + 1, paragraph)
            start = match.end()
        _append_sentence(sentences, line, offset, start, len(line), paragraph)
        offset += len(line) + 1
        if len(line) > 200:  # one long line is one paragraph (wire copy without blank lines)
            paragraph, ended = paragraph + 1, True
    return sentences


def _append_sentence(out: list[Sentence], line: str, offset: int, start: int, end: int, paragraph: int) -> None:
    """Append the stripped line[start:end] as a sentence with article offsets."""
    piece = line[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    begin = offset + start + lead
    out.append(Sentence(begin, begin + len(stripped), stripped, paragraph))
