# tarn — the two commands a newcomer needs:
#   make run    install dependencies, build, start the server on the embedded defaults
#   make test   install dependencies, build, start PostgreSQL (and other test services), run
#               every test, stop the services
.PHONY: run test test-asan bench deps build clean

BUILD_DIR ?= build
ASAN_DIR  ?= build-asan
BENCH_DIR ?= build-bench
JOBS      ?= $(shell nproc)
CMAKE_FLAGS ?=

deps:
	@scripts/install-deps.sh build

build: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@$(BUILD_DIR)/src/tarn serve --quickstart $(ARGS)

test:
	@scripts/install-deps.sh test
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)
	@scripts/run-tests.sh $(BUILD_DIR)

test-asan:
	@scripts/install-deps.sh test
	@cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTARN_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_DIR) -j $(JOBS)
	@scripts/run-tests.sh $(ASAN_DIR)

bench:
	@scripts/install-deps.sh bench
	@cmake -S . -B $(BENCH_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DTARN_BUILD_TESTS=OFF -DTARN_BUILD_BENCH=ON >/dev/null
	@cmake --build $(BENCH_DIR) -j $(JOBS)
	@scripts/run-bench.sh $(BENCH_DIR)

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(BENCH_DIR)
