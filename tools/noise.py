"""Room noise for development recordings: pink noise mixed at a chosen SNR.

One copy for every benchmark and evaluation that adds noise (identifier
exchanges, appointments per condition, speakers): the SNR is measured
against the speech's voiced power, so pauses between turns do not dilute it.
"""

from __future__ import annotations

import numpy as np

from assistant.types import SAMPLE_RATE, AudioArray


def pink_noise(n: int, rng: np.random.Generator) -> AudioArray:
    """``n`` samples of pink (1/f power) noise with unit power: white noise
    shaped by 1/sqrt(f) in the frequency domain."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n)
    scale = np.zeros_like(freqs)
    scale[1:] = 1.0 / np.sqrt(freqs[1:])
    noise = np.fft.irfft(spectrum * scale, n)
    out: AudioArray = (noise / np.sqrt(np.mean(noise**2))).astype(np.float32)
    return out


def voiced_power(audio: AudioArray, frame_s: float = 0.02, floor_db: float = 35.0) -> float:
    """Mean power of the frames within ``floor_db`` of the loudest one (the
    voiced part; pauses between turns and words do not dilute it)."""
    size = int(frame_s * SAMPLE_RATE)
    frames = audio[: len(audio) // size * size].astype(np.float64).reshape(-1, size)
    energy = np.mean(frames**2, axis=1)
    if energy.size == 0 or energy.max() <= 0:
        return 0.0
    voiced = energy[energy >= energy.max() * 10 ** (-floor_db / 10)]
    return float(np.mean(voiced))


def add_noise(audio: AudioArray, snr_db: float, seed: int) -> AudioArray:
    """``audio`` plus pink noise at ``snr_db`` against the speech's voiced power."""
    power = voiced_power(audio)
    noise = pink_noise(len(audio), np.random.default_rng(seed))
    mixed = audio + noise * np.float32(np.sqrt(power / 10 ** (snr_db / 10)))
    return np.clip(mixed, -1.0, 1.0).astype(np.float32)
