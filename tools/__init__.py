"""Development tools shared by tests and scripts; not part of the installed package.

``tts`` speaks French with espeak-ng + MBROLA (non-commercial voices: the
recordings are made on each machine, never shipped), ``wer`` scores a
transcript, ``dictation_cases`` holds the dictated test texts and their
measures, ``llm`` installs the opt-in local language model and serves it
(docs/llm.md). The wheel holds ``assistant`` only (``tests/test_install.py``
checks it); tests reach this package through pytest's ``pythonpath`` and
scripts through the checkout root they put on ``sys.path``.
"""
