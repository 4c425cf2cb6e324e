"""Development exchanges for identifiers said at a counter, and their rendering.

An exchange is an agent asking for one identifier (« Votre numéro
d'allocataire ? ») and the usager saying it, with French number words written
the way people say them (``num2words``, lang="fr"). Seven kinds (NIR, numéro
fiscal, téléphone, numéro allocataire, identifiant France Travail, IBAN,
immatriculation) times five styles:

- ``groups``: the number in its usual groups (« zéro six, soixante et onze, … »);
- ``digits``: digit by digit (« un, six, huit, zéro… »);
- ``correction``: one group said wrong then corrected (« cinquante-huit, non
  pardon, cinquante-neuf »); the gold value is the corrected one;
- ``chatty``: a lead-in and a tail around the number in the same turn;
- ``short``: the number alone.

Every exchange also carries ``capture``: the value alone, group by group (what
a usager says when the agent asks them to dictate it slowly); ``render_capture``
speaks it with ", " between groups, or with real silence between them.

Values are random but valid for their kind (python-stdnum checks the NIR, the
numéro fiscal and the IBAN) and the generator is seeded: the same seed gives
the same set. The committed copy is ``tests/data/identifiers/dev.json``:

    .venv/bin/python scripts/identifier_exchanges.py --write     # regenerate it
    .venv/bin/python scripts/identifier_exchanges.py --show 5    # print a few

Rendering (``render_exchange``) uses espeak-ng + MBROLA through
``tools.tts.speak``, one voice for the agent and another for the usager,
optionally with pink noise at a given SNR; it returns the time span of the
usager's number turn so that a capture path can cut that utterance. Only the
development voices in ``DEV_VOICES`` may be used here; the other MBROLA French
voices are kept for blind measurement.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import string
import sys
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from num2words import num2words  # noqa: E402
from stdnum import iban as std_iban  # noqa: E402
from stdnum.fr import nif as std_nif  # noqa: E402
from stdnum.fr import nir as std_nir  # noqa: E402

from assistant.notes.models import IdentifierKind  # noqa: E402
from assistant.types import SAMPLE_RATE, AudioArray  # noqa: E402
from tools.noise import add_noise  # noqa: E402
from tools.tts import DEV_VOICES, check_voice  # noqa: E402,F401

K = IdentifierKind

DEV_JSON = ROOT / "tests" / "data" / "identifiers" / "dev.json"
SEED = 20260514
PER_CELL = 6
"""Exchanges per kind x style in the development set."""

KINDS: tuple[IdentifierKind, ...] = (
    K.NIR, K.NUMERO_FISCAL, K.TELEPHONE, K.NUMERO_ALLOCATAIRE,
    K.IDENTIFIANT_FRANCE_TRAVAIL, K.IBAN, K.IMMATRICULATION,
)
STYLES: tuple[str, ...] = ("groups", "digits", "correction", "chatty", "short")

AGENT_VOICE: dict[str, str] = {
    "mb-fr1": "mb-fr4", "mb-fr4": "mb-fr1", "mb-fr5": "mb-fr4",
    "mb-fr7": "mb-fr4", "mb-ca1": "mb-fr4", "mb-ca2": "mb-fr1",
}
"""The agent's voice for each usager voice (always a different development voice)."""
SPEEDS: tuple[int, ...] = (130, 140, 150, 160, 170, 180)
"""Speaking rates in words per minute (espeak-ng ``-s``)."""

_SHORT = {
    K.NIR: "nir", K.NUMERO_FISCAL: "fiscal", K.TELEPHONE: "tel",
    K.NUMERO_ALLOCATAIRE: "caf", K.IDENTIFIANT_FRANCE_TRAVAIL: "ft",
    K.IBAN: "iban", K.IMMATRICULATION: "plaque",
}

# ---------------------------------------------------------------------------
# Valid random values
# ---------------------------------------------------------------------------

_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTVWXYZ"  # SIV plates use neither I, O nor U


def random_nir(rng: random.Random) -> str:
    """15 digits: sex, year, month, department, commune, order, key (97 - n mod 97)."""
    while True:
        department = rng.randint(1, 95)
        if department == 20:  # Corsica is 2A / 2B in a NIR
            continue
        body = (f"{rng.choice('12')}{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}"
                f"{department:02d}{rng.randint(1, 999):03d}{rng.randint(1, 999):03d}")
        value = body + f"{97 - int(body) % 97:02d}"
        if std_nir.is_valid(value):
            return value


