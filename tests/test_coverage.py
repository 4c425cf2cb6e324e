"""Which speech no decoded segment covers (pure interval arithmetic)."""

from __future__ import annotations

from assistant.coverage import Span, uncovered_speech

SPEECH = [Span(0.2, 5.0), Span(5.8, 9.4), Span(10.5, 12.0)]


def test_speech_after_the_last_segment() -> None:
    # The last segment ends at 7.0: 7.0-9.4 and 10.5-12.0 were never decoded.
    assert uncovered_speech(SPEECH, 7.0, 12.5) == Span(7.0, 12.0)


def test_speech_between_two_segments() -> None:
    assert uncovered_speech(SPEECH, 4.0, 10.5) == Span(4.0, 9.4)
    # Up to the next segment's start, not past it.
    assert uncovered_speech(SPEECH, 4.0, 10.7) == Span(4.0, 10.7)


def test_a_segment_end_a_little_early_is_not_a_gap() -> None:
    # Segment ends are imprecise: half a second of speech after one is normal.
    assert uncovered_speech(SPEECH, 11.5, 12.5) is None
    assert uncovered_speech(SPEECH, 4.5, 5.9) is None


def test_silence_is_not_a_gap() -> None:
    assert uncovered_speech(SPEECH, 9.4, 10.5) is None
    assert uncovered_speech([], 0.0, 30.0) is None


def test_the_threshold_counts_speech_not_time() -> None:
    # 0.6 s + 0.6 s of speech across a long pause: 1.2 s in all.
    speech = [Span(1.0, 1.6), Span(8.0, 8.6)]
    assert uncovered_speech(speech, 0.0, 10.0) == Span(1.0, 8.6)
    assert uncovered_speech(speech, 0.0, 10.0, min_s=1.5) is None
