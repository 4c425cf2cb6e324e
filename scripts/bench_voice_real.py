"""The one-microphone labeller on real human voices (issue #15).

No real two-speaker French recording with published turns was found, so one
is put together from two real speakers of ../shared/eval/audio/real (read in
place, never copied into the project): Éric Joanis (readalongs-ej-fra, 34 s)
and the Picovoice test speaker (test_fr, test_fr_norm). The first 10 s of
Éric's recording enrol him as the agent; the rest is cut at its pauses into
turns that alternate with the Picovoice turns, 0.7 s apart. The turns are
known by construction. Printed: turn-level role accuracy with the enrolled
voice and by the first-question rule, and the diarization error rate.

    .venv/bin/python scripts/bench_voice_real.py
"""

from __future__ import annotations

import itertools
import json
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.asr import DecodeOptions, load_model  # noqa: E402
from assistant.audiofile import load_audio  # noqa: E402
from assistant.batch import transcribe_file  # noqa: E402
from assistant.diarize import enroll  # noqa: E402
from assistant.diarize.labeller import label_transcript  # noqa: E402
from assistant.settings import load_settings  # noqa: E402
from assistant.types import SAMPLE_RATE  # noqa: E402
from scripts.bench_speakers import turn_accuracy, write_stereo  # noqa: E402
from scripts.bench_voice import der  # noqa: E402
from tools.tts import TimedTurn  # noqa: E402

REAL = ROOT.parent / "shared" / "eval" / "audio" / "real"
ENROL_S = 10.0


def pause_cuts(audio: np.ndarray, min_pause_s: float = 0.35, min_turn_s: float = 3.0) -> list[
        np.ndarray]:
    """``audio`` cut in the middle of its pauses (20 ms frames 30 dB under the loudest),
    each piece at least ``min_turn_s`` long."""
    size = int(0.02 * SAMPLE_RATE)
    frames = audio[: len(audio) // size * size].reshape(-1, size)
    energy = np.mean(frames.astype(np.float64) ** 2, axis=1)
    quiet = energy < energy.max() * 10 ** (-30 / 10)
    cuts, start, run = [0], 0, 0
    for i, q in enumerate(quiet):
        run = run + 1 if q else 0
        if run * 0.02 >= min_pause_s and (i - start) * 0.02 >= min_turn_s:
            cut = (i - run // 2) * size
            cuts.append(cut)
            start, run = i, -10**9  # one cut per pause
        elif not q:
            run = 0
    if len(cuts) > 1 and (len(audio) - cuts[-1]) / SAMPLE_RATE < min_turn_s:
        cuts.pop()  # a short tail stays with the turn before it
    cuts.append(len(audio))
    return [audio[a:b] for a, b in itertools.pairwise(cuts) if b - a > size]


def main() -> int:
    eric = load_audio(REAL / "readalongs-ej-fra.flac")
    other = [load_audio(REAL / name) for name in ("picovoice-test_fr.flac",
                                                  "picovoice-test_fr_norm.flac")]
    enrol_part, rest = eric[: int(ENROL_S * SAMPLE_RATE)], eric[int(ENROL_S * SAMPLE_RATE):]
    agent_turns = pause_cuts(rest)
    pieces, timed, t = [np.zeros(int(0.5 * SAMPLE_RATE), np.float32)], [], 0.5
    gap = np.zeros(int(0.7 * SAMPLE_RATE), np.float32)
    order: list[tuple[str, np.ndarray]] = []
    for k, turn in enumerate(agent_turns):
        order.append(("agent", turn))
        if k < len(other):
            order.append(("usager", other[k]))
    for role, audio in order:
        audio = audio * np.float32(0.1 / max(1e-6, float(np.sqrt(np.mean(audio**2)))))
        timed.append(TimedTurn(role, "", round(t, 3), round(t + len(audio) / SAMPLE_RATE, 3)))
        pieces += [audio.astype(np.float32), gap]
        t += (len(audio) + len(gap)) / SAMPLE_RATE
    mono = np.concatenate(pieces)
    settings = load_settings()
    model = load_model(settings)
    options = replace(DecodeOptions.from_settings(settings), word_timestamps=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dialogue.wav"  # a temporary folder only
        write_stereo(path, mono[None, :])
        transcript = transcribe_file(model, path, options)
    models = enroll.load_voice_models(settings)
    enrolled, speech = enroll.enroll(models, enrol_part)
    duration = len(mono) / SAMPLE_RATE
    by_question = label_transcript(transcript, mono, models)
    by_voice = label_transcript(transcript, mono, models, enrolled)
    report = {
        "turns": len(timed), "audio_s": round(duration, 1), "enrolled_speech_s": round(speech, 1),
        "right_enrolled": sum(turn_accuracy(tuple(timed), by_voice.segments)),
        "right_first_question": sum(turn_accuracy(tuple(timed), by_question.segments)),
        "der_best_mapping": round(der(timed, by_voice.segments, duration, True), 3),
        "role_der_enrolled": round(der(timed, by_voice.segments, duration, False), 3),
        "turns_by_construction": [(t.speaker, t.start, t.end) for t in timed],
        "segments": [(s.speaker, round(s.start, 1), round(s.end, 1), s.text.strip()[:40])
                     for s in by_voice.segments],
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
