"""The French voice commands of dictation: what is said and what it does (pure).

A command is said as a phrase ("point à la ligne"); Whisper writes it back with
its own spellings ("point à la linee", "fermés les guillemets", "de point"),
so each command lists the spellings it is recognised by, compared after
folding (lower case, no accents, apostrophes and hyphens as spaces).

Some phrases are commands only in context: "le point de vue", "la virgule
flottante", "entre guillemets" stay words. ``Context`` rules say, from the
keys before and after a match, when a phrase is a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from assistant.folding import fold


class Cmd(StrEnum):
    """What a voice command does."""

    COMMA = "virgule"
    PERIOD = "point"
    SEMICOLON = "point-virgule"
    COLON = "deux points"
    QUESTION = "point d'interrogation"
    EXCLAMATION = "point d'exclamation"
    ELLIPSIS = "points de suspension"
    NEWLINE = "à la ligne"
    PERIOD_NEWLINE = "point à la ligne"
    PARAGRAPH = "nouveau paragraphe"
    OPEN_QUOTE = "ouvrez les guillemets"
    CLOSE_QUOTE = "fermez les guillemets"
    OPEN_PAREN = "ouvrez la parenthèse"
    CLOSE_PAREN = "fermez la parenthèse"
    DASH = "tiret"
    DELETE_WORD = "efface le dernier mot"
    UNDO = "annule"


_KEY_SPLIT = re.compile(r"[\s'\-‑–]+")


def keys_of(word: str) -> tuple[str, ...]:
    """The folded matching keys of one written word ("d'interrogation" ->
    ("d", "interrogation"), "point-virgule" -> ("point", "virgule"))."""
    return tuple(k for k in _KEY_SPLIT.split(fold(word)) if k)


_OPEN = ("ouvrez", "ouvre", "ouvrir", "ouvert", "ouverte", "ouvres", "ouvrer", "ouvree",
         "ouvrees", "ouvrait", "ouvrais")
_CLOSE = ("fermez", "ferme", "fermer", "fermes", "fermee", "fermees", "fermai",
          "refermez", "refermer", "referme",
          # the vowel of the word before glued on: "enfermer la parenthese"
          "enfermer", "enfermez", "efermer", "efermez")
_QUOTES = ("guillemets", "guillemet", "guimets", "guillemais", "guillemes")
_PAREN = ("parenthese", "parentheses", "parenthes")
_LINE = ("ligne", "lignes", "linee", "lign", "linie", "lignee")
_POINT = ("point", "points", "poing")
_COMMA = ("virgule", "virgules", "virule", "vergule", "virgul", "virgulle")
_PARAGRAPH = ("paragraphe", "paragraphes", "paragraph", "ragraphe", "ragraph")
_NEW = ("nouveau", "nouveaux", "nouvel", "nouvelle")
_DET_QUOTE = ("les", "le", "la", "l", "des", "de", "")


def _variants(*parts: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every combination of the alternatives in ``parts`` ("" means optional)."""
    out: list[tuple[str, ...]] = [()]
    for alts in parts:
        out = [prev + ((a,) if a else ()) for prev in out for a in alts]
    return out


def _phrases() -> dict[Cmd, list[tuple[str, ...]]]:
    table: dict[Cmd, list[tuple[str, ...]]] = {
        Cmd.COMMA: _variants(_COMMA),
        Cmd.PERIOD: [*_variants(_POINT), ("point", "final")],
        Cmd.SEMICOLON: _variants(_POINT, ("a", ""), _COMMA),  # "point à virgule"
        Cmd.COLON: _variants(("deux", "2", "de", "des"), ("points", "point")),
        Cmd.QUESTION: _variants(_POINT, ("d", ""), ("interrogation", "interrogations")),
        Cmd.EXCLAMATION: _variants(_POINT, ("d", ""), ("exclamation", "exclamations")),
        Cmd.ELLIPSIS: [*_variants(_POINT, ("de", "d"), ("suspension", "suspensions")),
                       ("trois", "petits", "points"), ("3", "petits", "points")],
        Cmd.NEWLINE: [*_variants(("a", "ah", "sur"), ("la",), _LINE),
                      *_variants(("retour",), ("a", ""), ("la",), _LINE)],
        Cmd.PERIOD_NEWLINE: _variants(_POINT, ("a", "ah", ""), ("la",), _LINE),
        Cmd.PARAGRAPH: [*_variants(_NEW, _PARAGRAPH),
                        ("nous", "vaut", "pas", "ragraph"), ("nouveau", "pas", "ragraphe")],
        Cmd.OPEN_QUOTE: _variants(_OPEN, _DET_QUOTE, _QUOTES),
        Cmd.CLOSE_QUOTE: _variants(_CLOSE, _DET_QUOTE, _QUOTES),
        Cmd.OPEN_PAREN: _variants(_OPEN, ("la", "les", "une", "le", "de", ""), _PAREN),
        Cmd.CLOSE_PAREN: _variants(_CLOSE, ("la", "les", "le", "de", ""), _PAREN),
        Cmd.DASH: _variants(("tiret", "tirets")),
        Cmd.DELETE_WORD: [
            erase + rest
            for erase in (("efface",), ("effacez",), ("effacer",), ("et", "face"),
                          ("et", "fasse"), ("est", "face"), ("et", "fac"), ("face",), ("fasse",))
            for rest in _variants(("le", "les", ""), ("dernier", "derniers"), ("mot", "mots"))
        ],
        Cmd.UNDO: [("annule",), ("annulez",), ("annul",), ("anule",), ("anul",), ("enule",),
                   ("annulle",), ("a", "nulle"), ("a", "nul"), ("un", "nulle"),
                   ("en", "nulle"), ("annulet",)],
    }
    return table


