"""Back-office dictation: French voice commands applied to recognised text (pure).

``apply_dictation(text)`` typesets a whole transcript; ``DictationSession``
does it piece by piece for live dictation. See docs/dictation.md.
"""

from assistant.dictation.lexicon import Cmd
from assistant.dictation.session import DictationSession, DictationText, apply_dictation

__all__ = ["Cmd", "DictationSession", "DictationText", "apply_dictation"]
