"""Command-line entry point: ``assistant <command> ...``.

Each command lives in its own module under ``assistant.commands`` and is
imported only when it runs, so ``assistant --help`` stays fast and a command
does not pay for the libraries of another. A command module defines::

    HELP: str                                   # one line, French
    def add_arguments(parser: argparse.ArgumentParser) -> None: ...
    def run(args: argparse.Namespace) -> int: ...

Errors of the ``AssistantError`` family are printed in French on stderr with
their way out, and the process exits with the error's code; no traceback.
"""

from __future__ import annotations

import argparse
import importlib
import io
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from assistant import __version__
from assistant.errors import AssistantError

# command name -> module under assistant.commands (add one line per command)
COMMANDS: dict[str, str] = {
    "transcribe": "transcribe",
    "models": "models",
    "config": "config",
    "sessions": "sessions",
    "export": "export",
    "delete": "delete",
    "purge": "purge",
    "stats": "stats",
    "live": "live",
    "demo": "demo",
    "stream": "stream",
    "devices": "devices",
    "dictate": "dictate",
    "draft": "draft",
    "identify": "identify",
    "voix": "voice",
}

DEFAULT_COMMAND: str | None = "live"
"""Command run when ``assistant`` is called with no command (the live app, once it exists)."""


_ARGPARSE_FR = (
    ("the following arguments are required", "éléments obligatoires manquants"),
    ("unrecognized arguments", "éléments inconnus"),
    ("invalid choice", "choix invalide"),
    ("choose from", "choisissez parmi"),
    ("expected one argument", "une valeur est attendue"),
    ("invalid int value", "nombre entier invalide"),
    ("invalid float value", "nombre invalide"),
    ("invalid Path value", "chemin invalide"),
    ("not allowed with argument", "incompatible avec l'option"),
    ("argument", "option"),
)


class FrenchArgumentParser(argparse.ArgumentParser):
    """argparse with its usage errors said in French (exit code 2)."""

    def error(self, message: str) -> NoReturn:
        for english, french in _ARGPARSE_FR:
            message = message.replace(english, french)
        self.print_usage(sys.stderr)
        self.exit(2, f"Erreur : {message}\n  → « {self.prog} --help » liste les options.\n")


def _load(name: str) -> ModuleType:
    return importlib.import_module(f"assistant.commands.{COMMANDS[name]}")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = FrenchArgumentParser(
        prog="assistant",
        description="Assistant de transcription hors ligne pour l'accueil du public.",
    )
    parser.add_argument("--version", action="version", version=f"assistant {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE",
                                parser_class=FrenchArgumentParser)
    for name in COMMANDS:
        if only is not None and name != only:
            # Cheap entry so that --help lists it without importing it.
            sub.add_parser(name, add_help=False)
            continue
        module = _load(name)
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
    return parser


def _utf8_when_redirected() -> None:
    """On Windows, output sent to a file or a pipe is encoded with the ANSI code
    page (cp1252), which has no « → » and fails on some transcript characters:
    write UTF-8 there instead. A console (Unicode already) and other systems
    (UTF-8 locales) are left as they are."""
    if sys.platform != "win32":
        return
    for stream in (sys.stdout, sys.stderr):
        if (isinstance(stream, io.TextIOWrapper) and not stream.isatty()
                and stream.encoding.lower().replace("-", "") != "utf8"):
            stream.reconfigure(encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_when_redirected()
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list and DEFAULT_COMMAND is not None:
        args_list = [DEFAULT_COMMAND]
    chosen = next((a for a in args_list if not a.startswith("-")), None)
    only = chosen if chosen in COMMANDS else None
    try:
        parser = build_parser(only if only else None)
        args = parser.parse_args(args_list)
        if args.command is None:
            parser.print_help()
            return 0
        code: int = _load(args.command).run(args)
        return code
    except AssistantError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
