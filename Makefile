# The two commands a new user runs: `make study` (the main job) and `make test`.
# Both run scripts/setup first, which installs the Debian packages MLPLab needs.

SWIFT ?= swift
BIN = .build/release/mlplab
# The tests' cache (decoded image folders, measured compute timings), apart from the user's
# ~/.cache/mlplab: timings measured while the suite loads every core would otherwise choose the
# plans of the user's own trainings.
TEST_CACHE = $(CURDIR)/.build/test-cache

.PHONY: setup build study test test-slurm test-asan test-tsan test-fuzz bench docs docs-check clean

setup:
	@bash scripts/setup

build: setup
	$(SWIFT) build -c release

# The main job: the assignment's study on Fashion-MNIST, report in report/index.html.
# Run again, it reuses the finished runs (and continues an interrupted one).
study: build
	$(BIN) study fashion-mnist -o report

# First the layers' order and the documentation's links (docs-check). Release mode: the numerical
# tests and the small end-to-end trainings run at real speed.
# The CLI tests run the binary that `build` made. The suite runs beside a one-node Slurm cluster
# that scripts/slurm starts for it (as root; MLPLAB_SLURM_CONF names it) and stops afterwards,
# also when a test fails; when it cannot start one, it says why and the Slurm tests are skipped.
# Then the whole suite again with the library, the tests and the tool built under
# AddressSanitizer (a separate build folder, .build-asan), without Slurm.
test: build
	python3 scripts/check-layers
	$(MAKE) docs-check
	MLPLAB_BINARY=$(CURDIR)/$(BIN) XDG_CACHE_HOME=$(TEST_CACHE) bash scripts/slurm run -- $(SWIFT) test -c release
	$(SWIFT) run -c release train-fashion-mnist
	$(MAKE) test-asan
	$(MAKE) test-fuzz

# The Slurm tests alone (Tests/MLPLabTests/CLI/SlurmTests.swift), beside their one-node cluster.
test-slurm: build
	$(SWIFT) build -c release --build-tests
	MLPLAB_BINARY=$(CURDIR)/$(BIN) XDG_CACHE_HOME=$(TEST_CACHE) bash scripts/slurm run -- $(SWIFT) test -c release --skip-build --filter SlurmTests

# LeakSanitizer suppressions (scripts/lsan.supp) cover leaks inside XCTest, Foundation's Process
# and swift-argument-parser at exit, none in MLPLab.
test-asan: setup
	$(SWIFT) build -c release --sanitize=address --scratch-path .build-asan --product mlplab
	LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp MLPLAB_BINARY=$(CURDIR)/.build-asan/release/mlplab XDG_CACHE_HOME=$(TEST_CACHE) \
		$(SWIFT) test -c release --sanitize=address --scratch-path .build-asan

# ThreadSanitizer: the suite and the tool again, in .build-tsan (about 7 minutes; not part of
# `make test`, which CI runs, so that CI stays well under 30 minutes on slower machines). libgomp is not instrumented;
# `Parallel` announces its regions' fork and join to TSan (Sources/COpenMP/shim.h). Tests that
# need a file-size limit are skipped here (TSan's runtime takes SIGBUS under `ulimit -f`).
test-tsan: setup
	$(SWIFT) build -c release --sanitize=thread --scratch-path .build-tsan --product mlplab
	MLPLAB_SANITIZER=thread MLPLAB_BINARY=$(CURDIR)/.build-tsan/release/mlplab XDG_CACHE_HOME=$(TEST_CACHE) \
		$(SWIFT) test -c release --sanitize=thread --scratch-path .build-tsan

# Every libFuzzer target (fuzz/) for 20 s from its seed corpus, so a parser regression that
# crashes on the seeds or nearby is caught; the long runs are by hand (bash fuzz/run 600).
test-fuzz: setup
	bash fuzz/run 20

# The library's documentation (DocC, offline): .build/plugins/Swift-DocC/outputs/MLPLab.doccarchive
docs: setup
	$(SWIFT) package --disable-sandbox generate-documentation --target MLPLab

# DocC with warnings as errors (offline, like docs): every ``symbol`` link in the catalog and in the
# doc comments must name a symbol that exists, and every topic a page. Twice: the public
# documentation that `docs` builds, then with internal symbols too (their doc comments' links),
# into .build/docc-internal so that the public archive stays public.
docs-check: setup
	$(SWIFT) package --disable-sandbox generate-documentation --target MLPLab --warnings-as-errors
	$(SWIFT) package --disable-sandbox generate-documentation --target MLPLab --warnings-as-errors \
		--symbol-graph-minimum-access-level internal --output-path .build/docc-internal

bench: build
	bash bench/run

clean:
	rm -rf .build .build-asan .build-tsan fuzz/.build
