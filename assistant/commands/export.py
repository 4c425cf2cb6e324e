"""``assistant export ID --format json|md|txt|srt|vtt``: one session, identifiers masked.

txt and md lay the note out as the ``share`` settings say (docs/share.md); a
session the agent has not confirmed is exported all the same, with a French line
saying so in the export and on stderr."""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.commands._store_args import session_id

HELP = "Exporter une session (json, md, txt, srt, vtt), identifiants masqués."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", type=session_id, help="numéro de la session (assistant sessions)")
    parser.add_argument(
        "--format", default="json", help="json (défaut), md, txt, srt ou vtt"
    )
    parser.add_argument("-o", "--output", type=Path, help="fichier à écrire (défaut : écran)")
    parser.add_argument(
        "--no-mask", action="store_true",
        help="laisser les identifiants en clair (pour l'agent seul ; noté au journal)",
    )


def run(args: argparse.Namespace) -> int:
    import os
    import sys

    from assistant.errors import InputError
    from assistant.exporting import parse_format, render
    from assistant.notetext import UNCONFIRMED_LINE, NoteLayout
    from assistant.settings import load_settings
    from assistant.store import open_store

    fmt = parse_format(args.format)
    masked = not args.no_mask
    settings = load_settings()
    with open_store(settings) as store:
        bundle = store.bundle(args.id)
        text = render(bundle, fmt, masked=masked, layout=NoteLayout.of(settings.share))
        if bundle.note is None:
            print(UNCONFIRMED_LINE, file=sys.stderr)
        if args.output is not None:
            try:
                fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(text)
            except OSError as exc:
                raise InputError(
                    f"Impossible d'écrire {args.output} ({exc.strerror}).",
                    "Choisissez un dossier où vous pouvez écrire.",
                ) from None
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
        store.record_export(args.id, fmt.value, masked)
        if not masked:
            store.record_reveal(args.id, f"export {fmt.value} en clair")
    return 0
