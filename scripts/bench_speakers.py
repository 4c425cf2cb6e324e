"""Who said it, measured: turn-level role accuracy on two-channel dialogues.

Each dialogue is spoken by two MBROLA voices (development voices only: fr1,
fr4, fr5, fr7, ca1, ca2), the agent on the left channel and the usager on the
right, each side also heard faintly on the other channel (cross-talk bleed,
-20 dB); ``noisy`` adds independent pink noise to each channel (10 dB below
the speech). The stereo file goes through ``assistant.batch.transcribe_file``
with ``channels=("agent", "usager")`` (decoded once from the mix-down) and,
with ``--live``, through the live pipeline (``assistant stream --channels``'s
code path) as fast as possible.

A turn is right when every recognised word inside it (by the word's middle)
belongs to a segment labelled with the turn's role, and there is at least one.

With ``--voice`` it measures the one-microphone labeller instead
(``assistant.diarize``): the same dialogues spoken into one mono channel, on
voice pairs used while tuning it (``DEV_PAIRS``) and on pairs never used then
(``HELD_OUT_PAIRS``), clean and with pink noise 10 dB below the speech. It
reports the turn-level role accuracy, the diarization error rate (0.25 s
collar; speakers mapped to the reference for the best match, and by role as
labelled), the labelling cost per audio second and the labeller's added
memory (see ``scripts/bench_voice.py``).

    .venv/bin/python scripts/bench_speakers.py [--live] [--json FICHIER]
    .venv/bin/python scripts/bench_speakers.py --voice [--pairs dev|held-out|shared|all]
        [--cache DOSSIER] [--json FICHIER]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.asr import DecodeOptions, load_model
from assistant.batch import transcribe_file
from assistant.settings import load_settings
from assistant.speakers import label_transcript, mix_down
from assistant.types import SAMPLE_RATE, Segment
from tools.tts import TimedTurn, speak

ROLES = ("agent", "usager")
BLEED_DB = -20.0
NOISE_DB = -10.0
PAIRS = (("fr4", "fr1"), ("fr1", "fr5"), ("fr7", "fr4"), ("ca1", "ca2"))
"""(agent voice, usager voice): development voices only, never fr2, fr3, fr6."""

DIALOGUES: tuple[tuple[tuple[str, str], ...], ...] = (
    (("agent", "Bonjour madame, qu'est-ce que je peux faire pour vous ?"),
     ("usager", "Bonjour, je viens pour ma prime d'activité, elle a été arrêtée."),
     ("agent", "D'accord. Vous avez votre numéro d'allocataire ?"),
     ("usager", "Oui, c'est sur ce courrier de la caisse."),
     ("agent", "Merci. Il manque votre déclaration trimestrielle de ressources."),
     ("usager", "Je ne savais pas, je l'ai pas reçue."),
     ("agent", "Je vous l'imprime. Il faudra aussi un avis d'imposition."),
     ("usager", "Très bien, je reviens la semaine prochaine.")),
    (("agent", "Bonjour monsieur, asseyez-vous."),
     ("usager", "Bonjour, j'ai perdu mon emploi le mois dernier."),
     ("agent", "Vous êtes inscrit à France Travail ?"),
     ("usager", "Non, pas encore, je ne sais pas comment faire."),
     ("agent", "On va créer votre espace ensemble sur l'ordinateur."),
     ("usager", "Merci beaucoup, c'est gentil."),
     ("agent", "Vous avez une adresse électronique ?"),
     ("usager", "Oui, celle de ma fille.")),
)


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    path: Path
    turns: tuple[TimedTurn, ...]
    duration_s: float


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """1/f noise by shaping white noise's spectrum, unit RMS."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n)
    freqs[0] = freqs[1]
    noise: np.ndarray = np.fft.irfft(spectrum / np.sqrt(freqs), n)
    return noise / float(np.sqrt(np.mean(noise**2)))


def render(dialogue: tuple[tuple[str, str], ...], voices: tuple[str, str], noisy: bool,
           seed: int, pause_s: float = 0.7) -> tuple[np.ndarray, list[TimedTurn]]:
    """(2, samples) stereo: agent left, usager right, each bleeding into the other."""
    voice = dict(zip(ROLES, voices, strict=True))
    pieces: dict[str, list[np.ndarray]] = {r: [np.zeros(int(0.5 * SAMPLE_RATE))] for r in ROLES}
    timed: list[TimedTurn] = []
    t = 0.5
    for role, text in dialogue:
        audio = speak(text, f"mb-{voice[role]}").astype(np.float64)
        audio *= 0.1 / max(1e-6, float(np.sqrt(np.mean(audio**2))))
        timed.append(TimedTurn(role, text, round(t, 3), round(t + len(audio) / SAMPLE_RATE, 3)))
        gap = np.zeros(int(pause_s * SAMPLE_RATE))
        for r in ROLES:
            pieces[r] += [audio if r == role else np.zeros(len(audio)), gap]
        t += (len(audio) + len(gap)) / SAMPLE_RATE
    own = {r: np.concatenate(pieces[r]) for r in ROLES}
    bleed = 10 ** (BLEED_DB / 20)
    left = own["agent"] + bleed * own["usager"]
    right = own["usager"] + bleed * own["agent"]
    stereo = np.stack([left, right])
    if noisy:
        rng = np.random.default_rng(seed)
        level = 0.1 * 10 ** (NOISE_DB / 20)
        stereo += level * np.stack([pink_noise(stereo.shape[1], rng) for _ in ROLES])
    return np.clip(stereo, -1, 1).astype(np.float32), timed


