"""``assistant live``: the counter app (also what plain ``assistant`` opens)."""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.commands._source_args import (
    add_channels_argument,
    add_source_arguments,
    add_speakers_argument,
    with_channels,
    with_speakers,
)

HELP = "Ouvrir l'application de l'accueil : transcription en direct, fiche, relecture."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_source_arguments(parser)
    add_channels_argument(parser)
    add_speakers_argument(parser)


def run(args: argparse.Namespace) -> int:
    return launch(device=args.device, replay=args.replay, open_session=args.replay is not None,
                  args=args)


def launch(*, device: str | None, replay: Path | None, open_session: bool,
           args: argparse.Namespace | None = None) -> int:
    """Start the app; a bad argument is a French error before the screen opens."""
    from assistant.errors import AudioFileError
    from assistant.settings import load_settings

    settings = load_settings()
    if args is not None:
        settings = with_speakers(args, with_channels(args, settings))
    if replay is not None and not replay.is_file():
        raise AudioFileError(f"Fichier introuvable : {replay}.",
                             "Vérifiez le chemin de l'enregistrement à rejouer.")
    from assistant.tui import strings as S
    from assistant.tui.app import AppConfig, build_app

    config = AppConfig(settings=settings, device=device, replay=replay,
                       open_session=open_session)
    app = build_app(config)
    app.run()
    if app.kept_to_confirm:
        print(S.SAVED_ON_QUIT)
    return 0 if app.return_code in (None, 0) else int(app.return_code)
