"""The drafter on counter French: numbers, corrections, questions, the recogniser's slips."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from assistant.identify.kinds import check
from assistant.notes.drafter import Drafter, draft_from_text
from assistant.notes.models import IdentifierKind, Organization, Reason
from assistant.types import Segment, Word

DAY = dt.date(2026, 5, 20)
ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
APPOINTMENTS = ROOT / "tests" / "data" / "appointments"


def contract(text: str, day: dt.date = DAY) -> dict[str, object]:
    return draft_from_text(text, day).to_contract()


def ids(text: str) -> list[tuple[str, str]]:
    c = contract(text)
    return [(i["kind"], i["value"]) for i in c["identifiers"]]  # type: ignore[attr-defined]


def seg(i: int, text: str) -> Segment:
    return Segment(id=i, start=float(i), end=float(i) + 1, text=text)


# -- identifiers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Votre numéro allocataire ?\nC'est le 48 21 937.", ("NUMERO_ALLOCATAIRE", "4821937")),
        ("Mon numéro allocataire : sept sept zéro trois un cinq deux.",
         ("NUMERO_ALLOCATAIRE", "7703152")),
        ("Votre numéro à locataire ?\nLe 96 03 482.", ("NUMERO_ALLOCATAIRE", "9603482")),
        ("Mon numéro de sécu c'est 1 85 05 78 006 084, clé 91.", ("NIR", "185057800608491")),
        ("Sécurité sociale : deux soixante-seize zéro deux quatre-vingt-douze zéro douze "
         "trois cent quarante-cinq, clé zéro trois.", ("NIR", "276029201234503")),
        ("Mon numéro fiscal est le 30 23 217 600 053.", ("NUMERO_FISCAL", "3023217600053")),
        ("Votre identifiant France Travail ?\n4 5 1 8 2 2 6 R.",
         ("IDENTIFIANT_FRANCE_TRAVAIL", "4518226R")),
        # The letter said on its own after the digits, with its article.
        ("Votre identifiant ?\nOui, c'est 4 5 1 8 2 2 6, et un R à la fin.",
         ("IDENTIFIANT_FRANCE_TRAVAIL", "4518226R")),
        # A number said on after « et après », when the whole passes its check.
        ("Votre numéro fiscal ?\nC'est 30 23 217 600, et après 053.",
         ("NUMERO_FISCAL", "3023217600053")),
        ("Mon numéro de sécu c'est 1 85 05 78 006, et puis 084, clé 91.",
         ("NIR", "185057800608491")),
        ("Votre téléphone ?\nC'est le 06 12 48 97 30, et puis 3 enfants à charge.",
         ("TELEPHONE", "0612489730")),
        ("Mon portable : 06 12 48 97 30.", ("TELEPHONE", "0612489730")),
        ("Appelez-moi au zéro six, douze, quarante-huit, quatre-vingt-dix-sept, trente.",
         ("TELEPHONE", "0612489730")),
        ("Mon téléphone c'est le plus trente-trois six quarante-deux dix-huit soixante-dix-sept "
         "zéro cinq.", ("TELEPHONE", "0642187705")),
        ("Mon mail : A.Benali@Gmail.com.", ("EMAIL", "a.benali@gmail.com")),
        ("C'est karim point haddad arobase orange point fr.", ("EMAIL", "karim.haddad@orange.fr")),
        # Digits said after a name are part of it; after a common word they start it.
        ("Martine point lefebvre 62 arobase orange point fr.",
         ("EMAIL", "martine.lefebvre62@orange.fr")),
        ("Mon adresse, c'est jdupont 75 arobase free point fr.", ("EMAIL", "jdupont75@free.fr")),
        ("Mon mail c'est 62 arobase orange point fr.", ("EMAIL", "62@orange.fr")),
        ("C'est soixante-deux arobase orange point fr.", ("EMAIL", "62@orange.fr")),
        ("Jean tiret marc 1987 arobase gmail point com.", ("EMAIL", "jean-marc1987@gmail.com")),
        ("L'IBAN c'est FR76 3000 6000 0112 3456 7890 189.",
         ("IBAN", "FR7630006000011234567890189")),
        ("La plaque d'immatriculation ?\nG H 215 T B.", ("IMMATRICULATION", "GH-215-TB")),
        # A plate's groups written as Whisper writes digit groups, where one was asked.
        ("C'est quoi le numéro de la plaque ?\nMH-446, CH.", ("IMMATRICULATION", "MH-446-CH")),
        ("L'immatriculation ?\nOui, RM8, 6, 2, MZ. Merci.", ("IMMATRICULATION", "RM-862-MZ")),
    ],
)
def test_identifiers_are_found_joined_and_normalised(text: str,
                                                      expected: tuple[str, str]) -> None:
    assert ids(text) == [expected]


def test_a_plates_loose_groups_need_a_plate_asked_and_no_french_word() -> None:
    assert ids("Alors MH-446, CH.") == []
    assert ids("La plaque ?\nC'est le 151, 7 de la rue.") == []
    # A word taken for its letters (live, held-out 8): to be said again instead.
    taken_back = "L'immatriculation ?\nOui, ZDL 749, pardon, je me trompe de 149 FV."
    assert ids(taken_back) == []
    assert [k for k, _ in _asked_again(taken_back)] == ["IMMATRICULATION"]
    assert ids("La plaque ?\nDE-149-FV.") == [("IMMATRICULATION", "DE-149-FV")]


def test_a_phones_shape_is_not_a_phone_where_another_number_was_asked() -> None:
    # A numéro fiscal misheard into ten digits starting with 0 is no phone...
    text = "Quel est votre numéro fiscal de référence ?\n0,244, 646, 330."
    assert ids(text) == []
    assert _asked_again(text) == [("NUMERO_FISCAL", "0,244, 646, 330")]
    # ... but a phone asked for after it is one, and a phone nobody asked for too.
    assert ids("Votre numéro fiscal ?\nJe ne l'ai pas. Mon portable : 06 12 48 97 30.") == [
        ("TELEPHONE", "0612489730")]
    assert ids("C'est le 06 12 48 97 30.") == [("TELEPHONE", "0612489730")]


def test_a_nir_opens_as_insee_writes_it_not_only_with_its_key() -> None:
    # A numéro fiscal misheard into 15 digits whose last two pass a NIR key
    # (held-out 8): no NIR opens with 0, nor with the month 13.
    assert ids("Il me faut votre numéro fiscal.\nOui alors, 0,12,261,188,188,060.") == []
    assert check(IdentifierKind.NIR, "012261188188060") is None
    assert check(IdentifierKind.NIR, "185137800608425") is None  # its key passes
    assert check(IdentifierKind.NIR, "185057800608491") == "185057800608491"
    # A provisional number (7), month unknown (20).
    assert check(IdentifierKind.NIR, "799205412300158") == "799205412300158"


def test_a_number_that_fails_its_check_is_not_kept() -> None:
    assert ids("Mon numéro de sécurité sociale : 1 85 05 78 006 084, clé 92.") == []
    assert ids("L'IBAN c'est FR76 3000 6000 0112 3456 7890 188.") == []
    # Seven digits with nothing saying what they are: not guessed.
    assert ids("J'ai payé 4 82 19 37 au total.") == []


def test_amounts_and_years_are_not_identifiers() -> None:
    c = contract("Le loyer est de 1 150 euros depuis le 3 mars 2026.")
    assert c["identifiers"] == []
    assert c["amounts_eur"] == [1150]
    assert c["dates"] == ["2026-03-03"]


def test_self_correction_replaces_the_number_just_said() -> None:
    text = ("Votre numéro allocataire ?\n"
            "C'est le 2 3 4 5 6 7 8.\n"
            "Ah non pardon, je me suis trompée, c'est 2 3 4 5 6 7 9.")
    assert ids(text) == [("NUMERO_ALLOCATAIRE", "2345679")]
    c = contract("J'ai gagné mille cent euros. Non attendez, c'est mille deux cents euros.")
    assert c["amounts_eur"] == [1200]


def test_a_group_taken_back_inside_a_number_is_replaced() -> None:
    """« … soixante-trois, non pardon, treize … »: the group said before the
    correction is replaced by the one after it; the number as first said (a
    valid phone below) is never kept."""
    assert ids("Votre numéro de sécurité sociale ?\nC'est le un, soixante et onze, douze, "
               "soixante-trois, non pardon, treize, huit cent treize, zéro quatre-vingt-sept, "
               "clé soixante-deux.") == [("NIR", "171121381308762")]
    assert ids("Votre numéro de téléphone ?\nOui, c'est le zéro six, vingt-sept, quatorze, "
               "soixante, zéro quatre, non attendez, zéro trois.") == [
        ("TELEPHONE", "0627146003")]
    # Whisper splits « zéro quatre » in two groups: the last digits are replaced.
    assert ids("Votre numéro de téléphone ?\nOui, c'est le 06, 27, 14, 60, 0, 4, "
               "nous attendez, 0, 3.") == [("TELEPHONE", "0627146003")]
    # An ellipsis before the correction is a hesitation, not the end of the sentence.
    assert ids("Votre portable ?\nC'est le zéro six, quarante-sept, dix-huit, cinquante-deux, "
               "trente-neuf... non pardon, quatre-vingt-treize à la fin.") == [
        ("TELEPHONE", "0647185293")]
    # The whole number said again after the correction.
    assert ids("Votre numéro de sécurité sociale ?\nC'est le 1 71 12 13 813 087 61, non "
               "pardon, 1 71 12 13 813 087 62.") == [("NIR", "171121381308762")]
    # Taken back, and the key fails once corrected: nothing kept.
    assert ids("Votre numéro de sécurité sociale ?\nC'est le 1, 71, 12, 63, non pardon, 13, "
               "813, 087, clé 61.") == []
    # Two numbers with ordinary words between them stay two numbers.
    assert ids("Mon numéro allocataire est le 2 3 4 5 6 7 8, non ce n'est pas celui de "
               "ma femme qui est le 2 3 4 5 6 7 9.") != []


def test_letters_said_by_name_in_an_identifier() -> None:
    """« lettre Q », « i grec », « F R » and plates spelt with pauses, as people say them."""
    assert ids("Votre identifiant France Travail ?\nC'est le six cent douze, trente-sept, "
               "cinquante-neuf, lettre Q.") == [("IDENTIFIANT_FRANCE_TRAVAIL", "6123759Q")]
    assert ids("Votre identifiant France Travail ?\nOui alors, neuf, zéro quatre, trois six, "
               "neuf deux, lettre i grec.") == [("IDENTIFIANT_FRANCE_TRAVAIL", "9043692Y")]
    assert ids("Il me faut l'IBAN du compte.\nC'est F R soixante-seize, trente zéro zéro, "
               "vingt trente-neuf, douze zéro neuf, cinq mille huit cent vingt, "
               "quatre-vingt-dix-huit quarante-deux, sept cent quatre-vingt-deux.") == [
        ("IBAN", "FR7630002039120958209842782")]
    assert ids("La plaque d'immatriculation ?\nOui, c'est le B H, cent quarante-six, "
               "W i grec.") == [("IMMATRICULATION", "BH-146-WY")]
    assert ids("La plaque ?\nC'est le M D, cent cinquante-sept, M S.") == [
        ("IMMATRICULATION", "MD-157-MS")]
    # A letter after a number without « lettre » and a pause is a word, not a letter.
    assert ids("Votre identifiant France Travail ?\nC'est le 6123759, a priori.") == []


def test_numbers_as_the_recogniser_writes_them() -> None:
    """How Whisper writes what was said plainly: « un » as a group of its own
    among digit groups, a plate whose digits were taken back."""
    assert ids("Quel est votre numéro allocataire ?\nOui, un, 68, 98, 25.") == [
        ("NUMERO_ALLOCATAIRE", "1689825")]
    assert ids("Il me faut l'immatriculation.\nC'est le MD 151, non pardon 157, MS.") == [
        ("IMMATRICULATION", "MD-157-MS")]
    assert ids("Votre plaque ?\nC'est le 151, non pardon 157, ma voiture.") == []
    # « un » stays an article away from digit groups, and « locataire » is a tenant.
    assert ids("J'en ai un, 2 peut-être.\nMon numéro de locataire est le 329 24 46.") == []


def test_two_numbers_without_a_correction_are_both_kept() -> None:
    c = contract("Le loyer est de 620 euros et l'APL de 234 euros.")
    assert c["amounts_eur"] == [620, 234]


# -- amounts and dates -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("Il doit verser quatre cent cinquante euros.", [450]),
        ("Un rappel de mille trois cent quarante euros.", [1340]),
        ("Environ deux mille cent euros par mois.", [2100]),
        ("Vous devriez toucher environ 1000, 150 euros de rappel.", [1150]),
        ("J'ai gagné à peu près 18 000, 400 euros.", [18400]),
        ("Vingt-trois euros cinquante ont été versés.", [23.5]),
        ("Un timbre à 86 €.", [86]),
        ("Le taux passe à 7,5 % et la majoration à vingt pour cent.", []),
        ("Il a trois enfants de 4, 7 et 12 ans.", []),
    ],
)
def test_amounts_in_euros(text: str, amounts: list[float]) -> None:
    assert contract(text)["amounts_eur"] == amounts


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("Le 15 septembre 2026.", ["2026-09-15"]),
        ("Depuis le 5 janvier.", ["2026-01-05"]),  # no year: the appointment's
        ("Depuis le premier août deux mille vingt-sept.", ["2027-08-01"]),
        ("Je suis née le 4 février 1964.", ["1964-02-04"]),
        ("Avant le 15/10.", ["2026-10-15"]),
        ("Le 31 juin.", []),  # no such day
        ("En septembre, dans quinze jours.", []),  # not a calendar date
    ],
)
def test_explicit_dates_with_the_year_inferred(text: str, dates: list[str]) -> None:
    assert contract(text)["dates"] == dates


# -- organisations, reason, documents, complex situation, referral ---------------------------


def test_bodies_named_as_alternatives_in_a_question_are_not_concerned() -> None:
    c = contract("Quel compte, ameli, impots.gouv ou la CAF ?\nJe ne sais plus, j'ai tout oublié.")
    assert c["organizations"] == []
    assert c["reason"] == "AUTRE"
    c = contract("Vous êtes à la CAF ou à la MSA ?\nÀ la MSA, je suis salarié agricole.")
    assert c["organizations"] == ["MSA"]


def test_a_body_someone_else_dealt_with_is_not_concerned() -> None:
    c = contract("Ma sœur a eu des problèmes avec la CAF.\n"
                 "Moi c'est l'assurance maladie qui ne me rembourse pas.")
    assert c["organizations"] == ["CPAM"]


def test_recogniser_slips_are_mended() -> None:
    c = contract("Je ne sais pas comment le dire à l'acrf.\nIl faudra votre héribé.")
    assert c["organizations"] == ["CAF"]
    assert c["documents_requested"] == ["RIB"]
    c = contract("Je fais une demande à l'ACPAM. Apportez la testation de salaires.")
    assert c["organizations"] == ["CPAM"]
    assert c["documents_requested"] == ["ATTESTATION_EMPLOYEUR"]


def test_a_papers_name_heard_as_its_homophone_or_a_near_sound_is_the_paper() -> None:
    """Papers' names are matched by sound like bodies' (``lexicon.SOUND_TERMS``):
    Whisper writes « certificat de cession » as its homophone « certificat de
    session » in every development voice, and « coordonnée bancaire » or
    « relevé d'identité bancair » for the RIB; a paper of another name stays it."""
    c = contract("Le vendeur vous a donné le certificat de session ? Il me le faut.")
    assert c["documents_requested"] == ["CERTIFICAT_CESSION"]
    c = contract("Il faut votre relevé d'identités bancaire et une atestation de loyer.")
    assert sorted(c["documents_requested"]) == ["BAIL_OU_QUITTANCE", "RIB"]
    c = contract("Apportez votre certificat de scolarité et votre certificat de vie.")
    assert c["documents_requested"] == []


