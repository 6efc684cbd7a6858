# The two commands of the README: `make audit` and `make test`.
PRESET ?= release
BUILD  := build/$(PRESET)
BIN    := $(BUILD)/drydock

.PHONY: all deps build audit test unit integration clean docs install

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET)

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

test: 
	@scripts/install-deps test
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET)
	@scripts/ensure-dockerd
	@ctest --preset $(PRESET) --output-on-failure

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
