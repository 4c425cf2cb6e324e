"""Benchmark of the live path on the shared synthetic appointments.

Each recording of ../shared/eval/audio/dialogues goes through the real live
pipeline (FileSource at speaking pace -> LivePipeline -> StreamingEngine with
the bundled model). Per gold turn (timings in the JSON beside each recording):

- turn-end commit delay: wall time of the commit of the turn's last word minus
  the end of the turn's speech (what the agent waits for text to settle);
- first-text delay: first tentative or committed word of the turn minus the
  turn's start;

plus CPU time per audio second, CPU share of the machine, lag at the end,
and the streaming WER beside the batch WER (assistant.asr with
DecodeOptions.from_settings, as ``assistant transcribe``) on the same files in
the same run. ``--baseline`` also runs a plain LocalAgreement-2 configuration
of the same engine for comparison.

``--session-minutes N`` replays the recordings concatenated to N minutes and
prints lag and memory over time (``--session-speed`` > 1 feeds faster than
real time, which also exercises catching up).

Usage:
    .venv/bin/python scripts/bench_stream.py [--limit 6] [--baseline]
        [--session-minutes 30 --session-speed 3] [--json out.json]
        [--short-encoder off|on|both]

``--appointments heldout heldout2`` adds the project's held-out appointments
(tests/data/appointments, written for the note drafter and never used to tune
the streaming engine) spoken by espeak-ng + MBROLA; ``--no-shared`` leaves the
shared recordings out. ``--dump DIR`` writes each run's committed segments
beside the turns.

``--turn-windows 0,6,10`` decodes each turn alone as the committing pass
does, with the encoder window at buffer + each margin (0: the 30 s window).

``--short-encoder both`` runs the engine with ``streaming.short_encoder`` off
then on, in the same run, against the same batch WER.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.asr import DecodeOptions, SpeechModel  # noqa: E402
from assistant.audiofile import load_audio  # noqa: E402
from assistant.folding import fold  # noqa: E402
from assistant.pipeline import (  # noqa: E402
    SLOW_FACTOR,
    LivePipeline,
    engine_config,
    transcriber_for,
)
from assistant.replay import FileSource  # noqa: E402
from assistant.settings import DEFAULT_MODEL_NAME, Settings, load_settings  # noqa: E402
from assistant.streaming.engine import EngineConfig  # noqa: E402
from assistant.streaming.events import (  # noqa: E402
    AudioLevel,
    EndEvent,
    PipelineEvent,
    StatusEvent,
    TranscriptUpdate,
)
from assistant.types import SAMPLE_RATE, AudioArray, Word  # noqa: E402

DIALOGUES = ROOT.parent / "shared" / "eval" / "audio" / "dialogues"


def _wer(reference: str, hypothesis: str) -> tuple[int, int]:
    """(errors, reference words) with the project's French normalisation."""
    try:
        from tools.wer import wer_count

        count = wer_count(reference, hypothesis)
        return count.errors, count.words
    except ImportError:  # fall back to a plain normalisation
        import jiwer

        def norm(t: str) -> str:
            return " ".join(fold(t).replace("-", " ").replace("'", "' ").translate(
                str.maketrans("", "", ".,;:!?«»\"")).split())

        ref, hyp = norm(reference), norm(hypothesis)
        out = jiwer.process_words(ref, hyp)
        return out.substitutions + out.deletions + out.insertions, len(ref.split())


