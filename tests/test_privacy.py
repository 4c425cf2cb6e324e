"""Masking of NIR, IBAN, phone and e-mail (pure)."""

from __future__ import annotations

import json

import pytest

from assistant.privacy import (
    MaskKind,
    find_identifiers,
    mask_identifier,
    mask_json,
    mask_text,
)

# Each case: how a transcript may write it, the digits/letters that must vanish, the kind.
CASES = [
    ("mon numéro de sécu c'est 1 85 05 78 006 084, clé 91, voilà", "006 084", MaskKind.NIR),
    ("numéro de sécurité sociale 2 94 03 75 120 005 22", "120 005", MaskKind.NIR),
    ("NIR 185057800608491.", "185057800608491", MaskKind.NIR),
    ("l'IBAN FR76 3000 6000 0112 3456 7890 189 merci", "3456", MaskKind.IBAN),
    ("IBAN: FR7630006000011234567890189", "FR7630006000011234567890189", MaskKind.IBAN),
    ("appelez le 06 12 48 97 30 demain", "48 97 30", MaskKind.TELEPHONE),
    ("mon portable 06.12.48.97.30", "48.97.30", MaskKind.TELEPHONE),
    ("au +33 6 12 48 97 30 ou", "48 97 30", MaskKind.TELEPHONE),
    ("c'est le 0612489730", "0612489730", MaskKind.TELEPHONE),
    ("c'est le 06, 12, 48, 97, 30.", "48, 97", MaskKind.TELEPHONE),
    ("zéro six, douze, quarante-huit, quatre-vingt-dix-sept, trente", "quarante",
     MaskKind.TELEPHONE),
    ("écrivez à Marie.Dupont-Lenoir@orange.fr svp", "Dupont-Lenoir", MaskKind.EMAIL),
    ("marie point dupont arobase gmail point com", "dupont arobase gmail", MaskKind.EMAIL),
    ("zéro six douze quarante-huit quatre-vingt-dix-sept trente", "quarante-huit",
     MaskKind.TELEPHONE),
]


@pytest.mark.parametrize(("text", "secret", "kind"), CASES)
def test_identifiers_are_masked_with_their_kind(text: str, secret: str, kind: MaskKind) -> None:
    masked = mask_text(text)
    assert secret not in masked
    from assistant.privacy import LABELS_FR

    assert f"[{LABELS_FR[kind]}]" in masked


def test_ordinary_numbers_stay() -> None:
    text = ("Votre numéro allocataire 48 21 937, 450 euros le 12 mars 2026 à 14 h 30, "
            "rendez-vous le 12/03/2026, 3 enfants, loyer de 1 250 euros.")
    assert mask_text(text) == text
    assert find_identifiers(text) == ()


def test_long_unknown_numbers_are_masked_anyway() -> None:
    assert "123 456 789 012" not in mask_text("numéro fiscal 123 456 789 012 3")


def test_keep_last_shows_only_the_tail() -> None:
    assert mask_text("le 06 12 48 97 30", keep_last=2) == "le [téléphone masqué …30]"


def test_spans_point_into_the_text() -> None:
    text = "tel 0612489730 mail a.b@c.fr"
    found = find_identifiers(text)
    assert [text[f.start : f.end] for f in found] == ["0612489730", "a.b@c.fr"]


def test_structured_identifiers_by_kind() -> None:
    assert mask_identifier("NIR", "185057800608491") == "[NIR masqué]"
    assert mask_identifier("IBAN", "FR7630006000011234567890189") == "[IBAN masqué]"
    assert mask_identifier("EMAIL", "a@b.fr") == "[courriel masqué]"
    assert mask_identifier("TELEPHONE", "0612489730") == "[téléphone masqué]"
    assert mask_identifier("NUMERO_ALLOCATAIRE", "4821937") == "4821937"


def test_json_note_is_masked_everywhere_and_keeps_its_shape() -> None:
    note = {
        "summary": "Rappeler au 06 12 48 97 30.",
        "identifiers": [{"kind": "NIR", "value": "185057800608491"},
                        {"kind": "NUMERO_ALLOCATAIRE", "value": "4821937"}],
        "evidence": {"identifiers": [{"segment_id": 3, "start": 0, "end": 9,
                                      "quote": "1 85 05 78 006 084 91"}]},
        "amounts_eur": [450],
        "complex_situation": True,
    }
    masked = json.loads(mask_json(json.dumps(note)))
    flat = json.dumps(masked, ensure_ascii=False)
    for secret in ("48 97 30", "185057800608491", "006 084"):
        assert secret not in flat
    assert masked["identifiers"][1]["value"] == "4821937"
    assert masked["amounts_eur"] == [450] and masked["complex_situation"] is True
    assert set(masked) == set(note)


def test_number_said_digit_by_digit_with_commas() -> None:
    """Whisper wrote a NIR dictated slowly as "2,8,4,3,75,120,5,4,11": masked."""
    assert "2,8,4" not in mask_text("Mon numéro de sécu, 2,8,4,3,75,120,5,4,11.")
    assert mask_text("1,8,5,0,5,7,8,0,0,6,0,8,4,9,1") == "[NIR masqué]"
    assert mask_text("le 12, 13, 14 et 15 mars") == "le 12, 13, 14 et 15 mars"


def test_masked_kinds_come_from_one_list() -> None:
    from assistant.identify.kinds import HIDDEN_ON_SCREEN, MASKED_WHEN_SHARED
    from assistant.notes.models import IdentifierKind
    from assistant.tui.review import SENSITIVE_KINDS

    assert HIDDEN_ON_SCREEN <= MASKED_WHEN_SHARED  # what the screen hides, exports hide too
    assert {k.value for k in HIDDEN_ON_SCREEN} == SENSITIVE_KINDS
    for kind in IdentifierKind:
        masked = mask_identifier(kind.value, "1234567")
        assert (masked != "1234567") == (kind in MASKED_WHEN_SHARED), kind
