"""Evaluate dictation on recordings of dictated texts (synthetic French voices).

Each text of tests/data/dictation/<set>.json is spoken with espeak-ng + MBROLA
(voices fr1 and fr4 by default; ``--voices``, ``--wpm``, ``--noise`` for other
development voices, rates and pink room noise), once in one breath and once with pauses around the
voice commands; the recordings go to tests/tmp/dictation/ (never committed).
Each recording is transcribed the way ``assistant transcribe --dictation``
does it, and the voice commands are applied. Printed: command words left in
the output, dictated line breaks present, word error rate against the
expected text (and a rate that counts punctuation marks as words).

    .venv/bin/python scripts/eval_dictation.py --set heldout
    .venv/bin/python scripts/eval_dictation.py --set dev --show

Targets (issue 7): no command word left, every line break present, WER <= 20 %.
Held-out sets are never tuned against; each was written before the rules it
measures and run once, blind (docs/dictation.md); heldout11 (the default) is
the newest.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.asr import DecodeOptions, SpeechModel, load_model  # noqa: E402
from assistant.dictation import apply_dictation  # noqa: E402
from assistant.dictation.prompt import DICTATION_PROMPT  # noqa: E402
from assistant.settings import Settings, load_settings  # noqa: E402
from assistant.types import SAMPLE_RATE, AudioArray, Word  # noqa: E402
from tools.dictation_cases import (  # noqa: E402
    DictationCase,
    WerCount,
    command_words_left,
    line_breaks,
    load_cases,
    mark_errors,
    total,
    word_errors,
)
from tools.noise import add_noise  # noqa: E402
from tools.tts import check_voice, speak, write_wav  # noqa: E402

DATA = ROOT / "tests" / "data" / "dictation"
CACHE = ROOT / "tests" / "tmp" / "dictation"
PAUSE_S = 0.7


def synthesize(case: DictationCase, voice: str, pauses: bool, wpm: int = 150,
               snr_db: float | None = None) -> AudioArray:
    """The case spoken in one breath, or with a pause around each command, at ``wpm``
    words per minute, with pink room noise at ``snr_db`` (None: clean)."""
    lead = np.zeros(int(0.4 * SAMPLE_RATE), dtype=np.float32)
    if not pauses:
        audio = np.concatenate([lead, speak(case.spoken, voice, wpm), lead])
    else:
        gap = np.zeros(int(PAUSE_S * SAMPLE_RATE), dtype=np.float32)
        parts: list[AudioArray] = [lead]
        for piece in case.pieces:
            parts += [speak(piece, voice, wpm), gap]
        audio = np.concatenate(parts)
    if snr_db is None:
        return audio
    seed = int(hashlib.sha1(f"{case.id}|{voice}|{pauses}|{wpm}".encode()).hexdigest()[:8], 16)
    return add_noise(audio, snr_db, seed)


def recording(case: DictationCase, set_name: str, voice: str, pauses: bool, wpm: int = 150,
              snr_db: float | None = None) -> Path:
    cond = "" if (wpm, snr_db) == (150, None) else f"-{wpm}-{snr_db}"
    path = CACHE / set_name / f"{case.id}-{voice}-{'pauses' if pauses else 'breath'}{cond}.wav"
    if not path.exists():
        write_wav(path, synthesize(case, voice, pauses, wpm, snr_db))
    return path


def live(model: SpeechModel, audio: AudioArray, settings: Settings,
         keep_whisper_marks: bool, word_probs: bool = False) -> tuple[str, str]:
    """The dictation screen's path: replay through LivePipeline as fast as the
    model goes, each committed segment fed to a DictationSession."""
    from assistant.dictation import DictationSession
    from assistant.pipeline import LivePipeline
    from assistant.replay import FileSource
    from assistant.streaming.events import PipelineEvent, TranscriptUpdate
    from assistant.tui.dictate import dictation_settings

    session = DictationSession(keep_whisper_marks, model.name)
    pieces: list[str] = []

    def on_event(event: PipelineEvent) -> None:  # pipeline thread; the session is ours
        if isinstance(event, TranscriptUpdate):
            for seg in event.committed:
                pieces.append(seg.text)
                session.feed(seg.text, seg.words if word_probs else None)

    pipeline = LivePipeline(FileSource(audio, realtime=False), model,
                            dictation_settings(settings), on_event)
    pipeline.start()
    pipeline.wait()
    pipeline.stop()
    session.finish()
    return " | ".join(pieces), session.text


def _raw_cache(args: argparse.Namespace, model_name: str, options: DecodeOptions,
               case: DictationCase, voice: str, pauses: bool, cond: str = "") -> Path | None:
    """Where the recogniser's text of this recording is kept (``--raw-cache``)."""
    if args.raw_cache is None:
        return None
    key = (f"{model_name}|{options}|{args.margin}|{args.live}|{case.dictated}|{voice}|{pauses}"
           f"{cond}")
    digest = hashlib.sha1(key.encode()).hexdigest()[:16]
    return Path(args.raw_cache) / f"{args.set}-{case.id}-{digest}.json"


