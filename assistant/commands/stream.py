"""``assistant stream FILE [--realtime] --jsonl``: a recording through the live pipeline.

Prints one JSON object per line::

    {"event": "tentative"|"commit"|"status"|"end", "text", "start", "end", "at"}

commit and tentative events also carry ``speaker`` ("agent", "usager",
"autre", or null when unknown: no ``--channels``); commit events carry
``reason``, why the engine committed it (``endpoint``, ``deadline``…,
``assistant.streaming.ledger.CommitReason``).

``start``/``end`` are audio seconds, ``at`` wall-clock seconds since the
stream began; with ``--realtime`` the audio is fed at speaking pace, so
``at - end`` is the delay a person would see. Without ``--jsonl`` committed
text is printed as plain lines.

Extending: ``build_pipeline`` and ``EventPrinter`` are separate so that an
option (``--save``...) can add its own listener next to the printer.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from assistant.commands._source_args import (
    add_channels_argument,
    add_speakers_argument,
    with_channels,
    with_speakers,
)

if TYPE_CHECKING:
    from assistant.pipeline import LivePipeline
    from assistant.settings import Settings
    from assistant.streaming.events import PipelineEvent

HELP = "Transcrire un enregistrement comme en direct (texte provisoire puis validé)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FICHIER", help="enregistrement à rejouer")
    parser.add_argument("--realtime", action="store_true",
                        help="rejouer au rythme de la parole (sinon : aussi vite que possible)")
    parser.add_argument("--jsonl", action="store_true",
                        help="un objet JSON par ligne (tentative, commit, status, end)")
    parser.add_argument("--status", action="store_true",
                        help="avec --jsonl : inclure les événements d'état (niveau, retard)")
    parser.add_argument("--model", "-m", metavar="MODELE",
                        help="dossier d'un modèle faster-whisper, ou nom dans models/")
    parser.add_argument("--save", action="store_true",
                        help="garder la session (segments validés écrits au fil de l'eau)")
    add_channels_argument(parser)
    add_speakers_argument(parser)


class EventPrinter:
    """Writes pipeline events to a text stream (called from the pipeline thread)."""

    def __init__(self, out: TextIO, jsonl: bool, status: bool = False) -> None:
        self.out = out
        self.jsonl = jsonl
        self.status = status
        self.t0 = time.monotonic()
        self.error: BaseException | None = None
        self._last_tentative = ""

    def _write(self, obj: dict[str, object]) -> None:
        obj["at"] = round(time.monotonic() - self.t0, 3)
        self.out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        self.out.flush()

    def __call__(self, event: PipelineEvent) -> None:
        from assistant.streaming.events import EndEvent, ErrorEvent, StatusEvent, TranscriptUpdate

        if isinstance(event, TranscriptUpdate):
            reasons = event.reasons or (None,) * len(event.committed)
            for seg, reason in zip(event.committed, reasons, strict=True):
                if self.jsonl:
                    self._write({"event": "commit", "text": seg.text, "start": seg.start,
                                 "end": seg.end, "id": seg.id, "speaker": seg.speaker,
                                 "reason": reason})
                else:
                    self.out.write(seg.text + "\n")
                    self.out.flush()
            if self.jsonl and event.tentative != self._last_tentative:
                self._write({"event": "tentative", "text": event.tentative,
                             "start": event.tentative_start, "end": event.tentative_end,
                             "speaker": event.tentative_speaker})
            self._last_tentative = event.tentative
        elif isinstance(event, StatusEvent):
            if self.jsonl and self.status:
                self._write({"event": "status", "text": event.state, "start": None,
                             "end": event.audio_s, "lag": round(event.lag_s, 3),
                             "rms_dbfs": round(event.level.rms_dbfs, 1),
                             "overflows": event.overflows, "speaking": event.speaking})
        elif isinstance(event, ErrorEvent):
            if not event.recoverable:
                self.error = event.error
            print(f"Erreur : {event.error}", file=sys.stderr)
        elif isinstance(event, EndEvent) and self.jsonl:
            self._write({"event": "end", "text": event.reason, "start": None,
                         "end": round(event.audio_s, 3), "segments": event.segments})


def build_pipeline(args: argparse.Namespace, settings: Settings,
                   listeners: list[Callable[[PipelineEvent], None]]) -> LivePipeline:
    """The pipeline for ``args.file``; every event goes to each listener in turn."""
    from assistant.asr import load_model
    from assistant.pipeline import LivePipeline
    from assistant.replay import FileSource

    source = FileSource.from_file(args.file, realtime=args.realtime,
                                  block_ms=settings.capture.block_ms,
                                  queue_seconds=settings.capture.queue_seconds,
                                  channels=len(settings.capture.channels))
    model = load_model(settings, args.model)

    def fan_out(event: PipelineEvent) -> None:
        for listener in listeners:
            listener(event)

    return LivePipeline(source, model, settings, fan_out)


def run(args: argparse.Namespace) -> int:
    from assistant.errors import AssistantError
    from assistant.settings import load_settings

    settings = with_speakers(args, with_channels(args, load_settings()))
    printer = EventPrinter(sys.stdout, args.jsonl, args.status)
    listeners: list[Callable[[PipelineEvent], None]] = [printer]  # options add theirs here
    pipeline = build_pipeline(args, settings, listeners)
    if args.save:
        from assistant.store.recorder import attach_recorder

        recorder = attach_recorder(pipeline, settings, source=args.file.name)
        print(f"Session {recorder.session_id} enregistrée dans {recorder.store.path}.",
              file=sys.stderr)
    printer.t0 = time.monotonic()
    pipeline.start()
    try:
        pipeline.wait()
    except KeyboardInterrupt:
        pipeline.stop()
        raise
    pipeline.stop()
    if args.save:
        recorder.store.close()
    if isinstance(printer.error, AssistantError):
        raise printer.error
    return 0
