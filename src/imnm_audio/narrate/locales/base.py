"""The words the narration adds, for one language: the `Locale` every language fills."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Locale:
    code: str  # the primary language subtag: "en", "es", "pt"
    name: str  # the language's name in English, for messages
    # The introduction, closing and hold line.
    intro_from: str
    intro_one_section: str
    intro_sections: str
    chapter_introduction: str
    chapter_closing: str
    learn_more: str
    call_to_reach: str
    address_again: str
    number_again: str
    disclaimer: str
    farewell: str
    hold_welcome: tuple[str, str, str]
    hold_goodbye: tuple[str, str]
    chapter_welcome: str
    chapter_please_hold: str
    # Words around numbers and symbols.
    to: str  # a range: "5 to 10"
    and_: str
    or_: str  # "muscle/skin", "X (ABC)"
    percent: str
    about: str
    at_most: str
    at_least: str
    less_than: str
    more_than: str
    plus_or_minus: str
    meaning: str
    equals: str
    plus: str
    times: str  # "x2": "times 2"
    times_after: str  # "2x": "2 times"
    or_more: str
    per: str
    over: str  # blood pressure: "140 over 90"
    mercury: tuple[str, str]
    around_the_clock: str
    am_pm: tuple[str, str]
    point: str  # "section 1.2": "1 point 2"
    power_of_ten: str  # "x10⁹/L": "times 10 to the power of 9"
    fractions: dict[str, str]
    ordinals: dict[str, str]  # 1st -> first (1 to 10; higher stay digits)
    units: dict[str, tuple[str, str]]
    per_units: dict[str, str]
    months: tuple[str, ...]
    days: tuple[str, ...]  # Monday first
    day_abbreviations: dict[str, int]  # "mon" -> 0
    date_pattern: str  # "{day} {month} {year}", "{month} {day}, {year}"
    money: dict[str, tuple[str, str, str, str]]  # symbol -> (one, many, cent, cents)
    hours: tuple[str, str]  # "24 hrs": hour, hours
    abbreviations: list[tuple[str, str]]
    # Web and mail addresses.
    dot: str
    dash: str
    underscore: str
    at_sign: str
    page_on: str  # "the {page} page on {host}"
    # Words that put a number after them ("type II", "section 1.2"; regex alternations)
    # and the words before a short number to call ("call 999").
    numbered_words: str
    section_words: str
    call_words: str
    month_abbreviations: dict[str, int] = field(default_factory=dict)
