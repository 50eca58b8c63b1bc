"""The demo's practices: what a newcomer to the community would find, by country, in the language it was written in.

None of this is in the community's public record (the record names Türkiye, Kenya, Cameroon and Armenia
among the presenters, not what they presented): every practice is sample data, and its description ends
with SAMPLE_NOTE in its own language, which the practice page shows. `load_demo` reads this module.
"""

# The one mark of a sample practice: the last paragraph of its description.
SAMPLE_NOTE = {
    "en": "*Sample data for the demo: this practice illustrates the platform and is not an official record.*",
    "fr": "*Données d’exemple pour la démonstration : cette pratique illustre la plateforme et n’est pas un document officiel.*",
    "es": "*Datos de ejemplo para la demostración: esta práctica ilustra la plataforma y no es un registro oficial.*",
}


def mark_as_sample(content):
    """The content with SAMPLE_NOTE closing its description (once)."""
    note = SAMPLE_NOTE[content.get("original_language") or "en"]
    description = content.get("description", "").rstrip()
    if description.endswith(note):
        return content
    return {**content, "description": f"{description}\n\n{note}" if description else note}


def is_marked_as_sample(description):
    return any(description.rstrip().endswith(note) for note in SAMPLE_NOTE.values())


# Language a country's team writes in, when not English.
WRITES_IN = {"CM": "fr", "SN": "fr", "MA": "fr", "CI": "fr", "CO": "es", "MX": "es", "PE": "es", "CL": "es", "CR": "es"}

# A focal point for each country with practices (plausible names; e-mails focal.<iso2>@demo.example).
# Kenya, Colombia and Senegal have their teams in load_demo's TEAMS.
FOCAL_POINTS = {
    "CM": ("Jean-Paul Mbarga", "Directeur de la promotion des PME"),
    "ZA": ("Thandiwe Nkosi", "Chief Director, Small Business Policy"),
    "GH": ("Kwame Asante", "Head of MSME Policy"),
    "MA": ("Salma Benali", "Cheffe du service des TPME"),
    "CI": ("Koffi N’Guessan", "Sous-directeur des PME"),
    "RW": ("Jeanne Uwase", "SME Development Specialist"),
    "MX": ("María Fernanda Ortiz", "Directora de Política para Mipymes"),
    "PE": ("Carlos Quispe", "Especialista en Productividad Mype"),
    "CL": ("Valentina Soto", "Jefa de la División de Empresas de Menor Tamaño"),
    "CR": ("Diego Vargas", "Coordinador de Pyme"),
    "JM": ("Andrea Campbell", "Director, MSME Policy"),
    "TR": ("Elif Yılmaz", "Head of SME Policy Department"),
    "AM": ("Armen Petrosyan", "Head of SME Development Division"),
    "JO": ("Rania Haddad", "SME Policy Adviser"),
    "VN": ("Nguyen Thi Lan", "Deputy Director, Enterprise Development"),
    "PH": ("Maria Santos", "Director, MSME Development Bureau"),
    "EE": ("Kadri Tamm", "Adviser, Entrepreneurship Policy"),
    "PT": ("João Ferreira", "Head of SME Policy Unit"),
    "RO": ("Ioana Popescu", "SME Policy Counsellor"),
    "FJ": ("Litia Naivalu", "Principal Economic Planning Officer, MSMEs"),
    "WS": ("Sione Tuilagi", "Assistant CEO, Private Sector Support"),
}


def focal_point_email(iso2):
    return f"focal.{iso2.lower()}@demo.example"


def indicators(*rows):
    return [{"name": name, "value": value, "year": year} for name, value, year in rows]


