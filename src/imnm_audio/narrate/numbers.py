"""Numbers, doses, phone numbers, dates, times and symbols, read the way a listener
needs them.

A misread dose or helpline number is the worst thing this tool can do to a patient,
so these rules write out what an engine would guess at: "2 mg/kg/day" is "2
milligrams per kilogram per day", "0800 123 4567" is read digit by digit in its
groups, "12/03/2025" says its month's name in the factsheet's own order (en-GB day
first, en-US month first). Digits stay digits (every engine says "2" and "10,000"
right); what changes is the units, the grouping and the symbols around them.

Phone numbers are found by `phonenumbers` (Google's libphonenumber, maintained, for
every region's numbering plan) with the factsheet's region; the rest are small
patterns, each tested against a table of leaflet lines (tests/test_numbers.py).
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import shortnumberinfo

from .context import OPEN, Context

_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"

# Units after a number: written forms (case-sensitive) -> (singular, plural).
_UNITS: dict[str, tuple[str, str]] = {
    "mg": ("milligram", "milligrams"),
    "mcg": ("microgram", "micrograms"),
    "µg": ("microgram", "micrograms"),
    "μg": ("microgram", "micrograms"),
    "g": ("gram", "grams"),
    "kg": ("kilogram", "kilograms"),
    "ml": ("millilitre", "millilitres"),
    "mL": ("millilitre", "millilitres"),
    "L": ("litre", "litres"),
    "IU": ("international unit", "international units"),
    "U": ("unit", "units"),
    "units": ("unit", "units"),
    "mmol": ("millimole", "millimoles"),
    "mmHg": ("millimetre of mercury", "millimetres of mercury"),
    "cm": ("centimetre", "centimetres"),
    "mm": ("millimetre", "millimetres"),
    "%": ("percent", "percent"),
    "°C": ("degree Celsius", "degrees Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
}
# What may follow a unit after "/": "per kilogram", "per day".
_PER: dict[str, str] = {
    "kg": "kilogram",
    "day": "day",
    "d": "day",
    "week": "week",
    "wk": "week",
    "L": "litre",
    "l": "litre",
    "dL": "decilitre",
    "ml": "millilitre",
    "mL": "millilitre",
    "h": "hour",
    "hr": "hour",
    "hour": "hour",
    "min": "minute",
    "m2": "square metre",
    "m²": "square metre",
    "dose": "dose",
}
_US_SPELLING = {"litre": "liter", "metre": "meter", "millilitre": "milliliter"}

_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_FRACTIONS = {
    "1/2": "a half",
    "1/3": "a third",
    "2/3": "two thirds",
    "1/4": "a quarter",
    "3/4": "three quarters",
}
_ABBREVIATIONS: list[tuple[str, str]] = [
    (r"\be\.\s?g\.(?=\s|,|$)", "for example"),
    (r"\bi\.\s?e\.(?=\s|,|$)", "that is"),
    (r"\betc\.", "and so on"),
    (r"\bvs\.?(?=\s)", "versus"),
    (r"\bapprox\.", "approximately"),
    (r"\bDr\.(?=\s+[A-Z])", "Doctor"),
    (r"\bSt\.(?=\s+[A-Z])", "Saint"),
    (r"(?<=[a-z] )St\.", "Street"),
    (r"(?<=[a-z,;:] )No\.(?=\s*\d)", "number"),
    (r"\bNo\.(?=\s*\d)", "Number"),
]


def region(language: str) -> str:
    """The region of a language tag ("en-GB" -> "GB"), for phone numbers and dates."""
    parts = language.replace("_", "-").split("-")
    return parts[1].upper() if len(parts) > 1 and len(parts[1]) == 2 else "US"


def _local(word: str, ctx: Context) -> str:
    if region(ctx.language) == "US":
        for british, american in _US_SPELLING.items():
            word = word.replace(british, american)
    return word


# ---------------------------------------------------------------- the rules


def speak_emails(text: str, ctx: Context) -> str:
    """ "info@example.org" -> "info at example dot org": as a listener writes it down."""

    def email(match: re.Match[str]) -> str:
        user, host = match.group(1), match.group(2)
        spoken = f"{user.replace('.', ' dot ')} at {host.lower().replace('.', ' dot ')}"
        return ctx.protect(spoken.replace("-", " dash ").replace("_", " underscore "))

    return re.sub(r"\b([\w.+-]+)@([\w-]+(?:\.[\w-]+)+)\b", email, text)


def speak_phone_numbers(text: str, ctx: Context) -> str:
    """A phone number digit by digit in its groups, with a pause between groups:
    "0800 123 4567" -> "0 8 0 0, 1 2 3, 4 5 6 7". Short numbers after "call", "dial"
    or "ring" ("call 999", "NHS 111") too, where the region has them."""
    where = region(ctx.language)
    out, last = [], 0
    for found in phonenumbers.PhoneNumberMatcher(text, where):
        out.append(text[last : found.start])
        out.append(ctx.protect(_digits_in_groups(found.raw_string, found.number)))
        last = found.end
    text = "".join(out) + text[last:]

    # A number phonenumbers does not take (another country's, or a reserved range):
    # groups of digits, ten or more in all, starting "0" or "+", or in three or more
    # groups, are still read as digits.
    def other(match: re.Match[str]) -> str:
        raw = match.group(0)
        digits = re.sub(r"\D", "", raw)
        groups = len(re.findall(r"\d+", raw))
        phone_like = groups >= 3 or (len(digits) >= 10 and raw[0] in "0+")
        return ctx.protect(_digits_in_groups(raw, None)) if len(digits) >= 9 and phone_like else raw

    text = re.sub(r"(?<![\d\w])\+?\d{1,5}(?:[-. ]\d{2,6}){1,3}(?![\d\w])", other, text)

    def short(match: re.Match[str]) -> str:
        digits = match.group(2)
        if not shortnumberinfo.is_valid_short_number_for_region(
            phonenumbers.parse(digits, where), where
        ):
            return match.group(0)
        return match.group(1) + ctx.protect(" ".join(digits))

    return re.sub(
        r"(\b(?:[Cc]all|[Dd]ial|[Rr]ing|[Tt]ext|NHS|on)\s+)(\d{3,6})\b(?!\d|[.,:/]\d)", short, text
    )


def _digits_in_groups(raw: str, number: phonenumbers.PhoneNumber | None) -> str:
    groups = re.findall(r"\d+", raw)
    if len(groups) == 1 and number is not None:  # no breaks: the national format's groups
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        groups = re.findall(r"\d+", national)
    prefix = "plus " if raw.lstrip().startswith("+") else ""
    return prefix + ", ".join(" ".join(group) for group in groups)


def speak_around_the_clock(text: str, ctx: Context) -> str:
    """ "24/7" -> "24 hours a day, 7 days a week"."""
    return re.sub(r"\b24\s?/\s?7\b", lambda m: ctx.protect("24 hours a day, 7 days a week"), text)


def speak_dates(text: str, ctx: Context) -> str:
    """ "12/03/2025" -> "12 March 2025" (en-GB) or "December 3, 2025" (en-US): the month
    by name, so a listener never has to know which order the factsheet used. A day
    over 12 settles the order whatever the locale."""
    us = region(ctx.language) == "US"

    def date(match: re.Match[str]) -> str:
        first, second, year = int(match.group(1)), int(match.group(2)), match.group(3)
        day, month = (second, first) if us else (first, second)
        if month > 12 and day <= 12:
            day, month = month, day
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return match.group(0)
        if len(year) == 2:
            year = "20" + year
        return ctx.protect(_date(day, month, year, us))

    text = re.sub(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b", date, text)

    def iso(match: re.Match[str]) -> str:
        year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return match.group(0)
        return ctx.protect(_date(day, month, year, us))

    return re.sub(r"\b(\d{4})-(\d{2})-(\d{2})\b", iso, text)


def _date(day: int, month: int, year: str, us: bool) -> str:
    name = _MONTHS[month - 1]
    return f"{name} {day}, {year}" if us else f"{day} {name} {year}"


def speak_times(text: str, ctx: Context) -> str:
    """ "2:30pm" -> "2:30 p m", "9am" -> "9 a m"."""

    def time(match: re.Match[str]) -> str:
        half = match.group(2).replace(".", "").lower()
        # "5 p.m." ending a sentence keeps the sentence's full stop.
        end = "." if match.group(2).endswith(".") and match.end() == len(text) else ""
        return ctx.protect(f"{match.group(1)} {half[0]} m") + end

    return re.sub(
        r"\b(\d{1,2}(?::\d{2})?)\s?([ap]\.m\.|[ap]m)(?![A-Za-z])", time, text, flags=re.IGNORECASE
    )


def speak_blood_pressure(text: str, ctx: Context) -> str:
    """ "140/90 mmHg" -> "140 over 90 millimetres of mercury", as a nurse says it."""

    def pressure(match: re.Match[str]) -> str:
        spoken = f"{match.group(1)} over {match.group(2)} millimetres of mercury"
        return ctx.protect(_local(spoken, ctx))

    return re.sub(r"\b(\d{2,3})/(\d{2,3})\s?mmHg\b", pressure, text)


def speak_doses(text: str, ctx: Context) -> str:
    """Numbers with units, and ranges: "2 mg/kg/day" -> "2 milligrams per kilogram per
    day", "5-10 mg" -> "5 to 10 milligrams", "38°C" -> "38 degrees Celsius", "~30%" ->
    "about 30 percent"."""
    units = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
    per = "|".join(re.escape(p) for p in sorted(_PER, key=len, reverse=True))
    pattern = re.compile(
        rf"(?P<about>[~≈]\s?)?(?P<a>{_NUMBER})(?:\s?(?:-|–|to)\s?(?P<b>{_NUMBER}))?"
        rf"\s?(?P<unit>{units})(?P<per>(?:/(?:{per}))*)(?![A-Za-z0-9])"
    )

    def dose(match: re.Match[str]) -> str:
        a, b, unit = match.group("a"), match.group("b"), match.group("unit")
        singular, plural = _UNITS[unit]
        word = singular if (b is None and a == "1") else plural
        spoken = f"{a} to {b} {word}" if b else f"{a} {word}"
        for part in filter(None, match.group("per").split("/")):
            spoken += f" per {_PER[part]}"
        if match.group("about"):
            spoken = "about " + spoken
        return ctx.protect(_local(spoken, ctx))

    return pattern.sub(dose, text)


def speak_fractions_and_counts(text: str, ctx: Context) -> str:
    """ "1/2" -> "a half", "x2" -> "times 2", "10+" -> "10 or more"."""

    def fraction(match: re.Match[str]) -> str:
        return ctx.protect(_FRACTIONS[match.group(0)])

    text = re.sub(r"(?<![\d/])(?:1/2|1/3|2/3|1/4|3/4)(?![\d/])", fraction, text)
    text = re.sub(r"(?<![\w])[x×]\s?(\d+)\b", lambda m: ctx.protect(f"times {m.group(1)}"), text)
    text = re.sub(r"\b(\d+)\s?[x×](?=\s)", lambda m: ctx.protect(f"{m.group(1)} times"), text)
    return re.sub(r"\b(\d+)\+(?!\d)", lambda m: ctx.protect(f"{m.group(1)} or more"), text)


def speak_comparisons(text: str, ctx: Context) -> str:
    """Symbols an engine skips or misreads: "~", "≈" (about), "<", ">" (less, more
    than), "≤", "≥" (at most, at least), "±", "=", and "+" between numbers."""
    number = f"(?=[\\d$£€{OPEN}])"  # a number, or one another rule has already said
    words = [
        (r"\s*≤\s*", " at most "),
        (r"\s*≥\s*", " at least "),
        (r"\s*<\s*" + number, " less than "),
        (r"\s*>\s*" + number, " more than "),
        (r"\s*±\s*", " plus or minus "),
        (r"[~≈]\s?" + number, "about "),
        (r"\s*≈\s*", " about "),
        (r"\(\s*=\s*(?=\w)", "(meaning "),
        (r"\s+=\s+", " equals "),
        (r"(?<=\d)\s?\+\s?(?=\d)", " plus "),
    ]
    for pattern, spoken in words:
        text = re.sub(pattern, spoken, text)
    return text


def speak_dashes(text: str, ctx: Context) -> str:
    """An en or em dash between words is a pause, not a word or a minus."""
    return re.sub(r"\s*[—]\s*|\s+[–-]\s+", ", ", text)


def speak_abbreviations(text: str, ctx: Context) -> str:
    """ "e.g.", "i.e.", "etc.", "vs.", "approx.", "Dr.", "St.", "No. 5" as words."""
    for pattern, spoken in _ABBREVIATIONS:
        text = re.sub(pattern, spoken, text)
    return text
