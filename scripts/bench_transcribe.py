"""Benchmark batch transcription against bare faster-whisper, in one run.

    .venv/bin/python scripts/bench_transcribe.py [--variants] [--skip-process]

1. Word error rate on ../shared/eval/audio/real (human references) and
   ../shared/eval/audio/dialogues (turn texts), for bare faster-whisper
   (same model, beam 5, language fr, nothing else) and for `assistant
   transcribe`'s defaults. With --variants, also each decoding choice alone
   (prompt, VAD, beam, guards, recovery of uncovered speech), which is how
   the defaults were settled.
2. Whole-process wall time and peak memory (max RSS) of
   `assistant transcribe` on a ~45 s recording beside a bare faster-whisper
   script doing the same, each run 3 times, medians.

Figures are ratios against the baseline measured in the same run, so a busy
machine shifts both sides alike.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.asr import DecodeOptions, SpeechModel  # noqa: E402
from assistant.audiofile import load_audio  # noqa: E402
from assistant.settings import load_settings  # noqa: E402
from tools.wer import WerCount, wer_count  # noqa: E402

SHARED = ROOT.parent / "shared" / "eval" / "audio"
MODEL = ROOT / "models" / "whisper-base"
THREADS = 2


def corpus() -> dict[str, list[tuple[Path, str]]]:
    sets: dict[str, list[tuple[Path, str]]] = {}
    manifest = json.loads((SHARED / "real" / "manifest.json").read_text(encoding="utf-8"))
    sets["real"] = [(SHARED / "real" / item["file"], item["reference"]) for item in manifest]
    dialogues = []
    for meta in sorted((SHARED / "dialogues").glob("*.json")):
        turns = json.loads(meta.read_text(encoding="utf-8"))["turns"]
        dialogues.append((meta.with_suffix(".flac"), " ".join(t["text"] for t in turns)))
    sets["dialogues"] = dialogues
    return sets


def bare_text(model: object, path: Path) -> str:
    segments, _ = model.transcribe(str(path), language="fr", beam_size=5)  # type: ignore[attr-defined]
    return " ".join(s.text.strip() for s in segments)


def ours_text(model: SpeechModel, path: Path, options: DecodeOptions) -> str:
    return " ".join(s.text for s in model.segments(load_audio(path), options))


def measure_wer(variants: bool) -> dict[str, dict[str, float]]:
    from faster_whisper import WhisperModel

    bare = WhisperModel(str(MODEL), device="cpu", compute_type="int8", cpu_threads=THREADS)
    ours = SpeechModel(MODEL, "int8", THREADS)
    default = DecodeOptions.from_settings(load_settings())
    configs: dict[str, DecodeOptions | None] = {"bare faster-whisper": None, "assistant": default}
    if variants:
        configs.update({
            "assistant, no prompt": replace(default, initial_prompt=None),
            "assistant + batch VAD": replace(default, vad_filter=True),
            "assistant, beam 1": replace(default, beam_size=1),
            "assistant, no guards": replace(default, drop_hallucinations=False),
            "assistant, no recovery": replace(default, recover_uncovered=False),
        })
    results: dict[str, dict[str, float]] = {}
    for name, options in configs.items():
        row: dict[str, float] = {}
        for set_name, items in corpus().items():
            total = WerCount(0, 0)
            started = time.perf_counter()
            for path, ref in items:
                hyp = bare_text(bare, path) if options is None else ours_text(ours, path, options)
                total = total + wer_count(ref, hyp)
            row[set_name] = total.rate
            row[f"{set_name}_s"] = time.perf_counter() - started
        results[name] = row
        print(f"{name:<24} real {row['real']:6.1%}  dialogues {row['dialogues']:6.1%}"
              f"   ({row['real_s']:.0f} s + {row['dialogues_s']:.0f} s)", flush=True)
    return results


BARE_SCRIPT = """
import sys
from faster_whisper import WhisperModel
m = WhisperModel(sys.argv[1], device="cpu", compute_type="int8", cpu_threads=2)
segs, _ = m.transcribe(sys.argv[2], language="fr", beam_size=5)
print(" ".join(s.text.strip() for s in segs))
"""


def run_measured(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process.

    The peak comes from GNU time, started from a small process: a child forked
    straight from this (large) benchmark would inherit its resident size into
    ru_maxrss, which exec does not reset.
    """
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=False)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"command failed: {cmd}\n{proc.stderr}")
    return wall, int(proc.stderr.strip().splitlines()[-1]) / 1024


def measure_process(recording: Path) -> None:
    python = sys.executable
    assistant = str(Path(python).parent / "assistant")
    env_threads = {"ASSISTANT_MODEL__CPU_THREADS": str(THREADS)}
    os.environ.update(env_threads)
    bare_cmd = [python, "-c", BARE_SCRIPT, str(MODEL), str(recording)]
    ours_cmd = [assistant, "transcribe", str(recording), "--no-progress"]
    bare_runs, ours_runs = [], []
    for _ in range(3):  # interleaved so that machine load hits both alike
        bare_runs.append(run_measured(bare_cmd))
        ours_runs.append(run_measured(ours_cmd))
    bw = statistics.median(r[0] for r in bare_runs)
    ow = statistics.median(r[0] for r in ours_runs)
    bm = max(r[1] for r in bare_runs)
    om = max(r[1] for r in ours_runs)
    seconds = len(load_audio(recording)) / 16000
    print(f"\nwhole process on {recording.name} ({seconds:.1f} s of audio), median of 3:")
    print(f"  bare faster-whisper  wall {bw:5.2f} s   peak RSS {bm:6.0f} MB")
    print(f"  assistant transcribe wall {ow:5.2f} s   peak RSS {om:6.0f} MB")
    print(f"  ratio (assistant / bare) wall {ow / bw:.2f}x   memory {om / bm:.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variants", action="store_true", help="also each decoding choice alone")
    parser.add_argument("--skip-wer", action="store_true")
    parser.add_argument("--skip-process", action="store_true")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print("../shared/eval/audio is missing", file=sys.stderr)
        return 1
    print(f"Whisper base int8, {THREADS} threads, WER after French normalisation\n")
    if not args.skip_wer:
        measure_wer(args.variants)
    if not args.skip_process:
        measure_process(SHARED / "dialogues" / "p01-caf-changement-situation.flac")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