@dataclass(frozen=True, slots=True)
class Phrase:
    """One spelling of one command."""

    keys: tuple[str, ...]
    cmd: Cmd


PHRASES: tuple[Phrase, ...] = tuple(
    sorted(
        {Phrase(k, cmd) for cmd, variants in _phrases().items() for k in variants},
        key=lambda p: (-len(p.keys), p.cmd.value, p.keys),
    )
)
"""Every spelling, longest first (so that "point à la ligne" wins over "point")."""

MAX_PHRASE = max(len(p.keys) for p in PHRASES)

PREFIXES: frozenset[tuple[str, ...]] = frozenset(
    p.keys[:n] for p in PHRASES for n in range(1, len(p.keys) + 1)
)
"""Beginnings of command spellings (whole ones too, whose meaning depends on
the next word): a live session holds these back."""

# A "tiret" misheard as a past participle is only a dash at the start of a line.
LINE_START_DASH = frozenset({
    "tire", "tiree", "tirer", "tirees", "tires", "tirez", "tirait", "tirais", "dirais",
    "dirait", "tireh",
})

DETERMINERS = frozenset({
    "le", "la", "l", "les", "un", "une", "ce", "cet", "cette", "ces", "du", "au", "aux",
    "des", "mon", "ma", "ton", "ta", "son", "sa", "notre", "votre", "leur", "nos", "vos",
    "leurs", "chaque", "quel", "quelle", "premier", "dernier", "seul", "meme", "bon",
    "entre", "sans", "avec", "d", "quelques", "plusieurs", "certains", "deux", "trois",
})
"""Words after which "point", "virgule", "tiret"... are nouns, not commands."""
_FEMININE = frozenset({
    "la", "une", "cette", "ma", "ta", "sa", "quelle", "premiere", "derniere", "seule",
    "bonne", "entre", "avec", "sans",
})
_MASCULINE = frozenset({
    "le", "un", "ce", "cet", "du", "au", "mon", "ton", "son", "quel", "premier", "dernier",
    "seul", "bon",
})
_EITHER = DETERMINERS - _FEMININE - _MASCULINE
_BEFORE_FEMININE_NOUN = _FEMININE | _EITHER
"""A determiner "virgule" (feminine) can follow: "le virgule" is Whisper's noise."""
_BEFORE_MASCULINE_NOUN = _MASCULINE | _EITHER
"""A determiner "point" (masculine) can follow: "la point" is Whisper's noise."""
_SINGULAR_DETERMINERS = frozenset({
    "un", "le", "ce", "cet", "du", "au", "mon", "ton", "son", "notre", "votre", "leur",
})

# "point de vue", "point d'accueil", "point justice"... : the noun "point".
_POINT_NOUN_NEXT = frozenset({
    "de", "d", "du", "des", "justice", "info", "commun", "communs", "fort", "forts",
    "faible", "faibles", "essentiel", "important", "cle", "precis", "particulier",
    "sur", "par", "noir", "mort", "relais", "presse", "retrait", "contact", "accueil",
})
_HEADINGS = frozenset({
    "objet", "reference", "references", "ref", "refs", "pj", "jointes", "jointe", "motif",
    "destinataire", "destinataires", "expediteur", "copie", "nota", "remarque", "attention",
    "signataire", "annexe", "annexes",
})
"""Words that head a line of a letter and take a colon ("Objet : ...")."""
_COMMA_NOUN_NEXT = frozenset({"flottante", "fixe", "decimale"})
_SUBJECTS = frozenset({
    "il", "elle", "on", "qui", "j", "je", "ce", "cela", "ca", "se", "s", "l", "n", "ne",
    "est", "a", "ete", "sont", "qu", "que", "tu", "vous", "nous", "pas", "rien", "sera",
    "soit", "etait", "seront", "ont", "etre", "avoir",
})
_LINE_NOUN_NEXT = frozenset({
    "suivante", "precedente", "de", "d", "du", "des", "telephonique", "directe", "fixe",
})


