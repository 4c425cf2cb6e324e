"""Measure whether Whisper's word probability tells a command misheard as other
words from the same words said for real (issue #14).

``assistant/dictation/heard.py`` reads commands Whisper heard as other words
by sound ("moins de suspension" for "points de suspension", "pour
l'interrogation", "voilà la ligne", "à l'alignitiré"): on text alone, an
ordinary sentence that sounds the same is read the same way. This script
speaks, with the development voices only:

- the development dictation texts (tests/data/dictation/dev.json), in one
  breath and with pauses around the commands;
- tests/data/probes/dictation_sounds.json (the words the readings key on,
  said for real, and the commands in the same contexts; written before any
  measurement), in one breath and with pauses;
- the probes of tests/data/probes/dictation_words.json that hold one of those
  words (their ``said`` text, in one breath);

at 150 wpm (``--conds`` adds 170 wpm and pink room noise at 15 dB, on the
first two sets), transcribes each recording the way ``assistant transcribe
--dictation`` decodes (the dictation prompt) with word timestamps and
probabilities, and runs the dictation rules (``parse``) over the words. For
every place where one of heard.py's readings fires (``heard_at``: whole run,
gender, end of sentence; ``line_run_into_next``; ``line_loose_head``) it
records the probabilities of the run's words (head words: all but the last;
long word: the last), whether the rules applied it (the context let it
through) and whether a command of that kind was really said there: the
transcript's words are aligned with the spoken words, each labelled with the
command it belongs to ([brackets] in the dictated text; for the
dictation_words probes, the commands the rules find in the ``said`` text,
which tests/test_probes.py checks against the expected text).

Printed: per reading, the head words' min and mean probability and the long
word's, for commands really said and for ordinary words; for each threshold
X how many applied readings "every head word's (or the first head word's)
probability >= X: words, not a command" would turn back, true and false; and
the dictated outputs of the recordings where a reading fired, from the text
alone and with the word probabilities (``heard.sure_head``), against the
expected texts (a reading turned back may let the written command one word
later apply: the outputs, not the firings, tell what the rule costs). Transcripts are cached under
tests/tmp/dictation_confidence/ (never committed); the recordings go where
scripts/eval_dictation.py puts them (tests/tmp/dictation/<set>/).

    .venv/bin/python scripts/probe_dictation_confidence.py
    .venv/bin/python scripts/probe_dictation_confidence.py --conds 150,170,noise15 --show
    .venv/bin/python scripts/probe_dictation_confidence.py --rule   # with the rule
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from assistant.dictation import parse as parse_mod  # noqa: E402
from assistant.dictation.lexicon import Cmd  # noqa: E402
from assistant.dictation.parse import RawToken, parse, tokenize  # noqa: E402
from assistant.folding import fold  # noqa: E402
from tools.dictation_cases import DictationCase, load_cases  # noqa: E402
from tools.wer import aligned  # noqa: E402

DATA = ROOT / "tests" / "data"
CACHE = ROOT / "tests" / "tmp" / "dictation_confidence"
VOICES = ("mb-fr1", "mb-fr4", "mb-fr5", "mb-fr7", "mb-ca1", "mb-ca2")
CONDS = {"150": (150, None), "170": (170, None), "noise15": (150, 15.0)}
SOUND_WORDS = ("suspension", "interrogation", "exclamation", "parenth", "guillemet",
               "paragraphe", "ligne")
"""A dictation_words probe is spoken when its text holds one of these."""
LINE = frozenset({Cmd.NEWLINE, Cmd.PERIOD_NEWLINE})


@dataclass(frozen=True, slots=True)
class Spoken:
    """A text to speak, and each spoken word's command (None: a word)."""

    set_name: str
    case: DictationCase
    labels: tuple[tuple[str, Cmd | None], ...]
    pauses_too: bool


def _words(text: str) -> list[str]:
    return [w for w in fold(text).replace("'", " ").replace("’", " ").replace("-", " ").split()
            if any(c.isalnum() for c in w)]


def _cmd_of(phrase: str) -> Cmd | None:
    pieces = parse(tokenize(phrase), at_end=True)
    return next((p.cmd for p in pieces if p.cmd is not None), None)


