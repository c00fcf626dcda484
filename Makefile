# thidua-workflow: `make demo` and `make test` are the quick start (README).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# pytest workers: the machines have 2 cores.
WORKERS ?= 2

.PHONY: install demo test test-slow lint bench clean lock tools

# The PDF tests check output with poppler (pdftotext, pdffonts), qpdf and zbarimg; the browser test
# drives chromium; LibreOffice (soffice) turns the Word paperwork into PDF; the signing tests (and the
# demo) hold their keys in a SoftHSM2 token (Debian packages; .ci/run installs them).
tools:
	@for t in pdftotext qpdf zbarimg chromium soffice softhsm2-util; do command -v $$t >/dev/null || { echo "missing $$t: apt-get install poppler-utils qpdf zbar-tools chromium libreoffice-writer-nogui softhsm2"; exit 1; }; done

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@command -v softhsm2-util >/dev/null || { [ "$$(id -u)" -eq 0 ] && apt-get install -y -q softhsm2 >/dev/null; } \
		|| echo "softhsm2 not installed (apt-get install softhsm2): the demo then signs with no token"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: install
	THIDUA_DATA_DIR=$(CURDIR)/.thidua $(VENV)/bin/thidua demo --example examples/quang-binh

test: install tools
	$(PY) -m pytest -m "not slow" -n $(WORKERS) --dist loadgroup -q

test-slow: install tools
	$(PY) -m pytest -m slow -n $(WORKERS) --dist loadgroup -q

# ruff, mypy (strict), and the import contracts in pyproject.toml's [tool.importlinter].
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache --no-logo

# Every benchmark runs; those that missed their target are named at the end, and the target fails.
bench: install
	@failed=""; for b in bench/*.py; do echo "== $$b"; $(PY) $$b || failed="$$failed $$b"; done; \
	if [ -n "$$failed" ]; then echo "missed their targets:$$failed"; exit 1; fi

# Refresh the pinned versions after changing pyproject.toml's ranges.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/pip install --quiet -e '.[dev]'
	.lock-venv/bin/pip freeze --exclude-editable | grep -v '^thidua-workflow' > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .thidua .thidua-ballot .pytest_cache .mypy_cache .ruff_cache