@dataclass
class Recorder:
    """Collects pipeline events with their wall time since the start."""

    t0: float = 0.0
    updates: list[tuple[float, TranscriptUpdate]] = field(default_factory=list)
    statuses: list[tuple[float, StatusEvent]] = field(default_factory=list)
    end: tuple[float, EndEvent] | None = None
    keep_statuses: bool = True
    keep_updates: bool = True
    """False (long sessions): count committed words instead of keeping every
    update, so that the benchmark's own memory does not grow with the session."""
    committed_count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, event: PipelineEvent) -> None:
        at = time.monotonic() - self.t0
        with self.lock:
            if isinstance(event, TranscriptUpdate):
                self.committed_count += sum(len(s.words) for s in event.committed)
                if self.keep_updates:
                    self.updates.append((at, event))
            elif isinstance(event, StatusEvent):
                if not self.keep_statuses:
                    self.statuses.clear()  # a long session keeps only the latest
                self.statuses.append((at, event))
            elif isinstance(event, EndEvent):
                self.end = (at, event)

    def committed_words(self) -> list[tuple[float, Word]]:
        return [(at, w) for at, u in self.updates for s in u.committed for w in s.words]

    def text(self) -> str:
        return " ".join(s.text for _, u in self.updates for s in u.committed)


@dataclass(frozen=True)
class Turn:
    start: float
    end: float
    text: str


def load_turns(path: Path) -> list[Turn]:
    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    return [Turn(t["start"], t["end"], t["text"]) for t in meta["turns"]]


@dataclass(frozen=True)
class Recording:
    name: str
    audio: AudioArray
    turns: list[Turn]


def shared_recordings(folder: Path, limit: int = 0) -> list[Recording]:
    files = sorted(folder.glob("*.flac"))
    if limit:
        files = files[:limit]
    return [Recording(f.name, load_audio(f), load_turns(f)) for f in files]


def appointment_recordings(set_name: str) -> list[Recording]:
    """The project's appointments (tests/data/appointments/<set>.json, written
    for the note drafter, never used to tune the streaming engine) spoken with
    espeak-ng + MBROLA, one voice per speaker, in memory only."""
    from tools.tts import Turn as SpokenTurn
    from tools.tts import speak_dialogue

    cases = json.loads((ROOT / "tests" / "data" / "appointments" / f"{set_name}.json")
                       .read_text(encoding="utf-8"))
    out = []
    for case in cases:
        audio, timed = speak_dialogue([SpokenTurn(str(sp), str(text))
                                       for sp, text in case["turns"]])
        out.append(Recording(f"{set_name}/{case['id']}", audio,
                             [Turn(t.start, t.end, t.text) for t in timed]))
    return out


def turn_of(turns: list[Turn], t: float) -> int:
    index = -1
    for i, turn in enumerate(turns):
        if t >= turn.start - 0.3:
            index = i
    return index


def segment_turn(turns: list[Turn], start: float, end: float) -> int:
    overlaps = [max(0.0, min(end, t.end) - max(start, t.start)) for t in turns]
    best = int(np.argmax(overlaps))
    return best if overlaps[best] > 0 else turn_of(turns, (start + end) / 2)


def run_stream(model: SpeechModel, settings: Settings, audio: AudioArray, name: str,
               config: EngineConfig | None = None, speed: float = 1.0,
               realtime: bool = True) -> tuple[Recorder, float, float]:
    """Returns the recorder, the wall time and the CPU time of the run."""
    recorder = Recorder()
    source = FileSource(audio, name, realtime=realtime, speed=speed)
    pipeline = LivePipeline(source, transcriber_for(model, settings), settings, recorder)
    if config is not None:
        pipeline.engine.config = config
    cpu0 = time.process_time()
    recorder.t0 = time.monotonic()
    pipeline.start()
    pipeline.wait()
    pipeline.stop()
    return recorder, time.monotonic() - recorder.t0, time.process_time() - cpu0


