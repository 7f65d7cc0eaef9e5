"""Numbers, doses, money, phone numbers and symbols, read the way a listener needs
them (dates, days and times: dates.py).

A misread dose or helpline number is the worst thing this tool can do to a patient,
so these rules write out what an engine would guess at: "2 mg/kg/day" is "2
milligrams per kilogram per day", "0800 123 4567" is read digit by digit in its
groups, "£9.90" is "9 pounds 90". Digits stay digits (every engine says "2" and
"10,000" right, in its own language); what changes is the units, the grouping and
the symbols around them, and those words come from the factsheet's locale
(narrate/locales/).

Phone numbers are found by `phonenumbers` (Google's libphonenumber, maintained, for
every region's numbering plan): the factsheet's own region, any number written in
+CC form, and the national forms of the big English-speaking regions whatever the
factsheet's region (a US number in a UK leaflet). The rest are small patterns, each
tested against a table of leaflet lines (tests/test_numbers.py).
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import Leniency, shortnumberinfo

from .context import CLOSE, OPEN, Context

# A number as the factsheet's language writes it: "10,000.5" (English), "10.000,5"
# (Spanish, Portuguese).
_NUMBER_EN = r"\d+(?:,\d{3})*(?:\.\d+)?"
_NUMBER_COMMA = r"\d+(?:\.\d{3})*(?:,\d+)?"
_US_SPELLING = {"litre": "liter", "metre": "meter", "millilitre": "milliliter"}
# Regions whose national numbers are read whatever the factsheet's region.
_OTHER_REGIONS = ("GB", "US", "IE", "AU", "CA", "NZ", "ES", "PT", "BR")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_VULGAR = {"½": "1/2", "⅓": "1/3", "⅔": "2/3", "¼": "1/4", "¾": "3/4", "⅛": "1/8"}


def region(language: str) -> str:
    """The region of a language tag ("en-GB" -> "GB"), for phone numbers and dates."""
    parts = language.replace("_", "-").split("-")
    if len(parts) > 1 and len(parts[1]) == 2:
        return parts[1].upper()
    return {"es": "ES", "pt": "PT"}.get(parts[0].lower(), "US")


def _number(ctx: Context) -> str:
    return _NUMBER_EN if ctx.locale.code == "en" else _NUMBER_COMMA


def _local(word: str, ctx: Context) -> str:
    if ctx.locale.code == "en" and region(ctx.language) == "US":
        for british, american in _US_SPELLING.items():
            word = word.replace(british, american)
    return word


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# ---------------------------------------------------------------- the rules


def speak_numerals(text: str, ctx: Context) -> str:
    """A Roman numeral after "type", "stage", "grade", "part", "phase" and the like is a
    number ("type II" -> "type 2", "stage IV" -> "stage 4": not the lexicon's IV,
    intravenous); "section 1.2.3" is "section 1 point 2 point 3"."""
    words = ctx.locale

    def roman(match: re.Match[str]) -> str:
        value = _roman(match.group(2))
        if value is None:
            return match.group(0)
        return match.group(1) + ctx.protect(str(value))

    text = re.sub(
        rf"(?i)\b((?:{words.numbered_words})\s+)(?-i:([IVXL]{{1,6}}))\b(?![\w-])", roman, text
    )
    return re.sub(
        rf"(?i)\b((?:{words.section_words})s?\s+)(\d+(?:\.\d+){{1,3}})\b(?!\.\d)",
        lambda m: m.group(1) + ctx.protect(f" {words.point} ".join(m.group(2).split("."))),
        text,
    )


def _roman(numeral: str) -> int | None:
    numeral = numeral.upper()
    values = [_ROMAN[c] for c in numeral]
    total = sum(
        -v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values)
    )
    if total <= 0 or total > 60 or _to_roman(total) != numeral:
        return None  # not a well-formed numeral ("IIII", "VX")
    return total


def _to_roman(value: int) -> str:
    out = ""
    for number, letters in (
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while value >= number:
            out += letters
            value -= number
    return out


def speak_emails(text: str, ctx: Context) -> str:
    """ "info@example.org" -> "info at example dot org": as a listener writes it down."""
    words = ctx.locale

    def email(match: re.Match[str]) -> str:
        user, host = match.group(1), match.group(2)
        spoken = f"{user.replace('.', f' {words.dot} ')} {words.at_sign} " + host.lower().replace(
            ".", f" {words.dot} "
        )
        spoken = spoken.replace("-", f" {words.dash} ").replace("_", f" {words.underscore} ")
        return ctx.protect(" ".join(spoken.split()))

    return re.sub(r"\b([\w.+-]+)@([\w-]+(?:\.[\w-]+)+)\b", email, text)


def speak_phone_numbers(text: str, ctx: Context) -> str:
    """A phone number digit by digit in its groups, with a pause between groups:
    "0800 123 4567" -> "0 8 0 0, 1 2 3, 4 5 6 7", never a range or a sum. The
    factsheet's region first, then any number in +CC form and the national forms of
    other English-speaking and Iberian regions ("(617) 555-0142" in a UK leaflet);
    short numbers after "call", "dial" or "ring" ("call 999", "NHS 111")."""
    home = region(ctx.language)
    first = len(ctx.protected)  # every span protected here from now on is a number
    for where in (home, *[r for r in _OTHER_REGIONS if r != home]):
        leniency = Leniency.VALID if where == home else Leniency.STRICT_GROUPING
        out, last = [], 0
        for found in phonenumbers.PhoneNumberMatcher(text, where, leniency=leniency):
            if OPEN in found.raw_string or CLOSE in found.raw_string:
                continue
            out.append(text[last : found.start])
            out.append(ctx.protect(_digits_in_groups(found.raw_string, found.number, ctx)))
            last = found.end
        text = "".join(out) + text[last:]

    # The North American form, even for a reserved range (555-01xx, used in examples):
    # "(617) 555-0142", "617-555-0142", "1-800-555-0199".
    text = re.sub(
        r"(?<![\d\w+\ue000])(?:1[ .-])?\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}(?![\d\w])",
        lambda m: ctx.protect(_digits_in_groups(m.group(0), None, ctx)),
        text,
    )

    # A number phonenumbers does not take (another country's, or a reserved range):
    # groups of digits, ten or more in all, starting "0" or "+", or in three or more
    # groups, are still read as digits.
    def other(match: re.Match[str]) -> str:
        raw = match.group(0)
        digits = re.sub(r"\D", "", raw)
        groups = len(re.findall(r"\d+", raw))
        phone_like = groups >= 3 or (len(digits) >= 10 and raw[0] in "0+")
        if len(digits) >= 9 and phone_like:
            return ctx.protect(_digits_in_groups(raw, None, ctx))
        return raw

    text = re.sub(r"(?<![\d\w])\+?\d{1,5}(?:[-. ]\d{2,6}){1,3}(?![\d\w])", other, text)

    def short(match: re.Match[str]) -> str:
        digits = match.group(2)
        if not shortnumberinfo.is_valid_short_number_for_region(
            phonenumbers.parse(digits, home), home
        ):
            return match.group(0)
        return match.group(1) + ctx.protect(" ".join(digits))

    calls = ctx.locale.call_words
    text = re.sub(rf"(\b(?i:{calls})\s+)(\d{{3,6}})\b(?!\d|[.,:/]\d)", short, text)
    return _separate_listed_numbers(text, ctx, first)


def _separate_listed_numbers(text: str, ctx: Context, first: int) -> str:
    """Numbers in a list ("800-598-4668, 586-776-3900, or 202-466-8511") each set
    apart by a pause and the list's word: said with only commas between, their digit
    groups run on into one long number. The word is the list's own ("or", "and"), or
    "or" where there is none ("0800 123 4567 / 0800 765 4321")."""
    words = ctx.locale
    number = rf"{OPEN}(\d+){CLOSE}"
    separator = rf"(?:\s*[,/]\s*|\s+)(?:(?i:{words.or_}|{words.and_})\s+)?"
    runs = re.compile(rf"{number}(?:{separator}{number})+")

    def is_number(index: str) -> bool:
        return int(index) >= first

    def listed(match: re.Match[str]) -> str:
        parts = re.split(rf"({number})", match.group(0))
        # [before, number, its index, between, number, its index, ..., after]
        tokens, indices, gaps = parts[1::3], parts[2::3], parts[0::3][1:-1]
        if not all(is_number(i) for i in indices):
            return match.group(0)
        said = [g for g in gaps if re.search(rf"(?i:\b(?:{words.or_}|{words.and_})\b)", g)]
        word = re.search(r"\w+", said[-1]).group(0).lower() if said else words.or_
        return f"; {word} ".join(tokens)

    return runs.sub(listed, text)


def speak_codes(text: str, ctx: Context) -> str:
    """A number printed with leading zeros is a code, not an amount ("LN005673",
    "Reference 0012345"): said digit by digit in groups, so no zero is lost. Phone
    numbers, decimals and times are read by their own rules before this."""

    def code(match: re.Match[str]) -> str:
        said = ctx.protect(", ".join(" ".join(group) for group in _chunks(match.group(0))))
        glued = match.start() and match.string[match.start() - 1].isalpha()
        return " " + said if glued else said  # "LN005673": the letters, then the digits

    return re.sub(r"(?<![\d.,:])0\d{2,}(?![\d]|[.,:]\d)", code, text)


def _digits_in_groups(raw: str, number: phonenumbers.PhoneNumber | None, ctx: Context) -> str:
    groups = re.findall(r"\d+", raw)
    if number is not None and (len(groups) == 1 or max(map(len, groups)) > 5):
        # Printed without breaks ("02476967419", "024 76967419"): the national format's.
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        groups = re.findall(r"\d+", national)
    # A group of more than five digits is heard as one long number: in threes and fours.
    groups = [part for group in groups for part in _chunks(group)]
    prefix = f"{ctx.locale.plus} " if raw.lstrip().startswith("+") else ""
    return prefix + ", ".join(" ".join(group) for group in groups)


def _chunks(digits: str) -> list[str]:
    """Digits in groups ending in fours, threes before them ("123 4567", "123 456 7890")."""
    if len(digits) <= 5:
        return [digits]
    head = 4 if len(digits) % 4 == 0 else 3
    return [digits[:head], *_chunks(digits[head:])]


def speak_blood_pressure(text: str, ctx: Context) -> str:
    """ "140/90 mmHg" -> "140 over 90 millimetres of mercury", as a nurse says it."""

    def pressure(match: re.Match[str]) -> str:
        words = ctx.locale
        spoken = f"{match.group(1)} {words.over} {match.group(2)} {words.mercury[1]}"
        return ctx.protect(_local(spoken, ctx))

    return re.sub(r"\b(\d{2,3})/(\d{2,3})\s?mmHg\b", pressure, text)


def speak_money(text: str, ctx: Context) -> str:
    """Prices: "£9.90" -> "9 pounds 90", "£1" -> "1 pound", "50p" -> "50 pence",
    "$12.50" -> "12 dollars 50", "€15" and "15 €" -> "15 euros"; a range ("£5–£10",
    "£5 to 10") names the currency once; "£9.90/month" -> "... per month"; "£2m" ->
    "2 million pounds"."""
    words = ctx.locale
    number = _number(ctx)
    decimal = "." if words.code == "en" else ","
    symbols = _alternatives(list(words.money))
    millions = r"(?:\s?(?P<scale>m|million|bn|billion|k))?"

    def amount(value: str, symbol: str, scale: str | None = None) -> str:
        one, many, cent, cents = words.money[symbol]
        if scale:
            big = {
                "m": "million",
                "million": "million",
                "bn": "billion",
                "billion": "billion",
                "k": "thousand",
            }[scale.lower()]
            if words.code != "en":
                big = {"million": "millones", "billion": "mil millones", "thousand": "mil"}[big]
                if words.code == "pt":
                    big = {"millones": "milhões", "mil millones": "mil milhões"}.get(big, big)
            return f"{value} {big} {'de ' if words.code != 'en' else ''}{many}"
        whole, _, part = value.partition(decimal)
        whole_number = whole.replace(",", "").replace(".", "")
        if part and len(part) == 2:
            if whole_number in ("", "0"):
                return f"{int(part)} {cent if int(part) == 1 else cents}"
            unit = one if whole_number == "1" else many
            minor = str(int(part))
            if words.code == "en":
                return f"{whole} {unit} {minor}" if part != "00" else f"{whole} {unit}"
            joiner = "con" if words.code == "es" else "e"
            return (
                f"{whole} {unit} {joiner} {minor} {cent if minor == '1' else cents}"
                if part != "00"
                else f"{whole} {unit}"
            )
        return f"{value} {one if value == '1' else many}"

    per = rf"(?:\s?/\s?(?P<per>{_alternatives(list(words.per_units) + ['month', 'year'])}))?"
    # A range: "£5–£10", "£5 to £10", "£5-10".
    range_pattern = re.compile(
        rf"(?P<sym>{symbols})\s?(?P<a>{number})\s*(?:[–—-]|{re.escape(words.to)}|to)\s*"
        rf"(?:(?P=sym)\s?)?(?P<b>{number}){millions}{per}(?![\w])"
    )

    def money_range(match: re.Match[str]) -> str:
        symbol, a, b = match.group("sym"), match.group("a"), match.group("b")
        if match.group("scale"):
            spoken = f"{a} {words.to} {amount(b, symbol, match.group('scale'))}"
        elif decimal in a or decimal in b:
            spoken = f"{amount(a, symbol)} {words.to} {amount(b, symbol)}"
        else:
            spoken = f"{a} {words.to} {amount(b, symbol)}"
        return ctx.protect(spoken + _per(match.group("per"), ctx))

    text = range_pattern.sub(money_range, text)
    before = re.compile(rf"(?P<sym>{symbols})\s?(?P<a>{number}){millions}{per}(?![\w])")
    after = re.compile(rf"(?<![\w])(?P<a>{number})\s?(?P<sym>€|{symbols}){per}(?![\w])")

    def money(match: re.Match[str]) -> str:
        scale = match.groupdict().get("scale")
        spoken = amount(match.group("a"), match.group("sym"), scale)
        return ctx.protect(spoken + _per(match.group("per"), ctx))

    text = before.sub(money, text)
    text = after.sub(money, text)
    if words.code == "en" and "£" in words.money:  # pence: "50p", "1p"
        text = re.sub(
            r"(?<![\w.,])(\d{1,2})p\b",
            lambda m: ctx.protect(f"{m.group(1)} {'penny' if m.group(1) == '1' else 'pence'}"),
            text,
        )
    return text


def _per(unit: str | None, ctx: Context) -> str:
    if not unit:
        return ""
    said = ctx.locale.per_units.get(unit, unit)
    return f" {ctx.locale.per} {_local(said, ctx)}"


def speak_powers_of_ten(text: str, ctx: Context) -> str:
    """Counts in blood tests: "x10⁹/L", "×10^9/L", "10^9/L" -> "times 10 to the power of 9
    per litre"."""
    words = ctx.locale

    def power(match: re.Match[str]) -> str:
        exponent = (match.group("e1") or match.group("e2")).translate(_SUPERSCRIPTS)
        spoken = words.power_of_ten.format(exponent=exponent)
        if not match.group("times"):
            spoken = spoken.split(" ", 1)[1]  # "10 to the power of 9", no "times"
        return ctx.protect(spoken + _per(match.group("per"), ctx))

    return re.sub(
        r"(?P<times>[x×]\s?)?(?<![\d.,])10\s?(?:(?:\^|\*\*)\s?(?P<e1>-?\d{1,2})|"
        r"(?P<e2>⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2}))(?:\s?/\s?(?P<per>L|l|mL|ml|dL|µL|uL))?(?![\w])",
        power,
        text,
    )


