"""``assistant transcribe FILE...``: batch transcription of recordings."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import AssistantError, InputError

if TYPE_CHECKING:
    from assistant.asr import DecodeOptions
    from assistant.settings import Settings

HELP = "Transcrire des enregistrements (WAV, FLAC, MP3…) en texte."

PROGRESS_MIN_S = 5.0
"""Recordings shorter than this get no progress bar."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from assistant.formats import FORMATS

    parser.add_argument("files", nargs="+", type=Path, metavar="FICHIER",
                        help="enregistrement(s) à transcrire")
    parser.add_argument("--format", "-f", choices=FORMATS, default="txt",
                        help="format du résultat (défaut : txt)")
    parser.add_argument("--output", "-o", type=Path, metavar="DOSSIER",
                        help="dossier où écrire <nom>.<format> ; sans lui, un seul fichier "
                             "va sur la sortie standard, plusieurs dans le dossier courant")
    parser.add_argument("--model", "-m", metavar="MODELE",
                        help="dossier d'un modèle faster-whisper, ou nom dans models/")
    parser.add_argument("--beam-size", type=int, metavar="N", help="largeur du faisceau")
    parser.add_argument("--language", "-l", metavar="LANGUE", help="langue parlée (défaut : fr)")
    parser.add_argument("--words", action="store_true",
                        help="horodatage de chaque mot (format json)")
    parser.add_argument("--no-prompt", action="store_true",
                        help="ne pas amorcer le modèle avec le vocabulaire des guichets")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="barre de progression sur stderr (défaut : si c'est un terminal)")
    parser.add_argument("--second-look", action=argparse.BooleanOptionalAction, default=None,
                        help="relire depuis l'audio les numéros dits après « numéro "
                             "allocataire », « sécurité sociale »… (défaut : réglage "
                             "identify.second_look, désactivé)")
    parser.add_argument("--dictation", action="store_true",
                        help="dictée : appliquer les commandes vocales (virgule, point à la "
                             "ligne…) et la typographie française (format txt)")


def _options(args: argparse.Namespace) -> tuple[Settings, DecodeOptions]:
    from dataclasses import replace

    from assistant.asr import DecodeOptions
    from assistant.settings import load_settings

    overrides: dict[str, object] = {}
    if args.beam_size is not None:
        if not 1 <= args.beam_size <= 10:
            raise InputError(f"Largeur de faisceau invalide : {args.beam_size}.",
                             "Choisissez un nombre entre 1 et 10 (5 par défaut).")
        overrides["beam_size"] = args.beam_size
    if args.language:
        overrides["language"] = args.language
    settings = load_settings()
    options = DecodeOptions.from_settings(settings)
    if args.no_prompt:
        overrides["initial_prompt"] = None
    if args.words:
        overrides["word_timestamps"] = True
    if getattr(args, "dictation", False):
        from assistant.dictation.prompt import DICTATION_PROMPT

        if args.format != "txt":
            raise InputError(f"La dictée ne s'écrit qu'en texte, pas en {args.format}.",
                             "Utilisez --format txt avec --dictation.")
        if settings.dictation.use_prompt and not args.no_prompt:
            overrides["initial_prompt"] = DICTATION_PROMPT
    return settings, replace(options, **overrides)  # type: ignore[arg-type]


def run(args: argparse.Namespace) -> int:
    from assistant.asr import load_model
    from assistant.batch import transcribe_file
    from assistant.formats import render

    settings, options = _options(args)
    files: list[Path] = args.files
    to_stdout = args.output is None and len(files) == 1
    out_dir: Path = args.output if args.output is not None else Path.cwd()
    if not to_stdout:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"Impossible de créer le dossier de sortie {out_dir} : {exc}.",
                             "Choisissez un dossier où vous pouvez écrire (--output).") from None
    model = load_model(settings, args.model)
    show_progress = sys.stderr.isatty() if args.progress is None else args.progress

    failures = 0
    for path in files:
        try:
            with _ProgressBar(path.name, enabled=show_progress) as bar:
                look = None if getattr(args, "dictation", False) else settings.identify
                if look is not None and args.second_look is not None:
                    look = look.model_copy(update={"second_look": args.second_look})
                transcript = transcribe_file(model, path, options, bar.update, look)
        except AssistantError as exc:
            failures += 1
            print(f"Erreur : {exc}", file=sys.stderr)
            continue
        text = render(transcript, args.format, words=options.word_timestamps)
        if getattr(args, "dictation", False):
            from assistant.dictation import apply_dictation

            text = apply_dictation(transcript.text, settings.dictation.keep_whisper_marks) + "\n"
        if to_stdout:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            target = out_dir / f"{path.stem}.{args.format}"
            target.write_text(text, encoding="utf-8")
            print(f"{path} → {target}", file=sys.stderr)
    if failures:
        print(f"{failures} fichier(s) sur {len(files)} non transcrit(s).", file=sys.stderr)
        return 1
    return 0


class _ProgressBar:
    """A rich progress bar with time left, on stderr, for recordings longer
    than a few seconds."""

    def __init__(self, label: str, enabled: bool) -> None:
        self.label = label
        self.enabled = enabled
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> _ProgressBar:
        return self

    def update(self, done: float, total: float) -> None:
        if not self.enabled or total < PROGRESS_MIN_S:
            return
        if self._progress is None:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f} %"),
                TimeElapsedColumn(),
                TextColumn("reste"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.label, total=total)
        assert self._task is not None
        self._progress.update(self._task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
