"""``assistant transcribe FILE...``: batch transcription of recordings."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.commands._source_args import (
    add_channels_argument,
    add_speakers_argument,
    channels_of,
    speakers_mode,
)
from assistant.errors import AssistantError, InputError

if TYPE_CHECKING:
    from assistant.asr import DecodeOptions
    from assistant.settings import IdentifySettings, Settings

HELP = "Transcrire des enregistrements (WAV, FLAC, MP3…) en texte."

BATCH_SIZE = 8
"""Chunks per batch with --batched (8 and 16 give the same text, docs/batch.md)."""
PROGRESS_MIN_S = 5.0
"""Recordings shorter than this get no progress bar."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from assistant.formats import FORMATS

    parser.add_argument("files", nargs="+", type=Path, metavar="DOSSIER|FICHIER",
                        help="enregistrement(s) à transcrire, ou dossier(s) d'enregistrements")
    parser.add_argument("--format", "-f", choices=FORMATS, action="append",
                        help="format du résultat (défaut : txt) ; à répéter pour en écrire "
                             "plusieurs (-f txt -f srt)")
    parser.add_argument("--output", "-o", type=Path, metavar="DOSSIER",
                        help="dossier où écrire <nom>.<format> ; sans lui, un seul fichier "
                             "va sur la sortie standard, plusieurs dans le dossier courant")
    parser.add_argument("--recursive", "-r", action="store_true",
                        help="chercher aussi les enregistrements des sous-dossiers (leur "
                             "arborescence est reproduite dans le dossier de sortie)")
    parser.add_argument("--jobs", "-j", type=int, metavar="N",
                        help="transcrire N enregistrements à la fois sur ce poste "
                             "(N processus Dask qui se partagent les cœurs)")
    parser.add_argument("--scheduler", metavar="tcp://HÔTE:PORT",
                        help="confier les enregistrements à un ordonnanceur Dask existant "
                             "(ses postes de calcul ont le projet et le modèle, et voient "
                             "les enregistrements au même chemin)")
    parser.add_argument("--batched", action="store_true",
                        help="longs enregistrements : décoder plusieurs passages à la fois "
                             "(1,5 à 2 fois plus rapide mesuré sur 5 min d'audio ; un segment "
                             "par passage de 30 s au plus, voir docs/batch.md)")
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
    parser.add_argument("--verify", action=argparse.BooleanOptionalAction, default=None,
                        help="avec --format json --words : marquer peu sûr un numéro "
                             "qu'une valeur voisine (83 pour 93) explique mieux dans "
                             "l'audio, pour que la fiche ne le reprenne pas (défaut : "
                             "réglage identify.verify, activé)")
    add_channels_argument(parser)
    add_speakers_argument(parser)
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
    if args.batched:
        overrides["batch_size"] = BATCH_SIZE
    if getattr(args, "dictation", False):
        from assistant.dictation.prompt import DICTATION_PROMPT

        other = [f for f in args.format or () if f != "txt"]
        if other:
            raise InputError(f"La dictée ne s'écrit qu'en texte, pas en {other[0]}.",
                             "Utilisez --format txt avec --dictation.")
        if settings.dictation.use_prompt and not args.no_prompt:
            overrides["initial_prompt"] = DICTATION_PROMPT
            overrides["prompt_min_s"] = 0.0  # dictations are short and need it
    return settings, replace(options, **overrides)  # type: ignore[arg-type]


def _look(args: argparse.Namespace, settings: Settings) -> IdentifySettings | None:
    """The identify settings (second look, verify), None for a dictation."""
    if getattr(args, "dictation", False):
        return None
    look = settings.identify
    if args.second_look is not None:
        look = look.model_copy(update={"second_look": args.second_look})
    if args.verify is not None:
        look = look.model_copy(update={"verify": args.verify})
    return look


def run(args: argparse.Namespace) -> int:
    settings, options = _options(args)
    files: list[Path] = args.files
    if args.jobs is not None and args.scheduler is not None:
        raise InputError("--jobs et --scheduler ne vont pas ensemble.",
                         "--jobs N : sur ce poste ; --scheduler : sur un cluster Dask existant.")
    if args.jobs is not None and args.jobs < 1:
        raise InputError(f"Nombre de processus invalide : {args.jobs}.",
                         "Indiquez --jobs 1 ou plus (au plus le nombre de cœurs, en général).")
    distributed = args.jobs is not None or args.scheduler is not None
    if speakers_mode(args, settings) == "voice" and getattr(args, "channels", None):
        raise InputError("--channels et --speakers voice ne vont pas ensemble.",
                         "Un rôle par canal (--channels) ou un seul micro, par la voix "
                         "(--speakers voice).")
    if args.output is None and len(files) == 1 and not files[0].is_dir() and not distributed:
        return _to_stdout(args, settings, options, files[0])
    from assistant.commands.transcribe_batch import run_archive

    return run_archive(args, settings, options, _look(args, settings))


def _to_stdout(args: argparse.Namespace, settings: Settings, options: DecodeOptions,
               path: Path) -> int:
    """One recording, its text on standard output (with a progress bar on a terminal)."""
    from assistant.asr import load_model
    from assistant.batch import transcribe_file
    from assistant.formats import render

    formats = args.format or ["txt"]
    if len(set(formats)) > 1:
        raise InputError("Un seul format peut aller sur la sortie standard.",
                         "Indiquez un dossier (--output) pour écrire plusieurs formats.")
    mode = speakers_mode(args, settings)
    channels = channels_of(args, settings) if mode == "channels" else ()
    voice = None
    if mode == "voice":
        if getattr(args, "channels", None):
            raise InputError("--channels et --speakers voice ne vont pas ensemble.",
                             "Un rôle par canal (--channels) ou un seul micro, par la voix "
                             "(--speakers voice).")
        from assistant.commands._source_args import voice_labelling

        voice = voice_labelling(settings)
    model = load_model(settings, args.model)
    show_progress = sys.stderr.isatty() if args.progress is None else args.progress
    try:
        with _ProgressBar(path.name, enabled=show_progress) as bar:
            transcript = transcribe_file(model, path, options, bar.update, _look(args, settings),
                                         channels, voice)  # type: ignore[arg-type]
    except AssistantError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        print("1 fichier(s) sur 1 non transcrit(s).", file=sys.stderr)
        return 1
    text = render(transcript, formats[0], words=options.word_timestamps)
    if getattr(args, "dictation", False):
        from assistant.dictation import apply_dictation

        # Word probabilities weigh the commands read by sound (heard.sure_head),
        # but only where --words computed them: turned on here, word timestamps
        # would change the decode (faster-whisper decodes the silence after the
        # last word again, often into the prompt's commands; docs/dictation.md).
        heard = [w for s in transcript.segments for w in s.words] or None
        text = apply_dictation(transcript.text, settings.dictation.keep_whisper_marks,
                               words=heard) + "\n"
    sys.stdout.write(text)
    sys.stdout.flush()
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
