"""Numbers, doses, phone numbers, dates, symbols and web addresses, read the way a
listener needs them: a table of leaflet lines (UK and US), each checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import folders, write_project
from imnm_audio.check.terms import count, key_terms
from imnm_audio.cli import main
from imnm_audio.content import Lexicon
from imnm_audio.listen import normalise
from imnm_audio.narrate.rules import Context, speak

NO_TERMS = Lexicon(Path("lexicon.yaml"), ())

# (language, written, spoken). The first rows are the issue's: what NVIDIA's NeMo
# normaliser (nemo-text-processing 1.2.0) said for them is in NEMO below.
CASES = [
    (
        "en-GB",
        "Take 2 mg/kg/day of prednisone.",
        "Take 2 milligrams per kilogram per day of prednisone.",
    ),
    ("en-US", "Call 1-800-555-0199.", "Call 1, 8 0 0, 5 5 5, 0 1 9 9."),
    (
        "en-GB",
        "Our helpline on 0800 123 4567, 24/7.",
        "Our helpline on 0 8 0 0, 1 2 3, 4 5 6 7, 24 hours a day, 7 days a week.",
    ),
    (
        "en-GB",
        "In ~30% of adults (=malignancy).",
        "In about 30 percent of adults (meaning malignancy).",
    ),
    (
        "en-GB",
        "pain / redness / swelling; above 38°C; CK >10,000 IU/L",
        "pain or redness or swelling; above 38 degrees Celsius; "
        "C K more than 10,000 international units per litre",
    ),
    (
        "en-GB",
        "Appointments on 12/03/2025 at 2:30pm.",
        "Appointments on 12 March 2025 at 2:30 p m.",
    ),
    (
        "en-US",
        "Appointments on 12/03/2025 at 2:30pm.",
        "Appointments on December 3, 2025 at 2:30 p m.",
    ),
    (
        "en-GB",
        "Read more at https://www.nhs.uk/conditions/polymyositis/",
        "Read more at the polymyositis page on nhs dot uk",
    ),
    ("en-GB", "See www.example.org for help.", "See example dot org for help."),
    ("en-GB", "Take 5-10 mg once a day.", "Take 5 to 10 milligrams once a day."),
    ("en-US", "Take 5 to 10 mg twice a day.", "Take 5 to 10 milligrams twice a day."),
    (
        "en-GB",
        "Give 0.5 mg/kg/day, up to 60 mg.",
        "Give 0.5 milligrams per kilogram per day, up to 60 milligrams.",
    ),
    ("en-US", "A dose of 1 mg each morning.", "A dose of 1 milligram each morning."),
    (
        "en-GB",
        "Methotrexate 7.5–25 mg once a week.",
        "Methotrexate 7.5 to 25 milligrams once a week.",
    ),
    ("en-US", "Vitamin D 1,000 IU daily.", "Vitamin D 1,000 international units daily."),
    ("en-GB", "Infuse 2 g/kg over 5 days.", "Infuse 2 grams per kilogram over 5 days."),
    ("en-US", "250 mcg of vitamin B12.", "250 micrograms of vitamin B12."),
    ("en-GB", "50 µg of levothyroxine.", "50 micrograms of levothyroxine."),
    ("en-GB", "Drink 500 ml of water.", "Drink 500 millilitres of water."),
    ("en-US", "Drink 500 mL of water.", "Drink 500 milliliters of water."),
    ("en-GB", "CK above 10,000 U/L.", "C K above 10,000 units per litre."),
    ("en-US", "A temperature above 100.4°F.", "A temperature above 100.4 degrees Fahrenheit."),
    (
        "en-GB",
        "Blood pressure of 140/90 mmHg.",
        "Blood pressure of 140 over 90 millimetres of mercury.",
    ),
    ("en-GB", "About 1 in 4 people.", "About 1 in 4 people."),
    ("en-GB", "Half a tablet (1/2) twice a day.", "Half a tablet (a half) twice a day."),
    ("en-US", "Take 3/4 of the dose.", "Take three quarters of the dose."),
    ("en-GB", "Repeat x2 if needed.", "Repeat times 2 if needed."),
    ("en-GB", "For 10+ years.", "For 10 or more years."),
    ("en-US", "Adults ≥ 18 years old.", "Adults at least 18 years old."),
    ("en-GB", "A score ≤ 3 is mild.", "A score at most 3 is mild."),
    ("en-US", "Weight changes of ±2 kg.", "Weight changes of plus or minus 2 kilograms."),
    ("en-GB", "Levels < 5 are normal.", "Levels less than 5 are normal."),
    ("en-GB", "Doctors & nurses.", "Doctors and nurses."),
    ("en-GB", "Steroids, e.g. prednisolone, help.", "Steroids, for example prednisolone, help."),
    (
        "en-US",
        "Immunosuppressants, i.e. drugs that calm the immune system.",
        "Immunosuppressants, that is drugs that calm the immune system.",
    ),
    ("en-GB", "Rest, fluids, etc. help.", "Rest, fluids, and so on help."),
    ("en-US", "Surgery vs. medicine.", "Surgery versus medicine."),
    ("en-GB", "approx. 20 minutes.", "approximately 20 minutes."),
    ("en-GB", "Dr. Jones will see you.", "Doctor Jones will see you."),
    ("en-GB", "St. Thomas' Hospital.", "Saint Thomas' Hospital."),
    ("en-GB", "Ring NHS 111 or call 999.", "Ring N H S 1 1 1 or call 9 9 9."),
    ("en-US", "Call 911 in an emergency.", "Call 9 1 1 in an emergency."),
    ("en-GB", "Email info@myositis.org.uk today.", "Email info at myositis dot org dot uk today."),
    ("en-US", "Write to help-desk@example.com.", "Write to help dash desk at example dot com."),
    (
        "en-GB",
        "Call +44 20 7946 0958 from abroad.",
        "Call plus 4 4, 2 0, 7 9 4 6, 0 9 5 8 from abroad.",
    ),
    ("en-GB", "Call 020 7946 0958.", "Call 0 2 0, 7 9 4 6, 0 9 5 8."),
    ("en-US", "Call (212) 555-0143.", "Call 2 1 2, 5 5 5, 0 1 4 3."),
    ("en-GB", "Text 07911 123456.", "Text 0 7 9 1 1, 1 2 3, 4 5 6."),
    ("en-GB", "Open 9am to 5pm.", "Open 9 a m to 5 p m."),
    ("en-US", "Open 9 a.m. to 5 p.m.", "Open 9 a m to 5 p m."),
    ("en-GB", "On 2025-03-12.", "On 12 March 2025."),
    ("en-GB", "On 31/12/2025.", "On 31 December 2025."),
    ("en-US", "On 12/31/2025.", "On December 31, 2025."),
    (
        "en-GB",
        "Weakness — often in the hips — is common.",
        "Weakness, often in the hips, is common.",
    ),
    (
        "en-GB",
        "Weakness – often in the hips – is common.",
        "Weakness, often in the hips, is common.",
    ),
    ("en-GB", "Treatment can last 2–3 years.", "Treatment can last 2 to 3 years."),
    ("en-GB", "Muscle/skin symptoms.", "Muscle or skin symptoms."),
    (
        "en-GB",
        "1st, 2nd and 3rd lines of treatment.",
        "first, second and third lines of treatment.",
    ),
    ("en-US", "A 50% chance.", "A 50 percent chance."),
    ("en-GB", "Fewer than 5 per cent of people.", "Fewer than 5 per cent of people."),
    ("en-GB", "Height in cm and weight in kg.", "Height in cm and weight in kg."),
    (
        "en-GB",
        "Visit https://www.mayoclinic.org/diseases-conditions/dermatomyositis/"
        "diagnosis-treatment/drc-20353192 for more.",
        "Visit the diagnosis treatment page on mayoclinic dot org for more.",
    ),
    ("en-GB", "No. 5 on the list.", "Number 5 on the list."),
    ("en-GB", "CRP of 5 mg/L.", "C R P of 5 milligrams per litre."),
    ("en-US", "Glucose 5.5 mmol/L.", "Glucose 5.5 millimoles per liter."),
    (
        "en-GB",
        "Ring the helpline on 0345 678 9012.",
        "Ring the helpline on 0 3 4 5, 6 7 8, 9 0 1 2.",
    ),
    ("en-US", "Take 10–20 mg/day.", "Take 10 to 20 milligrams per day."),
    ("en-GB", "Between 2 and 4 mg.", "Between 2 and 4 milligrams."),
]

# Leaflet lines of the kinds real leaflets bring (capitals, money, days, phone numbers of
# any country, numerals after type/stage, powers of ten, units of lab results, ordinals,
# fractions, arrows), UK and US: each checked word for word.
LEAFLET_LINES = [
    ("en-GB", "WHAT IS POLYMYOSITIS?", "what is polymyositis?"),
    (
        "en-GB",
        "IMPORTANT: DO NOT STOP TAKING YOUR STEROIDS SUDDENLY.",
        "important: do not stop taking your steroids suddenly.",
    ),
    (
        "en-GB",
        "AZATHIOPRINE (IMURAN) can affect the blood.",
        "azathioprine, or imuran, can affect the blood.",
    ),
    ("en-GB", "See NICE NG12 for the guideline.", "See nice N G 12 for the guideline."),
    ("en-GB", "Ask your GP or call NHS 111.", "Ask your G P or call N H S 1 1 1."),
    ("en-GB", "Go to A&E if you cannot breathe.", "Go to A and E if you cannot breathe."),
    ("en-GB", "You may need a CT scan and an ECG.", "You may need a C T scan and an E C G."),
    (
        "en-US",
        "COVID vaccines are safe with most treatments.",
        "covid vaccines are safe with most treatments.",
    ),
    ("en-US", "People with AIDS can also get myositis.", "People with aids can also get myositis."),
    ("en-GB", "Your TPMT level is checked first.", "Your T P M T level is checked first."),
    ("en-GB", "CYTOXAN is a brand of cyclophosphamide.", "cytoxan is a brand of cyclophosphamide."),
    (
        "en-GB",
        "WARNING: KEEP OUT OF THE SIGHT AND REACH OF CHILDREN.",
        "warning: keep out of the sight and reach of children.",
    ),
    (
        "en-US",
        "CALL YOUR DOCTOR RIGHT AWAY IF YOU HAVE A FEVER.",
        "call your doctor right away if you have a fever.",
    ),
    ("en-GB", "SEE YOUR GP TODAY.", "see your G P today."),
    ("en-GB", "LIVING WITH MS", "living with M S"),
    ("en-US", "IN THE US, CALL 911.", "in the U S, call 9 1 1."),
    ("en-GB", "A prescription costs £9.90.", "A prescription costs 9 pounds 90."),
    ("en-GB", "The certificate is £1 a week.", "The certificate is 1 pound a week."),
    ("en-GB", "A 50p donation helps.", "A 50 pence donation helps."),
    ("en-US", "It costs $12.50 a month.", "It costs 12 dollars 50 a month."),
    ("en-GB", "Parking is €15 a day.", "Parking is 15 euros a day."),
    (
        "en-GB",
        "A 3-month PPC costs £32.05; a 12-month one £114.50.",
        "A 3-month P P C costs 32 pounds 5; a 12-month one 114 pounds 50.",
    ),
    ("en-GB", "Tickets are £5–£10.", "Tickets are 5 to 10 pounds."),
    ("en-US", "Plans cost $20 to $40 per month.", "Plans cost 20 to 40 dollars per month."),
    ("en-GB", "Membership is £24/year.", "Membership is 24 pounds per year."),
    (
        "en-GB",
        "The charity raised £2m last year.",
        "The charity raised 2 million pounds last year.",
    ),
    ("en-GB", "Open Mon–Fri, 9am–5pm.", "Open Monday to Friday, 9 a m to 5 p m."),
    ("en-GB", "Open Sat & Sun 10am-4pm.", "Open Saturday and Sunday 10 a m to 4 p m."),
    ("en-US", "Hours: Mon-Thurs 8:30am-6pm.", "Hours: Monday to Thursday 8:30 a m to 6 p m."),
    ("en-GB", "The clinic is open Tues 3 June.", "The clinic is open Tuesday 3 June."),
    ("en-GB", "Results by 3 Jan 2025.", "Results by 3 January 2025."),
    ("en-US", "Starting Sept 2025.", "Starting September 2025."),
    ("en-US", "Call by Dec 1, 2025.", "Call by December 1, 2025."),
    ("en-GB", "Support is available 24 hrs a day.", "Support is available 24 hours a day."),
    ("en-GB", "In the US call (617) 555-0142.", "In the U S call 6 1 7, 5 5 5, 0 1 4 2."),
    ("en-GB", "Or call 617-555-0142 from the UK.", "Or call 6 1 7, 5 5 5, 0 1 4 2 from the U K."),
    ("en-US", "From the UK, call 0800 123 4567.", "From the U K, call 0 8 0 0, 1 2 3, 4 5 6 7."),
    ("en-US", "In Ireland call +353 1 234 5678.", "In Ireland call plus 3 5 3, 1, 2 3 4, 5 6 7 8."),
    (
        "en-GB",
        "In Australia call +61 2 9876 5432.",
        "In Australia call plus 6 1, 2, 9 8 7 6, 5 4 3 2.",
    ),
    ("en-GB", "Our Dublin office: 01 234 5678.", "Our Dublin office: 0 1, 2 3 4, 5 6 7 8."),
    ("en-US", "Our London office: 020 7946 0958.", "Our London office: 0 2 0, 7 9 4 6, 0 9 5 8."),
    (
        "en-GB",
        "Please ask contact 024 76967419 and we will help.",  # a long group: its parts
        "Please ask contact 0 2 4, 7 6 9 6, 7 4 1 9 and we will help.",
    ),
    ("en-GB", "Ring 02476967419 today.", "Ring 0 2 4, 7 6 9 6, 7 4 1 9 today."),
    ("en-GB", "Type II diabetes is common.", "Type 2 diabetes is common."),
    ("en-GB", "Stage IV cancer needs other treatment.", "Stage 4 cancer needs other treatment."),
    ("en-US", "A grade 3 reaction is serious.", "A grade 3 reaction is serious."),
    ("en-GB", "See Part III of the leaflet.", "See Part 3 of the leaflet."),
    ("en-US", "This phase II trial is recruiting.", "This phase 2 trial is recruiting."),
    ("en-GB", "IV steroids are given in hospital.", "I V steroids are given in hospital."),
    ("en-GB", "See section 1.2.3 for more.", "See section 1 point 2 point 3 for more."),
    ("en-GB", "Platelets 150 x10⁹/L.", "Platelets 150 times 10 to the power of 9 per litre."),
    (
        "en-GB",
        "Neutrophils below 1.5 ×10^9/L.",
        "Neutrophils below 1.5 times 10 to the power of 9 per litre.",
    ),
    ("en-US", "White cells 4 to 11 10^9/L.", "White cells 4 to 11 10 to the power of 9 per liter."),
    ("en-GB", "HbA1c of 48 mmol/mol.", "HbA1c of 48 millimoles per mole."),
    (
        "en-US",
        "Vitamin D above 30 IU/mL.",
        "Vitamin D above 30 international units per milliliter.",
    ),
    ("en-GB", "Your 1st dose is in hospital.", "Your first dose is in hospital."),
    ("en-US", "The 2nd and 3rd doses are at home.", "The second and third doses are at home."),
    ("en-GB", "Take ½ a tablet.", "Take half a tablet."),
    ("en-GB", "Take 1½ tablets a day.", "Take 1 and a half tablets a day."),
    ("en-US", "Use ¼ of the cream.", "Use a quarter of the cream."),
    ("en-GB", "Weight ≈ 70 kg.", "Weight about 70 kilograms."),
    ("en-GB", "Steroids → weight gain.", "Steroids to weight gain."),
    ("en-US", "Doctors & nurses can help.", "Doctors and nurses can help."),
    ("en-GB", "Calcium & vitamin D.", "Calcium and vitamin D."),
    ("en-US", "Medicare covers $0.50 of each visit.", "Medicare covers 50 cents of each visit."),
    ("en-GB", "A 1p coin.", "A 1 penny coin."),
    ("en-GB", "Budget of £1.5m for research.", "Budget of 1.5 million pounds for research."),
    ("en-US", "Costs $1,000 to $2,000 a year.", "Costs 1,000 to 2,000 dollars a year."),
    (
        "en-GB",
        "The helpline is open Mon–Thu 9am–8pm and Fri 9am–5pm.",
        "The helpline is open Monday to Thursday 9 a m to 8 p m and Friday 9 a m to 5 p m.",
    ),
    ("en-US", "Closed Sat and Sun.", "Closed Saturday and Sunday."),
    ("en-US", "Tests on Tues, Jan 7.", "Tests on Tuesday, January 7."),
    ("en-GB", "IN AN EMERGENCY CALL 999.", "in an emergency call 9 9 9."),
    ("en-GB", "HOW DO I TAKE METHOTREXATE?", "how do I take methotrexate?"),
    ("en-US", "WHO CAN GET THE COVID VACCINE?", "who can get the covid vaccine?"),
    (
        "en-GB",
        "Call the NHS on +44 300 123 4567.",
        "Call the N H S on plus 4 4, 3 0 0, 1 2 3, 4 5 6 7.",
    ),
    ("en-US", "From Canada call 1-800-555-0199.", "From Canada call 1, 8 0 0, 5 5 5, 0 1 9 9."),
    ("en-GB", "Class III obligations apply.", "Class 3 obligations apply."),
]


def test_the_new_table_has_sixty_leaflet_lines_from_both_sides_of_the_atlantic() -> None:
    assert len(LEAFLET_LINES) >= 60
    assert {lang for lang, _, _ in LEAFLET_LINES} == {"en-GB", "en-US"}


@pytest.mark.parametrize(("language", "written", "spoken"), LEAFLET_LINES)
def test_a_leaflet_line_in_capitals_prices_days_or_phone_numbers_is_read_right(
    language: str, written: str, spoken: str
) -> None:
    assert speak(written, Context(NO_TERMS, language)) == spoken


NEMO = {
    "Take 2 mg/kg/day of prednisone.": "two mg slash kg slash day",
    "Our helpline on 0800 123 4567, 24/7.": "zero eight zero zero one hundred and twenty "
    "three four thousand five hundred and sixty seven; 24/7 as twenty four sevenths",
    "In ~30% of adults (=malignancy).": "tilde thirty percent (equal sign malignancy)",
    "Appointments on 12/03/2025 at 2:30pm.": "december third (for an en-GB factsheet)",
    "Read more at https://www.nhs.uk/conditions/polymyositis/": "HTTPS colon slash slash "
    "WWW dot nhs.uk slash conditions slash polymyositis slash",
}


def test_the_table_has_sixty_cases_from_both_sides_of_the_atlantic() -> None:
    assert len(CASES) >= 60
    assert {lang for lang, _, _ in CASES} == {"en-GB", "en-US"}
    assert set(NEMO) <= {written for _, written, _ in CASES}


@pytest.mark.parametrize(("language", "written", "spoken"), CASES)
def test_a_leaflet_line_is_read_as_a_listener_needs(
    language: str, written: str, spoken: str
) -> None:
    assert speak(written, Context(NO_TERMS, language)) == spoken


NUMBERS_FACTSHEET = """\
---
title: Doses and helplines
short_title: Doses
organisation: Test Charity
language: en-GB
source_url: https://example.org/doses
summary: Doses and numbers.
published: 2026-01-15
resources:
  - title: the NHS
    url: https://www.nhs.uk/conditions/polymyositis/
  - title: our helpline
    url: "tel:+448001234567"
