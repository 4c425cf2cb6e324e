"""Dates said in a sentence: "le 15 mars", "15/03/2027", "le 1er avril 2027".

A date said without its year is taken in the appointment's year. A deadline
said with a year long past ("avant le 15 mars 2020") is a misheard year
("deux mille vingt-six" written 2020 or 2016): its next occurrence is kept.
"""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
}
_DATE_WORDS = re.compile(
    r"\b(\d{1,2}) (" + "|".join(_MONTHS) + r")\b(?:,? (\d{4})\b)?"
)
_DEADLINE = re.compile(
    r"(?:avant|jusqu'(?:au|a)|d'ici|date limite|au plus tard|expire|prochain|a partir du"
    r"|reviens|revenez|rendez-vous|on se revoit)\D{0,20}$"
)
LEADING_YEAR = re.compile(r"^(?:en )?((?:19|20)\d\d)\b(?! ?(?:euros?|%))")
"""A year opening a sentence: the end of a date cut by a segment boundary."""
_DATE_NUMERIC = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?\b")


def find_dates(text: str) -> list[tuple[re.Match[str], int, int, int | None]]:
    """(match, day, month, year or None) of every date written in ``text``, in order."""
    out: list[tuple[re.Match[str], int, int, int | None]] = []
    for m in _DATE_WORDS.finditer(text):
        out.append((m, int(m.group(1)), _MONTHS[m.group(2)],
                    int(m.group(3)) if m.group(3) else None))
    for m in _DATE_NUMERIC.finditer(text):
        month = int(m.group(2))
        if 1 <= month <= 12:
            out.append((m, int(m.group(1)), month, int(m.group(3)) if m.group(3) else None))
    out.sort(key=lambda t: t[0].start())
    return out


def said_dates(text: str, today: dt.date) -> list[tuple[re.Match[str], dt.date]]:
    """The dates of ``text`` as calendar dates (``today``: the appointment's date);
    impossible ones ("31 juin") are left out."""
    out = []
    for m, day, month, year in find_dates(text):
        if year is None:
            year = today.year
        elif year < 100:
            year += 2000
        try:
            value = dt.date(year, month, day)
        except ValueError:
            continue
        if (value.year < today.year - 1 and value.year >= 2000
                and _DEADLINE.search(text[: m.start()])):
            value = _next_occurrence(today, month, day) or value
        out.append((m, value))
    return out


def _next_occurrence(today: dt.date, month: int, day: int) -> dt.date | None:
    for year in (today.year, today.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            return None
        if candidate >= today:
            return candidate
    return None
