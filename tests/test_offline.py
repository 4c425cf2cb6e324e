"""Loading the model and transcribing open no network connection.

Two proofs: a Python audit hook that fails on any socket use in-process, and
the real command in a network namespace with no interface but loopback down
(root only, as on CI).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, french_speech
from tools.tts import write_wav

pytestmark = pytest.mark.model

PROBE = r"""
import sys
def hook(event, args):
    if event.startswith("socket.") and event != "socket.__new__" or event == "urllib.Request":
        raise SystemExit(f"NETWORK: {event} {args!r}")
sys.addaudithook(hook)
from pathlib import Path
from assistant.asr import SpeechModel, DecodeOptions
from assistant.batch import transcribe_file
m = SpeechModel(Path(sys.argv[1]), "int8", 2)
t = transcribe_file(m, Path(sys.argv[2]), DecodeOptions(beam_size=1, vad_filter=True))
print("OK", t.text)
"""


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("offline") / "phrase.wav"
    write_wav(path, french_speech("Je viens déclarer un changement de situation."))
    return path


def test_no_socket_opened(model_dir: Path, clip: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGINGFACE"))}
    proc = subprocess.run([sys.executable, "-c", PROBE, str(model_dir), str(clip)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("OK ")
    assert "NETWORK" not in proc.stdout + proc.stderr


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("unshare") is None,
                    reason="a private network namespace needs root and unshare")
def test_transcribe_without_any_network(clip: Path) -> None:
    assistant = str(Path(sys.executable).parent / "assistant")
    proc = subprocess.run(["unshare", "--net", assistant, "transcribe", str(clip)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env=dict(os.environ, ASSISTANT_MODEL__CPU_THREADS="2"))
    assert proc.returncode == 0, proc.stderr
    assert "situation" in proc.stdout.lower()
