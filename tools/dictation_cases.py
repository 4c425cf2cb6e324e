"""Dictated test texts and the measures of a dictation result (pure).

A case says what is spoken, with the voice commands in [brackets], and the
text expected once the commands are applied (``~`` for a non-breaking
space). Measures: command words left in the output, dictated line breaks
present, word error rate.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.folding import fold
from tools.wer import WerCount, aligned, edit_distance, normalize

NBSP = "\u00a0"


@dataclass(frozen=True, slots=True)
class DictationCase:
    """One dictated text and what it must give."""

    id: str
    dictated: str
    expected: str

    @property
    def spoken(self) -> str:
        """What is said, in one breath."""
        return re.sub(r"\s+", " ", self.dictated.replace("[", " ").replace("]", " ")).strip()

    @property
    def pieces(self) -> tuple[str, ...]:
        """What is said, cut before and after each command (for pauses)."""
        parts = re.split(r"\[([^\]]+)\]", self.dictated)
        return tuple(p.strip() for p in parts if p.strip())


def load_cases(path: Path) -> tuple[DictationCase, ...]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        DictationCase(c["id"], c["dictated"], c["expected"].replace("~", NBSP))
        for c in doc["cases"]
    )


COMMAND_WORDS = frozenset({
    "virgule", "point", "points", "guillemets", "guillemet", "parenthese", "tiret",
    "ligne", "paragraphe", "interrogation", "exclamation", "suspension", "efface",
    "annule", "ouvrez", "fermez",
})
"""Words that belong to voice commands: left in the output, they are a miss."""


def _command_words(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for w in re.split(r"[\s'’\-]+", fold(text)):
        w = w.strip(".,;:!?…«»()")
        if w in COMMAND_WORDS:
            counts[w] = counts.get(w, 0) + 1
    return counts


def command_words_left(expected: str, output: str) -> int:
    """Command words in ``output`` beyond those the expected text holds as words."""
    exp = _command_words(expected)
    return sum(max(0, n - exp.get(w, 0)) for w, n in _command_words(output).items())


def _layout_tokens(text: str) -> list[str]:
    out: list[str] = []
    for k, para in enumerate(text.split("\n\n")):
        if k:
            out.append("<par>")
        for j, line in enumerate(para.split("\n")):
            if j:
                out.append("<br>")
            out.extend(normalize(line))
    return out


@dataclass(frozen=True, slots=True)
class BreakCount:
    """Dictated line breaks found in the output (by alignment), and extra ones."""

    present: int
    expected: int
    extra: int


def line_breaks(expected: str, output: str) -> BreakCount:
    """Align words and breaks; count the expected breaks matched in place."""
    ref, hyp = _layout_tokens(expected), _layout_tokens(output)
    present = sum(ref[i] == hyp[j] and ref[i] in ("<br>", "<par>") for i, j in aligned(ref, hyp))
    n_exp = sum(t in ("<br>", "<par>") for t in ref)
    n_out = sum(t in ("<br>", "<par>") for t in hyp)
    return BreakCount(present, n_exp, max(0, n_out - present))


def word_errors(expected: str, output: str) -> WerCount:
    """Word errors after the shared French normalisation (case, punctuation)."""
    ref, hyp = normalize(expected), normalize(output)
    return WerCount(edit_distance(ref, hyp), len(ref))


_MARK = re.compile(r"[,.;:!?…«»()]")


def marked_tokens(text: str) -> list[str]:
    """Words and punctuation marks as tokens (for a punctuation-aware rate)."""
    spaced = _MARK.sub(lambda m: f" {m.group()} ", text.replace(NBSP, " "))
    return [t for t in re.split(r"\s+", spaced.lower()) if t]


def mark_errors(expected: str, output: str) -> WerCount:
    """Errors counting punctuation marks as words: the commands' own score."""
    ref, hyp = marked_tokens(expected), marked_tokens(output)
    return WerCount(edit_distance(ref, hyp), len(ref))


def total(counts: Sequence[WerCount]) -> WerCount:
    out = WerCount(0, 0)
    for c in counts:
        out = out + c
    return out
