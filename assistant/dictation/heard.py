"""Commands heard as other words, matched by sound over runs of words (pure).

On voices it knows less, Whisper base writes a command's long word right and
its short head wrong, or the whole command as other words: "pour
l'interrogation" (point d'interrogation), "moins de suspension" (points de
suspension), "verrait la parenthèse" (ouvrez la parenthèse), "nouveau pari
graphé" (nouveau paragraphe). Three readings, with the French phonetic key
and tolerance of ``assistant.phonetic`` (the ones the notes use):

- **the whole run**: the key of two to four words run together is within the
  tolerance of the command's key (two edits from ten sounds), the command's
  long word ends the run (as heard, ``lexicon.heard_keys``; or its last two
  words together sound like it: "pari graphé"), and the words before it are
  within a third of the head's sounds of the head ("moins de" for "points
  de": one edit of four; "verrait la" for "ouvrez la": two of six; not "pas
  de" or "plus de", two of four);
- **the end of a sentence**, as for a trailing "point": a dictated text, the
  line before a layout command, and a sentence where Whisper put its own
  full stop end with a dictated mark, so a long word of "?", "!" or "…"
  said there with no mark said after it is the command, its head one or two
  words that start with the head's first sound ("pour l'interrogation",
  "pour une interrogation." before the end; ``Heard.at_end_only``, the
  caller knows what follows);
- **gender**, as for "le virgule": "interrogation", "exclamation" and
  "suspension" are feminine, so after "un", "le", "du" or "au" they are not
  the noun but the command misheard, its head heard as that word and at most
  one word before it that starts with the head's first sound ("pour un
  interrogation").

What the words around say still decides (``lexicon.is_word_in_context``),
and more strictly than for a command heard as written: a long word followed
by its complement ("de", "du", "des": "moins de suspensions de droits",
"pour l'interrogation du fichier") is a noun (not for the quotation marks
and the parenthesis, whose content may start with anything); and of two
runs that end on the same long word the shorter is taken, so that no word
before the head is eaten and the words before the command are the context
("un point d'interrogation" stays the noun: the run "point d'interrogation"
is read, after "un"). A head heard as other words with nothing to tell it
from ordinary French is not read: "pour l'interrogation" inside a sentence.

The line commands are too short to be matched by sound ("dans la ligne" is
one edit from "à la ligne"); two readings of their own, each with the
context that tells the noun: "à la ligne" run by Whisper into the next word
("à l'alignitiré", ``line_run_into_next``), and "point à la ligne" with its
head heard as one word ending with its last sound ("voilà la ligne" before
a new clause, ``line_loose_head``).

Where the recogniser's word probabilities are known (the live dictation
screen), a run read by sound whose first word, heard in place of the
command's first word, Whisper was sure of (at least ``SURE_HEAD``) is words,
not a command (``sure_head``): a command misheard comes with that word
unsure ("moins" 0.22 for "points"), the same words said for real mostly
with it sure ("moins" 0.98; docs/dictation.md has the measure). Not for "à
la ligne" run into the next word: its head is heard as said.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from assistant import phonetic
from assistant.dictation.lexicon import (
    END,
    QUOTE_PAREN,
    Cmd,
    Phrase,
    is_word_in_context,
    keys_of,
    sound_key,
    word_parts,
)

SPOKEN: tuple[tuple[Cmd, str, str], ...] = (
    (Cmd.QUESTION, "point d'", "interrogation"),
    (Cmd.EXCLAMATION, "point d'", "exclamation"),
    (Cmd.ELLIPSIS, "points de", "suspension"),
    (Cmd.PARAGRAPH, "nouveau", "paragraphe"),
    (Cmd.OPEN_QUOTE, "ouvrez les", "guillemets"),
    (Cmd.CLOSE_QUOTE, "fermez les", "guillemets"),
    (Cmd.OPEN_PAREN, "ouvrez la", "parenthese"),
    (Cmd.CLOSE_PAREN, "fermez la", "parenthese"),
)
"""The commands read by sound over runs (those that end with a long word):
the command, its head, its long word (anchor)."""
_FIRST_WORD: dict[Cmd, str] = {
    **{cmd: head.split()[0].removesuffix("'").removesuffix("s") for cmd, head, _ in SPOKEN},
    Cmd.PERIOD_NEWLINE: "point",
}
"""The first word of each command read by sound, as a bare key."""

FEMININE = frozenset({"interrogation", "exclamation", "suspension"})
"""Long words that are feminine nouns: after a masculine article, the command."""
MASCULINE_ARTICLES = frozenset({"un", "le", "du", "au"})
"""Articles no feminine noun follows ("mon", "son" do before a vowel)."""
MAX_RUN = 4
"""Words a run may span."""
MIN_RUN_KEY = 10
"""Commands of fewer sounds are not matched as whole runs."""
_COMPLEMENT = frozenset({"de", "d", "du", "des"})
SURE_HEAD = 0.8
"""Whisper's probability from which the first word of a run read by sound,
heard in place of the command's first word, is taken as said
(scripts/probe_dictation_confidence.py, docs/dictation.md: on the dev voices
that word was at most 0.77 where the command was said, and 0.78 or more in
19 of the 23 readings of the same words said for real)."""


def sure_head(cmd: Cmd, first: str, prob: float | None) -> bool:
    """Whether a run read by sound as ``cmd`` is the words Whisper wrote:
    its first word (``first``, with the recogniser's probability ``prob``,
    None where unknown) is not the command's own first word and Whisper was
    sure of it ("moins" 0.98 in "il y a moins de suspension"; "moins" 0.22
    for "points"). The words after it ("de", "la") are the command's as
    heard, whatever was said, and weigh nothing; a head heard as the
    command's own ("nouveau pari graphé") is the command whatever Whisper's
    certainty. Text alone (None) keeps the readings."""
    if prob is None or prob < SURE_HEAD:
        return False
    own = _FIRST_WORD.get(cmd)
    return own is None or [_bare(k) for k in keys_of(first)][:1] != [own]


@dataclass(frozen=True, slots=True)
class _Entry:
    cmd: Cmd
    key: str
    head_key: str
    anchor: tuple[str, ...]
    anchor_key: str
    phrase: Phrase
    """The command as written, for the context rules."""


def _bare(key: str) -> str:
    return key.removesuffix("s")


@functools.cache
def _entries() -> tuple[_Entry, ...]:
    out = []
    for cmd, head, anchor in SPOKEN:
        said = f"{head} {anchor}"
        out.append(_Entry(
            cmd=cmd,
            key=phonetic.key(said),
            head_key=phonetic.key(head),
            anchor=tuple(_bare(k) for k in keys_of(anchor)),
            anchor_key=phonetic.key(anchor),
            phrase=Phrase(tuple(k for w in said.split() for k in keys_of(w)), cmd),
        ))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Heard:
    """A command heard by sound: which, and how many words it covers."""

    cmd: Cmd
    words: int
    at_end_only: bool = False
    """Read so only at the end of a sentence (the end of the text, a layout
    command or Whisper's own full stop after it, no dictated mark)."""


def _anchor_parts(entry: _Entry, parts: Sequence[str], keys: Sequence[str]) -> int:
    """How many of the last parts carry the command's long word (0: none):
    its keys as heard, or, for a whole run, the last one or two parts
    sounding like it a little more loosely than a word alone (one more edit,
    same first sound: "paragrapheu", "pari graphé")."""
    n = len(entry.anchor)
    if len(keys) > n and tuple(keys[-n:]) == entry.anchor:
        return n
    if n == 1:
        for cut in (1, 2):
            if len(parts) <= cut:
                break
            heard = phonetic.key(" ".join(parts[-cut:]))
            if heard[:1] == entry.anchor_key[:1] and phonetic.distance(
                    heard, entry.anchor_key) <= phonetic.tolerance(entry.anchor_key) + 1:
                return cut
    return 0


def _whole_run(entry: _Entry, parts: Sequence[str], anchor: int) -> int | None:
    """The run's distance to the command, when it reads as it whole."""
    if len(entry.key) < MIN_RUN_KEY:
        return None
    run = phonetic.key(" ".join(parts))
    head = phonetic.key(" ".join(parts[:-anchor]))
    far = phonetic.distance(run, entry.key)
    if far <= phonetic.tolerance(entry.key) and (
            phonetic.distance(head, entry.head_key) <= len(entry.head_key) // 3):
        return far
    return None


def _gender(entry: _Entry, parts: Sequence[str], keys: Sequence[str]) -> bool:
    """The feminine long word after a masculine article, and at most one word
    before that starting with the head's sound ("pour un interrogation")."""
    if entry.anchor[-1] not in FEMININE or keys[-1] != entry.anchor[-1]:
        return False
    if len(keys) not in (2, 3) or keys[-2] not in MASCULINE_ARTICLES:
        return False
    return len(keys) == 2 or phonetic.key(parts[0])[:1] == entry.head_key[:1]


def _end_reading(parts: Sequence[str], head_words: int) -> Cmd | None:
    """A long word of a sentence's end mark after one or two words that start
    with the sound of the command's head (``heard_at``: at the end only)."""
    keys = [_bare(sound_key(p)) for p in parts]
    if len(keys) < 2 or head_words > 2 or keys[-1] not in FEMININE:
        return None
    head = phonetic.key(parts[0])
    return next((e.cmd for e in _entries()
                 if e.anchor[-1] == keys[-1] and head[:1] == e.head_key[:1]), None)


def _parts(texts: Sequence[str]) -> list[str]:
    return [p for t in texts for p in word_parts(t)]


def _run_reading(parts: Sequence[str]) -> tuple[int, Cmd] | None:
    """The command these parts read as a whole run of, nearest first."""
    keys = [_bare(sound_key(p)) for p in parts]
    found = []
    for entry in _entries():
        anchor = _anchor_parts(entry, parts, keys)
        far = _whole_run(entry, parts, anchor) if anchor else None
        if far is not None:
            found.append((far, entry.cmd))
    return min(found, key=lambda fc: fc[0]) if found else None


def _gender_reading(parts: Sequence[str]) -> Cmd | None:
    keys = [_bare(sound_key(p)) for p in parts]
    return next((e.cmd for e in _entries() if _gender(e, parts, keys)), None)


def heard_at(texts: Sequence[str], i: int) -> Heard | None:
    """The command heard by sound over the words ``texts[i:]`` (as written),
    before context: the shortest run from ``i`` that reads as one (a whole
    run is not taken where the words after ``texts[i]`` read as one by
    themselves)."""
    for j in range(i + 2, min(len(texts), i + MAX_RUN) + 1):
        parts = _parts(texts[i:j])
        gender = _gender_reading(parts)
        if gender is not None:
            return Heard(gender, j - i)
        run = _run_reading(parts)
        if run is not None and not any(
                _run_reading(_parts(texts[m:j])) for m in range(i + 1, j - 1)):
            return Heard(run[1], j - i)
        end = _end_reading(parts, j - i - 1)
        if end is not None:
            return Heard(end, j - i, at_end_only=True)
    return None


def is_heard_word(cmd: Cmd, before: tuple[str, ...], after: tuple[str, ...]) -> bool:
    """Whether a command heard by sound is, with these keys around it, words:
    the long word followed by its complement, or the written command's rules."""
    if after[:1] and after[0] in _COMPLEMENT and cmd not in QUOTE_PAREN:
        return True  # what follows "«" or "(" is anything: "« d'après lui »"
    entry = next(e for e in _entries() if e.cmd is cmd)
    return is_word_in_context(entry.phrase, before, after)


def _may_begin_head(texts: Sequence[str]) -> bool:
    """Whether these words could begin a command read by gender or at the end
    ("pour", "pour un", "pour avoir")."""
    last = keys_of(texts[-1])[-1:]
    first = phonetic.key(texts[0])[:1]
    return any(
        entry.anchor[-1] in FEMININE and (
            (len(texts) <= 2 and first == entry.head_key[:1])
            or (len(texts) <= 2 and bool(last) and last[0] in MASCULINE_ARTICLES))
        for entry in _entries())


def _may_begin_run(texts: Sequence[str], strict: bool = False) -> bool:
    """Whether these words could begin a whole run: the start of a head, or of
    a head and a long word cut in two ("nouveau pari"), within a third of
    their sounds (a short word is held only when it sounds like the start of
    a command: "moins", not "ces")."""
    key = phonetic.key(" ".join(texts))
    if not key:
        return False
    for entry in _entries():
        if len(entry.key) < MIN_RUN_KEY:
            continue
        allowed = min(len(entry.head_key) // 3, (len(key) + (0 if strict else 2)) // 3)
        if any(phonetic.distance(key, entry.key[:n]) <= allowed
               for n in range(max(1, len(key) - allowed), len(key) + allowed + 1)):
            return True
    return False


def may_grow(texts: Sequence[str]) -> bool:
    """Whether these last words of what was heard begin a command heard by
    sound, whole or not yet: a live session holds them back (it asks for
    each tail of what it holds). As ``heard_at`` takes the shorter of two
    whole runs, a word is not held for a run that the words after it could
    begin by themselves."""
    if not texts or len(texts) > MAX_RUN:
        return False
    if heard_at(texts, 0) is not None or line_run_into_next(texts) or _loose_line_start(texts):
        return True
    if len(texts) >= MAX_RUN:
        return False
    return _may_begin_head(texts) or (
        _may_begin_run(texts) and not (len(texts) > 1 and _may_begin_run(texts[1:], strict=True)))


_LINE_KEY = phonetic.key("à la ligne")
_GLUED_LINE_REST = 3
"""Sounds a word must go on with after "à la ligne" to be read as the command
run into the next word ("à l'alignitiré"), not a word that starts so
("à l'alinéa", "à la lignée")."""
_NOUN_NEXT = frozenset({
    "de", "d", "du", "des", "sur", "avec", "entre", "a", "au", "aux", "point", "points",
    "virgule", END,
})


def line_run_into_next(texts: Sequence[str]) -> int:
    """How many words ``texts`` begins with that are "à la ligne" run into
    the next word by Whisper ("à l'alignitiré", "à la lineitérae" for "à la
    ligne tiret", "à l'alignement en" for "à la ligne le montant"): "à", then
    one or two words whose sound starts with the rest of the command exactly
    and goes on for at least three sounds (0: none). The caller checks what
    follows (``glued_line_is_word``)."""
    if not texts or keys_of(texts[0]) != ("a",):
        return 0
    for n in (2, 3):
        key = phonetic.key(" ".join(texts[:n]))
        if (len(texts) >= n and key.startswith(_LINE_KEY)
                and len(key) >= len(_LINE_KEY) + _GLUED_LINE_REST
                and (n == 3 or keys_of(texts[1])[:1] == ("l",))):
            return n
    return 0


def glued_line_is_word(after: tuple[str, ...]) -> bool:
    """Whether a word read as "à la ligne" run into the next word is, with
    these keys after it, a noun ("à l'alignement des tarifs", "procéder à
    l'alignement point")."""
    return not after or after[0] in _NOUN_NEXT


_NEW_CLAUSE = frozenset({
    "le", "la", "les", "l", "un", "une", "c", "ce", "il", "elle", "ils", "elles", "nous",
    "vous", "je", "j", "on",
})
"""Words that start a new clause or noun phrase: "la ligne" followed by one
of them is not a noun with its complement."""
_POINT_A = phonetic.key("point à")


def _loose_line_start(texts: Sequence[str]) -> bool:
    """Whether ``texts`` (one to four words) could begin "point à la ligne"
    heard with a loose head (``line_loose_head``), or be it and the word
    after it, one that may start a new clause (the one after that decides)."""
    if not 1 <= len(texts) <= 4:
        return False
    key = phonetic.key(texts[0])
    if len(keys_of(texts[0])) != 1 or len(key) < 2 or key[-1:] != _POINT_A[-1:]:
        return False
    rest = [keys_of(t) for t in texts[1:]]
    return (rest[:1] in ([], [("la",)])
            and (len(rest) < 2 or rest[1] in (("ligne",), ("lignes",)))
            and (len(rest) < 3 or rest[2][:1] in [(k,) for k in _NEW_CLAUSE]))


def line_loose_head(texts: Sequence[str]) -> int:
    """3 when ``texts`` begins with "point à la ligne" whose head Whisper
    heard as one other word that ends with the last sound of "point à"
    ("voilà la ligne"), else 0; the caller checks that a new clause follows
    (``loose_line_is_word``). A head heard with its first sound only ("pour
    la ligne") is not read: "pour la ligne, vous appelez…" is ordinary."""
    return 3 if len(texts) >= 3 and _loose_line_start(texts[:3]) else 0


def loose_line_is_word(after: tuple[str, ...]) -> bool:
    """Whether "la ligne" after a loosely heard head is, with these keys after
    it, a noun: unless a new clause starts right after it ("voilà la ligne le
    montant…"; not "la ligne la plus courte")."""
    return not after or after[0] not in _NEW_CLAUSE or after[1:2] in (("plus",), ("moins",))
