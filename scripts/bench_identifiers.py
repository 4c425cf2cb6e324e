"""Benchmark: are identifiers said at the counter captured exactly?

Each development exchange of tests/data/identifiers/dev.json (an agent asking
for one identifier, the usager saying it; see scripts/identifier_exchanges.py)
is spoken with espeak-ng + MBROLA under each condition (usager voice, pink
noise SNR, speaking rate), then read by one or more paths:

- ``baseline``: the batch path as ``assistant transcribe --no-second-look``
  (txt) then ``assistant draft`` run it: ``transcribe_file`` with
  ``DecodeOptions.from_settings``, the txt rendering, ``segments_from``, the
  ``Drafter``; the identifiers of the exchange's kind are read from the draft;
- ``second``: ``assistant transcribe --second-look --format json --words``
  then ``assistant draft`` (the words' probabilities reach the drafter);
- ``words``: ``assistant transcribe --format json --words`` then ``assistant
  draft`` (no second look): the words' probabilities reach the drafter; the
  fair baseline of ``verify``;
- ``verify``: the same with ``identify.verify`` on: each value the transcript
  wrote is scored against its valid one-word neighbours and not drafted when
  one of them scores better (``assistant.identify.verify``);
- ``capture``: ``assistant.identify.reader.read_identifier`` on the usager's
  number turn cut from the recording (or, with ``--capture-source variant``,
  the value said alone, group by group), with the product's settings;
  ``capture-checked``: the same with ``identify.verify_capture`` on (a value a
  one-word neighbour out-scores is withheld);
- ``capture-words``: the same audio read with ``identify.score_neighbours``
  on (``read_identifier(..., rescore=True)``): the readings and the values one
  French word away from them are also scored, in words, against the audio,
  and vote;
- ``live``: the exchange through ``LivePipeline`` with the second look on,
  and the time it adds to each commit it reads again; ``live-plain``: neither
  the second look nor the check; ``live-verify``: the check alone
  (``identify.verify_live``), and the time it adds to each commit it
  checks.

Exact: the path holds the gold value for that kind. Wrong kept: it holds a
different value of that kind (both can happen at once). Printed per kind, per
voice, per noise condition and per style; decode time per exchange, and for
the other paths the time they add to the baseline on the same exchanges.

By default (``--design rotate``) each selected exchange is rendered under ONE
condition, the conditions taken in turn, so that a small run still covers
every voice and noise level; ``--design cross`` renders every exchange under
every condition. Without ``--limit`` a run makes about 60 decodings in all
(60 exchanges for the baseline alone, 20 when three paths run), the exchanges
taken in turn from each kind x style (the first 35 are each cell once): a few
minutes on 2 cores. ``--limit 0`` takes the whole set (210 exchanges).

    .venv/bin/python scripts/bench_identifiers.py
    .venv/bin/python scripts/bench_identifiers.py --limit 12 --paths baseline
    .venv/bin/python scripts/bench_identifiers.py --design cross --limit 35 \\
        --voices mb-fr1,mb-ca2 --noise-db none,15,5 --json /tmp/ids.json

Only the development voices of identifier_exchanges.DEV_VOICES may be used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.asr import DecodeOptions, SpeechModel, load_model  # noqa: E402
from assistant.batch import transcribe_file  # noqa: E402
from assistant.commands.draft import segments_from  # noqa: E402
from assistant.formats import render  # noqa: E402
from assistant.identify.reader import read_identifier  # noqa: E402
from assistant.notes.drafter import Drafter  # noqa: E402
from assistant.notes.models import CaseNoteDraft, IdentifierKind  # noqa: E402
from assistant.pipeline import LivePipeline  # noqa: E402
from assistant.replay import FileSource  # noqa: E402
from assistant.settings import IdentifySettings, Settings  # noqa: E402
from assistant.streaming.events import PipelineEvent, TranscriptUpdate  # noqa: E402
from assistant.tui.numberentry import NumberEntry, Utterance  # noqa: E402
from assistant.types import SAMPLE_RATE, AudioArray, Segment  # noqa: E402
from scripts.identifier_exchanges import (  # noqa: E402
    AGENT_VOICE,
    DEV_JSON,
    DEV_VOICES,
    KINDS,
    STYLES,
    Exchange,
    check_voice,
    cut,
    load_exchanges,
    render_capture,
    render_exchange,
    speed_for,
)
from tools.tts import write_wav  # noqa: E402

PATHS = ("baseline", "second", "words", "verify", "capture", "capture-checked",
         "capture-words", "live", "live-plain", "live-verify")
DEFAULT_DECODES = 60
"""Decodings in a default run (without --limit): a few minutes on 2 cores."""
APPOINTMENT_DAY = dt.date(2026, 3, 10)
CONFIDENCE_FLOORS = (0.0, 0.4, 0.6, 0.8)
"""Capture: exact and wrong counted again keeping only values read with at
least this confidence (0.4: ``DROP_BELOW``; 0.8: ``VERIFY_BELOW``)."""


@dataclass(frozen=True, slots=True)
class Condition:
    voice: str
    noise_db: float | None
    speed: int | None
    """Words per minute; None: the exchange's own rate (130-180, seeded by its id)."""

    @property
    def noise_label(self) -> str:
        return "clean" if self.noise_db is None else f"{self.noise_db:g} dB"


