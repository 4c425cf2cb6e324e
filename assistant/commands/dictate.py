"""``assistant dictate``: the dictation screen for back-office letters and notes."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "Dicter un courrier ou une note : commandes vocales, correction au clavier, export."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--device", metavar="MICRO",
                        help="micro : numéro ou partie du nom (voir « assistant devices »)")
    parser.add_argument("--replay", metavar="FICHIER", type=Path,
                        help="rejouer un enregistrement au rythme de la parole, au lieu du micro")


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