def bracketed(set_name: str, case: DictationCase) -> Spoken:
    """Labels from the [brackets] of a dictated text."""
    labels: list[tuple[str, Cmd | None]] = []
    for k, part in enumerate(case.dictated.replace("]", "[").split("[")):
        cmd = _cmd_of(part) if k % 2 else None
        labels += [(w, cmd) for w in _words(part)]
    return Spoken(set_name, case, tuple(labels), pauses_too=True)


def from_said(case: DictationCase) -> Spoken:
    """Labels from the commands the rules find in a probe's ``said`` text."""
    labels: list[tuple[str, Cmd | None]] = []
    words = [t.text for t in tokenize(case.dictated) if not t.mark]
    k = 0
    for piece in parse(tokenize(case.dictated), at_end=True):
        for w in words[k: k + piece.words]:
            labels += [(x, piece.cmd) for x in _words(w)]
        k += piece.words
    return Spoken("probe_words", case, tuple(labels), pauses_too=False)


def texts() -> list[Spoken]:
    out = [bracketed("dev", c) for c in load_cases(DATA / "dictation" / "dev.json")]
    out += [bracketed("probe_sounds", c)
            for c in load_cases(DATA / "probes" / "dictation_sounds.json")]
    probes = json.loads((DATA / "probes" / "dictation_words.json").read_text(encoding="utf-8"))
    out += [from_said(DictationCase(p["id"], p["said"], p["expected"])) for p in probes
            if any(w in fold(p["said"]) for w in SOUND_WORDS)]
    return out


# -- transcription ---------------------------------------------------------------


def transcribe(model: Any, options: Any, spoken: Spoken, voice: str, pauses: bool,
               cond: str) -> list[dict[str, Any]]:
    """Whisper's words (text, probability) for this recording, cached."""
    from eval_dictation import recording

    from assistant.audiofile import load_audio

    wpm, snr = CONDS[cond]
    name = f"{spoken.set_name}-{spoken.case.id}-{voice}-{'pauses' if pauses else 'breath'}-{cond}"
    path = CACHE / f"{name}.json"
    if path.is_file():
        cached: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["words"]
        return cached
    audio = load_audio(recording(spoken.case, spoken.set_name, voice, pauses, wpm, snr))
    words = [{"text": w.text, "p": round(w.probability, 4)}
             for s in model.transcribe(audio, options) for w in s.words]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"words": words}, ensure_ascii=False), encoding="utf-8")
    return words


def real_text(model: Any, options: Any, spoken: Spoken, voice: str, pauses: bool,
              cond: str) -> str:
    """The text the dictation path gets for this recording (no word timestamps), cached.

    With word timestamps faster-whisper moves its window to the last word's
    end and decodes the silence after it again: a second segment, often the
    prompt's commands with tiny probabilities ("point de suspension pour
    l'interrogation"), that the batch path never sees. Words past the real
    text are dropped (``cut_to``)."""
    from eval_dictation import recording

    from assistant.audiofile import load_audio

    wpm, snr = CONDS[cond]
    name = f"{spoken.set_name}-{spoken.case.id}-{voice}-{'pauses' if pauses else 'breath'}-{cond}"
    path = CACHE / f"{name}.text.json"
    if path.is_file():
        text: str = json.loads(path.read_text(encoding="utf-8"))["text"]
        return text
    audio = load_audio(recording(spoken.case, spoken.set_name, voice, pauses, wpm, snr))
    text = " ".join(s.text for s in model.transcribe(audio, replace(options,
                                                                   word_timestamps=False)))
    path.write_text(json.dumps({"text": text}, ensure_ascii=False), encoding="utf-8")
    return text


def merged(words: Sequence[dict[str, Any]]) -> list[tuple[str, float]]:
    """Whisper's words, a word that starts with an apostrophe or a hyphen glued
    back to the one before ("l" + "'interrogation"), with the lower probability."""
    out: list[tuple[str, float]] = []
    for w in words:
        text, p = str(w["text"]), float(w["p"])
        if out and text[:1] in ("'", "’", "-"):
            out[-1] = (out[-1][0] + text, min(out[-1][1], p))
        else:
            out.append((text, p))
    return out