GLUE_FORMS: tuple[str, ...] = tuple(sorted({f for f in (*_OPEN, *_CLOSE) if len(f) >= 5},
                                           key=lambda f: (-len(f), f)))
"""Forms of "ouvrez" / "fermez" that Whisper may glue to the end of the word
before ("le monsieur indicouvrez les guillemets"), longest first."""
QUOTE_PAREN = frozenset({Cmd.OPEN_QUOTE, Cmd.CLOSE_QUOTE, Cmd.OPEN_PAREN, Cmd.CLOSE_PAREN})


def glued_verb(key: str) -> str | None:
    """The form of "ouvrez" / "fermez" that ends the folded word ``key``
    after at least one other letter ("indicouvrez" -> "ouvrez"), if any."""
    for form in GLUE_FORMS:
        if len(key) > len(form) and key.endswith(form):
            return form
    return None


END = "<end>"
"""The key after the last word of a finished dictation (never a folded word)."""

_BREAK_NEXT = frozenset({
    *_variants(("a", "ah", "sur"), ("la",), _LINE),
    *((n, p) for n in _NEW for p in _PARAGRAPH),
})
"""Beginnings of a line or paragraph command, as the keys after a match start."""


def _ends_a_line(after: tuple[str, ...]) -> bool:
    """Whether nothing is said after a match but the end of the dictation or
    a layout command: where a speaker always dictates the full stop."""
    return after[:1] == (END,) or any(after[: len(k)] == k for k in _BREAK_NEXT)


def is_word_in_context(phrase: Phrase, before: tuple[str, ...], after: tuple[str, ...]) -> bool:
    """Whether this spelling, with these keys around it, is a word, not a command.

    ``before``: the keys before the match, nearest last; ``after``: the keys
    after it, nearest first (``END`` when the dictation ends there).
    """
    prev = before[-1] if before else ""
    nxt = after[0] if after else ""
    first = phrase.keys[0]
    last = phrase.keys[-1]
    cmd = phrase.cmd
    if cmd is Cmd.UNDO:
        # "il annule", "est annulé": a verb. After anything else it is the
        # command, even before "la demande" (people say again what they undid).
        return prev in _SUBJECTS
    if cmd is Cmd.DELETE_WORD:
        return False
    if cmd in QUOTE_PAREN:
        return False
    if cmd is Cmd.PARAGRAPH:
        return prev in DETERMINERS
    if cmd is Cmd.COLON:
        # A heading of a letter ("Objet : ...", "Référence : ...") takes the
        # colon whatever follows ("objet deux points d'amende" is Whisper
        # hearing "objet : demande").
        if prev in _HEADINGS:
            return False
        # "les deux points", "de point de vue", "deux points de retraite".
        if prev in DETERMINERS or nxt in _POINT_NOUN_NEXT:
            return True
        return first in ("de", "des") and (prev in ("pas", "plus", "moins") or not before)
    if cmd in (Cmd.NEWLINE, Cmd.PERIOD_NEWLINE):
        return nxt in _LINE_NOUN_NEXT or (cmd is Cmd.NEWLINE and prev in ("en", "hors"))
    if cmd is Cmd.DASH:
        return prev in DETERMINERS
    if cmd is Cmd.COMMA:
        return prev in _BEFORE_FEMININE_NOUN or nxt in _COMMA_NOUN_NEXT
    if first in _POINT and len(phrase.keys) == 1:
        # Bare "point": a noun after a determiner ("le point", "au point") or
        # before its complement ("point de vue", "point justice"), except as
        # the last word of a sentence that ends the dictation or a line: a
        # dictated text ends with its full stop, so "vous sera vers ces
        # points" is Whisper hearing "versé point", and "à point" before
        # "nouveau paragraphe" is the full stop after "mois".
        if _ends_a_line(after):
            return False
        return (prev in _BEFORE_MASCULINE_NOUN or prev in ("a", "faire")
                or nxt in _POINT_NOUN_NEXT)
    if cmd in (Cmd.QUESTION, Cmd.EXCLAMATION, Cmd.ELLIPSIS, Cmd.SEMICOLON, Cmd.PERIOD):
        # "un point d'interrogation" is a noun; "les points d'..." is more
        # often Whisper hearing "est ... point d'..." than the plural noun.
        return prev in _SINGULAR_DETERMINERS and last not in ("final",)
    return False
