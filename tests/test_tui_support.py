"""Helpers for the TUI tests (no tests here): a scripted transcriber, a short
spoken appointment, and an app wired to a temporary store.

The scripted transcriber stands in for Whisper only where the words do not
matter to the test; the pipeline, the voice detector, the drafter, the store
and the app around it are the real ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from assistant.replay import FileSource
from assistant.settings import Settings
from assistant.tui.app import AppConfig, CounterApp, build_app
from assistant.tui.services import Engine
from assistant.types import SAMPLE_RATE, AudioArray, Segment, Word

APPOINTMENT_DAY = dt.date(2026, 11, 28)

# An appointment of our own (not one of the shared eval cases).
LINES = (
    "Bonjour, c'est pour l'aide au logement, pour la CAF.",
    "Mon numéro allocataire est le 7 3 0 4 1 5 8.",
    "Mon loyer est de 620 euros par mois.",
    "Il faudra apporter votre RIB et votre avis d'imposition avant le 12 janvier.",
)


@dataclass(frozen=True, slots=True)
class TimedLine:
    start: float
    end: float
    text: str


class ScriptedTranscriber:
    """Returns the script's words that lie in the decoded buffer, as Whisper would.

    Word times are spread evenly over each spoken line; a buffer that ends
    inside a line yields the words spoken so far (tentative text).
    """

    def __init__(self, lines: tuple[TimedLine, ...]) -> None:
        self.lines = lines
        self.calls = 0

    def transcribe(self, audio: AudioArray, prompt: str | None, offset_s: float,
                   final: bool = False) -> tuple[Segment, ...]:
        self.calls += 1
        end = offset_s + len(audio) / SAMPLE_RATE
        out: list[Segment] = []
        for line in self.lines:
            tokens = line.text.split()
            span = (line.end - line.start) / len(tokens)
            words = tuple(
                Word(round(line.start + i * span, 3), round(line.start + (i + 1) * span, 3), tok)
                for i, tok in enumerate(tokens)
                if line.start + i * span >= offset_s - 0.05
                and line.start + (i + 0.3) * span <= end
            )
            if words:
                out.append(Segment(len(out), words[0].start, words[-1].end,
                                   " ".join(w.text for w in words), words))
        return tuple(out)


def spoken_appointment(lines: tuple[str, ...] = LINES, gap_s: float = 1.0,
                       lead_s: float = 0.5) -> tuple[AudioArray, tuple[TimedLine, ...]]:
    """The lines spoken by espeak-ng + MBROLA, with their times."""
    from tools.tts import speak as french_speech

    pieces = [np.zeros(int(lead_s * SAMPLE_RATE), dtype=np.float32)]
    timed: list[TimedLine] = []
    t = lead_s
    for text in lines:
        audio = french_speech(text, "mb-fr1")  # the voice Whisper base hears best
        loud = np.flatnonzero(np.abs(audio) > 0.02)  # the words, without the voice's margins
        first, last = (loud[0], loud[-1]) if len(loud) else (0, len(audio))
        timed.append(TimedLine(round(t + float(first) / SAMPLE_RATE, 3),
                               round(t + float(last) / SAMPLE_RATE, 3), text))
        gap = np.zeros(int(gap_s * SAMPLE_RATE), dtype=np.float32)
        pieces += [audio, gap]
        t += (len(audio) + len(gap)) / SAMPLE_RATE
    return np.concatenate(pieces), tuple(timed)


class FixedClock:
    """A clock the test moves by hand (elapsed time on screen is deterministic)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_app(settings: Settings, store_path: Path, audio: AudioArray | None,
             engine: Engine | None, *, open_session: bool = True,
             realtime: bool = False, replay_name: str = "rdv.wav",
             **changes: object) -> CounterApp:
    """The real app on a replayed recording, with ``engine`` as its recogniser
    (``changes``: other ``AppConfig`` fields)."""

    def load(_settings: Settings) -> Engine:
        if engine is None:
            raise RuntimeError("no engine in this test")
        return engine

    config = AppConfig(
        settings=settings,
        replay=Path(replay_name) if audio is not None else None,
        open_session=open_session,
        agent="agent.test",
        load_engine=load,
        clock=FixedClock(),
        today=lambda: APPOINTMENT_DAY,
        probe_devices=False,
    )
    config = replace(config, **changes)  # type: ignore[arg-type]

    def source(_device: str | None) -> FileSource:
        assert audio is not None
        return FileSource(audio, replay_name, realtime=realtime)

    return build_app(config, source, store_path)
