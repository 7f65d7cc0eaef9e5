"""A factsheet in another language is narrated wholly in that language by a voice that
speaks it, or refused before anything is written: the narration's own words (the
introduction, the chapter list, the closing, the hold line) and its number, unit,
date, money and address rules come per language (narrate/locales/). Spanish and
Portuguese factsheets written here."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import PODCAST, folders, write_project
from imnm_audio.cli import main
from imnm_audio.content import Lexicon
from imnm_audio.narrate.locales import ENGLISH, PORTUGUESE, SPANISH, Locale
from imnm_audio.narrate.rules import Context, speak
from imnm_audio.vocabulary import zipf

NO_TERMS = Lexicon(Path("lexicon.yaml"), ())

SPANISH_FACTSHEET = """\
---
title: Miositis y tratamiento con corticoides
short_title: Miositis
organisation: Asociación de Pacientes de Prueba
language: es-ES
source_url: https://www.pacientes-prueba.example/miositis
summary: Qué es la miositis, cómo se trata y a quién llamar.
published: 2026-03-12
resources:
  - title: la asociación
    url: https://www.pacientes-prueba.example/
  - title: nuestra línea de ayuda
    url: "tel:+34900123456"
---

## ¿QUÉ ES LA MIOSITIS?

La miositis es una enfermedad rara que inflama los músculos y causa debilidad. Afecta a
unas 3 de cada 100.000 personas; el 30 % tiene también lesiones en la piel.

**IMPORTANTE:** NO DEJE DE TOMAR LOS CORTICOIDES DE GOLPE.

## ¿Cómo se trata?

- La prednisona se toma a 0,5-1 mg/kg/día durante 4 semanas.
- El metotrexato se toma 1 vez por semana (p. ej., los lunes).
- La consulta de enfermería cuesta 15 €; el transporte, 2,50 € por trayecto.

Llame al 900 123 456 (lun–vie) o escriba a ayuda@pacientes-prueba.example. La próxima
reunión es el 12/03/2025; más información en www.pacientes-prueba.example/reuniones.
"""

PORTUGUESE_FACTSHEET = """\
---
title: Miosite e tratamento com corticoides
short_title: Miosite
organisation: Associação de Pacientes de Teste
language: pt-BR
source_url: https://www.pacientes-teste.example/miosite
summary: O que é a miosite, como se trata e para onde ligar.
published: 2026-03-12
resources:
  - title: a associação
    url: https://www.pacientes-teste.example/
  - title: a nossa linha de apoio
    url: "tel:+551130004000"
---

## O QUE É A MIOSITE?

A miosite é uma doença rara que inflama os músculos e causa fraqueza. Afeta cerca de
3 em cada 100.000 pessoas; 30 % também têm lesões na pele.

**IMPORTANTE:** NÃO PARE DE TOMAR OS CORTICOIDES DE REPENTE.

## Como se trata?

- A prednisona é tomada em 0,5-1 mg/kg/dia durante 4 semanas.
- O metotrexato é tomado 1 vez por semana (p. ex., às segundas-feiras).
- A consulta de enfermagem custa R$ 20,50; o transporte, R$ 5 por viagem.

Ligue para (11) 3000-4000 (seg–sex) ou escreva para apoio@pacientes-teste.example. A
próxima reunião é em 12/03/2025; mais informações em www.pacientes-teste.example/reunioes.
"""

ESPEAK_VOICES = """\
voices:
  es: {engine: espeak, voice: es}
  pt: {engine: espeak, voice: pt-br}
"""


def english_words(locale: Locale) -> set[str]:
    """The words an English narration adds that the target language does not use: the
    English locale's own words, and any common English word rare in the language."""
    english: set[str] = set()
    for value in vars(ENGLISH).values():
        if isinstance(value, dict):
            value = [*value.keys(), *value.values()]
        english |= {w.lower() for w in re.findall(r"[A-Za-z]{2,}", str(value))}
    return {w for w in english if zipf(w, locale.code) < 2.0}


def spoken_words(script: dict[str, object]) -> list[str]:
    words = []
    for chapter in script["chapters"]:  # type: ignore[union-attr]
        for segment in chapter["segments"]:
            spoken = re.sub(r"\{([^}|]+)(?:\|[^}]*)?\}", r"\1", segment["spoken"])
            words += re.findall(r"[^\W\d_]+", spoken.lower())
    return words


@pytest.mark.parametrize(
    "factsheet, slug, locale",
    [(SPANISH_FACTSHEET, "miositis", SPANISH), (PORTUGUESE_FACTSHEET, "miosite", PORTUGUESE)],
    ids=["spanish", "portuguese"],
)
def test_a_factsheet_in_another_language_has_no_english_word(
    factsheet: str, slug: str, locale: Locale, tmp_path: Path
) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    root = write_project(tmp_path, factsheet, PODCAST + ESPEAK_VOICES, slug=slug)
    assert main(["script", "-q", *folders(root)]) == 0
    for name in (f"{slug}.yaml", f"{slug}.hold.yaml"):
        script = yaml.safe_load((root / "scripts" / name).read_text(encoding="utf-8"))
        words = spoken_words(script)
        foreign = english_words(locale)
        assert not [w for w in words if w in foreign], name
        # No word is common English and rare in the language either (a unit, a month).
        assert not [w for w in words if zipf(w, "en") >= 3.5 and zipf(w, locale.code) < 1.0]
        assert script["voice"]["engine"] == "espeak"


