"""French labels of the case-note codes and fields, and a plain-text rendering of a draft."""

from __future__ import annotations

from assistant.notes.models import (
    CaseNoteDraft,
    DocumentKind,
    Evidence,
    IdentifierKind,
    NoteField,
    Organization,
    Party,
    Reason,
)

FIELD_LABELS: dict[NoteField, str] = {
    NoteField.ORGANIZATIONS: "Organismes",
    NoteField.REASON: "Motif",
    NoteField.SUMMARY: "Résumé",
    NoteField.DOCUMENTS_REQUESTED: "Pièces demandées",
    NoteField.IDENTIFIERS: "Identifiants",
    NoteField.AMOUNTS_EUR: "Montants",
    NoteField.DATES: "Dates",
    NoteField.FOLLOW_UPS: "Suites",
    NoteField.COMPLEX_SITUATION: "Situation complexe",
    NoteField.REFERRAL: "Orientation",
}

ORGANIZATION_LABELS: dict[Organization, str] = {
    Organization.CAF: "CAF",
    Organization.CPAM: "Assurance maladie (CPAM)",
    Organization.DGFIP: "Impôts (DGFiP)",
    Organization.FRANCE_TRAVAIL: "France Travail",
    Organization.ASSURANCE_RETRAITE: "Assurance retraite",
    Organization.MSA: "MSA",
    Organization.ANTS: "ANTS",
    Organization.URSSAF: "Urssaf",
    Organization.PREFECTURE: "Préfecture",
    Organization.MAIRIE: "Mairie",
    Organization.LA_POSTE: "La Poste",
    Organization.JUSTICE: "Justice (point justice, tribunal…)",
    Organization.AUTRE: "Autre organisme",
}

REASON_LABELS: dict[Reason, str] = {
    Reason.LOGEMENT: "Logement",
    Reason.MINIMA_SOCIAUX: "Minima sociaux (RSA, prime d'activité, AAH)",
    Reason.FAMILLE: "Famille",
    Reason.SANTE: "Santé",
    Reason.IMPOTS: "Impôts",
    Reason.EMPLOI: "Emploi",
    Reason.RETRAITE: "Retraite",
    Reason.TITRES: "Titres (identité, permis, carte grise, séjour)",
    Reason.NUMERIQUE: "Numérique (compte, mot de passe)",
    Reason.AUTRE: "Autre",
}

DOCUMENT_LABELS: dict[DocumentKind, str] = {
    DocumentKind.PIECE_IDENTITE: "pièce d'identité",
    DocumentKind.PHOTO_IDENTITE: "photo d'identité",
    DocumentKind.JUSTIFICATIF_DOMICILE: "justificatif de domicile",
    DocumentKind.AVIS_IMPOSITION: "avis d'imposition",
    DocumentKind.RIB: "RIB",
    DocumentKind.BULLETINS_SALAIRE: "bulletins de salaire",
    DocumentKind.ATTESTATION_EMPLOYEUR: "attestation employeur",
    DocumentKind.ACTE_NAISSANCE: "acte de naissance",
    DocumentKind.LIVRET_FAMILLE: "livret de famille",
    DocumentKind.CARTE_VITALE: "carte Vitale",
    DocumentKind.BAIL_OU_QUITTANCE: "bail ou quittance de loyer",
    DocumentKind.CERTIFICAT_MEDICAL: "certificat médical",
    DocumentKind.TITRE_SEJOUR: "titre de séjour",
    DocumentKind.PERMIS_CONDUIRE: "permis de conduire",
    DocumentKind.CERTIFICAT_CESSION: "certificat de cession",
    DocumentKind.CONTROLE_TECHNIQUE: "contrôle technique",
    DocumentKind.JUGEMENT: "jugement",
    DocumentKind.AUTRE: "autre pièce",
}