def speak_doses(text: str, ctx: Context) -> str:
    """Numbers with units, and ranges: "2 mg/kg/day" -> "2 milligrams per kilogram per
    day", "5-10 mg" -> "5 to 10 milligrams", "38°C" -> "38 degrees Celsius", "~30%" ->
    "about 30 percent", "48 mmol/mol", "5 IU/mL", "24 hrs"."""
    words = ctx.locale
    units = _alternatives(list(words.units))
    per = _alternatives(list(words.per_units))
    number = _number(ctx)
    pattern = re.compile(
        rf"(?P<about>[~≈]\s?)?(?P<a>{number})(?:\s?(?:-|–|{re.escape(words.to)})\s?"
        rf"(?P<b>{number}))?\s?(?P<unit>{units})(?P<per>(?:/(?:{per}))*)(?![A-Za-z0-9])"
    )

    def dose(match: re.Match[str]) -> str:
        a, b, unit = match.group("a"), match.group("b"), match.group("unit")
        singular, plural = words.units[unit]
        word = singular if (b is None and a == "1") else plural
        spoken = f"{a} {words.to} {b} {word}" if b else f"{a} {word}"
        for part in filter(None, match.group("per").split("/")):
            spoken += f" {words.per} {words.per_units[part]}"
        if match.group("about"):
            spoken = f"{words.about} {spoken}"
        return ctx.protect(_local(spoken, ctx))

    return pattern.sub(dose, text)


