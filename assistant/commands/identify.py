"""``assistant identify --kind KIND [--json] FILE``: read one identifier from a recording.

The capture path on a recording: the number is found in what was said (the
agent's question or « allez-y » around it may be there too), decoded again
with the output restricted to number words, digits and letters, and checked.
A number that cannot be read, or that fails its check, is a French message
and exit code 1; never an invented value.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.errors import AssistantError, InputError

HELP = "Lire un numéro (NIR, téléphone, allocataire…) dans un enregistrement."


class NotReadError(AssistantError):
    """No valid value was heard (exit code 1)."""

    exit_code = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from assistant.identify.kinds import BY_CLI_NAME

    parser.add_argument("file", type=Path, metavar="FICHIER",
                        help="enregistrement où le numéro est dit")
    parser.add_argument("--kind", "-k", required=True, metavar="TYPE",
                        help="type de numéro : " + ", ".join(BY_CLI_NAME))
    parser.add_argument("--json", action="store_true",
                        help='imprimer {"kind", "value", "valid", "confidence", "heard"}')
    parser.add_argument("--model", "-m", metavar="MODELE",
                        help="dossier d'un modèle faster-whisper, ou nom dans models/")


def run(args: argparse.Namespace) -> int:
    from assistant.asr import load_model
    from assistant.audiofile import load_audio
    from assistant.identify.kinds import BY_CLI_NAME, RULES
    from assistant.identify.reader import read_identifier
    from assistant.notes.models import VERIFY_BELOW
    from assistant.settings import load_settings

    rule = BY_CLI_NAME.get(str(args.kind).lower())
    if rule is None:
        raise InputError(f"Type de numéro inconnu : {args.kind!r}.",
                         "Choisissez parmi : " + ", ".join(BY_CLI_NAME) + ".")
    audio = load_audio(args.file)
    settings = load_settings()
    model = load_model(settings, args.model)
    reading = read_identifier(model, audio, rule.kind,
                              rescore=settings.identify.score_neighbours,
                              verify=settings.identify.verify_capture)
    if args.json:
        print(json.dumps({
            "kind": rule.cli_name, "value": reading.value, "valid": reading.valid,
            "confidence": reading.confidence, "heard": reading.heard,
        }, ensure_ascii=False))
    if not reading.valid:
        heard = f" (entendu : « {reading.heard} »)" if reading.heard else ""
        what = (f"La lecture de {args.file} est trop incertaine pour proposer un numéro "
                f"({RULES[rule.kind].label}){heard}." if reading.shares else
                f"Aucun {RULES[rule.kind].label} valide n'a été entendu dans {args.file}{heard}.")
        raise NotReadError(
            what, "Faites redire le numéro groupe par groupe, ou saisissez-le à la main.")
    if not args.json:
        shown = " ".join(reading.groups)
        sure = "" if reading.confidence >= VERIFY_BELOW else "  (à vérifier)"
        print(f"{shown}{sure}")
        print(f"{RULES[rule.kind].label} : {reading.value} — confiance "
              f"{round(reading.confidence * 100)} %", file=sys.stderr)
    return 0
