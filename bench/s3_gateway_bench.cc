// The S3 gateway under load, each figure next to a baseline measured in the same run:
//   a) 4 KiB GET, 64 keep-alive connections: req/s, p50/p99;
//   b) 4 KiB PUT, 64 connections, blockstore.local.fsync false and true, next to the raw rate
//      of 4 KiB write + fsync to new files by 64 threads on the same file system;
//   c) GET of a 256 MiB object, gateway vs nginx (sendfile) serving the same bytes, best of 5;
//   d) the server's RSS while 16 clients stream 1 GiB objects in and then out.
// Requests are signed before each phase (the gateway accepts a signature for 15 minutes), so
// the client spends its CPU on sockets only. The client is one thread per connection with
// blocking sockets, sharing the machine with the server.
//
// Environment: TARN_BENCH_TARN_BINARY (default ../src/tarn next to this binary's directory),
// TARN_BENCH_DIR (scratch directory; default a new one under $TMPDIR or /tmp),
// TARN_BENCH_NGINX_PORT and TARN_BENCH_NGINX_ROOT (an nginx serving that directory, started by
// scripts/bench-gateway.sh; without them c) reports the gateway alone).
// Flags: --duration=SECONDS (per throughput phase, default 10), --only=a,b,c,d,
// --stream_mib=N (object size of the memory test, default 1024),
// --benchmark_out=FILE (JSON results); other flags are ignored, so scripts/run-bench.sh can run
// it like the Google Benchmark binaries.
#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <latch>
#include <thread>

#include "s3_bench_http.h"

namespace tarn::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr uint64_t kMiB = 1 << 20;
constexpr std::size_t kSmall = 4096;
constexpr int kConnections = 64;
constexpr int kPoolKeys = 1024;  // distinct 4 KiB objects, cycled through by every connection

struct Options {
  double duration = 10;
  std::string only = "abcd";
  uint64_t stream_mib = 1024;  // object size of the memory test
  std::string out;
  std::string tarn;
  std::string dir;
  uint16_t nginx_port = 0;
  std::string nginx_root;
};

// One result line: a name, a headline value with its unit and free-form details (also JSON).
struct Figure {
  std::string name;
  double value = 0;
  std::string unit;
  std::vector<std::pair<std::string, double>> details;
  std::string note;
};

[[noreturn]] void Die(const std::string& what, const Status& s) {
  std::cerr << "s3_gateway_bench: " << what << ": " << s.ToString() << "\n";
  std::exit(1);
}

template <typename T>
T Must(Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what, r.status());
  return std::move(r).value();
}

void ExpectOk(const Response& r, const std::string& what) {
  if (r.status / 100 != 2) {
    std::cerr << "s3_gateway_bench: " << what << ": HTTP " << r.status << "\n"
              << r.body_prefix.substr(0, 2000) << "\n";
    std::exit(1);
  }
}

std::string ObjectPath(int i) { return "/bench/main/small/" + std::to_string(i); }

struct LoadResult {
  uint64_t requests = 0;
  double seconds = 0;
  double p50_us = 0;
  double p99_us = 0;
};

// Runs `connections` threads, each sending requests from `pool` (starting at its own offset)
// over one keep-alive connection for `duration` seconds after one unmeasured pass of 16.
LoadResult RunLoad(uint16_t port, const std::vector<std::string>& pool, int connections,
                   double duration) {
  std::vector<std::vector<uint32_t>> latencies(connections);
  std::vector<uint64_t> counts(connections, 0);
  std::latch ready(connections + 1);
  std::atomic<bool> go{false};
  Clock::time_point start, deadline;
  std::vector<Clock::time_point> ends(connections);
  std::vector<std::thread> threads;
  for (int t = 0; t < connections; ++t) {
    threads.emplace_back([&, t] {
      HttpConnection conn(port);
      std::size_t next = static_cast<std::size_t>(t) * pool.size() / connections;
      for (int i = 0; i < 16; ++i) {
        ExpectOk(Must(conn.RoundTrip(pool[next++ % pool.size()]), "warm-up request"), "warm-up");
      }
      latencies[t].reserve(1 << 16);
      ready.count_down();
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      Clock::time_point now = Clock::now();
      while (now < deadline) {
        auto r = conn.RoundTrip(pool[next++ % pool.size()]);
        Clock::time_point done = Clock::now();
        ExpectOk(Must(std::move(r), "request"), "request");
        latencies[t].push_back(static_cast<uint32_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(done - now).count()));
        now = done;
      }
      ends[t] = now;
      counts[t] = latencies[t].size();
    });
  }
  ready.arrive_and_wait();
  start = Clock::now();
  deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(duration));
  go.store(true, std::memory_order_release);
  for (auto& th : threads) th.join();
  LoadResult out;
  std::vector<uint32_t> all;
  for (int t = 0; t < connections; ++t) {
    out.requests += counts[t];
    all.insert(all.end(), latencies[t].begin(), latencies[t].end());
  }
  out.seconds =
      std::chrono::duration<double>(*std::max_element(ends.begin(), ends.end()) - start).count();
  if (!all.empty()) {
    auto at = [&](double q) {
      auto it = all.begin() + static_cast<std::ptrdiff_t>(q * (all.size() - 1));
      std::nth_element(all.begin(), it, all.end());
      return static_cast<double>(*it);
    };
    out.p50_us = at(0.50);
    out.p99_us = at(0.99);
  }
  return out;
}