def speak_ordinals(text: str, ctx: Context) -> str:
    """ "1st", "2nd" -> "first", "second" (to tenth; higher ones every engine reads)."""
    ordinals = ctx.locale.ordinals
    if not ordinals:
        return text
    pattern = "|".join(re.escape(o) for o in sorted(ordinals, key=len, reverse=True))
    return re.sub(
        rf"(?<![\w.])({pattern})(?![\w])", lambda m: ctx.protect(ordinals[m.group(1)]), text
    )


def speak_fractions_and_counts(text: str, ctx: Context) -> str:
    """ "1/2" and "½" -> "a half", "1½" -> "1 and a half", "x2" -> "times 2", "10+" ->
    "10 or more"."""
    words = ctx.locale

    def vulgar(match: re.Match[str]) -> str:
        spoken = words.fractions[_VULGAR[match.group(2)]]
        if words.code == "en" and match.group(2) == "½" and match.group(3):
            spoken = "half"  # "½ a tablet": "half a tablet"
        if match.group(1):
            return ctx.protect(f"{match.group(1)} {words.and_} {spoken}")
        return ctx.protect(spoken)

    text = re.sub(rf"(?:(\d+)\s?)?([{''.join(_VULGAR)}])(?=(\s+an?\b)?)", vulgar, text)

    def fraction(match: re.Match[str]) -> str:
        return ctx.protect(words.fractions[match.group(0)])

    known = "|".join(re.escape(f) for f in words.fractions)
    text = re.sub(rf"(?<![\d/])(?:{known})(?![\d/])", fraction, text)
    text = re.sub(
        r"(?<![\w])[x×]\s?(\d+)\b", lambda m: ctx.protect(f"{words.times} {m.group(1)}"), text
    )
    text = re.sub(
        r"\b(\d+)\s?[x×](?=\s)", lambda m: ctx.protect(f"{m.group(1)} {words.times_after}"), text
    )
    return re.sub(r"\b(\d+)\+(?!\d)", lambda m: ctx.protect(f"{m.group(1)} {words.or_more}"), text)


