"""pyannote segmentation-3.0 through onnxruntime: who speaks when, locally.

The model reads 10 s of 16 kHz audio and gives, every 270 samples (16.9 ms),
log-probabilities over seven powerset classes: nobody, one of three local
speakers, or two of them at once. The local speakers are numbered per
window only: speaker 1 of one window need not be speaker 1 of the next.
``local_activity`` turns the classes into per-speaker activity; the core
(``assistant.diarize.core``) uses it to find where the voice changes inside
a recognised segment.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from assistant.errors import ModelError

WINDOW_S = 10.0
STEP_S = 5.0
FRAME_HOP = 270
FRAME_SPAN = 721
SAMPLE_RATE = 16000

# Powerset classes -> the local speakers each holds.
_POWERSET = np.array([
    [0, 0, 0],  # nobody
    [1, 0, 0], [0, 1, 0], [0, 0, 1],
    [1, 1, 0], [1, 0, 1], [0, 1, 1],
], dtype=np.float32)


@dataclass(frozen=True, slots=True)
class WindowActivity:
    """One window's per-frame activity of its three local speakers (0..1)."""

    start_s: float
    activity: npt.NDArray[np.float32]
    """(frames, 3)"""

    def frame_times(self) -> npt.NDArray[np.float64]:
        """Centre of each frame, in seconds from the start of the audio."""
        n = self.activity.shape[0]
        centres: npt.NDArray[np.float64] = self.start_s + (
            np.arange(n) * FRAME_HOP + FRAME_SPAN / 2) / SAMPLE_RATE
        return centres


class Segmenter:
    """The ONNX session (CPU, ``threads`` intra-op threads)."""

    def __init__(self, model_path: Path, threads: int = 1) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        options.enable_cpu_mem_arena = False  # its arena kept ~40 MB after one window
        options.log_severity_level = 4
        try:
            self.session = ort.InferenceSession(str(model_path), sess_options=options,
                                                providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own types
            raise ModelError(f"Modèle de segmentation des voix illisible : {model_path} ({exc}).",
                             "Réinstallez-le : « assistant models install --speakers --force ».") \
                from None

    def window(self, samples: np.ndarray) -> npt.NDArray[np.float32]:
        """(frames, 3) activity of one window of at most 10 s (shorter is zero-padded)."""
        n = int(WINDOW_S * SAMPLE_RATE)
        chunk = np.zeros(n, dtype=np.float32)
        chunk[: min(n, len(samples))] = samples[:n]
        logp = self.session.run(None, {"input": chunk[None, None, :]})[0][0]
        probs = np.exp(logp.astype(np.float32))
        activity: npt.NDArray[np.float32] = probs @ _POWERSET
        frames = max(1, (min(n, len(samples)) - FRAME_SPAN) // FRAME_HOP + 1)
        return activity[:frames]

    def windows(self, audio: np.ndarray, offset_s: float = 0.0,
                step_s: float = STEP_S) -> list[WindowActivity]:
        """Sliding 10 s windows every ``step_s`` over ``audio`` (the last one ends with it)."""
        n, step = int(WINDOW_S * SAMPLE_RATE), int(step_s * SAMPLE_RATE)
        starts = list(range(0, max(1, len(audio) - n + 1), step))
        if len(audio) > n and starts[-1] + n < len(audio):
            starts.append(len(audio) - n)
        return [WindowActivity(offset_s + s / SAMPLE_RATE, self.window(audio[s : s + n]))
                for s in starts]
