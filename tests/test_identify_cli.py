"""`assistant identify` on the real model: a number found in speech around it,
read back in its groups; every bad input a French message and an exit code."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import french_speech, silence
from tests.test_transcribe import run_cli
from tools.tts import write_wav

pytestmark = pytest.mark.model

PHONE_SAID = ("Allez-y, je vous écoute. Oui alors c'est le zéro six, dix-huit, dix-neuf, "
              "zéro neuf, trente-sept.")


@pytest.fixture(scope="module")
def phone_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("identify") / "telephone.wav"
    write_wav(path, french_speech(PHONE_SAID, "mb-fr4"))
    return path


def test_phone_number_found_among_other_words(phone_clip: Path) -> None:
    proc = run_cli("identify", "--kind", "telephone", str(phone_clip))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].startswith("06 18 19 09 37")
    assert "0618190937" in proc.stderr


def test_json_object(phone_clip: Path) -> None:
    proc = run_cli("identify", "--kind", "telephone", "--json", str(phone_clip))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) == {"kind", "value", "valid", "confidence", "heard"}
    assert data["value"] == "0618190937" and data["valid"] is True
    assert 0.0 < data["confidence"] <= 1.0
    assert "37" in data["heard"]


def test_a_number_of_another_kind_is_not_invented(phone_clip: Path) -> None:
    """Ten digits are no NIR: exit 1, a French message, no value."""
    proc = run_cli("identify", "--kind", "nir", "--json", str(phone_clip))
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["value"] is None and data["valid"] is False
    assert "Aucun numéro de sécurité sociale valide" in proc.stderr
    assert "groupe par groupe" in proc.stderr


def test_speech_without_a_number(tmp_path: Path) -> None:
    path = tmp_path / "bonjour.wav"
    write_wav(path, french_speech("Bonjour madame, je viens pour mon dossier de logement."))
    proc = run_cli("identify", "--kind", "allocataire", str(path))
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "Aucun numéro allocataire valide" in proc.stderr


def test_bad_inputs(tmp_path: Path, phone_clip: Path) -> None:
    empty = tmp_path / "vide.wav"
    empty.write_bytes(b"")
    quiet = tmp_path / "muet.wav"
    write_wav(quiet, silence(2.0))
    corrupt = tmp_path / "abime.wav"
    corrupt.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt " + bytes(np.arange(200, dtype=np.uint8)))
    for path, words in [(tmp_path / "absent.wav", "introuvable"), (empty, "vide"),
                        (quiet, "silencieux"), (corrupt, "abime.wav")]:
        proc = run_cli("identify", "--kind", "telephone", str(path))
        assert proc.returncode == 4, (path, proc.stderr)
        assert proc.stderr.startswith("Erreur : ") and words in proc.stderr, proc.stderr
        assert "→" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("identify", "--kind", "passeport", str(phone_clip))
    assert proc.returncode == 2
    assert "Type de numéro inconnu : 'passeport'" in proc.stderr and "nir" in proc.stderr
    proc = run_cli("identify", str(phone_clip))
    assert proc.returncode == 2 and "--kind" in proc.stderr