def speak_comparisons(text: str, ctx: Context) -> str:
    """Symbols an engine skips or misreads: "~", "≈" (about), "<", ">" (less, more
    than), "≤", "≥" (at most, at least), "±", "=", "→", and "+" between numbers."""
    w = ctx.locale
    number = f"(?=[\\d$£€{OPEN}])"  # a number, or one another rule has already said
    rules = [
        (r"\s*≤\s*", f" {w.at_most} "),
        (r"\s*≥\s*", f" {w.at_least} "),
        (r"\s*<\s*" + number, f" {w.less_than} "),
        (r"\s*>\s*" + number, f" {w.more_than} "),
        (r"\s*±\s*", f" {w.plus_or_minus} "),
        (r"[~≈]\s?" + number, f"{w.about} "),
        (r"\s*≈\s*", f" {w.about} "),
        (r"\s*(?:→|->|⟶)\s*", f" {w.to} "),
        (r"\(\s*=\s*(?=\w)", f"({w.meaning} "),
        (r"\s+=\s+", f" {w.equals} "),
        (r"(?<=\d)\s?\+\s?(?=\d)", f" {w.plus} "),
    ]
    for pattern, spoken in rules:
        text = re.sub(pattern, spoken, text)
    return text


def speak_dashes(text: str, ctx: Context) -> str:
    """An en or em dash between words is a pause, not a word or a minus."""
    return re.sub(r"\s*[—]\s*|\s+[–-]\s+", ", ", text)


def speak_abbreviations(text: str, ctx: Context) -> str:
    """ "e.g.", "i.e.", "etc.", "vs.", "approx.", "Dr.", "St.", "No. 5" as words (in
    each language its own)."""
    for pattern, spoken in ctx.locale.abbreviations:
        text = re.sub(pattern, spoken, text)
    return text
