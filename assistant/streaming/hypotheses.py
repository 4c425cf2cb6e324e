"""Hypotheses of the streaming engine: words compared across passes.

Each decoding pass over the growing buffer gives a ``Hypothesis``. Words are
compared folded (case, accents, punctuation: ``word_key``). LocalAgreement
commits the prefix two consecutive hypotheses agree on (``agreed_prefix``),
holding back a number that may still grow; ``after_committed`` and
``drop_committed_overlap`` keep only what a pass heard after the text already
committed, when the buffer still holds its audio as context. Pure functions
over ``Word`` tuples. (Decoding loops are cut by ``guards.cut_words_loop``,
the batch rule.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from assistant.folding import fold
from assistant.types import Word

_FRENCH_NUMBER_WORDS = frozenset((
    "zero", "un", "une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
    "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "vingt", "vingts",
    "trente", "quarante", "cinquante", "soixante", "cent", "cents", "mille", "million",
    "millions", "milliard", "milliards",
))


@dataclass(frozen=True, slots=True)
class Hypothesis:
    """The cleaned words of one decoding pass, and where its audio ended."""

    words: tuple[Word, ...]
    audio_end_s: float


def word_key(word: Word) -> str:
    """Comparison key: folded, without punctuation."""
    return re.sub(r"[^\w']+", "", fold(word.text))


def _similar(a: str, b: str) -> bool:
    """Two spellings of one word ("passeport" / "passport")."""
    return bool(a) and bool(b) and SequenceMatcher(None, a, b).ratio() >= 0.75


def is_number(word: Word) -> bool:
    """Digits, or French number words (\"trente-cinq\")."""
    text = fold(word.text).strip(" .,;:!?…€%")
    if re.fullmatch(r"\d[\d\s.,/h-]*", text):
        return True
    return bool(text) and all(part in _FRENCH_NUMBER_WORDS for part in text.split("-") if part)


STRETCH_S = 0.3
"""How far before the committed end a new word may end (word times move
by a few tenths of a second between two passes over the same audio)."""


_GLUED_PREFIX = ("'", "’", "-")  # "'accord", "-vous": part of the previous word
_NO_SPACE_BEFORE = (",", ".", ")", "]", "…")


def join_words(words: tuple[Word, ...]) -> str:
    """Words back to text: faster-whisper splits "D'accord" into "D" + "'accord"
    and "revenez-vous" into "revenez" + "-vous"; no space goes before those."""
    out = ""
    for w in words:
        text = w.text.strip()
        if not text:
            continue
        glued = text.startswith(_NO_SPACE_BEFORE) or (
            text.startswith(_GLUED_PREFIX) and len(text) > 1
        )
        if out and not glued:
            out += " "
        out += text
    return out


def agreed_prefix(previous: tuple[Word, ...], current: tuple[Word, ...]) -> int:
    """How many leading words of ``current`` may be committed: the common
    prefix of both hypotheses (folded), minus a trailing number run unless the
    word after it is agreed too (the number may still be growing)."""
    n = 0
    while n < len(previous) and n < len(current) and word_key(previous[n]) == word_key(current[n]):
        n += 1
    # Hold back a number that is not closed by an agreed non-number word.
    while n > 0 and is_number(current[n - 1]):
        n -= 1
    return n


def after_committed(words: tuple[Word, ...], committed: tuple[Word, ...], committed_end_s: float,
                    buffer_start_s: float, tentative: tuple[Word, ...]) -> tuple[Word, ...]:
    """The words of a pass that come after the committed text, when the
    buffer still holds committed audio. By text first: where the pass
    wrote the committed words again, what follows them is new. Otherwise by
    time, leniently: Whisper often stretches the last committed word over
    the pause, so the first new word ("Il" after "papier.") can begin
    before the committed end, and the pass that committed it may have
    timed it later than this one does: a word is new once it ends after
    the committed end minus ``STRETCH_S`` (a committed word written again
    is then removed by ``drop_committed_overlap``).

    ``committed``: the last committed words, ending at ``committed_end_s``;
    ``tentative``: the previous pass's uncommitted words."""
    end_s = committed_end_s
    if end_s <= buffer_start_s + 0.05:
        return words
    keys = [word_key(w) for w in words]
    # Number groups glued ("35 17 804" = "3517804"): a pass that writes a
    # committed number the other way still anchors on it.
    groups = _glued(keys)
    tail = [key for key, _ in _glued([word_key(w) for w in committed])]
    for n in range(min(4, len(tail)), 0, -1):
        if n == 1 and len(tail[-1]) < 4:
            break  # one short word is too weak an anchor
        for i in range(len(groups) - n, -1, -1):
            last = groups[i + n - 1][1]
            if ([key for key, _ in groups[i : i + n]] == tail[-n:]
                    and abs(words[last].end - end_s) < 1.5):
                return words[last + 1 :]
    first = next((i for i, w in enumerate(words) if w.end > end_s - STRETCH_S), len(words))
    # After a skip, Whisper may time the first new word at the start of
    # the buffer: words just before the first kept one that begin the
    # previous pass's uncommitted text are new too.
    pending = [word_key(w) for w in tentative]
    for k in range(min(first, len(pending)), 0, -1):
        if keys[first - k : first] == pending[:k]:
            first -= k
            break
    return words[first:]


def echoes(words: tuple[Word, ...], earlier: str, n: int = 3) -> bool:
    """Whether the first ``n`` words repeat, in a row, text committed earlier
    (``earlier``, the prompt's committed tail): Whisper sometimes writes its
    prompt again over the start of a new buffer."""
    if len(words) < n:
        return False
    head = [word_key(w) for w in words[:n]]
    keys = [word_key(Word(0.0, 0.0, t)) for t in earlier.split()]
    for i in range(len(keys) - n + 1):
        run = keys[i : i + n]
        same = sum(a == b for a, b in zip(run, head, strict=True))
        # One word may differ a little ("Par exemple de" over "Par exemple des").
        if same == n or (same == n - 1 and all(
                a == b or _similar(a, b) for a, b in zip(run, head, strict=True))):
            return True
    return False


def _glued(keys: list[str]) -> list[tuple[str, int]]:
    """``keys`` with runs of digit groups joined: (key, index of its last word)."""
    out: list[tuple[str, int]] = []
    for i, key in enumerate(keys):
        if key.isdigit() and out and out[-1][0].isdigit() and out[-1][1] == i - 1:
            out[-1] = (out[-1][0] + key, i)
        else:
            out.append((key, i))
    return out


def drop_committed_overlap(hyp: tuple[Word, ...], committed_words: tuple[Word, ...],
                           committed_end_s: float, boundary_s: float) -> tuple[Word, ...]:
    """Remove leading words that repeat the end of the committed text (``boundary_s``:
    where uncommitted audio starts in the buffer)."""
    committed = [key for key, _ in _glued([word_key(w) for w in committed_words])]
    groups = _glued([word_key(w) for w in hyp])
    keys = [key for key, _ in groups]
    for n in range(min(3, len(committed), len(keys)), 0, -1):
        if committed[-n:] == keys[:n] and hyp[0].start < boundary_s + 0.3:
            return hyp[groups[n - 1][1] + 1 :]
    if (hyp and committed and hyp[0].end <= committed_end_s + STRETCH_S
            and _similar(keys[0], committed[-1])):
        return hyp[groups[0][1] + 1 :]  # the last committed word again, spelt another way
    return hyp
