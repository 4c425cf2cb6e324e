"""One microphone, measured: the voice labeller (``assistant.diarize``) on mono dialogues.

Called by ``scripts/bench_speakers.py --voice``. Each dialogue is spoken by
two MBROLA voices into one channel (development voices only: fr1, fr4, fr5,
fr7, ca1, ca2; never fr2, fr3, fr6), the agent first; ``bruit`` adds pink
noise 10 dB below the speech. Pauses between turns alternate 0.7 s and
0.35 s, so Whisper sometimes joins two turns in one segment. The recording is
decoded by the batch path (word times on), then labelled by
``assistant.diarize.labeller.label_transcript``.

- role accuracy: a turn is right when every recognised word inside it is in
  a segment labelled with its role (and one at least), as for the channels;
- DER: frame-level (10 ms) over the reference turns with a 0.25 s collar at
  each boundary; a hypothesis speaks over its segment's word span. ``der``
  maps the labels to the reference roles for the best match (the usual
  diarization error rate); ``role_der`` takes the labels as they are;
- cost: the labelling alone (segmentation, VAD, embeddings, clustering), wall
  and CPU time per audio second;
- memory: measured in a fresh process (``memory_probe``): the development
  dialogues with their cached transcripts joined into one long recording;
  resident set before the models are loaded (onnxruntime already imported, as
  the live path's Silero VAD does), then the peak (VmHWM, reset
  through /proc/self/clear_refs, Linux) and
  the resident set after loading them and labelling the whole recording.

``--pairs shared`` (and ``all``) also labels the team's appointments in
``../shared/eval/audio/dialogues`` (fr4 agent, fr1 usager: a development
pair) against their published turns, read in place.

Three-voice check: a dialogue where a third voice (fr7 or ca1) speaks two
turns must label without an exception; its turns should be « autre ».
"""

from __future__ import annotations

import hashlib
import json
import pickle
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.asr import DecodeOptions, load_model
from assistant.batch import transcribe_file
from assistant.diarize.labeller import VoiceModels, label_transcript
from assistant.settings import load_settings
from assistant.types import SAMPLE_RATE, Segment, Transcript
from scripts.bench_speakers import pink_noise, turn_accuracy, write_stereo
from tools.tts import TimedTurn, speak

DEV_PAIRS = (("fr4", "fr1"), ("fr5", "fr7"), ("fr1", "fr5"))
"""(agent, usager): the pairs the thresholds were tuned on."""
HELD_OUT_PAIRS = (("ca1", "ca2"), ("fr7", "ca1"), ("ca2", "fr4"), ("fr5", "ca2"),
                  ("ca1", "fr1"))
"""Pairs never used while tuning."""
NOISE_DB = -10.0
COLLAR_S = 0.25

EXTRA_DIALOGUE: tuple[tuple[str, str], ...] = (
    ("agent", "Bonjour, installez-vous. Comment puis-je vous aider ?"),
    ("usager", "Je dois refaire ma carte grise, j'ai déménagé à Lyon."),
    ("agent", "Vous avez un justificatif de domicile de moins de six mois ?"),
    ("usager", "J'ai une facture d'électricité du mois dernier."),
    ("agent", "Parfait. Je vais faire la demande en ligne avec vous."),
    ("usager", "Combien de temps ça prend pour la recevoir ?"),
    ("agent", "En général une semaine, elle arrive par courrier."),
    ("usager", "D'accord, merci beaucoup pour votre aide."),
)
ENROL_TEXT = ("Bonjour, je suis conseillère à l'accueil de la caisse. Je reçois les "
              "personnes pour leurs dossiers de prestations familiales, de logement "
              "et de solidarité, du lundi au vendredi.")
"""What the agent's voice reads to enrol (about 10 s), never a turn of a dialogue."""
THREE_VOICES: tuple[tuple[str, str], ...] = (
    ("agent", "Bonjour monsieur, qu'est-ce que je peux faire pour vous ?"),
    ("usager", "Je viens pour le dossier de logement de ma mère."),
    ("autre", "Bonjour, je suis sa mère, j'ai apporté mes papiers d'identité."),
    ("agent", "Très bien, il me faut aussi votre avis d'imposition."),
    ("usager", "Nous l'avons laissé à la maison, malheureusement."),
    ("autre", "Je peux vous l'envoyer par la poste la semaine prochaine."),
    ("agent", "D'accord, envoyez-le à la caisse avec ce formulaire."),
)