@pytest.mark.parametrize(
    ("text", "papers"),
    [
        # asked about, answered no: nothing to bring
        ("Vous avez une décision du juge qui fixe une pension ?\nNon, rien, on s'était juste "
         "mis d'accord.", []),
        ("Il y a un jugement ou une convention qui fixe la pension ? Non, non, on n'était pas "
         "mariés.", []),
        # answered yes: shown
        ("Vous avez un jugement qui fixe la pension ?\nOui, le jugement du 12 juin.",
         ["JUGEMENT"]),
        # answered no, but it must be got
        ("Vous avez une photo d'identité récente ?\nNon, il faut que j'en fasse une.",
         ["PHOTO_IDENTITE"]),
        # not yet: the paper is to come
        ("Votre employeur vous a remis l'attestation employeur ?\nPas encore, j'ai rien "
         "récupéré.", ["ATTESTATION_EMPLOYEUR"]),
        ("Vous avez l'attestation employeur ?\nNon, pas encore.", ["ATTESTATION_EMPLOYEUR"]),
        # brought « au cas où », then said not to be needed
        ("J'ai pris le livret de famille et son carnet de santé, au cas où.\nVous n'en aurez "
         "pas besoin, la naissance se déclare en ligne.", []),
        ("Je vous ai apporté mon avis d'imposition.\nAh, ce n'est pas la peine.", []),
        # « pas besoin de … » names its own paper: the one before stays
        ("Apportez une photo d'identité.\nPas besoin de RIB.", ["PHOTO_IDENTITE"]),
        # lost or stolen: the object of the démarche, not a paper to bring
        ("Voilà, j'ai perdu mon portefeuille samedi, avec ma carte bleue, ma carte Vitale, "
         "tout.", []),
        ("On m'a volé mon sac avec mon passeport dedans.", []),
        # ... for the rest of the talk, unless asked for with a word of request
        ("J'ai perdu mon portefeuille, avec ma carte Vitale.\nC'est surtout la carte Vitale "
         "qui m'embête.", []),
        ("J'ai perdu mon portefeuille, avec ma carte Vitale.\nC'est surtout la carte Vitale "
         "qui m'embête.\nIl faudra la déclaration de perte et votre carte Vitale si vous la "
         "retrouvez.", ["CARTE_VITALE"]),
        # ... unless a paper is asked for after the loss
        ("Vous avez perdu votre carte Vitale, alors il faut une photo d'identité.",
         ["PHOTO_IDENTITE"]),
        # the paper the démarche is about, ending ("mon titre de séjour expire le 30 octobre")
        ("Mon titre de séjour se termine le 28 février.", []),
        ("Mon titre de séjour expire le 30 octobre.", []),
        # what the usager brought of their own accord
        ("J'ai amené le livret de famille au cas où, et son acte de naissance aussi.", []),
        ("J'ai aussi apporté mon avis d'imposition, je savais pas trop ce qu'il fallait.", []),
        # ... unless asked for in the same breath
        ("J'ai apporté le bail, il me faut aussi votre RIB ?", ["RIB"]),
        # taking a picture is not an ID photo
        ("Déposez le RIB depuis l'appli, vous prenez la photo et c'est bon.", ["RIB"]),
        ("Il faut prendre une photo d'identité chez le photographe.", ["PHOTO_IDENTITE"]),
        # asked for before the question: the no does not take the request back
        ("Il me faudra votre RIB. Vous avez votre RIB sur vous ?\nNon, pas sur moi.", ["RIB"]),
        # a no that answers something else, later
        ("Vous avez votre dernier avis d'imposition ? Oui, tenez. Vous êtes marié ? Non.",
         ["AVIS_IMPOSITION"]),
    ],
)
def test_a_paper_taken_back_lost_or_answered_no_is_not_requested(
        text: str, papers: list[str]) -> None:
    assert contract(text)["documents_requested"] == papers


