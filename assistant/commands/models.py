"""``assistant models``: list installed models, show the active one, install the bundled one."""

from __future__ import annotations

import argparse

HELP = "Lister les modèles de reconnaissance installés (et installer le modèle fourni)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", choices=["list", "install", "verify"], default="list",
                        help="list (défaut), install : assembler le modèle fourni, "
                             "verify : contrôler ses empreintes SHA-256")
    parser.add_argument("--path", action="store_true",
                        help="afficher seulement le dossier du modèle actif")
    parser.add_argument("--force", action="store_true", help="réinstaller même s'il est correct")


def run(args: argparse.Namespace) -> int:
    from assistant import modelstore
    from assistant.errors import ModelError
    from assistant.settings import DEFAULT_MODEL_NAME, load_settings

    settings = load_settings()
    if args.action == "install":
        path = modelstore.install(DEFAULT_MODEL_NAME, settings.model.store, force=args.force)
        print(f"Modèle {DEFAULT_MODEL_NAME} installé et vérifié : {path}")
        return 0
    if args.action == "verify":
        folder = settings.model.store / DEFAULT_MODEL_NAME
        modelstore.check_model_folder(folder)
        bad = modelstore.verify(folder)
        if bad:
            raise ModelError(
                f"Empreinte SHA-256 incorrecte dans {folder} : {', '.join(bad)}.",
                "Réinstallez-le : assistant models install --force",
            )
        print(f"Modèle {DEFAULT_MODEL_NAME} conforme au manifeste : {folder}")
        return 0
    if args.path:
        print(modelstore.active_model_path(settings))
        return 0
    models = modelstore.list_models(settings)
    if not models:
        print(f"Aucun modèle installé dans {settings.model.store}.")
        print(modelstore.SETUP_HINT)
        return 1
    for info in models:
        mark = "*" if info.active else " "
        state = "complet" if info.complete else "INCOMPLET"
        print(f"{mark} {info.name:<24} {info.size_bytes / 1e6:8.1f} Mo  {state:<9}  {info.path}")
    active = next((m for m in models if m.active), None)
    if active is None:
        print("Aucun modèle actif utilisable : vérifiez le réglage model.path.")
        return 1
    print(f"Modèle actif (*) : {active.path}")
    return 0