def render_mono(dialogue: tuple[tuple[str, str], ...], voices: dict[str, str], noisy: bool,
                seed: int) -> tuple[np.ndarray, list[TimedTurn]]:
    pieces: list[np.ndarray] = [np.zeros(int(0.5 * SAMPLE_RATE))]
    timed: list[TimedTurn] = []
    t = 0.5
    for n, (role, text) in enumerate(dialogue):
        audio = speak(text, f"mb-{voices[role]}").astype(np.float64)
        audio *= 0.1 / max(1e-6, float(np.sqrt(np.mean(audio**2))))
        timed.append(TimedTurn(role, text, round(t, 3), round(t + len(audio) / SAMPLE_RATE, 3)))
        gap = np.zeros(int((0.7 if n % 2 == 0 else 0.35) * SAMPLE_RATE))
        pieces += [audio, gap]
        t += (len(audio) + len(gap)) / SAMPLE_RATE
    mono = np.concatenate(pieces)
    if noisy:
        rng = np.random.default_rng(seed)
        mono += 0.1 * 10 ** (NOISE_DB / 20) * pink_noise(len(mono), rng)
    return np.clip(mono, -1, 1).astype(np.float32), timed


def frames_of(turns: list[tuple[str, float, float]], n: int, hop: float = 0.01) -> np.ndarray:
    out = np.full(n, "", dtype=object)
    for who, start, end in turns:
        out[int(start / hop): int(end / hop)] = who
    return out


def der(reference: list[TimedTurn], segments: tuple[Segment, ...], duration: float,
        map_best: bool) -> float:
    """Diarization error rate (missed + false alarm + confusion over reference speech)."""
    n = int(duration / 0.01) + 1
    ref = frames_of([(t.speaker, t.start, t.end) for t in reference], n)
    spans = [(s.speaker or "?", s.words[0].start if s.words else s.start,
              s.words[-1].end if s.words else s.end) for s in segments]
    hyp = frames_of(spans, n)
    scored = np.ones(n, dtype=bool)
    for t in reference:
        for edge in (t.start, t.end):
            scored[max(0, int((edge - COLLAR_S) / 0.01)): int((edge + COLLAR_S) / 0.01)] = False
    ref, hyp = ref[scored], hyp[scored]
    speech = int(np.sum(ref != ""))
    if speech == 0:
        return 0.0
    labels = sorted({str(h) for h in hyp if h})
    refs = sorted({str(r) for r in ref if r})
    best = None
    if map_best:
        import itertools

        for perm in itertools.permutations(refs + [""] * len(labels), len(labels)):
            mapping = dict(zip(labels, perm, strict=True))
            mapped = np.array([mapping.get(str(h), "") if h else "" for h in hyp], dtype=object)
            err = (int(np.sum((ref != "") & (mapped != ref)))
                   + int(np.sum((ref == "") & (hyp != ""))))
            best = err if best is None else min(best, err)
    else:
        best = int(np.sum((ref != "") & (hyp != ref))) + int(np.sum((ref == "") & (hyp != "")))
    return float(best or 0) / speech


def _transcribe(model: Any, options: DecodeOptions, mono: np.ndarray, cache: Path | None,
                key: str) -> Transcript:
    digest = hashlib.sha256(mono.tobytes()).hexdigest()[:16]
    cached = cache / f"{key}-{digest}.pkl" if cache else None
    if cached and cached.is_file():
        result: Transcript = pickle.loads(cached.read_bytes())
        return result
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.wav"
        write_stereo(path, mono[None, :])
        transcript = transcribe_file(model, path, options)
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(pickle.dumps(transcript))
    return transcript


def _scores(timed: list[TimedTurn], segments: tuple[Segment, ...], duration: float,
            cost: float, cpu: float) -> dict[str, float]:
    """DER (speakers mapped for the best match, and by role), length and labelling cost."""
    return {"der": round(der(timed, segments, duration, True), 4),
            "role_der": round(der(timed, segments, duration, False), 4),
            "audio_s": round(duration, 1),
            "label_ms_per_audio_s": round(1000 * cost / duration, 2),
            "label_cpu_ms_per_audio_s": round(1000 * cpu / duration, 2)}


def _rss_mb() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss) / 2**20