def test_documents_named_as_the_object_or_not_needed_are_not_requested() -> None:
    c = contract("J'ai perdu ma carte Vitale.\n"
                 "Apportez une photo d'identité. Pas besoin de RIB.")
    assert c["documents_requested"] == ["PHOTO_IDENTITE"]
    assert c["reason"] == "SANTE"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Je voudrais faire une demande d'APL pour mon nouveau logement.", "LOGEMENT"),
        ("Mon RSA a baissé ce mois-ci.", "MINIMA_SOCIAUX"),
        ("Je viens déclarer la naissance de ma fille.", "FAMILLE"),
        ("Je n'arrive plus à me connecter, j'ai oublié mon mot de passe.", "NUMERIQUE"),
        ("Je dois renouveler mon passeport.", "TITRES"),
        ("Je voudrais m'inscrire sur les listes électorales.", "AUTRE"),
        ("Bonjour.", "AUTRE"),
    ],
)
def test_reason(text: str, reason: str) -> None:
    assert contract(text)["reason"] == reason


def test_complex_situation_needs_more_than_a_passing_word() -> None:
    assert contract("Je fais une demande prioritaire et je signale votre dossier comme bloqué."
                    )["complex_situation"] is True
    assert contract("Ça fait trois mois, toujours rien. Personne ne répond.\n"
                    "Vos droits sont suspendus depuis mars.")["complex_situation"] is True
    assert contract("Mon loyer est en retard d'une semaine.")["complex_situation"] is False
    assert contract("Ce n'est pas bloqué, le dossier avance.")["complex_situation"] is False


