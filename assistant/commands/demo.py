"""``assistant demo``: the live app replaying the sample appointment made at set-up."""

from __future__ import annotations

import argparse

from assistant.settings import PROJECT_ROOT

HELP = "Démonstration sans micro : l'application rejoue un rendez-vous d'exemple."

DEMO_RECORDING = PROJECT_ROOT / "audio" / "generated" / "demo-caf-aide-logement.wav"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    from assistant.errors import AudioFileError

    if not DEMO_RECORDING.is_file():
        raise AudioFileError(
            f"L'enregistrement de démonstration est absent : {DEMO_RECORDING}.",
            "Lancez « bash scripts/setup.sh » (ou « python scripts/make_samples.py ») "
            "pour le générer.",
        )
    from assistant.commands.live import launch

    return launch(device=None, replay=DEMO_RECORDING, open_session=True)
