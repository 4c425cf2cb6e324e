"""Values near what was heard, written as they are said (pure).

Whisper base mishears a French number by one word far more often than by
several: "quatre-vingt-treize" heard as 83 ("quatre-vingt-trois"),
"soixante-quinze" as 65, "neuf cent quatre-vingt-seize" as 986. The readings
of a number (``spoken.heard_groups``) are the starting points; each group of
two or more digits is replaced in turn by every number of as many digits
whose French words differ from its own by one word (a word replaced, added
or dropped). Those candidates, written out in French words, are what the
model scores against the audio (``asr_constrained.score_texts``); the scores
vote in ``choose``. One-digit groups get no neighbours: every digit is one
word away from every other, and the model's scores prefer the short frequent
ones ("un") whatever was said.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import zip_longest

from num2words import num2words

from assistant.identify.spoken import Heard, values_for
from assistant.notes.models import DROP_BELOW, IdentifierKind

MARGIN = 0.0
"""How much better (summed log probability) a neighbour must score to doubt a
value written (``verify``, ``quantities``)."""
DOUBTED = round(DROP_BELOW / 2, 2)
"""The probability given to the words of a doubted value: under ``DROP_BELOW``,
so that the drafter drops an identifier and shows an amount or a date
« à vérifier »."""
MAX_STARTS = 2
"""Readings whose groups get neighbours (the best first)."""
MAX_CANDIDATES = 64
"""Neighbours scored at most per number, besides the readings themselves: the
cost of a capture is about one short decoder pass per candidate."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A way the number may have been said, and the value it makes."""

    groups: tuple[str, ...]
    value: str | None
    """The first value of the kind these groups make (``None``: none)."""
    heard: bool
    """One of the readings itself (not a neighbour)."""

    @property
    def said(self) -> str:
        """The groups in French words, as a person says them."""
        return ", ".join(say_group(g) for g in self.groups) + "."


@cache
def _words(n: int) -> tuple[str, ...]:
    return tuple(str(num2words(n, lang="fr")).replace("-", " ").split())


def say_group(group: str) -> str:
    """A group in French words: leading zeros one by one, then the number
    ("07" -> "zéro sept", "996" -> "neuf cent quatre-vingt-seize"); letters as
    they are."""
    if not group.isdigit():
        return group
    rest = group.lstrip("0")
    words = ["zéro"] * (len(group) - len(rest))
    if rest:
        words.append(str(num2words(int(rest), lang="fr")))
    return " ".join(words)


def one_word_apart(a: Sequence[str], b: Sequence[str]) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(tuple(long_[:i]) + tuple(long_[i + 1:]) == tuple(short) for i in range(len(long_)))


@cache
def _near_numbers(rest: str) -> tuple[str, ...]:
    n = int(rest)
    low, high = 10 ** (len(rest) - 1), 10 ** len(rest)
    return tuple(str(m) for m in range(low, high)
                 if m != n and one_word_apart(_words(n), _words(m)))


def neighbours(group: str) -> tuple[str, ...]:
    """Groups of as many digits said one French word differently (leading
    zeros kept); none for letters, one-digit numbers and groups over 999."""
    if not group.isdigit():
        return ()
    rest = group.lstrip("0")
    if len(rest) < 2 or len(rest) > 3:
        return ()
    zeros = group[: len(group) - len(rest)]
    return tuple(zeros + m for m in _near_numbers(rest))


def candidates(kind: IdentifierKind, readings: Sequence[Heard]) -> list[Candidate]:
    """The readings (each once, in order) and the valid values one group away
    from the first ``MAX_STARTS`` of them, at most ``MAX_CANDIDATES`` of those."""
    out: dict[tuple[str, ...], Candidate] = {}
    for heard in readings:
        if heard.groups and heard.groups not in out:
            values = values_for(kind, heard)
            out[heard.groups] = Candidate(heard.groups, values[0] if values else None, True)
    near: list[Candidate] = []
    seen = set(out)
    for heard in readings[:MAX_STARTS]:
        # Position by position in turn, so that a cap drops from every group.
        per_group = [[(*heard.groups[:i], other, *heard.groups[i + 1:])
                      for other in neighbours(group)] for i, group in enumerate(heard.groups)]
        for groups in (g for row in zip_longest(*per_group) for g in row if g is not None):
            if groups in seen:
                continue
            seen.add(groups)
            values = values_for(kind, Heard(groups, heard.corrected, heard.letters_named,
                                            heard.after_key))
            if values:
                near.append(Candidate(groups, values[0], False))
    return list(out.values()) + near[:MAX_CANDIDATES]
