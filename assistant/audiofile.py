"""Reading recordings from disk: any format FFmpeg (PyAV) decodes, to 16 kHz
mono float32, with one clear French error per way a file can be unusable.

This is the only module that opens audio files. It is used by batch
transcription and by the replay source of the live pipeline.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

from assistant.errors import AudioFileError
from assistant.types import SAMPLE_RATE, AudioArray

SILENCE_PEAK = 1e-3
"""A recording whose loudest sample is below this (-60 dBFS) holds no speech."""

_FORMATS_HINT = "Formats acceptés : WAV, FLAC, MP3, OGG/Opus, M4A… (tout ce que lit FFmpeg)."


def _check_file(path: Path) -> None:
    if not path.exists():
        raise AudioFileError(
            f"Fichier introuvable : {path}.", "Vérifiez le chemin et le nom du fichier."
        )
    if path.is_dir():
        raise AudioFileError(f"{path} est un dossier, pas un enregistrement.",
                             "Indiquez un fichier audio.")
    if path.stat().st_size == 0:
        raise AudioFileError(f"Fichier vide : {path}.", "L'enregistrement a échoué : refaites-le.")


def _wav_missing_bytes(path: Path) -> int:
    """For a RIFF/WAVE file, how many bytes its ``data`` chunk announces but
    lacks (FFmpeg silently decodes what is there). 0 for other files."""
    with path.open("rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return 0
        while True:
            chunk = fh.read(8)
            if len(chunk) < 8:
                return 0
            size = int.from_bytes(chunk[4:8], "little")
            if chunk[:4] == b"data":
                if size in (0, 0xFFFFFFFF):  # written by a stream: length unknown
                    return 0
                remaining = path.stat().st_size - fh.tell()
                return max(0, size - remaining)
            fh.seek(size + (size & 1), 1)


def load_audio(path: Path, *, allow_silence: bool = False) -> AudioArray:
    """Decode ``path`` to 16 kHz mono float32 samples in [-1, 1]."""
    mono: AudioArray = _load(path, allow_silence, None)[0]
    return mono


def load_channels(path: Path, count: int, *,
                  allow_silence: bool = False) -> npt.NDArray[np.float32]:
    """Decode ``path`` keeping its channels apart: shape (``count``, samples),
    16 kHz float32. A recording with another number of channels is a French
    error naming the number it has."""
    return _load(path, allow_silence, count)


def _load(path: Path, allow_silence: bool, count: int | None) -> npt.NDArray[np.float32]:
    """(channels, samples): one row (the mix-down) when ``count`` is None."""
    _check_file(path)
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.error.InvalidDataError, av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise AudioFileError(
            f"{path} n'est pas un fichier audio lisible ({type(exc).__name__}).", _FORMATS_HINT
        ) from None
    with container:
        if not container.streams.audio:
            raise AudioFileError(f"{path} ne contient aucune piste audio.", _FORMATS_HINT)
        stream = container.streams.audio[0]
        layout = "mono"
        if count is not None:
            if stream.channels != count:
                noun = "canal" if stream.channels == 1 else "canaux"
                raise AudioFileError(
                    f"{path} a {stream.channels} {noun} audio, il en faut {count} pour "
                    "savoir qui parle par canal.",
                    "Retirez --channels (ou le réglage capture.channels) pour un "
                    "enregistrement mono, ou donnez un rôle par canal.",
                )
            layout = stream.layout.name
        declared_s = (
            float(stream.duration * stream.time_base)
            if stream.duration is not None and stream.time_base is not None
            else None
        )
        resampler = av.AudioResampler(format="s16", layout=layout, rate=SAMPLE_RATE)
        pieces: list[np.ndarray] = []
        damaged = False
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    pieces.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                pieces.append(out.to_ndarray().reshape(-1))
        except (av.error.InvalidDataError, av.error.FFmpegError, ValueError):
            damaged = True
    rows = count or 1
    interleaved = (
        np.concatenate(pieces).astype(np.float32) / 32768.0
        if pieces
        else np.zeros(0, dtype=np.float32)
    )
    channels = np.ascontiguousarray(interleaved.reshape(-1, rows).T)
    samples = channels[0] if rows == 1 else channels.mean(axis=0)
    decoded_s = len(samples) / SAMPLE_RATE
    if len(samples) == 0:
        raise AudioFileError(
            f"{path} ne contient aucun échantillon audio décodable.", _FORMATS_HINT
        )
    if _wav_missing_bytes(path) > 0:
        damaged, declared_s = True, None  # FFmpeg's estimate is from the cut size
    if damaged or (declared_s is not None and declared_s > 1.0 and decoded_s < 0.9 * declared_s):
        raise AudioFileError(
            f"{path} est tronqué ou abîmé : {decoded_s:.1f} s lisibles"
            + (f" sur {declared_s:.1f} s annoncées." if declared_s else "."),
            "Récupérez une copie complète de l'enregistrement.",
        )
    if not allow_silence and float(np.max(np.abs(samples))) < SILENCE_PEAK:
        raise AudioFileError(
            f"{path} est silencieux ({decoded_s:.1f} s sans aucun son).",
            "Vérifiez le micro ou le niveau d'enregistrement.",
        )
    return channels
