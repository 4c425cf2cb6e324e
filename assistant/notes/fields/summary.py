"""The summary for a colleague, composed from the drafted fields (pure).

At most three sentences, written from templates, never copied from the
transcript (so no slip of the recogniser is ever quoted):

1. the motif and the body: « Rendez-vous CAF pour une aide au logement (APL). »
2. what was done at the counter and the papers to bring, by when:
   « Fait au guichet : relance de la CAF ; pièces à fournir : RIB et avis
   d'imposition avant le 15/12/2026. »
3. the next steps and whether the dossier is blocked: « Suite : réponse
   attendue (CAF) ; dossier bloqué : signalement à faire. »

The transcript is only read, never quoted, to name the motif more precisely
(APL or ALS, RSA or prime d'activité, passeport or carte grise…) from the
words the motif was drafted from, and to tell what a follow-up is about. The
summary never says whether anyone is entitled to anything: the tool drafts,
the agent decides.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from assistant.folding import fold
from assistant.notes.labels import DOCUMENT_LABELS, ORGANIZATION_LABELS
from assistant.notes.models import (
    CaseNoteDraft,
    Drafted,
    Evidence,
    FollowUp,
    Organization,
    Party,
    Reason,
)

MAX_SENTENCES = 3

BODY_LABELS: dict[Organization, str] = {
    **ORGANIZATION_LABELS,
    Organization.JUSTICE: "point justice",
    Organization.AUTRE: "autre organisme",
}

_MOTIF: dict[Reason, str] = {
    Reason.LOGEMENT: "une aide au logement",
    Reason.MINIMA_SOCIAUX: "un minimum social (RSA, prime d'activité, AAH)",
    Reason.FAMILLE: "une démarche familiale",
    Reason.SANTE: "une démarche de santé",
    Reason.IMPOTS: "une démarche fiscale (impôts)",
    Reason.EMPLOI: "une démarche d'emploi",
    Reason.RETRAITE: "une démarche de retraite",
    Reason.TITRES: "un titre (identité, permis, carte grise, séjour)",
    Reason.NUMERIQUE: "un accès en ligne (compte, mot de passe)",
    Reason.AUTRE: "une démarche à préciser",
}

# The motif named more precisely when the words it was drafted from say which
# (folded text; the first that matches wins).
_PRECISE: dict[Reason, tuple[tuple[str, str], ...]] = {
    Reason.LOGEMENT: ((r"\bapl\b", "une aide au logement (APL)"),
                      (r"\bals\b", "une aide au logement (ALS)"),
                      (r"\balf\b", "une aide au logement (ALF)")),
    Reason.MINIMA_SOCIAUX: ((r"prime d'activite", "la prime d'activité"),
                            (r"\brsa\b", "le RSA"),
                            (r"\baah\b|adulte handicape", "l'AAH")),
    Reason.FAMILLE: ((r"pension alimentaire|aripa", "une pension alimentaire"),
                     (r"naissance|bebe|accouch", "une naissance"),
                     (r"separ|divorc", "une séparation"),
                     (r"allocations? familiales", "les allocations familiales")),
    Reason.SANTE: ((r"complementaire sante|\bcss\b", "la complémentaire santé solidaire"),
                   (r"carte vitale", "la carte Vitale"),
                   (r"arret (?:de travail|maladie)", "un arrêt de travail"),
                   (r"invalidite", "une pension d'invalidité"),
                   (r"rembours", "des remboursements de soins")),
    Reason.IMPOTS: ((r"taxe fonciere", "la taxe foncière"),
                    (r"taxe d'habitation", "la taxe d'habitation"),
                    (r"declaration", "la déclaration de revenus"),
                    (r"prelevement a la source|\btaux\b", "le prélèvement à la source")),
    Reason.EMPLOI: ((r"radi", "une radiation de France Travail"),
                    (r"chomage|\bare\b|allocation", "l'allocation chômage"),
                    (r"inscri", "une inscription à France Travail")),
    Reason.RETRAITE: ((r"anticipee", "une retraite anticipée"),
                      (r"reversion", "une pension de réversion"),
                      (r"relev[ee] de carriere|trimestre", "le relevé de carrière")),
    Reason.TITRES: ((r"carte grise|certificat d'immatriculation", "une carte grise"),
                    (r"titre de sejour|recepisse", "un titre de séjour"),
                    (r"passeport", "un passeport"),
                    (r"carte d'identite|\bcni\b", "une carte d'identité"),
                    (r"permis", "un permis de conduire")),
    Reason.NUMERIQUE: ((r"mot de passe|identifiant|code", "un accès au compte en ligne"),
                       (r"franceconnect|france connect", "FranceConnect")),
}

# What the agent did, read from a follow-up's words (folded), as a noun phrase.
_DONE: tuple[tuple[str, str], ...] = (
    (r"signal|remonter", "signalement"),
    (r"relanc", "relance"),
    (r"reclamation|recours|contest", "réclamation"),
    (r"modulation", "modulation"),
    (r"inscri", "inscription"),
    (r"declar", "déclaration"),
    (r"cre(?:e|er|ons)\b|compte", "création du compte en ligne"),
    (r"transmet|envo|scann|joins|depos", "transmission du dossier"),
    (r"contact|appel|rappel|telephon", "prise de contact"),
    (r"imprim", "impression des documents"),
    (r"demande", "demande déposée"),
    (r"remplit|rempli|formulaire", "formulaire rempli"),
)
# What the person has to do next (beyond the papers).
_TODO: tuple[tuple[str, str], ...] = (
    (r"actualis", "actualisation à faire par l'usager"),
    (r"revenez|revenir|rendez-vous", "nouveau rendez-vous à prendre"),
    (r"rappel|contact|appel", "l'usager recontacte l'organisme"),
    (r"complet|sign|formulaire", "formulaire à compléter par l'usager"),
    (r"declar", "déclaration à faire par l'usager"),
    (r"conserv|gard", "justificatifs à conserver"),
)
_ABOUT_PAPERS = re.compile(r"apport|envo|depos|transmet|joindre|joign|fourni|ramen|montr")


def _first(patterns: Iterable[tuple[str, str]], text: str) -> str | None:
    return next((label for pattern, label in patterns if re.search(pattern, text)), None)


def _listed(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _sentence(parts: list[str]) -> str:
    text = " ; ".join(p for p in parts if p)
    return text[:1].upper() + text[1:] + "." if text else ""


def motif_phrase(reason: Reason, evidence: Iterable[Evidence]) -> str:
    """The motif in French, made precise by the words it was drafted from."""
    heard = fold(" ".join(e.quote for e in evidence))
    return _first(_PRECISE.get(reason, ()), heard) or _MOTIF[reason]


def _with_body(label: str, who: Party | Organization) -> str:
    return f"{label} ({BODY_LABELS[who]})" if isinstance(who, Organization) else label


def compose(draft: CaseNoteDraft) -> Drafted[str]:
    """The summary of ``draft``, from its fields (its own ``summary`` is ignored)."""
    if draft.is_empty or (draft.reason.value is Reason.AUTRE and not draft.organizations
                          and not draft.documents_requested):
        return Drafted[str](value="", confidence=0.0)
    bodies = _unique(BODY_LABELS[o.value] for o in draft.organizations)
    motif = motif_phrase(draft.reason.value, (*draft.reason.evidence,
                                               *(e for o in draft.organizations
                                                 for e in o.evidence)))
    first = f"rendez-vous {_listed(bodies)} pour {motif}" if bodies else f"rendez-vous pour {motif}"
    referral = draft.referral.value
    lead = [first, f"orientation vers : {BODY_LABELS[referral]}" if referral else ""]

    done: list[str] = []
    todo: list[str] = []
    due: dt.date | None = None
    for item in draft.follow_ups:
        f: FollowUp = item.value
        words = fold(f.action)
        if f.who is Party.AGENT:
            label = _first(_DONE, words)
            if label:
                done.append(label)
        elif f.who is Party.USAGER:
            if _ABOUT_PAPERS.search(words) and draft.documents_requested:
                due = due or f.due
                continue
            label = _first(_TODO, words)
            todo.append(label or "démarche à faire par l'usager")
            due = due or f.due
        else:
            todo.append(f"réponse attendue ({BODY_LABELS[f.who]})")
    papers = [DOCUMENT_LABELS[d.value] for d in draft.documents_requested]
    middle = [f"fait au guichet : {_listed(_unique(done))}" if done else ""]
    if papers:
        by = f" avant le {due:%d/%m/%Y}" if due else ""
        middle.append(f"pièces à fournir : {_listed(_unique(papers))}{by}")
    last = [f"suite : {_listed(_unique(todo))}" if todo else ""]
    if draft.complex_situation.value:
        signalled = "signalement" in done
        last.append("dossier bloqué : " + ("signalé par l'agent" if signalled
                                           else "signalement à faire"))
    sentences = [s for s in (_sentence(lead), _sentence(middle), _sentence(last)) if s]
    evidence = (*draft.reason.evidence[:1],
                *(d.evidence[0] for d in draft.documents_requested if d.evidence),
                *draft.complex_situation.evidence[:1])
    return Drafted[str](value=" ".join(sentences[:MAX_SENTENCES]), evidence=evidence,
                        confidence=0.5)
