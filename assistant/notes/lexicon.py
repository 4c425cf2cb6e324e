"""What counter French sounds like, per code (folded text: lower case, no accents).

Each entry is a regular expression over the working text of a sentence (see
``assistant.notes.text.normalise``) with a weight. These are general ways of
saying things at a France services counter, not phrases of any one example.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Generic, TypeVar

from assistant.notes.models import DocumentKind, IdentifierKind, Organization, Reason

C = TypeVar("C")


@dataclass(frozen=True, slots=True)
class Cue(Generic[C]):
    """A way of saying ``code``, with how much it counts."""

    code: C
    pattern: re.Pattern[str]
    weight: float = 1.0


def _cues(code: C, *patterns: str, weight: float = 1.0) -> list[Cue[C]]:
    return [Cue(code, re.compile(p), weight) for p in patterns]


# The lexicon's longer words and phrases, as the cues below spell them: a run of
# words that sounds like one of them (assistant.phonetic, within an edit distance
# that grows with the term and with the recogniser's doubt) is read as it.
SOUND_TERMS: tuple[str, ...] = (
    "prefecture", "sous-prefecture", "urssaf", "carsat", "passeport", "allocataire",
    "employeur", "attestation", "franceconnect", "france travail", "pole emploi",
    "carte vitale", "livret de famille", "fiches de paie", "bulletins de salaire",
    "avis d'imposition", "assurance maladie", "assurance retraite", "caisse de retraite",
    "justificatif de domicile", "complementaire sante", "mutualite sociale agricole",
    "certificat medical", "acte de naissance", "titre de sejour", "permis de conduire",
    "controle technique", "quittance de loyer", "caisse d'allocations familiales",
    "allocations familiales", "prime d'activite", "pension alimentaire", "ameli",
    "finances publiques", "impots.gouv", "pre-demande", "carte grise", "mission locale",
    # the motifs' phrases (REASONS)
    "aide au logement", "allocation logement", "revenu de solidarite", "adulte handicape",
    "declaration trimestrielle", "complement familial", "conge parental", "mode de garde",
    "rentree scolaire", "indemnites journalieres", "medecin traitant", "accident du travail",
    "taxe fonciere", "taxe d'habitation", "prelevement a la source", "credit d'impot",
    "declaration de revenus", "demandeur d'emploi", "releve de carriere",
    "pension de reversion", "certificat d'immatriculation", "timbre fiscal",
    "listes electorales", "cheque energie", "naturalisation", "surendettement",
    "mot de passe", "carte d'identite", "retraite",
    "releve d'identite bancaire", "photo d'identite", "piece d'identite",
    "coordonnees bancaires", "attestation de loyer", "certificat de cession",
    "attestation de salaire", "extrait de naissance", "contrat de location",
)

Og = Organization
ORGANIZATIONS: list[Cue[Organization]] = [
    *_cues(Og.CAF, r"\bcaf\b", r"caisses? d'allocations? familiales?", r"\bcaf\.fr\b",
           r"\baripa\b"),
    *_cues(Og.CAF, r"\ballocataire\b", weight=0.5),
    *_cues(Og.CPAM, r"\bcpam\b", r"\bassurance maladie\b", r"\bla secu\b", r"\bameli\b",
           r"caisse primaire"),
    *_cues(Og.DGFIP, r"\bimpots\b", r"impots\.gouv", r"finances publiques", r"\bsip\b",
           r"tresor public", r"\bdgfip\b", r"\bcentre des impots\b"),
    *_cues(Og.DGFIP, r"declarations? (?:de|des) revenus", r"numero fiscal", r"taxe fonciere",
           r"taxe d'habitation", r"prelevement a la source", weight=0.6),
    *_cues(Og.FRANCE_TRAVAIL, r"france travail", r"pole emploi"),
    *_cues(Og.ASSURANCE_RETRAITE, r"assurance retraite", r"\bcarsat\b", r"\bcnav\b",
           r"caisses? (?:de|nationale d'assurance) (?:retraite|vieillesse)",
           r"lassuranceretraite|info-retraite|info retraite"),
    *_cues(Og.MSA, r"\bmsa\b", r"mutualite sociale agricole"),
    *_cues(Og.ANTS, r"\bants\b", r"agence nationale des titres"),
    *_cues(Og.URSSAF, r"\burssaf\b"),
    *_cues(Og.PREFECTURE, r"\b(?:sous-)?prefecture\b"),
    *_cues(Og.MAIRIE, r"\bmairie\b", r"hotel de ville",
           r"(?<!votre )(?<!son )(?<!mon )(?<!leur )etat civil", r"\bcentre communal\b"),
    *_cues(Og.LA_POSTE, r"la poste\b", r"bureau de poste"),
    *_cues(Og.AUTRE, r"\bmdph\b", r"\bccas\b", r"mission locale",
           r"maison departementale des personnes handicapees", r"centre communal d'action"),
    *_cues(Og.JUSTICE, r"point (?:d'acces au droit|justice)", r"\btribunal\b",
           r"conciliateur", r"\bavocate?s?\b", r"maison de (?:la )?justice", r"\bjuge aux"),
]

R = Reason
REASONS: list[Cue[Reason]] = [
    *_cues(R.LOGEMENT, r"\bapl\b", r"\bals\b", r"\balf\b",
           r"aides? (?:au|personnalisee au) logement",
           r"allocations? (?:de )?logement", weight=3),
    *_cues(R.LOGEMENT, r"\bbailleur\b",
           r"\bproprietaire\b(?! (?:du|de la|de l'|des|d'un|d'une) (?!logement|appartement|appart"
           r"|maison|studio|immeuble|lieux|local|chambre))", r"\bloyers?\b", r"\blogement\b",
           r"\bexpulsion\b", weight=1),
    *_cues(R.LOGEMENT, r"\bdemenag", weight=0.5),
    *_cues(R.MINIMA_SOCIAUX, r"\brsa\b", r"revenu de solidarite", r"prime d'activite", r"\baah\b",
           r"adulte handicape", r"declaration trimestrielle", r"\baspa\b", weight=3),
    *_cues(R.FAMILLE, r"naissance\b", r"allocations familiales", r"\bseparation\b",
           r"\b(?:se |s'|me |m'|te |t'|nous nous |vous vous )(?:\w+ ){0,2}?separ\w*",
           r"\b(?:suis|sommes|etes|est|sont|es|etait|etions) separe(?:e|s|es)?\b"
           r"(?! (?:de|du|des|d'|par)\b)", r"divorc",
           r"pension alimentaire", r"\baripa\b", r"\bpaje\b",
           r"garde (?:alternee|(?:des|de mes|de nos|de ses|de leurs|de l'|du|de la|de son|de sa"
           r"|de ma|de mon) (?:enfants?|fils|filles?|petits?|bebes?|aine|cadet|benjamin))",
           r"complement familial", r"conge parental", r"\benceinte\b", r"grossesse",
           r"mode de garde", r"rentree scolaire", weight=2),
    *_cues(R.FAMILLE, r"\benfants?\b", r"\bbebe\b", weight=0.5),
    *_cues(R.SANTE, r"carte vitale", r"\bremboursements?\b", r"\brembourse(?:e|s|es)?\b",
           r"arret (?:de )?(?:maladie|travail)", r"\ben arret\b",
           r"indemnites? journalieres?", r"complementaire sante",
           r"(?<!confiance )(?<!aide )\bmutuelle\b",
           r"medecin traitant", r"\bcss\b", r"\bmaladie\b", r"invalidite", r"accident du travail",
           r"\bhospitalis", r"\bhopital\b", r"\bsoins\b", weight=2),
    *_cues(R.IMPOTS, r"\bimpots?\b", r"declarations? (?:de|des) revenus", r"numero fiscal",
           r"taxe fonciere", r"taxe d'habitation", r"prelevement a la source",
           r"credit d'impot", r"\bimposable\b", weight=2),
    *_cues(R.EMPLOI, r"\bchomage\b",
           r"\binscri(?:re|ption|t|te)\b.{0,30}(?:france travail|pole emploi)",
           r"(?:france travail|pole emploi).{0,40}\binscri", r"\bactualis",
           r"\bradi(?:e|ee|ation)\b",
           r"demandeur d'emploi", r"allocation d'aide au retour", r"\bare\b", r"\blicenci",
           r"fin de (?:mon )?contrat", r"\bcdd\b", r"\bcherche du travail\b", weight=2),
    *_cues(R.EMPLOI, r"france travail", r"pole emploi", r"\bemploi\b", weight=1),
    *_cues(R.RETRAITE, r"\bretraite\b", r"\bcarsat\b", r"\bcnav\b", r"trimestres(?! scolaires?)",
           r"releve de carriere", r"pension de reversion", weight=2),
    *_cues(R.TITRES, r"\bpasseport\b", r"pre-demande", r"carte grise",
           r"certificat d'immatriculation",
           r"titre de sejour", r"\bempreintes\b", r"timbre fiscal", r"\bants\b",
           r"(?:refaire|renouvel\w*|perdu|vole|demande de) (?:ma |mon |sa |son |une |un |la |le )?"
           r"(?:carte d'identite|permis)", weight=2),
    *_cues(R.TITRES, r"permis de conduire", weight=1),
    # Motifs that fall under no other code.
    *_cues(R.AUTRE, r"listes? electorales?", r"reexpedition",
           r"faire suivre (?:mon|le|son) courrier",
           r"\bprocuration\b", r"cheque energie", r"auto-? ?entrepreneur", r"micro-? ?entreprise",
           r"naturalisation", r"\bsuccession\b", r"\bamende\b", r"\bsurendettement\b", weight=2),
    *_cues(R.NUMERIQUE, r"mot de passe", r"franceconnect", r"\bse connecter\b",
           r"\bme connecter\b", r"\bconnexion\b(?! entre)", r"compte (?:en ligne|ameli|caf|impots)",
           r"creer (?:un|mon|votre) compte",
           r"code (?:de (?:connexion|confirmation|securite)|recu par sms|provisoire)",
           r"adresse (?:mail|e-mail|email) (?:a change|ne marche)", r"\bbloque mon compte\b",
           r"compte (?:est )?bloque", weight=2),
    # An identifier is as often the dossier number asked for (« il me faut votre
    # identifiant ») as the login: alone it does not make the motif.
    *_cues(R.NUMERIQUE, r"\bidentifiants?\b(?! france travail)", weight=0.9),
]

D = DocumentKind
DOCUMENTS: list[Cue[DocumentKind]] = [
    *_cues(D.PIECE_IDENTITE, r"(?:carte|piece|justificatif) d'identite", r"\bcni\b",
           r"\bpasseport\b"),
    *_cues(D.PHOTO_IDENTITE, r"photos? d'identite",
           # a bare "photo" is the ID photo, not a photo of something ("une photo du courrier",
           # "prendre en photo", "la photo de groupe")
           r"(?<!en )(?<!club )\bphotos?\b"
           r"(?! (?:de |du |des |d')(?!identite|vous\b|votre visage|vos enfants|votre enfant))"),
    *_cues(D.JUSTIFICATIF_DOMICILE, r"justificatifs? de (?:domicile|residence|adresse)",
           r"factures? (?:d'electricite|de gaz|d'eau|edf|de telephone|internet)",
           r"attestation d'hebergement"),
    *_cues(D.AVIS_IMPOSITION, r"avis d'(?:imposition|impot|impots)", r"avis de non-? ?imposition",
           r"avis de situation declarative"),
    *_cues(D.RIB, r"\brib\b", r"releve d'identite bancaire", r"coordonnees bancaires"),
    *_cues(D.BULLETINS_SALAIRE, r"bulletins? de (?:salaire|paie|paye)s?",
           r"fiches? de (?:paie|paye)s?", r"fiches? de salaire"),
    *_cues(D.ATTESTATION_EMPLOYEUR,
           r"attestations? (?:d'|de l'|de (?:votre|mon|son|ton|leur) ?)?(?:ancien )?employeur",
           r"attestations? de salaires?", r"attestation (?:pole emploi|france travail)",
           r"attestations? de fin de contrat"),
    *_cues(D.ACTE_NAISSANCE, r"actes? de naissance", r"extraits? de naissance"),
    *_cues(D.LIVRET_FAMILLE, r"livret de famille"),
    *_cues(D.CARTE_VITALE, r"carte vitale"),
    *_cues(D.BAIL_OU_QUITTANCE, r"\bbail\b", r"contrat de location", r"quittances?",
           r"attestation de loyer"),
    *_cues(D.CERTIFICAT_MEDICAL, r"certificats? medica(?:l|ux)"),
    *_cues(D.TITRE_SEJOUR, r"titre de sejour", r"carte de (?:sejour|resident)",
           r"\brecepisse(?! (?:de |du |d'|de l')(?:plainte|depot|declaration|recommande|l'envoi"
           r"|envoi|colis|courrier|lettre|paiement|versement))"),
    *_cues(D.PERMIS_CONDUIRE, r"permis de conduire", r"\bpermis\b"),
    *_cues(D.CERTIFICAT_CESSION, r"certificat de cession", r"\bcerfa de cession"),
    *_cues(D.CONTROLE_TECHNIQUE, r"controle technique"),
    *_cues(D.JUGEMENT, r"\bjugement\b", r"decision du juge", r"convention de divorce",
           r"ordonnance du juge"),
]

# The document is the object of the démarche, not a paper to bring.
DOCUMENT_AS_OBJECT = re.compile(
    r"(?:refaire|renouvel\w*|perdu|vole|demande de|nouveau|nouvelle|faire|obtenir|recevoir"
    r"|fabrication de|commande de|pre-demande de|pour)"
    r" (?:ma |mon |sa |son |une |un |la |le |d'un |d'une |de |du |l')?$"
)
# ... or the subject of what went wrong with it ("ma carte d'identité a expiré").
DOCUMENT_AS_SUBJECT = re.compile(
    r"^ (?:(?:a|est|sont|ont|m'a|m'ont) (?:exp[ie]r\w*|perime|ete (?:vole|perdu|refuse)"
    r"|plus valable|ete vol|casse|abime)"
    r"|(?:se termine|se finit|expire|arrive a (?:echeance|expiration)|prend fin|finit)\b)"
)
# The usager's own account of what they brought ("j'ai amené le livret de famille au
# cas où"): a paper brought is not, by that, one asked for.
DOCUMENT_BROUGHT = re.compile(
    r"\b(?:j'ai|on a|nous avons) (?:aussi |deja |quand meme |meme )?"
    r"(?:amene|apporte|ramene|pris|emmene)\b"
)
# ... or the topic of what the person says ("ma facture de gaz a doublé", "mon RIB est
# dans le dossier"): their own paper, then a verb of which it is the subject.
DOCUMENT_OWNED = re.compile(r"\b(?:ma|mon|mes|sa|son|ses|notre|nos|leur|leurs) $")
DOCUMENT_VERB_AFTER = re.compile(
    r"^ (?:\w+ )?(?:a|ont|est|sont|n'est|ne|n'a|m'a|m'ont|coute|coutent|date|arrive|marche)\b"
)
# Said by the usager, a paper is one they were asked for only with words of a request or
# an obligation ("il faut que j'apporte", "on m'a demandé", "il manque"): otherwise
# it is their own account ("j'ai apporté mon RIB", "voilà mon avis d'imposition").
USAGER_REQUEST = re.compile(
    r"\b(?:faut|fallait|faudra|faudrait|demand\w*|dois|doit|doivent|devr\w*|devez|devons"
    r"|besoin|manqu\w*|exig\w*|reclam\w*|obligatoire|a (?:fournir|envoyer|apporter|ramener"
    r"|renvoyer|transmettre|joindre))\b"
)
# A bare no in answer to a question ("non, rien", "non, non, on n'était pas mariés");
# "pas encore" is a not yet: the paper is to come.
NEGATIVE_ANSWER = re.compile(
    r"^\W*(?!(?:non,? )?pas encore\b)(?:non|pas (?:de|du|d'|du tout)|rien|aucun\w*|jamais"
    r"|(?:je|j'|on|nous) (?:n'(?:en )?(?:ai|a|avons)|ne l'(?:ai|a|avons))"
    r" (?:pas|rien|jamais|aucun))\b"
)
# A reply that the papers just named are not needed ("vous n'en aurez pas besoin").
NOT_NEEDED_REPLY = re.compile(
    r"^\W*(?:(?:non|ah|alors|bon|oui|d'accord|merci|en fait)\W+)*"
    r"(?:vous n'en (?:aurez|avez|auriez) pas besoin|(?:ce n'est |c'est )?pas (?:besoin|la peine"
    r"|necessaire|utile)|inutile|(?:ca|cela) ne sert (?:a )?rien|on n'en a pas besoin)\b"
)
# The paper was lost or stolen ("j'ai perdu mon portefeuille avec ma carte Vitale"):
# the object of the démarche, not a paper to bring, unless asked for after the loss.
DOCUMENT_LOST = re.compile(
    r"\b(?:perdu|perdue|perdus|vole|volee|voles|egare|egaree|cambriol\w*|n'ai plus|n'a plus)\b"
)
# Words of a request by anyone: the usager's words of obligation, and what the agent
# says to bring ("apportez", "il me faut", "envoyez-moi").
DOCUMENT_REQUEST = re.compile(
    USAGER_REQUEST.pattern
    + r"|\b(?:apport\w*|fourni\w*|envoy\w*|joindre|donnez|montrez|merci de)\b"
)
DOCUMENT_NEGATED = re.compile(
    r"(?:pas besoin d(?:e |u |es |')|inutile d(?:e |')|pas la peine d(?:e |')|sans )"
    r"(?:\w+ ){0,3}$"
    r"|n'(?:avez|aurez|est) (?:pas|plus) (?:besoin )?(?:\w+ ){0,3}$"
    r"|\bne (?:\w+ ){1,2}jamais (?:\w+ ){0,3}$"
)

# Identifier cues: what the number in this or a nearby sentence is.
Ik = IdentifierKind
IDENTIFIER_CUES: list[Cue[IdentifierKind]] = [
    *_cues(Ik.NUMERO_ALLOCATAIRE, r"\ballocataire\b", r"\bcaf\b",
           r"numero de dossier caf"),
    *_cues(Ik.NIR, r"securite sociale", r"\bsecu\b", r"\bnir\b", r"numero de carte vitale",
           r"numero d'assure", r"\bcle\b"),
    *_cues(Ik.NUMERO_FISCAL, r"\bfiscal(?:e|es|aux)?\b", r"\bspi\b", r"numero d'impot"),
    *_cues(Ik.IDENTIFIANT_FRANCE_TRAVAIL, r"identifiant", r"france travail", r"pole emploi"),
    *_cues(Ik.TELEPHONE, r"telephone", r"\bportable\b", r"\btel\b", r"\bjoindre\b",
           r"\brappeler\b", r"\bmobile\b", r"\bfixe\b"),
    *_cues(Ik.IBAN, r"\biban\b", r"\bfr ?\d\d\b"),
    *_cues(Ik.IMMATRICULATION, r"immatricul", r"\bplaque\b", r"carte grise"),
]

COMPLEX: list[Cue[bool]] = [
    *_cues(True, r"\bbloque(?:e|es|s)?\b", r"\bsitua?tion(?:s)? complexes?\b",
           r"\bje (?:la |le |vous |les )?(?:signale|signalerai|vais (?:la |le )?signaler)\b",
           r"\bsignal\w* (?:votre|la|sa|cette|ce|son|le) (?:situation|dossier|cas)\b",
           r"\bsignalement\b", r"\b(?:fais|faire|fait) remonter\b",
           r"\bvais (?:le |la |les |l'|vous le |vous la )remonter\b",
           r"\bescalader\b|(?<!l')\bescalade (?:votre|le|la|ce|cette|au|aupres|vers)\b"
           r"|\bune escalade\b",
           r"demande prioritaire",
           r"\bdroits? (?:sont |ont ete |a ete |est )?"
           r"(?:coupes?|suspendus?|interrompus?|supprimes?|stoppes?)",
           r"(?:coupe|suspendu|supprime|arrete) (?:mes|ses|vos)"
           r" (?:droits|allocations|aides|versements|indemnites)",
           r"\bmediat(?:eur|rice)\b",
           r"\b(?:delais?|attente|traitement|instruction|procedure|dossier|ca|c'est|cela)\b"
           r"(?: \S+){0,3}? (?:beaucoup |bien |vraiment )?trop longs?\b",
           r"delais? (?:anorma|excessi|trop (?:longs?|importants?))",
           weight=2),
    *_cues(True, r"\bimpaye", r"\ben retard\b", weight=0.5),
    *_cues(True, r"\breclamation\b",
           r"toujours (?:rien|pas|aucun)", r"personne ne (?:repond|rappelle)",
           r"aucune (?:nouvelle|reponse)", r"sans (?:reponse|nouvelles|rien|pension|ressources?)",
           r"plus rien (?:touche|recu|percu)", r"\bne (?:me )?repondent? (?:pas|plus|jamais)",
           r"depuis \d+ mois (?:sans|rien|que)", r"\bradi(?:e|ee)\b",
           r"rien (?:n'est|n'a ete) (?:paye|verse)", weight=1),
]
COMPLEX_NEGATED = re.compile(
    r"(?:pas|plus|rien de|aucun\w*|n'est pas|ne sont pas) (?:\w+ ){0,2}$"
)

REFERRAL = re.compile(
    r"(?:je vous (?:oriente|envoie|redirige|adresse)|orient(?:er|ation|ee?)|adressez-vous"
    r"|il faut (?:aller|voir|contacter|appeler|prendre rendez-vous)|allez (?:a|au|en|voir)"
    r"|prendre (?:un )?rendez-vous|prenez (?:un )?rendez-vous|rapprochez-vous|contactez"
    r"|rendez-vous (?:a|au|en|avec)|vous rendre (?:a|au|en)|appelez|passer (?:a|au|en)"
    r"|je vous donne (?:leurs|ses|les) coordonnees"
    r"|(?:orient|envo|redirig|adress|renvo|dirig|tourn)\w* (?:\w+ ){0,2}"
    r"vers(?= (?:le |la |l'|les )))"
)

# A body named as a landmark ("j'habite en face de la mairie"): not what the visit is about.
LANDMARK_BEFORE = re.compile(
    r"\b(?:en face (?:de|du)|a cote (?:de|du)|(?<!au)pres (?:de|du)|derriere|devant|vers"
    r"|juste apres|juste avant|a l'angle (?:de|du)) (?:la |le |l')?$"
)

# Words a cue keys on, used in their everyday sense: these spans are read by no
# cue ("permis de construire", "ça m'a permis de", "le mode d'emploi", "j'ai bloqué
# mon après-midi", "je vous signale que...", "prenez place", "reçu par la poste",
# "je vous montre une photo").
EVERYDAY: tuple[re.Pattern[str], ...] = tuple(re.compile(p) for p in (
    r"\bpermis de (?:construire|demolir|amenager|chasse|peche|bateau|port d'arme)\b",
    r"\b(?:a|ont|avait|avaient|aurait|auraient|ait|aura|as|avons|avez) (?:\w+ )?permis\b",
    r"\b(?:date|lieu|pays|ville|nom|annee|jour|mois) de naissance\b",
    r"\bmode d'emploi\b",
    r"\bactualis\w* (?:la page|le site|l'ecran|l'application|l'appli|le navigateur|la fenetre"
    r"|le programme|le logiciel|la liste)\b",
    r"\b(?:page|programme|logiciel|application|appli|site|ecran|liste|carte|plan)"
    r"(?: \w+){0,3} actualis\w*",
    r"\blicenci\w* (?:au|du|dans un|dans le|d'un|a la|de la) (?:club|federation|association"
    r"|equipe)\b",
    r"\bbloque\w* (?:mon|ma|mes|votre|sa|son|une|la|le|l'|ce|cette) ?(?:apres-midi|matinee"
    r"|journee|matin|soiree|date|creneau|semaine|agenda|heure)\b",
    r"\bbloque\w* (?:\w+ )?(?:dans|par|sur|au|a cause|sous) (?:\w+ ){0,2}?(?:bouchons?"
    r"|embouteillages?|circulation|greve|ascenseur|train|bus|metro|neige|ecran|trafic"
    r"|transports?|route|autoroute|porte|bureau|etage)\b",
    r"\b(?:ascenseur|porte|fenetre|route|rue|voiture|ordinateur|telephone|ecran|serrure|tiroir"
    r"|imprimante|velo|cle|clavier|souris)(?: \w+){0,2} bloque\w*",
    r"\bje (?:vous |te )?signale (?:que|qu')",
    r"\bpar la poste\b",
    r"\b(?:montr\w*|regard\w*|voyez) (?:\w+ ){0,2}photos?\b(?! d'identite)",
    # taking a picture ("vous prenez la photo [du RIB] et c'est bon")
    r"\b(?:pren\w*|pris) (?:une |la |des |en )?photos?\b(?! d'identite)",
    r"\bphotos? (?:sur|dans) (?:mon|ma|son|sa|votre|le|la) (?:telephone|portable|ordinateur"
    r"|tablette|appareil)\b",
    r"\bavocats? (?:\w+ ){0,2}(?:trop |bien |pas )?murs?\b",
    r"\b(?:achete\w*|acheter|manger|mange|kilo|barquette|salade|guacamole|epluch\w*)"
    r"(?: \w+){0,4} avocats?\b",
    r"\b(?:ca |cela )?fai(?:t|sait) (?:un|un sacre|un bon) bail\b",
    r"\b(?:rembours\w*) (?:\w+ ){0,3}(?:credit|pret|emprunt|dettes?|billets?|avance|achat"
    r"|commande|voyage|vol|train)\b",
    r"\b(?:sans|erreur de|porter un|portez un|porte un|emettre un|faute de) jugement\b",
    r"(?:\bl'|\b(?:une|les|des|cette|mon|ma|son|sa|votre|grande|petite) )enceintes?\b",
    r"\b(?:aux |a mes |a ses |vos )?bons soins\b",
    r"\b(?:il faut |faut )?(?:prendre|prenez|prends|pris) soin de (?:vous|toi|soi|lui|elle)\b",
    r"\bpasseports? (?:vaccinal|sanitaire|covid|talents?)\b",
    r"\bprenez (?:place|votre temps|le temps|un siege|une chaise)\b",
    r"\bon va (?:regarder|voir|commencer|reprendre|relire)(?: ca| cela| tout ca)?"
    r"(?: ensemble| tout de suite| maintenant| d'abord)?(?=[ ,.!?]|$)",
))


@functools.lru_cache(maxsize=1024)
def cue_text(text: str) -> str:
    """``text`` with the words used in their everyday sense (``EVERYDAY``) blanked
    out, same length (spans stay valid): the text the cues read."""
    for pattern in EVERYDAY:
        text = pattern.sub(lambda m: "~" * len(m.group()), text)
    return text


CORRECTION = re.compile(
    r"\b(?:non,? attendez|attendez,? non|pardon|je me suis trompee?|je me trompe|non,? c'est"
    r"|euh,? non|plutot|je corrige|correction|non non|ah non|enfin non|je reprends)\b"
)
QUESTION_ALTERNATIVE = re.compile(r"\bou\b|,")
NEGATION_BEFORE = re.compile(
    r"(?:pas (?:a |de |du |la |le |par |avec |chez )?(?:la |le |l')?"
    r"|rien a voir avec (?:la |le |l')?|sauf (?:la |le |l')?"
    r"|autre que (?:la |le |l')?)$"
)
# Someone else's story: "ma sœur a eu des problèmes avec la CAF".
THIRD_PARTY = re.compile(
    r"\b(?:ma|mon|sa|son|une|un) (?:soeur|frere|voisine?|amie?|cousine?|collegue|copine?"
    r"|beau-frere|belle-soeur|tante|oncle)\b(?!,? (?:m'a|m'ont) (?:dit|parle|conseille))"
)
# Advice to tell other bodies about a change ("pensez aussi à prévenir la CAF et les
# impôts"): they are not what the visit is about.
SIDE_ADVICE = re.compile(
    r"\b(?:pensez (?:aussi |egalement )?a|n'oubliez pas de|il faudra aussi|vous devrez aussi)"
    r" (?:prevenir|informer|avertir|signaler (?:votre|le|ce) \w+ a|declarer (?:votre|le|ce) \w+ a)"
)
# Reason a body usually stands for (a weak prior, counted with each mention).
ORG_REASON = {
    Organization.CPAM: Reason.SANTE,
    Organization.FRANCE_TRAVAIL: Reason.EMPLOI,
    Organization.DGFIP: Reason.IMPOTS,
    Organization.ASSURANCE_RETRAITE: Reason.RETRAITE,
    Organization.ANTS: Reason.TITRES,
    Organization.PREFECTURE: Reason.TITRES,
}
# The body a motif usually goes to, when no body at all was heard.
REASON_ORG = {
    Reason.RETRAITE: Organization.ASSURANCE_RETRAITE,
    Reason.SANTE: Organization.CPAM,
    Reason.EMPLOI: Organization.FRANCE_TRAVAIL,
    Reason.IMPOTS: Organization.DGFIP,
    Reason.LOGEMENT: Organization.CAF,
    Reason.MINIMA_SOCIAUX: Organization.CAF,
    Reason.FAMILLE: Organization.CAF,
}
ENTITLEMENT = re.compile(
    r"(?:vous (?:n'?)?(?:avez|aurez|auriez) (?:pas |plus )?droit|eligible|ayant droit)"
)
