"""Where a note goes when it leaves the workstation (side effects): private
files in the notes folder, and whether the terminal may refuse the clipboard.

The counter app copies through OSC 52 (Textual's ``App.copy_to_clipboard``):
the terminal gives no answer, so a copy cannot be checked. Where the terminal
is known to ignore or refuse OSC 52, the app says so and also writes the note
to a private file whose path it shows.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path

from assistant.errors import InputError
from assistant.paths import default_notes_dir
from assistant.settings import Settings


def notes_folder(settings: Settings) -> Path:
    return settings.share.folder or default_notes_dir()


def clipboard_refusal(env: Mapping[str, str], mode: str = "auto") -> str | None:
    """Why the terminal described by ``env`` may not take an OSC 52 copy (French),
    or None where it usually does (tmux with ``set-clipboard on``, kitty, WezTerm,
    Windows Terminal, xterm with ``allowWindowOps``, iTerm2 with the option on…);
    ``mode``: the setting ``share.clipboard`` (``file``: always a file as well)."""
    term = env.get("TERM", "")
    program = env.get("TERM_PROGRAM", "")
    if mode == "file":
        return "copie par fichier demandée (réglage share.clipboard)"
    if program == "Apple_Terminal":
        return "le Terminal de macOS n'accepte pas la copie par l'application"
    if term == "linux":
        return "la console texte n'a pas de presse-papiers"
    if term.startswith("screen") and "TMUX" not in env:
        return "GNU screen ne transmet pas la copie au presse-papiers"
    if env.get("VTE_VERSION") and "TMUX" not in env:
        return "ce terminal (GNOME Terminal, Tilix…) n'accepte pas la copie par l'application"
    if os.name == "nt" and not env.get("WT_SESSION"):
        return "la console Windows n'accepte pas la copie par l'application"
    return None


def write_private_text(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` readable by its owner only: mode 0600 in a 0700
    folder where the system has modes; on Windows the modes are ignored and the file
    is private through the ACL of the user's profile folder (docs/windows.md)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        if os.name == "posix":
            os.chmod(path, 0o600)  # an existing file keeps its mode through os.open
    except OSError as exc:
        raise InputError(
            f"Impossible d'écrire la fiche dans {path} ({exc.strerror}).",
            "Choisissez un dossier où vous pouvez écrire (réglage share.folder).",
        ) from None
    return path


def note_file(folder: Path, session_id: int, suffix: str = "txt",
              now: dt.datetime | None = None) -> Path:
    """``fiche-<session>-<AAAAMMJJ-HHMMSS>.<suffix>`` in ``folder``."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    return folder / f"fiche-{session_id}-{stamp}.{suffix}"
