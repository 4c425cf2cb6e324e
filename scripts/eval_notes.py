"""Score the case-note drafter, from clean text and end to end from recordings.

    .venv/bin/python scripts/eval_notes.py                    # text only (seconds)
    .venv/bin/python scripts/eval_notes.py --audio            # + recordings (minutes)
    .venv/bin/python scripts/eval_notes.py --sets heldout --audio --errors

Sets: ``shared`` (../shared/eval/dialogues.json), ``dev``, ``heldout`` and
``heldout2`` (tests/data/appointments/; the held-out sets were written before
the drafter was measured on them and are never tuned against). From text, a
case's transcript is one segment per turn, without speaker names. End to end
(``--audio``): the shared recordings (../shared/eval/audio/dialogues/*.flac)
and our own sets spoken with
espeak-ng + MBROLA (tools.tts, rendered in a temporary folder, never
kept in the project), transcribed by the real Whisper model with the default
settings, then drafted. Transcripts are cached in --cache (outside the
project) keyed by the model and the audio's text, so a rerun is cheap.
Scores as shared/design/case-note.md says (assistant.notes.scoring).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.notes.drafter import Drafter  # noqa: E402
from assistant.notes.scoring import Score  # noqa: E402
from assistant.slips import DEFAULT_MODEL  # noqa: E402
from assistant.types import Segment  # noqa: E402

SHARED = ROOT.parent / "shared" / "eval"
OURS = ROOT / "tests" / "data" / "appointments"


def load_set(name: str) -> list[dict[str, Any]]:
    path = SHARED / "dialogues.json" if name == "shared" else OURS / f"{name}.json"
    cases: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return cases


def text_segments(case: dict[str, Any], roles: bool = False) -> list[Segment]:
    """One segment per turn; ``roles``: each labelled with its speaker (agent, usager), as a
    two-channel capture or a one-microphone labeller would."""
    return [Segment(id=i, start=0.0, end=0.0, text=str(t[1]),
                    speaker=str(t[0]) if roles else None)
            for i, t in enumerate(case["turns"])]


def draft(case: dict[str, Any], segments: list[Segment],
          model: str | None = DEFAULT_MODEL) -> dict[str, Any]:
    """The contract of the draft (``model``: the recogniser the segments came from)."""
    drafter = Drafter(dt.date.fromisoformat(case["date"]), model)
    contract: dict[str, Any] = drafter.add_segments(segments).to_contract()
    return contract


class Recogniser:
    """The real model, loaded on first use, with a transcript cache."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self._model: Any = None
        self._options: Any = None
        self.audio_s = 0.0
        self.decode_s = 0.0

    def _load(self) -> None:
        if self._model is None:
            from assistant.asr import DecodeOptions, load_model
            from assistant.settings import load_settings

            settings = load_settings()
            self._model = load_model(settings)
            self._options = DecodeOptions.from_settings(settings)

    def model_name(self) -> str:
        self._load()
        return str(self._model.name)

    def _key(self, what: str) -> Path:
        self._load()
        digest = hashlib.sha1(
            f"{self._model.name}|{self._options}|{what}".encode()
        ).hexdigest()[:16]
        return self.cache / f"{digest}.json"

    def transcribe(self, audio: Any, key_text: str) -> list[Segment]:
        from assistant.types import SAMPLE_RATE

        path = self._key(key_text)
        if path.is_file():
            raw = json.loads(path.read_text(encoding="utf-8"))
            return [Segment(id=s["id"], start=s["start"], end=s["end"], text=s["text"])
                    for s in raw]
        t0 = time.perf_counter()
        segments = list(self._model.transcribe(audio, self._options))
        self.decode_s += time.perf_counter() - t0
        self.audio_s += len(audio) / SAMPLE_RATE
        self.cache.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(
            [{"id": s.id, "start": s.start, "end": s.end, "text": s.text} for s in segments],
            ensure_ascii=False), encoding="utf-8")
        return segments


def recorded_segments(rec: Recogniser, name: str, case: dict[str, Any],
                      tmp: Path) -> list[Segment] | None:
    from assistant.audiofile import load_audio

    if name == "shared":
        flac = SHARED / "audio" / "dialogues" / f"{case['id']}.flac"
        if not flac.is_file():
            return None
        return rec.transcribe(load_audio(flac), f"shared|{flac.name}|{flac.stat().st_size}")
    key = f"{name}|tts|" + json.dumps(case["turns"], ensure_ascii=False)
    cached = rec._key(key)
    if cached.is_file():
        return rec.transcribe(None, key)
    from tools.tts import Turn, speak_dialogue, write_wav

    audio, _timed = speak_dialogue([Turn(str(s), str(t)) for s, t in case["turns"]])
    write_wav(tmp / f"{case['id']}.wav", audio)  # rendered in a temp dir only
    return rec.transcribe(audio, key)


