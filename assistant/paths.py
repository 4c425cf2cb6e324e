"""Where the program keeps its data: the model store and the sample recordings.

An installed copy (``pip install``, a wheel) keeps them in the user's data
folder, which platformdirs names for each system::

    Linux    ~/.local/share/assistant/        ($XDG_DATA_HOME/assistant)
    Windows  %LOCALAPPDATA%\\assistant\\
    macOS    ~/Library/Application Support/assistant/

with ``models/`` (one folder per model) and ``samples/`` (recordings made by
``scripts/make_samples.py``) inside. A source checkout (the package sits
beside ``pyproject.toml`` and ``scripts/setup.sh``, as with ``pip install -e``)
keeps its own ``models/`` and ``audio/generated/`` instead, so that several
checkouts, their tests and the set-up scripts never share or overwrite a
user's installed model. The settings ``model.store`` and ``demo.samples``
(``ASSISTANT_MODEL__STORE``, ``ASSISTANT_DEMO__SAMPLES``) point anywhere else.

Only pathlib and platformdirs: no separator or home folder is spelled out.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "assistant"
PACKAGE_DIR = Path(__file__).resolve().parent
MANIFEST = PACKAGE_DIR / "model_manifest.json"
"""SHA-256 sums and PyPI parts of the installable models (package data)."""
DEMO_SAMPLE = "demo-caf-aide-logement.wav"


def checkout_root() -> Path | None:
    """The source checkout this package runs from, or None for an installed copy."""
    root = PACKAGE_DIR.parent
    if (root / "pyproject.toml").is_file() and (root / "scripts" / "setup.sh").is_file():
        return root
    return None


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_model_store() -> Path:
    """``models/`` of the checkout, else of the user's data folder."""
    root = checkout_root()
    return root / "models" if root is not None else user_data_dir() / "models"


def default_samples_dir() -> Path:
    """``audio/generated/`` of the checkout, else ``samples/`` of the user's data folder."""
    root = checkout_root()
    return root / "audio" / "generated" if root is not None else user_data_dir() / "samples"


def default_notes_dir() -> Path:
    """``fiches/`` of the user's data folder: note files written when the terminal
    may refuse the clipboard, and exports made from the app (setting ``share.folder``)."""
    return user_data_dir() / "fiches"
