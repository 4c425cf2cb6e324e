"""Score the case-note drafter, from clean text and end to end from recordings.

    .venv/bin/python scripts/eval_notes.py                    # text only (seconds)
    .venv/bin/python scripts/eval_notes.py --audio            # + recordings (minutes)
    .venv/bin/python scripts/eval_notes.py --sets heldout --audio --errors
    .venv/bin/python scripts/eval_notes.py --sets heldout,heldout2 --audio --no-text \
        --voices fr4/fr1,fr7/fr5,ca2/ca1 --wpm 130,180 --noise clean,15   # per condition

Sets: ``shared`` (../shared/eval/dialogues.json), ``dev``, ``heldout`` and
``heldout2`` (tests/data/appointments/; the held-out sets were written before
the drafter was measured on them and are never tuned against). From text, a
case's transcript is one segment per turn, without speaker names. End to end
(``--audio``): the shared recordings (../shared/eval/audio/dialogues/*.flac)
and our own sets spoken with
espeak-ng + MBROLA (tools.tts, rendered in a temporary folder, never
kept in the project), transcribed by the real Whisper model with the default
settings, then drafted (``--voices``, ``--wpm``, ``--noise``: in other development
voices, rates and pink room noise; a table per condition ends the report;
the shared recordings are the team's fixed files and are scored in the default condition
only). Transcripts are cached in --cache (outside the
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
from dataclasses import dataclass, field
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
    contract: dict[str, Any] = draft_of(case, segments, model).to_contract()
    return contract


def draft_of(case: dict[str, Any], segments: list[Segment],
            model: str | None = DEFAULT_MODEL) -> Any:
    """The draft itself, every value with its confidence."""
    return Drafter(dt.date.fromisoformat(case["date"]), model).add_segments(segments)


class Recogniser:
    """The real model, loaded on first use, with a transcript cache."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self._model: Any = None
        self._options: Any = None
        self._settings: Any = None
        self.audio_s = 0.0
        self.decode_s = 0.0
        self.check_s = 0.0

    def _load(self) -> None:
        if self._model is None:
            from assistant.asr import DecodeOptions, load_model
            from assistant.settings import load_settings

            settings = load_settings()
            self._settings = settings
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


    def transcribe_words(self, audio: Any, key_text: str) -> list[Segment]:
        """The batch decoding with word times (``transcribe --format json --words``),
        before the number check, which ``checked`` runs on it at every evaluation."""
        from dataclasses import replace

        from assistant.batch.decode import transcribe_audio
        from assistant.types import SAMPLE_RATE, Word

        path = self._key("words|" + key_text)
        if not path.is_file():
            options = replace(self._options, word_timestamps=True)
            t0 = time.perf_counter()
            transcript = transcribe_audio(self._model, audio, options)
            self.decode_s += time.perf_counter() - t0
            self.audio_s += len(audio) / SAMPLE_RATE
            self.cache.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(
                [{"id": s.id, "start": s.start, "end": s.end, "text": s.text,
                  "words": [[w.text, w.start, w.end, w.probability] for w in s.words]}
                 for s in transcript.segments], ensure_ascii=False), encoding="utf-8")
        raw = json.loads(path.read_text(encoding="utf-8"))
        return [Segment(id=s["id"], start=s["start"], end=s["end"], text=s["text"],
                        words=tuple(Word(start=a, end=b, text=t, probability=p)
                                    for t, a, b, p in s["words"]))
                for s in raw]

    def checked(self, audio: Any, segments: list[Segment]) -> list[Segment]:
        """``segments`` after the batch number check (``identify.verify``), as
        ``assistant transcribe --format json --words`` writes them."""
        from assistant.identify.second_look import CUE_SEGMENTS
        from assistant.identify.verify import verify_transcript_segments

        t0 = time.perf_counter()
        out, _verdicts = verify_transcript_segments(self._model, audio, segments, CUE_SEGMENTS,
                                                    self._settings.identify.verify_amounts)
        self.check_s += time.perf_counter() - t0
        return list(out)


@dataclass(frozen=True, slots=True)
class Condition:
    """How our appointments are spoken: the voices (agent, usager), the speaking rate in
    words per minute and the pink room noise (SNR in dB; None: clean)."""

    agent: str = "mb-fr4"
    usager: str = "mb-fr1"
    wpm: int = 150
    snr_db: float | None = None

    @property
    def default(self) -> bool:
        return self == Condition()

    def key(self) -> str:
        """Part of the cache key: empty for the default, so earlier caches stay valid."""
        return "" if self.default else f"|{self.agent}/{self.usager}|{self.wpm}|{self.snr_db}"

    def label(self) -> str:
        noise = "clean" if self.snr_db is None else f"{self.snr_db:g} dB"
        return f"{self.agent[3:]}/{self.usager[3:]} {self.wpm} wpm {noise}"