def tokens_of(words: Sequence[dict[str, Any]]) -> tuple[list[RawToken], list[float]]:
    """Raw tokens of Whisper's words, and each word token's probability."""
    tokens: list[RawToken] = []
    probs: list[float] = []
    sentence_end = True
    for text, p in merged(words):
        for t in tokenize(text, after_sentence_end=sentence_end):
            tokens.append(t)
            if not t.mark:
                probs.append(p)
        if tokens:
            sentence_end = tokens[-1].mark and tokens[-1].text in (".", "?", "!", "…", "...")
    return tokens, probs


def cut_to(tokens: list[RawToken], probs: list[float], real: str) -> tuple[
        list[RawToken], list[float], bool]:
    """The tokens of the real text only (see ``real_text``); True when the
    timestamped words start with the real text's words exactly."""
    want = [t.text.lower() for t in tokenize(real) if not t.mark]
    have = [t.text.lower() for t in tokens if not t.mark]
    exact = have[: len(want)] == want
    if exact:
        keep = len(want)
    else:
        where = align(have, want)
        keep = max((i + 1 for i, j in enumerate(where) if j is not None), default=0)
    n = 0
    for k, t in enumerate(tokens):
        if not t.mark:
            if n == keep:
                return tokens[:k], probs[:keep], exact
            n += 1
    return tokens, probs, exact


def with_probs(tokens: Sequence[RawToken], probs: Sequence[float],
               rule: bool) -> list[RawToken]:
    """The word tokens with their probabilities (``rule``), or without (text only)."""
    if not rule:
        return list(tokens)
    it = iter(probs)
    return [t if t.mark else replace(t, prob=next(it)) for t in tokens]


# -- where the readings fire ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Firing:
    kind: str
    """run, gender, end (heard_at), glued (line_run_into_next), loose (line_loose_head)."""
    cmd: Cmd
    start: int
    n: int
    applied: bool


def firings(tokens: Sequence[RawToken]) -> list[Firing]:
    """Every place a reading by sound fires while the rules parse ``tokens``."""
    from assistant.dictation import heard

    seen: dict[tuple[str, int], Firing] = {}
    calls: list[tuple[str, Cmd, int]] = []
    orig = {n: getattr(parse_mod, n) for n in ("heard_at", "line_run_into_next",
                                                "line_loose_head", "find_command")}

    def heard_at(texts: Sequence[str], i: int) -> Any:
        h = orig["heard_at"](texts, i)
        if h is not None:
            kind = "end" if h.at_end_only else (
                "gender" if heard._gender_reading(heard._parts(texts[i:i + h.words])) else "run")
            calls.append((kind, h.cmd, h.words))
        return h

    def glued(texts: Sequence[str]) -> int:
        n: int = orig["line_run_into_next"](texts)
        if n:
            calls.append(("glued", Cmd.NEWLINE, n))
        return n

    def loose(texts: Sequence[str]) -> int:
        n: int = orig["line_loose_head"](texts)
        if n:
            calls.append(("loose", Cmd.PERIOD_NEWLINE, n))
        return n

    def find_command(words: Sequence[RawToken], i: int, *args: Any, **kw: Any) -> Any:
        calls.clear()
        found = orig["find_command"](words, i, *args, **kw)
        for kind, cmd, n in calls:
            applied = found == (cmd, n) and (kind, cmd, n) == calls[-1]
            seen[(kind, i)] = Firing(kind, cmd, i, n, applied)
        return found

    for n, f in (("heard_at", heard_at), ("line_run_into_next", glued),
                 ("line_loose_head", loose), ("find_command", find_command)):
        setattr(parse_mod, n, f)
    try:
        parse(tokens, at_end=True)
    finally:
        for n, f in orig.items():
            setattr(parse_mod, n, f)
    return sorted(seen.values(), key=lambda f: f.start)


def align(heard: Sequence[str], said: Sequence[str]) -> list[int | None]:
    """For each heard word, the spoken word it aligns with (edit distance)."""
    out: list[int | None] = [None] * len(heard)
    for i, j in aligned(heard, said):
        out[i] = j
    return out


