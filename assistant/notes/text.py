"""Normalising a transcript segment while remembering where each character came from.

Extractors match on a folded, repaired text (lower case, no accents, numbers
in digits, the recogniser's usual slips mended) but evidence must point at
the agent's own words. ``MappedText`` carries, for every character of the
working text, the span of the original text it stands for.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant import phonetic
from assistant.folding import fold
from assistant.frnumbers import NUMBER_WORDS, find_numbers
from assistant.notes.common import is_common
from assistant.notes.lexicon import SOUND_TERMS
from assistant.slips import DEFAULT_MODEL, note_slips


@dataclass(frozen=True, slots=True)
class MappedText:
    """A working text and, per character, the original span ``[ostart, oend)`` it stands for."""

    text: str
    ostart: tuple[int, ...]
    oend: tuple[int, ...]

    @classmethod
    def folded(cls, original: str) -> MappedText:
        """Lower case, accents removed, typographic quotes and spaces made plain."""
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for i, ch in enumerate(original):
            f = _fold_char(ch)
            for c in f:
                chars.append(c)
                starts.append(i)
                ends.append(i + 1)
        return cls("".join(chars), tuple(starts), tuple(ends))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of working characters ``[start, end)``."""
        if not self.text:
            return (0, 0)
        start = min(max(start, 0), len(self.text) - 1)
        end = min(max(end, start + 1), len(self.text))
        return (self.ostart[start], self.oend[end - 1])

    def sub(self, pattern: re.Pattern[str],
            repl: str | Callable[[re.Match[str]], str]) -> MappedText:
        """Like ``pattern.sub`` on the working text, keeping the map."""
        edits = []
        for m in pattern.finditer(self.text):
            new = repl(m) if callable(repl) else m.expand(repl)
            if new != m.group():
                edits.append((m.start(), m.end(), new))
        return self.replace(edits)

    def replace(self, edits: list[tuple[int, int, str]]) -> MappedText:
        """Replace working spans ``[start, end)`` (sorted, disjoint) by new strings."""
        if not edits:
            return self
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        for start, end, new in edits:
            chars.append(self.text[pos:start])
            starts.extend(self.ostart[pos:start])
            ends.extend(self.oend[pos:start])
            if end > start:
                o0, o1 = self.ostart[start], self.oend[end - 1]
            elif start < len(self.text):
                o0 = o1 = self.ostart[start]
            else:
                o0 = o1 = self.oend[-1] if self.oend else 0
            chars.append(new)
            starts.extend([o0] * len(new))
            ends.extend([o1] * len(new))
            pos = end
        chars.append(self.text[pos:])
        starts.extend(self.ostart[pos:])
        ends.extend(self.oend[pos:])
        return MappedText("".join(chars), tuple(starts), tuple(ends))


@functools.cache
def _fold_char(ch: str) -> str:
    return fold(ch, typography=True)


# Spoken and written forms of the lexicon's words, for every recogniser (the slips
# one model was heard to make live in assistant/slips.toml, applied for that model
# only; sound-alike spellings are caught by ``_sound_alikes``).
_REPAIRS: tuple[tuple[str, str], ...] = (
    (r"\$", " euros"),
    (r"\ballocataires\b", "allocataire"),
    (r"\bcaisses de retraite", "caisse de retraite"),
    (r"\binfo[- ]?retraite?\b", "info-retraite"),
    (r"\bpole(?:-| )emplois?\b", "pole emploi"),
    (r"\bimpots? ?(?:\.|point) ?gouv(?:\.fr)?\b", "impots.gouv"),
    (r"\bameli\.fr\b", "ameli"),
    (r"\b(?:arrobase|arobas|arobaz)\b", "arobase"),
)
_REPAIR_PATTERNS = tuple((re.compile(p), r) for p, r in _REPAIRS)

SPELLED_ACRONYMS: tuple[str, ...] = (
    "aah", "alf", "als", "apl", "caf", "ccas", "cdd", "cni", "cnav", "cpam", "css", "dgfip",
    "mdph", "msa", "rsa", "sip", "spi",
)
"""The lexicon's acronyms that are said letter by letter."""
_LETTER_GAP = r"[ .,-]*"


def _acronym_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """How a recogniser writes an acronym said letter by letter, whatever the voice:
    its letters apart ("c, a, f", "m.d.p.h."), or, after an elided article, with the
    vowel of the first letter's French name (« èm », « ès », « èf »… for m, s, f, l,
    n, r) written before it ("l'imdph", "l'emsa")."""
    out = []
    for acronym in SPELLED_ACRONYMS:
        apart = r"[ .,-]+".join(acronym)
        out.append((re.compile(rf"\b{apart}\b"), acronym))
        if acronym[0] in "flmnrs":
            glued = _LETTER_GAP.join(acronym)
            out.append((re.compile(rf"(?<=\b[ld]')[ei]-?{glued}\b"), acronym))
    return tuple(out)


