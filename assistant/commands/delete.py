"""``assistant delete ID``: erase one session and everything about it."""

from __future__ import annotations

import argparse

from assistant.commands._store_args import session_id

HELP = "Effacer une session (transcription, fiche, audio) ; le journal garde qui et quand."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", type=session_id, help="numéro de la session (assistant sessions)")
    parser.add_argument("-y", "--yes", action="store_true", help="ne pas demander confirmation")


def run(args: argparse.Namespace) -> int:
    import sys

    from assistant.errors import InputError
    from assistant.settings import load_settings
    from assistant.store import open_store

    with open_store(load_settings()) as store:
        record = store.session(args.id)
        if not args.yes:
            if not sys.stdin.isatty():
                raise InputError(
                    f"Effacement de la session {args.id} non confirmé.",
                    "Ajoutez --yes pour effacer sans question.",
                )
            answer = input(
                f"Effacer définitivement la session {record.id} "
                f"({record.segment_count} segments) ? [o/N] "
            )
            if answer.strip().lower() not in ("o", "oui", "y", "yes"):
                print("Rien n'a été effacé.")
                return 1
        store.delete_session(args.id)
    print(f"Session {args.id} effacée.")
    return 0
