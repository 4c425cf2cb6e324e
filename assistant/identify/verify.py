"""Verification: is the value the transcript wrote the best way to say the audio? (edge)

Whisper base mishears a French number by one word far more often than by
several ("quatre-vingt-treize" written 83, "trente-huit" 28: see
``neighbours``), and for the kinds without a check digit (telephone, numéro
allocataire, France Travail, plates) any such slip makes another valid value,
which the drafter would keep. Here the value the transcript wrote is put
against the valid values one French word away from it: all of them, written
in French words, are scored against the number's audio (teacher forcing,
``asr_constrained.score_texts``). When one of them explains the audio better
than the value written (and is written in as many tokens or more: a summed
log probability favours shorter texts), the value is doubted: the words
that say it get a probability under ``DROP_BELOW``, so the drafter does not
draft it and the agent has the number said again (or takes it with the
number dictation).

Nothing is ever rewritten: the check can only take a value away, never put
one in the note, so a wrong neighbour that happens to score well costs a
right value at worst, never a wrong one.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.asr import SpeechModel
from assistant.asr_constrained import count_tokens, score_texts
from assistant.identify.choose import Reading, letters_mode, withheld
from assistant.identify.kinds import RULES, cued_kinds
from assistant.identify.neighbours import DOUBTED, MARGIN, candidates
from assistant.identify.quantities import QuantityVerdict, check_quantities
from assistant.identify.spans import SpanAudio, number_spans, span_audio
from assistant.identify.spoken import heard_groups, values_for
from assistant.notes.heard import HeardConfidence
from assistant.notes.models import IdentifierKind
from assistant.types import AudioArray, Segment

MIN_NUMBER_WORDS = 2
"""Words a number must be said in to be checked (as the second look)..."""
MIN_DIGITS = 5
"""... or digits it must hold ("185-26-79" is one word)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """One value checked: what was written, the best neighbour, and what it cost."""

    segment_id: int
    kind: IdentifierKind
    value: str
    score: float
    rival: str | None
    """The best-scoring valid value one word away (None: none to compare with)."""
    rival_score: float | None
    rival_words: int
    """Words the rival is said in, less those of the value written."""
    doubted: bool
    candidates: int
    seconds: float


def cues(segments: Sequence[Segment]) -> list[IdentifierKind]:
    """The kinds ``segments`` name, read as the drafter reads them: where
    Whisper was unsure of a word, it may be a cue it sounds less like
    (« numéro à l'occateur »)."""
    heard = HeardConfidence()
    for seg in segments:
        heard.add(seg)
    return cued_kinds([s.text for s in segments], [heard.at(s.id) for s in segments])


def verify_segment(model: SpeechModel, audio: AudioArray, seg: Segment,
                   earlier: Sequence[Segment], offset_s: float = 0.0,
                   amounts: bool = False) -> tuple[Segment, list[Verdict | QuantityVerdict]]:
    """``seg`` with the words of each value a neighbour out-scores made unsure:
    its identifiers, then (``amounts``: ``identify.verify_amounts``) its
    amounts and dates (``quantities``).

    Each number is checked as every kind cued in ``seg`` or the ``earlier``
    segments; ``audio`` starts at ``offset_s`` and must cover the segment's
    words (word times needed)."""
    seg, verdicts = verify_identifiers(model, audio, seg, earlier, offset_s)
    if not amounts:
        return seg, [*verdicts]
    seg, amounts_and_dates = check_quantities(model, audio, seg, offset_s)
    return seg, [*verdicts, *amounts_and_dates]


