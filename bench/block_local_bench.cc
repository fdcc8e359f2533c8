// The local adapter's Put and Get next to the same work done with raw POSIX calls, in the same
// run and on the same file system.
//
//   Put/raw          open a temporary file, write, fsync, rename over the name
//   Put/raw_durable  the same, then fsync the directory (what the adapter does by default)
//   Put/adapter      Adapter::Put from a body in memory: the above plus streaming through the
//                    Reader, MD5 of every byte, the metadata attribute and key confinement
//   PutPaired        raw, raw_durable, adapter and adapter without directory fsync interleaved in
//                    every iteration, with their ratios: the headline figures, robust against
//                    other load on the machine
//   GetPaired        Get/raw and Get/adapter interleaved the same way
//   Get/raw          open, read to the end through a 1 MiB buffer
//   Get/adapter      Adapter::Get + ObjectReader::Read through a 1 MiB buffer
// Variants of Put/adapter show what its options buy: inline_hash (hash_on_helper_thread =
// false), no_writeback (writeback_chunk = 0) and no_dirsync (sync_directory = false).
//
//   block_local_bench [--benchmark_filter=...] [--benchmark_repetitions=3
//                      --benchmark_enable_random_interleaving=true]
// The files live under $TARN_BENCH_DIR (default /tmp); point it at the disk to measure.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "block/etag.h"
#include "block/local/local_adapter.h"
#include "block/reader.h"

namespace tarn::block {
namespace {

constexpr std::size_t kBuffer = 1 << 20;
constexpr int64_t kKiB = 1024;
constexpr int64_t kMiB = 1024 * 1024;

void Die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "%s: %s\n", what, detail.c_str());
  std::abort();
}

// One scratch directory and one body of the largest size, shared by every benchmark.
struct Scratch {
  Scratch() {
    const char* base = std::getenv("TARN_BENCH_DIR");
    std::string tmpl = std::string(base ? base : "/tmp") + "/tarn-block-bench-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) Die("mkdtemp", std::strerror(errno));
    dir = tmpl;
    std::filesystem::create_directories(dir + "/raw");
    body.resize(256 * kMiB);
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (std::size_t i = 0; i < body.size(); i += 8) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      std::memcpy(body.data() + i, &x, 8);
    }
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::string dir;
  std::string body;
};

Scratch& S() {
  static Scratch scratch;
  return scratch;
}

// What a Put/adapter variant changes from the defaults.
struct Variant {
  uint64_t writeback_chunk = 1ull << 20;
  bool sync_directory = true;
  bool hash_on_helper_thread = true;
};

std::unique_ptr<Adapter> MakeAdapter(const Variant& variant) {
  LocalOptions options;
  options.root = S().dir + "/adapter";
  options.writeback_chunk = variant.writeback_chunk;
  options.sync_directory = variant.sync_directory;
  options.hash_on_helper_thread = variant.hash_on_helper_thread;
  auto adapter = NewLocalAdapter(options);
  if (!adapter.ok()) Die("NewLocalAdapter", adapter.status().ToString());
  return std::move(adapter).value();
}

ObjectPointer KeyFor(int64_t size) {
  return ObjectPointer{"local://bench", "data/obj-" + std::to_string(size)};
}

void WriteAllOrDie(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0) Die("write", std::strerror(errno));
    data += w;
    n -= static_cast<std::size_t>(w);
  }
}

// One raw put: what the adapter's Put does, with nothing but system calls.
void RawPutOnce(const std::string& temp_name, const std::string& final_name, std::size_t size,
                int dir_fd, bool sync_directory) {
  int fd = ::open(temp_name.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) Die("open", std::strerror(errno));
  for (std::size_t off = 0; off < size; off += kBuffer) {
    WriteAllOrDie(fd, S().body.data() + off, std::min(kBuffer, size - off));
  }
  if (::fsync(fd) != 0) Die("fsync", std::strerror(errno));
  ::close(fd);
  if (::rename(temp_name.c_str(), final_name.c_str()) != 0) Die("rename", std::strerror(errno));
  if (sync_directory && ::fsync(dir_fd) != 0) Die("fsync dir", std::strerror(errno));
}

void AdapterPutOnce(Adapter& adapter, const ObjectPointer& key, std::size_t size) {
  ViewReader body(std::string_view(S().body.data(), size));
  PutOptions options;
  options.size = size;
  auto put = adapter.Put(key, body, options);
  if (!put.ok()) Die("Put", put.status().ToString());
}

double Seconds(std::chrono::steady_clock::time_point from) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - from).count();
}

