# Two commands for a fresh machine (see README.md):
#   make site   installs everything (a Chromium too, for PDFs) and builds the example
#               site into public/
#   make test   installs everything and runs the whole test suite
VENV := .venv
PY := $(VENV)/bin/python
# The interpreter the virtual environment is made with (make site PYTHON=python3.12).
# Its build matters: benchmarks/README.md, "The interpreter".
PYTHON ?= python3
TODAY ?=

.PHONY: site test install install-test lint messages

site: install
	$(VENV)/bin/mapsite build . $(if $(TODAY),--today $(TODAY))

test: install-test
	$(VENV)/bin/ruff check mapsite tests benchmarks
	$(VENV)/bin/ruff format --check mapsite tests benchmarks
	$(PY) -m pytest

$(PY):
	$(PYTHON) -m venv $(VENV)

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

# The catalogs (docs/translating.md): every string of mapsite's code and templates into
# mapsite/locale/mapsite.pot, then into each language's mapsite.po (new strings empty,
# gone ones dropped). tests/test_i18n.py fails when the .pot is stale or a catalog
# misses a string.
LOCALES := mapsite/locale
messages: $(PY)
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k N_ -k NN_:1,2 -k pgettext:1c,2 -k npgettext:1c,2,3 \
		--no-location --sort-output --add-comments=Translators: --project=mapsite \
		--copyright-holder="mapsite contributors" -o $(LOCALES)/mapsite.pot .
	$(VENV)/bin/pybabel -q update -i $(LOCALES)/mapsite.pot -d $(LOCALES) -D mapsite \
		--no-fuzzy-matching --ignore-obsolete