@dataclass
class PathResult:
    """What one path read for one exchange."""

    got: list[str]
    """Values of the exchange's kind that the path kept."""
    heard: str
    """The text it decoded (for analysis)."""
    seconds: float
    valid: bool | None = None
    other: list[dict[str, str]] = field(default_factory=list)
    """Identifiers of other kinds the path kept (a misread kind shows here)."""
    look_s: list[float] = field(default_factory=list)
    """live: seconds the second look added to each commit it ran on."""
    confidence: float | None = None
    """capture: the share of the vote the value won."""
    shown: str | None = None
    """capture: the value « Dictée d'un numéro » shows for the agent to read back:
    the reading's, or the groups heard when they check (then « à vérifier »)."""
    asked_again: bool | None = None
    """Drafting paths: the draft tells the agent to have a number of the
    exchange's kind said again (``CaseNoteDraft.to_ask_again``)."""


@dataclass
class Record:
    id: str
    kind: str
    style: str
    gold: str
    voice: str
    agent_voice: str
    noise: str
    speed: int
    audio_s: float
    span: tuple[float, float]
    results: dict[str, PathResult] = field(default_factory=dict)


def exact(r: PathResult, gold: str) -> bool:
    return gold in r.got


def wrong(r: PathResult, gold: str) -> bool:
    return any(v != gold for v in r.got)


# ---------------------------------------------------------------------------
# The paths
# ---------------------------------------------------------------------------


def read_draft(draft: CaseNoteDraft, kind: IdentifierKind, **result: Any) -> PathResult:
    """The values of ``kind`` a draft holds, the others, and whether it asks for
    a number of that kind to be said again."""
    ids = [d.value for d in draft.identifiers]
    return PathResult(
        got=[i.value for i in ids if i.kind is kind],
        other=[{"kind": i.kind.value, "value": i.value} for i in ids if i.kind is not kind],
        asked_again=any(d.value is kind for d in draft.to_ask_again), **result)


def run_baseline(model: SpeechModel, wav: Path, options: DecodeOptions,
                 kind: IdentifierKind, look: IdentifySettings | None = None) -> PathResult:
    """``assistant transcribe WAV > t.txt`` then ``assistant draft t.txt``, in-process.

    ``look``: the ``identify`` settings handed to ``transcribe_file`` as the
    command does (``settings.identify``); the baseline passes them with
    ``second_look`` off (``assistant transcribe --no-second-look``)."""
    t0 = time.perf_counter()
    transcript = transcribe_file(model, wav, options, None, look)
    text = render(transcript, "txt")
    draft = Drafter(APPOINTMENT_DAY).add_segments(segments_from(text, wav.name))
    seconds = time.perf_counter() - t0
    return read_draft(draft, kind, heard=text.strip().replace("\n", " | "), seconds=seconds)


def run_second_look(model: SpeechModel, wav: Path, settings: Settings,
                    kind: IdentifierKind) -> PathResult:
    """``assistant transcribe --second-look --format json --words WAV`` then
    ``assistant draft`` of that JSON, in-process: the words' probabilities (the
    readings' vote where the second look read a number) reach the drafter."""
    t0 = time.perf_counter()
    transcript = transcribe_file(model, wav, DecodeOptions.from_settings(settings), None,
                                 settings.identify)
    doc = render(transcript, "json", words=True)
    draft = Drafter(APPOINTMENT_DAY).add_segments(segments_from(doc, wav.name))
    seconds = time.perf_counter() - t0
    return read_draft(draft, kind, heard=transcript.text, seconds=seconds)


