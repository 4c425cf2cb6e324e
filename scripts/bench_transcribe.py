"""Benchmark batch transcription against bare faster-whisper, in one run.

    .venv/bin/python scripts/bench_transcribe.py [--variants] [--skip-process]
                                                 [--clips DIR ...]

1. Word error rate on ../shared/eval/audio/real (human references) and
   ../shared/eval/audio/dialogues (turn texts), for bare faster-whisper
   (same model, beam 5, language fr, nothing else) and for `assistant
   transcribe`'s defaults, and per kind of real recording (read sentences,
   a long reading, short clips), since the product must be no worse than
   bare faster-whisper on any kind. With --variants, also each decoding
   choice alone (prompt, VAD, beam, guards, recovery of uncovered speech),
   which is how the defaults were settled. --clips adds a folder of real
   recordings (.wav or .flac, each with its reference in a .txt beside it),
   reported as a set of its own, never mixed into the team's figures.
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


KINDS = {"fleurs": "read sentences (FLEURS)", "readalongs": "a long reading (ReadAlongs)",
         "picovoice": "short clips (Picovoice)"}
"""The kinds of the team's real recordings, by the start of the file name."""


def corpus(clips: list[Path]) -> dict[str, list[tuple[Path, str]]]:
    sets: dict[str, list[tuple[Path, str]]] = {}
    manifest = json.loads((SHARED / "real" / "manifest.json").read_text(encoding="utf-8"))
    sets["real"] = [(SHARED / "real" / item["file"], item["reference"]) for item in manifest]
    dialogues = []
    for meta in sorted((SHARED / "dialogues").glob("*.json")):
        turns = json.loads(meta.read_text(encoding="utf-8"))["turns"]
        dialogues.append((meta.with_suffix(".flac"), " ".join(t["text"] for t in turns)))
    sets["dialogues"] = dialogues
    for folder in clips:
        sets[folder.name] = [(audio, audio.with_suffix(".txt").read_text(encoding="utf-8"))
                             for audio in sorted(folder.iterdir())
                             if audio.suffix in (".wav", ".flac")
                             and audio.with_suffix(".txt").is_file()]
    return sets


def kind_of(path: Path) -> str:
    return next((kind for start, kind in KINDS.items() if path.name.startswith(start)), "other")


def bare_text(model: object, path: Path) -> str:
    segments, _ = model.transcribe(str(path), language="fr", beam_size=5)  # type: ignore[attr-defined]
    return " ".join(s.text.strip() for s in segments)


def ours_text(model: SpeechModel, path: Path, options: DecodeOptions) -> str:
    return " ".join(s.text for s in model.segments(load_audio(path), options))


def measure_wer(variants: bool, clips: list[Path]) -> dict[str, dict[str, float]]:
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
    sets = corpus(clips)
    for name, options in configs.items():
        row: dict[str, float] = {}
        kinds: dict[str, WerCount] = {}
        for set_name, items in sets.items():
            total = WerCount(0, 0)
            started = time.perf_counter()
            for path, ref in items:
                hyp = bare_text(bare, path) if options is None else ours_text(ours, path, options)
                count = wer_count(ref, hyp)
                total = total + count
                if set_name == "real":
                    kind = kind_of(path)
                    kinds[kind] = kinds.get(kind, WerCount(0, 0)) + count
            row[set_name] = total.rate
            row[f"{set_name}_s"] = time.perf_counter() - started
        results[name] = row
        print(f"{name:<24} real {row['real']:6.1%}  dialogues {row['dialogues']:6.1%}"
              f"   ({row['real_s']:.0f} s + {row['dialogues_s']:.0f} s)", flush=True)
        for kind, count in kinds.items():
            print(f"{'':<26}{kind:<30} {count.rate:6.1%} ({count.errors}/{count.words})")
        for folder in clips:
            print(f"{'':<26}{folder.name + ' (--clips)':<30} {row[folder.name]:6.1%}")
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
    parser.add_argument("--clips", type=Path, action="append", default=[],
                        help="a folder of real recordings with a .txt reference beside each")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print("../shared/eval/audio is missing", file=sys.stderr)
        return 1
    print(f"Whisper base int8, {THREADS} threads, WER after French normalisation\n")
    if not args.skip_wer:
        measure_wer(args.variants, args.clips)
    if not args.skip_process:
        measure_process(SHARED / "dialogues" / "p01-caf-changement-situation.flac")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