def test_the_spanish_script_says_numbers_money_days_and_addresses_in_spanish(
    tmp_path: Path,
) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    root = write_project(tmp_path, SPANISH_FACTSHEET, PODCAST + ESPEAK_VOICES, slug="miositis")
    assert main(["script", "-q", *folders(root)]) == 0
    script = yaml.safe_load((root / "scripts" / "miositis.yaml").read_text(encoding="utf-8"))
    said = [s["spoken"] for c in script["chapters"] for s in c["segments"]]
    text = " | ".join(said)
    assert "¿qué es la miositis?" in text  # capitals said as words
    assert "no deje de tomar los corticoides de golpe." in text
    assert "0,5 a 1 miligramos por kilogramo por día" in text
    assert "15 euros" in text and "2,50 euros" not in text and "2 euros con 50 céntimos" in text
    assert "9 0 0, 1 2 3, 4 5 6" in text and "lunes a viernes" in text
    assert "ayuda arroba pacientes guion prueba punto example" in text
    assert "12 de marzo de 2025" in text
    assert "la página reuniones en pacientes guion prueba punto example" in text
    assert said[1] == "Una ficha informativa en audio de Asociación de Pacientes de Prueba."
    assert [c["title"] for c in script["chapters"]][0] == "Introducción"
    assert "Hable con su médico sobre su propio cuidado." in text


def test_with_a_voice_that_does_not_speak_it_script_and_build_refuse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The show's English voice is not asked to read Portuguese: exit 2, naming the
    language, the voice and the voices that speak it, and nothing written."""
    root = write_project(tmp_path, PORTUGUESE_FACTSHEET, slug="miosite")
    assert main(["script", *folders(root)]) == 2
    err = capsys.readouterr().err
    assert "the factsheet is in Portuguese (pt-BR), but its voice, piper en_US-joe-medium" in err
    assert "speaks en-US" in err and "gtts pt" in err
    assert "'voices:'" in err and "podcast.yaml" in err
    assert not (root / "scripts").exists()
    assert main(["build", "-q", *folders(root)]) == 2
    assert "Portuguese (pt-BR)" in capsys.readouterr().err
    assert not (root / "audio").exists() or not any((root / "audio").glob("*/*.mp3"))


def test_a_language_without_narration_words_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(
        tmp_path, PORTUGUESE_FACTSHEET.replace("language: pt-BR", "language: de"), slug="x"
    )
    assert main(["script", *folders(root)]) == 2
    err = capsys.readouterr().err
    assert "a language the narration has no words for yet" in err
    assert "Spanish (es), Portuguese (pt)" in err


@pytest.mark.parametrize(
    "language, written, spoken",
    [
        ("es", "Tome 5-10 mg al día.", "Tome 5 a 10 miligramos al día."),
        ("es", "Fiebre de más de 38 °C.", "Fiebre de más de 38 grados centígrados."),
        ("es", "Cuesta 15,50 €.", "Cuesta 15 euros con 50 céntimos."),
        ("es", "Abierto lun–vie.", "Abierto lunes a viernes."),
        ("es", "Cita el 3/4/2026.", "Cita el 3 de abril de 2026."),
        ("es", "Llame al 112 en una urgencia.", "Llame al 1 1 2 en una urgencia."),
        ("es", "Diabetes tipo II.", "Diabetes tipo 2."),
        ("es", "Músculos/piel.", "Músculos o piel."),
        ("es", "Médicos & enfermeras.", "Médicos y enfermeras."),
        ("pt", "Tome 5-10 mg por dia.", "Tome 5 a 10 miligramas por dia."),
        ("pt", "Custa R$ 1.200,00 por mês.", "Custa 1.200 reais por mês."),
        ("pt", "Custa R$ 9,90.", "Custa 9 reais e 90 centavos."),
        ("pt", "Aberto seg–sex.", "Aberto segunda-feira a sexta-feira."),
        ("pt", "Consulta em 25/12/2026.", "Consulta em 25 de dezembro de 2026."),
        ("pt-BR", "Ligue para 192.", "Ligue para 1 9 2."),
        ("pt", "Cerca de 30 % dos casos.", "Cerca de 30 por cento dos casos."),
        (
            "pt",
            "Visite www.exemplo.example/ajuda.",
            "Visite a página ajuda em exemplo ponto example.",
        ),
    ],
)
def test_leaflet_lines_in_spanish_and_portuguese(language: str, written: str, spoken: str) -> None:
    assert speak(written, Context(NO_TERMS, language)) == spoken


@pytest.mark.slow
def test_a_portuguese_factsheet_is_built_by_a_voice_that_speaks_it_and_the_check_says_so(
    tmp_path: Path, shared_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Built with espeak-ng's Brazilian voice (offline); the bundled recogniser hears
    English only, so the check says plainly that it did not judge the speech, and does
    not fail the audio for it."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    root = write_project(tmp_path, PORTUGUESE_FACTSHEET, PODCAST + ESPEAK_VOICES, slug="miosite")
    build = ["build", "-q", "--formats", "none", *folders(root, shared_cache)]
    assert main(build) == 0
    assert (root / "audio" / "miosite" / "miosite.mp3").is_file()
    assert (root / "audio" / "hold" / "miosite").is_dir()
    capsys.readouterr()
    assert main(["check", "--no-cache", *folders(root)]) == 0
    out = capsys.readouterr().out
    assert "not judged" in out and "hears English only" in out and "pt-BR" in out
    assert main(["voices", "--language", "pt", *folders(root)]) == 0
    listed = capsys.readouterr().out
    assert "pt-br" in listed and "espeak" in listed and "(no voice for 'pt')" in listed
    assert "pt       espeak pt-br" in listed