def test_referral_and_follow_ups() -> None:
    d = draft_from_text(
        "Pour le litige, je vous oriente vers le point justice.\n"
        "Il faudra envoyer le jugement avant le 12 juin.\n"
        "Je fais la demande à la CAF maintenant.", DAY)
    assert d.referral.value is Organization.JUSTICE
    assert Organization.JUSTICE in {o.value for o in d.organizations}
    follow = [(f.value.who.value, f.value.due) for f in d.follow_ups]
    assert ("USAGER", dt.date(2026, 6, 12)) in follow
    assert ("AGENT", None) in follow


def test_summary_names_the_motif_and_never_entitlement() -> None:
    """Composed from the fields (issue #16): the motif named in French, what was done,
    no sentence of the transcript copied, nothing about entitlement."""
    d = draft_from_text(
        "Bonjour, je viens pour ma prime d'activité qui a baissé.\n"
        "Vous avez droit à la prime d'activité, c'est sûr.\n"
        "On fait la déclaration trimestrielle ensemble.", DAY)
    assert d.summary.value == ("Rendez-vous CAF pour la prime d'activité. "
                               "Fait au guichet : déclaration.")
    assert "droit" not in d.summary.value and "baissé" not in d.summary.value
    assert [ev.quote for ev in d.summary.evidence] == ["prime d'activité"]


