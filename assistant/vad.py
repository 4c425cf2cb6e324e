"""Voice activity detection: the Silero VAD model that faster-whisper ships,
run by onnxruntime, one decision per 512 samples (32 ms), state carried over
between calls so that it can follow a live stream.

The model file is located with ``importlib.util.find_spec`` so that
faster_whisper (and CTranslate2) is not imported just to find it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from assistant.errors import ModelError
from assistant.streaming.protocols import VAD_WINDOW

CONTEXT = 64
"""Samples of the previous window the v6 model sees before each window."""

_SETUP_HINT = ("Réinstallez le programme (« pip install --force-reinstall assistant »), "
               "ou lancez « bash scripts/setup.sh » dans une copie du dépôt.")


def silero_model_path() -> Path:
    """Where faster-whisper keeps ``silero_vad_v6.onnx``."""
    spec = importlib.util.find_spec("faster_whisper")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("Le paquet faster-whisper est introuvable : pas de détecteur de voix.",
                         _SETUP_HINT)
    for location in spec.submodule_search_locations:
        path = Path(location) / "assets" / "silero_vad_v6.onnx"
        if path.is_file():
            return path
    raise ModelError(
        "Le modèle de détection de voix silero_vad_v6.onnx manque dans faster-whisper.",
        _SETUP_HINT,
    )


class SileroVad:
    """Stateful streaming Silero VAD (implements ``VoiceDetector``)."""

    def __init__(self, path: Path | None = None) -> None:
        try:
            import onnxruntime
        except ImportError as exc:  # pragma: no cover - install problem
            raise ModelError(f"onnxruntime est introuvable ({exc}).", _SETUP_HINT) from None
        model = path or silero_model_path()
        opts = onnxruntime.SessionOptions()
        opts.inter_op_num_threads = 1
        opts.intra_op_num_threads = 1
        opts.enable_cpu_mem_arena = False
        opts.log_severity_level = 4
        try:
            self._session: Any = onnxruntime.InferenceSession(
                str(model), providers=["CPUExecutionProvider"], sess_options=opts
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise ModelError(f"Détecteur de voix illisible : {model} ({exc}).",
                             _SETUP_HINT) from None
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)

    def probabilities(self, windows: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        windows = np.asarray(windows, dtype=np.float32).reshape(-1, VAD_WINDOW)
        if not len(windows):
            return np.zeros(0, dtype=np.float32)
        # Each window is preceded by the last CONTEXT samples of the one before.
        previous = np.concatenate((self._context[None, :], windows[:-1, -CONTEXT:]), axis=0)
        batch = np.concatenate((previous, windows), axis=1)
        out, self._h, self._c = self._session.run(
            None, {"input": batch, "h": self._h, "c": self._c}
        )
        self._context = windows[-1, -CONTEXT:].copy()
        return np.asarray(out, dtype=np.float32).reshape(-1)
