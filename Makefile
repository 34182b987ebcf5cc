# Thin wrapper over CMake. `make demo` and `make test` are the two entry points
# README.md promises on a fresh Debian machine.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CTEST_ARGS ?=

.PHONY: all build deps demo test test-build bench clean format tidy

all: build

deps:
	@bash scripts/install-deps.sh

build:
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build build -j $(JOBS)

demo: deps build
	./build/crmsync demo

# The test build: clang (for libFuzzer), debug, ASan + UBSan, warnings as errors.
test-build:
	@CC=clang cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DCRMSYNC_SANITIZE=ON \
		-DCRMSYNC_TESTS=ON -DCRMSYNC_FUZZ=ON >/dev/null
	@cmake --build build-test -j $(JOBS)

test: deps test-build
	cd build-test && ctest --output-on-failure -j $(JOBS) -LE 'soak|bench' $(CTEST_ARGS)

bench: deps build
	bash bench/sandbox.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

tidy: test-build
	clang-tidy -p build-test $$(git ls-files 'src/*.c')

clean:
	rm -rf build build-test
