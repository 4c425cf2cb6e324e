"""Back-office batches on real parts: the bundled model, short recordings of
French speech (espeak-ng + MBROLA), a real ``dask scheduler`` with two
``dask worker`` processes from the venv on loopback, a real LocalCluster."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.asr import DecodeOptions, SpeechModel
from assistant.settings import load_settings
from assistant.types import SAMPLE_RATE
from tests.conftest import ROOT
from tools.tts import speak, write_wav

BIN = Path(sys.executable).parent
pytestmark = [pytest.mark.model, pytest.mark.slow]

SENTENCES = [
    ("mb-fr1", "Bonjour, je viens pour mon dossier."),
    ("mb-fr4", "Votre attestation est prête."),
    ("mb-fr5", "Il manque votre avis d'imposition."),
    ("mb-fr7", "Le versement arrive le douze mars."),
    ("mb-ca1", "Je voudrais changer mon adresse."),
    ("mb-ca2", "Merci beaucoup, bonne journée."),
]
KEYWORDS = ["dossier", "prête", "manque", "mars", "adresse", "journée"]


def clip(path: Path, voice: str, text: str) -> Path:
    pad = np.zeros(int(0.3 * SAMPLE_RATE), dtype=np.float32)
    write_wav(path, np.concatenate([pad, speak(text, voice), pad]))
    return path


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("archive")
    for n, (voice, text) in enumerate(SENTENCES):
        clip(folder / f"rdv{n}.wav", voice, text)
    return folder


def cli(*args: str) -> list[str]:
    return [str(BIN / "assistant"), "transcribe", *args]


def cli_env() -> dict[str, str]:
    return dict(os.environ, ASSISTANT_MODEL__CPU_THREADS="1")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli(*args), capture_output=True, text=True, env=cli_env(), cwd=ROOT,
                          timeout=240, check=False)


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """``dask scheduler`` and two single-thread ``dask worker`` (no nanny, so a
    killed worker stays dead), all on 127.0.0.1."""
    info = tmp_path / "scheduler.json"
    logs = (tmp_path / "dask.log").open("wb")
    procs: list[subprocess.Popen[bytes]] = []
    try:
        procs.append(subprocess.Popen(
            [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
             "--no-dashboard", "--scheduler-file", str(info)],
            stdout=logs, stderr=logs, env=cli_env()))
        address = read_address(info)
        assert address.startswith("tcp://127.0.0.1:")
        workers = [subprocess.Popen(
            [str(BIN / "dask"), "worker", address, "--nthreads", "1", "--no-nanny",
             "--no-dashboard", "--host", "127.0.0.1", "--name", f"w{n}"],
            stdout=logs, stderr=logs, env=cli_env()) for n in range(2)]
        procs += workers
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address, workers
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
        logs.close()


def summary(stderr: str) -> str:
    """The closing line that counts what was done."""
    return next(line for line in stderr.splitlines() if line.endswith(" en échec."))


def read_address(info: Path, wait_s: float = 60) -> str:
    """The scheduler's address, once it has written its file whole."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return str(json.loads(info.read_text())["address"])
        except (OSError, ValueError, KeyError):
            assert time.monotonic() < deadline, "dask scheduler did not start"
            time.sleep(0.1)


def outputs(out: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.glob("*.txt"))}