# -- incremental use ---------------------------------------------------------------------


def test_incremental_updates_match_the_whole_transcript() -> None:
    lines = [
        "Bonjour, je suis à la retraite depuis le 1er août et je n'ai toujours rien reçu.",
        "Ni la CARSAT ni la caisse complémentaire ne me répondent.",
        "Votre numéro de sécurité sociale ?",
        "1 58 01 31 555 123, et la clé c'est 78.",
        "Je signale la situation comme bloquée. Il faudra un RIB.",
    ]
    drafter = Drafter(DAY)
    drafts = [drafter.add_segment(seg(i, t)) for i, t in enumerate(lines)]
    assert drafts[0].segments_seen == 1
    assert drafts[0].reason.value is Reason.RETRAITE
    assert drafts[2].identifiers == ()
    assert [i.value.value for i in drafts[3].identifiers] == ["158013155512378"]
    assert drafts[3].complex_situation.value is False
    assert drafts[4].complex_situation.value is True
    assert drafts[-1].to_contract() == draft_from_text("\n".join(lines), DAY).to_contract()
    # evidence points at the segment the value was said in
    (ident,) = drafts[-1].identifiers
    assert ident.evidence[0].segment_id == 3
    assert lines[3][ident.evidence[0].start : ident.evidence[0].end] == ident.evidence[0].quote