// Raw, raw + directory fsync, the adapter and the adapter without its directory fsync, one after
// the other in every iteration (in rotating order), so that other load on the machine weighs on
// all of them alike. The counters are mean milliseconds per put and the adapter's throughput
// relative to each raw variant (raw time / adapter time).
void PutPaired(benchmark::State& state) {
  const std::size_t size = static_cast<std::size_t>(state.range(0));
  auto adapter = MakeAdapter(Variant{});
  auto no_dirsync = MakeAdapter(Variant{.sync_directory = false});
  const ObjectPointer key = KeyFor(state.range(0));
  const ObjectPointer other_key{key.storage_namespace, key.key + "-no-dirsync"};
  const std::string dir = S().dir + "/raw";
  const std::string final_name = dir + "/paired-" + std::to_string(size);
  const std::string temp_name = dir + "/.tmp-paired";
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  constexpr int kKinds = 4;
  double t[kKinds] = {0, 0, 0, 0};
  int64_t round = 0;
  for (auto _ : state) {
    auto begin = std::chrono::steady_clock::now();
    for (int k = 0; k < kKinds; ++k) {
      int which = static_cast<int>((round + k) % kKinds);
      auto start = std::chrono::steady_clock::now();
      switch (which) {
        case 0:
          RawPutOnce(temp_name, final_name, size, dir_fd, false);
          break;
        case 1:
          RawPutOnce(temp_name, final_name, size, dir_fd, true);
          break;
        case 2:
          AdapterPutOnce(*adapter, key, size);
          break;
        case 3:
          AdapterPutOnce(*no_dirsync, other_key, size);
          break;
      }
      t[which] += Seconds(start);
    }
    ++round;
    state.SetIterationTime(Seconds(begin));
  }
  ::close(dir_fd);
  double n = static_cast<double>(state.iterations());
  state.counters["raw_ms"] = 1000 * t[0] / n;
  state.counters["raw_durable_ms"] = 1000 * t[1] / n;
  state.counters["adapter_ms"] = 1000 * t[2] / n;
  state.counters["vs_raw"] = t[0] / t[2];
  state.counters["vs_raw_durable"] = t[1] / t[2];
  state.counters["no_dirsync_vs_raw"] = t[0] / t[3];
}

// Get next to a raw read, interleaved the same way (both from the page cache).
void GetPaired(benchmark::State& state) {
  const std::size_t size = static_cast<std::size_t>(state.range(0));
  auto adapter = MakeAdapter(Variant{});
  const ObjectPointer key{"local://bench", "getpaired/obj-" + std::to_string(size)};
  AdapterPutOnce(*adapter, key, size);
  const std::string path = S().dir + "/raw/getpaired-" + std::to_string(size);
  RawPutOnce(path + ".tmp", path, size, -1, false);
  std::vector<char> buf(kBuffer);
  double t[2] = {0, 0};
  int64_t round = 0;
  for (auto _ : state) {
    auto begin = std::chrono::steady_clock::now();
    for (int k = 0; k < 2; ++k) {
      int which = static_cast<int>((round + k) % 2);
      auto start = std::chrono::steady_clock::now();
      uint64_t total = 0;
      if (which == 0) {
        int fd = ::open(path.c_str(), O_RDONLY);
        for (ssize_t n; (n = ::read(fd, buf.data(), buf.size())) > 0;) total += n;
        ::close(fd);
      } else {
        auto reader = adapter->Get(key, std::nullopt);
        if (!reader.ok()) Die("Get", reader.status().ToString());
        for (;;) {
          auto n = (*reader)->Read(std::span<char>(buf.data(), buf.size()));
          if (!n.ok() || *n == 0) break;
          total += *n;
        }
      }
      if (total != size) Die("read", "short");
      t[which] += Seconds(start);
    }
    ++round;
    state.SetIterationTime(Seconds(begin));
  }
  double n = static_cast<double>(state.iterations());
  state.counters["raw_us"] = 1e6 * t[0] / n;
  state.counters["adapter_us"] = 1e6 * t[1] / n;
  state.counters["vs_raw"] = t[0] / t[1];
}

