"""``streaming.passes``: one pass's segments made a hypothesis by the guards.

The engine's tests (tests/test_streaming.py) drive these rules through a
scripted transcriber that always gives word times and speech under every
word; here the cases it does not reach: a segment without word times, words
on audio the VAD found silent, the ``guarded`` flag itself and word times
made monotonic only with the delay bound on.
"""

from __future__ import annotations

import numpy as np
import pytest

from assistant.streaming.passes import PassContext, clean_pass
from assistant.streaming.vadgate import WINDOW_S
from assistant.types import Segment, Word


def context(speech_until_s: float = 30.0, seen_s: float = 30.0,
            monotonic: bool = False) -> PassContext:
    """A buffer from 0 s: speech up to ``speech_until_s``, silence after, VAD
    windows up to ``seen_s``; nothing committed, nothing tentative."""
    n = int(seen_s / WINDOW_S)
    probs = (np.arange(n) * WINDOW_S < speech_until_s).astype(np.float32)
    return PassContext(buffer_start_s=0.0, committed_end_s=0.0, committed_words=(),
                       tentative=(), speech_probs=probs, neg_threshold=0.35,
                       monotonic=monotonic)


def segment(text: str, start: float, word_s: float = 0.3) -> Segment:
    words = tuple(Word(start + i * word_s, start + (i + 1) * word_s, t)
                  for i, t in enumerate(text.split()))
    return Segment(0, words[0].start, words[-1].end, text, words)


def texts(words: tuple[Word, ...]) -> list[str]:
    return [w.text for w in words]


def test_a_segment_without_word_times_has_its_words_spread_evenly() -> None:
    cleaned = clean_pass((Segment(0, 1.0, 1.6, "un deux trois"),), context())
    assert texts(cleaned.words) == ["un", "deux", "trois"]
    assert [w.start for w in cleaned.words] == pytest.approx([1.0, 1.2, 1.4])
    assert [w.end for w in cleaned.words] == pytest.approx([1.2, 1.4, 1.6])
    assert not cleaned.guarded


def test_words_on_audio_the_vad_found_silent_are_dropped_not_guarded() -> None:
    # Speech until 1 s, silence until 5 s, nothing seen by the VAD after.
    cleaned = clean_pass((segment("bonjour madame", 0.2), segment("merci", 3.0),
                          segment("encore", 6.0)), context(speech_until_s=1.0, seen_s=5.0))
    assert texts(cleaned.words) == ["bonjour", "madame", "encore"]
    assert not cleaned.guarded  # not the guards': that audio had no speech


def test_the_guards_say_when_they_dropped_text() -> None:
    once = clean_pass((segment("et ça coûte combien ?", 0.0),), context())
    assert texts(once.words) == ["et", "ça", "coûte", "combien", "?"]
    assert not once.guarded
    twice = clean_pass((segment("et ça coûte combien ?", 0.0),
                        segment("Et ça coûte combien ?", 1.6)), context())
    assert texts(twice.words) == texts(once.words) and twice.guarded
    # a loop is cut by the batch rule: one word at most four times in a row
    loop = clean_pass((segment("oui oui oui oui oui", 0.0),), context())
    assert texts(loop.words) == ["oui"] * 4 and loop.guarded
    said = clean_pass((segment("non non non", 0.0),), context())
    assert texts(said.words) == ["non"] * 3 and not said.guarded


def test_word_times_are_made_monotonic_only_with_the_delay_bound() -> None:
    back = Segment(0, 1.0, 1.6, "pourquoi mes",
                   (Word(1.0, 1.3, "pourquoi"), Word(0.1, 0.2, "mes")))
    plain = clean_pass((back,), context())
    assert [(w.start, w.end) for w in plain.words] == [(1.0, 1.3), (0.1, 0.2)]
    bounded = clean_pass((back,), context(monotonic=True))
    assert [(w.start, w.end) for w in bounded.words] == [(1.0, 1.3), (1.3, 1.3)]
