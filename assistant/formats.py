"""Text renderings of a transcript: plain text, JSON, SubRip (SRT), WebVTT.

Pure functions over ``Transcript`` / ``Segment``; used by batch transcription
and by session exports.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # numpy stays out of the app's first frame (tests/test_tui.py)
    from assistant.types import Segment, Transcript

Format = Literal["txt", "json", "srt", "vtt"]
FORMATS: tuple[Format, ...] = ("txt", "json", "srt", "vtt")


def timestamp(seconds: float, sep: str = ",") -> str:
    """``HH:MM:SS,mmm`` (SRT) or with ``sep='.'`` ``HH:MM:SS.mmm`` (WebVTT)."""
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{millis:03d}"


SPEAKER_LABELS_FR = {"agent": "Agent", "usager": "Usager", "autre": "Autre"}
"""How a role is written before a turn (« Agent : »)."""


def turn_prefix(speaker: str | None) -> str:
    """« Agent : » before a turn; nothing when the speaker is unknown."""
    label = SPEAKER_LABELS_FR.get(speaker or "")
    return f"{label} : " if label else ""


def with_turns(segments: Sequence[Segment]) -> list[tuple[Segment, str]]:
    """The segments that hold text, each with « Agent : » / « Usager : » when it
    opens a turn (its speaker differs from the previous one's), else ""."""
    out: list[tuple[Segment, str]] = []
    previous: str | None = None
    for seg in (s for s in segments if s.text.strip()):
        out.append((seg, turn_prefix(seg.speaker) if seg.speaker != previous else ""))
        previous = seg.speaker
    return out


def to_txt(segments: Sequence[Segment]) -> str:
    return "\n".join(p + s.text.strip() for s, p in with_turns(segments)) + "\n"


def to_srt(segments: Sequence[Segment]) -> str:
    blocks = []
    for n, (seg, who) in enumerate(with_turns(segments), start=1):
        blocks.append(f"{n}\n{timestamp(seg.start)} --> {timestamp(seg.end)}\n"
                      f"{who}{seg.text.strip()}\n")
    return "\n".join(blocks)


def to_vtt(segments: Sequence[Segment]) -> str:
    blocks = ["WEBVTT\n"]
    for seg, who in with_turns(segments):
        blocks.append(
            f"{timestamp(seg.start, '.')} --> {timestamp(seg.end, '.')}\n{who}{seg.text.strip()}\n"
        )
    return "\n".join(blocks)


def segment_dict(seg: Segment, words: bool) -> dict[str, object]:
    out: dict[str, object] = {
        "id": seg.id,
        "start": seg.start,
        "end": seg.end,
        "text": seg.text.strip(),
        "speaker": seg.speaker,
    }
    if words:
        out["words"] = [
            {"start": w.start, "end": w.end, "word": w.text, "probability": w.probability}
            for w in seg.words
        ]
    return out


def to_json(transcript: Transcript, words: bool = False) -> str:
    doc = {
        "text": transcript.text,
        "language": transcript.language,
        "duration": round(transcript.duration, 3),
        "segments": [segment_dict(s, words) for s in transcript.segments],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def render(transcript: Transcript, fmt: Format, words: bool = False) -> str:
    if fmt == "json":
        return to_json(transcript, words)
    if fmt == "srt":
        return to_srt(transcript.segments)
    if fmt == "vtt":
        return to_vtt(transcript.segments)
    return to_txt(transcript.segments)
