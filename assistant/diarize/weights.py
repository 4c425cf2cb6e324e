"""Reading the voice encoder's weights without PyTorch.

Resemblyzer 0.1.4 ships ``pretrained.pt``, written by ``torch.save`` in its
legacy (pre-1.6, non-zip) format: five pickles in a row (magic number,
protocol version, system info, the checkpoint whose tensors point at storages
by persistent id, the storage keys), then each storage's raw little-endian
data behind an 8-byte element count. This module reads that format with a
restricted unpickler (only the handful of names a state dict needs; anything
else is refused) and returns float32 numpy arrays, so the weights run on
numpy alone.
"""

from __future__ import annotations

import collections
import io
import pickle
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from assistant.errors import ModelError

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64,
           "LongStorage": np.int64, "IntStorage": np.int32, "HalfStorage": np.float16}


@dataclass(frozen=True, slots=True)
class _StorageRef:
    key: str
    dtype: Any
    size: int


@dataclass(frozen=True, slots=True)
class _TensorRef:
    storage: _StorageRef
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]


def _rebuild_tensor(storage: _StorageRef, offset: int, shape: tuple[int, ...],
                    stride: tuple[int, ...], *_: object) -> _TensorRef:
    return _TensorRef(storage, offset, tuple(shape), tuple(stride))


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils" and name in ("_rebuild_tensor", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if module == "torch" and name in _DTYPES:
            return _Marker(name)
        raise pickle.UnpicklingError(f"refused in a weights file: {module}.{name}")

    def persistent_load(self, pid: Any) -> _StorageRef:
        kind, storage_type, key, _location, size = pid[:5]
        if kind != "storage" or not isinstance(storage_type, _Marker):
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        return _StorageRef(str(key), _DTYPES[storage_type.name], int(size))


def _load(stream: io.BufferedIOBase) -> dict[str, npt.NDArray[np.float32]]:
    def unpickle() -> Any:
        return _Unpickler(stream).load()

    if unpickle() != LEGACY_MAGIC:
        raise ValueError("not a legacy torch.save file")
    unpickle()  # protocol version
    unpickle()  # system info
    checkpoint = unpickle()
    keys = unpickle()
    state = checkpoint.get("model_state", checkpoint) if isinstance(checkpoint, dict) else None
    if not isinstance(state, dict):
        raise ValueError("no state dict in the checkpoint")
    storages: dict[str, np.ndarray] = {}
    dtypes: dict[str, Any] = {}
    _collect(state, dtypes)  # the model's tensors only: the optimizer's are skipped
    all_dtypes: dict[str, Any] = {}
    _collect(checkpoint, all_dtypes)
    for key in keys:
        (count,) = struct.unpack("<q", stream.read(8))
        dtype = np.dtype(all_dtypes.get(key, np.float32))
        if key in dtypes:
            storages[key] = np.frombuffer(stream.read(count * dtype.itemsize), dtype=dtype)
        else:
            stream.seek(count * dtype.itemsize, io.SEEK_CUR)
    out: dict[str, npt.NDArray[np.float32]] = {}
    for name, ref in state.items():
        if isinstance(ref, _TensorRef):
            flat = storages[ref.storage.key]
            itemsize = flat.dtype.itemsize
            arr = np.lib.stride_tricks.as_strided(
                flat[ref.offset:], shape=ref.shape,
                strides=tuple(s * itemsize for s in ref.stride))
            out[str(name)] = np.array(arr, dtype=np.float32)
    return out


def _collect(obj: Any, dtypes: dict[str, Any]) -> None:
    if isinstance(obj, _TensorRef):
        dtypes[obj.storage.key] = obj.storage.dtype
    elif isinstance(obj, dict):
        for value in obj.values():
            _collect(value, dtypes)


def load_legacy_state_dict(path: Path) -> dict[str, npt.NDArray[np.float32]]:
    """The tensors of a legacy ``torch.save`` checkpoint, by name (ModelError if unreadable)."""
    try:
        with path.open("rb") as stream:
            return _load(stream)
    except (OSError, ValueError, KeyError, struct.error, pickle.UnpicklingError) as exc:
        raise ModelError(
            f"Poids de l'encodeur de voix illisibles : {path} ({exc}).",
            "Réinstallez-les : « assistant models install --speakers --force ».") from None


Loader = Callable[[Path], dict[str, npt.NDArray[np.float32]]]