def _word_probs(args: argparse.Namespace, model: SpeechModel, options: DecodeOptions,
                audio: AudioArray, cached: Path | None) -> list[Word]:
    """The recording's words with their probabilities (``--word-probs``): a
    decode with word timestamps, kept beside the raw text. Only for the
    probabilities: with word timestamps faster-whisper decodes the silence
    after the last word again (often the prompt's commands), so the text
    stays the plain decode's; its words are matched to these."""
    path = cached.with_suffix(".words.json") if cached is not None else None
    if path is not None and path.is_file():
        rows = json.loads(path.read_text(encoding="utf-8"))["words"]
        return [Word(0.0, 0.0, t, p) for t, p in rows]
    words = [w for s in model.transcribe(audio, replace(options, word_timestamps=True))
             for w in s.words]
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"words": [(w.text, w.probability) for w in words]},
                                   ensure_ascii=False), encoding="utf-8")
    return words


def _apply_live(raw: str, keep_whisper_marks: bool, model_name: str) -> str:
    """A cached live run: its committed pieces (" | "-joined) fed one by one."""
    from assistant.dictation import DictationSession

    session = DictationSession(keep_whisper_marks, model_name)
    for piece in raw.split(" | "):
        session.feed(piece)
    session.finish()
    return session.text


def decode_options(settings: Settings, prompt: str) -> DecodeOptions:
    """The batch decoding options for ``--prompt``: "dictation" as ``assistant
    transcribe --dictation`` (the dictation prompt whatever the clip's length:
    with decoding.prompt_min_s a recording said in one breath, under 10 s, was
    decoded without it), "counter" as a plain transcription, "none" without one."""
    options = DecodeOptions.from_settings(settings)
    if prompt == "counter":
        return options
    if prompt == "none":
        return replace(options, initial_prompt=None)
    return replace(options, initial_prompt=DICTATION_PROMPT, prompt_min_s=0.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("dev", "heldout", "heldout2", "heldout3", "heldout4",
                                          "heldout5", "heldout6", "heldout7", "heldout8",
                                          "heldout9", "heldout10", "heldout11"),
                        default="heldout11")
    parser.add_argument("--prompt", choices=("dictation", "counter", "none"), default="dictation",
                        help="decoder prompt (default: the dictation prompt, as the command)")
    parser.add_argument("--keep-whisper-marks", action="store_true")
    parser.add_argument("--margin", type=float, default=0.0,
                        help="experiment: decode a recording shorter than 30 s in a window "
                             "of its length + MARGIN s (SpeechModel.transcribe_short)")
    parser.add_argument("--show", action="store_true", help="print each output")
    parser.add_argument("--voices", default="fr1,fr4",
                        help="development voices only (fr1 fr4 fr5 fr7 ca1 ca2)")
    parser.add_argument("--wpm", type=int, default=150, help="speaking rate")
    parser.add_argument("--noise", type=float, default=None,
                        help="pink room noise at this SNR in dB (default: clean)")
    parser.add_argument("--raw-cache", type=Path, default=None,
                        help="keep what Whisper wrote for each recording in this folder (keyed "
                             "by model, decoding options and recording) and reuse it: rules "
                             "compared before/after on the very same transcripts")
    parser.add_argument("--word-probs", action="store_true",
                        help="give the rules Whisper's word probabilities (batch: from a "
                             "second decode with word timestamps; live: the engine's own), "
                             "as the dictation screen does (heard.sure_head)")
    parser.add_argument("--live", action="store_true",
                        help="go through the live path instead (LivePipeline, greedy streaming "
                             "engine, commands applied piece by piece as on the dictation screen)")
    args = parser.parse_args()
    if args.live and args.word_probs and args.raw_cache is not None:
        parser.error("--live --word-probs needs the engine's words: not with --raw-cache")

    from assistant.audiofile import load_audio

    settings = load_settings()
    cases = load_cases(DATA / f"{args.set}.json")
    model = load_model(settings)  # as the command: [model] settings, ASSISTANT_MODEL__* overrides
    options = decode_options(settings, args.prompt)

    voices = [check_voice(f"mb-{v.strip().removeprefix('mb-')}") for v in args.voices.split(",")]
    cond = "" if (args.wpm, args.noise) == (150, None) else f"|{args.wpm}|{args.noise}"
    by_variant: dict[str, list[WerCount]] = {"breath": [], "pauses": []}
    by_voice: dict[str, list[WerCount]] = {v: [] for v in voices}
    rows = []
    decode_s = audio_s = 0.0
    for case in cases:
        for voice in voices:
            for pauses in (False, True):
                audio = load_audio(recording(case, args.set, voice, pauses, args.wpm,
                                             args.noise))
                t0 = time.perf_counter()
                cached = _raw_cache(args, model.name, options, case, voice, pauses, cond)
                if cached is not None and cached.is_file():
                    raw = json.loads(cached.read_text(encoding="utf-8"))["raw"]
                    out = (_apply_live(raw, args.keep_whisper_marks, model.name) if args.live
                           else apply_dictation(raw, args.keep_whisper_marks, model.name))
                elif args.live:
                    raw, out = live(model, audio, settings, args.keep_whisper_marks,
                                    args.word_probs)
                else:
                    if args.margin:
                        segments = model.transcribe_short(
                            audio, replace(options, vad_filter=False), margin_s=args.margin)
                    else:
                        segments = model.transcribe(audio, options)
                    raw = " ".join(s.text for s in segments)
                    out = apply_dictation(raw, args.keep_whisper_marks, model.name)
                if args.word_probs and not args.live:
                    out = apply_dictation(raw, args.keep_whisper_marks, model.name,
                                          _word_probs(args, model, options, audio, cached))
                if cached is not None and not cached.is_file():
                    cached.parent.mkdir(parents=True, exist_ok=True)
                    cached.write_text(json.dumps({"raw": raw}, ensure_ascii=False),
                                      encoding="utf-8")
                decode_s += time.perf_counter() - t0
                audio_s += len(audio) / SAMPLE_RATE
                left = command_words_left(case.expected, out)
                br = line_breaks(case.expected, out)
                we = word_errors(case.expected, out)
                me = mark_errors(case.expected, out)
                rows.append((left, br, we, me))
                by_variant["pauses" if pauses else "breath"].append(we)
                by_voice[voice].append(we)
                tag = f"{case.id} {voice} {'pauses' if pauses else 'breath'}"
                print(f"{tag:26} left={left} breaks={br.present}/{br.expected}"
                      f"(+{br.extra}) wer={we.rate:6.1%} marks-wer={me.rate:6.1%}")
                if args.show:
                    print(f"   raw: {raw}\n   out: {out!r}\n   exp: {case.expected!r}")
    left_total = sum(r[0] for r in rows)
    present = sum(r[1].present for r in rows)
    expected = sum(r[1].expected for r in rows)
    extra = sum(r[1].extra for r in rows)
    w = total([r[2] for r in rows])
    m = total([r[3] for r in rows])
    print(f"\nset={args.set} prompt={args.prompt} path={'live' if args.live else 'batch'} "
          f"recordings={len(rows)} "
          f"({len(voices)} voices x breath/pauses, {args.wpm} wpm, "
          f"{'clean' if args.noise is None else f'{args.noise:g} dB'}), "
          f"audio {audio_s:.0f} s, decoded in {decode_s:.0f} s")
    print(f"command words left : {left_total}   (target 0)")
    print(f"line breaks present: {present}/{expected}   extra: {extra}   (target all)")
    print(f"WER                : {w.rate:.1%}   ({w.errors}/{w.words}; target <= 20 %)")
    print(f"WER with marks     : {m.rate:.1%}   (punctuation marks counted as words)")
    print("WER by variant     : " + ", ".join(
        f"{name} {total(counts).rate:.1%}" for name, counts in by_variant.items()))
    print("WER by voice       : " + ", ".join(
        f"{name[3:]} {total(counts).rate:.1%}" for name, counts in by_voice.items()))
    ok = left_total == 0 and present == expected and w.rate <= 0.20
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
