"""The audio-source options shared by the live screens (live, dictate)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    """``--device`` (a microphone) or ``--replay`` (a recording at speaking pace)."""
    parser.add_argument("--device", metavar="MICRO",
                        help="micro : numéro ou partie du nom (voir « assistant devices »)")
    parser.add_argument("--replay", metavar="FICHIER", type=Path,
                        help="rejouer un enregistrement au rythme de la parole, au lieu du micro")
