"""``assistant demo``: the live app replaying the sample appointment made at set-up."""

from __future__ import annotations

import argparse

HELP = "Démonstration sans micro : l'application rejoue un rendez-vous d'exemple."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    from assistant.errors import AudioFileError
    from assistant.paths import DEMO_SAMPLE
    from assistant.settings import load_settings

    recording = load_settings().demo.samples / DEMO_SAMPLE
    if not recording.is_file():
        raise AudioFileError(
            f"L'enregistrement de démonstration est absent : {recording}.",
            "Dans une copie du dépôt, « bash scripts/setup.sh » (ou « python "
            "scripts/make_samples.py ») le génère ; sinon, rejouez un enregistrement à vous : "
            "« assistant live --replay FICHIER ».",
        )
    from assistant.commands.live import launch

    return launch(device=None, replay=recording, open_session=True)
