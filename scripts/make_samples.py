"""Render the sample appointments of audio/samples/*.json to audio/generated/.

Idempotent: a recording newer than its text is kept. Run by scripts/setup.sh.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.tts import render_sample  # noqa: E402


def main() -> int:
    out = ROOT / "audio" / "generated"
    for spec in sorted((ROOT / "audio" / "samples").glob("*.json")):
        wav = out / f"{spec.stem}.wav"
        if wav.exists() and wav.stat().st_mtime >= spec.stat().st_mtime:
            continue
        render_sample(spec, out)
        print(f"[setup] sample recording: {wav.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