def test_scheduler_survives_a_lost_worker_then_skips_what_is_done(
        archive: Path, tmp_path: Path,
        dask_cluster: tuple[str, list[subprocess.Popen[bytes]]]) -> None:
    address, workers = dask_cluster
    out = tmp_path / "out"
    batch = subprocess.Popen(cli(str(archive), "--output", str(out), "--scheduler", address),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=cli_env(), cwd=ROOT)
    # Kill one worker as soon as the first recording is written: mid-batch.
    deadline = time.monotonic() + 180
    while not list(out.glob(".*.assistant.json")):
        assert batch.poll() is None, batch.communicate()
        assert time.monotonic() < deadline, "no recording done in time"
        time.sleep(0.05)
    done_at_kill = len(list(out.glob(".*.assistant.json")))
    assert workers[0].poll() is None
    workers[0].send_signal(signal.SIGKILL)
    _stdout, stderr = batch.communicate(timeout=240)
    assert done_at_kill < len(SENTENCES)
    assert batch.returncode == 0, stderr
    texts = outputs(out)
    assert sorted(texts) == [f"rdv{n}.txt" for n in range(len(SENTENCES))], stderr
    for n, word in enumerate(KEYWORDS):
        assert word in texts[f"rdv{n}.txt"].lower(), (n, texts)
    # The surviving worker loaded the model once for all its recordings.
    assert "modèle chargé 1 fois" in stderr and "chargé 2 fois" not in stderr, stderr
    assert "Traceback" not in stderr

    # A second run finds every output made from the same recording and settings.
    mtimes = {p: p.stat().st_mtime_ns for p in out.iterdir()}
    again = run_cli(str(archive), "-o", str(out), "--scheduler", address)
    assert again.returncode == 0, again.stderr
    assert summary(again.stderr).startswith("0 transcrit(s) (0.0 min d'audio")
    assert f"{len(SENTENCES)} déjà à jour, 0 en échec" in summary(again.stderr)
    assert {p: p.stat().st_mtime_ns for p in out.iterdir()} == mtimes

    # A recording whose bytes changed is done again, alone.
    clip(archive / "rdv0.wav", "mb-fr1", "Je viens déclarer une naissance.")
    third = run_cli(str(archive), "-o", str(out), "--scheduler", address)
    assert third.returncode == 0, third.stderr
    assert summary(third.stderr).startswith("1 transcrit(s)")
    assert f"{len(SENTENCES) - 1} déjà à jour, 0 en échec" in summary(third.stderr)
    assert "naissance" in (out / "rdv0.txt").read_text(encoding="utf-8").lower()


def test_local_jobs_report_bad_recordings_and_write_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    clip(folder / "guichet" / "matin.wav", "mb-fr4", "Votre dossier est complet.")
    clip(folder / "guichet" / "soir.wav", "mb-ca1", "Le versement arrive le douze mars.")
    whole = (folder / "guichet" / "matin.wav").read_bytes()
    (folder / "abime.wav").write_bytes(whole[: len(whole) // 3])
    write_wav(folder / "muet.wav", np.zeros(SAMPLE_RATE, dtype=np.float32))
    out = tmp_path / "out"
    proc = run_cli(str(folder), "--recursive", "-o", str(out), "-f", "txt", "-f", "srt",
                   "--jobs", "2")
    assert proc.returncode == 1, proc.stderr
    assert "dossier" in (out / "guichet" / "matin.txt").read_text(encoding="utf-8").lower()
    assert "mars" in (out / "guichet" / "soir.txt").read_text(encoding="utf-8").lower()
    assert (out / "guichet" / "soir.srt").read_text(encoding="utf-8").startswith("1\n00:00:")
    assert not list(out.glob("abime.*")) and not list(out.glob("muet.*"))
    assert not list(out.rglob("*.tmp"))
    err = proc.stderr
    assert "Enregistrements non transcrits" in err
    assert "abime.wav" in err and "tronqué ou abîmé" in err
    assert "muet.wav" in err and "silencieux" in err
    assert "2 fichier(s) sur 4 non transcrit(s)" in err
    assert "chargé 2 fois" not in err and "Traceback" not in err


def test_batched_path_keeps_every_sentence(speech_model: SpeechModel) -> None:
    """--batched: the audio cut at silences into chunks, decoded together; a
    sentence at a chunk's edge is kept (faster-whisper's VAD defaults lost
    whole turns of a long recording, docs/batch.md)."""
    pieces = []
    for n, (voice, text) in enumerate(SENTENCES * 2):
        pieces += [speak(text, voice), np.zeros(int((0.6 + n % 3) * SAMPLE_RATE), np.float32)]
    audio = np.concatenate(pieces)
    assert len(audio) / SAMPLE_RATE > 40
    options = replace(DecodeOptions.from_settings(load_settings()), batch_size=8)
    segments = speech_model.transcribe(audio, options)
    text = " ".join(s.text for s in segments).lower()
    for word in KEYWORDS:
        assert text.count(word) == 2, (word, text)
    assert [s.start for s in segments] == sorted(s.start for s in segments)
    assert segments[-1].end <= len(audio) / SAMPLE_RATE + 0.1
