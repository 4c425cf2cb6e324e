"""Masking of personal identifiers (pure, no I/O).

Whatever leaves the workstation to be shared (exports) and what the TUI shows
by default goes through here: social security numbers (NIR), IBANs, phone
numbers and e-mail addresses are replaced by a label such as
``[NIR masqué]``. Masking errs on the side of hiding: any run of nine digits
or more that is none of those is masked as ``[numéro masqué]``, and numbers
said in words ("zéro six douze ...") are caught too.

- ``find_identifiers(text)``: the spans to hide, with their kind;
- ``mask_text(text)``: the text with those spans replaced;
- ``mask_identifier(kind, value)``: a structured identifier of a note;
- ``mask_json(text)``: every string of a JSON document (a note) masked, and
  every ``{"kind": ..., "value": ...}`` object masked by its kind.

``keep_last`` leaves the last characters visible (``[téléphone masqué …30]``)
for on-screen checks; exports keep none.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from assistant.frnumbers import words_to_digits
from assistant.identify.kinds import MASKED_WHEN_SHARED


class MaskKind(StrEnum):
    NIR = "NIR"
    IBAN = "IBAN"
    TELEPHONE = "TELEPHONE"
    EMAIL = "EMAIL"
    NUMERO = "NUMERO"
    """A long number that fits no known kind: masked all the same."""


LABELS_FR: dict[MaskKind, str] = {
    MaskKind.NIR: "NIR masqué",
    MaskKind.IBAN: "IBAN masqué",
    MaskKind.TELEPHONE: "téléphone masqué",
    MaskKind.EMAIL: "courriel masqué",
    MaskKind.NUMERO: "numéro masqué",
}

_KIND_OF_IDENTIFIER = {k.value: MaskKind(k.value) for k in MASKED_WHEN_SHARED}
"""Identifier kinds of the case note always masked in shared output (``identify.kinds``)."""

MIN_DIGITS = 9
"""A run of this many digits or more is always masked."""

_EMAIL = re.compile(r"[\w.%+-]+\s?@\s?[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_WORD = r"[\w'-]+"
_SPOKEN_EMAIL = re.compile(
    rf"{_WORD}(?:\s+(?:point|tiret|underscore|trait)\s+{_WORD})*"
    rf"\s+(?:arobase|at)\s+{_WORD}(?:\s+point\s+{_WORD})+",
    re.IGNORECASE,
)
# Country code (letters, possibly spelt "F R"), check digits, then groups.
_IBAN = re.compile(r"\b[A-Z]\s?[A-Z]\s?\d\s?\d(?:[ .-]?[0-9A-Z]){10,30}\b")
# A phone number said in pairs with commas between them ("06, 12, 48, 97, 30").
_PHONE_PAIRS = re.compile(r"(?<![\w+])0 ?\d(?:(?:[ .-]|, ?)\d\d){4}(?!\w)")
# A number said digit by digit, as Whisper writes it: short groups between
# commas ("2,8,4,3,75,120,5,4,11"); five groups at least, so that "48 21 937,
# 450 euros" or "le 12, 13 et 14" stay as they are.
_COMMA_GROUPS = re.compile(r"(?<![\w+,])\d{1,3}(?:, ?\d{1,3}){4,}(?![\w,])")
# Digits with single separators, an optional +33 / 0033 in front, and a NIR key after.
_DIGITS = re.compile(
    r"(?<![\w+])(?P<intl>\+\s?33\s?(?:\(0\)\s?)?|0033[ .-]?)?"
    r"(?P<run>\d(?:[ .\-/]?\d)*)"
    r"(?P<key>[ ,.]*\s*(?:cl[ée]f?|key)\s*:?\s*\d\s?\d)?(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Found:
    """A span of text that holds an identifier."""

    kind: MaskKind
    start: int
    end: int


def _classify_digits(digits: str, intl: bool, keyed: bool) -> MaskKind | None:
    n = len(digits)
    if intl and n >= 9:
        return MaskKind.TELEPHONE
    if n == 10 and digits[0] == "0":
        return MaskKind.TELEPHONE
    if (n == 15 or (n == 13 and keyed)) and digits[0] in "12378":
        return MaskKind.NIR
    if n >= MIN_DIGITS:
        return MaskKind.NUMERO
    return None


def _find(text: str) -> list[Found]:
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def add(kind: MaskKind, a: int, b: int) -> None:
        found.append(Found(kind, a, b))
        taken.append((a, b))

    for pattern in (_EMAIL, _SPOKEN_EMAIL):
        for m in pattern.finditer(text):
            if free(m.start(), m.end()):
                add(MaskKind.EMAIL, m.start(), m.end())
    for m in _IBAN.finditer(text):
        compact = re.sub(r"[ .-]", "", m.group())
        if 14 <= len(compact) <= 34 and sum(c.isdigit() for c in compact) >= 10 \
                and free(m.start(), m.end()):
            add(MaskKind.IBAN, m.start(), m.end())
    for m in _PHONE_PAIRS.finditer(text):
        if free(m.start(), m.end()):
            add(MaskKind.TELEPHONE, m.start(), m.end())
    for m in _COMMA_GROUPS.finditer(text):
        kind = _classify_digits(re.sub(r"\D", "", m.group()), intl=False, keyed=False)
        if kind is not None and free(m.start(), m.end()):
            add(kind, m.start(), m.end())
    for m in _DIGITS.finditer(text):
        run = re.sub(r"\D", "", m.group("run"))
        kind = _classify_digits(run, m.group("intl") is not None, m.group("key") is not None)
        if kind is None:
            continue
        end = m.end() if (m.group("key") and kind in (MaskKind.NIR, MaskKind.NUMERO)) \
            else m.end("run")
        if free(m.start(), end):
            add(kind, m.start(), end)
    return sorted(found, key=lambda f: f.start)


def find_identifiers(text: str) -> tuple[Found, ...]:
    """Identifiers written in ``text`` (digits, addresses) as spans of ``text``."""
    return tuple(_find(text))


def _label(kind: MaskKind, original: str, keep_last: int) -> str:
    label = LABELS_FR[kind]
    if keep_last > 0:
        tail = re.sub(r"[\s.-]", "", original)[-keep_last:]
        return f"[{label} …{tail}]"
    return f"[{label}]"


def _replace(text: str, spans: list[Found], keep_last: int) -> str:
    out: list[str] = []
    pos = 0
    for f in spans:
        out.append(text[pos : f.start])
        out.append(_label(f.kind, text[f.start : f.end], keep_last))
        pos = f.end
    out.append(text[pos:])
    return "".join(out)


def mask_text(text: str, keep_last: int = 0) -> str:
    """``text`` with every identifier replaced by its label.

    Numbers said in words are caught as well: when writing them in digits
    reveals an identifier, the masked text is the digit form.
    """
    spans = _find(text)
    spoken = words_to_digits(text)
    if spoken != text:
        spoken_spans = _find(spoken)
        if len(spoken_spans) > len(spans):
            return _replace(spoken, spoken_spans, keep_last)
    return _replace(text, spans, keep_last)


def mask_identifier(kind: str, value: str, keep_last: int = 0) -> str:
    """A note's identifier value as shown in shared output."""
    masked_kind = _KIND_OF_IDENTIFIER.get(kind)
    if masked_kind is not None:
        return _label(masked_kind, value, keep_last)
    return mask_text(value, keep_last)


def mask_value(value: Any, keep_last: int = 0) -> Any:
    """A JSON value (dicts, lists, strings...) with every identifier masked."""
    if isinstance(value, str):
        return mask_text(value, keep_last)
    if isinstance(value, list | tuple):
        return [mask_value(v, keep_last) for v in value]
    if isinstance(value, dict):
        kind = value.get("kind")
        if isinstance(kind, str) and isinstance(value.get("value"), str):
            return {
                k: (mask_identifier(kind, v, keep_last) if k == "value" else mask_value(v))
                for k, v in value.items()
            }
        return {k: mask_value(v, keep_last) for k, v in value.items()}
    return value


def mask_json(text: str, keep_last: int = 0) -> str:
    """A JSON document with every identifier masked (same structure)."""
    return json.dumps(mask_value(json.loads(text), keep_last), ensure_ascii=False)
