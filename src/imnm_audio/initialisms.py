"""Initialisms of public bodies and health organisations, as people say them.

A reviewed table: the initials patient leaflets cite most (US, UK, international),
each with how its own staff and the public say it. Spelled bodies are said letter
by letter ("N I N D S", never "ninds", which recognisers hear as "nines"); a few
are said as words (NICE, UNICEF). A project's lexicon comes first; a word in
capitals the table does not know is decided by capitals.py, and one the factsheet
defines by its initials ("the National Institute of Neurological Disorders and
Stroke (NINDS)") is spelled (the rule for unknown bodies, `matches_initials`).

To add a body: its initials, "letters" or "word", and where it is from.
"""

from __future__ import annotations

import re

# initials -> (reading, the body)
BODIES: dict[str, tuple[str, str]] = {
    # United States: the Department of Health and Human Services and its agencies.
    "HHS": ("letters", "US Department of Health and Human Services"),
    "NIH": ("letters", "US National Institutes of Health"),
    "NINDS": ("letters", "US National Institute of Neurological Disorders and Stroke"),
    "NIAMS": (
        "letters",
        "US National Institute of Arthritis and Musculoskeletal and Skin Diseases",
    ),
    "NIEHS": ("letters", "US National Institute of Environmental Health Sciences"),
    "NIAID": ("letters", "US National Institute of Allergy and Infectious Diseases"),
    "NIDDK": ("letters", "US National Institute of Diabetes and Digestive and Kidney Diseases"),
    "NHLBI": ("letters", "US National Heart, Lung, and Blood Institute"),
    "NICHD": ("letters", "US National Institute of Child Health and Human Development"),
    "NIMH": ("letters", "US National Institute of Mental Health"),
    "NIA": ("letters", "US National Institute on Aging"),
    "NCI": ("letters", "US National Cancer Institute"),
    "NLM": ("letters", "US National Library of Medicine"),
    "NCATS": ("letters", "US National Center for Advancing Translational Sciences"),
    "GARD": ("word", "US Genetic and Rare Diseases Information Center"),
    "CDC": ("letters", "US Centers for Disease Control and Prevention"),
    "FDA": ("letters", "US Food and Drug Administration"),
    "CMS": ("letters", "US Centers for Medicare & Medicaid Services"),
    "AHRQ": ("letters", "US Agency for Healthcare Research and Quality"),
    "HRSA": ("letters", "US Health Resources and Services Administration"),
    "SAMHSA": ("word", "US Substance Abuse and Mental Health Services Administration"),
    "NORD": ("word", "US National Organization for Rare Disorders"),
    "MDA": ("letters", "US Muscular Dystrophy Association"),
    "AAN": ("letters", "American Academy of Neurology"),
    "ACR": ("letters", "American College of Rheumatology"),
    "USP": ("letters", "United States Pharmacopeia"),
    # United Kingdom.
    "NHS": ("letters", "UK National Health Service"),
    "NICE": ("word", "UK National Institute for Health and Care Excellence"),
    "MHRA": ("letters", "UK Medicines and Healthcare products Regulatory Agency"),
    "UKHSA": ("letters", "UK Health Security Agency"),
    "NIHR": ("letters", "UK National Institute for Health and Care Research"),
    "CQC": ("letters", "UK Care Quality Commission"),
    "PALS": ("word", "UK Patient Advice and Liaison Service"),
    "DVLA": ("letters", "UK Driver and Vehicle Licensing Agency"),
    "BNF": ("letters", "British National Formulary"),
    "GMC": ("letters", "UK General Medical Council"),
    "NMC": ("letters", "UK Nursing and Midwifery Council"),
    "SIGN": ("word", "Scottish Intercollegiate Guidelines Network"),
    # International.
    "WHO": ("letters", "World Health Organization"),
    "UNICEF": ("word", "United Nations Children's Fund"),
    "EMA": ("letters", "European Medicines Agency"),
    "ECDC": ("letters", "European Centre for Disease Prevention and Control"),
    "EULAR": ("word", "European Alliance of Associations for Rheumatology"),
}

_SMALL_WORDS = {
    "of",
    "and",
    "for",
    "on",
    "the",
    "in",
    "to",
    "&",
    "de",
    "del",
    "la",
    "y",
    "e",
    "da",
    "do",
}


def reading(word: str) -> str | None:
    """How the table says these initials, "letters" or "word"; None if it has no entry."""
    entry = BODIES.get(word)
    return entry[0] if entry else None


def matches_initials(acronym: str, before: str) -> bool:
    """Are these capitals the initials of the words just before them ("National
    Institute of Neurological Disorders and Stroke (NINDS)"; "Disease-modifying
    anti-rheumatic drugs (DMARDs)")? Small words ("of", "and") may be skipped."""
    letters = acronym[:-1] if acronym.endswith("s") and acronym[:-1].isupper() else acronym
    words = [w for w in re.findall(r"[^\W\d_][\w'’]*|&", before) if w.lower() not in _SMALL_WORDS]
    if len(letters) < 2 or len(words) < len(letters):
        return False
    initials = "".join(w[0] for w in words[-len(letters) :]).upper()
    return initials == letters.upper()
