"""Every French text the agent sees in the app, in one place.

Code elsewhere in ``assistant.tui`` never writes a French literal; it names one
of these. Keeping them together makes the wording easy to review and to keep
consistent (one verb per action, the same word for the same thing).
"""

from __future__ import annotations

APP_TITLE = "Assistant d'accueil"
APP_SUBTITLE = "Transcription hors ligne"

# --- Bindings (footer labels) -------------------------------------------------
KEY_NEW = "Nouveau RDV"
KEY_QUIT = "Quitter"
KEY_HELP = "Aide"
KEY_DEVICE = "Micro"
KEY_PAUSE = "Pause"
KEY_END = "Terminer"
KEY_EDIT = "Modifier"
KEY_ACCEPT = "Valider"
KEY_REJECT = "Rejeter"
KEY_ADD = "Ajouter"
KEY_REMOVE = "Supprimer"
KEY_REVEAL = "Voir NIR/IBAN"
KEY_CONFIRM = "Confirmer"
KEY_COPY = "Copier la fiche"
KEY_EXPORT = "Exporter"
KEY_VOICE = "Enregistrer ma voix"
KEY_BACK = "Retour"
KEY_FOLLOW = "Suivre la fin"
KEY_HOME = "Accueil"
KEY_NUMBER = "Numéro"
KEY_NUMBER_ADD = "Ajouter à la fiche"
KEY_NUMBER_DROP = "Effacer le dernier groupe"
KEY_CANCEL = "Annuler"

# --- Start screen -------------------------------------------------------------
START_NEW = "Nouveau rendez-vous (n)"
START_RECENT = "Sessions récentes"
START_RECENT_EMPTY = "Aucune session enregistrée."
START_RECENT_HELP = "Entrée : reprendre la relecture et confirmer la fiche."
START_TODAY = "Fiches du jour"
START_TODAY_EMPTY = "Aucune fiche confirmée aujourd'hui."
START_TODAY_HELP = "Entrée : rouvrir   y : copier à nouveau   x : exporter (fichier texte)"
TODAY_LINE = "{confirmed}  {reason}  {bodies}"
START_DEVICE = "Micro"
START_DEVICE_DEFAULT = "Micro par défaut du système"
START_DEVICE_NONE = "Aucun micro détecté"
START_REPLAY = "Relecture du fichier {name}"
START_LEVEL = "Niveau"
SESSION_STATUS = {
    "active": "en cours",
    "interrupted": "interrompue",
    "ended": "à confirmer",
    "confirmed": "confirmée",
}
SOURCE_FILE = "fichier {name}"
SOURCE_MIC = "micro {name}"
SOURCE_DEFAULT = "par défaut"
RECENT_LINE = "{started}  {status:<12}  {segments:>4} segment(s)  {source}"

# --- Model state ----------------------------------------------------------------
MODEL_LOADING = "Modèle {name} : chargement…"
MODEL_READY = "Modèle {name} : prêt ({seconds:.1f} s)"
MODEL_FAILED = "Modèle {name} : indisponible"
MODEL_WAIT = "Le modèle se charge encore ; l'écoute démarrera dès qu'il sera prêt."

# --- Session screen -----------------------------------------------------------------
STATE_READY = "prêt"
STATE_WAITING = "attente du modèle"
STATE_LISTENING = "écoute"
STATE_PAUSED = "pause"
STATE_ENDED = "relecture"
STATE_CONFIRMED = "confirmée"
HEADER_LINE = "● {state}   Source : {device}   {model}   Durée : {elapsed}   Retard : {lag}"
LAG_UNKNOWN = "—"
TRANSCRIPT_TITLE = "Transcription"
TRANSCRIPT_EMPTY = "La transcription s'affichera ici dès que quelqu'un parle."
TRANSCRIPT_SCROLLED = "Défilement manuel (f : suivre la fin)"
DRAFT_TITLE = "Fiche (brouillon)"
READY_HINT = "Prêt pour le rendez-vous suivant : p pour commencer l'écoute."
REPLAY_DONE = "Fin de l'enregistrement : relisez la fiche puis confirmez (c)."
SESSION_ENDED = (
    "Écoute terminée : relisez la fiche puis confirmez (c, elle est copiée ; y : copier)."
)
CONFIRMED_TOAST = "Fiche confirmée et enregistrée. Rendez-vous suivant."
NOTHING_TO_CONFIRM = "La fiche est vide : rien à confirmer."
ALREADY_CONFIRMED = "Fiche déjà confirmée : y pour la copier à nouveau."
REOPENED_CONFIRMED = "Fiche confirmée (relue) : y pour la copier, Échap pour l'accueil."
NOTHING_TO_COPY = "La fiche est vide : rien à copier."
COPIED = "Fiche copiée dans le presse-papiers (identifiants masqués sauf ceux affichés)."
COPIED_TITLE = "Copie"
COPY_TO_FILE = (
    "Le terminal risque de refuser la copie ({reason}). La fiche est aussi dans le "
    "fichier {path} (lisible par vous seul)."
)
EXPORTED = "Fiche exportée dans {path} (identifiants masqués)."
TODAY_NOTHING = "Choisissez d'abord une fiche du jour (↑ ↓)."
COPY_AUDIT = "copie de la fiche"
COPY_REVEAL = "{kind} (copie de la fiche en clair)"
STOPPING = "Les derniers mots arrivent encore : confirmez dans un instant."
SPEECH_DROPPED = ("{seconds} s de parole vers {at} n'ont pas été transcrites ({reason}) : "
                  "faites répéter si c'était important.")
