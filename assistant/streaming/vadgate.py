"""The engine's voice-activity gate: speech probabilities over the buffer, utterance ends.

Audio is cut into ``VAD_WINDOW`` windows as it arrives; the detector gives
each a speech probability. With hysteresis (a window is speech above
``threshold``, silence below ``neg_threshold``), the gate follows whether
someone is speaking, when the current utterance began and when speech last
ended, and records an endpoint once the silence after speech has lasted
``endpoint_s``. The probabilities stay aligned with the engine's buffer, so
the engine can ask whether a word lies on speech, or how much speech a pass
skipped. Pure: no clock, times are stream seconds.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from assistant.streaming.protocols import VAD_WINDOW, VoiceDetector
from assistant.types import SAMPLE_RATE, AudioArray

WINDOW_S = VAD_WINDOW / SAMPLE_RATE


class VadGate:
    """Voice activity over the engine's buffer, one probability per window."""

    def __init__(self, detector: VoiceDetector, threshold: float, neg_threshold: float,
                 endpoint_s: float) -> None:
        self.detector = detector
        self.threshold = threshold
        self.neg_threshold = neg_threshold
        self.endpoint_s = endpoint_s
        self.probs = np.zeros(0, dtype=np.float32)  # one per VAD window of the buffer
        self._pending = np.zeros(0, dtype=np.float32)  # samples not yet a full window
        self.in_speech = False  # voice active, its endpoint not reached yet
        self.speech_end_s = 0.0  # end of the last speech window
        self.utterance_start_s = 0.0  # first speech window of the current utterance
        self.silence_s = 0.0
        self.endpoints: list[float] = []  # speech ends whose silence reached endpoint_s

    def feed(self, samples: AudioArray, stream_end_s: float) -> bool:
        """Run the detector on the whole windows ``samples`` completes (``stream_end_s``:
        where ``samples`` ends). False when no window was complete yet."""
        pending = np.concatenate((self._pending, samples))
        n = len(pending) // VAD_WINDOW
        self._pending = pending[n * VAD_WINDOW :]
        if not n:
            return False
        windows = pending[: n * VAD_WINDOW].reshape(n, VAD_WINDOW)
        probs = np.asarray(self.detector.probabilities(windows), dtype=np.float32).reshape(-1)
        self.probs = np.concatenate((self.probs, probs))
        end_of_new = stream_end_s - len(self._pending) / SAMPLE_RATE
        for k, p in enumerate(probs):
            t_end = end_of_new - (n - 1 - k) * WINDOW_S
            if p >= self.threshold:
                if not self.in_speech:
                    self.utterance_start_s = t_end - WINDOW_S
                    self.in_speech = True
                self.speech_end_s = t_end
                self.silence_s = 0.0
            elif self.in_speech and p < self.neg_threshold:
                self.silence_s += WINDOW_S
                if self.silence_s >= self.endpoint_s:
                    self.in_speech = False
                    self.endpoints.append(self.speech_end_s)
            elif not self.in_speech:
                self.silence_s += WINDOW_S
        return True

    def has_speech(self, start_s: float, end_s: float, buffer_start_s: float) -> bool:
        """Whether speech was seen under (or right around) ``[start_s, end_s]``."""
        return speech_around(self.probs, self.neg_threshold, start_s, end_s, buffer_start_s)

    def speech_s(self, from_s: float, to_s: float, buffer_start_s: float) -> float:
        """Seconds of speech between ``from_s`` and ``to_s``."""
        lo = max(0, int((from_s - buffer_start_s) / WINDOW_S))
        n = int((to_s - buffer_start_s) / WINDOW_S)
        if n <= lo:
            return 0.0
        return float(np.sum(self.probs[lo:n] >= self.threshold)) * WINDOW_S

    def drop_windows(self, count: int) -> None:
        """Forget the first ``count`` windows (the buffer was cut)."""
        self.probs = self.probs[count:]

    def restart(self) -> None:
        """A new stretch of audio: no window, no speech, no endpoint pending."""
        self.probs = np.zeros(0, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)
        self.in_speech = False
        self.endpoints = []
        self.silence_s = 0.0
        self.detector.reset()


def speech_around(probs: npt.NDArray[np.float32], neg_threshold: float, start_s: float,
                  end_s: float, buffer_start_s: float) -> bool:
    """Whether a window of ``probs`` (one per VAD window from ``buffer_start_s``)
    under or within 0.2 s of ``[start_s, end_s]`` reaches ``neg_threshold``;
    True beyond the windows seen yet. Pure, for ``streaming.passes``."""
    lo = max(0, int((start_s - 0.2 - buffer_start_s) / WINDOW_S))
    hi = min(len(probs), int((end_s + 0.2 - buffer_start_s) / WINDOW_S) + 1)
    if hi <= lo:
        return True  # beyond what the VAD has seen yet: keep it
    return bool(np.max(probs[lo:hi]) >= neg_threshold)
