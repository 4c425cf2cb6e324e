"""French typography of a dictated document (pure).

The document is a list of tokens: words, punctuation marks and line breaks.
Rendering places the spaces the French way (a non-breaking space before
: ; ? ! and inside « », none before , . …), capitalises the first word of the
text, of each line and after a full stop, ? ! or …, writes a line dash as
"- " at the start of a line, and puts back the hyphens of compounds and of a
question's inverted subject that Whisper, primed with plain dictation, often
leaves out ("rendez vous", "Pouvez vous").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from assistant.folding import fold

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


_COMPOUNDS: dict[tuple[str, ...], str] = {
    ("rendez", "vous"): "rendez-vous",
    ("c'est", "a", "dire"): "c'est-à-dire",
    ("vis", "a", "vis"): "vis-à-vis",
    ("au", "dela"): "au-delà",
    ("apres", "midi"): "après-midi",
    ("week", "end"): "week-end",
    ("soi", "disant"): "soi-disant",
    ("porte", "monnaie"): "porte-monnaie",
}
"""Compounds always written with hyphens, by their folded words."""
_INVERTED = frozenset({"vous", "nous"})
_NOT_VERBS = frozenset({"chez", "assez", "nez", "rez"})
"""Words ending like a verb that do begin a sentence before "vous" ("Chez vous")."""


def _hyphenate(tokens: Sequence[Token]) -> list[Token]:
    """Join the words of a compound, and a sentence-initial verb with its
    inverted subject ("Pouvez vous" -> "Pouvez-vous": nothing else can start
    a sentence that way)."""
    out: list[Token] = []
    sentence_start = True
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind != "word":
            out.append(tok)
            sentence_start = tok.kind == "break" or tok.text in _SENTENCE_END or (
                sentence_start and tok.text == "-")
            i += 1
            continue
        joined = False
        for keys, written in _COMPOUNDS.items():
            run = tokens[i : i + len(keys)]
            if len(run) == len(keys) and all(
                t.kind == "word" and fold(t.text) == k for t, k in zip(run, keys, strict=True)
            ):
                text = written[:1].upper() + written[1:] if run[0].text[:1].isupper() else written
                out.append(Token("word", text))
                i += len(keys)
                joined = True
                break
        if not joined:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if (sentence_start and nxt is not None and nxt.kind == "word"
                    and fold(nxt.text) in _INVERTED
                    and fold(tok.text).endswith(("ez", "ons")) and "-" not in tok.text
                    and fold(tok.text) not in _NOT_VERBS):
                out.append(Token("word", f"{tok.text}-{nxt.text}"))
                i += 2
            else:
                out.append(tok)
                i += 1
        sentence_start = False
    return out


def _capitalise(word: str) -> str:
    return word[:1].upper() + word[1:] if word[:1].islower() else word


def render(tokens: Sequence[Token]) -> str:
    """The document as text ready to paste."""
    out: list[str] = []
    capital = True
    line_start = True
    prev: Token | None = None
    for tok in _hyphenate(tokens):
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
