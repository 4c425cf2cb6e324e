"""The second look on the real model: a phone number said at the counter is read
again from its audio, in batch and live, and reaches the draft whole."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.asr import DecodeOptions, SpeechModel
from assistant.audiofile import load_audio
from assistant.batch import transcribe_file
from assistant.notes.drafter import Drafter
from assistant.notes.models import IdentifierKind
from assistant.pipeline import LivePipeline
from assistant.replay import FileSource
from assistant.settings import IdentifySettings, Settings
from assistant.streaming.events import PipelineEvent, TranscriptUpdate
from assistant.types import Segment
from tools.tts import Turn, speak_dialogue, write_wav

pytestmark = [pytest.mark.model, pytest.mark.slow]

TURNS = [
    Turn("agent", "Vous pouvez me laisser un numéro de téléphone ?"),
    Turn("usager", "Oui alors c'est le zéro six, dix-huit, dix-neuf, zéro neuf, trente-sept."),
]
PHONE = "0618190937"


@pytest.fixture(scope="module")
def exchange(tmp_path_factory: pytest.TempPathFactory) -> Path:
    audio, _timed = speak_dialogue(TURNS)
    path = tmp_path_factory.mktemp("second-look") / "telephone.wav"
    write_wav(path, audio)
    return path


def _phones(segments: list[Segment] | tuple[Segment, ...]) -> list[str]:
    draft = Drafter(dt.date(2026, 12, 2)).add_segments(segments)
    return [d.value.value for d in draft.identifiers
            if d.value.kind is IdentifierKind.TELEPHONE]


def test_batch_second_look_rewrites_the_number(speech_model: SpeechModel,
                                               exchange: Path) -> None:
    options = DecodeOptions.from_settings(Settings())
    plain = transcribe_file(speech_model, exchange, options,
                            look=IdentifySettings(second_look=False))
    looked = transcribe_file(speech_model, exchange, options,
                             look=IdentifySettings(second_look=True))
    assert "06 18 19 09 37" not in plain.text  # Whisper writes it in its own pieces
    assert "06 18 19 09 37" in looked.text, looked.text
    rewritten = next(s for s in looked.segments if "06 18 19 09 37" in s.text)
    # The rewritten words carry the readings' vote as their probability.
    assert any(w.text.startswith("06") and 0.0 < w.probability <= 1.0
               for w in rewritten.words)
    assert _phones(looked.segments) == [PHONE]


def test_live_second_look_before_the_commit_is_shown(speech_model: SpeechModel,
                                                     exchange: Path) -> None:
    events: list[PipelineEvent] = []
    settings = Settings(identify=IdentifySettings(second_look=True))
    pipeline = LivePipeline(FileSource(load_audio(exchange), "telephone"), speech_model,
                            settings, events.append)
    pipeline.start()
    assert pipeline.wait(180)
    pipeline.stop()
    segments = [s for e in events if isinstance(e, TranscriptUpdate) for s in e.committed]
    text = " ".join(s.text for s in segments)
    assert "06 18 19 09 37" in text, text
    assert pipeline.look_seconds, "the second look never ran"
    assert _phones(segments) == [PHONE]