def run_voice(dialogues: tuple[tuple[tuple[str, str], ...], ...], which: str,
              json_path: Path | None, cache: Path | None) -> int:
    from dataclasses import replace

    settings = load_settings()
    model = load_model(settings)
    options = replace(DecodeOptions.from_settings(settings), word_timestamps=True)
    voice_models = VoiceModels.load(settings.model.store / "speakers")
    pair_sets = {"dev": DEV_PAIRS, "held-out": HELD_OUT_PAIRS}
    chosen = [(k, p) for k, ps in pair_sets.items() if which in (k, "all") for p in ps]
    rows: list[dict[str, Any]] = []
    all_dialogues = (*dialogues, EXTRA_DIALOGUE)
    for kind, (agent, usager) in chosen:
        for d, dialogue in enumerate(all_dialogues):
            for noisy in (False, True):
                name = f"d{d}-{agent}-{usager}-{'bruit' if noisy else 'propre'}"
                mono, timed = render_mono(dialogue, {"agent": agent, "usager": usager}, noisy,
                                          seed=d * 13 + len(rows))
                transcript = _transcribe(model, options, mono, cache, name)
                t0, c0 = time.perf_counter(), time.process_time()
                labelled = label_transcript(transcript, mono, voice_models)
                cost, cpu = time.perf_counter() - t0, time.process_time() - c0
                right = turn_accuracy(tuple(timed), labelled.segments)
                row = {"case": name, "pairs": kind, "turns": len(right), "right": sum(right),
                       **_scores(timed, labelled.segments, len(mono) / SAMPLE_RATE, cost, cpu)}
                rows.append(row)
                print(json.dumps(row, ensure_ascii=False), flush=True)
    shared = Path(__file__).resolve().parents[2] / "shared" / "eval" / "audio" / "dialogues"
    prints: dict[str, np.ndarray] = {}
    for flac in sorted(shared.glob("*.flac")) if which in ("shared", "all") else []:
        # The team's appointments (fr4 agent, fr1 usager: a development pair), with
        # their published turns; read in place, never copied.
        from assistant.audiofile import load_audio

        meta = json.loads(flac.with_suffix(".json").read_text(encoding="utf-8"))
        timed = [TimedTurn(t["speaker"], t["text"], float(t["start"]), float(t["end"]))
                 for t in meta["turns"]]
        mono = load_audio(flac)
        transcript = _transcribe(model, options, mono, cache, "shared-" + flac.stem)
        t0, c0 = time.perf_counter(), time.process_time()
        labelled = label_transcript(transcript, mono, voice_models)
        cost, cpu = time.perf_counter() - t0, time.process_time() - c0
        right = turn_accuracy(tuple(timed), labelled.segments)
        # The same with the agent's voice enrolled: that voice (fr4 or fr1: the
        # appointments do not always give the agent the same one, so the one nearer
        # the agent's first reference turn) reading ENROL_TEXT, never a turn.
        if not prints:
            prints = {v: voice_models.encoder.embed(speak(ENROL_TEXT, f"mb-{v}"))
                      for v in ("fr4", "fr1")}
        first = next(t for t in timed if t.speaker == "agent")
        agent_turn = voice_models.embed_spans(mono, [(first.start, first.end)])[0]
        voice = max(prints, key=lambda v: float(prints[v] @ agent_turn))
        with_voice = label_transcript(transcript, mono, voice_models, prints[voice])
        right_enrolled = turn_accuracy(tuple(timed), with_voice.segments)
        row = {"case": flac.stem, "pairs": "shared", "turns": len(right), "right": sum(right),
               "right_enrolled": sum(right_enrolled), "agent_voice": voice,
               **_scores(timed, labelled.segments, len(mono) / SAMPLE_RATE, cost, cpu)}
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    three: list[dict[str, Any]] = []
    for voices in (("fr4", "fr1", "fr7"), ("ca2", "fr5", "ca1")):
        mono, timed = render_mono(THREE_VOICES, dict(zip(("agent", "usager", "autre"), voices,
                                                         strict=True)), False, seed=99)
        transcript = _transcribe(model, options, mono, cache, "three-" + "-".join(voices))
        labelled = label_transcript(transcript, mono, voice_models)
        right = turn_accuracy(tuple(timed), labelled.segments)
        three.append({"voices": "/".join(voices), "turns": len(right), "right": sum(right),
                      "autre_right": sum(r for r, t in zip(right, timed, strict=True)
                                         if t.speaker == "autre")})
        print(json.dumps(three[-1], ensure_ascii=False), flush=True)
    summary: dict[str, Any] = {}
    for kind in ("dev", "held-out", "shared"):
        for cond in (("propre", "bruit") if kind != "shared" else ("",)):
            part = [r for r in rows if r["pairs"] == kind and str(r["case"]).endswith(cond)]
            if not part:
                continue
            turns = sum(int(r["turns"]) for r in part)
            if kind == "shared":
                summary["shared_enrolled_accuracy"] = round(
                    sum(int(r["right_enrolled"]) for r in part) / turns, 4)
            summary[f"{kind}/{cond}".rstrip("/")] = {
                "turns": turns,
                "role_accuracy": round(sum(int(r["right"]) for r in part) / turns, 4),
                "der": round(float(np.mean([r["der"] for r in part])), 4),
                "role_der": round(float(np.mean([r["role_der"] for r in part])), 4)}
    summary["label_ms_per_audio_s"] = round(
        float(np.mean([float(r["label_ms_per_audio_s"]) for r in rows])), 2) if rows else None
    summary["label_cpu_ms_per_audio_s"] = round(
        float(np.mean([float(r["label_cpu_ms_per_audio_s"]) for r in rows])), 2) if rows else None
    if cache is not None:
        summary["memory"] = run_memory_probe(cache)
    summary["three_voices"] = three
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    if json_path:
        json_path.write_text(json.dumps({"rows": rows, "summary": summary}, ensure_ascii=False,
                                        indent=2) + "\n", encoding="utf-8")
    return 0