_ACRONYM_PATTERNS = _acronym_patterns()

_MONTHS = (
    "janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre"
)
_PREMIER = re.compile(rf"\b(?:premier|1 ?er)\b(?= (?:{_MONTHS})\b)")
_EMAIL_SPOKEN = re.compile(
    r"\b([a-z0-9][a-z0-9._-]*(?: (?:point|tiret|tiret du bas|underscore) [a-z0-9]+| \d+)*)"
    r" arobase ([a-z0-9-]+(?: point [a-z0-9-]+)+)\b"
)
_WORD_THEN_DIGITS = re.compile(r"[a-z][a-z._-]* (?=\d)")


def _spoken_email(m: re.Match[str]) -> str:
    """« martine point lefebvre 62 arobase orange point fr »: the digits said after
    a name are part of it; after a common word (« c'est 62 arobase… ») they begin
    the address, and the word stays as it was."""
    def glue(s: str) -> str:
        s = re.sub(r" (?:tiret du bas|underscore) ", "_", s)
        s = re.sub(r" tiret ", "-", s)
        s = re.sub(r" (?=\d)", "", s)
        return re.sub(r" point ", ".", s)

    local, head = m.group(1), ""
    before = _WORD_THEN_DIGITS.match(local)
    if before and is_common(before.group().strip()):
        head, local = before.group(), local[before.end():]
    return f"{head}{glue(local)}@{glue(m.group(2))}"


def normalise(original: str, model: str | None = DEFAULT_MODEL,
              heard: Callable[[int, int], float | None] | None = None) -> MappedText:
    """Folded, repaired, numbers in digits: the text the extractors read.

    ``model``: the recogniser's name, whose observed slips are mended
    (``assistant/slips.toml``); ``heard(start, end)``: how sure it was of the
    words at that span of ``original`` (None: not known), so that an unsure
    word may be read as a lexicon term it sounds less like."""
    mt = MappedText.folded(original)
    for slip in note_slips(model):
        mt = mt.sub(slip.heard, slip.meant)
    for pattern, repl in (*_REPAIR_PATTERNS, *_ACRONYM_PATTERNS):
        mt = mt.sub(pattern, repl)
    mt = _sound_alikes(mt, original, heard)
    mt = mt.sub(_PREMIER, "1")
    mt = _numbers_to_digits(mt)
    mt = mt.sub(_EMAIL_SPOKEN, _spoken_email)
    return mt


_TOKEN = re.compile(r"\b(?:([a-z])')?([a-z]+(?:-[a-z]+)*)\b(?!')")
"""A word, with the elided article or pronoun before it ("l'", "d'") apart."""
_MAX_WORDS = 3
# A first name, not a word of the lexicon ("ma fille Amélie", "madame Passeport").
_PERSON_BEFORE = re.compile(
    r"\b(?:fille|fils|soeur|frere|mere|pere|madame|monsieur|mme|amie?|cousine?|tante|oncle"
    r"|niece|neveu|femme|mari|appelle|prenom|nommee?) $"
)


@dataclass(frozen=True, slots=True)
class _Term:
    text: str
    key: str
    initials: str
    """The first sound of each of its words."""


@functools.cache
def _terms() -> dict[str, tuple[_Term, ...]]:
    """The lexicon's sound-matched terms, by first sound."""
    by_first: dict[str, list[_Term]] = {}
    for term in SOUND_TERMS:
        k = phonetic.key(term)
        if len(k) >= phonetic.MIN_KEY:
            initials = "".join(phonetic.key(w)[:1] for w in term.split())
            by_first.setdefault(k[0], []).append(_Term(term, k, initials))
    return {first: tuple(terms) for first, terms in by_first.items()}


@functools.lru_cache(maxsize=16384)
def _nearest_term(words: tuple[str, ...], unsure: bool) -> tuple[int, str] | None:
    """The term ``words`` (as heard, accents kept) sound like, and how far.

    Heard as many words as the term has: each word starts with the same sound
    and the whole is within the term's tolerance ("bultins de salaire"). Heard
    as other words ("en ployeur" for "employeur"): the same sounds exactly, or
    one edit off when the recogniser was unsure (``unsure``: of a word under
    ``phonetic.UNSURE_BELOW``). One common French word: the same sounds only."""
    probability = 0.0 if unsure else None
    keys = [phonetic.key(w) for w in words]
    k = "".join(keys)
    # A common word that sounds a little like a term is what was said (« je crois »
    # is not « CARSAT »): only the same sounds exactly (``notes.common``).
    common = len(words) == 1 and is_common(words[0])
    best: tuple[int, str] | None = None
    for term in _terms().get(k[:1], ()):
        allowed = phonetic.tolerance(term.key, probability)
        if len(term.initials) != len(words):
            allowed = 1 if unsure else 0
        elif "".join(w[:1] for w in keys) != term.initials:
            continue
        if common:
            allowed = 0
        if abs(len(term.key) - len(k)) > allowed:
            continue
        d = phonetic.distance(k, term.key)
        if d <= allowed and (best is None or d < best[0]):
            best = (d, term.text)
    return best


