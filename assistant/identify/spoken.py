"""A number as it was said, read exactly: groups, digits, letters, corrections (pure).

The recogniser writes what a person says of an identifier in many ways: in
digits ("06-71-22-58-09", "1, 68, 01"), in French number words ("zéro six,
soixante et onze"), in a mix ("Soixante-7"), with letters ("lettre B",
"bé", "FR"), with the words around it ("clé", "non pardon", "je
recommence"). ``heard_groups`` turns one such text into the groups that were
said, in order, with the corrections applied; ``values_for`` lists the values
of a kind those groups can make (at group boundaries only, never by sliding
over the digits).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.folding import fold
from assistant.frnumbers import find_numbers
from assistant.identify.kinds import RULES, KindRule, check
from assistant.notes.models import IdentifierKind
from assistant.phonetic import distance

K = IdentifierKind

LETTER_NAMES: dict[str, str] = {
    "a": "A", "be": "B", "bee": "B", "ce": "C", "c'est": "C", "de": "D", "des": "D", "e": "E",
    "effe": "F", "ef": "F", "f": "F", "ge": "G", "j'ai": "G", "hache": "H", "ache": "H",
    "i": "I", "ji": "J", "ka": "K", "ca": "K", "elle": "L", "el": "L", "aile": "L",
    "emme": "M", "em": "M", "aime": "M", "enne": "N", "en": "N", "haine": "N", "o": "O",
    "pe": "P", "pai": "P", "cu": "Q", "qu": "Q", "erre": "R", "air": "R", "er": "R",
    "esse": "S", "es": "S", "te": "T", "t'es": "T", "u": "U", "ve": "V", "vais": "V",
    "ix": "X", "iks": "X", "zede": "Z",
}
"""French letter names (folded) as people spell a plate or an identifier,
with the ordinary words that sound the same; single letters stand for themselves."""

_TWO_WORD_LETTERS = re.compile(r"\b(?:(i) grec|(double) v[eé]?)\b")


def name_two_word_letters(text: str) -> str:
    """« i grec » -> « y », « double vé » -> « w » in folded text, padded with
    spaces to the same length (callers keep character spans)."""
    def one(m: re.Match[str]) -> str:
        letter = "y" if m.group(1) else "w"
        return letter + " " * (len(m.group()) - 1)

    return _TWO_WORD_LETTERS.sub(one, text)


_KEY_WORDS = {"cle", "cles", "cl", "clef"}
_FIX_WORDS = {"non", "pardon", "plutot", "erreur", "attendez", "pardonnez"}
_RESTART = re.compile(r"\bje (?:recommence|reprends)\b|\breprenons\b|\bdepuis le debut\b")
_DIGIT_NAMES = ("zero", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf")
_TOKEN = re.compile(r"\d+|[a-z]+(?:'[a-z]+)?")
_SEPARATOR_ONLY = re.compile(r"[\s,.;:!?\-–]*")


@dataclass(frozen=True, slots=True)
class Heard:
    """What was said of one identifier, in the order it was said."""

    groups: tuple[str, ...]
    """Digit groups ("1", "68", "01") and letters ("B"), corrections applied."""
    corrected: int
    """How many groups the speaker took back ("non pardon …")."""
    letters_named: bool
    """Whether a letter was named with « lettre » (France Travail)."""
    after_key: int
    """Index in ``groups`` of the first group said after « clé » (-1: none)."""

    @property
    def digits(self) -> str:
        return "".join(g for g in self.groups if g.isdigit())


def _mixed_to_words(text: str) -> str:
    """``soixante-7`` -> ``soixante-sept``: a digit glued to a number word."""
    return re.sub(r"(?<=[a-z])-(\d)\b", lambda m: "-" + _DIGIT_NAMES[int(m.group(1))], text)


def nearest_number_word(word: str) -> str | None:
    """The French number word ``word`` (folded) is a misspelling of, if one is
    clearly nearest: one edit from four letters on, two from eight
    ("soisante", "troix", "seix"); never for short words ("de", "cet", "dit")."""
    if word in _NUMBER_WORDS_FOLDED or len(word) < 4:
        return None
    limit = 2 if len(word) >= 8 else 1
    scored = sorted((distance(word, w), w) for w in _NUMBER_WORDS_FOLDED)
    best, second = scored[0], scored[1]
    if best[0] <= limit and best[0] < second[0]:
        return best[1]
    return None


def _repair_number_words(text: str) -> str:
    """``text`` (folded) with the misspelt number words a constrained decoding
    writes (it may join pieces of words freely) put right."""
    def fix(m: re.Match[str]) -> str:
        near = nearest_number_word(m.group())
        return near if near is not None else m.group()

    return re.sub(r"[a-z]+", fix, text)


def heard_groups(text: str, letters: bool = True, spelt: bool = False) -> Heard:
    """The groups said in ``text`` (a recogniser's hypothesis of a number).

    ``letters``: whether single letters count (kinds that hold letters);
    otherwise they are ignored as noise. ``spelt``: whether letter names
    (« bé », « cé ») count anywhere (plates, spelt letter by letter); else
    only after « lettre » or beside another letter.
    """
    folded = _repair_number_words(_mixed_to_words(
        name_two_word_letters(fold(text, typography=True))))
    restarts = list(_RESTART.finditer(folded))
    if restarts:
        folded = folded[restarts[-1].end():]
    # Number words -> digit groups; the rest stays as words.
    pieces: list[tuple[int, int, str]] = []  # (start, end, token)
    spans = find_numbers(folded)
    pos = 0
    for m in spans:
        pieces.extend(_plain_tokens(folded, pos, m.start))
        value = str(m.value)
        pieces.append((m.start, m.end, value))
        pos = m.end
    pieces.extend(_plain_tokens(folded, pos, len(folded)))

    groups: list[str] = []
    corrected = 0
    letters_named = False
    after_key = -1
    pending_letter = False
    fixing = False
    for _s, _e, tok in pieces:
        if tok in _FIX_WORDS:
            # "non pardon": one correction, however many words it takes.
            if groups and not fixing:
                groups.pop()
                corrected += 1
                if after_key > len(groups):
                    after_key = -1
            fixing = True
            continue
        fixing = False
        if tok.isdigit():
            groups.append(tok)
            pending_letter = False
        elif tok in _KEY_WORDS:
            after_key = len(groups)
        elif tok == "lettre":
            pending_letter = True
            letters_named = True
        elif letters and (len(tok) == 1 or (pending_letter and tok in LETTER_NAMES)):
            groups.append(tok.upper() if len(tok) == 1 else LETTER_NAMES[tok])
            pending_letter = False
        elif letters and tok == "fr":
            groups.append("FR")
        elif letters and tok in LETTER_NAMES and (spelt or _spelling_context(groups)):
            groups.append(LETTER_NAMES[tok])
    return Heard(tuple(groups), corrected, letters_named, after_key)


def _spelling_context(groups: list[str]) -> bool:
    """A letter name counts only beside other letters (a plate being spelt)."""
    return bool(groups) and groups[-1].isalpha()


def _plain_tokens(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(start + m.start(), start + m.end(), m.group())
            for m in _TOKEN.finditer(text[start:end])]


def values_for(kind: IdentifierKind, heard: Heard) -> list[str]:
    """Valid values of ``kind`` that ``heard`` can make, best first.

    The whole of what was heard first; then, if it holds more than the kind
    needs, the values that start or end at a group boundary (words around the
    number may have been heard as a group: "c'est un" as "1"). Never a
    window that cuts a group.
    """
    rule = RULES.get(kind)
    if rule is None:
        return []
    groups = list(heard.groups)
    out: list[str] = []
    for lo, hi in _windows(groups, rule):
        value = _assemble(kind, groups[lo:hi], rule)
        if value is not None and value not in out:
            out.append(value)
    return out


def _windows(groups: list[str], rule: KindRule) -> list[tuple[int, int]]:
    n = len(groups)
    spans = [(0, n)]
    spans += [(lo, n) for lo in range(1, n)]
    spans += [(0, hi) for hi in range(n - 1, 0, -1)]
    spans += [(lo, hi) for lo in range(1, n) for hi in range(n - 1, lo, -1)]
    need = {rule.digits + rule.letters}
    if rule.kind is K.IBAN:
        need.add(rule.digits)  # "FR" not heard
    return [(lo, hi) for lo, hi in spans if len("".join(groups[lo:hi])) in need]


def _assemble(kind: IdentifierKind, groups: list[str], rule: KindRule) -> str | None:
    joined = "".join(groups)
    if kind is K.IBAN:
        if not joined.startswith("FR"):
            joined = "FR" + joined
        return check(kind, joined)
    if kind is K.IMMATRICULATION:
        return check(kind, joined)
    if kind is K.IDENTIFIANT_FRANCE_TRAVAIL:
        return check(kind, joined)
    if not joined.isdigit():
        joined = "".join(c for c in joined if c.isdigit())
    return check(kind, joined)


def is_number_text(text: str) -> bool:
    """Whether ``text`` says only a number (digits, number words, separators)."""
    folded = fold(text, typography=True)
    rest = folded
    for m in reversed(find_numbers(folded)):
        rest = rest[:m.start] + " " + rest[m.end:]
    rest = re.sub(r"\d+", " ", rest)
    return bool(_SEPARATOR_ONLY.fullmatch(rest)) and rest != folded


NUMBER_VOCABULARY: frozenset[str] = frozenset((
    "zéro", "un", "une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
    "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "vingt", "vingts",
    "trente", "quarante", "cinquante", "soixante", "septante", "huitante", "octante",
    "nonante", "cent", "cents", "mille", "et", "clé", "non", "pardon",
))
"""What a constrained decoding of digits may write (besides digits and separators)."""
LETTER_VOCABULARY: frozenset[str] = frozenset(
    {"lettre", "FR", *"abcdefghijklmnopqrstuvwxyz", "bé", "cé", "dé", "effe", "gé", "hache",
     "ji", "ka", "elle", "emme", "enne", "pé", "cu", "erre", "esse", "té", "vé", "ix", "zède"}
)
"""Added for the kinds that hold letters."""


def vocabulary(kind: IdentifierKind) -> frozenset[str]:
    """The words a constrained decoding of ``kind`` may write."""
    rule = RULES.get(kind)
    if rule is not None and rule.letters:
        return NUMBER_VOCABULARY | LETTER_VOCABULARY
    return NUMBER_VOCABULARY


def is_number_word(word: str, letters: bool = False) -> bool:
    """Whether one recognised word is part of a number (or of a spelt identifier)."""
    folded = fold(word, typography=True).strip(" ,.;:!?")
    if not folded:
        return False
    if any(c.isdigit() for c in folded) and all(c.isdigit() or c in "-., " for c in folded):
        return True
    parts = [p for p in re.split(r"[-']", folded) if p]
    if parts and all(p in _NUMBER_WORDS_FOLDED or p in _KEY_WORDS for p in parts):
        return True
    return letters and (len(folded) == 1 or folded in LETTER_NAMES or folded == "lettre")


MAX_GAP_WORDS = 2
"""Words that are not numbers allowed inside a number's stretch (misheard groups)."""


def number_runs(words: Sequence[str], letters: bool = False,
                max_gap: int = MAX_GAP_WORDS) -> list[tuple[int, int, int]]:
    """Runs of ``words`` that say a number: (first index, last index, number words),
    allowing up to ``max_gap`` other words inside (groups misheard as words)."""
    runs: list[tuple[int, int, int]] = []
    first = last = -1
    count = gap = 0
    for i, word in enumerate(words):
        if is_number_word(word, letters):
            if first < 0:
                first = i
            last, gap = i, 0
            count += 1
        elif first >= 0:
            gap += 1
            if gap > max_gap:
                runs.append((first, last, count))
                first, count, gap = -1, 0, 0
    if first >= 0:
        runs.append((first, last, count))
    return runs


_NUMBER_WORDS_FOLDED = frozenset(
    fold(w, typography=True) for w in NUMBER_VOCABULARY - {"non", "pardon", "et"}
)
