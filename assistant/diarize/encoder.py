"""The voice encoder: Resemblyzer's speaker embedding, run on numpy alone.

A 3-layer LSTM (256 units) over 40-band mel power spectra (25 ms windows,
10 ms hop) of 1.6 s partial utterances; the last hidden state goes through a
linear layer and a ReLU, is L2-normed, and the partials of an utterance are
averaged (Resemblyzer 0.1.4's ``embed_utterance``, rate 1.3 partials per
second). Two utterances of one voice have a cosine similarity near 1; two
voices lower. Pure numpy: the weights come in as arrays (``weights.py``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from assistant.diarize.blas import one_thread

SAMPLE_RATE = 16000
N_FFT = 400
HOP = 160
N_MELS = 40
PARTIAL_FRAMES = 160
RATE = 1.3
MIN_COVERAGE = 0.75
TARGET_DBFS = -30.0
EMBED_SIZE = 256

Vector = npt.NDArray[np.float32]


def _hz_to_mel(f: np.ndarray) -> np.ndarray:
    """Slaney's mel scale (librosa's default): linear to 1 kHz, then logarithmic."""
    f_sp = 200.0 / 3
    mels = f / f_sp
    min_log_hz = 1000.0
    logstep = np.log(6.4) / 27.0
    log_t = f >= min_log_hz
    mels = np.where(log_t, min_log_hz / f_sp + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep,
                    mels)
    return mels


def _mel_to_hz(m: np.ndarray) -> np.ndarray:
    f_sp = 200.0 / 3
    min_log_mel = 1000.0 / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(m >= min_log_mel, 1000.0 * np.exp(logstep * (m - min_log_mel)), f_sp * m)


def mel_filters(sr: int = SAMPLE_RATE, n_fft: int = N_FFT, n_mels: int = N_MELS) -> np.ndarray:
    """librosa.filters.mel(sr, n_fft, n_mels) with its defaults (Slaney, area-normalised)."""
    fft_freqs = np.linspace(0, sr / 2, 1 + n_fft // 2)
    mel_f = _mel_to_hz(np.linspace(_hz_to_mel(np.array(0.0)), _hz_to_mel(np.array(sr / 2.0)),
                                   n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fft_freqs)
    weights = np.zeros((n_mels, len(fft_freqs)))
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    enorm = 2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels])
    out: np.ndarray = weights * enorm[:, None]
    return out


_MEL = mel_filters()
_WINDOW = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)  # periodic Hann


def mel_power(wav: np.ndarray) -> npt.NDArray[np.float32]:
    """(frames, 40) mel power spectrogram, frames centred every 10 ms (reflect padding)."""
    pad = N_FFT // 2
    x = np.pad(wav.astype(np.float64), pad, mode="reflect") if len(wav) > pad else \
        np.pad(wav.astype(np.float64), pad)
    n_frames = 1 + (len(x) - N_FFT) // HOP
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n_frames)[:, None]
    spec = np.abs(np.fft.rfft(x[idx] * _WINDOW, axis=1)) ** 2
    out: npt.NDArray[np.float32] = (spec @ _MEL.T).astype(np.float32)
    return out


def normalize_volume(wav: np.ndarray, target_dbfs: float = TARGET_DBFS) -> np.ndarray:
    """Raised (never lowered) to ``target_dbfs`` RMS, as Resemblyzer's preprocessing does."""
    rms = float(np.sqrt(np.mean(np.square(wav, dtype=np.float64)))) if len(wav) else 0.0
    if rms <= 0:
        return wav
    change = target_dbfs - 20 * np.log10(rms)
    return wav * (10 ** (change / 20)) if change > 0 else wav


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