def verify_identifiers(model: SpeechModel, audio: AudioArray, seg: Segment,
                       earlier: Sequence[Segment], offset_s: float = 0.0
                       ) -> tuple[Segment, list[Verdict]]:
    """``verify_segment`` for the identifiers alone."""
    if not seg.words:
        return seg, []
    kinds = cues([*earlier, seg])
    if not kinds:
        return seg, []
    letters = any(RULES[k].letters for k in kinds)
    verdicts: list[Verdict] = []
    for span in number_spans(seg.words, letters):
        plain = " ".join(w.text for w in seg.words[span.first:span.last + 1])
        if span.number_words < MIN_NUMBER_WORDS and sum(c.isdigit() for c in plain) < MIN_DIGITS:
            continue
        cut = span_audio(audio, seg.words, span, offset_s)
        found = [v for v in (check(model, cut, kind, seg.id) for kind in kinds) if v is not None]
        verdicts.extend(found)
        doubted = any(v.doubted for v in found)
        if doubted:
            words = tuple(replace(w, probability=min(w.probability, DOUBTED))
                          if span.first <= k <= span.last else w
                          for k, w in enumerate(seg.words))
            seg = replace(seg, words=words)
    return seg, verdicts


def check(model: SpeechModel, cut: SpanAudio, kind: IdentifierKind,
          segment_id: int = -1) -> Verdict | None:
    """The value ``cut.plain`` makes as ``kind``, scored against its valid
    one-word neighbours on ``cut.audio`` (None: it makes no value of that kind)."""
    t0 = time.perf_counter()
    with_letters, spelt = letters_mode(kind)
    heard = heard_groups(cut.plain, with_letters, spelt)
    values = values_for(kind, heard)
    if not values:
        return None
    found = candidates(kind, [heard])
    written = found[0]
    rivals = [c for c in found[1:] if c.value is not None and c.value != values[0]]
    # A summed log probability favours a shorter text: a rival written in fewer
    # tokens would win partly by its length, so it may not veto.
    tokens = count_tokens(model, [written.said, *(c.said for c in rivals)])
    rivals = [c for c, n in zip(rivals, tokens[1:], strict=True) if n >= tokens[0]]
    if not rivals:
        return Verdict(segment_id, kind, values[0], 0.0, None, None, 0, False, 0,
                       round(time.perf_counter() - t0, 3))
    scores = score_texts(model, cut.audio, [written.said, *(c.said for c in rivals)],
                         prefix=cut.prefix or None)
    best = max(range(len(rivals)), key=lambda i: scores[i + 1])
    rival = rivals[best]
    return Verdict(segment_id, kind, values[0], scores[0], rival.value, scores[best + 1],
                   _count(rival.said) - _count(written.said),
                   scores[best + 1] > scores[0] + MARGIN, len(rivals) + 1,
                   round(time.perf_counter() - t0, 3))


def checked_reading(model: SpeechModel, cut: SpanAudio, reading: Reading) -> Reading:
    """The capture path's ``reading`` of ``cut``, without its value when a valid
    value one word from it scores better on the audio (the groups heard stay,
    for the agent to have the number said again). Checked as the best reading
    wrote it, when that makes the value chosen."""
    if reading.value is None:
        return reading
    said = SpanAudio(cut.audio, cut.prefix, reading.heard)
    verdict = check(model, said, reading.kind)
    if verdict is None or verdict.value != reading.value or not verdict.doubted:
        return reading
    return withheld(reading)


def verify_transcript_segments(model: SpeechModel, audio: AudioArray,
                               segments: Sequence[Segment], context: int,
                               amounts: bool = False
                               ) -> tuple[tuple[Segment, ...], list[Verdict | QuantityVerdict]]:
    """Every segment of a decoded recording checked (``context``: earlier
    segments whose cues still count; ``amounts``: amounts and dates too)."""
    out: list[Segment] = []
    verdicts: list[Verdict | QuantityVerdict] = []
    for i, seg in enumerate(segments):
        checked, found = verify_segment(model, audio, seg, segments[max(0, i - context):i],
                                        amounts=amounts)
        out.append(checked)
        verdicts.extend(found)
    return tuple(out), verdicts


def _count(said: str) -> int:
    """French words in ``said`` (« quatre-vingt-treize »: three)."""
    return len(said.replace("-", " ").split())