def run_words(model: SpeechModel, wav: Path, settings: Settings,
              kind: IdentifierKind) -> PathResult:
    """``assistant transcribe --format json --words`` (with ``settings.identify``:
    ``verify`` on or off, no second look) then ``assistant draft`` of that JSON."""
    t0 = time.perf_counter()
    options = replace(DecodeOptions.from_settings(settings), word_timestamps=True)
    transcript = transcribe_file(model, wav, options, None, settings.identify)
    doc = render(transcript, "json", words=True)
    draft = Drafter(APPOINTMENT_DAY).add_segments(segments_from(doc, wav.name))
    seconds = time.perf_counter() - t0
    return read_draft(draft, kind, heard=transcript.text, seconds=seconds)


def run_live(model: SpeechModel, audio: AudioArray, settings: Settings,
             kind: IdentifierKind) -> PathResult:
    """The live path: the recording through ``LivePipeline`` (as fast as it
    decodes, with the settings of the ``second`` path: second look on), its
    committed segments drafted.
    ``look_s``: what the second look added to the commits it ran on."""
    events: list[PipelineEvent] = []
    t0 = time.perf_counter()
    pipeline = LivePipeline(FileSource(audio, "bench"), model, settings, events.append)
    pipeline.start()
    pipeline.wait(600)
    pipeline.stop()
    seconds = time.perf_counter() - t0
    segments = [s for e in events if isinstance(e, TranscriptUpdate) for s in e.committed]
    draft = Drafter(APPOINTMENT_DAY).add_segments(segments)
    return read_draft(draft, kind, heard=" ".join(s.text for s in segments), seconds=seconds,
                      look_s=list(pipeline.look_seconds))


def run_capture(model: SpeechModel, audio: AudioArray, kind: IdentifierKind,
                rescore: bool = False, verify: bool = False) -> PathResult:
    """The capture path: the usager's number utterance read alone."""
    t0 = time.perf_counter()
    result = read_identifier(model, audio, kind, rescore=rescore, verify=verify)
    seconds = time.perf_counter() - t0
    said = Utterance((Segment(0, 0.0, len(audio) / SAMPLE_RATE, result.heard),))
    shown = NumberEntry(kind).heard(result, said).value
    return PathResult(got=[result.value] if result.value else [], heard=result.heard,
                      seconds=seconds, valid=result.valid, confidence=result.confidence,
                      shown=shown)


# ---------------------------------------------------------------------------
# Selection and conditions
# ---------------------------------------------------------------------------


def stratified(exchanges: Sequence[Exchange]) -> list[Exchange]:
    """Exchanges in turn from each kind x style cell, so that a prefix covers
    every kind and style before it repeats one."""
    cells: dict[tuple[str, str], list[Exchange]] = defaultdict(list)
    for ex in exchanges:
        cells[(ex.kind.value, ex.style)].append(ex)
    # Kinds in turn within a round, styles shifted each round: the first 35
    # are every kind x style once.
    order = sorted(cells, key=lambda c: (STYLES.index(c[1]), KINDS.index(IdentifierKind(c[0]))))
    out: list[Exchange] = []
    for n in range(max((len(v) for v in cells.values()), default=0)):
        out += [cells[c][n] for c in order if n < len(cells[c])]
    return out


def parse_list(raw: str) -> list[str]:
    return [x.strip() for x in raw.split(",") if x.strip()]


def parse_noise(raw: str) -> list[float | None]:
    out: list[float | None] = []
    for x in parse_list(raw):
        out.append(None if x.lower() in ("none", "clean", "off") else float(x))
    return out


def parse_speeds(raw: str) -> list[int | None]:
    out: list[int | None] = []
    for x in parse_list(raw):
        out.append(None if x.lower() == "auto" else int(x))
    return out


def jobs(exchanges: Sequence[Exchange], conditions: Sequence[Condition],
         design: str) -> list[tuple[Exchange, Condition]]:
    if design == "cross":
        return [(ex, c) for ex in exchanges for c in conditions]
    return [(ex, conditions[i % len(conditions)]) for i, ex in enumerate(exchanges)]


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def _rate(records: Sequence[Record], path: str) -> str:
    rows = [r for r in records if path in r.results]
    if not rows:
        return "      -"
    n = len(rows)
    ok = sum(exact(r.results[path], r.gold) for r in rows)
    bad = sum(wrong(r.results[path], r.gold) for r in rows)
    return f"{ok:3}/{n:<3} {ok / n:5.0%}  wrong {bad:2}/{n:<3}"


