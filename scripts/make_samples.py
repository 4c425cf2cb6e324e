"""Render the sample appointments of audio/samples/*.json into the samples folder.

The folder is the setting ``demo.samples`` (``audio/generated/`` in a
checkout, ``samples/`` in the user's data folder for an installed copy), where
``assistant demo`` looks. Idempotent: a recording newer than its text is kept.
Run by scripts/setup.sh; it needs espeak-ng and the MBROLA voices (tools.tts).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.settings import load_settings  # noqa: E402
from tools.tts import render_sample  # noqa: E402


def main() -> int:
    out = load_settings().demo.samples
    for spec in sorted((ROOT / "audio" / "samples").glob("*.json")):
        wav = out / f"{spec.stem}.wav"
        if wav.exists() and wav.stat().st_mtime >= spec.stat().st_mtime:
            continue
        render_sample(spec, out)
        print(f"[setup] sample recording: {wav}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