---

## 1.1 How much do I take?

Take 2 mg/kg/day of prednisone. Call our helpline on 0800 123 4567, 24/7.
"""


def test_the_script_says_numbers_and_the_transcript_keeps_what_was_written(
    tmp_path: Path,
) -> None:
    root = write_project(tmp_path, NUMBERS_FACTSHEET, slug="doses")
    assert main(["script", "-q", *folders(root)]) == 0
    data = yaml.safe_load((root / "scripts" / "doses.yaml").read_text())
    intro, section, closing = data["chapters"]
    said = {s["display"]: s["spoken"] for c in data["chapters"] for s in c["segments"]}
    # The listener hears the chapter number once, not the print number too.
    assert said["1. 1.1 How much do I take?"] == "1: How much do I take?"
    assert said["1.1 How much do I take?"] == "How much do I take?"
    # Display and transcripts keep the factsheet's words; the voice gets them said.
    assert said["Take 2 mg/kg/day of prednisone."] == (
        "Take 2 milligrams per kilogram per day of prednisone."
    )
    assert said["Call our helpline on 0800 123 4567, 24/7."] == (
        "Call our helpline on 0 8 0 0, 1 2 3, 4 5 6 7, 24 hours a day, 7 days a week."
    )
    # A page is said as what it is and where; the site alone is spelled, letters only.
    closing_said = [(s["display"], s["spoken"], s.get("rate", 1.0)) for s in closing["segments"]]
    assert closing_said[0][1] == (
        "To learn more, visit the {NHS} at the polymyositis page on nhs dot uk."
        if "{NHS}" in closing_said[0][1]
        else "To learn more, visit the N H S at the polymyositis page on nhs dot uk."
    )
    assert closing_said[1] == (
        "That address again, spelled out: nhs.uk.",
        "That address again, spelled out: n, h, s; dot; uk.",
        0.85,
    )
    # A helpline resource is read in its groups, then once more, slowly.
    assert closing_said[2][:2] == (
        "To reach our helpline, call 0800 123 4567.",
        "To reach our helpline, call 0 8 0 0, 1 2 3, 4 5 6 7.",
    )
    assert closing_said[3] == (
        "That number again: 0800 123 4567.",
        "That number again: 0 8 0 0, 1 2 3, 4 5 6 7.",
        0.85,
    )
    # The chapter links stay web addresses: a phone number is not a chapter link.
    assert closing["urls"] == ["https://www.nhs.uk/conditions/polymyositis/"]


def test_a_phone_resource_must_be_a_number_someone_can_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(
        tmp_path, NUMBERS_FACTSHEET.replace("tel:+448001234567", "tel:12"), slug="doses"
    )
    assert main(["script", "-q", *folders(root)]) == 2
    err = capsys.readouterr().err
    assert "factsheet.md" in err and "tel:+448001234567" in err
    assert not (root / "scripts").exists()


def test_doses_and_phone_digits_are_key_terms_and_a_wrong_one_is_not_heard() -> None:
    display = "Take 2 mg/kg/day. Call 0800 123 4567."
    spoken = speak(display, Context(NO_TERMS, "en-GB"))
    dose, phone = "2 milligrams per kilogram per day", "0 8 0 0, 1 2 3, 4 5 6 7"
    assert key_terms(display, NO_TERMS, spoken, "en-GB") == [dose, phone]
    # The recogniser may write the units short and the number as digits...
    heard = normalise("Take 2 mg per kg per day. Call 0800 123 4567.")
    assert count(dose, heard) == 1 and count(phone, heard) == 1
    # ...but a different dose or a different digit is a miss, however close it looks.
    wrong = normalise("Take 4 mg per kg per day. Call 0800 123 4557.")
    assert count(dose, wrong) == 0 and count(phone, wrong) == 0


@pytest.mark.slow
def test_a_dose_read_wrongly_fails_the_check(
    tmp_path: Path, shared_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(tmp_path, NUMBERS_FACTSHEET, slug="doses")
    build = ["build", "-q", "--no-hold", "--formats", "none", *folders(root, shared_cache)]
    assert main(build) == 0
    main(["check", "--no-cache", "-q", *folders(root)])
    report = json.loads((root / "audio" / "doses" / "doses.check.json").read_text())
    dose, phone = "2 milligrams per kilogram per day", "0 8 0 0, 1 2 3, 4 5 6 7"
    assert not {dose, phone} & {s["term"] for s in report["suspects"]}
    # The same script with the dose said as 4: what the listener hears is wrong.
    script = root / "scripts" / "doses.yaml"
    script.write_text(script.read_text().replace("Take 2 milligrams", "Take 4 milligrams"))
    assert main(build) == 0  # a reviewed script edited by hand is built as written
    capsys.readouterr()
    assert main(["check", "--no-cache", *folders(root)]) == 1
    report = json.loads((root / "audio" / "doses" / "doses.check.json").read_text())
    suspect = {s["term"]: s for s in report["suspects"]}
    assert dose in suspect and suspect[dose]["heard"] == 0
    assert "spoken wrong" in capsys.readouterr().out
