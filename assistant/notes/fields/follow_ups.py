"""What someone said they will do next: the agent, the person, or a body."""

from __future__ import annotations

import datetime as dt
import re

from assistant.notes import lexicon as lx
from assistant.notes.fields.dates import find_dates
from assistant.notes.models import Evidence, FollowUp, Organization, Party
from assistant.notes.text import Sentence, clip

ACTION_MAX_CHARS = 160

_FOLLOW_USAGER = re.compile(
    r"\b(?:il (?:faudra|faut)|vous (?:devez|devrez|allez|pourrez|recevrez)|pensez a"
    r"|n'oubliez pas|revenez|rappelez|apportez|envoyez|renvoyez|deposez|transmettez|actualisez"
    r"|demandez|prenez|ramenez|completez|signez)\b"
)
AGENT_ACTION = re.compile(
    r"\b(?:je (?:vais |vous )?(?:signale|transmets|transmettre|relance|relancer|contacte|contacter"
    r"|appelle|appeler|rappelle|rappeler|imprime|imprimer|enregistre|envoie|envoyer"
    r"|fais remonter|faire remonter|inscris|prepare|joins|scanne)"
    r"|je (?:vais )?(?:fais|faire) (?:une|la|le|votre|les) (?:demande|declaration|reclamation"
    r"|recours|contestation|signalement|modulation|inscription|dossier)"
    r"|on (?:va|fait|les envoie|envoie|le fait|la fait|prend|declare|remplit|renvoie|cree"
    r"|change|demande|contacte))\b"
)
"""The agent saying what they do for the person ("je vais relancer la CAF")."""
_FOLLOW_ORG = re.compile(
    r"\b(?:va|vont|doit|doivent|devrait|devraient|vous (?:enverra|contactera|rappellera"
    r"|convoquera|ecrira|versera)|recalcul\w*|versera)\b"
)


def follow_up(s: Sentence, original: str, today: dt.date) -> tuple[FollowUp, Evidence] | None:
    """The next step ``s`` announces, if any, with the whole sentence as evidence;
    ``original``: the segment's text, ``today``: the appointment's date."""
    if s.question or s.text.startswith("bonjour"):
        return None
    text = lx.cue_text(s.text)
    who: Party | Organization | None = None
    m = AGENT_ACTION.search(text)
    if m:
        who = Party.AGENT
    else:
        m = _FOLLOW_USAGER.search(text)
        if m:
            who = Party.USAGER
        else:
            for cue in lx.ORGANIZATIONS:
                o = cue.pattern.search(text)
                if o and cue.weight >= 1.0:
                    after = _FOLLOW_ORG.search(text, o.end())
                    if after and after.start() - o.end() < 25:
                        who, m = cue.code, o
                        break
    if who is None or m is None:
        return None
    dates = find_dates(s.text)
    due = None
    if dates:
        _dm, day, month, year = dates[0]
        try:
            due = dt.date(year or today.year, month, day)
        except ValueError:
            due = None
    a, b = s.mapped.span(s.offset, s.offset + len(s.text))
    action = clip(original[a:b], ACTION_MAX_CHARS)
    ev = Evidence(segment_id=s.segment_id, start=a, end=b, quote=original[a:b])
    return FollowUp(who=who, action=action, due=due), ev
