"""The pure streaming core: engine, commit policy and the events it emits.

No I/O here (an import contract in pyproject.toml forbids faster_whisper,
sounddevice, textual, sqlite3 and av); the edges are ``assistant.capture``,
``assistant.replay``, ``assistant.vad`` and ``assistant.pipeline``.
"""

from assistant.streaming.engine import EngineConfig, StreamingEngine
from assistant.streaming.events import (
    AudioLevel,
    EndEvent,
    ErrorEvent,
    PipelineEvent,
    PipelineState,
    StatusEvent,
    TranscriptUpdate,
)
from assistant.streaming.protocols import AudioSource, Transcriber, VoiceDetector

__all__ = [
    "AudioLevel",
    "AudioSource",
    "EndEvent",
    "EngineConfig",
    "ErrorEvent",
    "PipelineEvent",
    "PipelineState",
    "StatusEvent",
    "StreamingEngine",
    "Transcriber",
    "TranscriptUpdate",
    "VoiceDetector",
]
