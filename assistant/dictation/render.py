"""French typography of a dictated document (pure).

The document is a list of tokens: words, punctuation marks and line breaks.
Rendering places the spaces the French way (a non-breaking space before
: ; ? ! and inside « », none before , . …), capitalises the first word of the
text, of each line and after a full stop, ? ! or …, and writes a line dash as
"- " at the start of a line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

NBSP = "\u00a0"

TokenKind = Literal["word", "mark", "break"]


@dataclass(frozen=True, slots=True)
class Token:
    """One unit of the dictated document."""

    kind: TokenKind
    text: str


_NO_SPACE_BEFORE = frozenset({",", ".", "…", ")"})
_NBSP_BEFORE = frozenset({":", ";", "?", "!", "»"})
_SENTENCE_END = frozenset({".", "?", "!", "…"})
_OPENERS = frozenset({"«", "("})
_UNIT_AFTER_DIGITS = frozenset({"%", "€"})


def _capitalise(word: str) -> str:
    return word[:1].upper() + word[1:] if word[:1].islower() else word


def render(tokens: Sequence[Token]) -> str:
    """The document as text ready to paste."""
    out: list[str] = []
    capital = True
    line_start = True
    prev: Token | None = None
    for tok in tokens:
        if tok.kind == "break":
            while out and out[-1] in (" ", NBSP):
                out.pop()
            if out:  # no empty lines at the very top
                out.append(tok.text)
            capital = True
            line_start = True
            prev = tok
            continue
        if tok.kind == "mark":
            if tok.text == "-" and line_start:
                out.append("- ")
                prev = tok
                continue
            if tok.text in _OPENERS:
                if not line_start and prev is not None and not (
                    prev.kind == "mark" and prev.text in _OPENERS
                ):
                    out.append(" ")
                out.append(tok.text)
                if tok.text == "«":
                    out.append(NBSP)
            elif tok.text == "-":
                out.append(" –")
            elif tok.text in _NBSP_BEFORE:
                if not line_start:
                    out.append(NBSP)
                out.append(tok.text)
            else:
                out.append(tok.text)
            if tok.text in _SENTENCE_END:
                capital = True
            line_start = False
            prev = tok
            continue
        # a word
        word = _capitalise(tok.text) if capital else tok.text
        if prev is not None and not line_start:
            if prev.kind == "word" and tok.text in _UNIT_AFTER_DIGITS and prev.text[-1:].isdigit():
                out.append(NBSP)
            elif not (prev.kind == "mark" and prev.text in _OPENERS):
                out.append(" ")
        out.append(word)
        capital = False
        line_start = False
        prev = tok
    return "".join(out)
