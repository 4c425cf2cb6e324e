"""File-level care of the database: default location, private permissions,
recognising a damaged file and keeping a copy of it, and whether the process
that owns an open session is still alive."""

from __future__ import annotations

import os
import shutil
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from assistant.errors import StoreError

APP_NAME = "assistant"
DB_NAME = "sessions.db"
SQLITE_HEADER = b"SQLite format 3\x00"
OTHER_FILE_HINT = "ou indiquez un autre fichier (réglage store.path ou ASSISTANT_STORE__PATH)."


def default_db_path() -> Path:
    """sessions.db in the user's data folder (~/.local/share/assistant on Linux)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DB_NAME


def this_host() -> str:
    return socket.gethostname()


def ensure_private_file(path: Path) -> None:
    """Create ``path`` (mode 0600, folder 0700) if missing; tighten its mode."""
    if path.is_dir():
        raise StoreError(
            f"Le fichier de sessions {path} est un dossier.",
            "Indiquez un chemin de fichier " + OTHER_FILE_HINT,
        )
    try:
        if not path.parent.exists():
            path.parent.mkdir(parents=True, mode=0o700)
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            os.close(fd)
        except FileExistsError:
            pass
        if os.name == "posix" and (path.stat().st_mode & 0o777) != 0o600:
            os.chmod(path, 0o600)
    except PermissionError as exc:
        raise StoreError(
            f"Accès refusé au fichier de sessions {path} ({exc.strerror}).",
            "Vérifiez les droits du dossier " + OTHER_FILE_HINT,
        ) from None


def has_sqlite_header(path: Path) -> bool:
    """True for an empty file (a new database) or one that starts like SQLite."""
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(
            f"Impossible de lire le fichier de sessions {path} ({exc.strerror}).",
            "Vérifiez ses droits " + OTHER_FILE_HINT,
        ) from None
    return head == b"" or head == SQLITE_HEADER


def keep_damaged_copy(path: Path) -> Path:
    """Copy a damaged database (and its -wal) aside, once per version of it.

    The original is left exactly as it was: nothing is ever written into it.
    """
    stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y%m%d-%H%M%S")
    copy = path.with_name(f"{path.name}.abime-{stamp}")
    if not copy.exists():
        shutil.copy2(path, copy)
        os.chmod(copy, 0o600)
        wal = path.with_name(path.name + "-wal")
        if wal.exists():
            shutil.copy2(wal, copy.with_name(copy.name + "-wal"))
    return copy


def damaged_error(path: Path, detail: str) -> StoreError:
    copy = keep_damaged_copy(path)
    return StoreError(
        f"La base des sessions {path} est abîmée ou n'est pas une base SQLite ({detail}).",
        f"Elle n'a pas été modifiée et une copie est gardée dans {copy}. "
        "Restaurez une sauvegarde, faites-la examiner, " + OTHER_FILE_HINT,
    )


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` on this machine still runs (a zombie does not)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:
        state = stat.read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")