def random_fiscal(rng: random.Random) -> str:
    """13 digits: first digit 0-3, nine more, then the key (first ten mod 511)."""
    body = f"{rng.randint(0, 3)}{rng.randint(0, 999_999_999):09d}"
    value = body + std_nif.calc_check_digits(body + "000")
    assert std_nif.is_valid(value), value
    return value


def random_phone(rng: random.Random) -> str:
    """10 digits, 0 then 1-9 (mobiles more often than fixed lines)."""
    second = rng.choice("66667777123459")
    return f"0{second}{rng.randint(0, 99_999_999):08d}"


def random_allocataire(rng: random.Random) -> str:
    return f"{rng.randint(1_000_000, 9_999_999)}"


def random_france_travail(rng: random.Random) -> str:
    return f"{rng.randint(1_000_000, 9_999_999)}{rng.choice(string.ascii_uppercase)}"


def random_iban(rng: random.Random) -> str:
    """A French IBAN: bank, branch, 11-digit account, RIB key; the IBAN check is then 76."""
    bank = rng.choice(("30002", "30003", "30004", "30006", "10278", "20041", "11315",
                       "14505", "16006", "17515", "18206", "12506"))
    branch = f"{rng.randint(0, 99_999):05d}"
    account = f"{rng.randint(0, 99_999_999_999):011d}"
    rib_key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    bban = f"{bank}{branch}{account}{rib_key:02d}"
    check = 98 - int(bban + "152700") % 97  # "FR00" moved to the end, F=15 R=27
    value = f"FR{check:02d}{bban}"
    assert std_iban.is_valid(value), value
    return value


def random_plate(rng: random.Random) -> str:
    while True:
        first = rng.choice(_PLATE_LETTERS) + rng.choice(_PLATE_LETTERS)
        last = rng.choice(_PLATE_LETTERS) + rng.choice(_PLATE_LETTERS)
        if first not in ("SS", "WW") and last != "SS":
            return f"{first}-{rng.randint(1, 999):03d}-{last}"


_VALUES: dict[IdentifierKind, Callable[[random.Random], str]] = {
    K.NIR: random_nir, K.NUMERO_FISCAL: random_fiscal, K.TELEPHONE: random_phone,
    K.NUMERO_ALLOCATAIRE: random_allocataire, K.IDENTIFIANT_FRANCE_TRAVAIL: random_france_travail,
    K.IBAN: random_iban, K.IMMATRICULATION: random_plate,
}


def is_valid_value(kind: IdentifierKind, value: str) -> bool:
    """Whether ``value`` is a valid identifier of ``kind`` in its normal form."""
    if kind is K.NIR:
        return len(value) == 15 and value.isdigit() and bool(std_nir.is_valid(value))
    if kind is K.NUMERO_FISCAL:
        return len(value) == 13 and value.isdigit() and bool(std_nif.is_valid(value))
    if kind is K.TELEPHONE:
        return bool(re.fullmatch(r"0[1-9]\d{8}", value))
    if kind is K.NUMERO_ALLOCATAIRE:
        return bool(re.fullmatch(r"\d{7}", value))
    if kind is K.IDENTIFIANT_FRANCE_TRAVAIL:
        return bool(re.fullmatch(r"\d{7}[A-Z]", value))
    if kind is K.IBAN:
        return bool(re.fullmatch(r"FR\d{2}[0-9A-Z]{23}", value)) and bool(
            std_iban.is_valid(value))
    if kind is K.IMMATRICULATION:
        return bool(re.fullmatch(r"[A-Z]{2}-\d{3}-[A-Z]{2}", value))
    return False


# ---------------------------------------------------------------------------
# Saying numbers
# ---------------------------------------------------------------------------

DIGIT_WORDS = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf")


def number_words(n: int) -> str:
    """``n`` in French words (« soixante et onze », « quatre-vingt-onze »)."""
    return str(num2words(n, lang="fr"))


def say_group(group: str) -> str:
    """A digit group as people say it: leading zeros one by one, then the number
    (« 07 » -> « zéro sept », « 636 » -> « six cent trente-six »)."""
    rest = group.lstrip("0")
    words = ["zéro"] * (len(group) - len(rest))
    if rest:
        words.append(number_words(int(rest)))
    return " ".join(words)


