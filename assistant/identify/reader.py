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

from assistant.asr import DecodeOptions, SpeechModel
from assistant.asr_constrained import constrained, score_texts
from assistant.identify.choose import Reading, Scored, backed, choose, letters_mode, loops
from assistant.identify.kinds import RULES
from assistant.identify.neighbours import Candidate, candidates
from assistant.identify.spans import SpanAudio, number_spans, span_audio
from assistant.identify.spoken import heard_groups, vocabulary
from assistant.identify.verify import checked_reading
from assistant.notes.models import IdentifierKind
from assistant.types import AudioArray

NUM_HYPOTHESES = 5
WINDOW_MARGIN_S = 4.0
"""The encoder sees the stretch plus this much padding, not a 30 s window: about
half the time for the same readings on the development exchanges."""


def read_identifier(model: SpeechModel, audio: AudioArray, kind: IdentifierKind,
                    prompt: str | None = None, rescore: bool = False,
                    verify: bool = False) -> Reading:
    """The ``kind`` identifier said in ``audio`` (a value only if it reads and checks).

    A value that won less than ``DROP_BELOW`` of the readings' vote is not
    given (as the drafter does not draft it): the reading keeps the groups
    heard, for the agent to have the number said again. ``verify``: nor is
    one that a valid value one French word away explains better
    (``verify.checked_reading``).
    """
    cut = _cut(model, audio, kind, prompt)
    reading = backed(read_cut(model, cut, [kind], prompt, rescore))
    return checked_reading(model, cut, reading) if verify else reading


def _cut(model: SpeechModel, audio: AudioArray, kind: IdentifierKind,
         prompt: str | None) -> SpanAudio:
    """Where in ``audio`` the number is said (all of it when no number is found)."""
    if kind not in RULES:
        raise ValueError(f"not a spoken identifier kind: {kind}")
    letters, _spelt = letters_mode(kind)
    segments = model.transcribe(audio, DecodeOptions(word_timestamps=True, initial_prompt=prompt))
    words = [w for s in segments for w in s.words]
    spans = number_spans(words, letters)
    if not spans:
        return SpanAudio(audio, "", " ".join(s.text for s in segments))
    return span_audio(audio, words, max(spans, key=lambda s: s.number_words))


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
