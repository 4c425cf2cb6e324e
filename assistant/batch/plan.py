"""What a batch has to do: the recordings found, where each one's outputs go,
and which are already done.

A recording is done when, beside its outputs, a small sidecar
(``.<name>.assistant.json``) holds the SHA-256 of the recording and the
fingerprint of the settings that made them, and every requested output file
is there. Outputs and sidecars are written atomically (a temporary file in the
same folder, then ``os.replace``): an interrupted batch leaves either the old
file or the new one, and the sidecar is written last.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant import __version__
from assistant.errors import InputError

AUDIO_SUFFIXES = frozenset({".wav", ".flac", ".mp3", ".ogg", ".opus", ".oga", ".m4a", ".aac",
                            ".wma", ".webm", ".mp4", ".aiff", ".aif"})
"""File name endings taken from a folder; a file named on the command line is
always taken, whatever its ending."""
SIDECAR_SUFFIX = ".assistant.json"


@dataclass(frozen=True, slots=True)
class Recording:
    """One recording of the batch and where its outputs go."""

    source: Path
    label: str
    """How the agent named it: the path given, or its path inside the folder given."""
    stem: Path
    """Output path without its format suffix (``DIR/sub/name``)."""

    def output(self, fmt: str) -> Path:
        return self.stem.with_name(f"{self.stem.name}.{fmt}")

    @property
    def sidecar(self) -> Path:
        return self.stem.with_name(f".{self.stem.name}{SIDECAR_SUFFIX}")


def find_recordings(inputs: Sequence[Path], out_dir: Path, recursive: bool) -> list[Recording]:
    """The recordings named by ``inputs`` (files, or folders of recordings).

    A folder's recordings keep their sub-folders under ``out_dir``. Two
    recordings whose outputs would have the same name are an ``InputError``.
    """
    found: list[Recording] = []
    for given in inputs:
        if given.is_dir():
            pattern = "**/*" if recursive else "*"
            inside = sorted(p for p in given.glob(pattern)
                            if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES
                            and not p.name.startswith("."))
            if not inside:
                raise InputError(
                    f"Aucun enregistrement dans le dossier {given}.",
                    "Ajoutez --recursive pour chercher aussi dans ses sous-dossiers."
                    if not recursive else "Vérifiez le dossier (WAV, FLAC, MP3, OGG, M4A…).")
            for path in inside:
                rel = path.relative_to(given)
                found.append(Recording(path.absolute(), str(given / rel),
                                       out_dir / rel.parent / path.stem))
        else:
            found.append(Recording(given.absolute(), str(given), out_dir / given.stem))
    clashes: dict[Path, list[str]] = {}
    for rec in found:
        clashes.setdefault(rec.stem, []).append(rec.label)
    same = [labels for labels in clashes.values() if len(labels) > 1]
    if same:
        listed = " ; ".join(" et ".join(labels) for labels in same[:3])
        raise InputError(
            f"Plusieurs enregistrements donneraient le même fichier de sortie : {listed}.",
            "Renommez l'un d'eux ou transcrivez-les dans des dossiers de sortie différents.")
    return found


def file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes. Raises OSError when it cannot be read."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(parts: dict[str, object]) -> str:
    """A short stable digest of the settings that shape an output."""
    data = json.dumps({"assistant": __version__, **parts}, sort_keys=True, default=_plain,
                      ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def _plain(value: object) -> object:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)  # type: ignore[call-overload]
    return str(value)


def is_done(rec: Recording, sha256: str, settings_fp: str, formats: Iterable[str]) -> bool:
    """Whether every output of ``formats`` exists for this very recording and settings."""
    try:
        side = json.loads(rec.sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(side, dict):
        return False
    if side.get("sha256") != sha256 or side.get("settings") != settings_fp:
        return False
    written = side.get("formats") or []
    return all(fmt in written and rec.output(fmt).is_file() for fmt in formats)


def write_outputs(rec: Recording, sha256: str, settings_fp: str,
                  texts: dict[str, str]) -> list[Path]:
    """Write each rendering atomically, then the sidecar that marks them done."""
    rec.stem.parent.mkdir(parents=True, exist_ok=True)
    targets = []
    for fmt, text in texts.items():
        target = rec.output(fmt)
        atomic_write(target, text)
        targets.append(target)
    kept: list[str] = []
    try:
        old = json.loads(rec.sidecar.read_text(encoding="utf-8"))
        if old.get("sha256") == sha256 and old.get("settings") == settings_fp:
            kept = [f for f in old.get("formats", []) if rec.output(f).is_file()]
    except (OSError, ValueError, AttributeError):
        pass
    side = {"recording": rec.label, "sha256": sha256, "settings": settings_fp,
            "formats": sorted(set(kept) | set(texts))}
    atomic_write(rec.sidecar, json.dumps(side, ensure_ascii=False, indent=1) + "\n")
    return targets


def atomic_write(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` through a temporary file and ``os.replace``."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