def say_digits(group: str) -> str:
    return " ".join(DIGIT_WORDS[int(c)] for c in group)


@dataclass(frozen=True, slots=True)
class Part:
    """One piece of a spoken identifier.

    ``role``: ``num`` (a digit group), ``key`` (the NIR's key), ``prefix`` (the
    IBAN's « FR76 »), ``letters`` (a plate's letter pair), ``letter`` (the
    France Travail letter)."""

    role: str
    chars: str


def _split(value: str, sizes: Sequence[int]) -> list[str]:
    out, pos = [], 0
    for size in sizes:
        out.append(value[pos:pos + size])
        pos += size
    assert pos == len(value), (value, sizes)
    return out


def layout(kind: IdentifierKind, value: str, rng: random.Random) -> list[Part]:
    """The groups a usager says ``value`` in (some kinds have several habits)."""
    def nums(chars: str, sizes: Sequence[int]) -> list[Part]:
        return [Part("num", g) for g in _split(chars, sizes)]

    if kind is K.NIR:
        return [*nums(value[:13], (1, 2, 2, 2, 3, 3)), Part("key", value[13:])]
    if kind is K.NUMERO_FISCAL:
        return nums(value, rng.choice(((2, 2, 3, 3, 3), (2, 2, 2, 2, 2, 3))))
    if kind is K.TELEPHONE:
        return nums(value, (2, 2, 2, 2, 2))
    if kind is K.NUMERO_ALLOCATAIRE:
        return nums(value, rng.choice(((2, 2, 3), (3, 2, 2), (1, 2, 2, 2))))
    if kind is K.IDENTIFIANT_FRANCE_TRAVAIL:
        return [*nums(value[:7], rng.choice(((3, 2, 2), (2, 2, 3), (1, 2, 2, 2)))),
                Part("letter", value[7])]
    if kind is K.IBAN:
        rest = value[4:]
        sizes = (4, 4, 4, 4, 4, 3)
        return [Part("prefix", value[:4]), *nums(rest, sizes)]
    if kind is K.IMMATRICULATION:
        first, digits, last = value.split("-")
        return [Part("letters", first), Part("num", digits), Part("letters", last)]
    raise ValueError(kind)


LETTER_NAMES = {"Y": "i grec"}
"""Letters written out where espeak-ng would read the capital as a word (« Y »
at the start of a pair is said « i »)."""


def _spell(letters: str) -> str:
    return " ".join(LETTER_NAMES.get(c, c) for c in letters)


KEY_WORDS = ("clé", "et la clé", "clé", "la clé c'est")
LETTER_WORDS = ("lettre", "et la lettre", "lettre")


def say_part(part: Part, digit_by_digit: bool, rng: random.Random | None = None) -> str:
    """Words for one part; ``rng`` varies the wording of keys and letters."""
    say = say_digits if digit_by_digit else say_group
    pick: Callable[[Sequence[str]], str] = rng.choice if rng else (lambda xs: xs[0])
    if part.role == "num":
        if not digit_by_digit and len(part.chars) == 4 and part.chars[0] != "0" and rng \
                and rng.random() < 0.3:
            return number_words(int(part.chars))  # an IBAN group as one number
        if not digit_by_digit and len(part.chars) == 4:
            return f"{say_group(part.chars[:2])} {say_group(part.chars[2:])}"
        return say(part.chars)
    if part.role == "key":
        return f"{pick(KEY_WORDS)} {say(part.chars)}"
    if part.role == "prefix":
        return f"{_spell(part.chars[:2])} {say(part.chars[2:])}"
    if part.role == "letters":
        return _spell(part.chars)
    if part.role == "letter":
        return f"{pick(LETTER_WORDS)} {_spell(part.chars)}"
    raise ValueError(part.role)


# ---------------------------------------------------------------------------
# Exchanges
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExchangeTurn:
    speaker: str
    """``agent`` or ``usager``."""
    text: str