DROP_REASONS = {
    "not_recognised": "rien de reconnu",
    "guarded": "texte écarté, inventé ou répété par le modèle",
    "no_agreement": "transcription restée instable",
    "stream_gap": "flux audio interrompu",
}
HOME_WHILE_LISTENING = "L'écoute est en cours : mettez en pause (p) ou terminez (t) d'abord."
CONFIRM_PENDING = "Terminez d'abord l'écoute (t), puis confirmez."
REVEAL_NOTHING = "Cet élément n'est pas masqué."
REVEALED = "Identifiant affiché (consultation enregistrée)."
NO_FIELD = "Sélectionnez d'abord un élément de la fiche."
CANNOT_ADD = "Ce champ n'a qu'une valeur : modifiez-le (e)."
CANNOT_REMOVE = "Ce champ n'a qu'une valeur : rejetez-le (x)."
SAVED_ON_QUIT = "Session enregistrée : elle sera proposée à la relecture au prochain démarrage."

# --- Draft fields -------------------------------------------------------------------
FIELD_LABELS = {
    "organizations": "Organismes",
    "reason": "Motif",
    "summary": "Résumé",
    "documents_requested": "Pièces demandées",
    "identifiers": "Identifiants",
    "amounts_eur": "Montants",
    "dates": "Dates",
    "follow_ups": "Suites à donner",
    "complex_situation": "Situation complexe",
    "referral": "Orientation",
}
REASON_LABELS = {
    "LOGEMENT": "Logement (APL, ALS)",
    "MINIMA_SOCIAUX": "Minima sociaux (RSA, prime d'activité, AAH)",
    "FAMILLE": "Famille",
    "SANTE": "Santé",
    "IMPOTS": "Impôts",
    "EMPLOI": "Emploi",
    "RETRAITE": "Retraite",
    "TITRES": "Titres (identité, permis, séjour)",
    "NUMERIQUE": "Numérique (compte, mot de passe)",
    "AUTRE": "Autre",
}
DOCUMENT_LABELS = {
    "PIECE_IDENTITE": "Pièce d'identité",
    "PHOTO_IDENTITE": "Photo d'identité",
    "JUSTIFICATIF_DOMICILE": "Justificatif de domicile",
    "AVIS_IMPOSITION": "Avis d'imposition",
    "RIB": "RIB",
    "BULLETINS_SALAIRE": "Bulletins de salaire",
    "ATTESTATION_EMPLOYEUR": "Attestation employeur",
    "ACTE_NAISSANCE": "Acte de naissance",
    "LIVRET_FAMILLE": "Livret de famille",
    "CARTE_VITALE": "Carte Vitale",
    "BAIL_OU_QUITTANCE": "Bail ou quittance de loyer",
    "CERTIFICAT_MEDICAL": "Certificat médical",
    "TITRE_SEJOUR": "Titre de séjour",
    "PERMIS_CONDUIRE": "Permis de conduire",
    "CERTIFICAT_CESSION": "Certificat de cession",
    "CONTROLE_TECHNIQUE": "Contrôle technique",
    "JUGEMENT": "Jugement",
    "AUTRE": "Autre pièce",
}
IDENTIFIER_LABELS = {
    "NUMERO_ALLOCATAIRE": "N° allocataire",
    "NIR": "NIR",
    "NUMERO_FISCAL": "N° fiscal",
    "IDENTIFIANT_FRANCE_TRAVAIL": "Identifiant France Travail",
    "TELEPHONE": "Téléphone",
    "EMAIL": "Courriel",
    "IBAN": "IBAN",
    "IMMATRICULATION": "Immatriculation",
}
WHO_LABELS = {"AGENT": "Agent", "USAGER": "Usager"}
FOLLOW_UP_LINE = "{who} — {action}"
FOLLOW_UP_DUE = " (avant le {due})"
FIELD_NONE = "—"
YES = "oui"
NO = "non"
MARK_ACCEPTED = "✓"
MARK_REJECTED = "✗"
MARK_EDITED = "✎"
MARK_DRAFT = "·"
CONFIDENCE = "{pct:d} %"
TO_VERIFY = "à vérifier"
ASK_AGAIN = "entendu, non retenu : à faire redire (Entrée)"
ASK_AGAIN_TOLD = "{kind} entendu mais non retenu : faites-le redire (n, ou Entrée sur sa ligne)."
ASK_AGAIN_TITLE = "{kind} : saisir le numéro redit par l'usager"
EVIDENCE_NONE = "Saisi par l'agent : pas de passage de la transcription."
EVIDENCE_LINE = "Entendu à {times} : « {quote} »"

