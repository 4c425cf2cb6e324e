"""The papers the person is asked to bring or send ("un justificatif de domicile").

A paper that is the object of the démarche ("refaire ma carte d'identité"),
the subject of what went wrong with it ("ma carte d'identité a expiré") or
said not to be needed ("pas besoin de RIB") is not a request, nor is the person's
own paper as the subject of what they say ("ma facture de gaz a doublé"). When the
speakers are known, a paper the usager names without a word of request is their own
account ("j'ai apporté mon RIB"), not a request.
"""

from __future__ import annotations

from assistant.notes import lexicon as lx
from assistant.notes.models import DocumentKind


def requested_documents(text: str, min_end: int = 0,
                        speaker: str | None = None) -> list[tuple[DocumentKind, int, int]]:
    """(kind, start, end) of each paper requested in ``text`` (working text); matches
    ending at or before ``min_end`` were read already and are skipped. ``speaker``:
    who said it, when known; the usager names a requested paper only with words of a
    request (``lexicon.USAGER_REQUEST``), the agent (or an unknown speaker) as before."""
    text = lx.cue_text(text)
    if speaker == "usager" and not lx.USAGER_REQUEST.search(text):
        return []
    out: list[tuple[DocumentKind, int, int]] = []
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
            out.append((cue.code, m.start(), m.end()))
    return out