def live_segments(rec: Recogniser, name: str, case: dict[str, Any],
                  tmp: Path) -> list[Segment] | None:
    """The committed segments of ``assistant stream FILE --jsonl`` (the live engine on the
    recording, as fast as possible), cached like the batch transcripts."""
    import subprocess

    if name == "shared":
        path = SHARED / "audio" / "dialogues" / f"{case['id']}.flac"
        if not path.is_file():
            return None
        key = f"live|shared|{path.name}|{path.stat().st_size}"
    else:
        key = f"live|{name}|tts|" + json.dumps(case["turns"], ensure_ascii=False)
        path = tmp / f"{case['id']}.wav"
    cached = rec._key(key)
    if not cached.is_file():
        if not path.is_file():
            from tools.tts import Turn, speak_dialogue, write_wav

            audio, _timed = speak_dialogue([Turn(str(s), str(t)) for s, t in case["turns"]])
            write_wav(path, audio)  # rendered in a temp dir only
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "assistant", "stream", str(path), "--jsonl"],
                             capture_output=True, text=True, check=True, cwd=ROOT)
        rec.decode_s += time.perf_counter() - t0
        events = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
        commits = [{"id": e["id"], "start": e["start"], "end": e["end"], "text": e["text"]}
                   for e in events if e.get("event") == "commit"]
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(commits, ensure_ascii=False), encoding="utf-8")
    raw = json.loads(cached.read_text(encoding="utf-8"))
    return [Segment(id=s["id"], start=s["start"], end=s["end"], text=s["text"]) for s in raw]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default="shared,dev,heldout,heldout2")
    parser.add_argument("--audio", action="store_true", help="also score end to end")
    parser.add_argument("--live", action="store_true",
                        help="end to end through the live engine (assistant stream) instead "
                             "of batch transcription (slow: minutes per recording)")
    parser.add_argument("--audio-sets", default="shared,heldout,heldout2",
                        help="sets scored end to end with --audio")
    parser.add_argument("--text", action=argparse.BooleanOptionalAction, default=True,
                        help="score from clean text")
    parser.add_argument("--errors", action="store_true", help="list every difference")
    parser.add_argument("--roles", action="store_true",
                        help="from text, label each turn with its speaker (agent, usager)")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "assistant-eval-notes")
    args = parser.parse_args()

    names = [n for n in args.sets.split(",") if n]
    reports: list[str] = []
    unseen_text, unseen_audio = Score(), Score()
    for name in names:
        cases = load_set(name)
        if args.text:
            score = Score()
            for case in cases:
                drafted = draft(case, text_segments(case, args.roles))
                score.add(case["id"], drafted, case["gold"])
                if name.startswith("heldout"):
                    unseen_text.add(case["id"], drafted, case["gold"])
            with_roles = " with roles" if args.roles else ""
            reports.append(score.report(f"[{name}] from text{with_roles}"))
            if args.errors:
                reports.extend(_errors(score))
    if unseen_text.cases and len([n for n in names if n.startswith("heldout")]) > 1:
        reports.append(unseen_text.report(
            "[all held-out] from text" + (" with roles" if args.roles else "")))
    if args.audio:
        rec = Recogniser(args.cache)
        with tempfile.TemporaryDirectory(prefix="eval-notes-") as tmpdir:
            for name in [n for n in args.audio_sets.split(",") if n in names]:
                score = Score()
                for case in load_set(name):
                    get = live_segments if args.live else recorded_segments
                    segments = get(rec, name, case, Path(tmpdir))
                    if segments is None:
                        continue
                    drafted = draft(case, segments, rec.model_name())
                    score.add(case["id"], drafted, case["gold"])
                    if name.startswith("heldout"):
                        unseen_audio.add(case["id"], drafted, case["gold"])
                how = "live engine" if args.live else "batch"
                reports.append(score.report(f"[{name}] end to end (recordings, Whisper, {how})"))
                if args.errors:
                    reports.extend(_errors(score))
        if unseen_audio.cases:
            how = "live engine" if args.live else "batch"
            reports.append(unseen_audio.report(f"[all held-out] end to end ({how})"))
        if rec.audio_s:
            reports.append(f"(decoded {rec.audio_s:.0f} s of audio in {rec.decode_s:.0f} s)")
    print("\n".join(reports))
    return 0


def _errors(score: Score) -> list[str]:
    return [f"    {e.case_id:38s} {e.field:20s} missing={list(e.missing)} extra={list(e.extra)}"
            for e in score.errors]


if __name__ == "__main__":
    raise SystemExit(main())
