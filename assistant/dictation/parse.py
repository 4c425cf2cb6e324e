"""Recognised text -> words and voice commands (pure).

Whisper's text is cut into raw tokens: words (with their inner apostrophes,
hyphens and dots: "l'usager", "reprendra-t-il", "impots.gouv") and Whisper's
own punctuation marks. Command phrases are found on the folded keys of the
words, longest first, unless the context makes them words. Whisper's own
marks are dropped by default: in dictation the speaker says the punctuation,
and Whisper adds commas and full stops of its own at every pause. A mark
right beside a spoken command is always dropped (it is Whisper's rendering of
that very command, or a duplicate of it).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.dictation.heard import (
    MAX_RUN,
    glued_line_is_word,
    heard_at,
    is_heard_word,
    line_loose_head,
    line_run_into_next,
    loose_line_is_word,
    sure_head,
)
from assistant.dictation.lexicon import (
    COMMAND_STARTS,
    END,
    QUOTE_PAREN,
    Cmd,
    Phrase,
    PhraseTable,
    ends_a_line,
    glued_verb,
    heard_keys,
    is_word_in_context,
    keys_of,
    phrase_table,
)
from assistant.folding import fold
from assistant.slips import DEFAULT_MODEL
from assistant.types import Word

_TOKEN = re.compile(
    r"[\w@%€$+&/][\w@%€$+&/'’\-‑.]*[\w%€$]"  # a word with inner ' - . (keeps "M." out)
    r"|[\w@%€$+&/]"  # a one-character word
    r"|\.\.\.|[.,;:!?…«»\"“”()\[\]–—\-]"  # Whisper's marks
)

_WHISPER_MARKS: dict[str, Cmd] = {
    ",": Cmd.COMMA, ".": Cmd.PERIOD, ";": Cmd.SEMICOLON, ":": Cmd.COLON,
    "?": Cmd.QUESTION, "!": Cmd.EXCLAMATION, "…": Cmd.ELLIPSIS, "...": Cmd.ELLIPSIS,
    "(": Cmd.OPEN_PAREN, ")": Cmd.CLOSE_PAREN, "«": Cmd.OPEN_QUOTE, "»": Cmd.CLOSE_QUOTE,
    "-": Cmd.DASH, "–": Cmd.DASH, "—": Cmd.DASH,
}
_SENTENCE_END = frozenset({".", "?", "!", "…", "..."})


@dataclass(frozen=True, slots=True)
class RawToken:
    """One token of recognised text: a word (``mark`` False) or one of
    Whisper's punctuation marks."""

    text: str
    mark: bool
    keys: tuple[str, ...] = ()
    prob: float | None = None
    """The recogniser's probability for the word, None where unknown."""


@dataclass(frozen=True, slots=True)
class Piece:
    """What the speaker said: a word to write, or a command to apply.

    ``cmd`` is None for a word. ``spoken`` is False for a mark that Whisper
    wrote by itself (kept only when asked)."""

    text: str
    cmd: Cmd | None = None
    spoken: bool = True
    words: int = 1
    """How many recognised words it covers (0 for Whisper's own marks)."""


def _split_glued_stop(tok: str) -> tuple[str, ...]:
    """A word, or a word, Whisper's full stop and a command it glued together
    without a space ("visite.nouveau" before "paragraphe"): only where what
    follows the dot starts a command, so that "impots.gouv" stays whole."""
    head, dot, rest = tok.partition(".")
    if (dot and len(head) > 1 and head.isalpha() and rest.isalpha()
            and fold(rest) in COMMAND_STARTS):
        return head, ".", rest
    return (tok,)


def tokenize(text: str, after_sentence_end: bool = True) -> list[RawToken]:
    """Cut recognised text into raw tokens.

    A capital that Whisper put only because a sentence of its own began
    ("... dossier. Le montant") is lowered: capitals are decided again when
    the text is rendered. Acronyms ("CAF") and inner capitals keep theirs.
    """
    out: list[RawToken] = []
    sentence_start = after_sentence_end
    for tok in (t for m in _TOKEN.finditer(text) for t in _split_glued_stop(m.group())):
        if tok in _WHISPER_MARKS or tok in ('"', "“", "”", "[", "]"):
            out.append(RawToken(tok, mark=True))
            if tok in _SENTENCE_END:
                sentence_start = True
            continue
        word = tok
        if sentence_start and len(word) > 1 and word[0].isupper() and word[1:].islower():
            word = word[0].lower() + word[1:]
        sentence_start = False
        out.append(RawToken(word, mark=False, keys=heard_keys(word)))
    return out


