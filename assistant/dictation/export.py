"""Renderings of a finished dictation for export: plain text and Markdown (pure)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

ExportFormat = Literal["txt", "md"]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#<>|])")
_MD_ORDERED = re.compile(r"^(\d+)\. ")


def to_txt(text: str) -> str:
    """The text as typed, with one final newline."""
    return text.rstrip("\n") + "\n"


def to_markdown(text: str, title: str | None = None) -> str:
    """Markdown that shows the same lines: dictated list dashes stay a list,
    other single line breaks become hard breaks, marks Markdown would read
    are escaped."""
    lines = text.rstrip("\n").split("\n")
    out: list[str] = []
    if title:
        out += ["# " + _MD_SPECIAL.sub(r"\\\1", title), ""]
    for k, line in enumerate(lines):
        is_item = line.startswith("- ")
        body = line[2:] if is_item else line
        body = _MD_SPECIAL.sub(r"\\\1", body)
        body = _MD_ORDERED.sub(r"\1\\. ", body)
        rendered = f"- {body}" if is_item else body
        nxt = lines[k + 1] if k + 1 < len(lines) else ""
        if rendered and nxt and not is_item and not nxt.startswith("- "):
            rendered += "  "  # a hard line break inside the paragraph
        if is_item and nxt and not nxt.startswith("- "):
            rendered += "\n"  # a list ends with a blank line
        out.append(rendered)
    return "\n".join(out) + "\n"


def render_export(text: str, fmt: ExportFormat, title: str | None = None) -> str:
    return to_markdown(text, title) if fmt == "md" else to_txt(text)


def export_name(moment: dt.datetime, fmt: ExportFormat) -> str:
    """``dictee-2026-11-28-1432.md``."""
    return f"dictee-{moment:%Y-%m-%d-%H%M%S}.{fmt}"