IDENTIFIER_LABELS: dict[IdentifierKind, str] = {
    IdentifierKind.NUMERO_ALLOCATAIRE: "numéro allocataire",
    IdentifierKind.NIR: "numéro de sécurité sociale",
    IdentifierKind.NUMERO_FISCAL: "numéro fiscal",
    IdentifierKind.IDENTIFIANT_FRANCE_TRAVAIL: "identifiant France Travail",
    IdentifierKind.TELEPHONE: "téléphone",
    IdentifierKind.EMAIL: "e-mail",
    IdentifierKind.IBAN: "IBAN",
    IdentifierKind.IMMATRICULATION: "immatriculation",
}

PARTY_LABELS: dict[Party, str] = {Party.AGENT: "agent", Party.USAGER: "usager"}


def euros(amount: float) -> str:
    text = f"{amount:,.2f}".replace(",", " ").replace(".", ",")
    return (text[:-3] if text.endswith(",00") else text) + " €"


def _quote(evidence: tuple[Evidence, ...]) -> str:
    return f"  ← « {evidence[0].quote} »" if evidence else ""


def render_text(draft: CaseNoteDraft) -> str:
    """The draft as a readable French note, each value with the words it came from."""
    lines = [f"Fiche de rendez-vous du {draft.appointment_date:%d/%m/%Y} (brouillon, à vérifier)"]
    if draft.is_empty and not draft.to_ask_again:
        lines.append("Rien à noter : la transcription est vide ou ne contient aucun élément.")
        return "\n".join(lines) + "\n"

    def block(field: NoteField, items: list[str]) -> None:
        label = FIELD_LABELS[field]
        if not items:
            lines.append(f"{label} : —")
        elif len(items) == 1:
            lines.append(f"{label} : {items[0]}")
        else:
            lines.append(f"{label} :")
            lines.extend(f"  - {i}" for i in items)

    block(NoteField.REASON, [REASON_LABELS[draft.reason.value] + _quote(draft.reason.evidence)])
    block(NoteField.ORGANIZATIONS,
          [ORGANIZATION_LABELS[o.value] + _quote(o.evidence) for o in draft.organizations])
    block(NoteField.SUMMARY, [draft.summary.value] if draft.summary.value else [])
    block(NoteField.DOCUMENTS_REQUESTED,
          [DOCUMENT_LABELS[d.value] + _quote(d.evidence) for d in draft.documents_requested])
    block(NoteField.IDENTIFIERS,
          [f"{IDENTIFIER_LABELS[i.value.kind]} {i.value.value}" + _quote(i.evidence)
           for i in draft.identifiers])
    if draft.to_ask_again:
        lines.append("Numéros entendus mais non retenus (à faire redire) :")
        lines.extend(f"  - {IDENTIFIER_LABELS[h.value]}" + _quote(h.evidence)
                     for h in draft.to_ask_again)
    block(NoteField.AMOUNTS_EUR, [euros(a.value) + _quote(a.evidence) for a in draft.amounts_eur])
    block(NoteField.DATES, [f"{d.value:%d/%m/%Y}" + _quote(d.evidence) for d in draft.dates])
    follow = []
    for f in draft.follow_ups:
        who = f.value.who
        name = PARTY_LABELS[who] if isinstance(who, Party) else ORGANIZATION_LABELS[who]
        due = f" (avant le {f.value.due:%d/%m/%Y})" if f.value.due else ""
        follow.append(f"[{name}] {f.value.action}{due}")
    block(NoteField.FOLLOW_UPS, follow)
    complex_ = "oui" if draft.complex_situation.value else "non"
    block(NoteField.COMPLEX_SITUATION, [complex_ + _quote(draft.complex_situation.evidence)
                                        if draft.complex_situation.value else complex_])
    referral = draft.referral.value
    block(NoteField.REFERRAL,
          [ORGANIZATION_LABELS[referral] + _quote(draft.referral.evidence)] if referral else [])
    return "\n".join(lines) + "\n"
