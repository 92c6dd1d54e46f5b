# Relance: two commands do all the set-up on a fresh machine.
#   make run   - virtualenv, install, migrate, demo data, serve on http://127.0.0.1:$(PORT)
#   make test  - install test tools (chromium included when missing) and run the whole suite

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
export FLASK_APP := wsgi.py

.PHONY: run test install install-dev translations migrate demo system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed translations
install-dev: $(VENV)/.installed-dev translations

# Compile every area's French catalog (the .mo files are build output, not in git).
translations: $(VENV)/.installed
	@for dir in $$(find app -type d -name translations); do $(BIN)/pybabel -q compile -d $$dir || exit 1; done

migrate: install
	$(BIN)/flask db upgrade

demo: migrate
	$(BIN)/flask demo load

run: demo
	@echo ""
	@echo "  Relance is served on http://127.0.0.1:$(PORT)  (Ctrl+C to stop)"
	@echo ""
	$(BIN)/python -m app.serve --port $(PORT)

# System packages the tests drive: Debian's chromium (never `playwright install`, which
# downloads), LibreOffice Calc to open the recap workbooks and pango for the PDF letters. Installed only when missing.
APT := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get
system-deps:
	@[ -x /usr/bin/chromium ] || { echo "Installing Debian's chromium..."; \
		$(APT) update -qq && $(APT) install -y -qq chromium >/dev/null; }
	@ldconfig -p | grep -q libpango-1.0.so.0 || { echo "Installing pango (PDF letters)..."; \
		$(APT) update -qq && $(APT) install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }
	@command -v soffice >/dev/null || { echo "Installing LibreOffice Calc..."; \
		$(APT) update -qq && $(APT) install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null; }

# The dependency audit warns (and does not fail) when no vulnerability service is reachable.
test: install-dev system-deps
	$(BIN)/python tools/audit_dependencies.py
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) instance .pytest_cache test-results
