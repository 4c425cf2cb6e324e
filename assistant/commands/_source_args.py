"""The audio-source options shared by the live screens (live, dictate)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.settings import Settings


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    """``--device`` (a microphone) or ``--replay`` (a recording at speaking pace)."""
    parser.add_argument("--device", metavar="MICRO",
                        help="micro : numéro ou partie du nom (voir « assistant devices »)")
    parser.add_argument("--replay", metavar="FICHIER", type=Path,
                        help="rejouer un enregistrement au rythme de la parole, au lieu du micro")


def add_channels_argument(parser: argparse.ArgumentParser) -> None:
    """``--channels agent,usager``: who speaks on each channel of a stereo source."""
    parser.add_argument("--channels", metavar="RÔLES",
                        help="micro ou enregistrement stéréo : le rôle de chaque canal dans "
                             "l'ordre (agent,usager) pour savoir qui parle ; défaut : réglage "
                             "capture.channels")


def add_speakers_argument(parser: argparse.ArgumentParser) -> None:
    """``--speakers channels|voice|off``: how to tell who speaks (``speakers.mode``)."""
    parser.add_argument("--speakers", choices=["channels", "voice", "off"],
                        help="qui parle : channels (un rôle par canal, --channels), voice "
                             "(un seul micro : par la voix ; voir « assistant voix »), off ; "
                             "défaut : réglage speakers.mode")


def speakers_mode(args: argparse.Namespace, settings: Settings) -> str:
    given = getattr(args, "speakers", None)
    return str(given) if given else settings.speakers.mode


def with_speakers(args: argparse.Namespace, settings: Settings) -> Settings:
    """``settings`` with ``speakers.mode`` from ``--speakers`` when it is given."""
    mode = speakers_mode(args, settings)
    if mode == settings.speakers.mode:
        return settings
    speakers = settings.speakers.model_copy(update={"mode": mode})
    return settings.model_copy(update={"speakers": speakers})


def voice_labelling(settings: Settings) -> object:
    """The one-microphone labeller (models checked) with the enrolled voice, if any."""
    from assistant.diarize.enroll import load_voice, load_voice_models, voice_file
    from assistant.diarize.labeller import VoiceLabelling

    return VoiceLabelling(load_voice_models(settings), load_voice(voice_file(settings)))


def channels_of(args: argparse.Namespace, settings: Settings) -> tuple[str, ...]:
    """The roles from ``--channels``, else from ``capture.channels`` (empty: mono)."""
    from assistant.speakers import parse_channels

    given = getattr(args, "channels", None)
    if given:
        return parse_channels(given)
    return tuple(settings.capture.channels)


def with_channels(args: argparse.Namespace, settings: Settings) -> Settings:
    """``settings`` with ``capture.channels`` from ``--channels`` when it is given."""
    roles = list(channels_of(args, settings))
    if roles == settings.capture.channels:
        return settings
    capture = settings.capture.model_copy(update={"channels": roles})
    return settings.model_copy(update={"capture": capture})