# Each practice: `key` (how others name it for adapted_from), `country`, `author` (an e-mail; the country's
# focal point when absent), `stage` (published unless said: draft, submitted, changes_requested, resubmitted,
# rejected, archived), `evidence`, `document` (the title of a generated PDF), `co_owner` (ISO code of a
# country that shares it), `adapted_from` (keys), and `content` as create_practice takes it.
PRACTICES = [
    # --- Africa ---
    {
        "key": "ke-youth-procurement",
        "country": "KE",
        "author": "contributor.ke@demo.example",
        "document": "AGPO programme review 2023",
        "content": {
            "title": "Access to Government Procurement Opportunities for youth, women and persons with disabilities",
            "summary": "Thirty per cent of public procurement is reserved for enterprises owned by young people, women and persons with disabilities.",
            "description": (
                "Public bodies set aside 30 % of their annual procurement budget for firms owned by young people, women and persons "
                "with disabilities, registered once on a national portal.\n\n"
                "Registered firms can bid without a bid bond and present the purchase order to a bank to borrow against it "
                "(**LPO financing**). County governments apply the same rule to their own tenders."
            ),
            "problem": "Small firms owned by young people and women rarely won public tenders: bid bonds and slow payment shut them out.",
            "objectives": "Open public markets to under-represented entrepreneurs and make public buyers pay them on time.",
            "implementation": "A procurement regulation, a registration portal run by the National Treasury, and quarterly reports by every public body.",
            "results": "Public bodies report the share of their procurement awarded to reserved-group firms every quarter.",
            "indicators": indicators(("Firms registered", "96,000", 2023), ("Share of procurement awarded to reserved groups", "14 %", 2023)),
            "challenges": "Late payment by some public bodies; fronting (firms registered in a young person's name but run by others).",
            "transferability": "Needs a procurement law that allows set-asides and a registry public buyers trust.",
            "level": "national",
            "start_year": 2013,
            "themes": ["public-procurement", "women-youth-entrepreneurship"],
            "instruments": ["law-regulation", "digital-platform"],
            "target_groups": ["youth-led", "women-led", "small-enterprises"],
            "responsible_institution": "National Treasury, Public Procurement Regulatory Authority",
        },
    },
    {
        "key": "ke-rw-border",
        "country": "KE",
        "co_owner": "RW",
        "evidence": "monitored",
        "content": {
            "title": "Simplified trade regime for small cross-border traders in East Africa",
            "summary": "Consignments under USD 2,000 of originating goods cross with a one-page certificate and trade desks at the border.",
            "description": (
                "Small traders, most of them women, carry goods across the borders of the East African Community. Under the "
                "simplified trade regime, consignments worth less than USD 2,000 of goods on a common list need only a simplified "
                "certificate of origin, issued at the border.\n\n"
                "Trade information desks at one-stop border posts explain the rules in local languages, and traders' associations "
                "relay complaints about harassment to a joint committee of both countries."
            ),
            "problem": "Small traders paid full duties or crossed informally because the paperwork cost more than their goods were worth.",
            "objectives": "Bring small cross-border trade into the open, lower its cost and make borders safe for women traders.",
            "implementation": "Customs administrations of Kenya and Rwanda with the traders' associations; desks staffed at the main border posts.",
            "results": "More small consignments are declared at the border; traders report fewer informal payments.",
            "indicators": indicators(("Simplified certificates issued", "41,500", 2023), ("Women among users", "68 %", 2023)),
            "challenges": "The common list of goods is short; non-tariff barriers such as sanitary checks remain.",
            "transferability": "Suited to any regional economic community with a customs union and one-stop border posts.",
            "level": "regional",
            "start_year": 2018,
            "themes": ["internationalisation-trade", "formalisation"],
            "instruments": ["law-regulation", "institution-agency"],
            "target_groups": ["informal", "women-led", "exporters"],
            "responsible_institution": "Kenya Revenue Authority; Rwanda Revenue Authority",
        },
    },
    {
        "key": "cm-cga",
        "country": "CM",
        "evidence": "monitored",
        "document": "Rapport d’activité des CGA 2023",
        "content": {
            "title": "Centres de gestion agréés pour les petites entreprises",
            "summary": "Des centres agréés tiennent la comptabilité des petites entreprises et leur ouvrent un abattement fiscal.",
            "description": (
                "Les centres de gestion agréés (CGA) accompagnent les petites entreprises dans la tenue de leur comptabilité, "
                "leurs déclarations fiscales et leur gestion.\n\n"
                "Les adhérents bénéficient d’un **abattement de 50 %** sur l’impôt dû la première année et d’un accès facilité "
                "au crédit, les banques reconnaissant les états financiers certifiés par les centres."
            ),
            "problem": "La plupart des petites entreprises ne tenaient pas de comptes et restaient hors du système fiscal et bancaire.",
            "objectives": "Faire entrer les petites entreprises dans la formalité par le conseil plutôt que par le contrôle.",
            "implementation": "Agrément des centres par le ministère des Finances ; les centres sont gérés par des organisations patronales et des cabinets comptables.",
            "results": "Le nombre d’adhérents augmente chaque année et leurs recettes fiscales aussi.",
            "indicators": indicators(("Entreprises adhérentes", "12 300", 2023), ("Centres agréés", "28", 2023)),
            "challenges": "Couverture faible hors des grandes villes ; coût de l’adhésion pour les très petites entreprises.",
            "transferability": "Applicable dans les pays de l’OHADA dont le droit comptable prévoit un système minimal de trésorerie.",
            "level": "national",
            "start_year": 2012,
            "original_language": "fr",
            "themes": ["formalisation", "business-environment"],
            "instruments": ["tax-incentive", "advisory-training"],
            "target_groups": ["micro-enterprises", "small-enterprises", "informal"],
            "responsible_institution": "Ministère des Finances ; ministère des PME, de l’Économie sociale et de l’Artisanat",
        },
    },
    {
        "key": "cm-apme",
        "country": "CM",
        "content": {
            "title": "Agence de promotion des PME : guichet d’accompagnement",
            "summary": "Un guichet public aide les créateurs à rédiger leur plan d’affaires et à trouver un financement.",
            "description": (
                "L’Agence de promotion des PME reçoit les porteurs de projet dans ses antennes régionales, les aide à rédiger "
                "un plan d’affaires et les met en relation avec les banques et les fonds publics.\n\n"
                "Un **parcours en trois étapes** (diagnostic, plan d’affaires, recherche de financement) est suivi par un conseiller unique."
            ),
            "problem": "Les créateurs d’entreprise ne savaient pas à qui s’adresser pour préparer un dossier de financement.",
            "objectives": "Offrir un accompagnement gratuit et de proximité à chaque créateur d’entreprise.",
            "implementation": "Dix antennes régionales, des conseillers formés à une méthode commune, des conventions avec six banques.",
            "results": "Les dossiers préparés avec l’agence sont plus souvent acceptés par les banques.",
            "indicators": indicators(("Porteurs de projet accompagnés", "4 800", 2023), ("Taux d’acceptation des dossiers", "37 %", 2023)),
            "challenges": "Nombre de conseillers limité ; délais des banques.",
            "transferability": "Transférable à tout pays disposant d’une agence publique de promotion des PME.",
            "level": "national",
            "start_year": 2015,
            "original_language": "fr",
            "themes": ["skills-entrepreneurship", "access-to-finance"],
            "instruments": ["institution-agency", "advisory-training"],
            "target_groups": ["start-ups", "small-enterprises"],
            "responsible_institution": "Agence de promotion des petites et moyennes entreprises (APME)",
        },
    },
    {
        "key": "cm-green",
        "country": "CM",
        "content": {
            "title": "Programme d’efficacité énergétique pour les PME agro-alimentaires",
            "summary": "Audits énergétiques subventionnés et crédits verts pour moderniser les équipements des PME de transformation.",
            "description": (
                "Les PME agro-alimentaires reçoivent un audit énergétique gratuit, puis peuvent financer les équipements "
                "recommandés (séchoirs solaires, fours améliorés) par un crédit vert à taux bonifié.\n\n"
                "Les économies d’énergie mesurées après un an servent de référence pour la contribution déterminée au niveau national."
            ),
            "problem": "Le coût de l’énergie pèse sur la compétitivité des transformateurs, qui utilisent encore du bois et des groupes diesel.",
            "objectives": "Réduire la facture énergétique et les émissions des PME de transformation.",
            "implementation": "Audits réalisés par des bureaux d’études agréés ; ligne de crédit confiée à deux banques commerciales.",
            "results": "Les PME équipées consomment moins d’énergie par tonne transformée.",
            "indicators": indicators(("PME auditées", "310", 2024), ("Économie d’énergie moyenne", "22 %", 2024)),
            "challenges": "Garanties exigées par les banques ; maintenance des équipements solaires.",
            "transferability": "Pertinent pour les pays dont la CDN cible l’industrie légère et l’agro-alimentaire.",
            "level": "national",
            "start_year": 2021,
            "original_language": "fr",
            "themes": ["green-transition", "access-to-finance"],
            "instruments": ["financing-programme", "advisory-training"],
            "target_groups": ["small-enterprises", "medium-enterprises"],
            "responsible_institution": "Ministère des PME, de l’Économie sociale et de l’Artisanat",
        },
    },
    {
        "key": "sn-der",
        "country": "SN",
        "evidence": "monitored",
        "document": "Bilan de la Délégation à l’entrepreneuriat rapide 2023",
        "content": {
            "title": "Financement rapide des femmes et des jeunes entrepreneurs",
            "summary": "Des prêts de petit montant accordés en moins de trente jours, avec un accompagnement obligatoire.",
            "description": (
                "Une délégation publique accorde des prêts de 100 000 à 5 millions de francs CFA aux femmes et aux jeunes, "
                "seuls ou en groupement, par l’intermédiaire d’institutions de microfinance partenaires.\n\n"
                "Les bénéficiaires suivent une **formation de gestion de cinq jours** avant le décaissement ; le remboursement "
                "se fait par paiement mobile."
            ),
            "problem": "Les femmes et les jeunes n’avaient pas de garanties à offrir et attendaient des mois une réponse des banques.",
            "objectives": "Financer vite l’auto-emploi et les petites activités des femmes et des jeunes, dans toutes les régions.",
            "implementation": "Guichets dans chaque département, partenariat avec la microfinance, suivi par paiement mobile.",
            "results": "Des dizaines de milliers de petites activités financées ; le taux de remboursement est suivi chaque trimestre.",
            "indicators": indicators(("Bénéficiaires", "150 000", 2023), ("Taux de remboursement", "78 %", 2023)),
            "challenges": "Maintenir le taux de remboursement ; éviter que le programme ne devienne une aide sociale.",
            "transferability": "Transférable là où la microfinance et le paiement mobile sont répandus.",
            "level": "national",
            "start_year": 2018,
            "original_language": "fr",
            "themes": ["access-to-finance", "women-youth-entrepreneurship"],
            "instruments": ["financing-programme", "advisory-training"],
            "target_groups": ["women-led", "youth-led", "micro-enterprises"],
            "responsible_institution": "Délégation générale à l’entrepreneuriat rapide des femmes et des jeunes",
        },
    },
    {
        "key": "sn-gu",
        "country": "SN",
        "content": {
            "title": "Création d’entreprise en ligne en 24 heures",
            "summary": "Un portail unique permet de créer une société, de l’immatriculer et de l’inscrire aux impôts en une journée.",
            "description": (
                "Le créateur remplit un formulaire en ligne ; le portail transmet le dossier au registre du commerce, aux impôts "
                "et à la sécurité sociale.\n\n"
                "Les statuts types sont générés automatiquement et signés électroniquement ; le capital minimum a été abaissé."
            ),
            "problem": "Créer une société demandait plusieurs semaines et des visites dans cinq administrations.",
            "objectives": "Créer une entreprise en 24 heures, à distance, pour un coût fixe et connu.",
            "implementation": "Guichet unique de l’agence de promotion des investissements, interconnexion des administrations.",
            "results": "Le délai moyen de création est passé de trois semaines à un jour.",
            "indicators": indicators(("Entreprises créées en ligne", "21 000", 2023), ("Délai moyen", "1 jour", 2023)),
            "challenges": "Connexion internet dans les régions ; signature électronique peu connue.",
            "transferability": "Transférable aux pays qui disposent d’un identifiant unique d’entreprise.",
            "level": "national",
            "start_year": 2019,
            "original_language": "fr",
            "themes": ["business-environment", "digital-transformation"],
            "instruments": ["digital-platform"],
            "target_groups": ["start-ups", "micro-enterprises"],
            "responsible_institution": "Agence pour la promotion des investissements et des grands travaux (APIX)",
        },
    },
    {
        "key": "ci-gu",
        "country": "CI",
        "adapted_from": ["sn-gu"],
        "content": {
            "title": "Guichet unique de formalisation des entreprises individuelles",
            "summary": "Les entrepreneurs individuels s’enregistrent en ligne et reçoivent d’un coup leurs numéros fiscal et social.",
            "description": (
                "Inspiré de la création en ligne au Sénégal, le guichet permet aux entrepreneurs individuels de se formaliser "
                "depuis leur téléphone.\n\n"
                "L’entreprise reçoit en une seule démarche son immatriculation, son compte contribuable et son affiliation "
                "sociale, et bénéficie de **trois ans d’impôt synthétique réduit**."
            ),
            "problem": "La majorité des entrepreneurs individuels restaient informels faute de démarches simples.",
            "objectives": "Formaliser les entreprises individuelles sans les décourager par les coûts.",
            "implementation": "Centre de promotion des investissements, direction des impôts et caisse de sécurité sociale, avec les chambres de métiers.",
            "results": "Hausse des immatriculations d’entreprises individuelles depuis l’ouverture du guichet.",
            "indicators": indicators(("Entreprises individuelles formalisées", "18 700", 2024),),
            "challenges": "Convaincre que la formalisation apporte plus qu’elle ne coûte.",
            "transferability": "Pour les pays qui ont déjà un guichet unique pour les sociétés.",
            "level": "national",
            "start_year": 2022,
            "original_language": "fr",
            "themes": ["formalisation", "business-environment"],
            "instruments": ["digital-platform", "tax-incentive"],
            "target_groups": ["informal", "micro-enterprises"],
            "responsible_institution": "Centre de promotion des investissements en Côte d’Ivoire (CEPICI)",
        },
    },
    {
        "key": "ma-auto",
        "country": "MA",
        "evidence": "monitored",
        "content": {
            "title": "Statut de l’auto-entrepreneur",
            "summary": "Un statut simple, un impôt de 0,5 % à 1 % du chiffre d’affaires et une couverture médicale pour les indépendants.",
            "description": (
                "Le statut de l’auto-entrepreneur permet de déclarer une activité en ligne ou auprès d’un bureau de poste, "
                "sans capital ni comptabilité.\n\n"
                "L’impôt est un pourcentage du chiffre d’affaires, payé chaque trimestre ; le statut ouvre droit à l’assurance "
                "maladie obligatoire."
            ),
            "problem": "Les travailleurs indépendants restaient dans l’informel, sans protection sociale ni accès au crédit.",
            "objectives": "Offrir aux indépendants une voie simple vers la formalité et la protection sociale.",
            "implementation": "Loi de 2015, plateforme en ligne, inscription dans les agences de Barid Al-Maghrib.",
            "results": "Plus de 400 000 auto-entrepreneurs inscrits.",
            "indicators": indicators(("Auto-entrepreneurs inscrits", "410 000", 2023), ("Part de femmes", "34 %", 2023)),
            "challenges": "Plafonds de chiffre d’affaires jugés bas ; faible taux de déclaration trimestrielle.",
            "transferability": "Pertinent pour les pays à forte part d’emploi indépendant informel.",
            "level": "national",
            "start_year": 2015,
            "original_language": "fr",
            "themes": ["formalisation", "women-youth-entrepreneurship"],
            "instruments": ["law-regulation", "tax-incentive"],
            "target_groups": ["informal", "micro-enterprises"],
            "responsible_institution": "Maroc PME ; Barid Al-Maghrib",
        },
    },
    {
        "key": "ma-export",
        "country": "MA",
        "content": {
            "title": "Programme d’accompagnement des primo-exportateurs",
            "summary": "Diagnostic, formation et participation subventionnée aux salons pour les PME qui exportent pour la première fois.",
            "description": (
                "Les PME sélectionnées bénéficient d’un diagnostic export, d’un plan d’action et d’un conseiller pendant deux ans.\n\n"
                "L’État prend en charge **jusqu’à 70 %** des frais de prospection (salons, missions, certification)."
            ),
            "problem": "Les exportations reposaient sur un petit nombre de grandes entreprises.",
            "objectives": "Élargir la base exportatrice aux PME.",
            "implementation": "Agence de développement des exportations avec les fédérations sectorielles.",
            "results": "Une partie des PME accompagnées exporte régulièrement après deux ans.",
            "indicators": indicators(("PME accompagnées", "640", 2023), ("PME exportant après deux ans", "41 %", 2023)),
            "challenges": "Mise aux normes des produits ; financement du fonds de roulement.",
            "transferability": "Transférable avec une agence de promotion des exportations active.",
            "level": "national",
            "start_year": 2017,
            "original_language": "fr",
            "themes": ["internationalisation-trade"],
            "instruments": ["advisory-training", "financing-programme"],
            "target_groups": ["exporters", "small-enterprises", "medium-enterprises"],
            "responsible_institution": "Morocco Foodex ; Maroc PME",
        },
    },
    {
        "key": "za-sefa",
        "country": "ZA",
        "content": {
            "title": "Township and rural enterprise finance",
            "summary": "Blended loans and grants for small businesses in townships and rural areas, through local intermediaries.",
            "description": (
                "A development finance agency lends to small businesses in townships and rural areas through retail intermediaries "
                "such as co-operative banks and microlenders.\n\n"
                "Businesses in priority value chains can combine a **loan with a grant** of up to half of the equipment cost."
            ),
            "problem": "Commercial banks had almost no branches or clients in townships and rural areas.",
            "objectives": "Bring affordable finance to businesses outside the main commercial centres.",
            "implementation": "Wholesale lending to intermediaries; direct lending for larger tickets; mentoring by approved providers.",
            "results": "Finance reaches businesses in all nine provinces, most of them owned by women or young people.",
            "indicators": indicators(("Businesses financed", "96,700", 2023), ("Share in townships and rural areas", "72 %", 2023)),
            "challenges": "High default rates in some intermediaries; slow grant approval.",
            "transferability": "Works where there is a network of local lenders to carry public funds.",
            "level": "national",
            "start_year": 2014,
            "themes": ["access-to-finance", "women-youth-entrepreneurship"],
            "instruments": ["financing-programme", "institution-agency"],
            "target_groups": ["micro-enterprises", "rural-smallholders", "women-led"],
            "responsible_institution": "Small Enterprise Development and Finance Agency (SEDFA)",
        },
    },
    {
        "key": "gh-ghanaian-hub",
        "country": "GH",
        "document": "YouStart programme summary",
        "content": {
            "title": "YouStart: start-up finance and coaching for young entrepreneurs",
            "summary": "Young entrepreneurs get training, a coach and a low-interest loan or grant to start or grow a business.",
            "description": (
                "YouStart combines entrepreneurship training in every district with start-up capital: small grants for the "
                "youngest applicants and low-interest loans for businesses with a plan.\n\n"
                "Coaches follow each business for a year after financing."
            ),
            "problem": "Youth unemployment is high and young people cannot borrow without collateral or a track record.",
            "objectives": "Create jobs by financing businesses started by people aged 18 to 40.",
            "implementation": "Ghana Enterprises Agency with partner banks and district business advisory centres.",
            "results": "Thousands of young entrepreneurs trained and financed in the first two years.",
            "indicators": indicators(("Young entrepreneurs financed", "11,200", 2024), ("Jobs reported", "27,000", 2024)),
            "challenges": "Fiscal space; matching loans to seasonal businesses.",
            "transferability": "Suited to countries with district-level business support.",
            "level": "national",
            "start_year": 2023,
            "themes": ["women-youth-entrepreneurship", "access-to-finance", "skills-entrepreneurship"],
            "instruments": ["financing-programme", "advisory-training"],
            "target_groups": ["youth-led", "start-ups"],
            "responsible_institution": "Ghana Enterprises Agency",
        },
    },
    {
        "key": "gh-digital",
        "country": "GH",
        "content": {
            "title": "Mobile money interoperability for small merchants",
            "summary": "Payments between mobile money wallets and bank accounts settle in real time, at low cost, for any merchant.",
            "description": (
                "The central bank required mobile money operators and banks to connect to one interoperability switch.\n\n"
                "Small merchants accept payments from any wallet with a single QR code, and their transaction history can "
                "be used to apply for credit."
            ),
            "problem": "Merchants needed several wallets and phones; transfers between networks were costly or impossible.",
            "objectives": "Make digital payments cheap and universal for micro and small businesses.",
            "implementation": "Central bank directive; national switch operator; a universal QR code standard.",
            "results": "Interoperable transactions grew every year since launch.",
            "indicators": indicators(("Interoperable transactions per month", "38 million", 2023),),
            "challenges": "Transaction levies discouraged use for a time.",
            "transferability": "Requires a central bank mandate and a neutral switch operator.",
            "level": "national",
            "start_year": 2018,
            "themes": ["digital-transformation", "access-to-finance"],
            "instruments": ["law-regulation", "digital-platform"],
            "target_groups": ["micro-enterprises", "small-enterprises"],
            "responsible_institution": "Bank of Ghana; Ghana Interbank Payment and Settlement Systems",
        },
    },
    {
        "key": "rw-kora",
        "country": "RW",
        "content": {
            "title": "Business development advisers in every sector",
            "summary": "A trained adviser in each of the country's 416 sectors helps micro-enterprises with bookkeeping, loans and markets.",
            "description": (
                "Business development advisers are entrepreneurs themselves, trained and accredited, and paid partly by "
                "the public programme and partly by the firms they serve.\n\n"
                "They prepare loan applications for the guarantee fund and connect co-operatives to buyers."
            ),
            "problem": "Advice for micro-enterprises was concentrated in Kigali.",
            "objectives": "Bring business advice within walking distance of every micro-enterprise.",
            "implementation": "Accreditation and training by the development board; matching grants; district supervision.",
            "results": "Advisers active in every sector; loan applications from rural areas increased.",
            "indicators": indicators(("Advisers accredited", "830", 2023), ("Firms advised", "52,000", 2023)),
            "challenges": "Keeping advisers after the subsidy falls.",
            "transferability": "Fits countries with strong local government.",
            "level": "national",
            "start_year": 2016,
            "themes": ["skills-entrepreneurship"],
            "instruments": ["advisory-training"],
            "target_groups": ["micro-enterprises", "rural-smallholders"],
            "responsible_institution": "Rwanda Development Board",
        },
    },
    {
        "key": "rw-ebiz",
        "country": "RW",
        "content": {
            "title": "Online business registration in six hours",
            "summary": "Companies register online, free of charge, and receive their tax number the same day.",
            "description": (
                "Registration is free and online; the registry, tax authority and social security share one record.\n\n"
                "Annual returns are filed on the same portal, so the registry stays current."
            ),
            "problem": "Registering took days and several fees.",
            "objectives": "Make formal registration free and immediate.",
            "implementation": "Office of the Registrar General; integration with the revenue authority.",
            "results": "New registrations doubled in five years.",
            "indicators": indicators(("Companies registered", "24,900", 2023),),
            "challenges": "Digital literacy of first-time entrepreneurs.",
            "transferability": "Highly transferable; costs are mostly in system integration.",
            "level": "national",
            "start_year": 2014,
            "themes": ["business-environment", "digital-transformation"],
            "instruments": ["digital-platform"],
            "target_groups": ["start-ups"],
            "responsible_institution": "Rwanda Development Board, Office of the Registrar General",
        },
    },
    # --- Americas ---
    {
        "key": "co-fng",
        "country": "CO",
        "author": "contributor.co@demo.example",
        "evidence": "independently_evaluated",
        "document": "Evaluación de impacto de las garantías 2022",
        "content": {
            "title": "Garantías del Fondo Nacional de Garantías para mipymes",
            "summary": "El fondo respalda hasta el 80 % de los créditos que los bancos otorgan a las mipymes sin garantías suficientes.",
            "description": (
                "El Fondo Nacional de Garantías respalda los créditos de los intermediarios financieros a las mipymes que no "
                "tienen garantías suficientes.\n\n"
                "Durante la pandemia, el programa **Unidos por Colombia** amplió la cobertura al 90 % para capital de trabajo y nóminas."
            ),
            "problem": "Las mipymes no accedían al crédito formal por falta de garantías reales.",
            "objectives": "Ampliar el crédito formal a las mipymes compartiendo el riesgo con los bancos.",
            "implementation": "Sociedad de economía mixta; comisiones según el riesgo; bancos, cooperativas y fintech como intermediarios.",
            "results": "Una evaluación independiente encontró más crédito y mayor supervivencia de las empresas garantizadas.",
            "indicators": indicators(("Créditos garantizados", "710 000", 2023), ("Mipymes beneficiarias", "590 000", 2023)),
            "challenges": "Reclamaciones elevadas tras la pandemia; sostenibilidad de las comisiones.",
            "transferability": "Transferible con un marco de supervisión de garantías sólido.",
            "level": "national",
            "start_year": 1982,
            "original_language": "es",
            "themes": ["access-to-finance"],
            "instruments": ["guarantee-credit-line"],
            "target_groups": ["micro-enterprises", "small-enterprises", "medium-enterprises"],
            "responsible_institution": "Fondo Nacional de Garantías",
        },
    },
    {
        "key": "co-fabricas",
        "country": "CO",
        "author": "contributor.co@demo.example",
        "content": {
            "title": "Fábricas de Productividad",
            "summary": "Extensionistas certificados trabajan dentro de las empresas para mejorar su productividad con metas medibles.",
            "description": (
                "Las empresas eligen una línea de intervención (productividad laboral, calidad, energía, logística, desarrollo "
                "comercial) y reciben entre 60 y 120 horas de trabajo de un extensionista.\n\n"
                "Cada intervención fija **indicadores de línea de base** y los mide al cierre; el costo se cofinancia."
            ),
            "problem": "La productividad de las mipymes crecía poco y la asistencia técnica era genérica.",
            "objectives": "Aumentar la productividad de las empresas participantes en al menos 8 %.",
            "implementation": "Colombia Productiva con las cámaras de comercio regionales, que seleccionan y cofinancian.",
            "results": "Las empresas intervenidas superaron en promedio la meta de productividad.",
            "indicators": indicators(("Empresas atendidas", "5 900", 2023), ("Aumento medio de productividad", "14 %", 2023)),
            "challenges": "Calidad desigual de los extensionistas; medir la persistencia de las mejoras.",
            "transferability": "Requiere una red de consultores certificables y cofinanciamiento local.",
            "level": "national",
            "start_year": 2017,
            "original_language": "es",
            "themes": ["innovation-technology", "skills-entrepreneurship"],
            "instruments": ["advisory-training"],
            "target_groups": ["small-enterprises", "medium-enterprises"],
            "responsible_institution": "Colombia Productiva",
        },
    },
    {
        "key": "mx-compras",
        "country": "MX",
        "content": {
            "title": "Compras públicas a mipymes con pago en 20 días",
            "summary": "Las dependencias reservan una parte de sus compras a las mipymes y les pagan en un plazo máximo de 20 días.",
            "description": (
                "La ley de adquisiciones obliga a las dependencias federales a adjudicar al menos la mitad del valor de sus "
                "compras a mipymes cuando sea posible.\n\n"
                "Las facturas pueden adelantarse mediante **factoraje electrónico** con la banca de desarrollo."
            ),
            "problem": "Los largos plazos de pago del gobierno descapitalizaban a los proveedores pequeños.",
            "objectives": "Hacer de la compra pública un mercado accesible y confiable para las mipymes.",
            "implementation": "Plataforma federal de compras, reglas de pago y cadenas productivas de la banca de desarrollo.",
            "results": "Las mipymes recibieron una parte creciente de los contratos federales.",
            "indicators": indicators(("Participación de mipymes en contratos", "42 %", 2023),),
            "challenges": "Cumplimiento desigual de los plazos de pago entre dependencias.",
            "transferability": "Transferible con un sistema de facturación electrónica.",
            "level": "national",
            "start_year": 2009,
            "original_language": "es",
            "themes": ["public-procurement", "access-to-finance"],
            "instruments": ["law-regulation", "digital-platform"],
            "target_groups": ["micro-enterprises", "small-enterprises"],
            "responsible_institution": "Secretaría de Economía; Nacional Financiera",
        },
    },
    {
        "key": "mx-mujeres",
        "country": "MX",
        "content": {
            "title": "Red de centros de empresarias en los estados",
            "summary": "Centros estatales ofrecen a mujeres emprendedoras formación, mentoría y acceso a microcrédito.",
            "description": (
                "Cada centro combina un programa de formación de doce semanas, mentoría por empresarias con experiencia y "
                "ventanillas de microfinancieras aliadas.\n\n"
                "Los gobiernos estatales aportan el local; la federación, la metodología y la evaluación."
            ),
            "problem": "Las mujeres emprendedoras accedían menos al crédito y a las redes empresariales.",
            "objectives": "Cerrar la brecha de género en la creación y el crecimiento de empresas.",
            "implementation": "Convenios federación-estados, microfinancieras aliadas, cámaras empresariales.",
            "results": "Las participantes aumentaron sus ventas y su acceso al crédito.",
            "indicators": indicators(("Empresarias formadas", "23 000", 2023), ("Centros abiertos", "19", 2023)),
            "challenges": "Cobertura rural; cuidado infantil durante la formación.",
            "transferability": "Adaptable a países federales o con regiones fuertes.",
            "level": "regional",
            "start_year": 2019,
            "original_language": "es",
            "themes": ["women-youth-entrepreneurship", "skills-entrepreneurship"],
            "instruments": ["advisory-training", "institution-agency"],
            "target_groups": ["women-led", "micro-enterprises"],
            "responsible_institution": "Secretaría de Economía; gobiernos estatales",
        },
    },
    {
        "key": "pe-compras",
        "country": "PE",
        "content": {
            "title": "Compras a MYPErú: el Estado compra a las micro y pequeñas empresas",
            "summary": "Núcleos ejecutores compran uniformes, calzado y mobiliario escolar a micro y pequeñas empresas de todo el país.",
            "description": (
                "El programa organiza compras estatales por lotes pequeños para que las micro y pequeñas empresas puedan "
                "participar, con especificaciones técnicas y asistencia para cumplirlas.\n\n"
                "Los pagos se hacen por avance de producción."
            ),
            "problem": "Las mype no podían competir en licitaciones grandes.",
            "objectives": "Generar demanda estable para las mype y mejorar su calidad.",
            "implementation": "Núcleos ejecutores con Produce y los gremios; asistencia técnica de los centros de innovación.",
            "results": "Miles de mype vendieron al Estado por primera vez.",
            "indicators": indicators(("Mype proveedoras", "7 400", 2023),),
            "challenges": "Dependencia de la demanda pública; control de calidad.",
            "transferability": "Útil donde el Estado compra bienes estandarizados en volumen.",
            "level": "national",
            "start_year": 2009,
            "original_language": "es",
            "themes": ["public-procurement"],
            "instruments": ["financing-programme", "advisory-training"],
            "target_groups": ["micro-enterprises", "small-enterprises"],
            "responsible_institution": "Ministerio de la Producción (Produce)",
        },
    },
    {
        "key": "pe-productividad",
        "country": "PE",
        "adapted_from": ["co-fabricas"],
        "content": {
            "title": "Programa de extensionismo tecnológico para mype",
            "summary": "Extensionistas visitan a las mype para mejorar sus procesos, adaptado de las Fábricas de Productividad de Colombia.",
            "description": (
                "Siguiendo el modelo colombiano, los extensionistas acuerdan con cada empresa un plan de mejora y miden sus "
                "resultados.\n\n"
                "El programa se ejecuta a través de los **Centros de Innovación Productiva y Transferencia Tecnológica (CITE)**."
            ),
            "problem": "Las mype industriales tenían baja productividad y poca asistencia técnica.",
            "objectives": "Elevar la productividad de las mype en cadenas textiles, de madera y agroindustria.",
            "implementation": "Red de CITE; cofinanciamiento por las empresas.",
            "results": "Primeras cohortes con mejoras medidas en tiempos y mermas.",
            "indicators": indicators(("Mype atendidas", "1 150", 2024),),
            "challenges": "Formación de extensionistas en regiones.",
            "transferability": "Muestra cómo adaptar un programa de un país vecino a una red institucional distinta.",
            "level": "national",
            "start_year": 2022,
            "original_language": "es",
            "themes": ["innovation-technology"],
            "instruments": ["advisory-training", "institution-agency"],
            "target_groups": ["micro-enterprises", "small-enterprises"],
            "responsible_institution": "Instituto Tecnológico de la Producción (ITP)",
        },
    },
    {
        "key": "cl-tudominio",
        "country": "CL",
        "content": {
            "title": "Empresa en un Día",
            "summary": "Una plataforma gratuita permite constituir una sociedad y obtener el RUT en un solo día.",
            "description": (
                "Desde 2013, las sociedades pueden constituirse en línea sin notario, con formularios tipo y firma electrónica.\n\n"
                "La plataforma se conecta con el servicio de impuestos para entregar el rol único tributario y el inicio de actividades."
            ),
            "problem": "Crear una empresa costaba semanas y gastos notariales.",
            "objectives": "Reducir a un día y a cero pesos la creación de una empresa.",
            "implementation": "Ley 20.659 y Registro de Empresas y Sociedades del Ministerio de Economía.",
            "results": "La mayoría de las nuevas sociedades se crean hoy en la plataforma.",
            "indicators": indicators(("Sociedades creadas en línea", "165 000", 2023),),
            "challenges": "Modificaciones societarias complejas siguen requiriendo notario.",
            "transferability": "Requiere firma electrónica legalmente reconocida.",
            "level": "national",
            "start_year": 2013,
            "original_language": "es",
            "themes": ["business-environment", "digital-transformation"],
            "instruments": ["law-regulation", "digital-platform"],
            "target_groups": ["start-ups"],
            "responsible_institution": "Ministerio de Economía, Fomento y Turismo",
        },
    },
    {
        "key": "cr-exporta",
        "country": "CR",
        "evidence": "monitored",
        "content": {
            "title": "Descubre: diversificación exportadora de las pymes rurales",
            "summary": "Acompañamiento para que pymes agrícolas lleven productos nuevos a mercados de exportación.",
            "description": (
                "Un equipo interinstitucional identifica productos con potencial, acompaña a las pymes en normas sanitarias "
                "y certificación, y las conecta con compradores.\n\n"
                "Se priorizan productos con **baja huella de carbono**."
            ),
            "problem": "La oferta exportable dependía de pocos productos y de empresas grandes.",
            "objectives": "Diversificar la oferta exportable e incluir a pymes rurales.",
            "implementation": "Ministerio de Comercio Exterior, PROCOMER y Ministerio de Agricultura.",
            "results": "Nuevos productos exportados por pymes rurales.",
            "indicators": indicators(("Pymes acompañadas", "260", 2023), ("Productos nuevos exportados", "18", 2023)),
            "challenges": "Logística desde zonas rurales.",
            "transferability": "Para países con agencia de promoción comercial y servicios fitosanitarios sólidos.",
            "level": "national",
            "start_year": 2019,
            "original_language": "es",
            "themes": ["internationalisation-trade", "green-transition"],
            "instruments": ["advisory-training", "public-private-dialogue"],
            "target_groups": ["exporters", "rural-smallholders"],
            "responsible_institution": "Ministerio de Comercio Exterior (COMEX); PROCOMER",
        },
    },
    {
        "key": "jm-credit",
        "country": "JM",
        "content": {
            "title": "Movable property as collateral for small business loans",
            "summary": "A law and online registry let small firms borrow against equipment, inventory and receivables.",
            "description": (
                "The Security Interests in Personal Property Act created an online registry where lenders record claims on "
                "movable assets.\n\n"
                "Banks and credit unions now accept **equipment, inventory and receivables** as collateral."
            ),
            "problem": "Lenders accepted only land and buildings as collateral, which most small firms do not own.",
            "objectives": "Unlock credit secured by the assets small firms actually have.",
            "implementation": "New law, a public online registry, training for lenders and judges.",
            "results": "Registrations grow each year; most secure loans to small firms.",
            "indicators": indicators(("Security interests registered", "58,000", 2023),),
            "challenges": "Valuing and repossessing movable assets.",
            "transferability": "A standard reform (UNCITRAL model law) adaptable to most legal systems.",
            "level": "national",
            "start_year": 2014,
            "themes": ["access-to-finance", "business-environment"],
            "instruments": ["law-regulation", "digital-platform"],
            "target_groups": ["small-enterprises", "micro-enterprises"],
            "responsible_institution": "Companies Office of Jamaica",
        },
    },
    # --- Asia ---
    {
        "key": "tr-kosgeb",
        "country": "TR",
        "evidence": "monitored",
        "document": "Entrepreneur support programme: results 2023",
        "content": {
            "title": "Entrepreneur support programme: training and start-up grants",
            "summary": "New entrepreneurs who complete an applied training receive grants and interest-free loans to start.",
            "description": (
                "Applied entrepreneurship training, offered with universities and municipalities, is the entry point. Graduates "
                "who register a business can apply for a **start-up grant and an interest-free loan**.\n\n"
                "Women, young people, veterans and persons with disabilities receive a higher grant rate."
            ),
            "problem": "Many new businesses failed in their first years for lack of skills and capital.",
            "objectives": "Start more viable businesses, especially by women and young people.",
            "implementation": "SME development agency with training partners in all 81 provinces.",
            "results": "Supported businesses show higher survival rates than the national average.",
            "indicators": indicators(("Entrepreneurs trained", "95,000", 2023), ("Three-year survival of supported firms", "71 %", 2023)),
            "challenges": "Grant dependency; monitoring after the first year.",
            "transferability": "Requires a national agency with provincial offices.",
            "level": "national",
            "start_year": 2010,
            "themes": ["skills-entrepreneurship", "women-youth-entrepreneurship"],
            "instruments": ["financing-programme", "advisory-training"],
            "target_groups": ["start-ups", "women-led", "youth-led"],
            "responsible_institution": "Small and Medium Enterprises Development Organization (KOSGEB)",
        },
    },
    {
        "key": "tr-green",
        "country": "TR",
        "content": {
            "title": "Green transformation support for exporting SMEs",
            "summary": "Grants for carbon footprint measurement and cleaner production, to keep SMEs in European supply chains.",
            "description": (
                "With the European Union's carbon border adjustment ahead, exporting SMEs receive support to measure their "
                "emissions and invest in efficiency.\n\n"
                "The programme pays for **accredited carbon footprint reports** and co-finances equipment."
            ),
            "problem": "Exporting SMEs risked losing buyers that require emissions data.",
            "objectives": "Help SMEs report emissions and reduce them.",
            "implementation": "SME agency with the ministry of trade and exporters' associations.",
            "results": "First cohorts have published verified footprints.",
            "indicators": indicators(("SMEs with verified footprints", "1,200", 2024),),
            "challenges": "Few accredited verifiers.",
            "transferability": "Relevant to any country exporting to markets with carbon border measures.",
            "level": "national",
            "start_year": 2023,
            "themes": ["green-transition", "internationalisation-trade"],
            "instruments": ["financing-programme", "advisory-training"],
            "target_groups": ["exporters", "medium-enterprises"],
            "responsible_institution": "KOSGEB; Ministry of Trade",
        },
    },
    {
        "key": "tr-digital",
        "country": "TR",
        "content": {
            "title": "SME digital maturity self-assessment and support",
            "summary": "An online self-assessment tells each SME where it stands and opens matching support.",
            "description": (
                "SMEs answer an online questionnaire on their use of digital tools. The result places them on a "
                "**five-level maturity scale** and suggests support: training, consultancy or investment grants.\n\n"
                "Model factories let SMEs try lean and digital production before they invest."
            ),
            "problem": "SMEs did not know which digital investments would pay off.",
            "objectives": "Raise the digital maturity of manufacturing SMEs.",
            "implementation": "Ministry of industry, SME agency and model factories in several provinces.",
            "results": "Thousands of assessments completed; support matched to level.",
            "indicators": indicators(("Self-assessments completed", "18,000", 2023),),
            "challenges": "Turning assessment into investment.",
            "transferability": "The tool is cheap to copy; the support behind it is the cost.",
            "level": "national",
            "start_year": 2020,
            "themes": ["digital-transformation", "innovation-technology"],
            "instruments": ["digital-platform", "advisory-training"],
            "target_groups": ["small-enterprises", "medium-enterprises"],
            "responsible_institution": "Ministry of Industry and Technology",
        },
    },
    {
        "key": "am-sme-dev",
        "country": "AM",
        "document": "SME development strategy: monitoring note",
        "content": {
            "title": "Start-up loan guarantees and business support for regions outside Yerevan",
            "summary": "Guarantees and advisory services concentrated on SMEs in Armenia's regions.",
            "description": (
                "The programme guarantees start-up loans and offers business advice, with higher guarantee cover for businesses "
                "outside the capital.\n\n"
                "Regional offices of the SME development centre deliver the advice."
            ),
            "problem": "Economic activity and lending were concentrated in Yerevan.",
            "objectives": "Support entrepreneurship across all regions.",
            "implementation": "Ministry of Economy with partner banks and regional offices.",
            "results": "Most supported start-ups are in the regions.",
            "indicators": indicators(("Start-ups supported", "2,300", 2023), ("Share outside Yerevan", "63 %", 2023)),
            "challenges": "Small regional markets.",
            "transferability": "Relevant to countries with a dominant capital city.",
            "level": "national",
            "start_year": 2016,
            "themes": ["access-to-finance", "skills-entrepreneurship"],
            "instruments": ["guarantee-credit-line", "advisory-training"],
            "target_groups": ["start-ups", "rural-smallholders"],
            "responsible_institution": "Ministry of Economy",
        },
    },
    {
        "key": "am-eregistry",
        "country": "AM",
        "adapted_from": ["ee-eresidency"],
        "content": {
            "title": "Online company registration and e-signature for entrepreneurs",
            "summary": "Companies register online with a national e-signature, drawing on Estonia's digital registry.",
            "description": (
                "Entrepreneurs use their identity card's e-signature to register, file changes and report online.\n\n"
                "The design drew on **Estonia's company registration portal**, studied during an exchange visit."
            ),
            "problem": "Registration required visits and paper documents.",
            "objectives": "Make registration and reporting fully online.",
            "implementation": "State register agency and the e-governance infrastructure.",
            "results": "Most new companies now register online.",
            "indicators": indicators(("Online share of registrations", "81 %", 2024),),
            "challenges": "E-signature uptake among older entrepreneurs.",
            "transferability": "Shows peer learning between two small digital administrations.",
            "level": "national",
            "start_year": 2021,
            "themes": ["business-environment", "digital-transformation"],
            "instruments": ["digital-platform"],
            "target_groups": ["start-ups", "small-enterprises"],
            "responsible_institution": "State Register of Legal Entities, Ministry of Justice",
        },
    },
    {
        "key": "jo-women",
        "country": "JO",
        "content": {
            "title": "Home-based business licensing",
            "summary": "Women can license businesses run from home, opening access to markets, bank accounts and loans.",
            "description": (
                "A regulation allows home-based businesses in food processing, crafts and services to obtain a licence "
                "from the municipality.\n\n"
                "Licensed businesses can open business bank accounts and sell to shops and online."
            ),
            "problem": "Many women run businesses from home that could not be licensed.",
            "objectives": "Formalise home-based businesses, mostly run by women.",
            "implementation": "Ministry of Local Administration with municipalities and the SME agency.",
            "results": "Licences granted steadily since launch.",
            "indicators": indicators(("Home-based businesses licensed", "6,400", 2023),),
            "challenges": "Social norms; inspections.",
            "transferability": "Easy to adapt by municipal regulation.",
            "level": "national",
            "start_year": 2017,
            "themes": ["formalisation", "women-youth-entrepreneurship"],
            "instruments": ["law-regulation"],
            "target_groups": ["women-led", "informal", "micro-enterprises"],
            "responsible_institution": "Ministry of Local Administration; Jordan Enterprise Development Corporation",
        },
    },
    {
        "key": "vn-sme-law",
        "country": "VN",
        "content": {
            "title": "Law on Support for SMEs: advisory network and credit guarantee funds",
            "summary": "A law sets out support for SMEs, including a network of advisers and provincial credit guarantee funds.",
            "description": (
                "The law defines SMEs and the support they are entitled to: information, advice, training, credit guarantees.\n\n"
                "A national **network of SME advisers** answers questions on law, tax and finance free of charge."
            ),
            "problem": "Support for SMEs was fragmented across ministries.",
            "objectives": "Give SMEs a single legal basis for support.",
            "implementation": "Ministry of Planning and Investment with provinces.",
            "results": "Advisory network active; guarantee funds in several provinces.",
            "indicators": indicators(("Advisers in the network", "1,100", 2023),),
            "challenges": "Funding of provincial guarantee funds.",
            "transferability": "A model for a framework law on SMEs.",
            "level": "national",
            "start_year": 2018,
            "themes": ["business-environment", "access-to-finance"],
            "instruments": ["law-regulation", "guarantee-credit-line"],
            "target_groups": ["small-enterprises", "medium-enterprises"],
            "responsible_institution": "Ministry of Planning and Investment",
        },
    },
    {
        "key": "ph-negosyo",
        "country": "PH",
        "evidence": "monitored",
        "content": {
            "title": "Negosyo Centers: business support in every municipality",
            "summary": "Centres in municipalities offer registration, advice, training and links to finance for micro-enterprises.",
            "description": (
                "The Go Negosyo Act requires a business centre in every province, city and municipality.\n\n"
                "Centres register businesses, offer mentoring (**Kapatid Mentor ME**) and link micro-enterprises to the "
                "government's microfinance programme."
            ),
            "problem": "Micro-enterprises outside cities had no place to get help.",
            "objectives": "Make business support available in every municipality.",
            "implementation": "Department of Trade and Industry with local governments.",
            "results": "More than 1,000 centres open.",
            "indicators": indicators(("Centres operating", "1,200", 2023), ("Clients assisted", "640,000", 2023)),
            "challenges": "Staff turnover in small municipalities.",
            "transferability": "For archipelagos and decentralised states.",
            "level": "national",
            "start_year": 2014,
            "themes": ["skills-entrepreneurship", "formalisation"],
            "instruments": ["institution-agency", "advisory-training"],
            "target_groups": ["micro-enterprises"],
            "responsible_institution": "Department of Trade and Industry",
        },
    },
    # --- Europe ---
    {
        "key": "ee-eresidency",
        "country": "EE",
        "evidence": "monitored",
        "document": "Company registration portal: user statistics",
        "content": {
            "title": "Company registration portal with e-identity",
            "summary": "A company can be founded online in a few hours with a national e-identity card.",
            "description": (
                "Founders sign with their e-identity; the portal checks the name, submits articles and registers the company "
                "with the tax board.\n\n"
                "Annual reports are filed in **machine-readable form** on the same portal."
            ),
            "problem": "Paper registration cost time and notary fees.",
            "objectives": "Make starting and running a company fully digital.",
            "implementation": "Centre of Registers and Information Systems; courts' registration department.",
            "results": "Nearly all companies are founded online.",
            "indicators": indicators(("Companies founded online", "98 %", 2023),),
            "challenges": "Fraud prevention for remote founders.",
            "transferability": "Requires a national digital identity.",
            "level": "national",
            "start_year": 2007,
            "themes": ["digital-transformation", "business-environment"],
            "instruments": ["digital-platform"],
            "target_groups": ["start-ups"],
            "responsible_institution": "Ministry of Justice and Digital Affairs",
        },
    },
    {
        "key": "ee-green",
        "country": "EE",
        "content": {
            "title": "Resource efficiency audits for manufacturers",
            "summary": "Subsidised audits and investment grants for manufacturing SMEs to save materials and energy.",
            "description": (
                "Certified experts audit a firm's use of materials and energy and propose measures.\n\n"
                "Firms that implement the measures can apply for an investment grant."
            ),
            "problem": "SMEs lacked the expertise to find savings.",
            "objectives": "Reduce material and energy use in manufacturing.",
            "implementation": "Enterprise agency with certified auditors.",
            "results": "Audited firms report savings after implementation.",
            "indicators": indicators(("Audits completed", "420", 2023),),
            "challenges": "Auditor capacity.",
            "transferability": "Fits countries with EU structural funds or similar.",
            "level": "national",
            "start_year": 2019,
            "themes": ["green-transition"],
            "instruments": ["advisory-training", "financing-programme"],
            "target_groups": ["small-enterprises", "medium-enterprises"],
            "responsible_institution": "Enterprise and Innovation Foundation",
        },
    },
    {
        "key": "pt-simplex",
        "country": "PT",
        "content": {
            "title": "On-the-spot firm: a company in one visit",
            "summary": "Companies are created at a single counter in under an hour, with a pre-approved name and standard articles.",
            "description": (
                "At the counter, founders choose a pre-approved name and standard articles; the company is registered, "
                "receives its tax number and social security registration.\n\n"
                "Part of a broader **administrative simplification** programme."
            ),
            "problem": "Founding a company took weeks and many offices.",
            "objectives": "Create a company in one visit.",
            "implementation": "Institute of Registries and Notaries.",
            "results": "Average time below one hour.",
            "indicators": indicators(("Companies created on the spot", "32,000", 2023),),
            "challenges": "Ensuring online and counter channels stay consistent.",
            "transferability": "Widely copied in Europe and Latin America.",
            "level": "national",
            "start_year": 2005,
            "themes": ["business-environment"],
            "instruments": ["institution-agency", "law-regulation"],
            "target_groups": ["start-ups"],
            "responsible_institution": "Institute of Registries and Notaries",
        },
    },
    {
        "key": "ro-startup",
        "country": "RO",
        "adapted_from": ["tr-kosgeb"],
        "content": {
            "title": "Start-Up Nation: grants for new small businesses",
            "summary": "Grants of up to EUR 40,000 for new businesses, with a commitment to create jobs.",
            "description": (
                "New firms apply online with a business plan; selected ones receive a grant and must create at least one "
                "job and keep it for three years.\n\n"
                "Training before application draws on the **entrepreneur training model** of other countries of the community."
            ),
            "problem": "Low rates of business creation outside the large cities.",
            "objectives": "Support new businesses and jobs across all regions.",
            "implementation": "Ministry of entrepreneurship with accredited banks.",
            "results": "Thousands of new businesses financed.",
            "indicators": indicators(("Businesses financed", "10,000", 2023),),
            "challenges": "Delays in payments to beneficiaries.",
            "transferability": "Simple design; payment discipline is key.",
            "level": "national",
            "start_year": 2017,
            "themes": ["skills-entrepreneurship", "access-to-finance"],
            "instruments": ["financing-programme"],
            "target_groups": ["start-ups", "youth-led"],
            "responsible_institution": "Ministry of Economy, Entrepreneurship and Tourism",
        },
    },
    # --- Oceania ---
    {
        "key": "fj-ws-tourism",
        "country": "FJ",
        "co_owner": "WS",
        "content": {
            "title": "Pacific tourism MSME resilience facility",
            "summary": "Shared training and emergency credit for small tourism businesses hit by cyclones and border closures.",
            "description": (
                "Fiji and Samoa run a joint facility: small tourism businesses receive training in digital marketing and "
                "disaster preparedness, and can draw on **emergency credit lines** after a declared disaster.\n\n"
                "Both countries share curricula and a pool of trainers."
            ),
            "problem": "Small tourism businesses lost all income after cyclones and the pandemic.",
            "objectives": "Make small tourism businesses more resilient to shocks.",
            "implementation": "Ministries of tourism and development banks of both countries.",
            "results": "Faster reopening after the most recent cyclone season.",
            "indicators": indicators(("Businesses trained", "1,050", 2024),),
            "challenges": "Distances between islands.",
            "transferability": "For small island states sharing similar risks.",
            "level": "regional",
            "start_year": 2021,
            "themes": ["green-transition", "access-to-finance"],
            "instruments": ["guarantee-credit-line", "advisory-training"],
            "target_groups": ["micro-enterprises", "small-enterprises"],
            "responsible_institution": "Ministry of Trade, Co-operatives and MSMEs (Fiji); Ministry of Commerce, Industry and Labour (Samoa)",
        },
    },
    {
        "key": "fj-ncsmed",
        "country": "FJ",
        "content": {
            "title": "Young entrepreneurs scheme",
            "summary": "Grants of up to FJD 20,000 for young people with a viable business idea.",
            "description": (
                "Applicants aged 18 to 35 present a business plan to a panel; winners receive a grant and mentoring.\n\n"
                "The scheme runs in all four divisions."
            ),
            "problem": "Young people had no capital to start a business.",
            "objectives": "Support youth self-employment.",
            "implementation": "Ministry of Trade with the national centre for small enterprise development.",
            "results": "Several hundred businesses started.",
            "indicators": indicators(("Grants awarded", "620", 2023),),
            "challenges": "Follow-up on outer islands.",
            "transferability": "Simple to run for small states.",
            "level": "national",
            "start_year": 2019,
            "themes": ["women-youth-entrepreneurship"],
            "instruments": ["financing-programme"],
            "target_groups": ["youth-led", "start-ups"],
            "responsible_institution": "Ministry of Trade, Co-operatives and MSMEs",
        },
    },
    {
        "key": "ws-agri",
        "country": "WS",
        "content": {
            "title": "Agri-business export support for smallholders",
            "summary": "Smallholders get certification and packing support to export organic coconut and cocoa products.",
            "description": (
                "Producer groups receive organic certification paid by the programme and access to a shared packing facility.\n\n"
                "Buyers in New Zealand and Australia sign forward contracts."
            ),
            "problem": "Smallholders sold raw produce locally at low prices.",
            "objectives": "Raise smallholder incomes through exports.",
            "implementation": "Ministry of Agriculture with the chamber of commerce.",
            "results": "More certified producers and export volumes.",
            "indicators": indicators(("Certified producers", "1,900", 2023),),
            "challenges": "Shipping frequency.",
            "transferability": "For island producers of niche crops.",
            "level": "national",
            "start_year": 2016,
            "themes": ["internationalisation-trade", "green-transition"],
            "instruments": ["advisory-training"],
            "target_groups": ["rural-smallholders", "exporters"],
            "responsible_institution": "Ministry of Agriculture and Fisheries",
        },
    },
    # --- At other stages of review ---
    {
        "key": "mx-resubmitted",
        "country": "MX",
        "stage": "resubmitted",
        "changes": "Please say which states take part and give the number of firms served.",
        "answer": "Added the states and the figures for 2024.",
        "content": {
            "title": "Digitalización de pequeños comercios",
            "summary": "Diagnóstico digital y capacitación para tiendas de barrio, con terminales de pago sin comisión el primer año.",
            "description": "Asesores visitan las tiendas de barrio y les ayudan a vender en línea y aceptar pagos digitales.",
            "level": "national",
            "original_language": "es",
            "themes": ["digital-transformation"],
            "instruments": ["advisory-training"],
            "target_groups": ["micro-enterprises"],
        },
        "revised": {"results": "Participan 12 estados; 8 300 tiendas atendidas en 2024."},
    },
    {
        "key": "pe-rejected",
        "country": "PE",
        "stage": "rejected",
        "reason": "This describes a planned event, not a policy practice with results: please submit it once it has run.",
        "content": {
            "title": "Feria nacional de emprendedores 2027",
            "summary": "Una feria para presentar emprendimientos a inversionistas.",
            "description": "La feria se realizará en Lima.",
            "level": "national",
            "original_language": "es",
            "themes": ["skills-entrepreneurship"],
        },
    },
    {
        "key": "za-archived",
        "country": "ZA",
        "stage": "archived",
        "archive_note": "The programme closed in 2022; replaced by the township and rural enterprise finance.",
        "content": {
            "title": "COVID-19 debt relief finance scheme for small businesses",
            "summary": "Soft loans to small businesses to pay salaries and rent during the 2020 lockdown.",
            "description": "A temporary scheme of soft loans, with a six-month payment holiday, for small businesses affected by the lockdown.",
            "level": "national",
            "implementation_status": "completed",
            "start_year": 2020,
            "end_year": 2022,
            "themes": ["access-to-finance"],
            "instruments": ["financing-programme"],
            "target_groups": ["small-enterprises"],
        },
    },
    {
        "key": "gh-draft",
        "country": "GH",
        "stage": "draft",
        "content": {
            "title": "Export trade house in Accra",
            "summary": "A showroom and logistics hub for small exporters.",
            "themes": ["internationalisation-trade"],
        },
    },
    {
        "key": "tr-submitted",
        "country": "TR",
        "stage": "submitted",
        "content": {
            "title": "Cluster support programme",
            "summary": "Grants for joint projects of SME clusters.",
            "description": "Clusters of at least ten SMEs apply for grants for joint marketing, training and R&D.",
            "level": "regional",
            "themes": ["innovation-technology", "internationalisation-trade"],
            "instruments": ["financing-programme"],
            "target_groups": ["small-enterprises", "medium-enterprises"],
        },
    },
]