def _sound_alikes(mt: MappedText, original: str,
                  heard: Callable[[int, int], float | None] | None) -> MappedText:
    """Words (one to three) that sound like a term of the lexicon ("préfacture",
    "la carsate", "en ployeur", "bultins de salaire") written as that term: at each
    word, the closest run (the shorter one on a tie), each word read once."""
    tokens = [t for t in _TOKEN.finditer(mt.text) if t.group(2) not in NUMBER_WORDS]
    edits: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        best: tuple[int, int, str] | None = None  # distance, words, term
        for n in range(1, min(_MAX_WORDS, len(tokens) - i) + 1):
            run = tokens[i : i + n]
            a, b = run[0].start(2), run[-1].end()
            if any(run[k + 1].start() - run[k].end() != 1 for k in range(n - 1)):
                break  # not one run of words (punctuation or a number between)
            oa, ob = mt.span(a, b)
            words = tuple(original[oa:ob].split())
            if len(words) != n:
                continue
            p = heard(oa, ob) if heard else None
            found = _nearest_term(words, p is not None and p < phonetic.UNSURE_BELOW)
            if found is not None and (best is None or found[0] < best[0]):
                best = (found[0], n, found[1])
        if best is None:
            i += 1
            continue
        _d, n, term = best
        a, b = tokens[i].start(2), tokens[i + n - 1].end()
        chunk = mt.text[a:b]
        if (chunk.rstrip("sx") != term.rstrip("sx")
                and not _PERSON_BEFORE.search(mt.text[max(0, a - 12) : a])):
            edits.append((a, b, term))
        i += n
    return mt.replace(edits)


def _numbers_to_digits(mt: MappedText) -> MappedText:
    found = find_numbers(mt.text)
    edits: list[tuple[int, int, str]] = []
    text = mt.text
    for k, m in enumerate(found):
        word = text[m.start : m.end]
        if m.words == 1 and word in ("un", "une"):
            # An article unless other numbers stand right beside it ("un deux trois").
            before = text[: m.start]
            after = text[m.end :]
            # ("un, 68, 98, 25": a group of its own in a run said with pauses).
            near = bool(re.search(r"\d[ -]$", before) or re.match(r"[ -]\d|, \d+, \d", after)
                        or (re.search(r"\d, $", before) and re.match(r"[,.]|$", after)))
            if k > 0 and text[found[k - 1].end : m.start] in (" ", ", ", "-"):
                near = True
            if k + 1 < len(found) and text[m.end : found[k + 1].start] in (" ", ", ", "-"):
                near = True
            if not near:
                continue
        edits.append((m.start, m.end, str(m.value)))
    return mt.replace(edits)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a segment: its working text and map, and where it sits."""

    segment_id: int
    index: int
    """Running number of the sentence in the whole session."""
    text: str
    """The working (normalised) text of the sentence."""
    offset: int
    """Where ``text`` starts in the segment's working text."""
    mapped: MappedText
    """The whole segment's working text (spans of ``text`` are relative to ``offset``)."""
    question: bool


_SENTENCE_END = re.compile(r"[.?!;…]+(?=\s|$)|\n+")
# An ellipsis before a self-correction is a hesitation inside the sentence, not its
# end ("… 52 39... non pardon, 93 à la fin"): what is corrected stays beside its
# correction.
_HESITATION = re.compile(r"\.\.\.|…")
_CORRECTION_AHEAD = re.compile(r"\s+(?:euh,? )?(?:non|pardon|attendez|enfin non)\b")


def sentences(mt: MappedText, segment_id: int, first_index: int) -> list[Sentence]:
    """Split a segment's working text into sentences."""
    out: list[Sentence] = []
    pos = 0
    text = mt.text
    for m in _SENTENCE_END.finditer(text):
        if _HESITATION.fullmatch(m.group()) and _CORRECTION_AHEAD.match(text, m.end()):
            continue
        chunk = text[pos : m.end()]
        if chunk.strip(" .?!;…\n"):
            lead = len(chunk) - len(chunk.lstrip())
            out.append(Sentence(segment_id, first_index + len(out), chunk.strip(), pos + lead,
                                mt, "?" in m.group()))
        pos = m.end()
    rest = text[pos:]
    if rest.strip(" .?!;…\n"):
        lead = len(rest) - len(rest.lstrip())
        out.append(Sentence(segment_id, first_index + len(out), rest.strip(), pos + lead, mt,
                            False))
    return out


def clip(text: str, limit: int) -> str:
    """``text`` stripped, cut at a word boundary to at most ``limit`` characters ("…")."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
