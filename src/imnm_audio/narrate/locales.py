"""The narration's own words, per language: what the introduction, the chapter list,
the closing and the hold line say, and the words the number, unit, date, money and
address rules put around the digits.

A factsheet is narrated wholly in its language: every word the tool adds comes from
its locale here (English, Spanish, Portuguese). Digits stay digits: every engine that
speaks the language reads "12" and "0,5" in it. A language without a locale is refused
before anything is narrated (`locale_for`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ContentError


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
    plural_s: bool = True  # English-style 'GPs' said "G P's"


_EN_UNITS: dict[str, tuple[str, str]] = {
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
    "hrs": ("hour", "hours"),
    "hr": ("hour", "hours"),
    "mins": ("minute", "minutes"),
    "min": ("minute", "minutes"),
}
_EN_PER: dict[str, str] = {
    "kg": "kilogram",
    "day": "day",
    "d": "day",
    "week": "week",
    "wk": "week",
    "month": "month",
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
    "mol": "mole",
    "mmol": "millimole",
}

ENGLISH = Locale(
    code="en",
    name="English",
    intro_from="An audio factsheet from {organisation}.",
    intro_one_section="It has 1 section, a chapter you can skip to in your player:",
    intro_sections="It has {n} sections, each a chapter you can skip to in your player:",
    chapter_introduction="Introduction",
    chapter_closing="Closing",
    learn_more="To learn more, visit {title} at {address}.",
    call_to_reach="To reach {title}, call {number}.",
    address_again="That address again, spelled out:",
    number_again="That number again:",
    disclaimer="This recording is general information, not medical advice. "
    "Talk with your doctor about your own care.",
    farewell="This was {title}, from {organisation}. Thank you for listening.",
    hold_welcome=(
        "Thank you for calling {organisation}.",
        "Please stay on the line; we will be with you as soon as we can.",
        "While you wait, here is some information about {title}.",
    ),
    hold_goodbye=("Your call is important to us.", "Please continue to hold."),
    chapter_welcome="Welcome",
    chapter_please_hold="Please hold",
    to="to",
    and_="and",
    or_="or",
    percent="percent",
    about="about",
    at_most="at most",
    at_least="at least",
    less_than="less than",
    more_than="more than",
    plus_or_minus="plus or minus",
    meaning="meaning",
    equals="equals",
    plus="plus",
    times="times",
    times_after="times",
    or_more="or more",
    per="per",
    over="over",
    mercury=("millimetre of mercury", "millimetres of mercury"),
    around_the_clock="24 hours a day, 7 days a week",
    am_pm=("a m", "p m"),
    point="point",
    power_of_ten="times 10 to the power of {exponent}",
    fractions={
        "1/2": "a half",
        "1/3": "a third",
        "2/3": "two thirds",
        "1/4": "a quarter",
        "3/4": "three quarters",
        "1/8": "an eighth",
    },
    ordinals={
        "1st": "first",
        "2nd": "second",
        "3rd": "third",
        "4th": "fourth",
        "5th": "fifth",
        "6th": "sixth",
        "7th": "seventh",
        "8th": "eighth",
        "9th": "ninth",
        "10th": "tenth",
    },
    units=_EN_UNITS,
    per_units=_EN_PER,
    months=tuple(
        "January February March April May June July August September October November "
        "December".split()
    ),
    days=tuple("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()),
    day_abbreviations={
        "mon": 0,
        "tue": 1,
        "tues": 1,
        "wed": 2,
        "weds": 2,
        "thu": 3,
        "thur": 3,
        "thurs": 3,
        "fri": 4,
        "sat": 5,
        "sun": 6,
    },
    date_pattern="{day} {month} {year}",
    money={
        "£": ("pound", "pounds", "penny", "pence"),
        "$": ("dollar", "dollars", "cent", "cents"),
        "€": ("euro", "euros", "cent", "cents"),
    },
    hours=("hour", "hours"),
    abbreviations=[
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
    ],
    dot="dot",
    dash="dash",
    underscore="underscore",
    at_sign="at",
    page_on="the {page} page on {host}",
    numbered_words="type|stage|grade|part|phase|class|level|step|volume|schedule|category"
    "|group|tier|chapter",
    section_words="section|paragraph|chapter|appendix|question",
    call_words="[Cc]all|[Dd]ial|[Rr]ing|[Tt]ext|NHS|on",
    month_abbreviations={
        "jan": 1,
        "feb": 2,
        "mar": 3,
        "apr": 4,
        "jun": 6,
        "jul": 7,
        "aug": 8,
        "sep": 9,
        "sept": 9,
        "oct": 10,
        "nov": 11,
        "dec": 12,
    },
)

_ES_UNITS = {
    "mg": ("miligramo", "miligramos"),
    "mcg": ("microgramo", "microgramos"),
    "µg": ("microgramo", "microgramos"),
    "μg": ("microgramo", "microgramos"),
    "g": ("gramo", "gramos"),
    "kg": ("kilogramo", "kilogramos"),
    "ml": ("mililitro", "mililitros"),
    "mL": ("mililitro", "mililitros"),
    "L": ("litro", "litros"),
    "UI": ("unidad internacional", "unidades internacionales"),
    "IU": ("unidad internacional", "unidades internacionales"),
    "U": ("unidad", "unidades"),
    "mmol": ("milimol", "milimoles"),
    "mmHg": ("milímetro de mercurio", "milímetros de mercurio"),
    "cm": ("centímetro", "centímetros"),
    "mm": ("milímetro", "milímetros"),
    "%": ("por ciento", "por ciento"),
    "°C": ("grado centígrado", "grados centígrados"),
    "h": ("hora", "horas"),
    "min": ("minuto", "minutos"),
}
_ES_PER = {
    "kg": "kilogramo",
    "día": "día",
    "dia": "día",
    "d": "día",
    "semana": "semana",
    "mes": "mes",
    "L": "litro",
    "l": "litro",
    "dL": "decilitro",
    "ml": "mililitro",
    "mL": "mililitro",
    "h": "hora",
    "min": "minuto",
    "m2": "metro cuadrado",
    "m²": "metro cuadrado",
    "dosis": "dosis",
    "mol": "mol",
}

SPANISH = Locale(
    code="es",
    name="Spanish",
    intro_from="Una ficha informativa en audio de {organisation}.",
    intro_one_section="Tiene 1 sección, un capítulo al que puede saltar en su reproductor:",
    intro_sections="Tiene {n} secciones; cada una es un capítulo al que puede saltar en su "
    "reproductor:",
    chapter_introduction="Introducción",
    chapter_closing="Despedida",
    learn_more="Para saber más, visite {title} en {address}.",
    call_to_reach="Para contactar con {title}, llame al {number}.",
    address_again="De nuevo la dirección, letra por letra:",
    number_again="De nuevo el número:",
    disclaimer="Esta grabación es información general, no un consejo médico. "
    "Hable con su médico sobre su propio cuidado.",
    farewell="Ha escuchado {title}, de {organisation}. Gracias por escuchar.",
    hold_welcome=(
        "Gracias por llamar a {organisation}.",
        "Por favor, no cuelgue; le atenderemos lo antes posible.",
        "Mientras espera, le damos información sobre {title}.",
    ),
    hold_goodbye=("Su llamada es importante para nosotros.", "Por favor, siga a la espera."),
    chapter_welcome="Bienvenida",
    chapter_please_hold="Espera",
    to="a",
    and_="y",
    or_="o",
    percent="por ciento",
    about="aproximadamente",
    at_most="como máximo",
    at_least="como mínimo",
    less_than="menos de",
    more_than="más de",
    plus_or_minus="más o menos",
    meaning="es decir",
    equals="igual a",
    plus="más",
    times="por",
    times_after="veces",
    or_more="o más",
    per="por",
    over="sobre",
    mercury=("milímetro de mercurio", "milímetros de mercurio"),
    around_the_clock="las 24 horas del día, los 7 días de la semana",
    am_pm=("de la mañana", "de la tarde"),
    point="punto",
    power_of_ten="por 10 elevado a {exponent}",
    fractions={
        "1/2": "medio",
        "1/3": "un tercio",
        "2/3": "dos tercios",
        "1/4": "un cuarto",
        "3/4": "tres cuartos",
        "1/8": "un octavo",
    },
    ordinals={
        "1.º": "primero",
        "2.º": "segundo",
        "3.º": "tercero",
        "1.ª": "primera",
        "2.ª": "segunda",
        "3.ª": "tercera",
    },
    units=_ES_UNITS,
    per_units=_ES_PER,
    months=tuple(
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
        "diciembre".split()
    ),
    days=tuple("lunes martes miércoles jueves viernes sábado domingo".split()),
    day_abbreviations={
        "lun": 0,
        "mar": 1,
        "mié": 2,
        "mie": 2,
        "jue": 3,
        "vie": 4,
        "sáb": 5,
        "sab": 5,
        "dom": 6,
    },
    date_pattern="{day} de {month} de {year}",
    money={
        "€": ("euro", "euros", "céntimo", "céntimos"),
        "$": ("dólar", "dólares", "centavo", "centavos"),
        "£": ("libra", "libras", "penique", "peniques"),
    },
    hours=("hora", "horas"),
    abbreviations=[
        (r"\bp\.\s?ej\.", "por ejemplo"),
        (r"\betc\.", "etcétera"),
        (r"\baprox\.", "aproximadamente"),
        (r"\bDra\.(?=\s+[A-ZÁÉÍÓÚ])", "doctora"),
        (r"\bDr\.(?=\s+[A-ZÁÉÍÓÚ])", "doctor"),
        (r"\b[Nn](?:\.º|º|úm\.)(?=\s*\d)", "número"),
    ],
    dot="punto",
    dash="guion",
    underscore="guion bajo",
    at_sign="arroba",
    page_on="la página {page} en {host}",
    numbered_words="tipo|estadio|etapa|grado|parte|fase|clase|nivel|paso|grupo|capítulo",
    section_words="sección|secciones|apartado|capítulo|pregunta",
    call_words="[Ll]lame al|[Ll]lame a|[Ll]lame|[Mm]arque|[Tt]eléfono",
    month_abbreviations={
        "ene": 1,
        "feb": 2,
        "mar": 3,
        "abr": 4,
        "jun": 6,
        "jul": 7,
        "ago": 8,
        "sep": 9,
        "sept": 9,
        "oct": 10,
        "nov": 11,
        "dic": 12,
    },
    plural_s=False,
)

_PT_UNITS = {
    "mg": ("miligrama", "miligramas"),
    "mcg": ("micrograma", "microgramas"),
    "µg": ("micrograma", "microgramas"),
    "μg": ("micrograma", "microgramas"),
    "g": ("grama", "gramas"),
    "kg": ("quilograma", "quilogramas"),
    "ml": ("mililitro", "mililitros"),
    "mL": ("mililitro", "mililitros"),
    "L": ("litro", "litros"),
    "UI": ("unidade internacional", "unidades internacionais"),
    "IU": ("unidade internacional", "unidades internacionais"),
    "U": ("unidade", "unidades"),
    "mmol": ("milimol", "milimoles"),
    "mmHg": ("milímetro de mercúrio", "milímetros de mercúrio"),
    "cm": ("centímetro", "centímetros"),
    "mm": ("milímetro", "milímetros"),
    "%": ("por cento", "por cento"),
    "°C": ("grau Celsius", "graus Celsius"),
    "h": ("hora", "horas"),
    "min": ("minuto", "minutos"),
}
_PT_PER = {
    "kg": "quilograma",
    "dia": "dia",
    "d": "dia",
    "semana": "semana",
    "mês": "mês",
    "L": "litro",
    "l": "litro",
    "dL": "decilitro",
    "ml": "mililitro",
    "mL": "mililitro",
    "h": "hora",
    "min": "minuto",
    "m2": "metro quadrado",
    "m²": "metro quadrado",
    "dose": "dose",
    "mol": "mol",
}

PORTUGUESE = Locale(
    code="pt",
    name="Portuguese",
    intro_from="Uma ficha informativa em áudio de {organisation}.",
    intro_one_section="Tem 1 parte, um capítulo que pode escolher no seu reprodutor:",
    intro_sections="Tem {n} partes, cada uma um capítulo que pode escolher no seu reprodutor:",
    chapter_introduction="Introdução",
    chapter_closing="Encerramento",
    learn_more="Para saber mais, visite {title} em {address}.",
    call_to_reach="Para falar com {title}, ligue para {number}.",
    address_again="O endereço outra vez, letra por letra:",
    number_again="O número outra vez:",
    disclaimer="Esta gravação é informação geral, não um conselho médico. "
    "Fale com o seu médico sobre o seu próprio tratamento.",
    farewell="Ouviu {title}, de {organisation}. Obrigado por ouvir.",
    hold_welcome=(
        "Obrigado por ligar para {organisation}.",
        "Por favor, aguarde na linha; vamos atendê-lo assim que possível.",
        "Enquanto aguarda, aqui estão algumas informações sobre {title}.",
    ),
    hold_goodbye=("A sua chamada é importante para nós.", "Por favor, continue a aguardar."),
    chapter_welcome="Boas-vindas",
    chapter_please_hold="Aguarde",
    to="a",
    and_="e",
    or_="ou",
    percent="por cento",
    about="cerca de",
    at_most="no máximo",
    at_least="no mínimo",
    less_than="menos de",
    more_than="mais de",
    plus_or_minus="mais ou menos",
    meaning="ou seja",
    equals="igual a",
    plus="mais",
    times="vezes",
    times_after="vezes",
    or_more="ou mais",
    per="por",
    over="por",
    mercury=("milímetro de mercúrio", "milímetros de mercúrio"),
    around_the_clock="24 horas por dia, 7 dias por semana",
    am_pm=("da manhã", "da tarde"),
    point="ponto",
    power_of_ten="vezes 10 elevado a {exponent}",
    fractions={
        "1/2": "meio",
        "1/3": "um terço",
        "2/3": "dois terços",
        "1/4": "um quarto",
        "3/4": "três quartos",
        "1/8": "um oitavo",
    },
    ordinals={
        "1.º": "primeiro",
        "2.º": "segundo",
        "3.º": "terceiro",
        "1.ª": "primeira",
        "2.ª": "segunda",
        "3.ª": "terceira",
    },
    units=_PT_UNITS,
    per_units=_PT_PER,
    months=tuple(
        "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro "
        "dezembro".split()
    ),
    days=tuple(
        "segunda-feira terça-feira quarta-feira quinta-feira sexta-feira sábado domingo".split()
    ),
    day_abbreviations={
        "seg": 0,
        "ter": 1,
        "qua": 2,
        "qui": 3,
        "sex": 4,
        "sáb": 5,
        "sab": 5,
        "dom": 6,
    },
    date_pattern="{day} de {month} de {year}",
    money={
        "R$": ("real", "reais", "centavo", "centavos"),
        "€": ("euro", "euros", "cêntimo", "cêntimos"),
        "$": ("dólar", "dólares", "centavo", "centavos"),
        "£": ("libra", "libras", "pêni", "pence"),
    },
    hours=("hora", "horas"),
    abbreviations=[
        (r"\bp\.\s?ex\.", "por exemplo"),
        (r"\betc\.", "etcétera"),
        (r"\baprox\.", "aproximadamente"),
        (r"\bDra\.(?=\s+[A-ZÁÉÍÓÚ])", "doutora"),
        (r"\bDr\.(?=\s+[A-ZÁÉÍÓÚ])", "doutor"),
        (r"\b[Nn](?:\.º|º)(?=\s*\d)", "número"),
    ],
    dot="ponto",
    dash="hífen",
    underscore="sublinhado",
    at_sign="arroba",
    page_on="a página {page} em {host}",
    numbered_words="tipo|estágio|estadio|grau|parte|fase|classe|nível|passo|grupo|capítulo",
    section_words="seção|secção|seções|secções|capítulo|pergunta",
    call_words="[Ll]igue para o|[Ll]igue para|[Ll]igue|[Dd]isque|[Tt]elefone",
    month_abbreviations={
        "jan": 1,
        "fev": 2,
        "mar": 3,
        "abr": 4,
        "mai": 5,
        "jun": 6,
        "jul": 7,
        "ago": 8,
        "set": 9,
        "out": 10,
        "nov": 11,
        "dez": 12,
    },
    plural_s=False,
)

LOCALES = {locale.code: locale for locale in (ENGLISH, SPANISH, PORTUGUESE)}


def locale_for(language: str, path: object = None) -> Locale:
    """The locale of a language tag ("pt-BR" -> Portuguese); ContentError (exit 2) for a
    language the narration has no words for, naming those it has."""
    code = language.replace("_", "-").split("-")[0].lower()
    if code in LOCALES:
        return LOCALES[code]
    known = ", ".join(f"{loc.name} ({loc.code})" for loc in LOCALES.values())
    raise ContentError(
        f"the factsheet is in '{language}', a language the narration has no words for yet "
        "(its introduction, closing and number rules).",
        path=path,  # type: ignore[arg-type]
        fix=f"Narrated languages: {known}. Set 'language:' in the front matter if it is one "
        "of them.",
    )
