"""Sums of money said in a sentence: "1 150 euros", "12,50 €", "mille, cent cinquante euros"."""

from __future__ import annotations

import re

_AMOUNT = re.compile(
    r"(?<![\w,.])(\d+(?:(?:, | |\.|,(?=\d{3}\b))\d{3})*(?:,\d{1,2})?)\s*(?:d')?(?:euros?|eur)\b"
    r"(?: (?:et )?(\d{1,2})(?: centimes?)?(?=[ ,.;!?]|$)(?! (?:euros?|%|ans|mois|jours|fois)))?"
)


def find_amounts(text: str) -> list[tuple[re.Match[str], float]]:
    """Every sum in euros in ``text`` (working text), with its value."""
    out = []
    for m in _AMOUNT.finditer(text):
        value = amount_value(m.group(1), m.group(2))
        if value is not None:
            out.append((m, value))
    return out


def amount_value(number: str, cents: str | None) -> float | None:
    """``"1 150"``, ``"1000, 150"`` (the recogniser's "mille, cent cinquante"), ``"12,50"``."""
    decimal = 0.0
    dec = re.search(r",(\d{1,2})$", number)
    if dec:
        decimal = int(dec.group(1)) / (10 ** len(dec.group(1)))
        number = number[: dec.start()]
    groups = re.split(r"(, | |\.|,(?=\d{3}$|\d{3}\D))", number)
    value = int(groups[0])
    prev = groups[0]
    for sep, g in zip(groups[1::2], groups[2::2], strict=True):
        if sep in (" ", ".", ",") and len(g) == 3 and len(prev) <= 3:
            value = value * 1000 + int(g)
        elif sep == ", " and value >= 1000 and value % 1000 == 0 and len(g) <= 3:
            value += int(g)
        else:
            value = int(g)
        prev = g
    if cents:
        decimal = int(cents) / 100
    total = value + decimal
    if total <= 0:
        return None
    return float(round(total, 2))
