# Two commands for a fresh machine (see README.md):
#   make site   installs everything (a Chromium too, for PDFs) and builds the example
#               site into public/
#   make test   installs everything and runs the whole test suite
VENV := .venv
PY := $(VENV)/bin/python
TODAY ?=

.PHONY: site test install install-test lint

site: install
	$(VENV)/bin/mapsite build . $(if $(TODAY),--today $(TODAY))

test: install-test
	$(VENV)/bin/ruff check mapsite tests benchmarks
	$(VENV)/bin/ruff format --check mapsite tests benchmarks
	$(PY) -m pytest

$(PY):
	python3 -m venv $(VENV)

# An editable install leaves mapsite's own modules uncompiled, and where
# PYTHONDONTWRITEBYTECODE is set (CI, containers) Python compiles them again on every
# command: compiled once here, each command starts about 10% sooner.
install: $(PY)
	$(PY) -m pip install -q --disable-pip-version-check -e .
	$(PY) -m compileall -q mapsite
	PY=$(PY) bash scripts/install-browser.sh

install-test: $(PY)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	$(PY) -m compileall -q mapsite
	PY=$(PY) bash scripts/install-browser.sh
