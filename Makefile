# Quick start (see README.md):
#   make annotate   install into .venv and annotate the bundled sample drop
#   make test       install with test dependencies and run the tests
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DROP   ?= corpora/drops/sample
OUT    ?= out/sample.jsonl

.PHONY: install install-test annotate test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/python -m pip install -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install -e '.[test]'
	@# The review app's browser tests drive Debian's Chromium (no Playwright browser download).
	@if [ ! -x /usr/bin/chromium ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	fi

annotate: install
	$(BIN)/cables annotate $(DROP) --out $(OUT)

test: install-test
	$(BIN)/python -m pytest

bench: install
	$(BIN)/cables bench $(DROP)

clean:
	rm -rf out .pytest_cache
