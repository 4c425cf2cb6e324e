"""Amounts and dates checked against their neighbours, as identifiers are (edge).

Issue #13, part 4: the numbers of amounts ("412 euros") and dates ("le 15
mars 2026") get the same second look as identifiers. Whisper base mishears
them as it mishears a dossier number, by one French word ("quatre-vingt-
treize euros" written 83, "le seize mars" written 15), and no key can catch
it: every amount is a valid amount. So the check of ``verify`` is run on
them: the value written and every number one French word from it (same
number of digits, ``neighbours``), each written in words with its unit
("quatre cent douze euros", "seize mars"), are scored against the audio of
the words (teacher forcing, ``asr_constrained.score_texts``). When a rival
written in as many tokens or more explains the audio better, the value's
words get ``DOUBTED`` as their probability.

The drafter keeps amounts and dates whatever their confidence (unlike an
identifier, a sum of money is worth having to read back): a doubted one is
drafted « à vérifier » (under ``VERIFY_BELOW``), for the agent to check with
the usager. The text is never rewritten. So a value whose words Whisper was
already unsure of (their mean probability under ``VERIFY_BELOW``: drafted
« à vérifier » anyway) is not checked: only the values that would be shown
sure are.

What is checked: the number of a sum in euros (whole euros; in thousands,
each group of two or three digits in turn: "1 150" has rivals for 150, not
for 1), the day of a date (10 to 31) with its month, and a year said in
words with a date (2026: its last group, "vingt-six"). One-digit numbers get
no rivals (``neighbours``: the scores then prefer the short frequent words).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Literal

from num2words import num2words

from assistant.asr import SpeechModel
from assistant.asr_constrained import count_tokens, score_texts
from assistant.frnumbers import parse_number
from assistant.identify.neighbours import DOUBTED, MARGIN, one_word_apart
from assistant.identify.spans import NumberSpan, span_audio
from assistant.notes.fields.amounts import find_amounts
from assistant.notes.fields.dates import find_dates
from assistant.notes.models import VERIFY_BELOW
from assistant.notes.text import normalise
from assistant.types import AudioArray, Segment, Word, word_spans

What = Literal["amount", "day", "year"]

MAX_RIVALS = 40
"""Rivals scored at most per value: about 35 ms each on two cores."""
YEARS = range(1900, 2100)
"""Years said in words that are checked (others are not years of a date)."""


@dataclass(frozen=True, slots=True)
class QuantityVerdict:
    """One amount, day or year checked: the value written, its best rival, the cost."""

    segment_id: int
    what: What
    value: int
    score: float
    rival: int | None
    rival_score: float | None
    doubted: bool
    candidates: int
    seconds: float


@dataclass(frozen=True, slots=True)
class _Said:
    """A number of the segment to check: its words and how it is said."""

    what: What
    value: int
    first: int
    last: int
    unit: str
    """Said after the number in the scored texts (« euros », the month) or ''."""


def check_quantities(model: SpeechModel, audio: AudioArray, seg: Segment,
                     offset_s: float = 0.0) -> tuple[Segment, list[QuantityVerdict]]:
    """``seg`` with the words of each amount, day or year a rival out-scores made
    unsure (word times needed; ``audio`` starts at ``offset_s``)."""
    if not seg.words:
        return seg, []
    verdicts: list[QuantityVerdict] = []
    words = seg.words
    for said in quantities(seg.text, words, model.name):
        probs = [w.probability for w in words[said.first:said.last + 1]]
        if sum(probs) / len(probs) < VERIFY_BELOW:
            continue  # drafted « à vérifier » already: the check could only say so again
        verdict = _check(model, audio, words, said, seg.id, offset_s)
        if verdict is None:
            continue
        verdicts.append(verdict)
        if verdict.doubted:
            words = tuple(replace(w, probability=min(w.probability, DOUBTED))
                          if said.first <= k <= said.last else w
                          for k, w in enumerate(words))
    return (replace(seg, words=words) if words is not seg.words else seg), verdicts


def quantities(text: str, words: Sequence[Word], model: str | None = None) -> list[_Said]:
    """The amounts, days and years ``text`` writes, with the words that say them,
    read as the drafter reads them (``notes.text.normalise``; ``model``: the
    recogniser's name, for its known slips)."""
    spans = word_spans(text, words)
    if spans is None:
        return []
    mt = normalise(text, model)
    out: list[_Said] = []

    def said(what: What, value: int, start: int, end: int, unit: str) -> None:
        first, last = _covering(spans, *mt.span(start, end))
        if first is not None and last is not None:
            out.append(_Said(what, value, first, last, unit))

    for m, value in find_amounts(mt.text):
        if m.group(2) is None and float(value).is_integer() and "," not in m.group(1):
            said("amount", int(value), m.start(1), m.end(), "euros")
    for m, day, _month, year in find_dates(mt.text):
        if not m.group(2).isalpha():
            continue  # 15/03/2026: written, not said
        month = text[slice(*mt.span(m.start(2), m.end(2)))]
        said("day", day, m.start(1), m.end(2), month)
        if year is not None and m.group(3) and year in YEARS:
            said("year", year, m.start(3), m.end(3), "")
    return out


def rivals(value: int) -> tuple[int, ...]:
    """The numbers whose French words are one word from those of ``value`` (a
    number word replaced, added or dropped: 134 and 234, 480 and 1480, 89 and
    99), « cents » and « cent » taken as one word, within a factor of ten; the
    ``MAX_RIVALS`` nearest. Nothing under 10 is checked or a rival: the scores
    prefer the short, frequent one-word numbers whatever was said (« six mars »
    scored as « seize mars » on « seize mars » said; ``neighbours``)."""
    if value < 10:
        return ()
    said = _words(value)
    out: set[int] = set()
    for k in range(len(said) + 1):
        edits = [said[:k] + said[k + 1:]] if k < len(said) else []
        for word in _NUMBER_WORDS:
            edits.append((*said[:k], word, *said[k:]))
            if k < len(said):
                edits.append((*said[:k], word, *said[k + 1:]))
        for edit in edits:
            n = parse_number(" ".join(edit))
            if (n is not None and max(10, value / 10) <= n <= value * 10 and n != value
                    and one_word_apart(said, _words(n))):
                out.add(n)
    return tuple(sorted(sorted(out, key=lambda n: abs(n - value))[:MAX_RIVALS]))


_NUMBER_WORDS = ("un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
                 "onze", "douze", "treize", "quatorze", "quinze", "seize", "vingt", "trente",
                 "quarante", "cinquante", "soixante", "cent", "mille", "et")


@cache
def _words(n: int) -> tuple[str, ...]:
    return tuple(w.removesuffix("s") if w in ("cents", "vingts") else w
                 for w in say(n).replace("-", " ").split())


@cache
def say(value: int) -> str:
    """``value`` in French words ("quatre cent douze")."""
    return str(num2words(value, lang="fr"))


def _check(model: SpeechModel, audio: AudioArray, words: Sequence[Word], said: _Said,
           segment_id: int, offset_s: float) -> QuantityVerdict | None:
    t0 = time.perf_counter()
    others = rivals(said.value)
    if said.what == "day":
        others = tuple(n for n in others if 1 <= n <= 31)
    elif said.what == "year":
        others = tuple(n for n in others if n in YEARS)
    if not others:
        return None
    texts = [f"{say(n)} {said.unit}".strip() + "." for n in (said.value, *others)]
    tokens = count_tokens(model, texts)
    keep = [i for i in range(1, len(texts)) if tokens[i] >= tokens[0]]
    if not keep:
        return None
    span = NumberSpan(said.first, said.last, words[said.first].start, words[said.last].end,
                      said.last - said.first + 1)
    cut = span_audio(audio, words, span, offset_s)
    scores = score_texts(model, cut.audio, [texts[0], *(texts[i] for i in keep)],
                         prefix=cut.prefix or None)
    best = max(range(len(keep)), key=lambda j: scores[j + 1])
    return QuantityVerdict(segment_id, said.what, said.value, scores[0], others[keep[best] - 1],
                           scores[best + 1], scores[best + 1] > scores[0] + MARGIN,
                           len(keep) + 1, round(time.perf_counter() - t0, 3))


def _covering(spans: Sequence[tuple[int, int]], start: int, end: int
              ) -> tuple[int | None, int | None]:
    """The first and last words over the characters ``[start, end)``."""
    inside = [k for k, (a, b) in enumerate(spans) if a < end and b > start]
    return (inside[0], inside[-1]) if inside else (None, None)