def write_stereo(path: Path, stereo: np.ndarray) -> None:
    pcm = (np.clip(stereo.T, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(stereo.shape[0])
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())


def turn_accuracy(turns: tuple[TimedTurn, ...], segments: tuple[Segment, ...]) -> list[bool]:
    """Per reference turn: every word inside it labelled with its role (and one at least)."""
    right = []
    for turn in turns:
        labels = [seg.speaker for seg in segments for w in seg.words
                  if turn.start - 0.3 <= (w.start + w.end) / 2 <= turn.end + 0.3]
        right.append(bool(labels) and all(label == turn.speaker for label in labels))
    return right


def make_cases(folder: Path) -> list[Case]:
    cases: list[Case] = []
    for d, dialogue in enumerate(DIALOGUES):
        for voices in PAIRS:
            for noisy in (False, True):
                name = f"d{d}-{voices[0]}-{voices[1]}-{'bruit' if noisy else 'propre'}"
                stereo, timed = render(dialogue, voices, noisy, seed=d * 7 + len(cases))
                path = folder / f"{name}.wav"
                write_stereo(path, stereo)
                cases.append(Case(name, path, tuple(timed), stereo.shape[1] / SAMPLE_RATE))
    return cases


def live_segments(path: Path, settings_channels: list[str]) -> tuple[Segment, ...]:
    from assistant.pipeline import LivePipeline
    from assistant.replay import FileSource
    from assistant.streaming.events import TranscriptUpdate

    settings = load_settings()
    settings = settings.model_copy(update={"capture": settings.capture.model_copy(
        update={"channels": settings_channels})})
    source = FileSource.from_file(path, channels=len(settings_channels))
    committed: list[Segment] = []

    def on_event(event: object) -> None:
        if isinstance(event, TranscriptUpdate):
            committed.extend(event.committed)

    pipeline = LivePipeline(source, load_model(settings), settings, on_event)
    pipeline.start()
    pipeline.wait()
    pipeline.stop()
    return tuple(committed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--live", action="store_true", help="also through the live pipeline")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--voice", action="store_true",
                        help="one microphone: the voice labeller (assistant.diarize)")
    parser.add_argument("--pairs", choices=("dev", "held-out", "shared", "all"), default="all")
    parser.add_argument("--cache", type=Path, help="keep the transcripts here (re-runs)")
    args = parser.parse_args()
    if args.voice:
        from scripts.bench_voice import run_voice

        return run_voice(DIALOGUES, args.pairs, args.json, args.cache)
    settings = load_settings()
    model = load_model(settings)
    options = DecodeOptions.from_settings(settings)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        cases = make_cases(Path(tmp))
        for case in cases:
            started = time.perf_counter()
            transcript = transcribe_file(model, case.path, options, channels=ROLES)
            total_s = time.perf_counter() - started
            # The labelling alone, on the same transcript (cost per audio second).
            from assistant.audiofile import load_channels

            per_channel = load_channels(case.path, 2)
            mix_down(per_channel)
            t0 = time.perf_counter()
            label_transcript(transcript, per_channel, ROLES)
            label_s = time.perf_counter() - t0
            right = turn_accuracy(case.turns, transcript.segments)
            row = {"case": case.name, "turns": len(right), "right": sum(right),
                   "audio_s": round(case.duration_s, 1),
                   "batch_s_per_audio_s": round(total_s / case.duration_s, 4),
                   "label_ms_per_audio_s": round(1000 * label_s / case.duration_s, 3)}
            if args.live:
                live_right = turn_accuracy(case.turns, live_segments(case.path, list(ROLES)))
                row["live_right"] = sum(live_right)
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    summary: dict[str, Any] = {}
    for kind in ("propre", "bruit"):
        part = [r for r in rows if str(r["case"]).endswith(kind)]
        turns = sum(int(r["turns"]) for r in part)
        summary[kind] = {"turns": turns,
                         "batch_accuracy": round(sum(int(r["right"]) for r in part) / turns, 4)}
        if args.live:
            summary[kind]["live_accuracy"] = round(
                sum(int(r["live_right"]) for r in part) / turns, 4)
    summary["label_ms_per_audio_s"] = round(
        float(np.mean([float(r["label_ms_per_audio_s"]) for r in rows])), 3)
    summary["batch_s_per_audio_s"] = round(
        float(np.mean([float(r["batch_s_per_audio_s"]) for r in rows])), 4)
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "summary": summary},
                                        ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
