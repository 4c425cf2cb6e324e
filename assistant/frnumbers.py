"""French number words to digits (pure, no I/O).

Whisper writes some numbers as words ("quatre cent cinquante euros", "deux
mille vingt-six") and people dictate identifiers digit by digit ("sept sept
zéro trois"). This module finds number words inside a text and turns them
into integers, following French grammar closely enough to tell one number
from the next: "vingt deux" is 22, but "deux trois" is 2 then 3, and
"soixante-dix-sept" is 77.

- ``parse_number("mille trois cent quarante")`` -> 1340 (``None`` if the
  whole text is not one number);
- ``find_numbers(text)`` -> every number said in words, with its character
  span in ``text``;
- ``words_to_digits(text)`` -> the text with those numbers written in digits
  ("quatre cent cinquante euros" -> "450 euros"). A lone "un"/"une" is an
  article more often than a number, so it stays a word unless it stands
  right next to other numbers ("un deux trois" -> "1 2 3").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.folding import fold

_UNITS = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5,
    "six": 6, "sept": 7, "huit": 8, "neuf": 9,
}
_TEENS = {
    "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
    "seize": 16,
}
_TENS = {
    "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50,
    "soixante": 60, "septante": 70, "huitante": 80, "octante": 80, "nonante": 90,
}
_HUNDRED = {"cent", "cents"}
_BIG = {
    "mille": 1_000, "mil": 1_000, "million": 1_000_000, "millions": 1_000_000,
    "milliard": 1_000_000_000, "milliards": 1_000_000_000,
}
NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TEENS) | frozenset(_TENS) | _HUNDRED | frozenset(_BIG)

_WORD = re.compile(r"[^\W\d_]+")
_JOINER = re.compile(r"[\s\-‑]*")


@dataclass(frozen=True, slots=True)
class NumberMatch:
    """A number said in words: its span in the text and its value."""

    start: int
    end: int
    value: int
    words: int
    """How many words it was said in."""


class _Builder:
    """Accumulates one number word by word; ``take`` says whether a word fits."""

    def __init__(self) -> None:
        self.total = 0
        self.current = 0
        self.big = 0  # the last big multiplier used (0: none yet)
        self.prev = ""
        self.count = 0
        self.pending_et = False
        self.digit_only = False  # "zéro" stands alone

    @property
    def value(self) -> int:
        return self.total + self.current

    def take(self, w: str) -> bool:
        """Add word ``w`` if French grammar lets it continue this number."""
        if self.digit_only:
            return False
        cur = self.current
        low = cur % 100
        first = self.count == 0
        if w == "et":
            # only in "vingt et un", "soixante et onze"
            if self.pending_et or low not in (20, 30, 40, 50, 60) or self.prev not in _TENS:
                return False
            self.pending_et = True
            return True
        if self.pending_et and w not in ("un", "une", "onze"):
            return False
        if w == "zero":
            if not first:
                return False
            self.digit_only = True
        elif w in _UNITS:
            v = _UNITS[w]
            if not (first or (low % 10 == 0 and (low != 0 or self.prev in _HUNDRED
                                                  or self.prev in _BIG))):
                return False
            if self.prev in _UNITS:
                return False
            self.current = cur + v
        elif w in _TEENS:
            after_hundred = low == 0 and (self.prev in _HUNDRED or self.prev in _BIG)
            after_tens = low in (60, 80) and self.prev in ("soixante", "vingt", "vingts")
            if not (first or after_hundred or after_tens):
                return False
            self.current = cur + _TEENS[w]
        elif w in _TENS:
            v = _TENS[w]
            if v == 20 and self.prev == "quatre" and low == 4:
                self.current = cur - 4 + 80
            elif first or (low == 0 and (self.prev in _HUNDRED or self.prev in _BIG)):
                self.current = cur + v
            else:
                return False
        elif w in _HUNDRED:
            if first or (cur == 0 and self.prev in _BIG):
                self.current = 100
            elif self.prev in _UNITS and 2 <= cur <= 9:
                self.current = cur * 100
            else:
                return False
        elif w in _BIG:
            mult = _BIG[w]
            if self.big and mult >= self.big:
                return False
            if first:
                self.total += mult
            elif cur == 0:
                return False
            else:
                self.total += cur * mult
            self.current = 0
            self.big = mult
        else:
            return False
        self.pending_et = False
        self.prev = w
        self.count += 1
        return True


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]


def find_numbers(text: str) -> list[NumberMatch]:
    """Every number said in words in ``text``, left to right, with its span."""
    toks = _tokens(text)
    out: list[NumberMatch] = []
    i = 0
    n = len(toks)
    while i < n:
        if toks[i][2] not in NUMBER_WORDS:
            i += 1
            continue
        b = _Builder()
        j = i
        last_ok = i - 1
        while j < n:
            if j > i:
                gap = text[toks[j - 1][1] : toks[j][0]]
                if not _JOINER.fullmatch(gap):
                    break
            if not b.take(toks[j][2]):
                break
            if toks[j][2] != "et":
                last_ok = j
            j += 1
        if last_ok < i:
            i += 1
            continue
        # A trailing "et" that found no "un" is not part of the number.
        words = sum(1 for k in range(i, last_ok + 1) if toks[k][2] != "et")
        # Recompute the value without a dangling "et" (it adds nothing anyway).
        out.append(NumberMatch(toks[i][0], toks[last_ok][1], b.value, words))
        i = last_ok + 1
    return out


def parse_number(text: str) -> int | None:
    """The value of ``text`` if it is exactly one number in words (or digits)."""
    stripped = text.strip()
    if not stripped:
        return None
    if stripped.isdigit():
        return int(stripped)
    found = find_numbers(stripped)
    if len(found) != 1:
        return None
    m = found[0]
    if stripped[: m.start].strip() or stripped[m.end :].strip(" .,!?"):
        return None
    return m.value


def _is_lone_article(text: str, m: NumberMatch, prev_end: int, next_start: int) -> bool:
    """A single "un"/"une" with no number right beside it: an article."""
    if m.words != 1 or fold(text[m.start : m.end]) not in ("un", "une"):
        return False
    before = text[prev_end : m.start]
    after = text[m.end : next_start]
    near_before = (prev_end > 0 and before.strip() == "") or bool(re.search(r"\d\s*$", before))
    near_after = (next_start < len(text) and after.strip() == "") or bool(
        re.match(r"\s*\d", after)
    )
    return not (near_before or near_after)


def words_to_digits(text: str) -> str:
    """``text`` with its numbers in words written in digits."""
    found = find_numbers(text)
    if not found:
        return text
    pieces: list[str] = []
    pos = 0
    for k, m in enumerate(found):
        prev_end = found[k - 1].end if k > 0 else 0
        next_start = found[k + 1].start if k + 1 < len(found) else len(text)
        if _is_lone_article(text, m, prev_end if k > 0 else 0, next_start):
            continue
        pieces.append(text[pos : m.start])
        pieces.append(str(m.value))
        pos = m.end
    pieces.append(text[pos:])
    return "".join(pieces)