def _whisper_words(words: Sequence[Word]) -> list[tuple[str, float]]:
    """Whisper's words, one that starts with an apostrophe or a hyphen glued
    back to the word before ("l" + "'interrogation"), with the lower probability."""
    out: list[tuple[str, float]] = []
    for w in words:
        if out and w.text[:1] in ("'", "’", "-", "‑"):
            out[-1] = (out[-1][0] + w.text, min(out[-1][1], w.probability))
        elif w.text:
            out.append((w.text, w.probability))
    return out


def with_probabilities(tokens: Sequence[RawToken], words: Sequence[Word]) -> list[RawToken]:
    """``tokens`` with the probabilities of the recogniser's ``words`` (the
    same transcript's, with word timestamps), matched word for word; a token
    none matches keeps None."""
    heard = [(t.text.casefold(), p) for text, p in _whisper_words(words)
             for t in tokenize(text, after_sentence_end=False) if not t.mark]
    index = [k for k, t in enumerate(tokens) if not t.mark]
    matcher = difflib.SequenceMatcher(a=[tokens[k].text.casefold() for k in index],
                                      b=[h for h, _ in heard], autojunk=False)
    out = list(tokens)
    for a, b, n in matcher.get_matching_blocks():
        for d in range(n):
            out[index[a + d]] = replace(out[index[a + d]], prob=heard[b + d][1])
    return out


def _match_at(words: Sequence[RawToken], i: int, phrase: Phrase, skip: int = 0) -> int:
    """How many words ``phrase`` covers from ``words[i]`` (0: no match),
    leaving out the first ``skip`` keys of ``words[i]``.

    A phrase covers whole words only; one word may hold several keys
    ("point-virgule", "d'interrogation")."""
    want = phrase.keys
    k = 0
    j = i
    while k < len(want):
        if j >= len(words):
            return 0
        keys = words[j].keys[skip:] if j == i else words[j].keys
        if not keys or tuple(want[k : k + len(keys)]) != keys:
            return 0
        k += len(keys)
        j += 1
    return j - i


def _keys_before(context: tuple[str, ...], words: Sequence[RawToken], i: int) -> tuple[str, ...]:
    keys: list[str] = list(context)
    for w in words[:i]:
        keys.extend(w.keys)
    return tuple(keys[-3:])


def _keys_after(words: Sequence[RawToken], j: int, at_end: bool = False,
                following: tuple[str, ...] = ()) -> tuple[str, ...]:
    keys: list[str] = []
    for w in words[j : j + 3]:
        keys.extend(w.keys)
    keys.extend(following[: max(0, 3 - len(keys))])
    if at_end and len(keys) < 3:
        keys.append(END)
    return tuple(keys[:3])


def _participle(word: str) -> bool:
    """Whether Whisper wrote ``word`` with the sounded é of a past participle
    ("annulé", "annulées")."""
    return word.lower().endswith(("é", "ée", "és", "ées"))


def _said_again(after: tuple[str, ...], stretch: tuple[str, ...]) -> bool:
    """Whether the words after an "annulé" start the stretch it would remove
    again: the speaker undid it and says it again ("… 4 100 euros annulé le
    remboursement sera de 420 euros"), as against the participle ("le vol
    annulé virgule le client rembourse")."""
    said = after[:2]
    return bool(stretch) and bool(said) and said == stretch[: len(said)]


