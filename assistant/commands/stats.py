"""``assistant stats --from --to``: counts over a period, with no identifier at all.

The figures France services reports: appointments, confirmed notes, counts by
reason and by body, and complex situations (blocked dossiers).
"""

from __future__ import annotations

import argparse

from assistant.commands._store_args import iso_date

HELP = "Compter les rendez-vous d'une période par motif, par organisme et situations complexes."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="start", type=iso_date, required=True,
                        help="premier jour (AAAA-MM-JJ)")
    parser.add_argument("--to", dest="end", type=iso_date, required=True,
                        help="dernier jour inclus (AAAA-MM-JJ)")
    parser.add_argument("--format", choices=("json", "csv"), default="json",
                        help="json (défaut) ou csv")


def run(args: argparse.Namespace) -> int:
    import csv
    import json
    import sys

    from assistant.errors import InputError
    from assistant.settings import load_settings
    from assistant.store import open_store

    if args.end < args.start:
        raise InputError(
            f"Période vide : du {args.start} au {args.end}.",
            "--to doit être le même jour que --from ou après.",
        )
    with open_store(load_settings()) as store:
        stats = store.stats(args.start, args.end)
    if args.format == "json":
        print(json.dumps({
            "from": stats.start.isoformat(),
            "to": stats.end.isoformat(),
            "sessions": stats.sessions,
            "confirmed_notes": stats.confirmed_notes,
            "complex_situations": stats.complex_situations,
            "by_reason": {c.code: c.count for c in stats.by_reason},
            "by_body": {c.code: c.count for c in stats.by_body},
        }, indent=2))
        return 0
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["category", "code", "count"])
    out.writerow(["total", "sessions", stats.sessions])
    out.writerow(["total", "confirmed_notes", stats.confirmed_notes])
    out.writerow(["total", "complex_situations", stats.complex_situations])
    out.writerows(["reason", c.code, c.count] for c in stats.by_reason)
    out.writerows(["body", c.code, c.count] for c in stats.by_body)
    return 0