// 64 threads writing 4 KiB to new files and fsyncing each, for `duration` seconds.
double RawFsyncRate(const std::string& dir, double duration) {
  std::filesystem::create_directories(dir);
  std::atomic<uint64_t> total{0};
  auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(duration));
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kConnections; ++t) {
    threads.emplace_back([&, t] {
      std::vector<char> block(kSmall, 'x');
      uint64_t n = 0;
      while (Clock::now() < deadline) {
        std::string name = dir + "/" + std::to_string(t) + "-" + std::to_string(n);
        int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 || ::write(fd, block.data(), block.size()) != static_cast<ssize_t>(kSmall) ||
            ::fsync(fd) != 0) {
          std::cerr << "raw fsync baseline: " << std::strerror(errno) << "\n";
          std::exit(1);
        }
        ::close(fd);
        ++n;
      }
      total += n;
    });
  }
  for (auto& th : threads) th.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::filesystem::remove_all(dir);
  return static_cast<double>(total.load()) / seconds;
}

std::unique_ptr<TarnProcess> StartServer(const Options& o, const std::string& name, bool fsync) {
  std::string data = o.dir + "/" + name;
  std::filesystem::create_directories(data);
  auto server = Must(TarnProcess::Start(o.tarn, data,
                                        {{"TARN_BLOCKSTORE_LOCAL_FSYNC", fsync ? "true" : "false"},
                                         {"TARN_LOG_LEVEL", "warn"}}),
                     "starting tarn serve");
  RequestSigner signer(server->port());
  HttpConnection conn(server->port());
  ExpectOk(Must(conn.RoundTrip(Must(signer.Build("PUT", "/bench"), "sign")), "create bucket"),
           "create bucket");
  return server;
}

std::vector<std::string> SignPool(const RequestSigner& signer, std::string_view method,
                                  std::string_view body) {
  std::vector<std::string> pool;
  for (int i = 0; i < kPoolKeys; ++i) {
    pool.push_back(Must(signer.Build(method, ObjectPath(i), body), "sign"));
  }
  return pool;
}

Figure PutFigure(uint16_t port, const Options& o, bool fsync) {
  RequestSigner signer(port);
  std::string body(kSmall, 'p');
  LoadResult r = RunLoad(port, SignPool(signer, "PUT", body), kConnections, o.duration);
  return Figure{std::string("put_4KiB_64conn_fsync_") + (fsync ? "true" : "false"),
                r.requests / r.seconds,
                "req/s",
                {{"p50_us", r.p50_us}, {"p99_us", r.p99_us}, {"requests", double(r.requests)}},
                ""};
}

// One timed GET of `request` on `conn`; returns MB/s (10^6 bytes).
double TimedGet(HttpConnection& conn, const std::string& request, uint64_t size) {
  auto start = Clock::now();
  Response r = Must(conn.RoundTrip(request), "large GET");
  double s = std::chrono::duration<double>(Clock::now() - start).count();
  ExpectOk(r, "large GET");
  if (r.body_bytes != size) Die("large GET", Status::IOError("short body"));
  return size / s / 1e6;
}