def report(records: Sequence[Record], paths: Sequence[str]) -> None:
    groupings: list[tuple[str, Callable[[Record], str]]] = [
        ("kind", lambda r: r.kind), ("voice", lambda r: r.voice),
        ("noise", lambda r: r.noise), ("style", lambda r: r.style),
    ]
    width = 28
    for title, key in groupings:
        print(f"\nexact match by {title}:")
        print(f"  {title:{width}}" + "".join(f"{p:>32}" for p in paths))
        keys = sorted({key(r) for r in records})
        for k in keys:
            rows = [r for r in records if key(r) == k]
            print(f"  {k:{width}}" + "".join(f"{_rate(rows, p):>32}" for p in paths))
    print(f"  {'ALL':{width}}" + "".join(f"{_rate(records, p):>32}" for p in paths))
    # A value drafted as another kind than the one asked is wrong in the note too.
    other = [sum(bool(r.results[p].other) for r in records if p in r.results) for p in paths]
    print(f"  {'another kind kept':{width}}" + "".join(
        f"{f'{n}/{len(records)}':>32}" for n in other))

    sure = [p for p in paths if any(p in r.results and r.results[p].confidence is not None
                                    for r in records)]
    if sure:
        print("\nvalues kept from a confidence on (exact / wrong, of all exchanges):")
        print(f"  {'from':{width}}" + "".join(f"{p:>32}" for p in sure))
        for floor in CONFIDENCE_FLOORS:
            cells = []
            for p in sure:
                rows = [r for r in records if p in r.results]
                kept = [r for r in rows if (r.results[p].confidence or 0.0) >= floor]
                ok = sum(exact(r.results[p], r.gold) for r in kept)
                bad = sum(wrong(r.results[p], r.gold) for r in kept)
                cells.append(f"{ok:3}/{len(rows):<3} wrong {bad:2}/{len(rows):<3}")
            print(f"  {floor:<{width}}" + "".join(f"{c:>32}" for c in cells))

    asking = [p for p in paths if any(p in r.results and r.results[p].asked_again is not None
                                      for r in records)]
    if asking:
        print("\nnumber to have said again (the draft asks for the exchange's kind):")
        print(f"  {'':{width}}" + "".join(f"{p:>32}" for p in asking))
        picks: list[tuple[str, Callable[[PathResult, str], bool]]] = [
            ("no value kept", lambda res, gold: not res.got),
            ("a wrong value kept", wrong),
            ("the right value kept", exact),
        ]
        for label, pick in picks:
            cells = []
            for p in asking:
                asked = [r.results[p].asked_again for r in records
                         if p in r.results and pick(r.results[p], r.gold)]
                cells.append(f"{sum(bool(a) for a in asked):3}/{len(asked):<3}")
            print(f"  {label:{width}}" + "".join(f"{c:>32}" for c in cells))

    showing = [p for p in paths if p.startswith("capture")]
    if showing:
        print("\ncapture as the dialog shows it (a value withheld by the vote shows the"
              " groups heard when they check, « à vérifier »; exact / wrong shown):")
        for p in showing:
            rows = [r for r in records if p in r.results]
            ok = sum(r.results[p].shown == r.gold for r in rows)
            bad = sum(r.results[p].shown not in (None, r.gold) for r in rows)
            print(f"  {p:{width}}{ok:3}/{len(rows):<3} wrong {bad:2}/{len(rows):<3}")

    print("\ntime per exchange:")
    audio = statistics.mean(r.audio_s for r in records)
    print(f"  audio per exchange: {audio:.1f} s; usager's number turn "
          f"{statistics.mean(r.span[1] - r.span[0] for r in records):.1f} s")
    for p in paths:
        rows = [r for r in records if p in r.results]
        if not rows:
            continue
        mean = statistics.mean(r.results[p].seconds for r in rows)
        line = f"  {p:9} mean {mean:5.2f} s  (x{mean / audio:.2f} real time)"
        if p != "baseline":
            both = [r for r in rows if "baseline" in r.results]
            if both:
                base = statistics.mean(r.results["baseline"].seconds for r in both)
                added = mean if p.startswith("capture") else mean - base
                line += (f"; added per span vs baseline {added:+.2f} s "
                         f"(baseline {base:.2f} s on the same exchanges)")
        print(line)
    for path, what in (("live", "second look: {} commits read again"),
                       ("live-verify", "check: {} commits checked")):
        looks = sorted(t for r in records if path in r.results for t in r.results[path].look_s)
        if looks:
            p90 = looks[min(len(looks) - 1, int(0.9 * len(looks)))]
            print(f"  live {what.format(len(looks))}, added p50 {statistics.median(looks):.2f}"
                  f" s, p90 {p90:.2f} s, max {looks[-1]:.2f} s")


