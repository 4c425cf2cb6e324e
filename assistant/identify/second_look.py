"""The second look: numbers in a transcript read again from their audio (edge).

Whisper base writes an identifier said aloud in pieces ("1, 68, 01, 67, 636,
32, que les 07"), drops digits and hears words where numbers were said ("soit
sans 8"). After a decoding with word times (batch, or a live commit), every
stretch that says a number after an identifier cue (this segment or the two
before it), or a long run of digits without one, is decoded again from the
audio with the output
restricted to what such a value can contain (``reader.read_cut``). When the
readings agree on a valid value (``IdentifySettings.keep_confidence``) the
stretch is rewritten as that value in its groups, its words carrying the
readings' confidence as their probability, so the drafter finds it, checks it
again and shows how sure it is. Otherwise the text is left as it was, but its
words are made no surer than the readings' vote for the value the text itself
makes: the drafter drops a value the readings do not back (``DROP_BELOW``) and
flags one they back weakly.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.asr import SpeechModel
from assistant.identify.choose import Reading, letters_mode
from assistant.identify.kinds import RULES, cued_kinds, grouped
from assistant.identify.reader import read_cut
from assistant.identify.spans import NumberSpan, number_spans, span_audio
from assistant.identify.spoken import heard_groups, values_for
from assistant.notes.models import IdentifierKind
from assistant.types import AudioArray, Segment, Transcript, Word

K = IdentifierKind

CUE_SEGMENTS = 2
"""Earlier segments whose identifier cues still count (the question, then the answer)."""
MIN_NUMBER_WORDS_CUED = 2
MIN_NUMBER_WORDS_UNCUED = 6
UNCUED_KINDS = (K.NIR, K.NUMERO_FISCAL, K.TELEPHONE)
"""Kinds tried on a long run of digits that no cue names: those a check or a
shape tells apart from an amount or a date."""


@dataclass(frozen=True, slots=True)
class Look:
    """One stretch read again: where, what was kept, and what it cost."""

    segment_id: int
    start: float
    end: float
    reading: Reading
    kept: bool
    seconds: float


def second_look(model: SpeechModel, audio: AudioArray, transcript: Transcript,
                keep_confidence: float) -> tuple[Transcript, list[Look]]:
    """``transcript`` with its numbers read again from ``audio`` where the readings agree."""
    segments = list(transcript.segments)
    looks: list[Look] = []
    for i, seg in enumerate(segments):
        earlier = [s.text for s in segments[max(0, i - CUE_SEGMENTS):i]]
        segments[i], seen = look_segment(model, audio, seg, earlier, keep_confidence)
        looks.extend(seen)
    return replace(transcript, segments=tuple(segments)), looks


def look_segment(model: SpeechModel, audio: AudioArray, seg: Segment, earlier: Sequence[str],
                 keep_confidence: float, offset_s: float = 0.0) -> tuple[Segment, list[Look]]:
    """``seg`` with its numbers read again from ``audio`` (whose first sample is at
    ``offset_s``); ``earlier``: the texts of the segments just before it, whose
    identifier cues still count and the last of which primes the decoding."""
    if not seg.words:
        return seg, []
    kinds = cued_kinds([*earlier[-CUE_SEGMENTS:], seg.text])
    letters = any(RULES[k].letters for k in kinds)
    prompt = earlier[-1][-200:] if earlier else None
    new_seg = seg
    looks: list[Look] = []
    # From the last span back, so that rewriting one keeps the earlier spans' word indices.
    for span in reversed(number_spans(seg.words, letters)):
        need = MIN_NUMBER_WORDS_CUED if kinds else MIN_NUMBER_WORDS_UNCUED
        if span.number_words < need:
            continue
        t0 = time.perf_counter()
        cut = span_audio(audio, seg.words, span, offset_s)
        reading = read_cut(model, cut, kinds or list(UNCUED_KINDS), prompt)
        spent = time.perf_counter() - t0
        kept = reading.valid and reading.confidence >= keep_confidence
        new_seg = (_rewritten if kept else _doubted)(new_seg, span, reading)
        looks.append(Look(seg.id, span.start, span.end, reading, kept, round(spent, 3)))
    return new_seg, looks


def written(reading: Reading) -> str:
    """How a kept value is written into the transcript."""
    assert reading.value is not None
    if reading.kind is K.IMMATRICULATION:
        return reading.value
    return " ".join(grouped(reading.kind, reading.value))


def _doubted(seg: Segment, span: NumberSpan, reading: Reading) -> Segment:
    """``seg`` as written, its number's words no surer than the readings' vote for
    the value the transcript itself makes (none: no value the readings back)."""
    plain = " ".join(w.text for w in seg.words[span.first:span.last + 1])
    letters, spelt = letters_mode(reading.kind)
    values = values_for(reading.kind, heard_groups(plain, letters, spelt))
    backed = reading.share(values[0]) if values else 0.0
    words = tuple(replace(w, probability=min(w.probability, backed))
                  if span.first <= k <= span.last else w for k, w in enumerate(seg.words))
    return replace(seg, words=words)


def _rewritten(seg: Segment, span: NumberSpan, reading: Reading) -> Segment:
    offsets = seg.word_spans()
    if offsets is None:
        return seg
    a = offsets[span.first][0]
    b = offsets[span.last][1]
    while b > a and seg.text[b - 1] in ",.;:!?":
        b -= 1
    text = written(reading)
    groups = text.split(" ")
    step = (span.end - span.start) / len(groups)
    new_words = tuple(
        Word(start=round(span.start + k * step, 3), end=round(span.start + (k + 1) * step, 3),
             text=g, probability=reading.confidence)
        for k, g in enumerate(groups)
    )
    tail = seg.words[span.last]
    if tail.text.rstrip(",.;:!?") != tail.text:
        last = new_words[-1]
        punct = tail.text[len(tail.text.rstrip(",.;:!?")):]
        new_words = (*new_words[:-1], replace(last, text=last.text + punct))
    words = (*seg.words[:span.first], *new_words, *seg.words[span.last + 1:])
    return replace(seg, text=seg.text[:a] + text + seg.text[b:], words=words)
