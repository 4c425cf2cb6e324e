"""Guards against Whisper's known failure modes (pure, no I/O).

Whisper invents text on silence or noise: French subtitle credits learnt from
its training data ("Sous-titres réalisés par la communauté d'Amara.org"),
"Merci d'avoir regardé", and loops that repeat one phrase. These functions
say whether a piece of decoded text is such an invention.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace

from assistant.folding import fold
from assistant.frnumbers import words_to_digits
from assistant.types import Word

_PUNCT = re.compile(r"[^\w\s']", re.UNICODE)
_KNOWN_INVENTIONS = (
    "sous-titres realises par la communaute d'amara.org",
    "sous-titres realises par",
    "sous-titrage st'501",
    "sous-titrage st' 501",
    "sous-titrage societe radio-canada",
    "sous-titrage fr",
    "merci d'avoir regarde",
    "abonnez-vous",
    "n'oubliez pas de vous abonner",
    "amara.org",
    "sous-titres par",
    "traduction et sous-titres",
)


def comparable_words(text: str) -> list[str]:
    """Words of ``text`` compared regardless of case, punctuation, apostrophes,
    hyphens and how numbers are written ("dix-sept" and "17", "48 21 937" and
    "4821937" are the same). The word error rate of tests and benchmarks
    (``tools/wer.py``) scores on these words too.
    """
    t = unicodedata.normalize("NFKC", text).lower()
    t = t.replace("’", "'").replace("‘", "'").replace("-", " ").replace("\u00a0", " ")
    t = words_to_digits(t)
    t = _PUNCT.sub(" ", t)
    t = re.sub(r"(?<=\d) (?=\d)", "", t)
    t = t.replace("'", "' ")
    return t.split()


def is_known_invention(text: str) -> bool:
    """True for the credits and sign-offs Whisper writes over silence."""
    folded = " ".join(fold(text).split()).strip(" .!…")
    if not folded:
        return True
    return any(phrase in folded for phrase in _KNOWN_INVENTIONS)


def repetition_ratio(text: str, n: int = 3) -> float:
    """Share of word n-grams that are repeats (0: none; near 1: a loop)."""
    words = fold(text).split()
    if len(words) < 2 * n:
        return 0.0
    grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    return 1.0 - len(set(grams)) / len(grams)


def is_repetition_loop(text: str, threshold: float = 0.5) -> bool:
    """True when most of ``text`` repeats itself (a decoding loop)."""
    return repetition_ratio(text) >= threshold


def is_hallucination(text: str, no_speech_prob: float = 0.0, avg_logprob: float = 0.0) -> bool:
    """Whether a decoded segment should be dropped rather than shown."""
    if is_known_invention(text) or is_repetition_loop(text):
        return True
    # Whisper's own signal: likely no speech and a low-confidence decode.
    return no_speech_prob > 0.6 and avg_logprob < -1.0


_YEAR_SPLIT = re.compile(r"\b20([0-9])0-(\1[1-9])\b")


def fix_year_artifacts(text: str) -> str:
    """Whisper writes "deux mille vingt-six" as "2020-26": join such a split
    back into one year. Four-digit ranges ("2020-2024", "2016-2017") are left
    alone: only "20X0-XY" with a two-digit tail in the same decade is joined."""
    return _YEAR_SPLIT.sub(lambda m: f"20{m.group(2)}", text)


def ends_with_repeat(text: str, min_words: int = 3) -> bool:
    """Whether ``text`` ends with a run of at least ``min_words`` words said
    twice in a row ("D'accord, j'ai tout ça. D'accord, j'ai tout ça."): the
    mark of a decoding loop in a short window."""
    words = [w.strip(".,;:!?…«»\"").lower() for w in text.split()]
    words = [w for w in words if w]
    return any(words[-n:] == words[-2 * n : -n] for n in range(min_words, len(words) // 2 + 1))


LOOP_MAX_PHRASE_WORDS = 24
"""The longest phrase a loop is looked for in: Whisper repeats whole sentences too
(a ten-word sentence twelve times over, on a noisy fast dictation)."""


def loop_cut(keys: list[str], max_word: int = 4, max_phrase: int = 2) -> int:
    """How many of ``keys`` (words, compared as given) to keep: all of them,
    unless they run into a loop. A loop is one word said more than
    ``max_word`` times in a row, or a phrase of two to ``LOOP_MAX_PHRASE_WORDS``
    words more than ``max_phrase`` times in a row; the first copies that could be
    speech (``max_word`` or ``max_phrase`` of them) are kept and the rest cut.
    ("zéro zéro zéro" and "non non non" stay: people say them.)"""
    for i in range(len(keys)):
        for n in range(1, LOOP_MAX_PHRASE_WORDS + 1):
            allowed = max_word if n == 1 else max_phrase
            if i + n * (allowed + 1) > len(keys):
                break
            gram = keys[i : i + n]
            if not any(gram):
                continue
            repeats, j = 1, i + n
            while j + n <= len(keys) and keys[j : j + n] == gram:
                repeats += 1
                j += n
            if repeats > allowed:
                return i + n * allowed
    return len(keys)


_PIECE = re.compile(r"[^\s,;:.!?…«»\"()]+")
"""A piece of a word for the loop search: Whisper writes a looping number as one
word, its groups joined by commas ("1,3907,1198,1198,1198,…"), which a search over
the spaces between words never sees."""


_CLOSING = re.compile(r"[.!?…»\")]*")


def _pieces(text: str) -> list[tuple[str, int]]:
    """(comparison key, end offset in ``text``) of each piece of ``text``; the end
    takes in the closing marks stuck to the piece ("jours." keeps its full stop)."""
    return [(fold(m.group()), _CLOSING.match(text, m.end()).end())  # type: ignore[union-attr]
            for m in _PIECE.finditer(text)]


def count_pieces(text: str) -> int:
    """How many pieces the loop search reads in ``text`` (words, and the groups of a
    comma-joined number)."""
    return len(_PIECE.findall(text))


def cut_words_loop(words: Sequence[Word]) -> tuple[Word, ...]:
    """``words`` (timed) without a decoding loop's excess copies, batch and live
    alike: the rule of ``loop_cut`` over the words' pieces, so a loop inside one
    word ("1198,1198,1198,1198,1198,…") is cut too, inside that word."""
    pieces = [(i, key, end) for i, w in enumerate(words) for key, end in _pieces(w.text)]
    keep = loop_cut([key for _, key, _ in pieces])
    if keep == len(pieces):
        return tuple(words)
    if keep == 0:
        return ()
    last, _, end = pieces[keep - 1]
    cut = words[last]
    shortened = cut.text[:end]
    return (*words[:last], replace(cut, text=shortened)) if shortened != cut.text \
        else tuple(words[: last + 1])


class SegmentLoop:
    """A loop across segments: Whisper writes the same sentence as segment after
    segment (on a noisy, fast dictation: one ten-word sentence twelve times). Like
    ``loop_cut``, the first ``max_copies`` copies may be speech and stay; a sentence
    of fewer than ``min_words`` words ("Oui.", "Merci.") is never taken for one."""

    def __init__(self, max_copies: int = 2, min_words: int = 4) -> None:
        self.max_copies = max_copies
        self.min_words = min_words
        self._last: list[str] = []
        self._copies = 0

    def repeats(self, text: str) -> bool:
        """Whether ``text``, the next segment, is one copy too many."""
        keys = [k for k in (fold(w).strip(".,;:!?…«»\"") for w in text.split()) if k]
        if len(keys) >= self.min_words and keys == self._last:
            self._copies += 1
        else:
            self._last, self._copies = keys, 1
        return self._copies > self.max_copies


def cut_text_loop(text: str) -> str:
    """``text`` without the end of a decoding loop (``loop_cut`` over its pieces)."""
    pieces = _pieces(text)
    keep = loop_cut([key for key, _ in pieces])
    if keep == len(pieces):
        return text
    return text[: pieces[keep - 1][1]].rstrip(",;: ") if keep else ""