def dump(records: Sequence[Record], out: Path) -> None:
    docs: list[dict[str, Any]] = []
    for r in records:
        doc = asdict(r)
        for p, res in r.results.items():
            doc["results"][p].update(exact=exact(res, r.gold), wrong=wrong(res, r.gold))
        docs.append(doc)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(docs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\nper-exchange results -> {out}")


# ---------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=DEV_JSON,
                        help="exchanges (JSON of identifier_exchanges.py; default: the dev set)")
    parser.add_argument("--voices", default=",".join(DEV_VOICES),
                        help="usager voices, comma-separated (default: the six dev voices)")
    parser.add_argument("--agent-voice",
                        help="one agent voice for all (default: another dev voice per usager "
                             "voice, identifier_exchanges.AGENT_VOICE)")
    parser.add_argument("--noise-db", default="none,15",
                        help="pink-noise SNRs in dB, 'none' for clean (default: none,15)")
    parser.add_argument("--speeds", default="auto",
                        help="words per minute, comma-separated; 'auto': each exchange's own "
                             "rate in 130-180 (default)")
    parser.add_argument("--kinds", default=",".join(k.value for k in KINDS))
    parser.add_argument("--styles", default=",".join(STYLES))
    parser.add_argument("--limit", type=int,
                        help="exchanges taken, in turn from each kind x style (default: "
                             f"{DEFAULT_DECODES} decodings shared by the paths that run, "
                             "e.g. 60 for the baseline alone, 20 with three paths; 0: all)")
    parser.add_argument("--design", choices=("rotate", "cross"), default="rotate",
                        help="rotate: each exchange under one condition, in turn (default); "
                             "cross: each exchange under every condition")
    parser.add_argument("--paths", default="baseline,second,capture")
    parser.add_argument("--capture-source", choices=("span", "variant"), default="span",
                        help="capture audio: the usager's turn cut from the recording (span, "
                             "default) or the capture variant said alone (variant)")
    parser.add_argument("--capture-gap", type=float, metavar="S",
                        help="variant: S seconds of silence between groups (default: ', ')")
    parser.add_argument("--span-margin", type=float, default=0.3,
                        help="seconds kept each side of the number turn when cutting it")
    parser.add_argument("--audio-dir", type=Path,
                        help="keep the rendered recordings here (default: a temporary folder)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="per-exchange results")
    parser.add_argument("--show", action="store_true", help="print what each path heard")
    args = parser.parse_args()

    voices = [check_voice(v) for v in parse_list(args.voices)]
    agent_voice = check_voice(args.agent_voice) if args.agent_voice else None
    kinds = {IdentifierKind(k) for k in parse_list(args.kinds)}
    styles = set(parse_list(args.styles))
    unknown = styles - set(STYLES)
    if unknown:
        parser.error(f"unknown style(s): {', '.join(sorted(unknown))}")
    paths = parse_list(args.paths)
    if set(paths) - set(PATHS):
        parser.error(f"paths are among {', '.join(PATHS)}")

    conditions = [Condition(v, n, s) for v, n, s in itertools.product(
        voices, parse_noise(args.noise_db), parse_speeds(args.speeds))]

    settings = Settings()
    second_settings = Settings(identify=IdentifySettings(second_look=True))
    words_settings = Settings(identify=IdentifySettings(second_look=False, verify=False))
    verify_settings = Settings(identify=IdentifySettings(second_look=False, verify=True,
                                                         verify_live=True))
    if not paths:
        print("nothing to run")
        return 1

    exchanges = stratified([e for e in load_exchanges(args.set)
                            if e.kind in kinds and e.style in styles])
    limit = args.limit
    if limit is None:  # the default run: about DEFAULT_DECODES decodings in all
        per_exchange = len(paths) * (len(conditions) if args.design == "cross" else 1)
        limit = max(1, DEFAULT_DECODES // per_exchange)
    if limit:
        exchanges = exchanges[:limit]
    todo = jobs(exchanges, conditions, args.design)

    t_load = time.perf_counter()
    model = load_model(settings)  # once, as the command would: Settings() and its sources
    options = DecodeOptions.from_settings(settings)
    # The baseline is the batch path without the second look, whatever the
    # settings say (``assistant transcribe --no-second-look``).
    baseline_look = settings.identify.model_copy(update={"second_look": False})
    print(f"model loaded in {time.perf_counter() - t_load:.1f} s; {len(todo)} exchange "
          f"renderings ({len(exchanges)} exchanges x "
          f"{len(conditions) if args.design == 'cross' else 1} condition(s), design "
          f"{args.design}); paths: {', '.join(paths)}")

    records: list[Record] = []
    with tempfile.TemporaryDirectory(prefix="bench-ids-") as tmp:
        audio_dir = args.audio_dir or Path(tmp)
        for n, (ex, cond) in enumerate(todo, start=1):
            speed = cond.speed if cond.speed is not None else speed_for(ex.id)
            agent = agent_voice or AGENT_VOICE[cond.voice]
            rendered = render_exchange(ex, cond.voice, agent, speed, cond.noise_db)
            noise_tag = "clean" if cond.noise_db is None else f"snr{cond.noise_db:g}"
            wav = audio_dir / f"{ex.id}-{cond.voice}-{noise_tag}-{speed}.wav"
            write_wav(wav, rendered.audio)
            rec = Record(id=ex.id, kind=ex.kind.value, style=ex.style, gold=ex.value,
                         voice=cond.voice, agent_voice=agent, noise=cond.noise_label,
                         speed=speed, audio_s=round(len(rendered.audio) / SAMPLE_RATE, 2),
                         span=rendered.number_span)
            if "baseline" in paths:
                rec.results["baseline"] = run_baseline(model, wav, options, ex.kind,
                                                       baseline_look)
            if "second" in paths:
                rec.results["second"] = run_second_look(model, wav, second_settings, ex.kind)
            if "words" in paths:
                rec.results["words"] = run_words(model, wav, words_settings, ex.kind)
            if "verify" in paths:
                rec.results["verify"] = run_words(model, wav, verify_settings, ex.kind)
            if any(p.startswith("capture") for p in paths):
                if args.capture_source == "span":
                    audio = cut(rendered.audio, rendered.number_span, args.span_margin)
                else:
                    audio = render_capture(ex, cond.voice, speed, cond.noise_db,
                                           args.capture_gap)
                if "capture" in paths:
                    rec.results["capture"] = run_capture(model, audio, ex.kind,
                                                         settings.identify.score_neighbours,
                                                         settings.identify.verify_capture)
                if "capture-checked" in paths:
                    rec.results["capture-checked"] = run_capture(
                        model, audio, ex.kind, settings.identify.score_neighbours, True)
                if "capture-words" in paths:
                    rec.results["capture-words"] = run_capture(model, audio, ex.kind, True)
            if "live" in paths:
                rec.results["live"] = run_live(model, rendered.audio, second_settings, ex.kind)
            if "live-plain" in paths:
                rec.results["live-plain"] = run_live(model, rendered.audio, words_settings,
                                                     ex.kind)
            if "live-verify" in paths:
                rec.results["live-verify"] = run_live(model, rendered.audio, verify_settings,
                                                      ex.kind)
            records.append(rec)
            marks = " ".join(
                f"{p}={'OK' if exact(res, ex.value) else ('WRONG' if res.got else 'miss')}"
                f"({res.seconds:.1f}s)" for p, res in rec.results.items())
            print(f"[{n:3}/{len(todo)}] {ex.id:22} {cond.voice:6} {cond.noise_label:6} "
                  f"{speed}wpm  {marks}", flush=True)
            if args.show or any(not exact(res, ex.value) for res in rec.results.values()):
                for p, res in rec.results.items():
                    print(f"      {p}: gold {ex.value} got {res.got or '-'} "
                          f"{'other ' + str(res.other) + ' ' if res.other else ''}"
                          f"heard: {res.heard}")

    report(records, paths)
    if args.json:
        dump(records, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
