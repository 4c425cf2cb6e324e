"""``assistant purge``: apply the retention periods now."""

from __future__ import annotations

import argparse

HELP = "Effacer les sessions dont la durée de conservation est passée."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="résultat au format JSON")


def run(args: argparse.Namespace) -> int:
    import json

    from assistant.settings import load_settings
    from assistant.store import open_store, retention_policy

    settings = load_settings()
    policy = retention_policy(settings)
    with open_store(settings, purge=False) as store:
        report = store.purge_expired(policy)
    if args.json:
        print(json.dumps({
            "unconfirmed": report.unconfirmed,
            "confirmed": report.confirmed,
            "audio_files": report.audio_files,
            "retention_unconfirmed_days": policy.unconfirmed_days,
            "retention_confirmed_days": policy.confirmed_days,
        }))
        return 0
    print(
        f"{report.total} session(s) effacée(s) : {report.unconfirmed} non confirmée(s) "
        f"(plus de {policy.unconfirmed_days} j), {report.confirmed} confirmée(s) "
        f"(plus de {policy.confirmed_days} j), {report.audio_files} fichier(s) audio."
    )
    return 0
