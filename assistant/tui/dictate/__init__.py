"""The dictation app (Textual): back-office staff dictate, the text appears as it
is spoken, stays editable by keyboard, and is saved as a note, exported (.txt,
.md) or copied.

``app`` is the UI; ``config`` how it is started; ``strings`` its French text.
Everything outside the UI (the pipeline, the re-reading, the store) goes through
``assistant.tui.services``, the blocking parts on worker threads.
"""

from assistant.tui.dictate.app import DictationApp
from assistant.tui.dictate.config import DictationConfig, dictation_settings

__all__ = ["DictationApp", "DictationConfig", "dictation_settings"]
