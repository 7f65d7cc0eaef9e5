# The two commands a fresh machine needs: `make audio` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: audio test lint scripts check bench bench-studio mutate bench-check calibrate stress studio clean protections structure fresh starter-lexicon bench-publish fresh-nhlbi

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,check,cluster,publish]'
	touch $(STAMP)

audio: $(STAMP)  ## build every factsheet into audio/ with the offline voice
	$(BIN)/imnm-audio build

test: $(STAMP)  ## run the test suite
	$(BIN)/python -m pytest

scripts: $(STAMP)  ## regenerate narration scripts for review
	$(BIN)/imnm-audio script

bench: $(STAMP)  ## measure build speed, rebuilds and memory; writes docs/BENCHMARKS.md
	$(BIN)/python benchmarks/run.py --runs 3
	$(BIN)/python benchmarks/publish_speed.py --sheets 20

bench-publish: $(STAMP)  ## publish 20 factsheets to a web root and to S3 (moto): cold, unchanged, one changed
	$(BIN)/python benchmarks/publish_speed.py --sheets 20

mutate: $(STAMP)  ## mutation testing of the studio's security code (cosmic-ray): every mutant killed or explained
	$(BIN)/python -m pip install --quiet 'cosmic-ray>=8.3'
	rm -f .mutate.sqlite
	$(BIN)/cosmic-ray init benchmarks/mutate.toml .mutate.sqlite
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/cosmic-ray exec benchmarks/mutate.toml .mutate.sqlite
	$(BIN)/python benchmarks/mutate_report.py .mutate.sqlite --json benchmarks/results/mutate.json

bench-studio: $(STAMP)  ## the studio's start-up and page answers, idle and while two long PDFs are imported
	$(BIN)/python benchmarks/studio_speed.py --uploads 2 --json benchmarks/results/studio_speed.json

bench-check: $(STAMP)  ## time the check: whole, kept, nothing changed, one word changed (IMNM)
	$(BIN)/python benchmarks/check_speed.py --json benchmarks/results/incremental_check.json

protections: $(STAMP)  ## take each import protection out in turn and watch its test fail
	$(BIN)/python benchmarks/protections.py --json benchmarks/results/protections.json

structure: $(STAMP)  ## sections and titles against hand labels (needs the corpus: IMNM_CORPUS=DIR)
	$(BIN)/python benchmarks/import_structure.py --json benchmarks/results/import_structure.json --readme

fresh: $(STAMP)  ## leaflets never tuned on, heard by Whisper base (IMNM_FRESH="FILE ..."; needs ../shared/tools/whisper-base)
	$(BIN)/python benchmarks/fresh_leaflets.py --model "$$(bash ../shared/tools/whisper-base | tail -1)" \
		--json benchmarks/results/fresh_leaflets.json $(IMNM_FRESH)

fresh-nhlbi: $(STAMP)  ## the third round: four NHLBI pages committed in benchmarks/leaflets, heard by Whisper base
	$(BIN)/python benchmarks/fresh_leaflets.py --model "$$(bash ../shared/tools/whisper-base | tail -1)" \
		--json benchmarks/results/fresh_leaflets_round3.json benchmarks/leaflets/*.html

starter-lexicon: $(STAMP)  ## count medicine and condition names in leaflets (IMNM_LEAFLETS="DIR ..."), hear each with two recognisers
	$(BIN)/python benchmarks/starter_lexicon.py count $(IMNM_LEAFLETS) --hold-out $(notdir $(IMNM_FRESH))
	$(BIN)/python benchmarks/starter_lexicon.py hear --model "$$(bash ../shared/tools/whisper-base | tail -1)"

calibrate: $(STAMP)  ## the check's scores on 5 fresh syntheses of every factsheet with each offline voice
	$(BIN)/python benchmarks/calibrate.py --runs 5 --engine hibari --engine piper

stress: $(STAMP)  ## long fault-injection and fuzz runs (40 kills, 3000 fuzz examples)
	IMNM_STRESS_KILLS=40 IMNM_FUZZ_EXAMPLES=3000 $(BIN)/python -m pytest -q \
		tests/test_reliability.py tests/test_fuzz.py tests/test_import_fuzz.py

check: $(STAMP)  ## proof-listen to the built episodes (after make audio)
	$(BIN)/imnm-audio check

studio: $(STAMP)  ## the studio: the whole job in a browser (prints its address)
	$(BIN)/imnm-audio studio

lint: $(STAMP)
	$(BIN)/ruff check src tests

clean:
	rm -rf audio/*/ .cache .pytest_cache