def test_segments_cut_anywhere_give_the_same_values() -> None:
    """Live segments end mid-sentence ("C'est le 35 17" | "804."): values still come out."""
    text = ("Votre numéro allocataire ? C'est le 35 17 804. Il faudra votre attestation "
            "employeur et un RIB. Vous toucherez 1 150 euros de rappel à partir du 1er avril "
            "2027. Mon portable : 06 12 48 97 30.")
    whole = draft_from_text(text, DAY).to_contract()
    words = text.split(" ")
    for size in (2, 3, 5):
        drafter = Drafter(DAY)
        pieces = [" ".join(words[k : k + size]) for k in range(0, len(words), size)]
        for n, piece in enumerate(pieces):
            drafter.add_segment(seg(n, piece))
        cut = drafter.draft.to_contract()
        for field in ("identifiers", "amounts_eur", "dates"):
            assert cut[field] == whole[field], (size, field)
        assert sorted(cut["documents_requested"]) == sorted(whole["documents_requested"])
        d = drafter.draft
        evidence = [ev for items in (d.identifiers, d.amounts_eur, d.dates,
                                     d.documents_requested) for item in items
                    for ev in item.evidence]
        for ev in evidence:
            assert pieces[ev.segment_id][ev.start : ev.end] == ev.quote != ""


