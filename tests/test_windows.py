"""What keeps the package usable on Windows, checked on any system (see
docs/windows.md for what only a Windows workstation can tell)."""

from __future__ import annotations

import ast
import io
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

POSIX_ONLY_MODULES = {"fcntl", "resource", "termios", "tty", "pty", "pwd", "grp", "posix", "crypt"}
POSIX_ONLY_CALLS = {("os", "fchmod"), ("os", "fchown"), ("os", "getuid"), ("os", "geteuid"),
                    ("os", "fork"), ("os", "setsid"), ("os", "killpg"), ("os", "getpgid"),
                    ("signal", "SIGKILL"), ("signal", "SIGHUP"), ("signal", "SIGUSR1"),
                    ("signal", "SIGALRM"), ("signal", "alarm")}


def _product_modules() -> list[Path]:
    return sorted((ROOT / "assistant").rglob("*.py"))


def _unguarded_imports(tree: ast.Module) -> list[str]:
    """POSIX-only modules imported at module level outside ``try`` or ``if``."""
    found = []
    for node in tree.body:
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name.split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module.split(".")[0]]
        found += [n for n in names if n in POSIX_ONLY_MODULES]
    return found


def test_product_imports_no_posix_only_module() -> None:
    """`import resource` (or fcntl, pwd...) at the top of a module stops every
    command that imports it on Windows; such an import belongs in a ``try`` or
    behind ``sys.platform``."""
    bad = {}
    for path in _product_modules():
        found = _unguarded_imports(ast.parse(path.read_text(encoding="utf-8")))
        if found:
            bad[str(path.relative_to(ROOT))] = found
    assert not bad, bad


def test_product_calls_no_posix_only_function() -> None:
    bad = []
    for path in _product_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and (node.value.id, node.attr) in POSIX_ONLY_CALLS):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}.{node.attr}")
            if isinstance(node, ast.keyword) and node.arg == "shell":
                bad.append(f"{path.relative_to(ROOT)}:{node.value.lineno} shell=")
    assert not bad, bad


def test_output_redirected_on_windows_is_utf8(monkeypatch: pytest.MonkeyPatch) -> None:
    """A redirected stdout on Windows is cp1252, which has no « → » (every
    error's way out) : the CLI switches it to UTF-8."""
    from assistant import cli

    out = io.TextIOWrapper(io.BytesIO(), encoding="cp1252")
    err = io.TextIOWrapper(io.BytesIO(), encoding="cp1252")
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    assert cli.main(["models", "verify", "--from", "x"]) == 2
    err.flush()
    assert "→".encode() in err.buffer.getvalue()  # type: ignore[attr-defined]

