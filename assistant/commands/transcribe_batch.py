"""``assistant transcribe`` on several recordings or folders: the batch
(``assistant.batch.run_batch``) with a rich progress bar, one status line per
recording, and a closing table of the recordings that could not be done.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.commands._source_args import channels_of, speakers_mode
from assistant.errors import InputError

if TYPE_CHECKING:
    from assistant.asr import DecodeOptions
    from assistant.batch import BatchReport, Outcome
    from assistant.settings import IdentifySettings, Settings


def run_archive(args: argparse.Namespace, settings: Settings, options: DecodeOptions,
                look: IdentifySettings | None) -> int:
    from assistant.batch import plan_batch, run_batch

    out_dir: Path = args.output if args.output is not None else Path.cwd()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"Impossible de créer le dossier de sortie {out_dir} : {exc}.",
                         "Choisissez un dossier où vous pouvez écrire (--output).") from None
    formats = tuple(dict.fromkeys(args.format or ["txt"]))
    mode = speakers_mode(args, settings)
    voice_print = None
    if mode == "voice":
        from assistant.diarize.enroll import load_voice, load_voice_models, voice_file

        load_voice_models(settings)  # missing models: a French error before any file
        enrolled = load_voice(voice_file(settings))
        voice_print = [float(x) for x in enrolled] if enrolled is not None else None
    plan = plan_batch(args.files, out_dir, settings, formats=formats, recursive=args.recursive,
                      model=args.model, options=options, look=look,
                      dictation=getattr(args, "dictation", False),
                      channels=channels_of(args, settings) if mode == "channels" else (),
                      voice=mode == "voice", voice_print=voice_print)
    show_bar = sys.stderr.isatty() if args.progress is None else args.progress
    view = BatchView(show_bar)
    start = time.perf_counter()
    try:
        report = run_batch(plan, jobs=args.jobs, scheduler=args.scheduler, listener=view)
    finally:
        view.close()
    view.summary(report, time.perf_counter() - start)
    return 1 if report.count("failed") else 0


class BatchView:
    """The batch on stderr: a progress bar (on a terminal) over one line per recording."""

    def __init__(self, show_bar: bool) -> None:
        from rich.console import Console

        self.console = Console(stderr=True, highlight=False)
        self.show_bar = show_bar
        self._progress: Any = None
        self._task: Any = None

    def started(self, total: int, to_do: int) -> None:
        if total > to_do:
            self.console.print(f"{total} enregistrement(s), dont {total - to_do} déjà "
                               "transcrit(s) avec les mêmes réglages.", soft_wrap=True)
        if not self.show_bar or not to_do:
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
            MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("reste"),
            TimeRemainingColumn(), console=self.console, transient=True)
        self._progress.start()
        self._task = self._progress.add_task("Transcription", total=to_do)

    def finished(self, outcome: Outcome) -> None:
        from rich.markup import escape

        label = escape(outcome.label)
        if outcome.status == "done":
            outputs = ", ".join(escape(str(p)) for p in outcome.outputs)
            line = f"[green]✓[/] {label} → {outputs}"
        elif outcome.status == "skipped":
            line = f"[dim]= {label} : déjà à jour, ignoré[/]"
        else:
            first = (outcome.error or "").splitlines()[0] if outcome.error else ""
            line = f"[red]✗[/] {label} : {escape(first)}"
        self.console.print(line, soft_wrap=True)
        if self._progress is not None and outcome.status != "skipped":
            self._progress.advance(self._task)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def summary(self, report: BatchReport, wall_s: float) -> None:
        from rich.markup import escape
        from rich.table import Table

        failed = [o for o in report.outcomes if o.status == "failed"]
        if failed:
            table = Table(title="Enregistrements non transcrits", title_justify="left",
                          show_lines=True)
            table.add_column("Enregistrement", overflow="fold")
            table.add_column("Problème", overflow="fold")
            for o in failed:
                table.add_row(escape(o.label), escape(o.error or ""))
            self.console.print(table)
        done, skipped = report.count("done"), report.count("skipped")
        audio_min = report.audio_s / 60
        self.console.print(
            f"{done} transcrit(s) ({audio_min:.1f} min d'audio en {wall_s:.0f} s), "
            f"{skipped} déjà à jour, {len(failed)} en échec.", soft_wrap=True)
        for w in report.workers:
            self.console.print(
                f"  processus {escape(w.name)} : {w.recordings} enregistrement(s), modèle "
                f"chargé {w.models_loaded} fois, mémoire max "
                f"{'inconnue' if w.peak_rss_mb is None else f'{w.peak_rss_mb:.0f} Mo'}",
                soft_wrap=True)
        if failed:
            self.console.print(f"{len(failed)} fichier(s) sur {len(report.outcomes)} non "
                               "transcrit(s).", soft_wrap=True)
