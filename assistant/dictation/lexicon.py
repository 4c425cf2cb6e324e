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

import functools
import re
from dataclasses import dataclass
from enum import StrEnum

from assistant import phonetic
from assistant.folding import fold
from assistant.frnumbers import NUMBER_WORDS
from assistant.slips import DEFAULT_MODEL, command_slips


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
_CLOSE = ("fermez", "ferme", "fermer", "fermes", "fermee", "fermees",
          "refermez", "refermer", "referme",
          # the vowel of the word before glued on: "enfermer la parenthese"
          "enfermer", "enfermez")
_QUOTES = ("guillemets", "guillemet")
_PAREN = ("parenthese", "parentheses")
_LINE = ("ligne", "lignes")
_POINT = ("point", "points")
_COMMA = ("virgule", "virgules")
_PARAGRAPH = ("paragraphe", "paragraphes")
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
        Cmd.COLON: _variants(("deux", "2"), ("points", "point")),
        Cmd.QUESTION: _variants(_POINT, ("d", ""), ("interrogation", "interrogations")),
        Cmd.EXCLAMATION: _variants(_POINT, ("d", ""), ("exclamation", "exclamations")),
        Cmd.ELLIPSIS: [*_variants(_POINT, ("de", "d"), ("suspension", "suspensions")),
                       ("trois", "petits", "points"), ("3", "petits", "points")],
        Cmd.NEWLINE: [*_variants(("a",), ("la",), _LINE),
                      *_variants(("retour",), ("a", ""), ("la",), _LINE)],
        Cmd.PERIOD_NEWLINE: _variants(_POINT, ("a", ""), ("la",), _LINE),
        Cmd.PARAGRAPH: _variants(_NEW, _PARAGRAPH),
        Cmd.OPEN_QUOTE: _variants(_OPEN, _DET_QUOTE, _QUOTES),
        Cmd.CLOSE_QUOTE: _variants(_CLOSE, _DET_QUOTE, _QUOTES),
        Cmd.OPEN_PAREN: _variants(_OPEN, ("la", "les", "une", "le", "de", ""), _PAREN),
        Cmd.CLOSE_PAREN: _variants(_CLOSE, ("la", "les", "le", "de", ""), _PAREN),
        Cmd.DASH: _variants(("tiret", "tirets")),
        Cmd.DELETE_WORD: [
            erase + rest
            for erase in (("efface",), ("effacez",), ("effacer",))
            for rest in _variants(("le", "les", ""), ("dernier", "derniers"), ("mot", "mots"))
        ],
        Cmd.UNDO: [("annule",), ("annulez",)],
    }
    return table


SOUND_WORDS: tuple[str, ...] = (
    "virgule", "paragraphe", "guillemets", "parenthese", "interrogation", "exclamation",
    "suspension",
)
"""The commands' longer words: a word that sounds like one of them ("virule",
"vergule", "paragraph", "guillemais", "parenthèses") is matched as it
(``heard_keys``); whether it is then a command is still the context's call."""


@functools.cache
def _sound_words() -> tuple[tuple[str, str], ...]:
    return tuple((w, phonetic.key(w)) for w in SOUND_WORDS)


@functools.cache
def sound_key(part: str) -> str:
    """The matching key of one part of a written word: its folded form, or the
    command word it sounds like (same first sound, within the tolerance)."""
    folded = fold(part)
    if folded in _COMMAND_KEYS or len(folded) < 5:
        return folded
    k = phonetic.key(part)
    for word, wk in _sound_words():
        allowed = phonetic.tolerance(wk)
        if (k[:1] == wk[:1] and abs(len(k) - len(wk)) <= allowed
                and phonetic.distance(k, wk) <= allowed):
            return word
    return folded


def word_parts(word: str) -> tuple[str, ...]:
    """The parts of a written word that ``keys_of`` keys, as written
    ("d'interrogation" -> ("d", "interrogation"))."""
    return tuple(p for p in _KEY_SPLIT.split(word) if fold(p))


def heard_keys(word: str) -> tuple[str, ...]:
    """``keys_of`` for a word the recogniser wrote: a part that sounds like one
    of the commands' longer words is matched as that word ("virule" -> "virgule")."""
    return tuple(sound_key(p) for p in word_parts(word))


@dataclass(frozen=True, slots=True)
class Phrase:
    """One spelling of one command."""

    keys: tuple[str, ...]
    cmd: Cmd


_COMMAND_KEYS = frozenset(k for variants in _phrases().values() for v in variants for k in v)
COMMAND_STARTS = frozenset(v[0] for variants in _phrases().values() for v in variants
                           if len(v[0]) >= 4)
