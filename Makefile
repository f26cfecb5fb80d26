# docassemble-MediationAgreement
#   make serve  a real docassemble server with the interviews on 127.0.0.1 (PORT=8080); prints URLs and admin login
#   make stop   stop what `make serve` started
#   make demo   install into .venv and run every example end to end into out/
#   make test   install (with test tools) and run the whole test suite
#   make bench  run the benchmarks and print the figures quoted in the README
#   make fuzz   10,000 generated hostile case files through `assemble` (about 15 minutes on 2 cores)
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: install install-test system serve stop demo test bench fuzz golden lint check clean

$(PY):
	$$(scripts/find-python.sh) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel

$(STAMP): setup.py | $(PY)
	$(BIN)/pip install -q -e .
	touch $@

$(TEST_STAMP): setup.py | $(PY)
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP) $@

install: $(STAMP)  ## the package and the mediation-agreement command, in .venv

install-test: system $(TEST_STAMP)

system:  ## system packages (apt) the tests need
	scripts/install-system-packages.sh

serve:  ## docassemble on 127.0.0.1 with PostgreSQL and Redis, state in .serve/ (docs/server.md)
	scripts/serve.sh start $(if $(filter command line,$(origin PORT)),--port $(PORT)) $(if $(filter command line,$(origin PROCESSES)),--processes $(PROCESSES))

stop:  ## stop the server, Redis and PostgreSQL that `make serve` started
	scripts/stop.sh

demo: install
	$(PY) scripts/demo.py --out out

# The browser tests run in their own process: Playwright's sync API keeps an
# event loop in the main thread, where pyHanko's signing (asyncio.run) cannot then run.
test: install-test
	$(PY) -m pytest -q --ignore=tests/e2e
	$(PY) -m pytest -q tests/e2e

bench: install-test  ## bench_screens drives the interview with docassemble.base (a test extra)
	$(PY) benchmarks/run_all.py

fuzz: install  ## hostile case files made from the examples; exit 1 on any traceback, run over 5 s or partial output
	$(PY) scripts/fuzz_cases.py --count $(or $(COUNT),10000)

golden: install  ## regenerate tests/golden/*.txt and tests/golden/es/*.txt (the Spanish copies) from the examples; read `git diff tests/golden` before committing
	$(PY) -m pytest -q tests/test_golden.py tests/test_spanish_copy.py -k golden --update-golden

lint: install
	$(BIN)/mediation-agreement lint

clean:
	rm -rf out build dist *.egg-info tests/output

check: install-test  ## static checks: ruff over the code, lint over the clause library
	$(BIN)/ruff check docassemble tests benchmarks scripts
	$(BIN)/mediation-agreement lint