DEVICE_TITLE = "Choisir le micro"
DEVICE_HELP = "↑ ↓ puis Entrée : capter avec ce micro   Échap : garder l'actuel"
DEVICE_LOST = "Micro perdu : le texte déjà affiché est enregistré. m : choisir un autre micro."
DEVICE_SWITCHED = "Micro choisi : {device}"

# --- Edit dialog ----------------------------------------------------------------------
EDIT_TITLE = "Modifier : {field}"
ADD_TITLE = "Ajouter : {field}"
EDIT_HELP = "Entrée : enregistrer   Échap : annuler"
EDIT_HINTS = {
    "organizations": "Organisme : CAF, CPAM, DGFIP, France Travail, préfecture, mairie, …",
    "reason": "Motif : logement, minima sociaux, famille, santé, impôts, emploi, titres, …",
    "summary": "Une à trois phrases pour un collègue.",
    "documents_requested": "Pièce : RIB, avis d'imposition, justificatif de domicile, bail, …",
    "identifiers": (
        "Type et valeur : « allocataire 4821937 », « NIR 1 85 05 78 006 084 91 », « tél 06… »"
    ),
    "amounts_eur": "Montant en euros : 540 ou 12,50",
    "dates": "Date : AAAA-MM-JJ ou JJ/MM/AAAA",
    "follow_ups": (
        "Qui : action [: échéance AAAA-MM-JJ], ex. « USAGER : envoyer l'avis : 2026-12-15 »"
    ),
    "complex_situation": "oui ou non",
    "referral": "Code d'organisme, ou vide pour aucune orientation",
}
EDIT_INVALID = "Valeur refusée : {error}"
CONFIRM_FIX = "Corrigez l'élément signalé (e), puis confirmez de nouveau (c)."

# --- Number dictation (« Dictée d'un numéro ») --------------------------------------------
NUMBER_TITLE = "Dictée d'un numéro"
NUMBER_KINDS = "Type de numéro"
NUMBER_LISTEN = (
    "Faites dicter le numéro : chaque phrase entendue est relue en chiffres ici. "
    "L'usager peut le dire groupe par groupe."
)
NUMBER_HELP = (
    "↑ ↓ : type de numéro   Entrée : ajouter à la fiche   "
    "⌫ : effacer le dernier groupe   Échap : annuler"
)
NUMBER_EMPTY = "—"
NUMBER_WAITING = "en attente : faites dicter le numéro"
NUMBER_VALID = "valide"
NUMBER_INCOMPLETE = "incomplet : {have} {unit} sur {need}"
NUMBER_TOO_LONG = "trop long : {have} {unit} sur {need}"
NUMBER_UNIT_DIGITS = "chiffres"
NUMBER_UNIT_CHARS = "caractères"
NUMBER_BAD_KEY = "clé invalide"
NUMBER_BAD_FORM = "format invalide"
NUMBER_TO_VERIFY = "à vérifier"
NUMBER_STATUS_LINE = "{kind} : {status}"
NUMBER_HEARD = "Entendu : « {text} »"
NUMBER_NOTHING_HEARD = "Aucun chiffre entendu dans « {text} » : faites redire le numéro."
NUMBER_READING = "Lecture de la phrase entendue… ({n} en attente)"
NUMBER_BUSY = "Trop de phrases en attente de lecture : la dernière n'est pas relue."
NUMBER_DROPPED = "Dernier groupe effacé : faites-le redire."
NUMBER_CANNOT_ADD = "Impossible d'ajouter ce numéro : {status}."
NUMBER_ADDED = "{kind} ajouté à la fiche."
NUMBER_NOT_LISTENING = (
    "La dictée d'un numéro se fait pendant l'écoute : lancez ou reprenez l'écoute (p) d'abord."
)
NUMBER_NO_MODEL = (
    "La dictée d'un numéro a besoin du modèle Whisper : attendez qu'il soit chargé."
)
NUMBER_NO_AUDIO = "L'audio de la phrase « {text} » n'est plus disponible."
NUMBER_NO_AUDIO_HINT = "Faites redire le numéro."
NUMBER_REVEAL = "{kind} (dictée d'un numéro)"