def find_command(words: Sequence[RawToken], i: int, before: tuple[str, ...],
                 line_start: bool, at_end: bool = False,
                 table: PhraseTable | None = None,
                 following: tuple[str, ...] = (),
                 stretch: tuple[str, ...] = (),
                 marked: frozenset[int] = frozenset()) -> tuple[Cmd, int] | None:
    """The command said at ``words[i]`` and how many words it covers
    (``at_end``: the dictation ends after ``words``; ``table``: the spellings
    for the recogniser, by default the bundled model's; ``following``: keys
    of words already heard after ``words``, held back for later; ``stretch``:
    the keys of the words said since the last punctuation or layout command;
    ``marked``: the indices of the words Whisper ended a sentence after)."""
    table = table or phrase_table(DEFAULT_MODEL)
    first = words[i].keys[:1]
    if not first:
        return None
    if line_start and first[0] in table.line_start_dash and len(words[i].keys) == 1:
        return Cmd.DASH, 1
    for phrase in table.phrases:
        if phrase.keys[0] != first[0]:
            continue
        if (phrase.cmd is Cmd.UNDO and _participle(words[i].text)
                and not _said_again(_keys_after(words, i + 1, at_end, following), stretch)):
            continue
        n = _match_at(words, i, phrase)
        if n and not is_word_in_context(phrase, before,
                                        _keys_after(words, i + n, at_end, following)):
            return phrase.cmd, n
    keys = words[i].keys
    if len(keys) >= 2 and keys[0] in ELISIONS:
        # Whisper glues an elided word to a command: "d'ouvrir les guillemets".
        for phrase in table.phrases:
            if len(phrase.keys) < 2 or phrase.keys[0] != keys[1]:
                continue
            n = _match_at(words, i, phrase, skip=1)
            if n and not is_word_in_context(phrase, (*before, keys[0]),
                                            _keys_after(words, i + n, at_end, following)):
                return phrase.cmd, n
    glued = line_run_into_next([w.text for w in words[i : i + 3]])
    if glued and not glued_line_is_word(_keys_after(words, i + glued, at_end, following)):
        return Cmd.NEWLINE, glued
    loose = line_loose_head([w.text for w in words[i : i + 3]])
    if (loose and not loose_line_is_word(_keys_after(words, i + loose, at_end, following))
            and not sure_head(Cmd.PERIOD_NEWLINE, words[i].text, words[i].prob)):
        return Cmd.PERIOD_NEWLINE, loose
    # Misheard as other words: matched by sound over a run of words.
    heard = heard_at([w.text for w in words[i : i + MAX_RUN]], 0)
    if heard is not None:
        after = _keys_after(words, i + heard.words, at_end, following)
        if not is_heard_word(heard.cmd, before, after) and not sure_head(
                heard.cmd, words[i].text, words[i].prob) and (
                not heard.at_end_only or ends_a_line(after)
                or (i + heard.words - 1 in marked and after[:1] not in _DICTATED_MARKS)):
            return heard.cmd, heard.words
    return None


_DICTATED_MARKS = frozenset({("point",), ("points",), ("virgule",)})
"""Beginnings of a dictated mark, as the keys after a match start."""

_GLUED = frozenset({Cmd.PERIOD, Cmd.COMMA})


def _glued_command(word: RawToken, before: tuple[str, ...],
                   table: PhraseTable) -> tuple[Cmd, str] | None:
    """A one-word command Whisper joined by a hyphen to the next word
    ("point-son" for "point. Son"), where the whole word is no command."""
    head, sep, rest = word.text.partition("-")
    if not sep or not rest or not keys_of(rest):
        return None
    for phrase in table.phrases:
        if (phrase.cmd in _GLUED and phrase.keys == keys_of(head)
                and not is_word_in_context(phrase, before, keys_of(rest)[:3])):
            return phrase.cmd, rest
    return None


def _verb_glued_before(words: Sequence[RawToken], i: int,
                       table: PhraseTable) -> tuple[str, Cmd, int] | None:
    """A quotation or parenthesis command whose verb Whisper glued to the end
    of the word before ("indicouvrez les guillemets" for "indique, ouvrez les
    guillemets"): that word's head, the command, and how many words the two
    cover. Only with the quotation marks or the parenthesis said after it."""
    word = words[i]
    # One word, or an elided one and a word ("l'encourfermer la parenthèse").
    one = len(word.keys) == 1 or (len(word.keys) == 2 and word.keys[0] in ELISIONS)
    form = glued_verb(word.keys[-1]) if one else None
    if form is None:
        return None
    probe = [RawToken(form, mark=False, keys=(form,)), *words[i + 1 : i + table.max_phrase]]
    for phrase in table.phrases:
        if phrase.cmd in QUOTE_PAREN and phrase.keys[0] == form:
            n = _match_at(probe, 0, phrase)
            head = word.text[: len(word.text) - len(form)]
            if n >= 2 and keys_of(head):
                return head, phrase.cmd, n
    return None


