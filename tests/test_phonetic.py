"""The French phonetic key, its tolerance, the per-model slips, and what they
catch in the drafter and the dictation: unseen mishearings of the lexicon's
words, never ordinary words (the probe set, tests/test_probes.py, guards that)."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant import phonetic
from assistant.dictation import apply_dictation
from assistant.dictation.lexicon import heard_keys, phrase_table
from assistant.notes.drafter import Drafter, draft_from_text
from assistant.notes.text import normalise
from assistant.slips import command_slips, note_slips, same_model
from assistant.types import Segment, Word

DAY = dt.date(2026, 5, 20)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("photo", "foto"),  # ph / f
        ("carte vitale", "carte vital"),  # mute final e
        ("guillemets", "guillemais"),  # ets / ais
        ("quittance", "kitance"),  # qu / k
        ("employeur", "en ployeur"),  # nasal en before a consonant; words run together
        ("allocataire", "à locataire"),
        ("parenthèse", "parenthèses"),  # plural s
        ("urssaf", "urssafe"),
        ("nouveau paragraphe", "nous vaut pas ragraph"),
        ("pension", "pansion"),  # en / an
        ("point", "points"),
    ],
)
def test_same_sound_same_key(a: str, b: str) -> None:
    assert phonetic.key(a) == phonetic.key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("annule", "annulé"),  # the é is sounded: a participle is not the command
        ("caf", "café"),
        ("ameli", "amel"),
        ("signale", "signaler"),  # final er sounds é
    ],
)
def test_different_sounds_differ(a: str, b: str) -> None:
    assert phonetic.key(a) != phonetic.key(b)


def test_soft_and_hard_letters() -> None:
    assert phonetic.key("ceci") == phonetic.key("sessi")
    assert phonetic.key("cas") == phonetic.key("ka")
    assert phonetic.key("gens") == phonetic.key("jan")
    assert phonetic.key("gare") != phonetic.key("jare")
    assert phonetic.key("guerre") == phonetic.key("gaire")
    assert phonetic.key("maison") == phonetic.key("mèzon")
    assert phonetic.key("attention") == phonetic.key("atansion")
    assert phonetic.key("question") != phonetic.key("quession")


def test_distance_and_tolerance() -> None:
    assert phonetic.distance("PREFEKTUR", "PREFAKTUR") == 1
    assert phonetic.distance("", "ABC") == 3
    # short terms are never matched by sound; longer ones more loosely, and more
    # still when the recogniser was unsure of the words
    assert phonetic.tolerance("KAF") == 0
    assert phonetic.tolerance("PASEPOR") == 1
    assert phonetic.tolerance("KESDERETRET") == 2
    assert phonetic.tolerance("PASEPOR", 0.3) == 2
    assert phonetic.tolerance("PASEPOR", 0.9) == 1
    assert phonetic.sounds_like("préfacture", "prefecture")
    assert not phonetic.sounds_like("café", "caf")


# -- slips, per model ----------------------------------------------------------------


def test_slips_apply_to_the_model_they_were_seen_on_only() -> None:
    assert note_slips("whisper-base") and command_slips("whisper-base")
    assert note_slips("whisper-small") == () and command_slips(None) == ()
    assert same_model("whisper-base", "Whisper-Base")
    assert not same_model("whisper-base", "whisper-base-fr-finetune")
    seen = "Il me faut un arrivé et une pièce d'identité."  # "un RIB", as whisper-base hears it
    assert "rib" in normalise(seen, "whisper-base").text
    assert "rib" not in normalise(seen, "whisper-small").text
    said = "le montant est faux un nulle le montant est juste point"
    assert apply_dictation(said, model="whisper-base") == "Le montant est juste."
    assert "nulle" in apply_dictation(said, model="whisper-large-v3")


def test_the_dictation_table_follows_the_model() -> None:
    base, other = phrase_table("whisper-base"), phrase_table("whisper-small")
    assert ("un", "nulle") in base.wholes and ("un", "nulle") not in other.wholes
    assert ("annule",) in other.wholes  # the lexicon itself is every model's
    assert "dirait" in base.line_start_dash and "dirait" not in other.line_start_dash


# -- unseen slips caught by sound, for any model -----------------------------------------


@pytest.mark.parametrize(
    ("heard", "organization"),
    [
        ("Je dois écrire à la préfécture.", "PREFECTURE"),
        ("Il faut contacter l'ursaf pour ça.", "URSSAF"),
        ("Ma retraite, c'est la carsate qui la verse.", "ASSURANCE_RETRAITE"),
        ("J'ai écrit à la caisse de retrète.", "ASSURANCE_RETRAITE"),
    ],
)
def test_unseen_misspellings_of_bodies(heard: str, organization: str) -> None:
    c = draft_from_text(heard, DAY, model="some-other-model").to_contract()
    assert organization in c["organizations"]


@pytest.mark.parametrize(
    ("heard", "document"),
    [
        ("Apportez votre passepor et un justificatif de domicile.", "PIECE_IDENTITE"),
        ("Il me faut vos trois derniers bultins de salaire.", "BULLETINS_SALAIRE"),
        ("Envoyez l'avie d'imposition de l'an dernier.", "AVIS_IMPOSITION"),
        ("Vous avez le livre de famille ?", "LIVRET_FAMILLE"),
    ],
)
def test_unseen_misspellings_of_papers(heard: str, document: str) -> None:
    c = draft_from_text(heard, DAY, model=None).to_contract()
    assert document in c["documents_requested"]


@pytest.mark.parametrize(
    ("heard", "organization"),
    [
        ("Mon dossier est à la C, A, F.", "CAF"),
        ("C'est la C.P.A.M. qui rembourse.", "CPAM"),
        # the vowel of the letter's name (« èm ») written before the acronym
        ("C'est l'EMSA qui verse votre pension.", "MSA"),
        ("Il faut passer par l'IMDPH pour le renouvellement.", "AUTRE"),
    ],
)
def test_acronyms_said_letter_by_letter(heard: str, organization: str) -> None:
    c = draft_from_text(heard, DAY, model=None).to_contract()
    assert organization in c["organizations"]


@pytest.mark.parametrize(
    ("heard", "reason"),
    [
        ("Je viens pour mon édologement, il a baissé.", "LOGEMENT"),
        ("C'est pour ma retraitée, je pars l'an prochain.", "RETRAITE"),
        ("Je voudrais mon relevé de carrièrre.", "RETRAITE"),
    ],
)
def test_unseen_misspellings_of_motifs(heard: str, reason: str) -> None:
    assert draft_from_text(heard, DAY, model=None).to_contract()["reason"] == reason


def test_an_unsure_word_is_matched_more_loosely() -> None:
    text = "Apportez votre pasport demain."  # PASPOR: one edit from PASEPOR
    loose = "Apportez votre paspo demain."  # two edits: only when the recogniser was unsure

    def seg(prob: float) -> Segment:
        words = tuple(Word(start=float(i), end=float(i) + 1, text=w, probability=prob)
                      for i, w in enumerate(loose.split()))
        return Segment(id=0, start=0.0, end=5.0, text=loose, words=words)

    assert "PIECE_IDENTITE" in draft_from_text(text, DAY).to_contract()["documents_requested"]
    sure = Drafter(DAY, model=None).add_segment(seg(0.95)).to_contract()
    unsure = Drafter(DAY, model=None).add_segment(seg(0.2)).to_contract()
    assert sure["documents_requested"] == []
    assert unsure["documents_requested"] == ["PIECE_IDENTITE"]


def test_a_common_word_is_not_read_as_a_term_it_sounds_a_little_like() -> None:
    """« je crois », « la carte », « le carnet » heard unsure are not CARSAT (the
    third held-out appointments, three voices of five); a slip that is no common
    word still is, and so is « employer » for « employeur »."""
    def unsure(text: str) -> dict[str, object]:
        words = tuple(Word(start=float(i), end=float(i) + 1, text=w, probability=0.2)
                      for i, w in enumerate(text.split()))
        seg = Segment(id=0, start=0.0, end=float(len(words)), text=text, words=words)
        return Drafter(DAY, model=None).add_segment(seg).to_contract()

    for said in ("Il est resté dans la boîte à gants, enfin, je crois.",
                 "Bonjour, j'ai perdu ma carte vitale, je crois dans le métro.",
                 "J'ai pris le livret de famille et son carnet de santé.",
                 "Il faut attendre les appels de la banque."):
        c = unsure(said)
        assert "ASSURANCE_RETRAITE" not in c["organizations"], said
        assert "CPAM" not in c["organizations"] or "vitale" in said, said
    assert unsure("J'ai écrit à la carsate pour ma retraite.")["organizations"] == [
        "ASSURANCE_RETRAITE"]
    assert "ATTESTATION_EMPLOYEUR" in unsure(
        "Il faudra l'attestation de votre employer.")["documents_requested"]


def test_a_first_name_is_not_a_site() -> None:
    c = draft_from_text("Ma fille Amélie m'accompagne.", DAY).to_contract()
    assert c["organizations"] == []
    c = draft_from_text("J'ai un compte sur Amélie mais je n'arrive pas à me connecter.",
                        DAY).to_contract()
    assert "CPAM" in c["organizations"]


@pytest.mark.parametrize(
    ("heard", "written"),
    [
        ("madame virgulle bonjour point", "Madame, bonjour."),
        ("le dossier vergule la suite point", "Le dossier, la suite."),
        ("fin point nouveau paragraf la suite point", "Fin.\n\nLa suite."),
        ("il dit ouvrez les guillemais oui fermez les guillemets point",
         "Il dit «\u00a0oui\u00a0»."),
    ],
)
def test_unseen_misspellings_of_commands(heard: str, written: str) -> None:
    assert apply_dictation(heard, model=None) == written


def test_sound_matching_leaves_command_words_in_context() -> None:
    # "virgulle" sounds like "virgule", and after "la" it is still the noun
    assert apply_dictation("la virgulle flottante point", model=None) == "La virgulle flottante."
    assert heard_keys("virgil") == ("virgil",)


def test_the_core_default_is_the_bundled_model() -> None:
    from assistant.settings import DEFAULT_MODEL_NAME
    from assistant.slips import DEFAULT_MODEL

    assert DEFAULT_MODEL == DEFAULT_MODEL_NAME