@dataclass(frozen=True, slots=True)
class Exchange:
    id: str
    kind: IdentifierKind
    value: str
    """The gold value in its normal form (as the drafter writes it)."""
    style: str
    turns: tuple[ExchangeTurn, ...]
    number_turn: int
    """Index in ``turns`` of the usager's turn that says the number."""
    capture: tuple[str, ...] = field(default=())
    """The value alone, one string per group (for the capture path)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind.value, "value": self.value, "style": self.style,
            "turns": [{"speaker": t.speaker, "text": t.text} for t in self.turns],
            "number_turn": self.number_turn, "capture": list(self.capture),
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Exchange:
        return cls(
            id=doc["id"], kind=IdentifierKind(doc["kind"]), value=doc["value"],
            style=doc["style"],
            turns=tuple(ExchangeTurn(t["speaker"], t["text"]) for t in doc["turns"]),
            number_turn=int(doc["number_turn"]), capture=tuple(doc["capture"]),
        )


QUESTIONS: dict[IdentifierKind, tuple[str, ...]] = {
    K.NIR: (
        "Vous pouvez me donner votre numéro de sécurité sociale ?",
        "Il me faut votre numéro de sécurité sociale, s'il vous plaît.",
        "Votre numéro de sécu, vous l'avez ?",
        "Quel est votre numéro de carte Vitale ?",
        "Vous me dites votre numéro de sécurité sociale, avec la clé ?",
    ),
    K.NUMERO_FISCAL: (
        "Vous avez votre numéro fiscal ? Il est sur l'avis d'impôt.",
        "Il me faut votre numéro fiscal, s'il vous plaît.",
        "Vous pouvez me lire votre numéro fiscal ?",
        "Quel est votre numéro fiscal de référence ?",
    ),
    K.TELEPHONE: (
        "Et un téléphone où vous joindre ?",
        "Quel est votre numéro de téléphone ?",
        "Vous me laissez un numéro de portable ?",
        "À quel numéro je peux vous rappeler ?",
    ),
    K.NUMERO_ALLOCATAIRE: (
        "Votre numéro d'allocataire ?",
        "Vous avez votre numéro allocataire CAF ?",
        "Il me faut votre numéro d'allocataire, s'il vous plaît.",
        "Quel est votre numéro allocataire ?",
    ),
    K.IDENTIFIANT_FRANCE_TRAVAIL: (
        "Quel est votre identifiant France Travail ?",
        "Vous avez votre identifiant France Travail ?",
        "Il me faut votre identifiant France Travail, les chiffres et la lettre.",
        "Votre identifiant Pôle emploi, enfin France Travail ?",
    ),
    K.IBAN: (
        "Vous avez votre RIB ? Vous pouvez me lire l'IBAN ?",
        "Quel est votre IBAN ?",
        "Il me faut l'IBAN du compte, s'il vous plaît.",
        "Vous me dictez votre IBAN ?",
    ),
    K.IMMATRICULATION: (
        "Quelle est l'immatriculation du véhicule ?",
        "Vous me donnez la plaque d'immatriculation ?",
        "C'est quoi le numéro de la plaque ?",
        "Il me faut l'immatriculation qui est sur la carte grise.",
    ),
}

GROUP_LEADS = ("C'est le", "Oui, c'est le", "Alors,", "Oui,", "Oui alors,")
CHATTY_LEADS = (
    "Oui alors attendez, je regarde, c'est le",
    "Alors euh, attendez, je l'ai noté sur mon téléphone. Voilà, c'est le",
    "Oui bien sûr, j'ai le papier avec moi, alors c'est le",
    "Euh oui, je l'ai là, attendez. Alors, c'est le",
    "Ah oui, attendez, je ne le connais pas par cœur. C'est le",
)
CHATTY_TAILS = (
    "voilà.", "voilà, c'est ça.", "je crois que c'est bon.", "voilà, vous voulez que je répète ?",
    "c'est bien ça, oui.",
)
CORRECTIONS = ("non pardon,", "euh non, pardon,", "non attendez,", "pardon, je me trompe,")
CLOSINGS = ("Merci.", "Merci, c'est noté.", "Très bien, merci.")


def _wrong_group(chars: str, rng: random.Random) -> str:
    """The same group with one digit changed (a slip of the tongue)."""
    pos = rng.randrange(len(chars))
    if len(chars) > 1 and pos == 0 and chars[0] == "0":
        pos = rng.randrange(1, len(chars))
    new = rng.choice([d for d in "0123456789" if d != chars[pos]])
    if pos == 0 and len(chars) > 1 and new == "0":
        new = rng.choice([d for d in "123456789" if d != chars[pos]])
    return chars[:pos] + new + chars[pos + 1:]


def _spoken(parts: list[Part], style: str, rng: random.Random) -> str:
    """The number as the usager says it in ``style`` (no lead-in or tail)."""
    if style == "digits":
        every_digit = rng.random() < 0.5
        pieces = []
        for part in parts:
            text = say_part(part, True, rng)
            if every_digit and part.role == "num":
                text = ", ".join(text.split())
            pieces.append(text)
        return ", ".join(pieces)
    pieces = [say_part(p, False, rng) for p in parts]
    if style == "correction":
        candidates = [i for i, p in enumerate(parts) if p.role == "num"]
        i = rng.choice(candidates[1:] if len(candidates) > 2 else candidates)
        wrong = Part("num", _wrong_group(parts[i].chars, rng))
        pieces[i] = (f"{say_part(wrong, False)}, {rng.choice(CORRECTIONS)} "
                     f"{say_part(parts[i], False)}")
    return ", ".join(pieces)


def make_exchange(kind: IdentifierKind, style: str, n: int, rng: random.Random) -> Exchange:
    value = _VALUES[kind](rng)
    parts = layout(kind, value, rng)
    number = _spoken(parts, style, rng)
    if style in ("groups", "digits", "correction"):
        said = f"{rng.choice(GROUP_LEADS)} {number}."
    elif style == "chatty":
        said = f"{rng.choice(CHATTY_LEADS)} {number}, {rng.choice(CHATTY_TAILS)}"
    elif style == "short":
        said = f"{number[0].upper()}{number[1:]}."
    else:
        raise ValueError(style)
    if kind is K.IBAN:  # « c'est F R soixante-seize… », not « c'est le F R… »
        said = re.sub(r"(?i)\b(c'est) le ", r"\1 ", said)
    turns = [ExchangeTurn("agent", rng.choice(QUESTIONS[kind])), ExchangeTurn("usager", said)]
    if rng.random() < 0.5:
        turns.append(ExchangeTurn("agent", rng.choice(CLOSINGS)))
    capture = tuple(say_part(p, False) for p in parts)
    return Exchange(id=f"{_SHORT[kind]}-{style}-{n:02d}", kind=kind, value=value, style=style,
                    turns=tuple(turns), number_turn=1, capture=capture)


def generate(seed: int = SEED, per_cell: int = PER_CELL) -> list[Exchange]:
    """The development set: ``per_cell`` exchanges for each kind x style."""
    rng = random.Random(seed)
    return [make_exchange(kind, style, n + 1, rng)
            for kind in KINDS for style in STYLES for n in range(per_cell)]


def load_exchanges(path: Path = DEV_JSON) -> list[Exchange]:
    return [Exchange.from_json(d) for d in json.loads(path.read_text(encoding="utf-8"))]


def dump_exchanges(exchanges: Sequence[Exchange]) -> str:
    return json.dumps([e.to_json() for e in exchanges], ensure_ascii=False, indent=1) + "\n"


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------


def speed_for(exchange_id: str, salt: str = "") -> int:
    """A speaking rate in 130-180 wpm, fixed for an exchange (seeded by its id)."""
    return SPEEDS[zlib.crc32(f"{exchange_id}|{salt}".encode()) % len(SPEEDS)]


@dataclass(frozen=True, slots=True)
class Rendered:
    audio: AudioArray
    number_span: tuple[float, float]
    """Start and end (seconds) of the usager's number turn in ``audio``."""
    turn_spans: tuple[tuple[str, float, float], ...]
    """(speaker, start, end) of each turn."""


