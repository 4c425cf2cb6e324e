"""A French phonetic key, and how far apart two keys may be (pure, stdlib only).

Whisper mishears the counter's vocabulary as words that sound alike ("la
carsate", "préfacture", "urssafe", "nous vaut pas ragraph"). Instead of
listing each spelling it was heard as, the rules compare *sounds*: a word (or
a few words run together) is read as a lexicon term when their keys are
within a small edit distance, the more loosely the less sure the recogniser
was of the words.

The key, in the spirit of Soundex-FR / Phonex: ``é``/``è``/``ê`` kept as a
sounded E, other accents folded; silent ``h``; ``ph`` -> ``f``;
``qu``/hard ``c``/``q`` -> ``k``; soft ``c`` and the ``t`` of ``-tion`` ->
``s``; soft ``g`` -> ``j``, hard ``g``/``gu`` -> ``G``; ``ill`` -> ``j``;
``gn`` -> ``n``; ``ch``/``sh`` -> ``S``; ``x`` -> ``ks``; ``s`` between
vowels -> ``z``; ``w`` -> ``v``; ``y`` -> ``i``; ``eau``/``au`` -> ``o``;
``ou`` -> ``U``; ``oi`` -> ``wa``, ``oin`` -> ``wI``; ``ai``/``ei``/final
``er``/``ez``/``et`` -> ``E``; nasal vowels (``an``/``en``/``am``/``em`` ->
``A``, ``in``/``ain``/``ein``/``un``/``im`` -> ``I``, ``on``/``om`` -> ``O``)
unless a vowel or an ``n``/``m`` follows ("annule" keeps its ``a``); a plural
``s``/``x`` dropped, then a mute final ``e``, or else a mute ``t``, ``d``,
``z`` or ``p``; double letters made single. A phrase is the keys of its words
run together, so a term and the words it was cut into ("carsat" / "car sat")
compare whole.
"""

from __future__ import annotations

import functools
import re

from assistant.folding import fold

_E = "9"
"""Stands for a sounded e (é, è, ê, ai, ei, final er/ez/et) while the rules run."""
_RULES: tuple[tuple[str, str], ...] = (
    (r"(?<=[aeiouy9])s(?=[aeiouy9])", "z"),
    (r"eau", "o"),
    (r"au", "o"),
    (r"oin(?![aeiouy9])", "WI"),
    (r"oi", "Wa"),
    (r"ou", "U"),
    (r"ph", "f"),
    (r"s?ch", "S"),
    (r"sh", "S"),
    (r"gn", "n"),
    (r"qu", "k"),
    (r"gu(?=[eiy9])", "G"),
    (r"(?<=[aeiou])ill", "j"),
    (r"ill", "ij"),
    (r"g(?=[eiy9])", "j"),
    (r"g", "G"),
    (r"c(?=[eiy9])", "s"),
    (r"(?<=[aeiouy9n])t(?=ion)", "s"),
    (r"[cq]", "k"),
    (r"x", "ks"),
    (r"w", "v"),
    (r"h", ""),
    # nasal vowels: before a consonant other than their own n/m, or at the end
    (r"(?:ain|ein|aim|in|im|un|um|yn|ym)(?![aeiouy9AEIOUnm])", "I"),
    (r"(?:an|am|en|em)(?![aeiouy9AEIOUnm])", "A"),
    (r"(?:on|om)(?![aeiouy9AEIOUnm])", "O"),
    (r"ai|ei|e[rz]$|et$", _E),
    (r"y", "i"),
)
_COMPILED = tuple((re.compile(p), r) for p, r in _RULES)


def _mute_end(w: str) -> str:
    """Without a plural ``s``/``x``, then a mute ``e`` or else a mute ``t``, ``d``,
    ``z`` or ``p`` ("parenthèses" keeps the sound of its ``s``, "trop" loses its ``p``)."""
    if len(w) > 1 and w[-1] in "sx":
        w = w[:-1]
    if len(w) > 1 and w[-1] == "e":
        return w[:-1]
    if len(w) > 1 and w[-1] in "tdzp":
        return w[:-1]
    return w


@functools.lru_cache(maxsize=8192)
def _word_key(word: str) -> str:
    # é, è and ê are read before folding: they are sounded ("annulé" is not "annule").
    w = fold(re.sub(r"[éèêÉÈÊ]", _E, word))
    w = "".join(c for c in w if c.isalpha() or c == _E)
    if not w:
        return ""
    for pattern, repl in _COMPILED:
        w = pattern.sub(repl, w)
    w = _mute_end(w)
    out: list[str] = []
    for c in w:
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out).upper().replace(_E, "E")


def key(text: str) -> str:
    """The phonetic key of ``text`` (one word or several, read as one run of sound)."""
    return "".join(_word_key(w) for w in re.split(r"[\s'’\-]+", text) if w)


def distance(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions) between two keys."""
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


MIN_KEY = 5
"""Terms of fewer sounds are never matched by sound: "caf", "rib", "impôts" (IPO:
"un pot") sound like too many ordinary words."""
UNSURE_BELOW = 0.5
"""A word the recogniser gave less than this probability is matched more loosely."""


def tolerance(target_key: str, probability: float | None = None) -> int:
    """How many edits a heard key may be from ``target_key``: none below ``MIN_KEY``
    sounds, one from five, two from ten; one more when the recogniser was unsure
    of the words heard (``probability`` below ``UNSURE_BELOW``; None: not known, as
    for typed text)."""
    n = len(target_key)
    if n < MIN_KEY:
        return 0
    allowed = 1 if n < 10 else 2
    if probability is not None and probability < UNSURE_BELOW:
        allowed += 1
    return allowed


def sounds_like(heard: str, target: str, probability: float | None = None) -> bool:
    """Whether ``heard`` (words as written) may be ``target`` misheard."""
    t = key(target)
    return distance(key(heard), t) <= tolerance(t, probability)
