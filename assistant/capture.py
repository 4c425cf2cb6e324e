"""The microphone: the only module that imports sounddevice (PortAudio).

``MicrophoneSource`` opens an input device at its native rate; the PortAudio
callback only copies each block into a bounded queue (counting the blocks it
must drop); the consumer side (``read``) resamples to 16 kHz mono with soxr
and stamps stream time. ``list_input_devices`` and ``resolve_device`` serve
``assistant devices`` and the ``--device`` option (an index or part of a name).

sounddevice is imported on first use, never at module import, so that a
machine without the PortAudio library gets a French ``CaptureError`` naming
the package to install instead of a traceback.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt

from assistant.errors import CaptureError
from assistant.streaming.events import AudioLevel
from assistant.types import SAMPLE_RATE, AudioArray, AudioChunk

DEVICES_HINT = "Listez les micros avec « assistant devices » et choisissez-en un avec --device."
PORTAUDIO_HINT = (
    "Installez la bibliothèque PortAudio : « sudo apt install libportaudio2 » "
    "(Debian/Ubuntu), puis relancez."
)
LOST_AFTER_S = 2.0
"""Silence of the PortAudio callback (after the first block) that means the device is gone."""
FIRST_BLOCK_TIMEOUT_S = 10.0
"""Time the first block may take to arrive before the device is declared dead."""


def sounddevice() -> ModuleType:
    """Import sounddevice, turning a missing PortAudio library into a CaptureError."""
    try:
        import sounddevice as sd
    except OSError as exc:
        raise CaptureError(
            f"La bibliothèque PortAudio est introuvable ({exc}) : pas d'accès au micro.",
            PORTAUDIO_HINT,
        ) from None
    module: ModuleType = sd
    return module


@dataclass(frozen=True, slots=True)
class InputDevice:
    """One input device as PortAudio sees it."""

    index: int
    name: str
    host_api: str
    channels: int
    sample_rate: float
    is_default: bool


_open_streams = 0
_streams_lock = threading.Lock()


def rescan_devices() -> bool:
    """Make PortAudio enumerate the devices again (it lists them once, when it
    starts, so a headset plugged in later would stay invisible). Done only
    while no stream is open; returns whether it happened."""
    sd = sounddevice()
    with _streams_lock:
        if _open_streams:
            return False
        sd._terminate()
        sd._initialize()
    return True


def list_input_devices(rescan: bool = True) -> tuple[InputDevice, ...]:
    """Every device with at least one input channel (re-enumerated first when
    ``rescan`` and no stream is open)."""
    sd = sounddevice()
    if rescan:
        rescan_devices()
    try:
        devices = sd.query_devices()
        apis = sd.query_hostapis()
        default_in = sd.default.device[0]
    except sd.PortAudioError as exc:
        raise CaptureError(f"PortAudio ne peut pas lister les périphériques audio ({exc}).",
                           PORTAUDIO_HINT) from None
    if default_in is None or default_in < 0:
        try:
            default_in = int(sd.query_devices(kind="input")["index"])
        except (sd.PortAudioError, ValueError, KeyError):
            default_in = -1
    found = []
    for dev in devices:
        if int(dev["max_input_channels"]) <= 0:
            continue
        found.append(InputDevice(
            index=int(dev["index"]),
            name=str(dev["name"]),
            host_api=str(apis[int(dev["hostapi"])]["name"]),
            channels=int(dev["max_input_channels"]),
            sample_rate=float(dev["default_samplerate"]),
            is_default=int(dev["index"]) == default_in,
        ))
    return tuple(found)


def resolve_device(spec: str | int | None) -> InputDevice:
    """The device for ``spec``: an index, part of a name (case ignored), or
    None for the system default."""
    devices = list_input_devices()
    if not devices:
        raise CaptureError(
            "Aucun micro (périphérique d'entrée audio) n'est disponible sur ce poste.",
            "Branchez un micro ou un casque, vérifiez qu'il est activé dans les réglages "
            "du son, puis relancez « assistant devices ».",
        )
    if spec is None or (isinstance(spec, str) and not spec.strip()):
        for dev in devices:
            if dev.is_default:
                return dev
        return devices[0]
    if isinstance(spec, int) or spec.strip().isdigit():
        index = int(spec)
        for dev in devices:
            if dev.index == index:
                return dev
        raise CaptureError(
            f"Le périphérique n° {index} n'existe pas ou n'est pas un micro.",
            DEVICES_HINT,
        )
    wanted = spec.strip().lower()
    matches = [d for d in devices if wanted in d.name.lower()]
    exact = [d for d in matches if d.name.lower() == wanted]
    if exact:
        return exact[0]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise CaptureError(f"Aucun micro ne correspond à « {spec} ».", DEVICES_HINT)
    names = ", ".join(f"{d.index} ({d.name})" for d in matches)
    raise CaptureError(f"Plusieurs micros correspondent à « {spec} » : {names}.",
                       "Indiquez le numéro du micro avec --device.")


class ChunkQueue:
    """A bounded queue of raw blocks that never blocks the producer: a full
    queue drops the block and counts it."""

    def __init__(self, max_blocks: int) -> None:
        self._queue: queue.Queue[npt.NDArray[np.float32]] = queue.Queue(maxsize=max(1, max_blocks))
        self.overflows = 0

    def put(self, block: npt.NDArray[np.float32]) -> None:
        try:
            self._queue.put_nowait(block)
        except queue.Full:
            self.overflows += 1

    def put_wait(self, block: npt.NDArray[np.float32], timeout: float) -> bool:
        """Blocking put for a producer that may wait (a file replay)."""
        try:
            self._queue.put(block, timeout=timeout)
        except queue.Full:
            return False
        return True

    def get(self, timeout: float) -> npt.NDArray[np.float32] | None:
        try:
            if timeout <= 0:
                return self._queue.get_nowait()
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def clear(self) -> None:
        while self.get(0.0) is not None:
            pass

    def qsize(self) -> int:
        return self._queue.qsize()


def level_of(samples: AudioArray) -> AudioLevel:
    if not len(samples):
        return AudioLevel()
    return AudioLevel(rms=float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))),
                      peak=float(np.max(np.abs(samples))))


class MicrophoneSource:
    """Live capture from a PortAudio input device (implements ``AudioSource``)."""

    paced = True

    def __init__(self, device: str | int | None = None, block_ms: int = 100,
                 queue_seconds: float = 30.0, channels: int = 0) -> None:
        self._device_spec = device
        self.channels = channels if channels >= 2 else 0
        """Channels kept apart (``capture.channels``), handed out with each chunk; 0: mono."""
        self.block_ms = block_ms
        self.queue_seconds = queue_seconds
        self.device: InputDevice | None = None
        self._stream: Any = None
        self._resampler: Any = None
        self._rate = SAMPLE_RATE
        self._queue = ChunkQueue(1)
        self._dropped = 0  # overflows of queues replaced by a device switch
        self._status_overflows = 0
        self._blocks = 0  # written by the callback
        self._last_block_at = 0.0  # written by the callback
        self._opened_at = 0.0
        self._samples_out = 0
        self._paused = False
        self._level = AudioLevel()
        self._lock = threading.Lock()
        self._stopping = False

    # ------------------------------------------------------------- AudioSource
    @property
    def name(self) -> str:
        return self.device.name if self.device else "micro"

    @property
    def finished(self) -> bool:
        return False

    @property
    def overflows(self) -> int:
        return self._dropped + self._queue.overflows + self._status_overflows

    @property
    def captured_s(self) -> float:
        queued = self._queue.qsize() * self.block_ms / 1000.0
        return self._samples_out / SAMPLE_RATE + queued

    def level(self) -> AudioLevel:
        return self._level

    def start(self) -> None:
        self._open(self._device_spec)

    def set_paused(self, paused: bool) -> None:
        self._paused = paused

    def switch_device(self, device: str | int | None) -> None:
        with self._lock:
            self._close()
            self._device_spec = device
            self._open(device)

    def stop(self) -> None:
        with self._lock:
            self._close()

    def read(self, timeout: float) -> AudioChunk | None:
        block = self._queue.get(timeout)
        if block is None:
            self._check_alive()
            return None
        resampled = self._resample(block)
        per_channel = None
        if resampled.ndim == 2:  # (frames, channels): keep them, decode their mix
            per_channel = np.ascontiguousarray(resampled.T)
            resampled = per_channel.mean(axis=0)
        start_s = self._samples_out / SAMPLE_RATE
        self._samples_out += len(resampled)
        self._level = level_of(resampled)
        if self._paused or not len(resampled):
            return None
        return AudioChunk(resampled, start_s, per_channel)

    # --------------------------------------------------------------- internals
    def _callback(self, indata: npt.NDArray[np.float32], frames: int, time_info: Any,
                  status: Any) -> None:
        # PortAudio thread: copy and queue, nothing else.
        if status and status.input_overflow:
            self._status_overflows += 1
        if self.channels:
            self._queue.put(indata.copy())
        else:
            self._queue.put(indata[:, 0].copy() if indata.shape[1] == 1 else indata.mean(axis=1))
        self._blocks += 1
        self._last_block_at = time.monotonic()

    def _open(self, spec: str | int | None) -> None:
        sd = sounddevice()
        import soxr

        device = resolve_device(spec)
        if self.channels and device.channels < self.channels:
            noun = "canal" if device.channels == 1 else "canaux"
            raise CaptureError(
                f"Le micro « {device.name} » a {device.channels} {noun} d'entrée, il en faut "
                f"{self.channels} pour savoir qui parle par canal.",
                "Choisissez un périphérique stéréo (casque de l'agent et micro du guichet) "
                "ou retirez --channels (réglage capture.channels). " + DEVICES_HINT,
            )
        rate = int(device.sample_rate) or SAMPLE_RATE
        blocksize = max(1, rate * self.block_ms // 1000)
        self._dropped += self._queue.overflows
        self._queue = ChunkQueue(int(self.queue_seconds * 1000 / self.block_ms))
        self._blocks = 0
        self._stopping = False
        stream = None
        try:
            stream = sd.InputStream(
                device=device.index, channels=self.channels or 1, samplerate=rate,
                blocksize=blocksize,
                dtype="float32", callback=self._callback,
            )
            stream.start()
            global _open_streams
            with _streams_lock:
                _open_streams += 1
        except (sd.PortAudioError, ValueError) as exc:
            if stream is not None:
                stream.close(ignore_errors=True)
            raise CaptureError(
                f"Impossible d'ouvrir le micro « {device.name} » (n° {device.index}) : "
                f"il est occupé ou indisponible ({exc}).",
                "Fermez l'application qui l'utilise (visio, enregistreur…) ou choisissez "
                "un autre micro. " + DEVICES_HINT,
            ) from None
        self.device = device
        self._stream = stream
        self._rate = rate
        self._resampler = (
            soxr.ResampleStream(rate, SAMPLE_RATE, self.channels or 1, dtype="float32",
                                quality="HQ")
            if rate != SAMPLE_RATE else None
        )
        self._opened_at = time.monotonic()
        self._last_block_at = 0.0

    def _close(self) -> None:
        stream, self._stream = self._stream, None
        self._stopping = True
        if stream is not None:
            global _open_streams
            with _streams_lock:
                _open_streams -= 1
            sd = sounddevice()
            try:
                stream.abort()
                stream.close()
            except sd.PortAudioError:
                # A device that was unplugged cannot be closed cleanly; it is gone anyway
                # and the loss itself is reported by _check_alive.
                stream = None

    def _resample(self, block: npt.NDArray[np.float32]) -> AudioArray:
        samples = np.asarray(block, dtype=np.float32)
        if self._resampler is None:
            return samples
        out: AudioArray = self._resampler.resample_chunk(samples).astype(np.float32)
        return out

    def _check_alive(self) -> None:
        """Raise CaptureError when the device stopped delivering audio."""
        stream = self._stream
        if stream is None or self._stopping:
            return
        now = time.monotonic()
        gone = False
        if not stream.active:
            gone = True
        elif self._last_block_at:
            gone = now - self._last_block_at > LOST_AFTER_S
        else:
            gone = now - self._opened_at > FIRST_BLOCK_TIMEOUT_S
        if gone:
            name = self.name
            with self._lock:
                self._close()
            raise CaptureError(
                f"Le micro « {name} » ne répond plus (débranché ?). "
                "Le texte déjà validé est conservé.",
                "Rebranchez-le ou choisissez un autre micro pour reprendre la capture. "
                + DEVICES_HINT,
            )
