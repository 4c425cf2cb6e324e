"""The papers the person is asked to bring or send ("un justificatif de domicile").

A paper that is the object of the démarche ("refaire ma carte d'identité"),
the subject of what went wrong with it ("ma carte d'identité a expiré") or
said not to be needed ("pas besoin de RIB"), lost ("j'ai perdu mon portefeuille,
avec ma carte Vitale") or brought of the person's own accord ("j'ai amené le livret
de famille au cas où") is not a request, nor is the person's
own paper as the subject of what they say ("ma facture de gaz a doublé"). When the
speakers are known, a paper the usager names without a word of request is their own
account ("j'ai apporté mon RIB"), not a request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.notes import lexicon as lx
from assistant.notes.models import DocumentKind


@dataclass(frozen=True, slots=True)
class Papers:
    """The papers one sentence names: those requested, (kind, start, end) each, and
    those it says were lost or stolen ("j'ai perdu mon portefeuille, avec ma carte
    Vitale"), what the démarche is about for the rest of the talk."""

    requested: list[tuple[DocumentKind, int, int]]
    lost: set[DocumentKind]


def read_papers(text: str, min_end: int = 0, speaker: str | None = None) -> Papers:
    """The papers of ``text`` (working text), read once; matches ending at or before
    ``min_end`` were read already and are skipped. ``speaker``: who said it, when
    known; the usager names a requested paper only with words of a request
    (``lexicon.USAGER_REQUEST``), the agent (or an unknown speaker) as before."""
    text = lx.cue_text(text)
    named = _papers(text, min_end)
    lost = {code for code, _a, _b, gone in named if gone}
    if speaker == "usager" and not lx.USAGER_REQUEST.search(text):
        return Papers([], lost)
    return Papers([(code, a, b) for code, a, b, gone in named if not gone], lost)


def names_a_paper(text: str) -> bool:
    """Whether ``text`` names any paper ("pas besoin de RIB")."""
    text = lx.cue_text(text)
    return any(cue.pattern.search(text) for cue in lx.DOCUMENTS)


def _papers(text: str, min_end: int) -> list[tuple[DocumentKind, int, int, bool]]:
    """(kind, start, end, lost) of each paper ``text`` (cue text) names as a paper
    to bring or as lost; the others (the object of the démarche, not needed, the
    person's own as the subject, brought of their own accord) are left out."""
    out: list[tuple[DocumentKind, int, int, bool]] = []
    seen: set[tuple[int, int]] = set()
    for cue in lx.DOCUMENTS:
        for m in cue.pattern.finditer(text):
            if any(m.start() < e and m.end() > b for b, e in seen) or m.end() <= min_end:
                continue
            seen.add(m.span())
            before = text[max(0, m.start() - 60) : m.start()]
            after = text[m.end() : m.end() + 30]
            if (lx.DOCUMENT_AS_OBJECT.search(before) or lx.DOCUMENT_NEGATED.search(before)
                    or lx.DOCUMENT_AS_SUBJECT.search(after)
                    or (lx.DOCUMENT_OWNED.search(before) and lx.DOCUMENT_VERB_AFTER.search(after))):
                continue
            if _brought(text[: m.start()]):
                continue
            out.append((cue.code, m.start(), m.end(), _lost(text[: m.start()])))
    return out


def _lost(before: str) -> bool:
    """The sentence says the paper was lost or stolen, and asks for nothing after that
    ("vous avez perdu votre carte Vitale, il faut une photo" asks for the photo)."""
    return _told_before(lx.DOCUMENT_LOST, before)


def _brought(before: str) -> bool:
    """The usager says they brought the paper ("j'ai amené le livret de famille au cas
    où, et son acte de naissance"), and nothing asks for it after that."""
    return _told_before(lx.DOCUMENT_BROUGHT, before)


def _told_before(pattern: re.Pattern[str], before: str) -> bool:
    """``pattern`` said in ``before`` and no word of request after its last match."""
    ends = [m.end() for m in pattern.finditer(before)]
    return bool(ends) and not lx.DOCUMENT_REQUEST.search(before[ends[-1]:])