Figure LargeGet(uint16_t port, const Options& o) {
  constexpr uint64_t kSize = 256 * kMiB;
  constexpr uint64_t kSeed = 256;
  constexpr int kRounds = 7;
  RequestSigner signer(port);
  HttpConnection conn(port);
  std::string head = Must(signer.Build("PUT", "/bench/main/large", "", kSize), "sign");
  ExpectOk(Must(conn.RoundTripStreamed(head, kSize, kSeed), "PUT 256 MiB"), "PUT 256 MiB");
  const std::string get = Must(signer.Build("GET", "/bench/main/large"), "sign");
  if (o.nginx_port == 0) {
    double tarn = 0;
    TimedGet(conn, get, kSize);  // warms the page cache
    for (int i = 0; i < kRounds; ++i) tarn = std::max(tarn, TimedGet(conn, get, kSize));
    Figure f{"get_256MiB", tarn, "MB/s", {}, ""};
    f.note = "nginx not running (use scripts/bench-gateway.sh): no baseline";
    return f;
  }
  {
    std::ofstream file(o.nginx_root + "/large", std::ios::binary | std::ios::trunc);
    std::vector<char> buf(kMiB);
    for (uint64_t off = 0; off < kSize; off += buf.size()) {
      FillPattern(kSeed, off, buf);
      file.write(buf.data(), static_cast<std::streamsize>(buf.size()));
    }
  }
  std::string plain =
      "GET /large HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(o.nginx_port) + "\r\n\r\n";
  HttpConnection nginx_conn(o.nginx_port);
  // Rounds alternate between the two servers, so a slow moment of the machine hits both
  // alike; each side's best round counts. One unmeasured GET each warms the page cache.
  TimedGet(conn, get, kSize);
  TimedGet(nginx_conn, plain, kSize);
  double tarn = 0, nginx = 0;
  for (int i = 0; i < kRounds; ++i) {
    tarn = std::max(tarn, TimedGet(conn, get, kSize));
    nginx = std::max(nginx, TimedGet(nginx_conn, plain, kSize));
  }
  std::filesystem::remove(o.nginx_root + "/large");
  Figure f{"get_256MiB", tarn, "MB/s", {}, "best of 7 alternating rounds"};
  f.details = {{"nginx_MBps", nginx}, {"ratio", tarn / nginx}};
  return f;
}

Figure MemoryFigure(TarnProcess& server, const Options& o) {
  constexpr int kClients = 16;
  struct statvfs vfs;
  uint64_t free_bytes = 0;
  if (::statvfs(o.dir.c_str(), &vfs) == 0) free_bytes = uint64_t(vfs.f_bavail) * vfs.f_frsize;
  uint64_t size = o.stream_mib * kMiB;
  std::string note = "16 x " + std::to_string(o.stream_mib) + " MiB";
  if (free_bytes < (uint64_t{kClients} * size) + (2ull << 30)) {
    size = 256 * kMiB;
    note = "16 x 256 MiB (only " + std::to_string(free_bytes >> 30) + " GiB free)";
  }
  const uint16_t port = server.port();
  const Memory before = ReadMemory(server.pid());
  std::atomic<bool> done{false};
  Memory peak = before;
  std::thread sampler([&] {
    while (!done.load()) {
      Memory m = ReadMemory(server.pid());
      peak.rss = std::max(peak.rss, m.rss);
      peak.hwm = std::max(peak.hwm, m.hwm);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // sampling, not syncing
    }
  });
  RequestSigner signer(port);
  std::vector<std::thread> clients;
  auto start = Clock::now();
  for (int c = 0; c < kClients; ++c) {
    std::string path = "/bench/main/stream/" + std::to_string(c);
    std::string put = Must(signer.Build("PUT", path, "", size), "sign");
    std::string get = Must(signer.Build("GET", path), "sign");
    clients.emplace_back([=] {
      HttpConnection conn(port);
      ExpectOk(Must(conn.RoundTripStreamed(put, size, c), "streamed PUT"), "streamed PUT");
      Response r = Must(conn.RoundTrip(get), "streamed GET");
      ExpectOk(r, "streamed GET");
      if (r.body_bytes != size) Die("streamed GET", Status::IOError("short body"));
    });
  }
  for (auto& th : clients) th.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  done = true;
  sampler.join();
  Memory end = ReadMemory(server.pid());
  peak.hwm = std::max(peak.hwm, end.hwm);
  return Figure{"memory_16_streams_peak_rss",
                peak.rss / double(kMiB),
                "MiB",
                {{"vmhwm_MiB", peak.hwm / double(kMiB)},
                 {"rss_before_MiB", before.rss / double(kMiB)},
                 {"rss_after_MiB", end.rss / double(kMiB)},
                 {"MBps_in_and_out", 2.0 * kClients * size / seconds / 1e6}},
                note};
}

