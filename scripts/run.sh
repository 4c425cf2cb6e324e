#!/usr/bin/env bash
# The main job on a fresh machine: set up (idempotent), then open the counter app.
# With a microphone: the live app. Without one (no input device found): the demo,
# which replays a sample appointment through the same live pipeline.
# Without a terminal (a pipe, a script): a batch transcription of that sample.
# Usage: bash scripts/run.sh [arguments for `assistant`]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ $# -gt 0 ]; then
  exec .venv/bin/assistant "$@"
fi
# The sample lives where `assistant demo` looks (setting demo.samples, assistant/paths.py).
sample=$(.venv/bin/python -c "from assistant.paths import DEMO_SAMPLE; from assistant.settings import load_settings; print(load_settings().demo.samples / DEMO_SAMPLE)")
if [ ! -t 1 ]; then
  exec .venv/bin/assistant transcribe "$sample"
fi
if .venv/bin/python -c "import sys, sounddevice as sd; sys.exit(0 if any(d['max_input_channels'] > 0 for d in sd.query_devices()) else 1)" 2>/dev/null; then
  exec .venv/bin/assistant live
fi
exec .venv/bin/assistant demo