def test_an_update_does_not_reread_the_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """An update reads the new segment (and an unfinished sentence before it), never the
    session: the text normalised per update does not grow with the session."""
    from assistant.notes.text import MappedText, normalise

    read: list[int] = []

    def counting(text: str, *args: Any) -> MappedText:
        read.append(len(text))
        return normalise(text, *args)

    monkeypatch.setattr("assistant.notes.drafter.normalise", counting)
    line = ("Bonjour, je viens pour mon APL, la CAF m'a demandé un RIB et une quittance, "
            "le loyer est de 540 euros depuis le 3 mars")  # no full stop: carried over
    drafter = Drafter(DAY)
    per_update = []
    for n in range(400):
        before = len(read)
        drafter.add_segment(seg(n, line + ("." if n % 3 == 2 else "")))
        per_update.append(sum(read[before:]))
    # the segment, plus the unfinished sentence it continues (here at most 2 segments back)
    assert max(per_update) <= 4 * (len(line) + 1)
    assert max(per_update[-50:]) == max(per_update[:50])


def test_draft_json_is_the_contract() -> None:
    d = draft_from_text("Mon APL, numéro allocataire 48 21 937, 250 euros.", DAY)
    doc = json.loads(json.dumps(d.to_contract()))
    assert doc["identifiers"] == [{"kind": "NUMERO_ALLOCATAIRE", "value": "4821937"}]
    assert doc["amounts_eur"] == [250]


# --- numbers heard but not kept: to have said again ------------------------------------------

