"""Benchmark back-office batch transcription: one process, a local Dask
cluster, and a Dask scheduler with two workers on loopback, on the same
recordings; then faster-whisper's batched pipeline on one long recording.

    .venv/bin/python scripts/bench_batch.py [--recordings 20] [--skip-batch] [--skip-long]

1. Batch: >= 20 appointments of tests/data/appointments/dev.json spoken with
   the MBROLA voices fr1, fr4, fr5, fr7, ca1 and ca2 (two per appointment),
   plus the demo sample of audio/generated when setup made it. Each mode runs
   in a fresh process (``--run MODE``) through ``assistant.batch.run_batch``,
   the code ``assistant transcribe --output`` runs: sequential (in-process),
   ``--jobs 2`` (LocalCluster) and ``--scheduler`` (``dask scheduler`` and two
   ``dask worker --nthreads 1`` on 127.0.0.1). Printed: wall time, audio hours
   per hour, peak memory (max RSS) of each process that decoded, model loads
   per worker, and the texts of the three modes compared (WER between them,
   and against the spoken text).
2. Long recording: the recordings joined to about 5 minutes, decoded by the
   project's sequential path (defaults), by its batched path (``--batched``:
   faster-whisper's BatchedInferencePipeline with the project's VAD padding,
   ``assistant.asr.BATCHED_VAD``) and by a bare BatchedInferencePipeline with
   faster-whisper's VAD defaults (same model, beam and prompt), interleaved,
   the fastest of ``--repeats`` runs: wall time, WER against the spoken text,
   WER between each and the sequential text, and the longest run of words of
   the sequential text that a path lost (words lost at chunk edges show there).

Figures go to docs/batch.md. Under contention both sides of a ratio shift
alike; wall times do not, so the load average is printed with them.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from assistant.guards import comparable_words as normalize  # noqa: E402
from assistant.types import SAMPLE_RATE  # noqa: E402
from tools.tts import speak, write_wav  # noqa: E402
from tools.wer import WerCount, wer_count  # noqa: E402

VOICE_PAIRS = [("mb-fr4", "mb-fr1"), ("mb-fr1", "mb-fr5"), ("mb-fr7", "mb-fr4"),
               ("mb-ca1", "mb-fr4"), ("mb-fr5", "mb-ca2"), ("mb-fr4", "mb-fr7")]
"""(agent, usager) voices, in turn; never fr2, fr3 or fr6."""
MODES = ("sequential", "jobs2", "scheduler")
DASK = str(Path(sys.executable).parent / "dask")
THREADS = 2


def build_corpus(folder: Path, count: int) -> dict[str, str]:
    """Write ``count`` recordings (WAV) to ``folder``; their spoken texts by file name."""
    folder.mkdir(parents=True, exist_ok=True)
    refs: dict[str, str] = {}
    demo = ROOT / "audio" / "generated" / "demo-caf-aide-logement.wav"
    if demo.exists():
        shutil.copyfile(demo, folder / demo.name)
        spec = json.loads(demo.with_suffix(".json").read_text(encoding="utf-8"))
        refs[demo.name] = " ".join(t["text"] for t in spec["turns"])
    appointments = json.loads(
        (ROOT / "tests" / "data" / "appointments" / "dev.json").read_text(encoding="utf-8"))
    for n, item in enumerate(appointments[: count - len(refs)]):
        agent, usager = VOICE_PAIRS[n % len(VOICE_PAIRS)]
        pieces = [np.zeros(int(0.6 * SAMPLE_RATE), dtype=np.float32)]
        for speaker, text in item["turns"]:
            pieces.append(speak(text, agent if speaker == "agent" else usager))
            pieces.append(np.zeros(int(0.9 * SAMPLE_RATE), dtype=np.float32))
        name = f"{item['id']}.wav"
        write_wav(folder / name, np.concatenate(pieces))
        refs[name] = " ".join(text for _speaker, text in item["turns"])
    return refs


# ---- one mode, in a fresh process -------------------------------------------------------

def run_mode(mode: str, corpus: Path, out: Path, scheduler: str | None) -> dict[str, object]:
    from assistant.batch import BatchPlan, plan_batch, run_batch
    from assistant.batch.worker import peak_rss_mb
    from assistant.settings import load_settings

    os.environ["ASSISTANT_MODEL__CPU_THREADS"] = str(THREADS)
    settings = load_settings()
    plan: BatchPlan = plan_batch([corpus], out, settings, formats=("txt",))
    start = time.perf_counter()
    report = run_batch(plan, jobs=2 if mode == "jobs2" else None,
                       scheduler=scheduler if mode == "scheduler" else None)
    wall = time.perf_counter() - start
    texts = {o.recording.source.name: o.outputs[0].read_text(encoding="utf-8")
             for o in report.outcomes if o.status == "done"}
    workers = [{"name": w.name, "peak_rss_mb": round(w.peak_rss_mb or 0), "models_loaded":
                w.models_loaded, "recordings": w.recordings} for w in report.workers]
    if mode == "sequential":
        workers = [{"name": "this process", "peak_rss_mb": round(peak_rss_mb() or 0),
                    "models_loaded": 1, "recordings": len(texts)}]
    return {"mode": mode, "wall_s": round(wall, 2), "audio_s": round(report.audio_s, 1),
            "failed": [o.label for o in report.outcomes if o.status == "failed"],
            "texts": texts, "workers": workers}


def start_scheduler(workdir: Path) -> tuple[str, list[subprocess.Popen[bytes]]]:
    """``dask scheduler`` and two single-thread ``dask worker`` on loopback."""
    info = workdir / "scheduler.json"
    env = dict(os.environ, ASSISTANT_MODEL__CPU_THREADS="1")
    procs = [subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", "0",
                               "--no-dashboard", "--scheduler-file", str(info)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)]
    deadline = time.monotonic() + 60
    while True:
        try:
            address = str(json.loads(info.read_text())["address"])
            break
        except (OSError, ValueError, KeyError):
            if time.monotonic() > deadline:
                raise RuntimeError("dask scheduler did not start") from None
            time.sleep(0.2)
    for _ in range(2):
        procs.append(subprocess.Popen(
            [DASK, "worker", address, "--nthreads", "1", "--no-dashboard",
             "--host", "127.0.0.1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env))
    return address, procs


def bench_batch(count: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        t0 = time.perf_counter()
        refs = build_corpus(work / "corpus", count)
        print(f"corpus: {len(refs)} recordings, voices "
              f"{sorted({v for pair in VOICE_PAIRS for v in pair})}, "
              f"built in {time.perf_counter() - t0:.0f} s", flush=True)
        address, procs = start_scheduler(work)
        results = {}
        try:
            for mode in MODES:
                out = work / f"out-{mode}"
                load = os.getloadavg()[0]
                proc = subprocess.run(
                    [sys.executable, __file__, "--run", mode, "--corpus", str(work / "corpus"),
                     "--out", str(out), "--scheduler", address],
                    capture_output=True, text=True, check=False)
                if proc.returncode != 0:
                    print(proc.stderr, file=sys.stderr)
                    raise SystemExit(f"mode {mode} failed")
                results[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
                results[mode]["load"] = load
        finally:
            for p in reversed(procs):
                p.terminate()
            for p in procs:
                p.wait(timeout=30)
        print("\n| mode | wall (s) | audio h / h | peak RSS per process (MB) | model loads "
              "| failed | load avg at start |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for mode, r in results.items():
            speed = r["audio_s"] / r["wall_s"]
            rss = ", ".join(f"{w['peak_rss_mb']}" for w in r["workers"])
            loads = ", ".join(f"{w['models_loaded']}" for w in r["workers"])
            print(f"| {mode} | {r['wall_s']:.1f} | {speed:.2f} | {rss} | {loads} | "
                  f"{len(r['failed'])} | {r['load']:.1f} |")
        print(f"\naudio: {results['sequential']['audio_s'] / 60:.1f} min in "
              f"{len(refs)} recordings")
        base = results["sequential"]["texts"]
        for mode in MODES:
            texts = results[mode]["texts"]
            vs_ref = sum((wer_count(refs[k], texts.get(k, "")) for k in refs), WerCount(0, 0))
            vs_seq = sum((wer_count(base[k], texts.get(k, "")) for k in base), WerCount(0, 0))
            same = sum(texts.get(k) == base[k] for k in base)
            print(f"{mode}: WER vs spoken text {vs_ref.rate:.1%}, vs sequential "
                  f"{vs_seq.rate:.1%}, identical texts {same}/{len(base)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---- long recording: sequential vs BatchedInferencePipeline ----------------------------

def longest_loss(before: str, after: str) -> int:
    """The most words of ``before`` in one place that ``after`` has nothing for
    (a replaced run counts the words it lacks)."""
    a, b = normalize(before), normalize(after)
    ops = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    return max([(i2 - i1) - (j2 - j1) for op, i1, i2, j1, j2 in ops if op != "equal"] + [0])


def bench_long(count: int, batch_sizes: tuple[int, ...], repeats: int) -> None:
    from faster_whisper import BatchedInferencePipeline, WhisperModel

    from assistant.asr import DecodeOptions, SpeechModel
    from assistant.audiofile import load_audio
    from assistant.batch import transcribe_file
    from assistant.modelstore import active_model_path
    from assistant.settings import load_settings

    work = Path(tempfile.mkdtemp(prefix="bench-long-"))
    try:
        refs = build_corpus(work / "corpus", count)
        pieces, texts = [], []
        gap = np.zeros(SAMPLE_RATE, dtype=np.float32)
        for name, ref in refs.items():
            pieces += [load_audio(work / "corpus" / name), gap]
            texts.append(ref)
            if sum(len(p) for p in pieces) / SAMPLE_RATE >= 300:
                break
        audio = np.concatenate(pieces)
        reference = " ".join(texts)
        path = work / "long.wav"
        write_wav(path, audio)
        duration = len(audio) / SAMPLE_RATE
        print(f"\nlong recording: {duration:.0f} s ({len(texts)} recordings joined), "
              f"{THREADS} threads, load avg {os.getloadavg()[0]:.1f}", flush=True)
        folder = active_model_path(load_settings())
        model = SpeechModel(folder, compute_type="int8", cpu_threads=THREADS)
        options = DecodeOptions.from_settings(load_settings())
        whisper = WhisperModel(str(folder), device="cpu", compute_type="int8",
                               cpu_threads=THREADS, local_files_only=True)
        pipeline = BatchedInferencePipeline(whisper)

        def bare_batched(size: int) -> str:
            segments, _info = pipeline.transcribe(
                audio, language=options.language, beam_size=options.beam_size,
                initial_prompt=options.initial_prompt, batch_size=size, vad_filter=True,
                temperature=list(options.temperatures))
            return " ".join(s.text.strip() for s in segments)

        paths: list[tuple[str, Callable[[], str]]] = [
            ("sequential (defaults)", lambda: transcribe_file(model, path, options).text)]
        for size in batch_sizes:
            batched = replace(options, batch_size=size)
            paths.append((f"--batched, batch_size={size} (project VAD)",
                          lambda o=batched: transcribe_file(model, path, o).text))
        paths.append((f"bare BatchedInferencePipeline, batch_size={batch_sizes[0]}, "
                      "faster-whisper VAD defaults", lambda: bare_batched(batch_sizes[0])))
        runs: dict[str, tuple[float, str]] = {}
        for rep in range(repeats):
            for label, decode in paths:
                t0 = time.perf_counter()
                text = decode()
                wall = time.perf_counter() - t0
                best = min(wall, runs[label][0]) if label in runs else wall
                runs[label] = (best, text)
                print(f"  {label}: {wall:.1f} s (run {rep + 1}, load avg "
                      f"{os.getloadavg()[0]:.1f})", flush=True)
        seq_time, seq_text = runs["sequential (defaults)"]
        print(f"\nfastest of {repeats} runs each, interleaved")
        print("| path | wall (s) | x real time | speed-up | WER vs spoken | "
              "WER vs sequential | words | longest run of sequential words lost |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for label, (wall, text) in runs.items():
            print(f"| {label} | {wall:.1f} | {duration / wall:.1f} | {seq_time / wall:.2f} | "
                  f"{wer_count(reference, text).rate:.1%} | "
                  f"{wer_count(seq_text, text).rate:.1%} | {len(text.split())} | "
                  f"{longest_loss(seq_text, text)} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recordings", type=int, default=21)
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--skip-long", action="store_true")
    parser.add_argument("--batch-sizes", default="8,16")
    parser.add_argument("--repeats", type=int, default=2, help="long recording: runs per path")
    parser.add_argument("--run", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--scheduler", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run_mode(args.run, args.corpus, args.out, args.scheduler),
                         ensure_ascii=False))
        return 0
    if not args.skip_batch:
        bench_batch(args.recordings)
    if not args.skip_long:
        bench_long(args.recordings, tuple(int(s) for s in args.batch_sizes.split(",")),
                   args.repeats)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
