"""The package installs like real software: a wheel built from the tree,
installed into a fresh virtual environment (no system or checkout packages),
used from another folder with a fresh home: the model goes to the user's data
folder (``models install --from`` a copied model folder), is verified, and a
real recording is transcribed. The wheel holds the product only.

About a minute on a 2-core machine (pip resolves the dependencies from the
configured package sources: PyPI or the site's mirror), so it runs in the
default suite; ``-m "not slow"`` skips it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED_EVAL, french_speech
from tools.tts import write_wav
from tools.wer import wer

pytestmark = [pytest.mark.model, pytest.mark.slow]

NOT_SHIPPED = (".venv", ".git", "models", "audio", "build", "dist", "*.egg-info", "__pycache__",
               ".mypy_cache", ".ruff_cache", ".pytest_cache", "tmp")


def _run(cmd: list[str], cwd: Path | None = None,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=cwd, env=env)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the tree (a build in place would reuse a
    stale build/ folder)."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(*NOT_SHIPPED))
    proc = _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                 str(base / "dist"), str(src)])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (found,) = (base / "dist").glob("assistant-*.whl")
    return found


def test_wheel_ships_the_product_only(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "assistant/model_manifest.json" in names
    assert "assistant/py.typed" in names
    assert "assistant/cli.py" in names
    assert all(n.startswith(("assistant/", "assistant-")) for n in names), names
    test_only = [n for n in names if n.endswith(("/tts.py", "/wer.py", "/cases.py"))]
    assert not test_only, test_only
    shipped = json.loads(zipfile.ZipFile(wheel).read("assistant/model_manifest.json"))
    assert shipped == json.loads((ROOT / "assistant/model_manifest.json").read_text())


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A real recording (FLEURS) when ../shared is here, else synthetic speech."""
    real = SHARED_EVAL / "audio" / "real"
    if (real / "manifest.json").is_file():
        item = json.loads((real / "manifest.json").read_text(encoding="utf-8"))[0]
        return real / item["file"], str(item["reference"])
    text = "Je viens déclarer un changement de situation à la caisse d'allocations familiales."
    path = tmp_path_factory.mktemp("clip") / "phrase.wav"
    write_wav(path, french_speech(text))
    return path, text


def test_installed_copy_outside_the_tree(wheel: Path, model_dir: Path, clip: tuple[Path, str],
                                         tmp_path: Path) -> None:
    venv, home, elsewhere = tmp_path / "venv", tmp_path / "home", tmp_path / "ailleurs"
    home.mkdir()
    elsewhere.mkdir()
    proc = _run([sys.executable, "-m", "venv", str(venv)])
    assert proc.returncode == 0, proc.stderr
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    proc = _run([str(bindir / "python"), "-m", "pip", "install", "-q", str(wheel)])
    assert proc.returncode == 0, proc.stdout + proc.stderr

    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ASSISTANT_", "XDG_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), USERPROFILE=str(home), ASSISTANT_MODEL__CPU_THREADS="2")
    data = home / ".local" / "share" / "assistant"

    def assistant(*args: str) -> subprocess.CompletedProcess[str]:
        return _run([str(bindir / "assistant"), *args], cwd=elsewhere, env=env)

    # The installed package, not the checkout.
    proc = _run([str(bindir / "python"), "-c", "import assistant, sys; print(assistant.__file__); "
                 "import importlib.util as u; sys.exit(u.find_spec('tools') is not None)"],
                cwd=elsewhere, env=env)
    assert proc.returncode == 0 and str(venv) in proc.stdout, proc.stdout + proc.stderr

    audio, reference = clip
    proc = assistant("transcribe", str(audio))
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "assistant models install" in proc.stderr

    proc = assistant("models", "install", "--from", str(model_dir))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (data / "models" / "whisper-base" / "model.bin").is_file()
    proc = assistant("models", "verify")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = assistant("models", "--path")
    assert proc.stdout.strip() == str(data / "models" / "whisper-base")

    proc = assistant("transcribe", str(audio))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert wer(reference, proc.stdout) < 0.4, proc.stdout
    assert not list(elsewhere.iterdir())  # nothing written in the working folder

    # A damaged file is named, with the way out, and the exit code says so.
    with (data / "models" / "whisper-base" / "tokenizer.json").open("ab") as fh:
        fh.write(b" ")
    proc = assistant("models", "verify")
    assert proc.returncode == 3
    assert "tokenizer.json" in proc.stderr and "--force" in proc.stderr, proc.stderr
