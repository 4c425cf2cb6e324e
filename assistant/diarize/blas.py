"""One BLAS thread for the voice encoder's small matrix products.

The encoder's LSTM multiplies small matrices 480 times per partial; with
OpenBLAS's default of one thread per core, on the 2 loaded cores of a
counter workstation those threads spin against Whisper's and cost 5 to 10
times the CPU (measured: 95 against 10-18 ms per audio second). OpenBLAS
0.3.27 and later (numpy's wheels) have ``openblas_set_num_threads_local``,
which sets the count for the calling thread only and returns the previous
one; without it, nothing changes.
"""

from __future__ import annotations

import ctypes
import glob
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_SETTER: Any = None
_LOOKED = False


def _setter() -> Any:
    global _SETTER, _LOOKED
    if _LOOKED:
        return _SETTER
    _LOOKED = True
    import numpy as np

    folder = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
    for path in sorted(glob.glob(os.path.join(folder, "*openblas*"))):
        try:
            lib = ctypes.CDLL(path)
            fn = lib.openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        fn.argtypes = [ctypes.c_int]
        fn.restype = ctypes.c_int
        _SETTER = fn
        break
    return _SETTER


@contextmanager
def one_thread() -> Iterator[None]:
    """numpy's OpenBLAS on one thread, in this thread, inside the block."""
    fn = _setter()
    if fn is None:
        yield
        return
    previous = int(fn(1))
    try:
        yield
    finally:
        fn(previous if previous > 0 else 0)
