"""``assistant config``: print the effective settings and where they come from."""

from __future__ import annotations

import argparse

HELP = "Afficher les réglages en vigueur (fichier TOML et variables ASSISTANT_…)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="au format JSON")


def run(args: argparse.Namespace) -> int:
    import json

    from assistant.settings import config_file, load_settings

    settings = load_settings()
    data = settings.model_dump(mode="json")
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    path = config_file()
    print(f"# Fichier de réglages : {path} ({'présent' if path.exists() else 'absent'})")
    print("# Variables d'environnement : ASSISTANT_<SECTION>__<CHAMP>")
    for section, fields in data.items():
        print(f"\n[{section}]")
        for key, value in fields.items():
            print(f"{key} = {json.dumps(value, ensure_ascii=False)}")
    return 0