def _asked_again(text: str) -> list[tuple[str, str]]:
    draft = draft_from_text(text, DAY)
    return [(h.value.value, h.evidence[0].quote) for h in draft.to_ask_again]


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        # Too short for a phone, a key that fails: heard where one was asked, not kept.
        ("Quel est votre numéro de téléphone ?\nC'est le 06 12 48 97.",
         [("TELEPHONE", "06 12 48 97")]),
        ("Votre numéro de sécurité sociale ?\n1 85 05 78 006 084 clé 92.",
         [("NIR", "1 85 05 78 006 084")]),
        ("Votre numéro fiscale ?\n30 23 217 600.", [("NUMERO_FISCAL", "30 23 217 600")]),
        # Of the kinds cued, the one whose length is nearest.
        ("Il me faut votre téléphone et votre numéro allocataire.\nAlors 48 21 93.",
         [("NUMERO_ALLOCATAIRE", "48 21 93")]),
        # A plate asked for last: its three digits are enough, each piece is evidence.
        ("Quelle est l'immatriculation du véhicule ?\nAlors, BC-0239D-022KX.",
         [("IMMATRICULATION", "0239D")]),
        ("La plaque, s'il vous plaît ?\nLe 18 bis, rue des Lilas.", []),
        # Said again right: nothing left to ask.
        ("Votre numéro allocataire ?\n48 21 93.\nPardon, 48 21 937.", []),
        ("Votre téléphone ?\n06 12 48 97.\nJe répète : 06 12 48 97 30.", []),
        # Amounts, dates, addresses, counts, and numbers with no identifier asked.
        ("Votre téléphone ?\nJ'ai payé 12 500 euros le 15 mars 2024.", []),
        ("Il habite au 12 rue des Lilas, 75011 Paris.", []),
        ("Votre numéro allocataire ?\nJ'ai 3 enfants.", []),
    ],
)
def test_a_number_heard_but_not_kept_is_to_be_said_again(
        text: str, asked: list[tuple[str, str]]) -> None:
    assert _asked_again(text) == asked


def test_a_number_heard_in_pieces_is_one_to_say_again_with_each_piece() -> None:
    draft = draft_from_text("L'immatriculation ?\nAlors, BC-0239D-022KX.", DAY)
    (plate,) = draft.to_ask_again
    assert [e.quote for e in plate.evidence] == ["0239D", "022KX"]


def test_a_number_the_recogniser_was_unsure_of_is_to_be_said_again() -> None:
    question = Segment(0, 0.0, 2.0, "Quel est votre numéro de téléphone ?")
    text = "C'est le 06 12 48 97 30."
    words = tuple(Word(0.0, 0.0, w, 0.2 if w[:1].isdigit() else 0.9) for w in text.split())
    answer = Segment(1, 2.0, 5.0, text, words)
    draft = Drafter(DAY).add_segments([question, answer])
    assert draft.note().identifiers == ()  # not drafted: DROP_BELOW
    assert [h.value.value for h in draft.to_ask_again] == ["TELEPHONE"]
    assert draft.to_ask_again[0].evidence[0].quote == "06 12 48 97 30"
    assert draft.to_ask_again[0].confidence < 0.4
    assert "to_ask_again" not in draft.to_contract()  # never a field of the note


def test_no_number_to_say_again_on_the_gold_appointments() -> None:
    # Every identifier of these transcripts is said plainly: asking for one again
    # would be a false alarm (112 appointments, written by hand).
    if not (SHARED / "eval" / "dialogues.json").exists():
        pytest.skip("../shared/eval is not beside this checkout")
    cases = [*json.loads((SHARED / "eval" / "dialogues.json").read_text(encoding="utf-8"))]
    for name in ("dev", "heldout", "heldout2", "heldout3", "heldout4", "heldout5"):
        cases += json.loads((APPOINTMENTS / f"{name}.json").read_text(encoding="utf-8"))
    assert len(cases) >= 112
    for case in cases:
        text = "\n".join(t[1] if isinstance(t, list) else t["text"] for t in case["turns"])
        assert draft_from_text(text, DAY).to_ask_again == (), case["id"]