def _silence(seconds: float) -> AudioArray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)


def condition_seed(*parts: object) -> int:
    return zlib.crc32("|".join(str(p) for p in parts).encode())


def render_exchange(exchange: Exchange, usager_voice: str, agent_voice: str | None = None,
                    speed: int | None = None, noise_db: float | None = None,
                    pause_s: float = 0.8, lead_s: float = 0.5, tail_s: float = 0.6,
                    speak: Callable[[str, str, int], AudioArray] | None = None) -> Rendered:
    """Speak ``exchange`` to 16 kHz float32: the agent in ``agent_voice``
    (default: ``AGENT_VOICE[usager_voice]``), the usager in ``usager_voice``,
    ``pause_s`` between turns; pink noise at ``noise_db`` SNR if given (seeded
    by the exchange, the voice and the SNR)."""
    if speak is None:
        from tools.tts import speak as tts_speak

        speak = tts_speak
    check_voice(usager_voice)
    agent = check_voice(agent_voice or AGENT_VOICE[usager_voice])
    rate = speed if speed is not None else speed_for(exchange.id)
    pieces = [_silence(lead_s)]
    spans: list[tuple[str, float, float]] = []
    t = lead_s
    for i, turn in enumerate(exchange.turns):
        if i:
            pieces.append(_silence(pause_s))
            t += pause_s
        voice = usager_voice if turn.speaker == "usager" else agent
        audio = speak(turn.text, voice, rate)
        pieces.append(audio)
        duration = len(audio) / SAMPLE_RATE
        spans.append((turn.speaker, round(t, 3), round(t + duration, 3)))
        t += duration
    pieces.append(_silence(tail_s))
    out = np.concatenate(pieces).astype(np.float32)
    if noise_db is not None:
        out = add_noise(out, noise_db, condition_seed(exchange.id, usager_voice, rate, noise_db))
    _, start, end = spans[exchange.number_turn]
    return Rendered(out, (start, end), tuple(spans))


