# The two front-door commands: `make run` and `make test` (see README.md).
.PHONY: deps build debug run test test-unit test-integration bench fuzz format clean

JOBS ?= $(shell nproc)
DATA ?= data
LISTEN ?= 127.0.0.1:5000

deps:
	scripts/install-deps

build: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

debug: deps
	cmake --preset debug >/dev/null
	cmake --build --preset debug -j $(JOBS)

# Installs what is missing, builds a release binary and serves the registry on ./data.
run: build
	build/release/src/cli/portcullis serve --data $(DATA) --listen $(LISTEN)

# Installs, builds (release, and debug with ASan+UBSan) and runs every test: unit, spec,
# real-client (skopeo, podman) and durability tests, plus clang-format on every source and
# clang-tidy on the sources the last commit changed.
test: deps
	scripts/check-format
	cmake --preset debug >/dev/null
	cmake --build --preset debug -j $(JOBS)
	scripts/check-tidy build/debug
	ctest --preset debug -j $(JOBS) -LE integration
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)
	ctest --preset release -j 1 -L integration

bench: build
	bench/registry.sh
	bench/sbom.sh
	bench/vuln.sh
	bench/sign.sh
	bench/verify_referrers.sh
	bench/admit.sh
	bench/pipeline.sh

fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS)

format:
	clang-format -i $$(git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp')

clean:
	rm -rf build
