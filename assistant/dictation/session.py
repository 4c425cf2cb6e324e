"""A dictation in progress: recognised text in, a typeset document out (pure).

``DictationSession.feed`` takes each piece of committed transcript as it
comes (a live segment, or a whole batch transcript) and applies its voice
commands at once. The last few words are held back while they could still
be the start of a longer command or number ("point" may become "point à la
ligne", "mille trois cent" may go on with "quarante"); ``preview`` shows
them as if the dictation ended there, and ``finish`` applies them.

Undo: the document is a stack of groups, each a run of words or one
command's marks. "annule" removes the last group: the words said since the
last punctuation or layout command, or, when nothing was said since, that
command. "efface le dernier mot" removes the last word (and the marks after
it). The rules do not depend on where the recogniser cut its segments, so
live dictation and batch transcription of the same recording agree.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.dictation.heard import may_grow
from assistant.dictation.lexicon import Cmd, glued_verb, keys_of, phrase_table
from assistant.dictation.numbers import numbers_as_digits
from assistant.dictation.parse import (
    ELISIONS,
    Piece,
    RawToken,
    parse,
    tokenize,
    with_probabilities,
)
from assistant.dictation.render import Token, render
from assistant.frnumbers import NUMBER_WORDS
from assistant.slips import DEFAULT_MODEL
from assistant.types import Word

_MARK_OF: dict[Cmd, tuple[Token, ...]] = {
    Cmd.COMMA: (Token("mark", ","),),
    Cmd.PERIOD: (Token("mark", "."),),
    Cmd.SEMICOLON: (Token("mark", ";"),),
    Cmd.COLON: (Token("mark", ":"),),
    Cmd.QUESTION: (Token("mark", "?"),),
    Cmd.EXCLAMATION: (Token("mark", "!"),),
    Cmd.ELLIPSIS: (Token("mark", "…"),),
    Cmd.NEWLINE: (Token("break", "\n"),),
    Cmd.PERIOD_NEWLINE: (Token("mark", "."), Token("break", "\n")),
    Cmd.PARAGRAPH: (Token("break", "\n\n"),),
    Cmd.OPEN_QUOTE: (Token("mark", "«"),),
    Cmd.CLOSE_QUOTE: (Token("mark", "»"),),
    Cmd.OPEN_PAREN: (Token("mark", "("),),
    Cmd.CLOSE_PAREN: (Token("mark", ")"),),
    Cmd.DASH: (Token("mark", "-"),),
}
_ENDS = frozenset({".", ",", ";", ":", "?", "!", "…"})
_SENTENCE_ENDS = frozenset({".", "?", "!", "…"})
_HOLD_MAX = 6


@dataclass(frozen=True, slots=True)
class DictationText:
    """What a dictation shows: the settled text and the text still held back
    or tentative (rendered after it)."""

    text: str
    preview: str
    """The whole text as it would read if the dictation ended now."""


@dataclass(slots=True)
class _Group:
    tokens: list[Token] = field(default_factory=list)
    words: bool = False


class DictationSession:
    """Voice commands applied to committed text, one piece after the other."""

    def __init__(self, keep_whisper_marks: bool = False,
                 model: str | None = DEFAULT_MODEL) -> None:
        self.keep_whisper_marks = keep_whisper_marks
        self.model = model
        """The recogniser's name: the command spellings observed on it apply."""
        self._table = phrase_table(model)
        self._groups: list[_Group] = []
        self._held: list[RawToken] = []
        self._context: tuple[str, ...] = ()

    # -- input ---------------------------------------------------------------

    def feed(self, text: str, words: Sequence[Word] | None = None) -> None:
        """Apply one piece of committed transcript (``words``: its words with
        the recogniser's probabilities, where known: a command read by sound
        whose head Whisper was sure of is then words, ``heard.sure_head``)."""
        tokens = tokenize(text, after_sentence_end=True)
        self._held.extend(with_probabilities(tokens, words) if words else tokens)
        hold = self._snap(self._held, self._hold_count(self._held))
        ready = self._held[: len(self._held) - hold]
        self._held = self._held[len(self._held) - hold :]
        self._apply_tokens(ready, following=tuple(k for t in self._held for k in t.keys))

    def finish(self) -> None:
        """Apply what was held back: the dictation is over."""
        held, self._held = self._held, []
        self._apply_tokens(held, at_end=True)
        self._drop_stray_one()

    def load_text(self, text: str) -> None:
        """Start again from ``text`` (after the agent edited it by hand): it
        becomes one group that "annule" removes whole."""
        self._groups = []
        self._held = []
        self._context = ()
        tokens = _retokenize(text)
        if tokens:
            self._groups.append(_Group(tokens, words=True))
            self._context = tuple(t.text.lower() for t in tokens if t.kind == "word")[-3:]

    # -- output --------------------------------------------------------------

    @property
    def text(self) -> str:
        """The settled document."""
        return render(self.tokens)

    @property
    def tokens(self) -> list[Token]:
        return [t for g in self._groups for t in g.tokens]

    def preview(self, tentative: str = "") -> DictationText:
        """The settled text, and the text as it would be with the held-back
        words and ``tentative`` (not yet committed) applied."""
        trial = copy.deepcopy(self)
        if tentative:
            trial.feed(tentative)
        trial.finish()
        return DictationText(text=self.text, preview=trial.text)

    # -- internals -----------------------------------------------------------

    def _hold_count(self, tokens: Sequence[RawToken]) -> int:
        """How many trailing tokens could still grow into a command or number."""
        words = [k for k, t in enumerate(tokens) if not t.mark]
        best = 0
        for n in range(1, min(_HOLD_MAX, len(words)) + 1):
            tail = words[-n:]
            keys = tuple(k for idx in tail for k in tokens[idx].keys)
            # "l'encourfermer": the verb may be glued after an elision too
            bare = keys[1:] if keys and keys[0] in ELISIONS else keys
            glued = glued_verb(bare[0]) if bare else None
            prefixes = self._table.prefixes
            # a whole command then numbers: maybe a noun ("à la ligne 12 du tableau")
            numbered = any(keys[:m] in self._table.wholes and all(k.isdigit() or k in NUMBER_WORDS
                                                        for k in keys[m:])
                           for m in range(1, len(keys)))
            sensitive = numbered or keys in prefixes or (bool(keys) and keys[0] in ELISIONS
                                              and keys[1:] in prefixes) or (
                glued is not None and (glued, *bare[1:]) in prefixes) or all(
                k in NUMBER_WORDS or k.isdigit() or k in ("et", "premier") for k in keys
            ) or may_grow([tokens[idx].text for idx in tail])
            if sensitive:
                best = n
        if best == 0:
            return 0
        return len(tokens) - words[-best]

    def _snap(self, tokens: Sequence[RawToken], hold: int) -> int:
        """Widen a hold so that the cut falls between two pieces, never inside
        a command phrase ("deux | points")."""
        if hold == 0:
            return 0
        cut_word = sum(1 for t in tokens[: len(tokens) - hold] if not t.mark)
        pieces = parse(tokens, self._context, self._line_start(), self.keep_whisper_marks,
                       table=self._table)
        start = 0
        for piece in pieces:
            end = start + piece.words
            if start < cut_word < end:
                cut_word = start
                break
            start = end
        words_seen = 0
        for k, t in enumerate(tokens):
            if not t.mark:
                if words_seen == cut_word:
                    return len(tokens) - k
                words_seen += 1
        return 0

    def _drop_stray_one(self) -> None:
        """Whisper writes a stray "1" after the last full stop of some
        dictations (docs/dictation.md): a lone "1" after the end of the last
        sentence is not dictated text."""
        if len(self._groups) < 2 or not self._groups[-1].words:
            return
        before = self._groups[-2].tokens
        if ([t.text for t in self._groups[-1].tokens] == ["1"] and before
                and before[-1].kind == "mark" and before[-1].text in _SENTENCE_ENDS):
            self._groups.pop()

    def _line_start(self) -> bool:
        toks = self.tokens
        return not toks or toks[-1].kind == "break" or (
            toks[-1].kind == "mark" and toks[-1].text == "-" and len(toks) > 1
            and toks[-2].kind == "break"
        )

    def _apply_tokens(self, tokens: Sequence[RawToken], at_end: bool = False,
                      following: tuple[str, ...] = ()) -> None:
        if not tokens:
            return
        last = self._groups[-1] if self._groups else None
        stretch = tuple(k for t in last.tokens for k in keys_of(t.text)) if (
            last is not None and last.words) else ()
        pieces = parse(tokens, self._context, self._line_start(), self.keep_whisper_marks,
                       at_end, self._table, following, stretch)
        words = [t for t in tokens if not t.mark]
        self._context = tuple(k for t in words for k in t.keys)[-3:] or self._context
        run: list[str] = []
        for piece in pieces:
            if piece.cmd is None:
                run.append(piece.text)
                continue
            self._add_words(run)
            run = []
            self._command(piece)
        self._add_words(run)

    def _add_words(self, run: list[str]) -> None:
        if not run:
            return
        tokens = [Token("word", w) for w in numbers_as_digits(run)]
        last = self._groups[-1] if self._groups else None
        if last is not None and last.words:
            # Same run of words (a segment boundary or a held-back tail):
            # re-spell the numbers across the joint.
            joined = [t.text for t in last.tokens] + run
            last.tokens = [Token("word", w) for w in numbers_as_digits(joined)]
            return
        self._groups.append(_Group(tokens, words=True))

    def _command(self, piece: Piece) -> None:
        cmd = piece.cmd
        assert cmd is not None
        if cmd is Cmd.UNDO:
            if self._groups:
                self._groups.pop()
            return
        if cmd is Cmd.DELETE_WORD:
            self._delete_word()
            return
        marks = _MARK_OF[cmd]
        toks = self.tokens
        last = toks[-1] if toks else None
        first = marks[0]
        if first.kind == "mark" and first.text in _ENDS:
            if last is None or last.kind == "break":
                marks = marks[1:]  # no punctuation at the start of a line
            elif last.kind == "mark" and last.text in _ENDS:
                # "virgule point" or Whisper's "." then "point": the stronger one stays.
                self._groups[-1].tokens.pop()
                if not self._groups[-1].tokens:
                    self._groups.pop()
        if marks:
            self._groups.append(_Group(list(marks)))

    def _delete_word(self) -> None:
        while self._groups:
            group = self._groups[-1]
            while group.tokens and group.tokens[-1].kind != "word":
                group.tokens.pop()
            if group.tokens:
                group.tokens.pop()
                if not group.tokens:
                    self._groups.pop()
                return
            self._groups.pop()


def _retokenize(text: str) -> list[Token]:
    """Tokens of already typeset text (the agent's hand edits)."""
    out: list[Token] = []
    for line_no, line in enumerate(text.split("\n")):
        if line_no:
            if out and out[-1] == Token("break", "\n"):
                out[-1] = Token("break", "\n\n")
            else:
                out.append(Token("break", "\n"))
        stripped = line.lstrip()
        if stripped.startswith("- "):
            out.append(Token("mark", "-"))
            stripped = stripped[2:]
        for raw in tokenize(stripped, after_sentence_end=False):
            if raw.mark:
                out.append(Token("mark", "-" if raw.text in ("–", "—") else raw.text))
            else:
                out.append(Token("word", raw.text))
    return out


def apply_dictation(text: str, keep_whisper_marks: bool = False,
                    model: str | None = DEFAULT_MODEL,
                    words: Sequence[Word] | None = None) -> str:
    """Batch: the voice commands of a whole transcript applied at once (``model``:
    the recogniser's name, whose observed slips are read as commands;
    ``words``: the transcript's words with their probabilities, where known)."""
    session = DictationSession(keep_whisper_marks=keep_whisper_marks, model=model)
    session.feed(text, words)
    session.finish()
    return session.text
