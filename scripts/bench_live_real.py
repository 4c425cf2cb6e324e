"""Benchmark: the live path on real speech, streamed at real time.

Each recording of ../shared/eval/audio/real (human speech, read and
prepared monologue; long stretches with few pauses, where the recogniser
struggles more than on the synthetic appointments) goes through the real
``LivePipeline`` at speaking pace (``FileSource``, real time). Printed per
recording and over all of them:

- commit delay of every committed word: the time of its commit minus the
  end of the word in the audio, on bench_stream's simulated clock (audio
  arrives at speaking pace, the clock advances by the engine's CPU time, so
  other programs on a shared machine do not count) or, with ``--clock
  wall``, on the wall clock of the real pipeline at real time; p50, p90 and
  the worst;
- speech left behind: seconds of speech (Silero VAD over the whole file)
  that no committed word covers, and of that, what the engine reported as
  dropped with a reason (``TranscriptUpdate.dropped``);
- streamed WER beside the batch WER of the same file in the same run.

    .venv/bin/python scripts/bench_live_real.py [--limit N] [--speed 1.0]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_stream import late_line, run_stream, simulate_stream  # noqa: E402

from assistant.asr import DecodeOptions, SpeechModel  # noqa: E402
from assistant.audiofile import load_audio  # noqa: E402
from assistant.settings import load_settings  # noqa: E402
from assistant.types import SAMPLE_RATE, AudioArray  # noqa: E402
from tools.wer import WerCount, wer_count  # noqa: E402

REAL = ROOT.parent / "shared" / "eval" / "audio" / "real"
MODEL = ROOT / "models" / "whisper-base"
COVER_MARGIN_S = 0.3


def speech_spans(audio: AudioArray) -> list[tuple[float, float]]:
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    return [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE)
            for s in get_speech_timestamps(audio, VadOptions(min_silence_duration_ms=300,
                                                             speech_pad_ms=0))]


def uncovered_s(spans: list[tuple[float, float]], covered: list[tuple[float, float]]) -> float:
    """Seconds of ``spans`` outside every interval of ``covered`` (10 ms grid)."""
    if not spans:
        return 0.0
    end = max(e for _, e in spans)
    grid = [False] * (int(end * 100) + 2)
    for s, e in spans:
        for i in range(int(s * 100), int(e * 100)):
            grid[i] = True
    for s, e in covered:
        for i in range(max(0, int((s - COVER_MARGIN_S) * 100)),
                       min(len(grid), int((e + COVER_MARGIN_S) * 100))):
            grid[i] = False
    return sum(grid) / 100


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="cpu (default): audio arrives at speaking pace on a clock "
                             "advanced by the engine's CPU time (bench_stream's simulated "
                             "clock, steady on a shared machine); wall: the real pipeline "
                             "on a FileSource at real time")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    manifest = json.loads((REAL / "manifest.json").read_text(encoding="utf-8"))
    if args.limit:
        manifest = manifest[: args.limit]
    settings = load_settings()
    model = SpeechModel(MODEL, "int8", 2)
    batch_options = DecodeOptions.from_settings(settings)
    delays: list[float] = []
    rows = []
    totals = {"speech": 0.0, "uncovered": 0.0, "dropped": 0.0}
    live_wer, batch_wer = WerCount(0, 0), WerCount(0, 0)
    reasons: dict[str, int] = {}
    for item in manifest:
        audio = load_audio(REAL / item["file"])
        if args.clock == "cpu":
            recorder, _clock, _cpu = simulate_stream(model, settings, audio)
        else:
            recorder, _wall, _cpu = run_stream(model, settings, audio, item["file"],
                                               speed=args.speed)
        words = recorder.committed_words()
        file_delays = [at - w.end / args.speed for at, w in words]
        delays += file_delays
        spans = speech_spans(audio)
        speech = sum(e - s for s, e in spans)
        left = uncovered_s(spans, [(w.start, w.end) for _, w in words])
        dropped = [d for _, u in recorder.updates for d in getattr(u, "dropped", ())]
        for _, u in recorder.updates:
            for seg, why in zip(u.committed, getattr(u, "reasons", ()), strict=False):
                reasons[why] = reasons.get(why, 0) + len(seg.words)
        dropped_s = sum(d.end_s - d.start_s for d in dropped)
        live = wer_count(item["reference"], recorder.text())
        batch = wer_count(item["reference"], " ".join(
            s.text for s in model.transcribe(audio, batch_options)))
        live_wer, batch_wer = live_wer + live, batch_wer + batch
        totals["speech"] += speech
        totals["uncovered"] += left
        totals["dropped"] += dropped_s
        row = {"file": item["file"], "seconds": round(len(audio) / SAMPLE_RATE, 1),
               "delay_p50": round(pct(file_delays, 0.5), 2),
               "delay_p90": round(pct(file_delays, 0.9), 2),
               "delay_max": round(max(file_delays, default=float("nan")), 2),
               "speech_s": round(speech, 1), "uncovered_s": round(left, 1),
               "dropped": [(round(d.start_s, 1), round(d.end_s, 1), d.reason) for d in dropped],
               "live_wer": round(live.rate, 3), "batch_wer": round(batch.rate, 3)}
        rows.append(row)
        print(f"{row['file']:<28} {row['seconds']:5.1f} s  delay p50 {row['delay_p50']:5.2f}"
              f"  p90 {row['delay_p90']:5.2f}  max {row['delay_max']:5.2f}   speech "
              f"{speech:5.1f} s, uncommitted {left:4.1f} s, dropped {dropped_s:4.1f} s"
              f"   WER live {live.rate:6.1%} batch {batch.rate:6.1%}", flush=True)
        for d in dropped:
            print(f"    dropped {d.start_s:6.1f}-{d.end_s:6.1f} s: {d.reason}")
    print(f"\nall {len(rows)} recordings: commit delay p50 {pct(delays, 0.5):.2f} s, "
          f"p90 {pct(delays, 0.9):.2f} s, max {max(delays, default=float('nan')):.2f} s; "
          f"speech {totals['speech']:.1f} s, uncommitted {totals['uncovered']:.1f} s, "
          f"reported dropped {totals['dropped']:.1f} s; WER live {live_wer.rate:.1%} "
          f"batch {batch_wer.rate:.1%} ({live_wer.rate / max(batch_wer.rate, 1e-9):.2f}x)")
    print(late_line(delays))
    if reasons:
        print("committed words by reason: " + ", ".join(
            f"{why} {count}" for why, count in sorted(reasons.items())))
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "delays_p90": pct(delays, 0.9)},
                                        indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
