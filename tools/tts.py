"""Synthetic French speech for sample recordings and tests (espeak-ng + MBROLA).

The plain espeak-ng French voice is nearly unintelligible to Whisper; the
MBROLA voices fr1 (male) and fr4 (female) from Debian's non-free section are
understood at about 15 % WER. Their licence is non-commercial, so recordings
are generated on each machine (scripts/setup.sh, tests) and never shipped.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from assistant.errors import AssistantError
from assistant.types import SAMPLE_RATE, AudioArray

VOICES = {"agent": "mb-fr4", "usager": "mb-fr1"}
DEV_VOICES: tuple[str, ...] = ("mb-fr1", "mb-fr4", "mb-fr5", "mb-fr7", "mb-ca1", "mb-ca2")
"""The only voices development may use. The remaining MBROLA French voices are
kept for blind measurement: never add them here."""


def check_voice(voice: str) -> str:
    """``voice``, if development may use it; else ValueError."""
    if voice not in DEV_VOICES:
        raise ValueError(f"voice {voice!r} is not a development voice ({', '.join(DEV_VOICES)})")
    return voice
SETUP_HINT = "Lancez « bash scripts/setup.sh » (paquets espeak-ng, mbrola-fr1, mbrola-fr4)."


@dataclass(frozen=True, slots=True)
class Turn:
    speaker: str
    text: str


@dataclass(frozen=True, slots=True)
class TimedTurn:
    speaker: str
    text: str
    start: float
    end: float


def speak(text: str, voice: str = "mb-fr1", speed: int = 150) -> AudioArray:
    """Synthesise ``text`` to 16 kHz mono float32."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise AssistantError("espeak-ng est introuvable.", SETUP_HINT)
    proc = subprocess.run(
        [exe, "-v", voice, "-s", str(speed), "--stdout", text],
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0 or len(proc.stdout) < 44:
        raise AssistantError(
            f"espeak-ng n'a pas pu synthétiser avec la voix {voice} : "
            f"{proc.stderr.decode(errors='replace').strip()}",
            SETUP_HINT,
        )
    data = proc.stdout
    # WAV from --stdout: find the 'data' chunk (its size field may be bogus on a pipe).
    idx = data.find(b"data")
    pcm = np.frombuffer(data[idx + 8 :], dtype="<i2")
    rate = int.from_bytes(data[24:28], "little")
    audio = pcm.astype(np.float32) / 32768.0
    if rate != SAMPLE_RATE:
        import soxr

        audio = soxr.resample(audio, rate, SAMPLE_RATE).astype(np.float32)
    return audio


def speak_dialogue(turns: list[Turn], pause_s: float = 0.9, lead_s: float = 0.6,
                   speed: int = 150, voices: dict[str, str] | None = None,
                   ) -> tuple[AudioArray, list[TimedTurn]]:
    """Speak a dialogue, one voice per speaker (``voices``, default ``VOICES``), with
    ``pause_s`` between turns."""
    voices = VOICES if voices is None else voices
    pieces: list[AudioArray] = [np.zeros(int(lead_s * SAMPLE_RATE), dtype=np.float32)]
    timed: list[TimedTurn] = []
    t = lead_s
    for turn in turns:
        audio = speak(turn.text, voices.get(turn.speaker, "mb-fr1"), speed)
        timed.append(TimedTurn(turn.speaker, turn.text, round(t, 3),
                               round(t + len(audio) / SAMPLE_RATE, 3)))
        pieces.append(audio)
        pause = np.zeros(int(pause_s * SAMPLE_RATE), dtype=np.float32)
        pieces.append(pause)
        t += (len(audio) + len(pause)) / SAMPLE_RATE
    return np.concatenate(pieces), timed


def write_wav(path: Path, audio: AudioArray) -> None:
    import wave

    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm.tobytes())


def render_sample(spec_path: Path, out_dir: Path) -> Path:
    """Render ``audio/samples/<id>.json`` to ``out_dir/<id>.wav`` plus the timed
    turns in ``out_dir/<id>.json`` (same shape as the shared eval set)."""
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    turns = [Turn(t["speaker"], t["text"]) for t in spec["turns"]]
    audio, timed = speak_dialogue(turns)
    wav = out_dir / f"{spec['id']}.wav"
    write_wav(wav, audio)
    meta = dict(spec, turns=[asdict(t) for t in timed])
    (out_dir / f"{spec['id']}.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return wav
