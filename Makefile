# Tandem: two commands on a fresh Debian machine.
#   make demo   sets everything up (llama.cpp build, model, Swift build) and runs the main job
#   make test   sets everything up and runs the test suite on real libllama and a real model
#
# llama.cpp builds once into a cache prefix outside the clone ($(HOME)/.cache/tandem/llama/...);
# later runs reuse it.

SHELL := /bin/bash
PREFIX := $(shell vendor-build/prefix.sh)
export PKG_CONFIG_PATH := $(PREFIX)/lib/pkgconfig$(if $(PKG_CONFIG_PATH),:$(PKG_CONFIG_PATH))
export TANDEM_LLAMA_PREFIX := $(PREFIX)
CONFIG ?= release
# The rpath lets the built binaries find libllama without LD_LIBRARY_PATH.
SWIFT_FLAGS := -c $(CONFIG) -Xlinker -rpath -Xlinker $(PREFIX)/lib
BIN := .build/$(CONFIG)
# The test model (small and fast) and the demo's worker model (chosen from the pipeline benchmark).
MODEL := models/SmolLM2-135M-Instruct.Q4_1.gguf
DEMO_MODEL := models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf

.PHONY: all llama models fixtures build demo test clean-cache help

all: build

help:
	@echo "make demo    build everything and run the demo"
	@echo "make test    build everything and run the tests"
	@echo "make build   build tandem and tandem-bench ($(BIN))"
	@echo "make models  fetch and verify the models in models/manifest.tsv"
	@echo "make llama   build llama.cpp into $(PREFIX)"

# Always runs: it checks the Debian prerequisites, then returns at once when the prefix is built.
llama:
	vendor-build/build.sh >/dev/null

models: $(MODEL)

$(MODEL):
	models/fetch.sh smollm2-135m-instruct-q4_1

fixtures: llama
	Tests/Fixtures/make-tiny-models.sh

build: llama swift-toolchain
	swift build $(SWIFT_FLAGS)

swift-toolchain:
	@command -v swift >/dev/null || { echo "error: no Swift toolchain on PATH (Swift 6 is needed: see README)"; exit 1; }

.PHONY: swift-toolchain

$(DEMO_MODEL):
	models/fetch.sh qwen2.5-coder-0.5b-instruct-q4_k_m

# The main job: the offline receipt pipeline on the bundled sample with the local model on (the
# rules decide what they are sure of, the model the rest; the summary says who decided each
# field), then the local model itself.
demo: build models $(DEMO_MODEL)
	$(BIN)/tandem --offline run examples/receipts/plan.json --input examples/receipts/sample.jsonl \
	    --out receipts.results.jsonl --force -m $(DEMO_MODEL)
	$(BIN)/tandem --offline generate -m $(DEMO_MODEL) --max-tokens 64 \
	    -p "In two sentences, explain why running a language model locally keeps documents private."

tools:
	Tests/Fixtures/setup-tools.sh

.PHONY: tools

test: llama models fixtures tools swift-toolchain
	swift build $(SWIFT_FLAGS) --build-tests
	# Tests run many engines at once on few cores: OpenMP threads that spin while waiting
	# would starve each other (60x slower), so they sleep instead.
	OMP_WAIT_POLICY=PASSIVE TANDEM_TEST_MODEL=$(CURDIR)/$(MODEL) swift test $(SWIFT_FLAGS) --skip-build
	# The benchmark target's smoke run (figures are printed, not asserted).
	$(BIN)/tandem-bench --quick -m $(MODEL)

clean-cache:
	rm -rf "$(PREFIX)"
