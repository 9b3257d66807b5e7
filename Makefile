# Tagdesk. The two commands the README gives:
#   make run    install what is missing (Debian/Ubuntu packages, Go), build and start the app
#   make test   install what is missing, then go vet, the tests and the real-window test
# Others: make build, make bench (the scale budgets, side by side with the sqlite3 shell), make
# bench-all (every Go benchmark), make fuzz, make fuzz-long, make crash (1000 rounds of the
# crash-safety test).

GO      := .ci/go
TAGS    := migrated_fynedo
BIN     := ./tagdesk
FUZZTIME ?= 1m
FUZZFLAGS ?= -fuzzminimizetime 20x

export LANG ?= C.UTF-8

.PHONY: run test build deps test-deps bench-deps vet unit window-test bench bench-all fuzz fuzz-long crash clean

run: deps build
	$(BIN) $(ARGS)

build:
	$(GO) build -tags $(TAGS) -o $(BIN) .

test: test-deps vet unit window-test

deps:
	@.ci/deps

test-deps:
	@.ci/deps test

bench-deps:
	@.ci/deps bench

vet:
	$(GO) vet -tags $(TAGS) ./...

unit:
	$(GO) test -tags $(TAGS) ./...

window-test: build
	.ci/window-test $(BIN)

# The scale budgets in one run, with figures and ratios: a synthetic project of 100,000 articles and
# 1,000,000 spans imported and exported by Tagdesk and by the sqlite3 shell, start-up with it, and the
# Go benchmarks of search, scrolling, agreement and merge (about 10 minutes; see README, Performance).
bench: bench-deps build
	.ci/bench-scale $(BIN)

# Every Go benchmark, three times each.
bench-all:
	$(GO) test -tags $(TAGS) -run '^$$' -bench . -benchmem -count 3 ./annotations/... ./app/

# Each fuzz target for FUZZTIME (default 1m), one after the other. A crasher lands in the package's
# testdata/fuzz and is a regression test from then on: commit it with the fix. FUZZFLAGS caps how
# long a new input is minimised: each run of an importer target opens a project, so Go's default of
# 60 s of minimising stalled the Prodigy and Label Studio targets at a handful of runs.
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzNormalize$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./annotations/text
	$(GO) test -run '^$$' -fuzz '^FuzzWords$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./annotations/text
	$(GO) test -run '^$$' -fuzz '^FuzzIndex$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./annotations/text
	$(GO) test -run '^$$' -fuzz '^FuzzTxtReader$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./annotations/formats
	$(GO) test -run '^$$' -fuzz '^FuzzUTF16Offsets$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./annotations/formats
	$(GO) test -run '^$$' -fuzz '^FuzzImportJSONL$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./annotations/formats
	$(GO) test -run '^$$' -fuzz '^FuzzJSONLReader$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./annotations/formats
	$(GO) test -run '^$$' -fuzz '^FuzzDoccanoReader$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./annotations/formats
	$(GO) test -run '^$$' -fuzz '^FuzzSpaCyReader$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./annotations/formats
	$(GO) test -run '^$$' -fuzz '^FuzzProdigyReader$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./annotations/formats
	$(GO) test -run '^$$' -fuzz '^FuzzLabelStudioReader$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./annotations/formats
	$(GO) test -run '^$$' -fuzz '^FuzzBratAnn$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./annotations/formats
	$(GO) test -run '^$$' -fuzz '^FuzzDeriveAttrs$$' -fuzztime $(FUZZTIME) $(FUZZFLAGS) ./annotations

# The same for longer, to run overnight or before a release.
fuzz-long:
	$(MAKE) fuzz FUZZTIME=10m

# The crash-safety test at length: 1000 rounds of killing (SIGKILL) a process in the middle of edits,
# 50 while it migrates an old project and 50 while it takes backups; unit runs 60, 10 and 10.
crash:
	$(GO) test -tags $(TAGS) -run '^TestCrashSafety$$' -count 1 -timeout 60m -v ./annotations -crash.rounds 1000

clean:
	rm -f $(BIN)