def render_capture(exchange: Exchange, voice: str, speed: int | None = None,
                   noise_db: float | None = None, gap_s: float | None = None,
                   lead_s: float = 0.3,
                   speak: Callable[[str, str, int], AudioArray] | None = None) -> AudioArray:
    """The ``capture`` variant: the value alone, group by group. Without
    ``gap_s`` the groups are one utterance joined by ", " (espeak pauses
    briefly); with it, each group is spoken alone and ``gap_s`` of silence
    separates them."""
    if speak is None:
        from tools.tts import speak as tts_speak

        speak = tts_speak
    check_voice(voice)
    rate = speed if speed is not None else speed_for(exchange.id)
    if gap_s is None:
        body = [speak(", ".join(exchange.capture) + ".", voice, rate)]
    else:
        body = []
        for i, group in enumerate(exchange.capture):
            if i:
                body.append(_silence(gap_s))
            body.append(speak(group, voice, rate))
    out = np.concatenate([_silence(lead_s), *body, _silence(lead_s)]).astype(np.float32)
    if noise_db is not None:
        out = add_noise(out, noise_db,
                        condition_seed(exchange.id, "capture", voice, rate, noise_db))
    return out


def cut(audio: AudioArray, span: tuple[float, float], margin_s: float = 0.3) -> AudioArray:
    """``audio`` between ``span`` (seconds), widened by ``margin_s`` each side."""
    a = max(0, int((span[0] - margin_s) * SAMPLE_RATE))
    b = min(len(audio), int((span[1] + margin_s) * SAMPLE_RATE))
    return audio[a:b]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true",
                        help=f"write the set to {DEV_JSON.relative_to(ROOT)} (or --out)")
    parser.add_argument("--out", type=Path, default=DEV_JSON,
                        help="where --write puts the set (another seed: a held-out set)")
    parser.add_argument("--show", type=int, metavar="N", default=0,
                        help="print N exchanges of each kind x style")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--per-cell", type=int, default=PER_CELL)
    parser.add_argument("--wav", type=Path, metavar="DIR",
                        help="render the shown exchanges to DIR (voice mb-fr1, no noise)")
    args = parser.parse_args()

    exchanges = generate(args.seed, args.per_cell)
    if args.write:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(dump_exchanges(exchanges), encoding="utf-8")
        print(f"{len(exchanges)} exchanges -> {args.out}")
    shown = [e for e in exchanges if int(e.id.rsplit("-", 1)[1]) <= args.show]
    for ex in shown:
        print(f"{ex.id} {ex.value}")
        for turn in ex.turns:
            print(f"   {turn.speaker:6} {turn.text}")
        print(f"   capture: {' | '.join(ex.capture)}")
        if args.wav:
            from tools.tts import write_wav

            write_wav(args.wav / f"{ex.id}.wav", render_exchange(ex, "mb-fr1").audio)
    if not args.write and not shown:
        print(f"{len(exchanges)} exchanges (seed {args.seed}); --write saves them, --show N "
              "prints some")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
