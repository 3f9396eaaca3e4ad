# evcorridor — every target sets itself up: only Python 3.11 and make are needed.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out

.PHONY: setup run test lint data bench maps clean

# editable_mode=compat: a plain path entry in a .pth file instead of setuptools' import hook,
# which costs every `evcorridor` start about 15 ms (issue 12: --help and corridors list < 0.3 s)
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e . \
		--config-settings editable_mode=compat
	touch $(STAMP)

setup: $(STAMP)

## make run: plan and size every embedded corridor, verify both, write plans, sizings and reports
run: setup
	$(BIN)/evcorridor plan --all --out $(OUT)
	$(BIN)/evcorridor size $(OUT)/*/plan.json --out $(OUT)
	$(BIN)/evcorridor check $(OUT)
	$(BIN)/evcorridor report $(OUT)/*/plan.json --out $(OUT)

## make test: the whole test suite
test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check evcorridor tests scripts
	$(BIN)/mypy

## make data: rebuild data/ from ../shared/data (raw public sources)
data: setup
	$(BIN)/python scripts/build_data.py

bench: setup
	$(BIN)/python scripts/bench.py

## make maps: plan every shipped corridor; every map (PNG, SVG, offline HTML, strip chart) goes beside
## its plan in $(OUT)/<corridor>/, and the PNGs of the two showcase corridors are refreshed in docs/maps/
maps: setup
	$(BIN)/evcorridor plan --all --out $(OUT) --quiet
	$(BIN)/evcorridor map $(OUT)/*/plan.json
	$(BIN)/evcorridor map $(OUT)/i5-cascadia/plan.json $(OUT)/i35-laredo/plan.json --png --strip --out docs/maps

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
