# The verbs a newcomer needs. Each creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test fuzz lint format bench clean browser redis

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files re-run pip only when a requirements file changes.
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

$(VENV)/.bench: requirements.txt requirements-dev.txt requirements-bench.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-bench.txt
	touch $@

# gunicorn alone would retry a taken port for a few seconds and end in a bare
# "make: *** Error 1"; this says which port is taken and how to choose another.
define PORT_CHECK
import socket, sys
bind = sys.argv[1]
host, _, port = bind.rpartition(":")
host = host.strip("[]") or "0.0.0.0"
if bind.startswith(("unix:", "fd://")) or not port.isdigit():
    sys.exit(0)
with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind((host, int(port)))
    except OSError as exc:
        sys.exit(
            f"make run: cannot listen on {bind}: {exc.strerror}.\n"
            f"Another program (perhaps chunkwise already running) holds port {port}.\n"
            f"Stop it, or start on another port: make run PORT={int(port) + 1}"
        )
endef
export PORT_CHECK
BIND = $${CHUNKWISE_BIND:-$(HOST):$(PORT)}

run: $(VENV)/.runtime
	@$(BIN)/python -c "$$PORT_CHECK" "$(BIND)"
	CHUNKWISE_BIND=$(BIND) $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# The browser tests drive Debian's Chromium and its driver; installed only when missing (CI runs as root).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver; \
	fi

# The shared /answer index store is tested against a real redis-server (Debian's); installed only when missing.
redis:
	@if ! command -v redis-server >/dev/null; then \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server; \
	fi

# newman (npm) runs the Postman collection in the tests; pinned by .tools/package-lock.json.
NEWMAN_STAMP := .tools/node_modules/.installed
$(NEWMAN_STAMP): .tools/package.json .tools/package-lock.json
	npm ci --prefix .tools --no-audit --no-fund
	touch $@

test: $(VENV)/.dev browser redis $(NEWMAN_STAMP)
	$(BIN)/python -m pytest

# Runs the Postman collection against a service already running (`make run` in
# another terminal); BASE_URL points it elsewhere. Needs npm for newman.
BASE_URL ?= http://$(HOST):$(PORT)
NEWMAN_ARGS ?=
postman:
	@[ -f $(NEWMAN_STAMP) ] || command -v npm >/dev/null \
		|| { echo "make postman: newman is installed with npm, which is missing (apt-get install npm)"; exit 2; }
	@$(MAKE) --no-print-directory $(NEWMAN_STAMP)
	@$(PYTHON) -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + '/healthz', timeout=30)" "$(BASE_URL)" 2>/dev/null \
		|| { echo "make postman: no chunkwise answers at $(BASE_URL); start it first (make run), or set BASE_URL=..."; exit 2; }
	.tools/node_modules/.bin/newman run samples/chunkwise.postman_collection.json --env-var baseUrl=$(BASE_URL) $(NEWMAN_ARGS)

# Random exploration, run on purpose: every property and schema test with a fresh seed and
# more examples. A failure prints the seed; `make fuzz SEED=n` repeats that exact run.
SEED ?= $(shell date +%s)
FUZZ_TESTS = $(shell grep -rlE "@given|schema.parametrize" tests --include=*.py)
fuzz: $(VENV)/.dev
	@echo "make fuzz: seed $(SEED)"
	@$(BIN)/python -m pytest -q --hypothesis-profile=fuzz --hypothesis-seed=$(SEED) $(FUZZ_TESTS) \
		|| { echo "make fuzz: failed with seed $(SEED); repeat with: make fuzz SEED=$(SEED)"; exit 1; }

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy app
	$(BIN)/hadolint Dockerfile
	$(BIN)/bandit -q -r app wsgi.py gunicorn.conf.py

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.bench
	$(BIN)/python -m benchmarks.bench_chunking
	$(BIN)/python -m benchmarks.bench_semantic
	$(BIN)/python -m benchmarks.bench_segmentation
	$(BIN)/python -m benchmarks.bench_semantic_defaults
	$(BIN)/python -m benchmarks.bench_semantic --http 1
	$(BIN)/python -m benchmarks.bench_answer
	$(BIN)/python -m benchmarks.bench_extractors
	$(BIN)/python -m benchmarks.bench_documents
	$(BIN)/python -m benchmarks.bench_tokens

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