void Report(const std::vector<Figure>& figures, const Options& o) {
  std::printf("%-34s %14s  %s\n", "benchmark", "value", "details");
  for (const auto& f : figures) {
    std::string details;
    for (const auto& [k, v] : f.details) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "%s=%.6g ", k.c_str(), v);
      details += buf;
    }
    std::printf("%-34s %10.1f %-5s %s%s\n", f.name.c_str(), f.value, f.unit.c_str(),
                details.c_str(), f.note.c_str());
  }
  if (o.out.empty()) return;
  std::ofstream out(o.out, std::ios::trunc);
  out << "{\n  \"context\": {\"executable\": \"s3_gateway_bench\", \"num_cpus\": "
      << std::thread::hardware_concurrency() << ", \"duration_s\": " << o.duration
      << "},\n  \"benchmarks\": [\n";
  for (std::size_t i = 0; i < figures.size(); ++i) {
    const Figure& f = figures[i];
    out << "    {\"name\": \"" << f.name
        << "\", \"run_type\": \"iteration\", \"value\": " << f.value << ", \"unit\": \"" << f.unit
        << "\"";
    for (const auto& [k, v] : f.details) out << ", \"" << k << "\": " << v;
    if (!f.note.empty()) out << ", \"note\": \"" << f.note << "\"";
    out << "}" << (i + 1 < figures.size() ? "," : "") << "\n";
  }
  out << "  ]\n}\n";
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value = [&](std::string_view flag) -> std::optional<std::string> {
      if (a.rfind(flag, 0) == 0) return std::string(a.substr(flag.size()));
      return std::nullopt;
    };
    if (auto v = value("--duration=")) o.duration = std::stod(*v);
    if (auto v = value("--only=")) o.only = *v;
    if (auto v = value("--stream_mib=")) o.stream_mib = std::stoull(*v);
    if (auto v = value("--benchmark_out=")) o.out = *v;
  }
  if (const char* t = std::getenv("TARN_BENCH_TARN_BINARY")) {
    o.tarn = t;
  } else {
    std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe");
    o.tarn = (self.parent_path().parent_path() / "src" / "tarn").string();
  }
  if (const char* p = std::getenv("TARN_BENCH_NGINX_PORT")) o.nginx_port = std::atoi(p);
  if (const char* r = std::getenv("TARN_BENCH_NGINX_ROOT")) o.nginx_root = r;
  if (const char* d = std::getenv("TARN_BENCH_DIR")) {
    o.dir = std::string(d) + "/s3-gateway-bench";
    std::filesystem::create_directories(o.dir);
  } else {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp ? tmp : "/tmp") + "/tarn-s3-bench-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) Die("mkdtemp", Status::IOError(std::strerror(errno)));
    o.dir = tmpl;
  }
  return o;
}

int Main(int argc, char** argv) {
  Options o = ParseOptions(argc, argv);
  auto wants = [&](char c) { return o.only.find(c) != std::string::npos; };
  std::vector<Figure> figures;
  std::cout << "s3_gateway_bench: " << o.tarn << ", scratch " << o.dir << ", " << o.duration
            << " s per phase\n"
            << std::flush;
  // Each write phase starts with no dirty pages left by the one before, so no phase pays for
  // another's writeback.
  auto settle = [] { ::sync(); };
  if (wants('b')) {
    // The raw baseline first, then fsync true, on the same file system.
    settle();
    figures.push_back(Figure{"raw_write_4KiB_fsync_64threads",
                             RawFsyncRate(o.dir + "/raw", o.duration),
                             "ops/s",
                             {},
                             "new files, same file system"});
    // Earlier phases' files stay until the end: deleting tens of thousands of inodes right
    // before a phase makes ext4's inode allocator skip "recently deleted" ones for a while, a
    // cost of the benchmark's cleanup rather than of the phase.
    settle();
    auto server = StartServer(o, "fsync-true", true);
    figures.push_back(PutFigure(server->port(), o, true));
    server->Stop();
  }
  auto server = StartServer(o, "fsync-false", false);
  const uint16_t port = server->port();
  if (wants('b')) {
    settle();
    figures.push_back(PutFigure(port, o, false));
  }
  if (wants('a')) {
    settle();
    RequestSigner signer(port);
    HttpConnection conn(port);
    std::string body(kSmall, 'g');
    for (const auto& put : SignPool(signer, "PUT", body)) {
      ExpectOk(Must(conn.RoundTrip(put), "preload"), "preload");
    }
    LoadResult r = RunLoad(port, SignPool(signer, "GET", ""), kConnections, o.duration);
    figures.push_back(
        Figure{"get_4KiB_64conn",
               r.requests / r.seconds,
               "req/s",
               {{"p50_us", r.p50_us}, {"p99_us", r.p99_us}, {"requests", double(r.requests)}},
               ""});
  }
  if (wants('c')) figures.push_back(LargeGet(port, o));
  if (wants('d')) figures.push_back(MemoryFigure(*server, o));
  server->Stop();
  std::filesystem::remove_all(o.dir);
  Report(figures, o);
  return 0;
}

}  // namespace
}  // namespace tarn::bench

int main(int argc, char** argv) { return tarn::bench::Main(argc, argv); }
