"""Reading an identifier again from the audio (edge: it runs the model).

``read_identifier`` is the capture path and ``assistant identify``: the
recording may hold other speech around the number (the agent's question,
« allez-y »), so a plain decoding with word times finds where the number is
said; that stretch, with a margin, is decoded again with the output
restricted to number words, digits and, for the kinds that hold them,
letters (``asr_constrained.constrained``); the n best readings vote
(``choose``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.asr import DecodeOptions, SpeechModel
from assistant.asr_constrained import constrained, score_texts
from assistant.identify.choose import Reading, Scored, backed, choose, letters_mode, loops
from assistant.identify.kinds import RULES
from assistant.identify.neighbours import Candidate, candidates
from assistant.identify.spoken import MAX_GAP_WORDS, heard_groups, number_runs, vocabulary
from assistant.notes.models import IdentifierKind
from assistant.types import SAMPLE_RATE, AudioArray, Word

MARGIN_S = 0.4
"""Audio kept on each side of the words of a number."""
NUM_HYPOTHESES = 5
WINDOW_MARGIN_S = 4.0
"""The encoder sees the stretch plus this much padding, not a 30 s window: about
half the time for the same readings on the development exchanges."""
PREFIX_WORDS = 2
"""Words before a number decoded with it, as a forced prefix."""


@dataclass(frozen=True, slots=True)
class NumberSpan:
    """Where a number is said: word indices ``[first, last]`` and audio times."""

    first: int
    last: int
    start: float
    end: float
    number_words: int


def number_spans(words: Sequence[Word], letters: bool = False) -> list[NumberSpan]:
    """Stretches of ``words`` that say a number, allowing a few misheard words inside."""
    return [NumberSpan(a, b, words[a].start, words[b].end, n)
            for a, b, n in number_runs([w.text for w in words], letters, MAX_GAP_WORDS)]


def read_identifier(model: SpeechModel, audio: AudioArray, kind: IdentifierKind,
                    prompt: str | None = None, rescore: bool = False) -> Reading:
    """The ``kind`` identifier said in ``audio`` (a value only if it reads and checks).

    A value that won less than ``DROP_BELOW`` of the readings' vote is not
    given (as the drafter does not draft it): the reading keeps the groups
    heard, for the agent to have the number said again.
    """
    return backed(_read(model, audio, kind, prompt, rescore))


def _read(model: SpeechModel, audio: AudioArray, kind: IdentifierKind,
          prompt: str | None, rescore: bool) -> Reading:
    if kind not in RULES:
        raise ValueError(f"not a spoken identifier kind: {kind}")
    letters, _spelt = letters_mode(kind)
    segments = model.transcribe(audio, DecodeOptions(word_timestamps=True, initial_prompt=prompt))
    words = [w for s in segments for w in s.words]
    spans = number_spans(words, letters)
    if not spans:
        whole = SpanAudio(audio, "", " ".join(s.text for s in segments))
        return read_cut(model, whole, [kind], prompt, rescore)
    best = max(spans, key=lambda s: s.number_words)
    return read_cut(model, span_audio(audio, words, best), [kind], prompt, rescore)


@dataclass(frozen=True, slots=True)
class SpanAudio:
    """The audio of a number's stretch, ready for a constrained decoding."""

    audio: AudioArray
    prefix: str
    """The words said just before the number, inside ``audio``: forced as the prefix."""
    plain: str
    """The number as the plain decoding wrote it (an independent reading)."""


def span_audio(audio: AudioArray, words: Sequence[Word], span: NumberSpan,
               offset_s: float = 0.0) -> SpanAudio:
    """Cut the stretch of ``words[span.first..span.last]`` out of ``audio``.

    From the start of the ``PREFIX_WORDS`` words said before the number (so
    that the constrained decoding need not write them as digits) to the end of
    the number plus ``MARGIN_S``. ``offset_s``: the time of ``audio[0]``.
    """
    head = max(0, span.first - PREFIX_WORDS)
    prefix = " ".join(w.text for w in words[head:span.first])
    start = words[head].start if head < span.first else span.start - MARGIN_S
    lo = max(0, int((start - offset_s) * SAMPLE_RATE))
    hi = min(len(audio), int((span.end + MARGIN_S - offset_s) * SAMPLE_RATE))
    plain = " ".join(w.text for w in words[span.first:span.last + 1])
    return SpanAudio(audio[lo:hi], prefix, plain)


def read_cut(model: SpeechModel, cut: SpanAudio, kinds: Sequence[IdentifierKind],
             prompt: str | None = None, rescore: bool = False) -> Reading:
    """One constrained decoding of ``cut``, read as each of ``kinds``: the reading
    whose value won the largest share of the vote (valid ones first).

    ``rescore``: the readings and their one-word neighbours
    (``neighbours.candidates``) are also scored, in French words, against the
    audio, and vote (``choose``).
    """
    vocab = frozenset().union(*(vocabulary(k) for k in kinds))
    hyps = constrained(model, cut.audio, vocab, num_hypotheses=NUM_HYPOTHESES, prompt=prompt,
                       prefix=cut.prefix or None, margin_s=WINDOW_MARGIN_S)
    scored = [Scored(h.text, h.logprob) for h in hyps]
    plain = (cut.plain,) if cut.plain else ()
    said: dict[IdentifierKind, list[Candidate]] = {}
    if rescore and hyps:
        for kind in kinds:
            letters, spelt = letters_mode(kind)
            texts = [h.text for h in hyps] + list(plain)
            heard = [heard_groups(text, letters, spelt) for text in texts]
            said[kind] = candidates(kind, [h for h in heard if not loops(h.groups)])
    to_score = sorted({c.said for found in said.values() for c in found})
    scores = dict(zip(to_score, score_texts(model, cut.audio, to_score,
                                            prefix=cut.prefix or None), strict=True))
    readings = [choose(k, scored, plain, [(c, scores[c.said]) for c in said.get(k, [])])
                for k in kinds]
    return max(readings, key=lambda r: (r.valid, r.confidence))
