# The two commands a new user runs: `make study` (the main job) and `make test`.
# Both run scripts/setup first, which installs the Debian packages MLPLab needs.

SWIFT ?= swift
BIN = .build/release/mlplab

.PHONY: setup build study test bench clean

setup:
	@bash scripts/setup

build: setup
	$(SWIFT) build -c release

# The main job: the assignment's study on Fashion-MNIST, report in report/index.html.
# Run again, it reuses the finished runs (and continues an interrupted one).
study: build
	$(BIN) study fashion-mnist -o report

# Release mode: the numerical tests and the small end-to-end trainings run at real speed.
# The CLI tests run the binary that `build` made.
test: build
	MLPLAB_BINARY=$(CURDIR)/$(BIN) $(SWIFT) test -c release

bench: build
	bash bench/run

clean:
	rm -rf .build
