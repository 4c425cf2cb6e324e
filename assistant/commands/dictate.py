"""``assistant dictate``: the dictation screen for back-office letters and notes."""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.commands._source_args import add_source_arguments

HELP = "Dicter un courrier ou une note : commandes vocales, correction au clavier, export."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_source_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from assistant.errors import AudioFileError
    from assistant.settings import load_settings

    settings = load_settings()
    replay: Path | None = args.replay
    if replay is not None and not replay.is_file():
        raise AudioFileError(f"Fichier introuvable : {replay}.",
                             "Vérifiez le chemin de l'enregistrement à rejouer.")
    from assistant.tui.dictate import DictationApp, DictationConfig

    app = DictationApp(DictationConfig(settings=settings, device=args.device, replay=replay))
    app.run()
    app.shutdown()
    if app.saved_session is not None:
        print(f"Fiche enregistrée : session n° {app.saved_session}.")
    for path in app.exported:
        print(f"Exporté : {path}")
    return 0
