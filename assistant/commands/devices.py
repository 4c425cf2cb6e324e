"""``assistant devices``: the input devices PortAudio sees, default marked."""

from __future__ import annotations

import argparse

HELP = "Lister les micros (numéro, nom, API, canaux, fréquence) ; * : celui par défaut."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--device", "-d", metavar="MICRO",
                        help="vérifier qu'un micro (numéro ou partie du nom) est utilisable")


def run(args: argparse.Namespace) -> int:
    from assistant.capture import list_input_devices, resolve_device
    from assistant.errors import CaptureError

    devices = list_input_devices()
    if not devices:
        raise CaptureError(
            "Aucun micro (périphérique d'entrée audio) n'est disponible sur ce poste.",
            "Branchez un micro ou un casque et vérifiez qu'il est activé dans les réglages du son.",
        )
    for dev in devices:
        mark = "*" if dev.is_default else " "
        print(f"{mark} {dev.index:>3}  {dev.name}  [{dev.host_api}, "
              f"{dev.channels} canal{'aux' if dev.channels > 1 else ''}, "
              f"{dev.sample_rate:.0f} Hz]")
    if args.device is not None:
        chosen = resolve_device(args.device)
        print(f"Micro choisi : {chosen.index} ({chosen.name})")
    return 0
