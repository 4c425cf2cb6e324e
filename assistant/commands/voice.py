"""``assistant voix``: the agent's enrolled voice (one-microphone speaker labels).

``assistant voix enregistrer FICHIER`` or ``--micro`` (about 10 s of the
agent speaking alone) keeps a voice print on this workstation; with
``speakers.mode = "voice"`` the labeller then takes the voice most like it for
the agent. ``assistant voix`` says whether one is kept; ``assistant voix
effacer`` deletes it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "Enregistrer la voix de l'agent (pour savoir qui parle avec un seul micro)."
RECORD_S = 10.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", choices=["etat", "enregistrer", "effacer"],
                        default="etat",
                        help="etat (défaut) : dire si une voix est enregistrée ; enregistrer ; "
                             "effacer")
    parser.add_argument("file", nargs="?", type=Path, metavar="FICHIER",
                        help="enregistrer : un enregistrement de votre voix seule (10 s environ)")
    parser.add_argument("--micro", action="store_true",
                        help="enregistrer : parler 10 secondes dans le micro")
    parser.add_argument("--device", metavar="MICRO",
                        help="micro : numéro ou partie du nom (voir « assistant devices »)")
    parser.add_argument("--seconds", type=float, default=RECORD_S, metavar="S",
                        help="--micro : durée de l'enregistrement (défaut : 10)")


def _record(device: str | None, seconds: float, block_ms: int) -> object:
    from assistant.capture import MicrophoneSource
    from assistant.diarize.enroll import record_voice

    print(f"Parlez normalement pendant {seconds:.0f} secondes…", flush=True)
    return record_voice(MicrophoneSource(device, block_ms=block_ms), seconds)


def run(args: argparse.Namespace) -> int:
    from assistant.diarize import enroll
    from assistant.errors import InputError
    from assistant.settings import load_settings

    settings = load_settings()
    path = enroll.voice_file(settings)
    if args.action == "etat":
        if enroll.load_voice(path) is None:
            print(f"Aucune voix enregistrée ({path}).")
            print("Pour l'enregistrer : assistant voix enregistrer --micro")
        else:
            print(f"Voix de l'agent enregistrée : {path}")
        mode = settings.speakers.mode
        print(f"Réglage speakers.mode = {mode}"
              + (" (les voix ne sont pas distinguées : mettez « voice »)" if mode != "voice"
                 else ""))
        return 0
    if args.action == "effacer":
        print("Voix effacée." if enroll.forget_voice(path) else "Aucune voix à effacer.")
        return 0
    if (args.file is None) == (not args.micro):
        raise InputError("Donnez soit un enregistrement de votre voix, soit --micro.",
                         "Exemple : assistant voix enregistrer --micro")
    models = enroll.load_voice_models(settings)  # missing: said before asking to speak
    if args.micro:
        audio = _record(args.device or settings.capture.device, args.seconds,
                        settings.capture.block_ms)
    else:
        from assistant.audiofile import load_audio

        audio = load_audio(args.file)
    speech = enroll.enroll_and_keep(settings, audio, models)  # type: ignore[arg-type]
    print(f"Voix de l'agent enregistrée ({speech:.1f} s de parole) : {path}")
    if settings.speakers.mode != "voice":
        print("Pour s'en servir : réglage speakers.mode = \"voice\" "
              "(ou ASSISTANT_SPEAKERS__MODE=voice).")
    return 0
