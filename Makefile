# The commands of the README: `make audit`, `make test` and `make fuzz`.
PRESET ?= release
BUILD  := build/$(PRESET)
BIN    := $(BUILD)/drydock

.PHONY: all deps build audit test fuzz unit integration clean docs install image

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET)

# The drydock image, drydock:VERSION and drydock:latest, built offline from this build: FROM
# scratch with the binary and the shared libraries it loads (scripts/build-image). Then:
#   docker run --rm -v /var/run/docker.sock:/var/run/docker.sock:ro -v /:/host:ro drydock host --root /host
# (awk, not sed: make counts the parentheses inside $(shell ...), and project( has no partner.)
VERSION := $(shell awk '$$1 ~ /^project.drydock$$/ && $$2 == "VERSION" { print $$3 }' CMakeLists.txt)
image: build
	@scripts/build-image $(BIN) drydock:$(VERSION) drydock:latest

# Audits this machine's Docker engine; with no engine, the bundled examples instead.
# Exit status 1 (findings) is the report doing its job, not a failed make.
audit: build
	@if curl -s --max-time 2 --unix-socket /var/run/docker.sock http://localhost/_ping >/dev/null 2>&1 || [ -n "$$DOCKER_HOST" ]; then \
	  $(BIN) host; rc=$$?; \
	else \
	  echo "make audit: no Docker engine answers here (start one: sudo systemctl start docker);" >&2; \
	  echo "make audit: auditing the bundled examples/ instead:  $(BIN) container examples/*.json" >&2; \
	  $(BIN) container examples/*.json; rc=$$?; \
	fi; [ $$rc -le 1 ]

# The tests of the $(PRESET) build (unit and integration), then the unit tests again under
# AddressSanitizer, UndefinedBehaviorSanitizer and LeakSanitizer (the asan preset, clang), then
# every fuzz target of that tree for FUZZ_SMOKE_TIME seconds from its seeds.
FUZZ_SMOKE_TIME ?= 10
test:
	@scripts/install-deps test
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET)
	@scripts/ensure-dockerd
	@ctest --preset $(PRESET) --output-on-failure
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan
	@ctest --preset asan
	@tests/fuzz/run.sh build/asan $(FUZZ_SMOKE_TIME)

# Each fuzz target for FUZZ_TIME seconds (FUZZ_TARGETS="engine policy" for some of them); the
# corpora grow in build/asan/fuzz/corpus, crashing inputs land in build/asan/fuzz/artifacts.
FUZZ_TIME ?= 60
FUZZ_TARGETS ?=
fuzz:
	@scripts/install-deps fuzz
	@cmake --preset asan >/dev/null
	@cmake --build build/asan --target fuzz_targets
	@tests/fuzz/run.sh build/asan $(FUZZ_TIME) $(FUZZ_TARGETS)

# drydock in $(PREFIX)/bin, and the same binary as the docker CLI plugin `docker drydock`
# (a symbolic link named docker-drydock in the system-wide cli-plugins folder).
PREFIX ?= /usr/local
DESTDIR ?=
PLUGINDIR ?= $(PREFIX)/lib/docker/cli-plugins

install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PLUGINDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/drydock
	ln -sf $(PREFIX)/bin/drydock $(DESTDIR)$(PLUGINDIR)/docker-drydock

docs: build
	@$(BIN) checks --format markdown > docs/checks.md  # tests/unit/render: Catalogue.DocsChecksMdIsTheGeneratedCatalogue

clean:
	rm -rf build