ELISIONS = frozenset({"d", "l", "j", "qu", "n", "s", "m", "t", "c"})
"""Elided words Whisper may glue to a command ("d'ouvrir les guillemets")."""


_BREAKS = frozenset({Cmd.NEWLINE, Cmd.PERIOD_NEWLINE, Cmd.PARAGRAPH})


def parse(tokens: Sequence[RawToken], context: tuple[str, ...] = (),
          line_start: bool = True, keep_whisper_marks: bool = False,
          at_end: bool = False, table: PhraseTable | None = None,
          following: tuple[str, ...] = (), stretch: tuple[str, ...] = ()) -> list[Piece]:
    """Words and commands in ``tokens``.

    ``context``: the keys of the words just before (for context rules);
    ``line_start``: whether the text so far ends a line (or is empty);
    ``at_end``: whether the dictation ends after ``tokens``; ``table``: the
    command spellings for the recogniser (``lexicon.phrase_table(model)``);
    ``following``: the keys of the words heard after ``tokens`` but held back;
    ``stretch``: the keys of the words since the last punctuation or layout
    command, before ``tokens``.
    """
    table = table or phrase_table(DEFAULT_MODEL)
    words = [t for t in tokens if not t.mark]
    # Index of each raw token among the words, to place Whisper's marks.
    pieces: list[Piece] = []
    # First pass: commands over the words only (Whisper marks never split a phrase).
    word_pieces: list[tuple[int, Piece]] = []  # (raw index of the first word, piece)
    raw_index = [k for k, t in enumerate(tokens) if not t.mark]
    # Words Whisper ended a sentence after (its own ". ? ! …" right after them).
    marked = frozenset(
        w for w, k in enumerate(raw_index)
        if k + 1 < len(tokens) and tokens[k + 1].mark and tokens[k + 1].text in _SENTENCE_END)
    i = 0
    at_line_start = line_start
    run: list[str] = list(stretch)  # the words since the last command
    while i < len(words):
        before = _keys_before(context, words, i)
        found = find_command(words, i, before, at_line_start, at_end, table, following,
                             tuple(run), marked)
        if found is not None:
            cmd, n = found
            run = []
            word_pieces.append((raw_index[i], Piece(cmd.value, cmd, words=n)))
            at_line_start = cmd in _BREAKS
            i += n
            continue
        glued = _glued_command(words[i], before, table)
        if glued is not None:
            # Whisper hyphenated a command to the next word ("point-son"):
            # the command, then the word, both from this one recognised word.
            cmd, rest = glued
            word_pieces.append((raw_index[i], Piece(cmd.value, cmd, words=1)))
            word_pieces.append((raw_index[i], Piece(rest, words=0)))
            run = list(keys_of(rest))
            at_line_start = False
            i += 1
            continue
        verb_glued = _verb_glued_before(words, i, table)
        if verb_glued is not None:
            head, cmd, n = verb_glued
            word_pieces.append((raw_index[i], Piece(head, words=0)))
            word_pieces.append((raw_index[i], Piece(cmd.value, cmd, words=n)))
            run = []
            at_line_start = False
            i += n
            continue
        word_pieces.append((raw_index[i], Piece(words[i].text)))
        run.extend(words[i].keys)
        at_line_start = False
        i += 1
    # Second pass: put Whisper's marks back between them, as unspoken commands.
    marks = [(k, t) for k, t in enumerate(tokens) if t.mark]
    merged: list[tuple[int, Piece]] = list(word_pieces)
    for k, t in marks:
        mark_cmd = _WHISPER_MARKS.get(t.text)
        if mark_cmd is not None:
            merged.append((k, Piece(t.text, mark_cmd, spoken=False, words=0)))
    merged.sort(key=lambda kp: kp[0])
    for n, (_k, piece) in enumerate(merged):
        if piece.spoken:
            pieces.append(piece)
            continue
        if not keep_whisper_marks:
            continue
        near = [merged[m][1] for m in (n - 1, n + 1) if 0 <= m < len(merged)]
        if any(p.cmd is not None and p.spoken for p in near):
            continue  # Whisper's own rendering of a spoken command beside it
        pieces.append(piece)
    return pieces
