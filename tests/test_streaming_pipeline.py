"""The threaded runner: control calls, status events, catching up when slow.

A scripted transcriber and an energy detector stand in for the model here
(the real model runs in test_streaming_model.py and test_capture.py)."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from assistant.pipeline import LivePipeline
from assistant.replay import FileSource
from assistant.settings import Settings
from assistant.streaming.events import (
    EndEvent,
    ErrorEvent,
    PipelineEvent,
    StatusEvent,
    TranscriptUpdate,
)
from assistant.types import AudioArray, Segment
from tests.test_streaming import EnergyVad, ScriptedTranscriber, sentence, speech_and_words


class SlowTranscriber(ScriptedTranscriber):
    """Each pass costs ``cost_s`` of wall time, like a busy machine."""

    cost_s: float = 0.4

    def transcribe(self, audio: AudioArray, prompt: str | None, offset_s: float,
                   final: bool = False) -> tuple[Segment, ...]:
        time.sleep(self.cost_s)
        return super().transcribe(audio, prompt, offset_s, final)


class Events:
    def __init__(self) -> None:
        self.items: list[PipelineEvent] = []
        self.lock = threading.Lock()

    def __call__(self, event: PipelineEvent) -> None:
        with self.lock:
            self.items.append(event)

    def of(self, kind: type) -> list:  # type: ignore[type-arg]
        with self.lock:
            return [e for e in self.items if isinstance(e, kind)]


def test_lag_does_not_grow_when_compute_falls_behind(settings: Settings) -> None:
    # 20 s of continuous speech fed 4x faster than real time, 0.4 s per pass:
    # one pass per second of audio would need 8 s for 5 s of wall time.
    text = " ".join(f"m{i}." if i % 8 == 7 else f"m{i}" for i in range(57))
    audio, words = speech_and_words(sentence(text))
    transcriber = SlowTranscriber(words)
    events = Events()
    source = FileSource(audio, "rapide", realtime=True, speed=4.0)
    pipeline = LivePipeline(source, transcriber, settings, events, vad=EnergyVad(),
                            status_interval_s=0.1)
    pipeline.start()
    assert pipeline.wait(60)
    pipeline.stop()
    lags = [e.lag_s for e in events.of(StatusEvent)]
    half = len(lags) // 2
    # Larger steps instead of a queue that grows: the lag in the second half
    # is no larger than in the first (plus one pass of audio at 4x).
    assert max(lags[half:]) <= max(lags[:half]) + 4 * transcriber.cost_s + 0.5
    assert len(transcriber.calls) < 20  # fewer passes than seconds of audio
    segs = [s for u in events.of(TranscriptUpdate) for s in u.committed]
    assert " ".join(s.text for s in segs) == text


def test_pause_commits_pending_speech_and_resume_goes_on(settings: Settings) -> None:
    audio, words = speech_and_words(sentence("un deux trois quatre cinq six sept huit"))
    audio = np.concatenate([audio, np.zeros(16000 * 2, dtype=np.float32)])
    events = Events()
    source = FileSource(audio, "pause", realtime=True, speed=2.0)
    pipeline = LivePipeline(source, ScriptedTranscriber(words), settings, events,
                            vad=EnergyVad(), status_interval_s=0.05)
    pipeline.start()
    time.sleep(0.8)  # mid-sentence (1.6 s of audio)
    pipeline.pause()
    deadline = time.monotonic() + 5
    while pipeline.state != "paused":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    paused_at = source.captured_s
    committed_on_pause = [s for u in events.of(TranscriptUpdate) for s in u.committed]
    assert committed_on_pause  # what was said before the pause is committed
    time.sleep(0.5)
    assert source.captured_s <= paused_at + 0.1 + 1e-9  # paused: at most the block in hand
    assert any(e.state == "paused" for e in events.of(StatusEvent))
    pipeline.resume()
    assert pipeline.wait(20)
    pipeline.stop()
    end = events.of(EndEvent)
    assert len(end) == 1 and end[0].reason == "eof"
    assert not events.of(ErrorEvent)
    statuses = events.of(StatusEvent)
    assert statuses[-1].state == "stopped"
    assert max(s.level.peak for s in statuses) > 0.1


def test_stop_mid_stream_ends_once(settings: Settings) -> None:
    audio, words = speech_and_words(sentence("bonjour " * 20))
    events = Events()
    pipeline = LivePipeline(FileSource(audio, "stop", realtime=True),
                            ScriptedTranscriber(words), settings, events, vad=EnergyVad())
    pipeline.start()
    time.sleep(0.5)
    pipeline.stop()
    pipeline.stop()  # twice is harmless
    end = events.of(EndEvent)
    assert len(end) == 1 and end[0].reason == "stopped"
    assert pipeline.state == "stopped"


def test_freed_memory_is_handed_back_after_an_utterance_at_most_every_30_s(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long session hands the decoder's freed heap back to the system when
    an utterance has been committed (glibc's malloc_trim), not after every
    pass: at most once per ``TRIM_EVERY_S`` of wall time."""
    import assistant.pipeline as pipeline_module

    real_trim = pipeline_module._malloc_trim()
    assert real_trim is not None  # Linux with glibc, as in CI
    real_trim()
    spec = sentence("premier rendez-vous.") + sentence("deuxième phrase.", pause_first=1.5) \
        + sentence("troisième phrase.", pause_first=1.5)
    audio, words = speech_and_words(spec)
    calls: list[int] = []
    monkeypatch.setattr(pipeline_module, "_malloc_trim", lambda: lambda: calls.append(1))
    counts: dict[float, int] = {}
    for every_s in (0.0, 3600.0):
        calls.clear()
        monkeypatch.setattr(pipeline_module, "TRIM_EVERY_S", every_s)
        pipeline = LivePipeline(FileSource(audio, "trois", realtime=True, speed=4.0),
                                ScriptedTranscriber(words), settings, Events(), vad=EnergyVad())
        pipeline.start()
        assert pipeline.wait(30)
        pipeline.stop()
        counts[every_s] = len(calls)
    assert 1 <= counts[0.0] <= 3  # once per committed utterance at most
    assert counts[3600.0] == 0