def simulate_stream(model: SpeechModel, settings: Settings, audio: AudioArray,
                    config: EngineConfig | None = None) -> tuple[Recorder, float, float]:
    """Real-time pace on a simulated clock: audio becomes available as it would
    be spoken; each engine step advances the clock by the CPU time it took
    (all threads of this process). The same loop as the pipeline's worker,
    without the noise of other programs competing for the cores."""
    from assistant.streaming.engine import StreamingEngine
    from assistant.types import AudioChunk
    from assistant.vad import SileroVad

    recorder = Recorder()
    engine = StreamingEngine(transcriber_for(model, settings), SileroVad(),
                             config or engine_config(settings))
    block = SAMPLE_RATE // 10
    total = len(audio) - len(audio) % block
    fed = 0
    clock = 0.0
    cpu_total = 0.0
    pass_s = 0.0
    while fed < total:
        # (+1e-6: (fed + block) / rate * rate can round down to fed and never advance)
        available = min(total, int(clock * SAMPLE_RATE + 1e-6) // block * block)
        if available <= fed:
            clock = (fed + block) / SAMPLE_RATE  # idle until the next block is spoken
            continue
        c0 = time.process_time()
        for i in range(fed, available, block):
            engine.insert_audio(AudioChunk(audio[i : i + block], i / SAMPLE_RATE))
        fed = available
        passes = engine.passes
        update = engine.process(SLOW_FACTOR * pass_s if pass_s else None, pass_s or None)
        spent = time.process_time() - c0
        if engine.passes > passes:  # the pipeline's pacing rule, on this clock
            pass_s = spent if not pass_s else 0.7 * pass_s + 0.3 * spent
        cpu_total += spent
        clock += spent
        if update is not None:
            recorder.updates.append((clock, update))
        recorder.statuses.append((clock, StatusEvent(
            "running", clock, engine.stream_end_s, engine_level(), engine.speaking, 0, "sim")))
    c0 = time.process_time()
    update = engine.finish()
    spent = time.process_time() - c0
    clock += spent
    cpu_total += spent
    recorder.updates.append((clock, update))
    recorder.end = (clock, EndEvent("eof", engine.stream_end_s, engine.segments_committed))
    return recorder, clock, cpu_total


def engine_level() -> AudioLevel:
    return AudioLevel()


@dataclass
class FileResult:
    name: str
    duration: float
    end_delays: list[float]
    first_delays: list[float]
    missing_turns: int
    lag_end: float
    max_lag: float
    cpu_s: float
    wall_s: float
    errors: int
    words: int
    word_delays: list[float] = field(default_factory=list)
    """Commit time minus the end of the word, for every committed word."""


LATE_S = 4.0
"""Issue #14's bound: no word committed more than this after it was said."""


def late_line(delays: list[float]) -> str:
    """The share of committed words later than ``LATE_S``, and the worst."""
    late = sum(d > LATE_S for d in delays)
    return (f"committed words later than {LATE_S:.0f} s: "
            f"{100 * late / max(1, len(delays)):.1f} % ({late} of {len(delays)}), "
            f"max {max(delays, default=float('nan')):.2f} s")


def measure(recorder: Recorder, turns: list[Turn], name: str, duration: float,
            wall: float, cpu: float, speed: float = 1.0) -> FileResult:
    by_turn: dict[int, list[float]] = {}
    for at, u in recorder.updates:
        for seg in u.committed:
            # A segment belongs to the turn it overlaps most (Whisper often
            # stamps the first word of a buffer too early, so word midpoints
            # alone would credit the previous turn).
            by_turn.setdefault(segment_turn(turns, seg.start, seg.end), []).append(at)
    first: dict[int, float] = {}
    for at, u in recorder.updates:
        for w in (*(w for s in u.committed for w in s.words), *u.tentative_words):
            first.setdefault(turn_of(turns, (w.start + w.end) / 2), at)
    end_delays, first_delays, missing = [], [], 0
    for i, turn in enumerate(turns):
        if i not in by_turn:
            missing += 1
            continue
        end_delays.append(max(by_turn[i]) - turn.end / speed)
        first_delays.append(first[i] - turn.start / speed)
    end_at = recorder.end[0] if recorder.end else wall
    max_lag = max((s.lag_s for _, s in recorder.statuses), default=0.0)
    errors, words = _wer(" ".join(t.text for t in turns), recorder.text())
    return FileResult(name, duration, end_delays, first_delays, missing,
                      end_at - duration / speed, max_lag, cpu, wall, errors, words,
                      [at - w.end / speed for at, w in recorder.committed_words()])


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return float(np.percentile(np.array(values), q))


def summarize(label: str, results: list[FileResult], batch_wer: float | None) -> dict[str, float]:
    end = [d for r in results for d in r.end_delays]
    first = [d for r in results for d in r.first_delays]
    word_delays = [d for r in results for d in r.word_delays]
    audio = sum(r.duration for r in results)
    cpu = sum(r.cpu_s for r in results)
    wall = sum(r.wall_s for r in results)
    errors = sum(r.errors for r in results)
    words = sum(r.words for r in results)
    summary = {
        "turns": len(end),
        "missing_turns": sum(r.missing_turns for r in results),
        "turn_end_commit_p50_s": pct(end, 50),
        "turn_end_commit_p90_s": pct(end, 90),
        "first_text_p50_s": pct(first, 50),
        "first_text_p90_s": pct(first, 90),
        "cpu_s_per_audio_s": cpu / audio,
        "cpu_share": cpu / wall / (os.cpu_count() or 1),
        "lag_end_max_s": max(r.lag_end for r in results),
        "lag_max_s": max(r.max_lag for r in results),
        "stream_wer": errors / words if words else float("nan"),
        "words_later_than_4s": sum(d > LATE_S for d in word_delays) / max(1, len(word_delays)),
        "word_delay_max_s": max(word_delays, default=float("nan")),
    }
    print(f"\n== {label}")
    print(f"turns {summary['turns']} (no text: {summary['missing_turns']})")
    print(f"turn-end commit delay  p50 {summary['turn_end_commit_p50_s']:.2f} s   "
          f"p90 {summary['turn_end_commit_p90_s']:.2f} s")
    print(f"first text delay       p50 {summary['first_text_p50_s']:.2f} s   "
          f"p90 {summary['first_text_p90_s']:.2f} s")
    print(late_line(word_delays))
    print(f"CPU {summary['cpu_s_per_audio_s']:.2f} s per audio s, share of the "
          f"{os.cpu_count()} cores {100 * summary['cpu_share']:.0f} %")
    print(f"lag at end (max over files) {summary['lag_end_max_s']:.2f} s, "
          f"max lag seen {summary['lag_max_s']:.2f} s")
    line = f"streaming WER {100 * summary['stream_wer']:.1f} %"
    if batch_wer is not None:
        summary["batch_wer"] = batch_wer
        summary["wer_ratio"] = summary["stream_wer"] / batch_wer if batch_wer else float("nan")
        line += f"   batch WER {100 * batch_wer:.1f} %   ratio {summary['wer_ratio']:.2f}"
    print(line)
    return summary


def baseline_config(settings: Settings) -> EngineConfig:
    """Plain LocalAgreement-2: 1 s steps, commit what two passes agree on,
    no endpoint commit, no hold-back (VAD gating kept, as in the issue)."""
    return replace(engine_config(settings), commit_after_s=0.0, tail_guard_s=0.0,
                   endpoint_commit=False, min_step_s=1.0)


def session(model: SpeechModel, settings: Settings, recordings: list[Recording], minutes: float,
            speed: float) -> dict[str, object]:
    import psutil

    pieces: list[AudioArray] = []
    total = 0.0
    while total < minutes * 60:
        for rec in recordings:
            a = rec.audio
            pieces.append(a)
            total += len(a) / SAMPLE_RATE
            if total >= minutes * 60:
                break
    audio = np.concatenate(pieces)
    del pieces
    proc = psutil.Process()
    samples: list[tuple[float, float, float]] = []  # (audio s, lag s, rss MB)
    stop = threading.Event()
    recorder = Recorder(keep_statuses=False, keep_updates=False)

    def watch() -> None:
        while not stop.wait(10.0):
            with recorder.lock:
                status = recorder.statuses[-1][1] if recorder.statuses else None
            if status is not None:
                samples.append((status.audio_s, status.lag_s, proc.memory_info().rss / 2**20))

    print(f"\n== session: {len(audio) / SAMPLE_RATE / 60:.1f} min of audio at x{speed}")
    source = FileSource(audio, "session", realtime=True, speed=speed)
    pipeline = LivePipeline(source, transcriber_for(model, settings), settings, recorder)
    watcher = threading.Thread(target=watch, daemon=True)
    cpu0 = time.process_time()
    recorder.t0 = time.monotonic()
    watcher.start()
    pipeline.start()
    pipeline.wait()
    pipeline.stop()
    stop.set()
    wall = time.monotonic() - recorder.t0
    cpu = time.process_time() - cpu0
    n = len(samples)
    first, last = samples[: max(1, n // 10)], samples[-max(1, n // 10) :]
    # Memory after warm-up (the model's first passes allocate its buffers):
    # from the end of the first tenth of the session to its end.
    warm = samples[max(1, n // 10) :] or samples
    slope = 0.0
    if len(warm) >= 3:
        at_min = np.array([s[0] / 60 for s in warm])
        slope = float(np.polyfit(at_min, np.array([s[2] for s in warm]), 1)[0])
    result: dict[str, object] = {
        "audio_min": len(audio) / SAMPLE_RATE / 60,
        "speed": speed,
        "wall_s": wall,
        "cpu_s_per_audio_s": cpu / (len(audio) / SAMPLE_RATE),
        "lag_first_tenth_mean_s": statistics.fmean(s[1] for s in first) if samples else 0.0,
        "lag_last_tenth_mean_s": statistics.fmean(s[1] for s in last) if samples else 0.0,
        "lag_max_s": max((s[1] for s in samples), default=0.0),
        "rss_first_mb": samples[0][2] if samples else 0.0,
        "rss_last_mb": samples[-1][2] if samples else 0.0,
        "rss_max_mb": max((s[2] for s in samples), default=0.0),
        "rss_after_warmup_mb": warm[0][2] if samples else 0.0,
        "rss_after_warmup_max_mb": max((s[2] for s in warm), default=0.0),
        "rss_trend_mb_per_10_min": 10 * slope,
        "committed_words": recorder.committed_count,
        "passes": pipeline.engine.passes,
        "segments": pipeline.engine.segments_committed,
    }
    for audio_s, lag, rss in samples[:: max(1, n // 12)]:
        print(f"  audio {audio_s / 60:5.1f} min   lag {lag:5.2f} s   rss {rss:6.1f} MB")
    print(f"lag mean first tenth {result['lag_first_tenth_mean_s']:.2f} s, last tenth "
          f"{result['lag_last_tenth_mean_s']:.2f} s, max {result['lag_max_s']:.2f} s")
    print(f"memory {result['rss_first_mb']:.0f} MB -> {result['rss_last_mb']:.0f} MB "
          f"(max {result['rss_max_mb']:.0f} MB)   CPU {result['cpu_s_per_audio_s']:.2f} s/s")
    print(f"after warm-up: {result['rss_after_warmup_mb']:.0f} MB -> "
          f"{result['rss_last_mb']:.0f} MB "
          f"(max {result['rss_after_warmup_max_mb']:.0f} MB), trend "
          f"{result['rss_trend_mb_per_10_min']:+.1f} MB per 10 min; "
          f"{result['committed_words']} words committed")
    return result


def dump_run(folder: Path, label: str, name: str, recorder: Recorder,
             turns: list[Turn]) -> None:
    """Committed segments (with the time of their commit) beside the gold
    turns, to read where a run lost or garbled words."""
    folder.mkdir(parents=True, exist_ok=True)
    slug = "".join(c if c.isalnum() else "-" for c in label).strip("-")
    segments = [{"at": round(at, 2), "start": round(s.start, 2), "end": round(s.end, 2),
                 "turn": segment_turn(turns, s.start, s.end), "text": s.text}
                for at, u in recorder.updates for s in u.committed]
    data = {"label": label, "file": name, "segments": segments,
            "turns": [{"start": t.start, "end": t.end, "text": t.text} for t in turns]}
    stem = name.rsplit(".", 1)[0].replace("/", "-")
    (folder / f"{slug}--{stem}.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def turn_windows(model: SpeechModel, recordings: list[Recording],
                 margins: list[float]) -> dict[str, dict[str, float]]:
    """Each turn decoded alone, as the committing pass does (beam 5, prompt =
    counter vocabulary + what was decoded before), with the encoder window at
    buffer + each margin (0: faster-whisper's 30 s window): what the window
    does to accuracy, apart from the engine's scheduling."""
    from assistant.pipeline import WhisperTranscriber
    from assistant.vocabulary import default_prompt

    out: dict[str, dict[str, float]] = {}
    print("\n== each turn decoded alone (beam 5), by encoder window")
    for margin in margins:
        errors = words = short_errors = short_words = 0
        cpu = 0.0
        transcriber = WhisperTranscriber(model, "fr", 1, 5, short_encoder=margin > 0,
                                         short_encoder_margin_s=margin)
        for rec in recordings:
            before = ""
            for turn in rec.turns:
                start = max(0.0, turn.start - 0.3)
                clip = rec.audio[int(start * SAMPLE_RATE) : int((turn.end + 0.3) * SAMPLE_RATE)]
                c0 = time.process_time()
                segments = transcriber.transcribe(
                    clip, (default_prompt() + " " + before[-200:]).strip(), start, final=True)
                cpu += time.process_time() - c0
                text = " ".join(seg.text for seg in segments)
                before += " " + text
                e, w = _wer(turn.text, text)
                errors += e
                words += w
                if turn.end - turn.start < 3.0:
                    short_errors += e
                    short_words += w
        label = f"buffer + {margin:g} s" if margin > 0 else "30 s window"
        out[label] = {"wer": errors / words, "wer_turns_under_3s": short_errors / short_words,
                      "cpu_s": cpu}
        print(f"  {label:16} WER {100 * errors / words:5.1f} %   turns under 3 s "
              f"{100 * short_errors / max(1, short_words):5.1f} %   CPU {cpu:.0f} s", flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", type=Path, default=DIALOGUES)
    parser.add_argument("--limit", type=int, default=0, help="first N shared recordings only")
    parser.add_argument("--appointments", nargs="*", default=[], metavar="SET",
                        help="also the project's appointments of these sets (heldout, "
                             "heldout2, dev), spoken with espeak-ng + MBROLA")
    parser.add_argument("--no-shared", action="store_true",
                        help="without the shared recordings (only --appointments)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--baseline", action="store_true", help="also run plain LocalAgreement-2")
    parser.add_argument("--no-batch", action="store_true")
    parser.add_argument("--no-dialogues", action="store_true")
    parser.add_argument("--session-minutes", type=float, default=0.0)
    parser.add_argument("--session-speed", type=float, default=1.0)
    parser.add_argument("--fast", action="store_true", help="session at x3 speed")
    parser.add_argument("--turn-windows", type=str, default="", metavar="MARGINS",
                        help="also decode each turn alone with the encoder window at buffer + "
                             "each margin, e.g. 0,6,10,16 (0: the 30 s window)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--dump", type=Path, help="write each run's committed segments "
                        "and the turns' texts here (one JSON per run and file)")
    parser.add_argument("--clock", choices=("wall", "cpu", "both"), default="both",
                        help="wall: real-time replay through the threaded pipeline; cpu: "
                             "real-time pace on a clock advanced by CPU time (immune to "
                             "other programs on a shared machine)")
    parser.add_argument("--short-encoder", choices=("off", "on", "both"), default=None,
                        help="streaming.short_encoder for the engine runs (default: the "
                             "settings); both: off then on in the same run")
    args = parser.parse_args()

    settings = load_settings()
    model = SpeechModel(settings.model.store / DEFAULT_MODEL_NAME, compute_type="int8",
                        cpu_threads=args.threads)
    recordings = [] if args.no_shared else shared_recordings(args.dir, args.limit)
    for set_name in args.appointments:
        recordings += appointment_recordings(set_name)
    print(f"{len(recordings)} recordings ({sum(len(r.turns) for r in recordings)} turns, "
          f"{sum(len(r.audio) for r in recordings) / SAMPLE_RATE / 60:.1f} min), "
          f"model whisper-base int8, {args.threads} threads, "
          f"load average {os.getloadavg()[0]:.2f} (machine shared: real-time figures are "
          "pessimistic when it is busy)")
    out: dict[str, object] = {}
    if not args.no_dialogues:
        batch_errors = batch_words = 0
        if not args.no_batch:
            options = DecodeOptions.from_settings(settings)
            batch_cpu = 0.0
            for rec in recordings:
                turns = rec.turns
                c0 = time.process_time()
                text = " ".join(s.text for s in model.transcribe(rec.audio, options))
                batch_cpu += time.process_time() - c0
                e, w = _wer(" ".join(t.text for t in turns), text)
                batch_errors += e
                batch_words += w
            print(f"batch: WER {100 * batch_errors / batch_words:.1f} %, CPU {batch_cpu:.1f} s")
        batch_wer = batch_errors / batch_words if batch_words else None
        variants: list[tuple[str, Settings]] = [("", settings)]
        if args.short_encoder is not None:
            flags = {"off": [False], "on": [True], "both": [False, True]}[args.short_encoder]
            variants = [(f", short_encoder={'on' if flag else 'off'}", settings.model_copy(
                update={"streaming": settings.streaming.model_copy(
                    update={"short_encoder": flag})})) for flag in flags]
        configs: list[tuple[str, EngineConfig | None, Settings]] = [
            (f"streaming (this engine{suffix})", None, s) for suffix, s in variants]
        if args.baseline:
            configs.append(("baseline LocalAgreement-2, 1 s steps", baseline_config(settings),
                            settings))
        clocks = ["cpu", "wall"] if args.clock == "both" else [args.clock]
        runs = [(f"{label} [{clock} clock]", config, clock, s)
                for label, config, s in configs for clock in clocks]
        for label, config, clock, run_settings in runs:
            results = []
            for rec in recordings:
                audio = rec.audio
                if clock == "wall":
                    recorder, wall, cpu = run_stream(model, run_settings, audio, rec.name, config)
                else:
                    recorder, wall, cpu = simulate_stream(model, run_settings, audio, config)
                result = measure(recorder, rec.turns, rec.name, len(audio) / SAMPLE_RATE,
                                 wall, cpu)
                results.append(result)
                if args.dump:
                    dump_run(args.dump, label, rec.name, recorder, rec.turns)
                print(f"  {rec.name}: turn-end p50 {pct(result.end_delays, 50):.2f} s, "
                      f"WER {100 * result.errors / max(1, result.words):.1f} %, "
                      f"lag end {result.lag_end:.2f} s", flush=True)
            out[label] = summarize(label, results, batch_wer)
    if args.turn_windows:
        out["turn_windows"] = turn_windows(
            model, recordings, [float(m) for m in args.turn_windows.split(",")])
    if args.session_minutes or args.fast:
        minutes = args.session_minutes or 30.0
        speed = 3.0 if args.fast and args.session_speed == 1.0 else args.session_speed
        out["session"] = session(model, settings, recordings, minutes, speed)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