def memory_probe(cache: Path, repeat: int = 2) -> dict[str, float]:
    """In this (fresh) process: RSS before and after loading the models and labelling
    the cached development dialogues joined into one recording."""
    from dataclasses import replace

    from scripts.bench_speakers import DIALOGUES

    audio_parts: list[np.ndarray] = []
    segments: list[Segment] = []
    offset = 0.0
    for _ in range(repeat):
        for agent, usager in DEV_PAIRS:
            for d, dialogue in enumerate((*DIALOGUES, EXTRA_DIALOGUE)):
                name = f"d{d}-{agent}-{usager}-propre"
                found = sorted(cache.glob(f"{name}-*.pkl"))
                if not found:
                    continue
                mono, _ = render_mono(dialogue, {"agent": agent, "usager": usager}, False, 0)
                transcript: Transcript = pickle.loads(found[0].read_bytes())
                for seg in transcript.segments:
                    segments.append(replace(
                        seg, id=len(segments), start=seg.start + offset, end=seg.end + offset,
                        words=tuple(replace(w, start=w.start + offset, end=w.end + offset)
                                    for w in seg.words)))
                audio_parts.append(mono)
                offset += len(mono) / SAMPLE_RATE
    audio = np.concatenate(audio_parts)
    long = Transcript(language="fr", duration=offset, segments=tuple(segments))
    import onnxruntime  # noqa: F401  (loaded anyway by the live path's Silero VAD)

    before = _rss_mb()
    # Linux: the peak resident set (VmHWM) starts again from here.
    Path("/proc/self/clear_refs").write_text("5")
    models = VoiceModels.load(Path(load_settings().model.store) / "speakers")
    loaded = _rss_mb()
    t0 = time.process_time()
    label_transcript(long, audio, models)
    cpu = time.process_time() - t0
    status = Path("/proc/self/status").read_text()
    peak = float(next(line.split()[1] for line in status.splitlines()
                      if line.startswith("VmHWM:"))) / 1024
    return {"audio_s": round(offset, 1), "rss_before_mb": round(before, 1),
            "models_loaded_mb": round(loaded - before, 1),
            "after_label_mb": round(_rss_mb() - before, 1),
            "peak_added_mb": round(peak - before, 1),
            "label_cpu_ms_per_audio_s": round(1000 * cpu / offset, 2)}


def run_memory_probe(cache: Path) -> dict[str, float]:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    code = (f"import json,sys; sys.path.insert(0, {str(root)!r}); from pathlib import Path; "
            "from scripts.bench_voice import memory_probe; "
            f"print(json.dumps(memory_probe(Path({str(cache)!r}))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=root)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    print(json.dumps({"memory": result}), flush=True)
    return result