class VoiceEncoder:
    """Resemblyzer's encoder from its state dict (numpy arrays by name)."""

    def __init__(self, state: Mapping[str, np.ndarray]) -> None:
        self.layers = []
        for k in range(3):
            w_ih = np.asarray(state[f"lstm.weight_ih_l{k}"], dtype=np.float32)
            w_hh = np.asarray(state[f"lstm.weight_hh_l{k}"], dtype=np.float32)
            bias = (np.asarray(state[f"lstm.bias_ih_l{k}"], dtype=np.float32)
                    + np.asarray(state[f"lstm.bias_hh_l{k}"], dtype=np.float32))
            self.layers.append((np.ascontiguousarray(w_ih.T), np.ascontiguousarray(w_hh.T), bias))
        self.linear_w = np.ascontiguousarray(np.asarray(state["linear.weight"], np.float32).T)
        self.linear_b = np.asarray(state["linear.bias"], dtype=np.float32)

    def _forward(self, mels: np.ndarray) -> np.ndarray:
        """(batch, frames, 40) → (batch, 256) L2-normed embeddings."""
        x = mels.astype(np.float32)
        batch, frames, _ = x.shape
        h = np.zeros((batch, 256), dtype=np.float32)
        for w_ih, w_hh, bias in self.layers:
            pre = x @ w_ih + bias  # all time steps at once: (batch, frames, 1024)
            h = np.zeros((batch, 256), dtype=np.float32)
            c = np.zeros((batch, 256), dtype=np.float32)
            outs = np.empty((batch, frames, 256), dtype=np.float32)
            for t in range(frames):
                gates = pre[:, t] + h @ w_hh
                i = _sigmoid(gates[:, :256])
                f = _sigmoid(gates[:, 256:512])
                g = np.tanh(gates[:, 512:768])
                o = _sigmoid(gates[:, 768:])
                c = f * c + i * g
                h = o * np.tanh(c)
                outs[:, t] = h
            x = outs
        raw = np.maximum(0.0, h @ self.linear_w + self.linear_b)
        norms = np.linalg.norm(raw, axis=1, keepdims=True)
        out: np.ndarray = raw / np.maximum(norms, 1e-9)
        return out

    @staticmethod
    def _partials(wav: np.ndarray) -> np.ndarray:
        """(partials, 160, 40) mel slices of one utterance (Resemblyzer's slicing)."""
        wav = normalize_volume(np.asarray(wav, dtype=np.float32))
        n_samples = len(wav)
        n_frames = int(np.ceil((n_samples + 1) / HOP))
        step = max(1, int(np.round((SAMPLE_RATE / RATE) / HOP)))
        starts = list(range(0, max(1, n_frames - PARTIAL_FRAMES + step + 1), step))
        coverage = (n_samples - starts[-1] * HOP) / (PARTIAL_FRAMES * HOP)
        if coverage < MIN_COVERAGE and len(starts) > 1:
            starts = starts[:-1]
        need = (starts[-1] + PARTIAL_FRAMES) * HOP
        if need >= n_samples:
            wav = np.pad(wav, (0, need - n_samples + 1))
        mel = mel_power(wav)
        return np.stack([mel[s : s + PARTIAL_FRAMES] for s in starts])

    def embed_many(self, wavs: list[np.ndarray], batch: int = 16) -> list[Vector]:
        """Each utterance's embedding. Partials of several utterances go through
        the LSTM together (its 160 steps cost the same for one partial or many),
        ``batch`` at a time, so memory does not grow with the recording."""
        out: list[Vector | None] = [None] * len(wavs)
        pending: list[tuple[int, np.ndarray]] = []  # (utterance, its partials)
        results: dict[int, list[np.ndarray]] = {}

        def flush() -> None:
            if not pending:
                return
            stacked = np.concatenate([parts for _, parts in pending])
            with one_thread():
                embedded = self._forward(stacked)
            at = 0
            for k, parts in pending:
                results.setdefault(k, []).append(embedded[at : at + len(parts)])
                at += len(parts)
            pending.clear()

        for k, wav in enumerate(wavs):
            parts = self._partials(wav)
            for i in range(0, len(parts), batch):
                pending.append((k, parts[i : i + batch]))
                if sum(len(p) for _, p in pending) >= batch:
                    flush()
        flush()
        for k, chunks in results.items():
            raw = np.concatenate(chunks).mean(axis=0)
            out[k] = (raw / max(float(np.linalg.norm(raw)), 1e-9)).astype(np.float32)
        return [v if v is not None else np.zeros(EMBED_SIZE, np.float32) for v in out]

    def embed(self, wav: np.ndarray) -> Vector:
        """One utterance (16 kHz mono) → its L2-normed 256-d embedding."""
        return self.embed_many([wav])[0]


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    return float(np.dot(a, b) / (na * nb)) if na > 0 and nb > 0 else 0.0