# --- Help screen ------------------------------------------------------------------------
HELP_TITLE = "Aide : raccourcis clavier"
HELP_CLOSE = "Échap ou ? pour fermer"
HELP_SECTIONS = (
    ("Accueil", (
        ("n", "nouveau rendez-vous : ouvre la session et lance l'écoute"),
        ("Entrée", "reprendre une session récente (relecture, confirmation)"),
        ("Entrée", "fiches du jour : rouvrir une fiche confirmée aujourd'hui"),
        ("y / x", "fiches du jour : copier à nouveau / exporter en fichier texte"),
        ("m", "choisir le micro (le niveau s'affiche en direct)"),
    )),
    ("Pendant le rendez-vous", (
        ("p", "mettre l'écoute en pause / la reprendre"),
        ("t", "terminer l'écoute et passer à la relecture"),
        ("Tab", "passer de la transcription à la fiche"),
        ("f", "revenir à la fin de la transcription (suivi automatique)"),
        ("m", "changer de micro (par exemple après l'avoir débranché)"),
        ("n", "dictée d'un numéro : le numéro dit ensuite est relu en chiffres"),
    )),
    ("Dictée d'un numéro (n)", (
        ("↑ ↓", "choisir le type (celui de la dernière question entendue est proposé)"),
        ("Entrée", "ajouter le numéro à la fiche (seulement s'il est valide)"),
        ("⌫", "effacer le dernier groupe, pour le faire redire seul"),
        ("Échap", "annuler : rien n'est ajouté"),
    )),
    ("Relecture de la fiche", (
        ("↑ ↓", "choisir un élément : son passage est surligné dans la transcription"),
        ("e ou Entrée", "modifier la valeur"),
        ("a / x", "valider / rejeter l'élément"),
        ("+ / Suppr", "ajouter un élément au champ / supprimer l'élément"),
        ("v", "afficher ou masquer le NIR ou l'IBAN choisi (consultation enregistrée)"),
        ("v", "dans la transcription : afficher ou masquer tous les numéros sensibles"),
        ("c", "confirmer la fiche : elle est copiée, le rendez-vous suivant démarre"),
        ("y", "copier la fiche telle qu'elle est (texte, identifiants masqués sauf affichés)"),
        ("Échap", "revenir à l'accueil (la session non confirmée y reste proposée)"),
    )),
    ("Partout", (
        ("?", "cette aide"),
        ("q", "quitter : tout ce qui est à l'écran est déjà enregistré"),
    )),
)

# --- Errors and notifications --------------------------------------------------------------
ERROR_TITLE = "Erreur"
WORKER_FAILED = "Erreur inattendue ({kind}) : {error}"
WORKER_FAILED_HINT = (
    "La session est enregistrée ; relancez l'écoute (p) ou redémarrez l'application."
)
CAPTURE_STOPPED = "Capture arrêtée (voir le message d'erreur) : p pour réessayer, q pour quitter."

# --- « Enregistrer ma voix » (one-microphone speaker labels) ------------------------
VOICE_SPEAK = ("Parlez seul, normalement, pendant 10 secondes (présentez le service à voix "
               "haute, par exemple)…")
VOICE_DONE = "Voix de l'agent enregistrée ({seconds} s de parole). Seule son empreinte est gardée."
VOICE_MODE_HINT = ("Pour distinguer les voix avec un seul micro : réglage speakers.mode = "
                   "\"voice\".")
VOICE_NO_MIC = ("Pas de micro en relecture d'un enregistrement : « assistant voix enregistrer "
                "FICHIER ».")
VOICE_BUSY = "Enregistrement de votre voix en cours…"