def parse_conditions(pairs: str, rates: str, noises: str) -> list[Condition]:
    """Every combination of ``fr4/fr1,ca1/ca2`` x ``150,170`` x ``clean,15``; only the
    development voices (tools.tts.check_voice)."""
    from tools.tts import check_voice

    out = []
    for pair in pairs.split(","):
        agent, usager = (check_voice(f"mb-{v.strip().removeprefix('mb-')}")
                         for v in pair.split("/"))
        for rate in rates.split(","):
            for noise in noises.split(","):
                snr = None if noise.strip() in ("", "clean") else float(noise)
                out.append(Condition(agent, usager, int(rate), snr))
    return out


def recorded_segments(rec: Recogniser, name: str, case: dict[str, Any],
                      tmp: Path, cond: Condition = Condition()) -> list[Segment] | None:
    if name == "shared":
        flac = SHARED / "audio" / "dialogues" / f"{case['id']}.flac"
        if not flac.is_file() or not cond.default:
            return None
        return rec.transcribe(case_audio(name, case, tmp, cond),
                              f"shared|{flac.name}|{flac.stat().st_size}")
    key = f"{name}|tts|" + json.dumps(case["turns"], ensure_ascii=False) + cond.key()
    cached = rec._key(key)
    if cached.is_file():
        return rec.transcribe(None, key)
    return rec.transcribe(case_audio(name, case, tmp, cond), key)


def case_audio(name: str, case: dict[str, Any], tmp: Path, cond: Condition) -> Any:
    """The recording of ``case``: the team's file for ``shared``, else spoken in
    ``cond`` (rendered in a temporary folder only, never kept in the project)."""
    if name == "shared":
        from assistant.audiofile import load_audio

        return load_audio(SHARED / "audio" / "dialogues" / f"{case['id']}.flac")
    from tools.noise import add_noise
    from tools.tts import Turn, speak_dialogue, write_wav

    audio, _timed = speak_dialogue([Turn(str(s), str(t)) for s, t in case["turns"]],
                                   speed=cond.wpm,
                                   voices={"agent": cond.agent, "usager": cond.usager})
    if cond.snr_db is not None:
        seed = int(hashlib.sha1(f"{case['id']}{cond.key()}".encode()).hexdigest()[:8], 16)
        audio = add_noise(audio, cond.snr_db, seed)
    write_wav(tmp / f"{case['id']}.wav", audio)
    return audio


def word_segments(rec: Recogniser, name: str, case: dict[str, Any], tmp: Path,
                  cond: Condition) -> tuple[list[Segment], list[Segment]] | None:
    """``--words``: the word-timed decoding, without and with the number check."""
    if name == "shared":
        flac = SHARED / "audio" / "dialogues" / f"{case['id']}.flac"
        if not flac.is_file() or not cond.default:
            return None
        key = f"shared|{flac.name}|{flac.stat().st_size}"
    else:
        key = f"{name}|tts|" + json.dumps(case["turns"], ensure_ascii=False) + cond.key()
    audio = case_audio(name, case, tmp, cond)
    plain = rec.transcribe_words(audio, key)
    return plain, rec.checked(audio, plain)


