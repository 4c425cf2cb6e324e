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

from assistant.folding import fold
from assistant.frnumbers import find_numbers


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


# Slips of the recogniser (Whisper base on French counter speech) and spoken
# forms, written as general sound-alike patterns, folded.
_REPAIRS: tuple[tuple[str, str], ...] = (
    (r"\bl'a(?:c|cr|cc|k)f\b|\bl'a ?caf\b|\blacaf\b|\bla caff?e?\b|\bla kaf\b", "la caf"),
    (r"\bl'a ?cpam\b|\blacpam\b", "la cpam"),
    (r"\bla crf\b", "la caf"),
    (r"\bcaf sa[iy]t?\b", "carsat"),
    (r"\bl'a ?s?secu\w*|\bla sequi\w*", "la secu"),
    (r"\b(?:la|l'a) ?ripa\b", "l'aripa"),
    (r"\bsite de l'an\b", "site de l'ants"),
    (r"\binjustificatif", "un justificatif"),
    (r"\b(?:d'un|un|une|votre|nouveau|votre nouveau) arrive(?:e|r)?\b", "un rib"),
    (r"\ben ?p?loyeurs?\b", "employeur"),
    (r"\bb\w{1,3}tins? de (salaire|paie)", "bulletins de \\1"),
    (r"\bfiches? de paix\b", "fiches de paie"),
    (r"\bavie?s? d'imposition", "avis d'imposition"),
    (r"\bpassport\b", "passeport"),
    (r"\b(?:la |l')?prestation (?=(?:de |d')?(?:votre |l'|son |mon )?employeur)", "l'attestation "),
    (r"\blivr\w* (?:et )?de famille\b", "livret de famille"),
    (r"\binfo[- ]?retraite?\b", "info-retraite"),
    (r"\bd'apple\b", "d'apl"),
    (r"\bl'assignale\b", "la signale"),
    (r"\bl'accomplementaire\b", "la complementaire"),
    (r"\bmascrire\b", "m'inscrire"),
    (r"\$", " euros"),
    (r"\b(?:a|au|aux|ha) locataires?\b|\ballocataires\b", "allocataire"),
    (r"\b(?:l'|d'|un |le |votre |vos |ton )?(?:h?e)ri(?:b|be|p)s?\b(?!\w)", " rib"),
    (r"\b(?:l|la |une |d'une |votre )?testations?\b", " attestation"),
    (r"\battestations? (?:en|d'en|de) loyeur\b|\battestation en loyer\b", "attestation employeur"),
    (r"\bfrance travaille?s?\b", "france travail"),
    (r"\bpole(?:-| )emplois?\b", "pole emploi"),
    (r"\bl?'?urs?s?af(?:e|f|able)?\b", "urssaf"),
    (r"\bla car[cs](?:a|in)\b", "la carsat"),
    (r"\b(?:casse|case|casque|caisse)s? de retraite", "caisse de retraite"),
    (r"\b(?:la )?mesa\b", "la msa"),
    (r"\bprefacture\b", "prefecture"),
    (r"\bfrance ?connecte?\b", "franceconnect"),
    (r"\bimpots? ?(?:\.|point) ?gouv(?:\.fr)?\b", "impots.gouv"),
    (r"\bameli(?:\.fr)?\b|\bamelie\b|\bhamli\b", "ameli"),
    (r"\bcar ?sat\b|\bcarsate\b", "carsat"),
    (r"\bcarte vital\b", "carte vitale"),
    (r"\bpre-? ?dem\w*", "pre-demande"),
    (r"\b(?:arrobase|arobas|arobaz)\b", "arobase"),
)
_REPAIR_PATTERNS = tuple((re.compile(p), r) for p, r in _REPAIRS)

_MONTHS = (
    "janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre"
)
_PREMIER = re.compile(rf"\b(?:premier|1 ?er)\b(?= (?:{_MONTHS})\b)")
# Day numbers the recogniser writes as sound-alike words before a month ("le si mars").
_DAY_SOUNDALIKE = re.compile(rf"\b(le|au|du) (si|de) (?=(?:{_MONTHS})\b)")
_EMAIL_SPOKEN = re.compile(
    r"\b([a-z0-9][a-z0-9._-]*(?: (?:point|tiret|tiret du bas|underscore) [a-z0-9]+)*)"
    r" arobase ([a-z0-9-]+(?: point [a-z0-9-]+)+)\b"
)


def _spoken_email(m: re.Match[str]) -> str:
    def glue(s: str) -> str:
        s = re.sub(r" (?:tiret du bas|underscore) ", "_", s)
        s = re.sub(r" tiret ", "-", s)
        return re.sub(r" point ", ".", s)

    return f"{glue(m.group(1))}@{glue(m.group(2))}"


def normalise(original: str) -> MappedText:
    """Folded, repaired, numbers in digits: the text the extractors read."""
    mt = MappedText.folded(original)
    for pattern, repl in _REPAIR_PATTERNS:
        mt = mt.sub(pattern, repl)
    mt = mt.sub(_PREMIER, "1")
    mt = mt.sub(_DAY_SOUNDALIKE, lambda m: f"{m.group(1)} {6 if m.group(2) == 'si' else 2} ")
    mt = _numbers_to_digits(mt)
    mt = mt.sub(_EMAIL_SPOKEN, _spoken_email)
    return mt


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
            near = bool(re.search(r"\d[ -]$", before) or re.match(r"[ -]\d", after))
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


def sentences(mt: MappedText, segment_id: int, first_index: int) -> list[Sentence]:
    """Split a segment's working text into sentences."""
    out: list[Sentence] = []
    pos = 0
    text = mt.text
    for m in _SENTENCE_END.finditer(text):
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
