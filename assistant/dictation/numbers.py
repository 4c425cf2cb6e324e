"""Numbers and amounts as digits in dictated text (pure).

Number words become digits through ``assistant.frnumbers`` when the number
is 10 or more, or when a unit, a currency or a month follows ("trois
juin" -> "3 juin", "dix heures" -> "10 heures"); a small number on its own
stays a word ("en trois fois"), as French style wants. "premier" before a
month is "1er". Amounts and large numbers are grouped by thousands with a
non-breaking space ("1 340 euros"); years and identifiers are not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.folding import fold
from assistant.frnumbers import NUMBER_WORDS, find_numbers

NBSP = "\u00a0"

MONTHS = frozenset({
    "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre",
    "octobre", "novembre", "decembre",
})
CURRENCY = frozenset({"euros", "euro", "€", "centimes", "eur"})
UNITS = CURRENCY | frozenset({
    "%", "pour", "heures", "heure", "h", "minutes", "minute", "secondes", "ans", "jours",
    "mois", "semaines", "kilometres", "km", "kilos", "kg", "metres", "m2", "ml", "litres",
})
_DIGITS = re.compile(r"\d+")
_DOT_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+")
"""Whisper's "1.280": French writes no decimal point, so these are thousands."""
_CLOCK = re.compile(r"([01]?\d|2[0-4])h(\d{2})?", re.IGNORECASE)


def _next_key(words: Sequence[str], j: int) -> str:
    return fold(words[j]) if j < len(words) else ""


def _percent(words: Sequence[str]) -> list[str]:
    """"pour cent" after a number is "%"."""
    out: list[str] = []
    k = 0
    while k < len(words):
        if (fold(words[k]) == "pour" and k + 1 < len(words) and fold(words[k + 1]) == "cent"
                and out and (out[-1].isdigit() or fold(out[-1]) in NUMBER_WORDS)):
            out.append("%")
            k += 2
            continue
        out.append(words[k])
        k += 1
    return out


def spell_numbers(said: Sequence[str]) -> list[str]:
    """``said`` with the numbers said in words written in digits (one item
    per number)."""
    words = _percent(said)
    text = " ".join(words)
    # Character offset of each word, to map frnumbers' spans back to words.
    starts: list[int] = []
    pos = 0
    for w in words:
        starts.append(pos)
        pos += len(w) + 1
    out: list[str] = []
    i = 0
    for m in find_numbers(text):
        first = next(k for k, s in enumerate(starts) if s + len(words[k]) > m.start)
        last = next(k for k, s in enumerate(starts) if s + len(words[k]) >= m.end)
        if starts[first] != m.start or starts[last] + len(words[last]) != m.end:
            continue  # a number inside a hyphenated word ("quatre-quarts")
        nxt = _next_key(words, last + 1)
        prev = fold(words[first - 1]) if first > 0 else ""
        said_alone = m.words == 1 and fold(words[first]) in ("un", "une")
        if said_alone:
            continue
        if m.value < 10 and nxt not in UNITS and nxt not in MONTHS and not prev.isdigit():
            continue
        out.extend(words[i:first])
        out.append(str(m.value))
        i = last + 1
    out.extend(words[i:])
    return _first_of_month(out)


def _first_of_month(words: list[str]) -> list[str]:
    return [
        "1er" if fold(w) in ("premier", "1er") and _next_key(words, k + 1) in MONTHS else w
        for k, w in enumerate(words)
    ]


def group_thousands(digits: str) -> str:
    """``1340`` -> ``1 340`` with non-breaking spaces."""
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[k : k + 3] for k in range(head, len(digits), 3)]
    return NBSP.join(groups)


def _sum_said_parts(words: Sequence[str]) -> list[str]:
    """Whisper's "500 40 euros" for "cinq cent quarante euros": a round
    number followed by numbers smaller than its zeros, before a unit or a
    currency, is one number said in parts (540)."""
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        j = i + 1
        total = int(w) if _DIGITS.fullmatch(w) else 0
        while total and j < len(words) and _DIGITS.fullmatch(words[j]):
            zeros = len(str(total)) - len(str(total).rstrip("0"))
            if not 0 < int(words[j]) < 10 ** zeros:
                break
            total += int(words[j])
            j += 1
        if j > i + 1 and _next_key(words, j) in UNITS:
            out.append(str(total))
            i = j
        else:
            out.append(w)
            i += 1
    return out


def format_amounts(words: Sequence[str]) -> list[str]:
    """Join numbers Whisper wrote in groups ("1 340 euros", "1.340 euros") and group by
    thousands those that are amounts or large counts (not years, not
    identifiers)."""
    out: list[str] = []
    i = 0
    words = _sum_said_parts([w.replace(".", "") if _DOT_GROUPED.fullmatch(w) else w
                             for w in words])
    while i < len(words):
        w = words[i]
        if not _DIGITS.fullmatch(w):
            out.append(w)
            i += 1
            continue
        digits = w
        j = i + 1
        while (len(digits) <= 3 and j < len(words) and re.fullmatch(r"\d{3}", words[j])
               and _next_key(words, j + 1) in CURRENCY and len(w) <= 3):
            digits += words[j]
            j += 1
        nxt = _next_key(words, j)
        if len(digits) >= 4 and (nxt in UNITS or 5 <= len(digits) <= 6):
            out.append(group_thousands(digits))
        else:
            out.append(digits)
        i = j
    return out


def _respell(words: Sequence[str], pattern: re.Pattern[str],
             spell: Callable[[re.Match[str], list[str]], list[str]]) -> list[str]:
    """``words``, each one that ``pattern`` matches whole replaced by what
    ``spell`` writes for it (given the words written so far)."""
    out: list[str] = []
    for w in words:
        m = pattern.fullmatch(w)
        out += [w] if m is None else spell(m, out)
    return out


def _hours_as_said(m: re.Match[str], _before: list[str]) -> list[str]:
    unit = "heure" if int(m.group(1)) <= 1 else "heures"
    return [m.group(1), unit, *([m.group(2)] if m.group(2) else [])]


def spell_hours(words: Sequence[str]) -> list[str]:
    """Whisper's own abbreviation of a time said in words ("14h", "9h30")
    written as it was said: "14 heures", "9 heures 30" (as "quatorze heures"
    gives)."""
    return _respell(words, _CLOCK, _hours_as_said)


_EURO_SIGN = re.compile(r"(\d*)€")


def _euros_as_said(m: re.Match[str], before: list[str]) -> list[str]:
    amount = m.group(1) or (before[-1] if before and _DIGITS.fullmatch(before[-1]) else "")
    return [*([m.group(1)] if m.group(1) else []), "euro" if amount in ("0", "1") else "euros"]


def spell_euro_sign(words: Sequence[str]) -> list[str]:
    """Whisper's "210 €" / "210€" written as said: "210 euros" ("1 euro")."""
    return _respell(words, _EURO_SIGN, _euros_as_said)


def numbers_as_digits(words: Sequence[str]) -> list[str]:
    """Number words to digits, Whisper's "14h" and "€" as said, then amounts
    grouped by thousands."""
    return format_amounts(spell_euro_sign(spell_hours(spell_numbers(words))))