void RawPut(benchmark::State& state, bool sync_directory) {
  const std::size_t size = static_cast<std::size_t>(state.range(0));
  const std::string dir = S().dir + "/raw";
  const std::string final_name = dir + "/obj-" + std::to_string(size);
  const std::string temp_name = dir + "/.tmp-obj";
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  for (auto _ : state) RawPutOnce(temp_name, final_name, size, dir_fd, sync_directory);
  ::close(dir_fd);
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

void AdapterPut(benchmark::State& state, Variant variant) {
  auto adapter = MakeAdapter(variant);
  const ObjectPointer key = KeyFor(state.range(0));
  for (auto _ : state) AdapterPutOnce(*adapter, key, static_cast<std::size_t>(state.range(0)));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

void RawGet(benchmark::State& state) {
  const std::string path = S().dir + "/raw/get-" + std::to_string(state.range(0));
  {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    WriteAllOrDie(fd, S().body.data(), static_cast<std::size_t>(state.range(0)));
    ::close(fd);
  }
  std::vector<char> buf(kBuffer);
  for (auto _ : state) {
    int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) Die("open", std::strerror(errno));
    int64_t total = 0;
    for (ssize_t n; (n = ::read(fd, buf.data(), buf.size())) > 0;) total += n;
    ::close(fd);
    if (total != state.range(0)) Die("read", "short");
    benchmark::DoNotOptimize(buf.data());
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

void AdapterGet(benchmark::State& state) {
  auto adapter = MakeAdapter(Variant{});
  const ObjectPointer key{"local://bench", "get/obj-" + std::to_string(state.range(0))};
  {
    ViewReader body(std::string_view(S().body.data(), static_cast<std::size_t>(state.range(0))));
    if (!adapter->Put(key, body, PutOptions{}).ok()) Die("Put", "seeding Get");
  }
  std::vector<char> buf(kBuffer);
  for (auto _ : state) {
    auto reader = adapter->Get(key, std::nullopt);
    if (!reader.ok()) Die("Get", reader.status().ToString());
    int64_t total = 0;
    for (;;) {
      auto n = (*reader)->Read(std::span<char>(buf.data(), buf.size()));
      if (!n.ok()) Die("Read", n.status().ToString());
      if (*n == 0) break;
      total += static_cast<int64_t>(*n);
    }
    if (total != state.range(0)) Die("read", "short");
    benchmark::DoNotOptimize(buf.data());
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

// The hashing a Put does, alone: how much CPU the disk has to hide.
void Md5Only(benchmark::State& state) {
  for (auto _ : state) {
    Md5 md5;
    for (int64_t off = 0; off < state.range(0); off += static_cast<int64_t>(kBuffer)) {
      md5.Update(std::string_view(S().body.data() + off,
                                  std::min<int64_t>(kBuffer, state.range(0) - off)));
    }
    benchmark::DoNotOptimize(md5.Finish());
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

void Sizes(benchmark::internal::Benchmark* b) {
  b->Arg(4 * kKiB)->Arg(kMiB)->Arg(256 * kMiB)->UseRealTime()->Unit(benchmark::kMicrosecond);
}

BENCHMARK(PutPaired)
    ->Name("PutPaired")
    ->Arg(4 * kKiB)
    ->Iterations(400)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(PutPaired)
    ->Name("PutPaired")
    ->Arg(kMiB)
    ->Iterations(100)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(PutPaired)
    ->Name("PutPaired")
    ->Arg(256 * kMiB)
    ->Iterations(8)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(GetPaired)->Name("GetPaired")->Arg(4 * kKiB)->Iterations(20000)->UseManualTime();
BENCHMARK(GetPaired)->Name("GetPaired")->Arg(kMiB)->Iterations(2000)->UseManualTime();
BENCHMARK(GetPaired)
    ->Name("GetPaired")
    ->Arg(256 * kMiB)
    ->Iterations(20)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(RawPut, raw, false)->Name("Put/raw")->Apply(Sizes);
BENCHMARK_CAPTURE(RawPut, raw_durable, true)->Name("Put/raw_durable")->Apply(Sizes);
BENCHMARK_CAPTURE(AdapterPut, adapter, Variant{})->Name("Put/adapter")->Apply(Sizes);
BENCHMARK_CAPTURE(AdapterPut, inline_hash, Variant{.hash_on_helper_thread = false})
    ->Name("Put/adapter_inline_hash")
    ->Apply(Sizes);
BENCHMARK_CAPTURE(AdapterPut, no_writeback, Variant{.writeback_chunk = 0})
    ->Name("Put/adapter_no_writeback")
    ->Apply(Sizes);
BENCHMARK_CAPTURE(AdapterPut, no_dirsync, Variant{.sync_directory = false})
    ->Name("Put/adapter_no_dirsync")
    ->Apply(Sizes);
BENCHMARK(RawGet)->Name("Get/raw")->Apply(Sizes);
BENCHMARK(AdapterGet)->Name("Get/adapter")->Apply(Sizes);
BENCHMARK(Md5Only)->Name("Md5")->Arg(256 * kMiB)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tarn::block

BENCHMARK_MAIN();
