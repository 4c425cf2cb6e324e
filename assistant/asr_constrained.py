"""Constrained decoding of a number's audio (edge: it runs the model).

The identifier reader (``assistant.identify.reader``) decodes the stretch
where a number is said again, with every token suppressed except the pieces
of French number words, the letters a kind allows, digits and separators
(CTranslate2's ``suppress_tokens``), and keeps the n best readings. This sits
beside ``assistant.asr`` (which loads the model and runs ordinary decoding)
and drives the same faster-whisper model through ``SpeechModel.whisper``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.asr import FULL_WINDOW_FRAMES, SpeechModel
from assistant.types import SAMPLE_RATE, AudioArray

CONSTRAINED_TOKENS_PER_S = 8
"""Token budget of a constrained reading per second of audio: a number said in
French is about 2 to 4 tokens a second; a reading that needs more loops."""

_SUPPRESSION: dict[tuple[int, frozenset[str]], list[int]] = {}
"""Per model (its id) and vocabulary: the token ids to suppress."""


@dataclass(frozen=True, slots=True)
class Hypothesis:
    """One of the n best readings of a constrained decoding."""

    text: str
    logprob: float
    """Sum of the token log probabilities."""
    tokens: int


def allowed_suppression(whisper: Any, vocabulary: frozenset[str], tokenizer: Any) -> list[int]:
    """Token ids to suppress so that only ``vocabulary`` can be written.

    Allowed: every token of each word's spellings (bare, after a space or
    a hyphen, capitalised), tokens that are one to three digits (with or
    without a leading space), the separators and the end of text. The
    words are free to combine, so the result is parsed, not trusted.
    """
    key = (id(whisper), vocabulary)
    cached = _SUPPRESSION.get(key)
    if cached is not None:
        return cached
    hf = whisper.hf_tokenizer
    forms: set[str] = {",", ".", " ,", "-", " -", " "}
    for word in vocabulary:
        for spelt in {word, word.capitalize(), word.upper()}:
            forms |= {spelt, " " + spelt, "-" + spelt}
    allowed: set[int] = set()
    for form in forms:
        allowed.update(hf.encode(form, add_special_tokens=False).ids)
    for token_id in range(tokenizer.eot):
        piece = hf.decode([token_id])
        bare = piece.strip()
        if bare.isascii() and bare.isdigit() and len(bare) <= 3 \
                and piece in (bare, " " + bare):
            allowed.add(token_id)
    suppress = [t for t in range(tokenizer.eot) if t not in allowed]
    _SUPPRESSION[key] = suppress
    return suppress


def _encoded(whisper: Any, audio: AudioArray, margin_s: float | None) -> tuple[Any, int, int]:
    """The encoder output of ``audio`` (at most 30 s), padded to the audio plus
    ``margin_s`` (``None``: Whisper's 30 s window); with the window's frames
    and the audio's own."""
    features = whisper.feature_extractor(audio[: FULL_WINDOW_FRAMES * 160])
    size = min(features.shape[-1] - 1, FULL_WINDOW_FRAMES)
    frames = FULL_WINDOW_FRAMES
    if margin_s is not None:
        frames = min(FULL_WINDOW_FRAMES, math.ceil((size + margin_s * 100) / 100) * 100)
    window = np.zeros((features.shape[0], frames), dtype=np.float32)
    window[:, :size] = features[:, :size]
    return whisper.encode(window), frames, size


def constrained(model: SpeechModel, audio: AudioArray, vocabulary: frozenset[str], *,
                num_hypotheses: int = 5, prompt: str | None = None,
                prefix: str | None = None, language: str = "fr",
                margin_s: float | None = None) -> tuple[Hypothesis, ...]:
    """The best readings of ``audio`` written only with ``vocabulary``
    (words), digits and separators, best first (at most ``num_hypotheses``).

    No timestamps, beam search with the suppression of every other token
    (CTranslate2's ``suppress_tokens``). ``prompt``: the text said before
    (the question that asked for the number); ``prefix``: the words said at
    the start of ``audio`` before the number, written as they are (forced,
    not constrained, and not part of the readings). ``margin_s``: pad the
    encoder input only to the audio plus this much (cheaper; see
    ``SpeechModel.transcribe_short``) instead of Whisper's 30 s window. A
    reading that reaches the token budget (``CONSTRAINED_TOKENS_PER_S``) is a
    loop and is dropped; if every reading of a shortened window loops, the
    audio is decoded again in a full window.
    """
    from faster_whisper.tokenizer import Tokenizer

    whisper = model.whisper
    tokenizer = Tokenizer(whisper.hf_tokenizer, whisper.model.is_multilingual,
                          task="transcribe", language=language)
    suppress = allowed_suppression(whisper, vocabulary, tokenizer)
    encoder_output, frames, _size = _encoded(whisper, audio, margin_s)
    previous = tokenizer.encode(" " + prompt.strip()) if prompt else []
    prompt_ids = whisper.get_prompt(tokenizer, previous, without_timestamps=True,
                                    prefix=prefix or None)
    forced = len(prompt_ids) - prompt_ids.index(tokenizer.no_timestamps) - 1
    # CTranslate2's max_length counts the prompt: the budget is for the reading.
    budget = forced + int(8 + CONSTRAINED_TOKENS_PER_S * len(audio) / SAMPLE_RATE)
    beams = max(num_hypotheses, 1)
    results = whisper.model.generate(
        encoder_output, [prompt_ids], beam_size=beams, num_hypotheses=beams,
        return_scores=True, suppress_tokens=suppress, suppress_blank=True,
        max_length=len(prompt_ids) - forced + budget, length_penalty=1.0)
    out = []
    for ids, score in zip(results[0].sequences_ids, results[0].scores, strict=True):
        if len(ids) >= budget:
            continue  # cut at the budget: a loop, not a reading
        # The result repeats the forced prefix; its score is per token of the whole.
        n = max(1, len(ids))
        text = tokenizer.decode(list(ids)[forced:]).strip()
        out.append(Hypothesis(text, round(score * n, 4), max(1, n - forced)))
    if not out and frames < FULL_WINDOW_FRAMES:
        model.short_fallbacks += 1
        return constrained(model, audio, vocabulary, num_hypotheses=num_hypotheses,
                           prompt=prompt, prefix=prefix, language=language)
    return tuple(out)


SCORE_MARGIN_S = 1.0
"""Padding of the encoder input when scoring texts against a number's audio."""


def count_tokens(model: SpeechModel, texts: Sequence[str], language: str = "fr") -> list[int]:
    """How many tokens each of ``texts`` is written in (as ``score_texts`` reads it)."""
    from faster_whisper.tokenizer import Tokenizer

    whisper = model.whisper
    tokenizer = Tokenizer(whisper.hf_tokenizer, whisper.model.is_multilingual,
                          task="transcribe", language=language)
    return [len(tokenizer.encode(" " + text.strip())) for text in texts]


def score_texts(model: SpeechModel, audio: AudioArray, texts: Sequence[str], *,
                prefix: str | None = None, language: str = "fr") -> list[float]:
    """How well each of ``texts`` matches ``audio``: the sum of its tokens' log
    probabilities when the model is made to read exactly that text (teacher
    forcing, CTranslate2's ``align``), the end of text included.

    ``prefix``: words said at the start of ``audio`` before the text, read
    first and shared by all texts. The audio is encoded once; each text costs
    one pass of the decoder.
    """
    from faster_whisper.tokenizer import Tokenizer

    if not texts:
        return []
    whisper = model.whisper
    tokenizer = Tokenizer(whisper.hf_tokenizer, whisper.model.is_multilingual,
                          task="transcribe", language=language)
    encoder_output, _frames, size = _encoded(whisper, audio, SCORE_MARGIN_S)
    start = [*tokenizer.sot_sequence, tokenizer.no_timestamps]
    head = (prefix.strip() + " ") if prefix and prefix.strip() else ""
    out: list[float] = []
    for text in texts:
        tokens = [*tokenizer.encode(" " + head + text.strip()), tokenizer.eot]
        result = whisper.model.align(encoder_output, start, [tokens], [size // 2])[0]
        out.append(round(sum(math.log(max(p, 1e-12)) for p in result.text_token_probs), 4))
    return out