def truth(fire: Firing, words: Sequence[RawToken],
          labels: Sequence[tuple[str, Cmd | None]]) -> bool:
    """Whether a command of the fired kind was said where the run was heard."""
    parts: list[int] = []  # heard word index of each folded part
    flat: list[str] = []
    for k, w in enumerate(words):
        for x in _words(w.text):
            parts.append(k)
            flat.append(x)
    where = align(flat, [w for w, _ in labels])
    span = [where[p] for p, k in enumerate(parts) if fire.start <= k < fire.start + fire.n]
    said = {labels[j][1] for j in span if j is not None}
    if not any(j is not None for j in span):  # all inserted: look beside
        near = [where[p] for p, k in enumerate(parts)
                if fire.start - 1 <= k <= fire.start + fire.n]
        said = {labels[j][1] for j in near if j is not None}
    if fire.cmd in LINE:
        return bool(said & LINE)
    return fire.cmd in said


# -- report ------------------------------------------------------------------------


def _q(xs: Sequence[float]) -> str:
    if not xs:
        return "-"
    s = sorted(xs)
    pick = [s[0], s[len(s) // 4], statistics.median(s), s[3 * len(s) // 4], s[-1]]
    return "min/q1/med/q3/max " + " ".join(f"{x:.2f}" for x in pick) + \
        f"  mean {statistics.fmean(s):.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conds", default="150",
                        help="comma-separated: 150 (clean, 150 wpm), 170 (170 wpm), noise15 "
                             "(pink noise at 15 dB); the last two on dev and probe_sounds only")
    parser.add_argument("--voices", default=",".join(v[3:] for v in VOICES))
    parser.add_argument("--show", action="store_true", help="print each firing")
    parser.add_argument("--rule", action="store_true",
                        help="parse with the word probabilities (the rule of "
                             "assistant/dictation/heard.py, sure_head) and count what still fires")
    parser.add_argument("--cases", default=None,
                        help="comma-separated case ids only (e.g. the ones readings fired on)")
    parser.add_argument("--cached-only", action="store_true",
                        help="report on the recordings already transcribed only")
    args = parser.parse_args()

    from eval_dictation import decode_options

    from assistant.asr import load_model
    from assistant.settings import load_settings
    from tools.tts import check_voice

    voices = [check_voice(f"mb-{v.strip().removeprefix('mb-')}") for v in args.voices.split(",")]
    settings = load_settings()
    model = None
    options = replace(decode_options(settings, "dictation"), word_timestamps=True)
    rows: list[dict[str, Any]] = []
    inexact = recordings = 0
    outputs: list[tuple[str, DictationCase, str, str]] = []
    for cond in args.conds.split(","):
        for spoken in texts():
            if cond != "150" and spoken.set_name == "probe_words":
                continue
            if args.cases and spoken.case.id not in args.cases.split(","):
                continue
            for voice in voices:
                for pauses in ((False, True) if spoken.pauses_too else (False,)):
                    name = (f"{spoken.set_name}-{spoken.case.id}-{voice}-"
                            f"{'pauses' if pauses else 'breath'}-{cond}")
                    if not (CACHE / f"{name}.json").is_file():
                        if args.cached_only:
                            continue
                        model = model or load_model(settings)
                    words = transcribe(model, options, spoken, voice, pauses, cond)
                    recordings += 1
                    tokens, probs = tokens_of(words)
                    fired = firings(with_probs(tokens, probs, args.rule))
                    if fired:  # only then: the real text costs a decode
                        if not (CACHE / f"{name}.text.json").is_file():
                            model = model or load_model(settings)
                        real = real_text(model, options, spoken, voice, pauses, cond)
                        tokens, probs, exact = cut_to(tokens, probs, real)
                        inexact += not exact
                        fired = firings(with_probs(tokens, probs, args.rule))
                    if fired:
                        outputs.append(_outputs(name, spoken.case, real, words))
                    plain = [t for t in tokens if not t.mark]
                    for f in fired:
                        p = probs[f.start: f.start + f.n]
                        row: dict[str, Any] = {
                               "rec": name, "kind": f.kind, "cmd": f.cmd.name,
                               "applied": f.applied,
                               "said": truth(f, plain, spoken.labels), "set": spoken.set_name,
                               "words": [w.text for w in plain[f.start: f.start + f.n]],
                               "head": p[:-1], "long": p[-1]}
                        rows.append(row)
                        if args.show:
                            print(f"{name:42} {f.kind:6} {f.cmd.name:12} "
                                  f"{'APPLIED' if f.applied else 'context'} "
                                  f"said={row['said']!s:5} "
                                  + " ".join(f"{w}({x:.2f})" for w, x in zip(row["words"], p,
                                                                            strict=True)))
    print(f"\nrecordings: {recordings}")
    print(f"recordings whose timestamped words did not start with the real text: {inexact}")
    report(rows)
    compare(outputs)
    return 0


def _outputs(name: str, case: DictationCase, real: str,
             words: Sequence[dict[str, Any]]) -> tuple[str, DictationCase, str, str]:
    """The dictation of the real text, from the text alone and with Whisper's
    word probabilities (only recordings where a reading fires can differ)."""
    from assistant.dictation import apply_dictation
    from assistant.types import Word

    heard = [Word(0.0, 0.0, str(w["text"]), float(w["p"])) for w in words]
    return name, case, apply_dictation(real), apply_dictation(real, words=heard)


def compare(outputs: Sequence[tuple[str, DictationCase, str, str]]) -> None:
    """Before (text alone) and after (with the probabilities), against each
    case's expected text: command words left, line breaks, WER, marks WER."""
    from tools.dictation_cases import (
        command_words_left,
        line_breaks,
        mark_errors,
        total,
        word_errors,
    )

    print(f"\noutputs of the {len(outputs)} recordings where a reading fired, "
          "text alone -> with word probabilities:")
    for weighed, label in ((False, "text alone"), (True, "with probabilities")):
        pairs = [(o[1].expected, o[3] if weighed else o[2]) for o in outputs]
        left = sum(command_words_left(e, out) for e, out in pairs)
        br = [line_breaks(e, out) for e, out in pairs]
        w = total([word_errors(e, out) for e, out in pairs])
        m = total([mark_errors(e, out) for e, out in pairs])
        print(f"  {label:19} command words left {left}, line breaks "
              f"{sum(b.present for b in br)}/{sum(b.expected for b in br)} "
              f"(+{sum(b.extra for b in br)}), WER {w.rate:.1%} ({w.errors}/{w.words}), "
              f"marks WER {m.rate:.1%} ({m.errors}/{m.words})")
    for name, case, before, after in outputs:
        if before != after:
            better = mark_errors(case.expected, after).errors - mark_errors(
                case.expected, before).errors
            print(f"  {name}: marks errors {better:+d}\n    before {before!r}\n"
                  f"    after  {after!r}\n    exp    {case.expected!r}")


def report(rows: Sequence[dict[str, Any]]) -> None:
    print(f"\n{len(rows)} firings")
    for kinds in (("run", "gender", "end"), ("glued", "loose"), ("run",), ("gender",), ("end",),
                  ("glued",), ("loose",)):
        sel = [r for r in rows if r["kind"] in kinds]
        if not sel:
            continue
        print(f"\n== {'+'.join(kinds)} ==")
        for done in (True, False):
            for said in (True, False):
                grp = [r for r in sel if r["applied"] == done and r["said"] == said]
                if not grp:
                    continue
                tag = f"{'applied' if done else 'context-rejected'}, " \
                      f"{'command said' if said else 'words said'}"
                print(f"  {tag}: n={len(grp)}")
                print(f"    head min : {_q([min(r['head']) for r in grp if r['head']])}")
                means = [statistics.fmean(r["head"]) for r in grp if r["head"]]
                print(f"    head mean: {_q(means)}")
                print(f"    long word: {_q([r['long'] for r in grp])}")
    applied = [r for r in rows if r["applied"]]
    n_true = sum(r["said"] for r in applied)
    n_false = len(applied) - n_true
    for name, of in (("every head word", min), ("the first head word", lambda h: h[0])):
        print(f"\nrule '{name}'s probability >= X: words', over the applied readings")
        print("   X    true commands turned back   false readings turned back")
        for x in (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95):
            back = [r for r in applied if r["head"] and of(r["head"]) >= x]
            t = sum(r["said"] for r in back)
            print(f"  {x:.2f}   {t:3}/{n_true}                     {len(back) - t:3}/{n_false}")
    for said in (True, False):
        print(f"\napplied, {'command said' if said else 'words said'}: (head probabilities)")
        for r in sorted((r for r in applied if r["said"] == said), key=lambda r: min(r["head"])):
            print(f"  {r['rec']:44} {r['kind']:6} " + " ".join(
                f"{w}({x:.2f})" for w, x in zip(r["words"], [*r["head"], r["long"]],
                                               strict=True)))


if __name__ == "__main__":
    raise SystemExit(main())
