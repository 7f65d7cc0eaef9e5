"""The starter lexicon: the medicine and condition names patient leaflets use most,
counted in a corpus of leaflets, each said by the default voice and heard by two
recognisers; a respelling tried for each one heard wrong (issue 40).

    .venv/bin/python benchmarks/starter_lexicon.py count CORPUS_DIR... [--hold-out FILE...]
    .venv/bin/python benchmarks/starter_lexicon.py rank
    .venv/bin/python benchmarks/starter_lexicon.py hear --model WHISPER_BASE_DIR
    .venv/bin/python benchmarks/starter_lexicon.py table

`count` imports every PDF, Word file and web page in the folders (the documents are
other people's: they stay out of the repository) and counts, per word, the documents
and the uses, of the words rare in English (wordfreq, as the words to review) that
end like medicine or condition names (an international nonproprietary name's
stem, "-mab", "-pril", "-statin", or a broader ending, "-ol", "-ine"; a
condition's, "-itis", "-osis", "-aemia", "-ia"). Those candidates (960 from 42
documents, many of them authors' names and journal abbreviations from reference
lists) were read through by a person, who picked the medicine and condition names
(REVIEWED) and set the rest apart (NOT_NAMES); every candidate with its counts is kept in
benchmarks/results/starter_candidates.json, so `rank` picks the names again after a
review without counting again: the most used, up to 300, go to
benchmarks/results/starter_counts.json in order of documents, then uses. `rank` also
prints the most used candidates nobody has read through yet.

MedQuAD's NIH pages (benchmarks/medquad_pages.py) widen the corpus: US government
patient pages on heart, lung and blood conditions, kidney and digestive diseases,
neurological disorders, cancers and infections.

`hear` says each word in a carrier sentence with the default voice (the lexicon's
entry where it has one), hears it with the bundled tiny.en and with Whisper base,
both prompted with the word as the check prompts them (and, stricter, with Whisper
base not told the word), and counts it heard right when the recogniser writes it or
a close spelling of it (check/terms.py `count`). For a word heard wrong by
either, it tries the respellings: the CMU dictionary's (when it has the word) and
those in benchmarks/starter_respellings.yaml (written by hand, as a reviewer
would); a respelling is kept when both recognisers hear the word right with it
and not without. Writes benchmarks/results/starter_lexicon.json and the table in
docs/STARTER_LEXICON.md; the kept respellings are printed as lexicon entries.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
COUNTS = RESULTS / "starter_counts.json"
CANDIDATES_FILE = RESULTS / "starter_candidates.json"  # every candidate counted, for review
HEARD = RESULTS / "starter_lexicon.json"
RESPELLINGS = ROOT / "benchmarks" / "starter_respellings.yaml"
TABLE = ROOT / "docs" / "STARTER_LEXICON.md"
TOP = 300
CANDIDATES = 3000
CARRIER = "Your doctor may talk about {word} with you."

# International nonproprietary name stems (WHO's INN stem book, USAN), as endings.
DRUG_STEMS = (
    "mab", "nib", "pril", "sartan", "olol", "alol", "statin", "azole", "cillin", "mycin",
    "micin", "floxacin", "oxacin", "cycline", "prazole", "tidine", "vir", "dipine", "oxetine",
    "triptyline", "azepam", "azolam", "barbital", "caine", "sone", "olone", "asone", "cort",
    "semide", "thiazide", "parin", "farin", "xaban", "gatran", "triptan", "setron", "profen",
    "fenac", "coxib", "lukast", "terol", "tropium", "afil", "gliptin", "gliflozin", "glutide",
    "formin", "glinide", "glitazone", "dronate", "cept", "kinra", "platin", "taxel", "rubicin",
    "trexate", "peridol", "azine", "penem", "quine", "dazole", "vudine", "sporin", "limus",
    "prine", "purinol", "amide", "mide", "fenacin", "salazine", "lamide", "ridone", "tadine",
    "zepine", "apine", "etine", "pramine", "dronic", "steride", "osin", "lukast", "ciclovir",
    "fungin", "conazole", "bendazole", "quinone", "tretin", "tinib", "ciclib", "parib",
    "imod", "lisib", "rafenib", "degib", "zomib", "mustine", "phylline", "statin", "oprazole",
    "amycin", "icillin", "ofloxacin", "idone", "codone", "morphone", "orphine", "adol",
    "prost", "glitinide", "insulin", "ferrin", "mesine", "tegravir", "capavir", "tenofovir",
    "dopa", "caine", "ipine", "vastatin",
    # Broader endings of medicines (salbutamol, codeine, ranitidine, omeprazole...):
    # noisier, so what they bring is read through (EXCLUDED).
    "ol", "ine", "ide", "ate", "ium", "one", "in", "ase", "an",
)  # fmt: skip
# Broader endings of conditions (malaria, chlamydia, tetanus, dengue, mpox...).
CONDITION_ENDINGS_BROAD = ("ia", "us", "ue", "ox", "ola", "ya", "ka", "es", "is", "ema")
# Condition endings.
CONDITION_ENDINGS = (
    "itis", "osis", "oses", "iasis", "aemia", "emia", "pathy", "algia", "plasia", "trophy",
    "penia", "uria", "rrhoea", "rrhea", "plegia", "paresis", "sclerosis", "phagia", "phasia",
    "oma", "omas", "ectasis", "megaly", "spasm", "thyroidism", "glycaemia", "glycemia",
    "tension", "cardia", "ataxia", "myalgia", "cytosis", "philia", "esthesia", "aesthesia",
)  # fmt: skip
# Medicine and condition names among the candidates, picked by reading the candidate list
# through (the counts rank them; a person decides what is a name).
REVIEWED = {
    "abscesses",
    "acetylcysteine",
    "acidosis",
    "acromegaly",
    "adalimumab",
    "adenocarcinoma",
    "adenoma",
    "adenomas",
    "adenopathy",
    "adenoviruses",
    "adrenoleukodystrophy",
    "agenesis",
    "agnosia",
    "agranulocytosis",
    "alafenamide",
    "albendazole",
    "albuminuria",
    "alfuzosin",
    "amantadine",
    "aminosalicylates",
    "amiodarone",
    "amitriptyline",
    "amoxicillin",
    "amphetamines",
    "amyloidosis",
    "amyotrophy",
    "anaemia",
    "anagrelide",
    "anaphylaxis",
    "anaplasmosis",
    "angioedema",
    "angiomas",
    "angiosarcoma",
    "antihistamines",
    "aphasia",
    "appendicitis",
    "apraxia",
    "arbovirus",
    "arboviruses",
    "aricept",
    "arrhythmia",
    "arteriosclerosis",
    "arteritis",
    "arthralgia",
    "asbestosis",
    "ascites",
    "asplenia",
    "asthenia",
    "astrocytoma",
    "astrocytomas",
    "ataxia",
    "atelectasis",
    "atenolol",
    "atherosclerosis",
    "atresia",
    "atrophy",
    "atropine",
    "avanafil",
    "azathioprine",
    "azithromycin",
    "bacteraemia",
    "bacteremia",
    "bacteriuria",
    "barbiturates",
    "benzimidazoles",
    "benzodiazepines",
    "bevacizumab",
    "bicarbonate",
    "biotin",
    "bisphosphonate",
    "bisphosphonates",
    "bortezomib",
    "bradycardia",
    "bradykinesia",
    "bromocriptine",
    "bronchiectasis",
    "bronchitis",
    "bronchospasm",
    "budesonide",
    "bursitis",
    "cabotegravir",
    "calcitonin",
    "calcitriol",
    "capsaicin",
    "carbamazepine",
    "carbidopa",
    "cardiomyopathy",
    "caries",
    "cefalexin",
    "ceftriaxone",
    "cellulitis",
    "cephalexin",
    "cephalosporin",
    "cetuximab",
    "chickenpox",
    "chikungunya",
    "chlamydia",
    "chloramphenicol",
    "chlorhexidine",
    "cholangiocarcinoma",
    "cholangitis",
    "cholestyramine",
    "choreoathetosis",
    "choriocarcinoma",
    "choriocarcinomas",
    "cialis",
    "cimetidine",
    "ciprofloxacin",
    "cirrhosis",
    "claustrophobia",
    "clindamycin",
    "clonazepam",
    "cloxacillin",
    "coagulopathy",
    "codeine",
    "colitis",
    "conjunctivitis",
    "cortisone",
    "coumadin",
    "craniopharyngioma",
    "craniopharyngiomas",
    "crizotinib",
    "cryptococcosis",
    "cyanosis",
    "cyclophosphamide",
    "cyclosporine",
    "cysticercosis",
    "cystitis",
    "cytomegalovirus",
    "dabigatran",
    "dabrafenib",
    "dapivirine",
    "darifenacin",
    "dasatinib",
    "delirium",
    "dengue",
    "dermatitis",
    "dermatomyositis",
    "desmopressin",
    "detrol",
    "dexamethasone",
    "dexlansoprazole",
    "dextran",
    "diamorphine",
    "diazepam",
    "digitalis",
    "digoxin",
    "dihydrocodeine",
    "diphenoxylate",
    "diphtheria",
    "dipyrone",
    "ditropan",
    "diverticulitis",
    "diverticulosis",
    "doxazosin",
    "doxycycline",
    "duloxetine",
    "dutasteride",
    "dysarthria",
    "dysgeusia",
    "dysgraphia",
    "dyskinesia",
    "dyspepsia",
    "dysphagia",
    "dysplasia",
    "dystonia",
    "dystrophy",
    "ecchymoses",
    "echinococcosis",
    "eclampsia",
    "edema",
    "ehrlichioses",
    "ehrlichiosis",
    "emphysema",
    "emtricitabine",
    "encephalitis",
    "encephalopathies",
    "encephalopathy",
    "endocarditis",
    "endometriosis",
    "enterocolitis",
    "ependymoma",
    "ephedrine",
    "epididymitis",
    "epiglottitis",
    "epinephrine",
    "epistaxis",
    "erythema",
    "erythromycin",
    "erythropoietin",
    "esomeprazole",
    "esophagitis",
    "estradiol",
    "ethinylestradiol",
    "everolimus",
    "famotidine",
    "fasciitis",
    "fibromyalgia",
    "filariasis",
    "finasteride",
    "flecainide",
    "flucloxacillin",
    "fluconazole",
    "fludrocortisone",
    "fluoroquinolones",
    "fluoxetine",
    "folate",
    "fungaemia",
    "gabapentin",
    "galantamine",
    "gallstones",
    "gastrinomas",
    "gastritis",
    "gastroenteritis",
    "gastroparesis",
    "gelafusine",
    "gepotidacin",
    "germinomas",
    "gingivitis",
    "glioma",
    "gliomas",
    "glomerulonephritis",
    "glomerulosclerosis",
    "gonorrhea",
    "gonorrhoea",
    "granuloma",
    "granulomas",
    "haematuria",
    "haemoglobinopathies",
    "haemolysis",
    "haemophilia",
    "haemoptysis",
    "haloperidol",
    "hemangioendothelioma",
    "hemangioendotheliomas",
    "hemangioma",
    "hemangiomas",
    "hematemesis",
    "hematuria",
    "hemiplegia",
    "hemochromatosis",
    "hemoglobinopathies",
    "hemophilia",
    "heparin",
    "hepatomegaly",
    "histiocytoma",
    "histiocytosis",
    "histoplasmosis",
    "hydatidosis",
    "hydralazine",
    "hydrocephalus",
    "hydrocortisone",
    "hydroxycarbamide",
    "hydroxychloroquine",
    "hyoscyamine",
    "hypercalcemia",
    "hyperglycaemia",
    "hyperglycemia",
    "hyperlactatemia",
    "hyperlipidemia",
    "hyperparathyroidism",
    "hyperplasia",
    "hyperthermia",
    "hyperthyroidism",
    "hypertonia",
    "hypoalbuminemia",
    "hypoglycemia",
    "hypoplasia",
    "hypotension",
    "hypothermia",
    "hypothyroidism",
    "hypotonia",
    "hypovolaemia",
    "hypovolemia",
    "hypoxemia",
    "hypoxia",
    "hytrin",
    "ibuprofen",
    "ileus",
    "imatinib",
    "imipramine",
    "immunoglobulin",
    "imodium",
    "indomethacin",
    "infliximab",
    "ipilimumab",
    "ischemia",
    "ivermectin",
    "kaopectate",
    "keratitis",
    "ketamine",
    "lamotrigine",
    "lansoprazole",
    "laxatives",
    "legionellosis",
    "leishmaniasis",
    "lenacapavir",
    "lenalidomide",
    "leptospirosis",
    "leucocytosis",
    "leukocytosis",
    "leukodystrophies",
    "leukodystrophy",
    "leukoencephalopathy",
    "leukopenia",
    "levodopa",
    "lidocaine",
    "loiasis",
    "loperamide",
    "loratadine",
    "lorvotuzumab",
    "lymphadenopathy",
    "lymphedema",
    "lymphocytosis",
    "lymphogranuloma",
    "malignancies",
    "mannitol",
    "mastitis",
    "mebendazole",
    "medroxyprogesterone",
    "medulloblastoma",
    "melatonin",
    "mellitus",
    "memantine",
    "mercaptopurine",
    "mesalamine",
    "mesothelioma",
    "metapneumovirus",
    "metformin",
    "methotrexate",
    "methylphenidate",
    "methylprednisolone",
    "metoclopramide",
    "midodrine",
    "monkeypox",
    "mononucleosis",
    "myalgia",
    "myasthenia",
    "mycophenolate",
    "myelitis",
    "myelofibrosis",
    "myelogenous",
    "myeloma",
    "myocarditis",
    "myoclonus",
    "myopathies",
    "myopathy",
    "myositis",
    "myotonia",
    "necrosis",
    "neoplasia",
    "nephritis",
    "nephropathy",
    "neuralgia",
    "neuroblastoma",
    "neurofibromatosis",
    "neuroma",
    "neuromyotonia",
    "neuropathies",
    "neuropathy",
    "neurosyphilis",
    "neutropenia",
    "nexium",
    "niacin",
    "nilotinib",
    "nitroglycerin",
    "nivolumab",
    "nonseminoma",
    "nonseminomas",
    "norethisterone",
    "norovirus",
    "nystagmus",
    "octreotide",
    "odynophagia",
    "oedema",
    "omeprazole",
    "ondansetron",
    "opiates",
    "opsoclonus",
    "oseltamivir",
    "osteoarthritis",
    "osteomyelitis",
    "osteopenia",
    "osteoporosis",
    "osteosarcoma",
    "otitis",
    "oxybutynin",
    "pancreatitis",
    "pantoprazole",
    "papillomavirus",
    "paracetamol",
    "paraphimosis",
    "paraplegia",
    "parasitaemia",
    "pembrolizumab",
    "pentamidine",
    "pericarditis",
    "periodontitis",
    "peritonitis",
    "permethrin",
    "pertussis",
    "pethidine",
    "pharyngitis",
    "phenobarbital",
    "phenylketonuria",
    "phenytoin",
    "pineoblastoma",
    "pineoblastomas",
    "pneumonitis",
    "poliovirus",
    "polycythemia",
    "polymyositis",
    "polyposis",
    "pomalidomide",
    "porphyria",
    "prediabetes",
    "prednisolone",
    "prednisone",
    "preeclampsia",
    "prehypertension",
    "primidone",
    "procainamide",
    "proctitis",
    "progestin",
    "promethazine",
    "propantheline",
    "propranolol",
    "prostacyclin",
    "prostatitis",
    "proteinuria",
    "pruritus",
    "psoriasis",
    "pyelonephritis",
    "pyomyositis",
    "pyrimethamine",
    "quinidine",
    "quinine",
    "rabeprazole",
    "ramucirumab",
    "ranitidine",
    "reglan",
    "retinoblastoma",
    "retinopathy",
    "rhabdomyosarcoma",
    "rhinitis",
    "rhinorrhea",
    "ribavirin",
    "riboflavin",
    "rifabutin",
    "rifampicin",
    "rifampin",
    "rifapentine",
    "rituximab",
    "rivastigmine",
    "rotavirus",
    "ruxolitinib",
    "salicylates",
    "salmonellosis",
    "sarcoidosis",
    "sarcoma",
    "sarcomas",
    "scabies",
    "scoliosis",
    "sedatives",
    "seminoma",
    "seminomas",
    "septicaemia",
    "sertraline",
    "shigellosis",
    "sildenafil",
    "silodosin",
    "sinusitis",
    "sirolimus",
    "sofosbuvir",
    "solifenacin",
    "sorafenib",
    "sprain",
    "statin",
    "steatohepatitis",
    "stenosis",
    "strabismus",
    "sulfadoxine",
    "sulfasalazine",
    "sumatriptan",
    "syringomyelia",
    "tachycardia",
    "tacrolimus",
    "tadalafil",
    "taeniasis",
    "tamsulosin",
    "telangiectasia",
    "tendinitis",
    "tenofovir",
    "teratoma",
    "teratomas",
    "terazosin",
    "tetanus",
    "tetracycline",
    "tetracyclines",
    "thalassemia",
    "thalidomide",
    "thiamin",
    "thiamine",
    "thrombocythemia",
    "thrombocytopaenia",
    "thrombocytopenia",
    "thrombophilia",
    "thrombosis",
    "thymoma",
    "thyroiditis",
    "ticlopidine",
    "tinnitus",
    "tizanidine",
    "tolterodine",
    "tonsillitis",
    "topiramate",
    "toxoplasmosis",
    "tracheobronchitis",
    "trachoma",
    "tramadol",
    "transaminitis",
    "trichomoniasis",
    "trifluridine",
    "trypanosomiasis",
    "tylenol",
    "urethritis",
    "ursodiol",
    "uveitis",
    "vaginosis",
    "valium",
    "valproate",
    "vardenafil",
    "varices",
    "vasculitis",
    "vemurafenib",
    "viraemia",
    "viremia",
    "warfarin",
    "zanamivir",
    "zoliflodacin",
    "zoonoses",
    "zoonosis",
}
# Rare, and ending like a name, but not a medicine or a condition (read through by hand).
EXCLUDED = {
    "thereof", "whereas", "programme", "programmes", "stakeholders", "stakeholder",
    "decentralized", "prioritize", "prioritization", "operationalize", "rationale",
    "diagnoses", "prognoses", "hypotheses", "analyses", "syntheses", "paracetamol's",
    "tension", "extension", "intension", "amide", "amides", "cortical", "consortium",
    "webinar", "intervention", "interventions",
}  # fmt: skip


# Candidates read through and found not to be medicine or condition names (authors,
# organisms, genes, places, ordinary words ending like one): kept apart from EXCLUDED,
# which the count itself leaves out.
NOT_NAMES = {
    "acanthosis", "adenomatous", "adenovirus", "adrenocorticotropin", "aedes", "aggravate",
    "alanine", "albumin", "aldosterone", "amniocentesis", "anaesthesia", "analgesia",
    "anastomosis", "angiogenesis", "angiotensin", "antitrypsin", "apheresis", "appia",
    "arenaviruses", "areola", "arteriosus", "arteriovenous", "aspartate", "astrocytes",
    "atria", "aureus", "autoantibodies", "autologous", "bacillus", "barium", "beltline",
    "beryllium", "bilirubin", "biogenesis", "biopsies", "bolus", "breastbone", "bromide",
    "bronchioles", "burkholderia", "caesarean", "calluses", "canavan", "canola",
    "capillaries", "carnivorous", "cavernous", "cereulide", "cesarean", "choosemyplate",
    "cilia", "citrate", "clearinghouses", "clinician", "clostridium", "collagenous",
    "collarbone", "comorbidities", "competencies", "conjugate", "contaminate",
    "contractures", "cranberries", "creatinine", "cutaneous", "cystine", "cytokines",
    "deformities", "dehydrogenase", "dentures", "dermis", "diabetesis", "dietitian",
    "dilate", "diseasean", "diseasesdiseases", "diseasesexamines", "distension", "dorsalis",
    "doxcycline", "ductus", "dystrophies", "echinococcus", "eclinicalmedicine",
    "efficacious", "embase", "embolus", "empties", "endometrium", "enema", "epidemiol",
    "epidermis", "erythematosus", "escherichia", "esophagus", "espaol", "exocrine",
    "extremities", "eyeglasses", "faeces", "fallopian", "ferritin", "fibrin", "fibrous",
    "fissures", "fluctuate", "fluorescein", "forebrain", "foreskin", "fungoides",
    "gadolinium", "gallstone", "ganglia", "gangliosidoses", "gastrin", "giardia", "globin",
    "globulin", "glomerulus", "glutamate", "glycohemoglobin", "gonadotropin",
    "granulocytes", "granulomatous", "granulosus", "gravis", "haemoglobin", "haemophilus",
    "hammertoes", "hantavirus", "hemicrania", "hemodialysis", "hemoglobin", "herpetiformis",
    "hipbone", "hipbones", "hippocampus", "histone", "hodgkin", "hydrochloride",
    "hypothalamus", "inequities", "infdis", "inflames", "insecticide", "insecticides",
    "intensities", "intrauterine", "jawbone", "ketones", "lactase", "lactate", "legumes",
    "lipoprotein", "lymphocytes", "maladies", "marfan", "margarine", "margarines",
    "medline", "medlineplus", "melanin", "melanocytes", "meninges", "meningitidis",
    "mesylate", "metastases", "metastasis", "methamphetamine", "microbiol", "midline",
    "misdiagnosis", "modalities", "modulate", "monocytes", "monosodium", "mucous",
    "muscleone", "mycobacteria", "mycobacterium", "mycosis", "myelin", "myelocytes",
    "nationalarchives", "neisseria", "neonates", "neuroendocrine", "nevus", "nhlbis",
    "nodules", "noncancerous", "nonmelanoma", "nonpolyposis", "obstetrician",
    "osteogenesis", "overdiagnosis", "overestimate", "oxalate", "oxidase", "oxman",
    "papules", "parkinsonian", "parvovirus", "percutaneous", "perinatol", "pernicious",
    "peroxisomes", "peyronies", "phosphatase", "phosphorous", "picaridin", "pimples",
    "plasmapheresis", "plexus", "pneumocystis", "polymerase", "polysaccharide",
    "precancerous", "precipitate", "preservatives", "prolactin", "prophylaxis",
    "prosthesis", "protease", "proteasomes", "prothrombin", "prunes", "radioiodine",
    "radionuclide", "raspberries", "reductase", "retinitis", "sarcoptes", "sardines",
    "selenium", "sensitivities", "somatostatin", "sorbitol", "spasm", "squamous",
    "stabilis", "staphylococcus", "stoma", "streptococcus", "subcutaneous", "subsalicylate",
    "subsides", "subtypes", "sulfapyridine", "tailbone", "tangerines", "tartrate",
    "thalamus", "thoracentesis", "thrombin", "thrombus", "thymus", "thyroxine",
    "transcriptionpolymerase", "transferrin", "triglyceride", "triglycerides",
    "triiodothyronine", "tuberous", "tubules", "tyrosine", "urinalysis", "urinate",
    "urinates", "vaccinate", "venous", "ventricles", "vesicles", "villus", "vitreous",
    "waistline", "xylitol",
}  # fmt: skip


def is_name(word: str) -> bool:
    w = word.lower()
    return w not in EXCLUDED and w.endswith(
        DRUG_STEMS + CONDITION_ENDINGS + CONDITION_ENDINGS_BROAD
    )


def count(corpus: list[Path], held_out: set[str]) -> dict[str, object]:
    from imnm_audio.errors import ImnmError
    from imnm_audio.importer import read_document
    from imnm_audio.vocabulary import TOKEN_RE, is_rare

    documents = [
        p
        for folder in corpus
        for p in sorted(folder.glob("*"))
        if p.suffix.lower() in (".pdf", ".docx", ".html") and p.name not in held_out
    ]
    uses: collections.Counter[str] = collections.Counter()
    docs: collections.Counter[str] = collections.Counter()
    spelled: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    read = []
    for path in documents:
        try:
            text = read_document(path).text
        except ImnmError as err:
            print(f"skipped {path.name}: {err}", file=sys.stderr)
            continue
        read.append(path.name)
        seen = set()
        for match in TOKEN_RE.finditer(text):
            token = re.sub(r"['’]s$", "", match.group(0))
            if "-" in token or not token.isalpha() or len(token) < 5 or token.isupper():
                continue
            key = token.lower()
            if not is_name(key) or not is_rare(key):
                continue
            uses[key] += 1
            spelled[key][token] += 1
            seen.add(key)
        docs.update(seen)
    candidates = sorted(uses, key=lambda w: (-docs[w], -uses[w], w))[:CANDIDATES]
    return {
        "documents": read,
        "held_out": sorted(held_out),
        "candidates": [
            {"word": spelled[w].most_common(1)[0][0], "documents": docs[w], "uses": uses[w]}
            for w in candidates
        ],
    }


def rank(counted: dict[str, object]) -> dict[str, object]:
    """The reviewed names among the counted candidates, most used first, up to TOP."""
    candidates: list[dict[str, object]] = counted["candidates"]  # type: ignore[assignment]
    words = [c for c in candidates if str(c["word"]).lower() in REVIEWED][:TOP]
    return {
        "documents": counted["documents"],
        "held_out": counted["held_out"],
        "candidates": len(candidates),
        "words": words,
    }


def unreviewed(counted: dict[str, object], limit: int) -> list[str]:
    """The most used candidates nobody has read through yet (not a name, not excluded)."""
    candidates: list[dict[str, object]] = counted["candidates"]  # type: ignore[assignment]
    seen = REVIEWED | EXCLUDED | NOT_NAMES
    return [str(c["word"]) for c in candidates if str(c["word"]).lower() not in seen][:limit]


def hear(model: Path) -> dict[str, object]:
    from imnm_audio.cache import encode_wav
    from imnm_audio.capitals import pronunciation
    from imnm_audio.check.terms import count as heard_count
    from imnm_audio.content import Lexicon, Term, load_project
    from imnm_audio.engines import get_engine
    from imnm_audio.ffmpeg import decode_pcm
    from imnm_audio.listen import RATE, normalise, transcribe
    from imnm_audio.narrate.rules import Context, speak
    from imnm_audio.pronounce import render
    from imnm_audio.respell import from_arpabet

    project = load_project(ROOT / "content")
    voice_settings = project.podcast.voice
    engine = get_engine(voice_settings.engine)
    voice = engine.voice(voice_settings.voice)
    words = json.loads(COUNTS.read_text())["words"]
    hand = yaml.safe_load(RESPELLINGS.read_text()) if RESPELLINGS.is_file() else {}
    hand = hand or {}

    def heard(word: str, lexicon: Lexicon) -> dict[str, object]:
        text = CARRIER.format(word=word)
        given = render(speak(text, Context(lexicon, "en-US")), lexicon, engine.name)
        samples = decode_pcm(encode_wav(engine.synthesize(given, voice, voice_settings.rate)), RATE)
        out: dict[str, object] = {"given": given}
        hearings = (("tiny", None, [word]), ("base", model, [word]), ("base_unprompted", model, []))
        for name, folder, prompt in hearings:
            words_heard = " ".join(w.text for w in transcribe(samples, prompt, model=folder))
            out[name] = words_heard.strip()
            out[f"{name}_right"] = heard_count(word, normalise(words_heard)) > 0
        return out

    rows = []
    for entry in words:
        word = entry["word"]
        as_is = heard(word, project.lexicon)
        row = {**entry, "in_lexicon": _covered(word, project.lexicon), "as_written": as_is}
        if not (as_is["tiny_right"] and as_is["base_right"]):
            tried = []
            phones = pronunciation(word)
            candidates = ([("CMU dictionary", from_arpabet(phones))] if phones else []) + (
                [("by hand", hand[word.lower()])] if word.lower() in hand else []
            )
            for source, say in candidates:
                lexicon = Lexicon(
                    project.lexicon.path, (Term(word.lower(), say), *project.lexicon.terms)
                )
                result = heard(word, lexicon)
                tried.append({"source": source, "say": say, **result})
            row["tried"] = tried
            kept = [t for t in tried if t["tiny_right"] and t["base_right"]]
            row["kept"] = kept[0]["say"] if kept else None
        rows.append(row)
        print(json.dumps({k: row[k] for k in ("word", "documents")}, ensure_ascii=False),
              as_is["tiny_right"], as_is["base_right"], row.get("kept"), flush=True)  # fmt: skip
    right_both = sum(
        1 for r in rows if r["as_written"]["tiny_right"] and r["as_written"]["base_right"]
    )
    fixed = [r for r in rows if r.get("kept")]
    totals = {
        "words": len(rows),
        "heard_right_by_both_as_written": right_both,
        "heard_right_by_tiny": sum(1 for r in rows if r["as_written"]["tiny_right"]),
        "heard_right_by_base": sum(1 for r in rows if r["as_written"]["base_right"]),
        # Stricter: Whisper base not told the word (a close spelling counts, as in the check).
        "heard_right_by_base_unprompted": sum(
            1 for r in rows if r["as_written"]["base_unprompted_right"]
        ),
        "heard_wrong": len(rows) - right_both,
        "respelled_and_then_heard_right_by_both": len(fixed),
        "engine": f"{engine.name} {voice.id}",
        "model": str(model),
    }
    return {"totals": totals, "rows": rows}


def _covered(word: str, lexicon: object) -> bool:
    from imnm_audio.vocabulary import covering_term

    return covering_term(word, lexicon) is not None  # type: ignore[arg-type]


def table(data: dict[str, object]) -> str:
    totals = data["totals"]  # type: ignore[index]
    lines = [
        "# The starter lexicon: what was tried and heard",
        "",
        "Written by `benchmarks/starter_lexicon.py hear` (`make starter-lexicon`); do not "
        "edit by hand. The medicine and condition names used most in the leaflets "
        "counted (up to 300; `benchmarks/results/starter_counts.json`), each said by the default "
        f"voice ({totals['engine']}) in \"{CARRIER}\" and heard by tiny.en and Whisper "  # type: ignore[index]
        "base. A respelling was tried for each word either heard wrong; one is kept "
        "(and is in `content/lexicon.yaml`) when both then hear the word.",
        "",
        f"- words: {totals['words']}; heard right by both as written: "  # type: ignore[index]
        f"{totals['heard_right_by_both_as_written']} (tiny.en {totals['heard_right_by_tiny']}, "  # type: ignore[index]
        f"Whisper base {totals['heard_right_by_base']}; Whisper base not told the word: "  # type: ignore[index]
        f"{totals['heard_right_by_base_unprompted']})",  # type: ignore[index]
        f"- respelled, then heard right by both: "
        f"{totals['respelled_and_then_heard_right_by_both']}",  # type: ignore[index]
        "",
        "| word | leaflets | uses | tiny.en heard | base heard | base, not told the word "
        "| respelling tried | then tiny.en | then base | kept |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]  # fmt: skip
    for r in data["rows"]:  # type: ignore[index]
        a = r["as_written"]
        tried = r.get("tried") or [{}]
        for i, t in enumerate(tried):
            first = i == 0
            lines.append(
                "| "
                + " | ".join(
                    [
                        r["word"] if first else "",
                        str(r["documents"]) if first else "",
                        str(r["uses"]) if first else "",
                        _mark(a["tiny"], a["tiny_right"]) if first else "",
                        _mark(a["base"], a["base_right"]) if first else "",
                        _mark(a["base_unprompted"], a["base_unprompted_right"]) if first else "",
                        f"{t['say']} ({t['source']})" if t else "",
                        _mark(t["tiny"], t["tiny_right"]) if t else "",
                        _mark(t["base"], t["base_right"]) if t else "",
                        ("yes" if r.get("kept") == t.get("say") else "") if t else "",
                    ]
                )
                + " |"
            )
    return "\n".join(lines) + "\n"


def _mark(heard: str, right: bool) -> str:
    text = heard.replace("|", "/")[:60]
    return f"{'✓' if right else '✗'} {text}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("count", help="count the names in a corpus of leaflets")
    c.add_argument("corpus", type=Path, nargs="+")
    c.add_argument("--hold-out", nargs="*", default=[], help="file names not to count")
    sub.add_parser("rank", help="pick the reviewed names from the last count again")
    sub.add_parser("table", help="write docs/STARTER_LEXICON.md again from the last hearing")
    h = sub.add_parser("hear", help="say each counted word and hear it with two recognisers")
    h.add_argument("--model", type=Path, required=True, help="Whisper base's folder")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.command == "count":
        counted = count(args.corpus, set(args.hold_out))
        CANDIDATES_FILE.write_text(json.dumps(counted, indent=1, ensure_ascii=False) + "\n")
        args.command = "rank"
    if args.command == "rank":
        counted = json.loads(CANDIDATES_FILE.read_text())
        data = rank(counted)
        COUNTS.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
        print(f"{len(data['words'])} words from {len(data['documents'])} documents")  # type: ignore[arg-type]
        waiting = unreviewed(counted, 40)
        if waiting:
            print("most used candidates not yet read through: " + ", ".join(waiting))
        return 0
    if args.command == "table":
        TABLE.write_text(table(json.loads(HEARD.read_text())))
        return 0
    data = hear(args.model)
    HEARD.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    TABLE.write_text(table(data))
    print(json.dumps(data["totals"]))
    for r in data["rows"]:  # type: ignore[index]
        if r.get("kept"):
            print(f"  - term: {r['word'].lower()}\n    say: {r['kept']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
