"""Dates, day names and times, read the way a listener needs them: "12/03/2025" says
its month's name in the factsheet's own order (en-GB day first, en-US month first),
"Mon–Fri" is "Monday to Friday", "9am–5pm" is "9 a m to 5 p m", "24/7" is "24 hours a
day, 7 days a week". The words come from the factsheet's locale (narrate/locales/).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .context import Context
from .numbers import region


def speak_around_the_clock(text: str, ctx: Context) -> str:
    """ "24/7" -> "24 hours a day, 7 days a week"."""
    return re.sub(r"\b24\s?/\s?7\b", lambda m: ctx.protect(ctx.locale.around_the_clock), text)


def speak_dates(text: str, ctx: Context) -> str:
    """ "12/03/2025" -> "12 March 2025" (en-GB) or "December 3, 2025" (en-US): the month
    by name, so a listener never has to know which order the factsheet used. A day
    over 12 settles the order whatever the locale. A month written short ("3 Jan 2025",
    "Sept 2025") is said in full."""
    words = ctx.locale
    us = words.code == "en" and region(ctx.language) == "US"

    def date(match: re.Match[str]) -> str:
        first, second, year = int(match.group(1)), int(match.group(2)), match.group(3)
        day, month = (second, first) if us else (first, second)
        if month > 12 and day <= 12:
            day, month = month, day
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return match.group(0)
        if len(year) == 2:
            year = "20" + year
        return ctx.protect(_date(day, month, year, us, ctx))

    text = re.sub(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b", date, text)

    def iso(match: re.Match[str]) -> str:
        year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return match.group(0)
        return ctx.protect(_date(day, month, year, us, ctx))

    text = re.sub(r"\b(\d{4})-(\d{2})-(\d{2})\b", iso, text)

    def month_year(match: re.Match[str]) -> str:
        month = int(match.group(1))
        if not 1 <= month <= 12:
            return match.group(0)
        pattern = words.date_pattern[words.date_pattern.index("{month}") :]
        return ctx.protect(pattern.format(month=words.months[month - 1], year=match.group(2)))

    # A leaflet's "Publication date 10/2023", "Review date: 03/2026": a month and a
    # year, said as such. Only a two-digit month ("1/2000" may be a ratio) and a year
    # of this century or the last.
    text = re.sub(r"(?<![\d/.,])(\d{2})/((?:19|20)\d{2})\b(?![/.,]?\d)", month_year, text)
    names = words.month_abbreviations
    if names:
        pattern = "|".join(sorted(names, key=len, reverse=True))

        def month(match: re.Match[str]) -> str:
            written = (match.group(1) or match.group(2)).lower()
            return ctx.protect(words.months[names[written] - 1])

        # Only beside a day or a year ("3 Jan 2025", "Jan 3", "Sept 2025"): "Mar" and
        # "Sat" are words as well.
        text = re.sub(
            rf"(?<=\d )(?i:({pattern}))\.?(?![\w])|\b(?i:({pattern}))\.?(?= \d)", month, text
        )
    return text


def _date(day: int, month: int, year: str, us: bool, ctx: Context) -> str:
    name = ctx.locale.months[month - 1]
    if us:
        return f"{name} {day}, {year}"
    return ctx.locale.date_pattern.format(day=day, month=name, year=year)


def speak_days(text: str, ctx: Context) -> str:
    """ "Mon–Fri" -> "Monday to Friday", "Sat & Sun" -> "Saturday and Sunday": a day
    written short is said in full where it is plainly a day (in a range or pair of
    days, or before a time or a date)."""
    words = ctx.locale
    names = words.day_abbreviations
    day = "(?:" + "|".join(sorted(names, key=len, reverse=True)) + r")\.?"

    def full(short: str) -> str:
        return words.days[names[short.lower().rstrip(".")]]

    between = rf"\s*(?:[–—-]|{re.escape(words.to)}|\bto\b)\s*"
    joined = rf"\s*(?:&|\+|\b{re.escape(words.and_)}\b|,)\s*"

    def pair(joiner: str) -> Callable[[re.Match[str]], str]:
        def said(match: re.Match[str]) -> str:
            spoken = ctx.protect(f"{full(match.group(1))} {joiner} {full(match.group(2))}")
            # "Mon–Fri." ending a sentence keeps the sentence's full stop.
            rest = match.string[match.end() :]
            ends = match.group(0).endswith(".") and (not rest.strip() or rest[:2].strip() == "")
            return spoken + ("." if ends else "")

        return said

    text = re.sub(rf"(?i)\b({day}){between}({day})(?![\w])", pair(words.to), text)
    text = re.sub(rf"(?i)\b({day}){joined}({day})(?![\w])", pair(words.and_), text)
    if words.code != "en":
        return text  # "mar", "sex" are words and months too: only in ranges and pairs
    # A day alone, before a time or a date ("Mon 9am", "Sat: 10am", "Tues 3 June").
    months = "|".join([*words.months, *(m.title() for m in words.month_abbreviations)])
    return re.sub(
        rf"\b([A-Z][a-z]{{2,3}})\.?(?=:?\s+\d|,?\s+(?:{months})\b|,\s+\ue000)",
        lambda m: ctx.protect(full(m.group(1))) if m.group(1).lower() in names else m.group(0),
        text,
    )


def speak_times(text: str, ctx: Context) -> str:
    """ "2:30pm" -> "2:30 p m", "9am" -> "9 a m"; "9am–5pm" -> "9 a m to 5 p m"."""
    am, pm = ctx.locale.am_pm
    one = r"\d{1,2}(?:[:.]\d{2})?\s?(?:[ap]\.m\.|[ap]m)(?![A-Za-z])"

    def said(raw: str) -> str:
        found = re.match(r"(\d{1,2}(?:[:.]\d{2})?)\s?([ap])", raw, re.IGNORECASE)
        assert found
        clock = found.group(1).replace(".", ":")
        return f"{clock} {am if found.group(2).lower() == 'a' else pm}"

    def time_range(match: re.Match[str]) -> str:
        first = match.group(1)
        if not re.search(r"[ap]\.?m", first, re.IGNORECASE):  # "9–5pm": both afternoon
            first += match.group(2)[-2:] if match.group(2)[-1:].lower() == "m" else ""
        end = "." if match.group(0).endswith(".") and match.end() == len(text) else ""
        return ctx.protect(f"{said(first)} {ctx.locale.to} {said(match.group(2))}") + end

    text = re.sub(
        rf"(?i)\b({one}|\d{{1,2}}(?:[:.]\d{{2}})?)\s*(?:[–—-]|to|{re.escape(ctx.locale.to)})"
        rf"\s*({one})",
        time_range,
        text,
    )

    def time(match: re.Match[str]) -> str:
        # "5 p.m." ending a sentence keeps the sentence's full stop.
        end = "." if match.group(0).endswith(".") and match.end() == len(text) else ""
        return ctx.protect(said(match.group(0))) + end

    return re.sub(rf"(?i)\b{one}", time, text)
