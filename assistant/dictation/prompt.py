"""The decoder prompt for dictation (pure).

Whisper writes punctuation of its own and turns some spoken commands into
marks or capitals. A prompt written the way dictation sounds (lower case, no
marks, the commands spelled out as words) primes it to write what was said;
the rules then apply the commands. scripts/eval_dictation.py --prompt
compares it with the counter prompt and with none.
"""

from __future__ import annotations

DICTATION_PROMPT = (
    "madame virgule nous avons bien reçu votre dossier point à la ligne "
    "objet deux points ouvrez les guillemets demande d'aide fermez les guillemets "
    "nouveau paragraphe tiret une pièce d'identité à la ligne tiret un RIB point "
    "est-ce complet point d'interrogation merci point d'exclamation "
    "ouvrez la parenthèse CAF fermez la parenthèse point-virgule points de suspension"
)