@dataclass(slots=True)
class Trust:
    """Of the identifiers, amounts and dates drafted: right or wrong (in the gold
    note or not), shown sure or « à vérifier » (confidence under VERIFY_BELOW)."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, draft: Any, gold: dict[str, Any]) -> None:
        from assistant.notes.models import VERIFY_BELOW

        rows = {
            "identifiers": ([f"{d.value.kind.value}:{d.value.value}" for d in draft.identifiers],
                            {f"{i['kind']}:{i['value']}" for i in gold["identifiers"]},
                            draft.identifiers),
            "amounts_eur": ([f"{round(float(d.value), 2):g}" for d in draft.amounts_eur],
                            {f"{round(float(a), 2):g}" for a in gold["amounts_eur"]},
                            draft.amounts_eur),
            "dates": ([d.value.isoformat() for d in draft.dates], set(gold["dates"]),
                      draft.dates),
        }
        for name, (values, wanted, items) in rows.items():
            tally = self.counts.setdefault(name, {})
            for value, item in zip(values, items, strict=True):
                what = ("right" if value in wanted else "wrong") + (
                    " flagged" if item.confidence < VERIFY_BELOW else " sure")
                tally[what] = tally.get(what, 0) + 1

    def report(self, title: str) -> str:
        lines = [f"{title}: drafted values, right/wrong x sure/« à vérifier »",
                 f"  {'field':14s} {'right sure':>10s} {'right flag':>10s} "
                 f"{'wrong sure':>10s} {'wrong flag':>10s}"]
        for name, tally in self.counts.items():
            lines.append(f"  {name:14s} " + " ".join(
                f"{tally.get(k, 0):10d}" for k in
                ("right sure", "right flagged", "wrong sure", "wrong flagged")))
        return "\n".join(lines)


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
    parser.add_argument("--words", action="store_true",
                        help="end to end as `transcribe --format json --words`: word times, "
                             "the number check, values weighed by their words; prints how "
                             "many drafted identifiers, amounts and dates were right or wrong, "
                             "sure or « à vérifier », without and with the check (amounts and "
                             "dates too with ASSISTANT_IDENTIFY__VERIFY_AMOUNTS=true)")
    parser.add_argument("--errors", action="store_true", help="list every difference")
    parser.add_argument("--voices", default="fr4/fr1",
                        help="end to end, our sets spoken by these agent/usager voice pairs "
                             "(development voices only: fr1 fr4 fr5 fr7 ca1 ca2), e.g. "
                             "fr4/fr1,fr7/fr5,ca1/ca2")
    parser.add_argument("--wpm", default="150", help="speaking rates, e.g. 130,180")
    parser.add_argument("--noise", default="clean",
                        help="pink room noise, SNR in dB or 'clean', e.g. clean,15,10")
    parser.add_argument("--roles", action="store_true",
                        help="from text, label each turn with its speaker (agent, usager)")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "assistant-eval-notes")
    args = parser.parse_args()

    names = [n for n in args.sets.split(",") if n]
    reports: list[str] = []
    unseen_text = Score()
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
        conditions = parse_conditions(args.voices, args.wpm, args.noise)
        table: list[tuple[str, str, Score]] = []
        how = ("live engine" if args.live
               else "batch, word times and the number check" if args.words else "batch")
        trust: dict[str, tuple[Trust, Trust]] = {c.label(): (Trust(), Trust())
                                                 for c in conditions}
        with tempfile.TemporaryDirectory(prefix="eval-notes-") as tmpdir:
            for cond in conditions:
                if args.live and not cond.default:
                    raise SystemExit("--live runs in the default condition only")
                suffix = "" if cond.default and len(conditions) == 1 else f", {cond.label()}"
                unseen_cond = Score()
                for name in [n for n in args.audio_sets.split(",") if n in names]:
                    score = Score()
                    for case in load_set(name):
                        if args.words:
                            both = word_segments(rec, name, case, Path(tmpdir), cond)
                            if both is None:
                                continue
                            for segs, tally in zip(both, trust[cond.label()], strict=True):
                                tally.add(draft_of(case, segs, rec.model_name()), case["gold"])
                            segments: list[Segment] | None = both[1]
                        else:
                            segments = (live_segments(rec, name, case, Path(tmpdir)) if args.live
                                        else recorded_segments(rec, name, case, Path(tmpdir),
                                                               cond))
                        if segments is None:
                            continue
                        contract = draft(case, segments, rec.model_name())
                        score.add(case["id"], contract, case["gold"])
                        if name.startswith("heldout"):
                            unseen_cond.add(case["id"], contract, case["gold"])
                    if not score.cases:
                        continue
                    reports.append(score.report(
                        f"[{name}] end to end (recordings, Whisper, {how}{suffix})"))
                    table.append((cond.label(), name, score))
                    if args.errors:
                        reports.extend(_errors(score))
                if unseen_cond.cases:
                    reports.append(unseen_cond.report(
                        f"[all held-out] end to end ({how}{suffix})"))
                    table.append((cond.label(), "all held-out", unseen_cond))
        if len(conditions) > 1:
            reports.append(_condition_table(table))
        if args.words:
            for label, (without, with_check) in trust.items():
                reports.append(without.report(f"[{label}] word times, no check"))
                reports.append(with_check.report(f"[{label}] word times and the check"))
            reports.append(f"(the check took {rec.check_s:.0f} s)")
        if rec.audio_s:
            reports.append(f"(decoded {rec.audio_s:.0f} s of audio in {rec.decode_s:.0f} s)")
    print("\n".join(reports))
    return 0


def _condition_table(rows: list[tuple[str, str, Score]]) -> str:
    """One line per condition and set: micro F1, identifiers F1, motif right."""
    lines = ["", "per condition (end to end):",
             f"  {'condition':28s} {'set':13s} {'cases':>5s} {'micro F1':>8s} {'ids F1':>7s}"
             f" {'motif':>6s}"]
    for label, name, score in rows:
        lines.append(f"  {label:28s} {name:13s} {score.cases:5d} {score.micro.f1:8.3f}"
                     f" {score.fields['identifiers'].f1:7.3f}"
                     f" {score.reason_right / max(score.cases, 1):6.0%}")
    return "\n".join(lines)


def _errors(score: Score) -> list[str]:
    return [f"    {e.case_id:38s} {e.field:20s} missing={list(e.missing)} extra={list(e.extra)}"
            for e in score.errors]


if __name__ == "__main__":
    raise SystemExit(main())