"""The first words of the commands as the lexicon spells them (of four
letters or more: "point", "nouveau", "ouvrez"...)."""

# A "tiret" heard as a word that sounds the same is only a dash at the start of a line.
_LINE_START_DASH = frozenset({
    "tire", "tiree", "tirer", "tirees", "tires", "tirez", "tirait", "tirais",
})


@dataclass(frozen=True, slots=True)
class PhraseTable:
    """The command spellings for one recogniser: the lexicon's, and the slips
    observed on that model (``assistant/slips.toml``)."""

    phrases: tuple[Phrase, ...]
    """Every spelling, longest first (so that "point à la ligne" wins over "point")."""
    prefixes: frozenset[tuple[str, ...]]
    """Beginnings of command spellings (whole ones too, whose meaning depends on
    the next word): a live session holds these back."""
    wholes: frozenset[tuple[str, ...]]
    """Every whole spelling."""
    max_phrase: int
    line_start_dash: frozenset[str]
    """Words that are a dash only at the start of a line ("tirez" for "tiret")."""


@functools.cache
def phrase_table(model: str | None = DEFAULT_MODEL) -> PhraseTable:
    """The spellings of every command when ``model`` is the recogniser."""
    table = _phrases()
    dash = set(_LINE_START_DASH)
    for slip in command_slips(model):
        cmd = Cmd(slip.command)
        for heard in slip.heard:
            keys = tuple(k for w in heard.split() for k in keys_of(w))
            if cmd is Cmd.DASH:
                dash.update(keys[:1])
            else:
                table[cmd].append(keys)
    phrases = tuple(sorted(
        {Phrase(k, cmd) for cmd, variants in table.items() for k in variants},
        key=lambda p: (-len(p.keys), p.cmd.value, p.keys),
    ))
    return PhraseTable(
        phrases=phrases,
        prefixes=frozenset(p.keys[:n] for p in phrases for n in range(1, len(p.keys) + 1)),
        wholes=frozenset(p.keys for p in phrases),
        max_phrase=max(len(p.keys) for p in phrases),
        line_start_dash=frozenset(dash),
    )


_DEFAULT = phrase_table(DEFAULT_MODEL)
PHRASES = _DEFAULT.phrases
"""The spellings for the bundled model (``phrase_table(DEFAULT_MODEL)``)."""
MAX_PHRASE = _DEFAULT.max_phrase
PREFIXES = _DEFAULT.prefixes
LINE_START_DASH = _DEFAULT.line_start_dash

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
_VERB_SUBJECTS = frozenset({"on", "il", "elle", "ils", "elles", "je", "j", "tu", "qui", "nous"})
"""Before "ouvre", "ferme"...: the verb of a sentence, not the command."""


def _is_number(key: str) -> bool:
    return key.isdigit() or key in NUMBER_WORDS


def _infinitive(keys: tuple[str, ...]) -> bool:
    return bool(keys) and len(keys[0]) > 3 and keys[0].endswith(("er", "ir", "re", "oir"))


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


def ends_a_line(after: tuple[str, ...]) -> bool:
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
        # "effacez le dernier mot de passe enregistré": the noun phrase goes on.
        return nxt in ("de", "d")
    if cmd in QUOTE_PAREN:
        # "on ouvre une parenthèse", "il ferme les guillemets": a subject says a verb.
        return prev in _VERB_SUBJECTS
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
        if nxt == "a" and _infinitive(after[1:2]):
            return True  # "il reste deux points à régler"
        return first in ("de", "des") and (prev in ("pas", "plus", "moins") or not before)
    if cmd in (Cmd.NEWLINE, Cmd.PERIOD_NEWLINE):
        # "à la ligne 12 du tableau": a line number and what it is a line of.
        numbered = _is_number(nxt) and after[1:2] in (("du",), ("de",), ("des",), ("d",))
        return (nxt in _LINE_NOUN_NEXT or numbered
                or (cmd is Cmd.NEWLINE and prev in ("en", "hors")))
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
        if ends_a_line(after):
            return False
        return (prev in _BEFORE_MASCULINE_NOUN or prev in ("a", "faire")
                or nxt in _POINT_NOUN_NEXT)
    if cmd is Cmd.PERIOD and last == "final" and nxt in _POINT_NOUN_NEXT:
        return True  # "le point final du rapport"
    if cmd in (Cmd.QUESTION, Cmd.EXCLAMATION, Cmd.ELLIPSIS, Cmd.SEMICOLON, Cmd.PERIOD):
        # "un point d'interrogation" is a noun; "les points d'..." is more
        # often Whisper hearing "est ... point d'..." than the plural noun.
        return prev in _SINGULAR_DETERMINERS and last not in ("final",)
    return False
