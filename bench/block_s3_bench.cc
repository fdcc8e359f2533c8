// The s3 block adapter next to `aws s3 cp` and boto3 doing the same transfers on the same S3
// server, in one run: upload a local file, download to a local file, for 1 MiB and 64 MiB.
//
//   eval "$(scripts/s3rver-start.sh)"
//   build-bench/bench/block_s3_bench [--benchmark_filter=Get]
//
// Every side reads its source from the same local file and writes downloads to a local file
// (no fsync, as the tools do). Times are wall-clock per transfer (manual time):
//   Tarn*   the adapter with its defaults (16 MiB multipart threshold, 8 MiB parts, 4 parts in
//           flight; downloads are one streamed GET);
//   Boto3*  boto3's upload_file / download_file (s3transfer defaults: 8 MiB threshold and
//           chunks, 10 threads) in one long-lived Python process, timed inside it, so
//           interpreter start-up is not counted;
//   AwsCli* one `aws s3 cp` process per transfer, start-up included (that is how it is used).
// Needs TARN_TEST_S3_ENDPOINT (+ TARN_TEST_S3_ACCESS_KEY_ID / _SECRET_ACCESS_KEY / _REGION),
// the aws CLI on PATH (TARN_BENCH_AWS overrides) and boto3 for /usr/bin/python3
// (TARN_BENCH_PYTHON overrides). A side whose tool is missing reports an error and the others
// still run.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "block/s3/s3_adapter.h"
#include "s3/client/s3_client.h"

namespace {

using tarn::Result;
using tarn::Status;
using tarn::block::Adapter;
using tarn::block::ObjectPointer;
using Clock = std::chrono::steady_clock;

constexpr int64_t kMiB = 1024 * 1024;

std::string Env(const char* name, const char* fallback = "") {
  const char* v = std::getenv(name);
  return v == nullptr ? fallback : v;
}

// Reads a local file as a block::Reader.
class FileReader final : public tarn::block::Reader {
 public:
  explicit FileReader(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY)) {}
  ~FileReader() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Result<std::size_t> Read(std::span<char> out) override {
    ssize_t n = ::read(fd_, out.data(), out.size());
    if (n < 0) return Status::IOError(std::strerror(errno));
    return static_cast<std::size_t>(n);
  }

 private:
  int fd_;
};

// The boto3 side: one Python process that performs transfers on request and reports their time.
constexpr char kBoto3Script[] = R"PY(
import sys, time
import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

endpoint, bucket, region = sys.argv[1], sys.argv[2], sys.argv[3]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name=region,
                  config=Config(s3={"addressing_style": "path"}))
transfer = TransferConfig()
print("ready", flush=True)
for line in sys.stdin:
    op, path, key = line.split()
    start = time.perf_counter()
    if op == "put":
        s3.upload_file(path, bucket, key, Config=transfer)
    else:
        s3.download_file(bucket, key, path, Config=transfer)
    print("%.9f" % (time.perf_counter() - start), flush=True)
)PY";

class Boto3Worker {
 public:
  // Starts the worker; nullptr (with `error` set) when it cannot.
  static std::unique_ptr<Boto3Worker> Start(const std::string& script, const std::string& endpoint,
                                            const std::string& bucket, const std::string& region,
                                            std::string* error) {
    int to_child[2], from_child[2];
    if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) {
      *error = "pipe failed";
      return nullptr;
    }
    std::string python = Env("TARN_BENCH_PYTHON", "/usr/bin/python3");
    pid_t pid = ::fork();
    if (pid == 0) {
      ::dup2(to_child[0], 0);
      ::dup2(from_child[1], 1);
      ::close(to_child[1]);
      ::close(from_child[0]);
      ::execl(python.c_str(), python.c_str(), script.c_str(), endpoint.c_str(), bucket.c_str(),
              region.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    auto worker = std::unique_ptr<Boto3Worker>(new Boto3Worker);
    worker->pid_ = pid;
    worker->in_ = ::fdopen(to_child[1], "w");
    worker->out_ = ::fdopen(from_child[0], "r");
    std::string hello = worker->ReadLine();
    if (hello != "ready") {
      *error = "boto3 worker did not start (is boto3 installed for " + python + "?)";
      return nullptr;
    }
    return worker;
  }
  ~Boto3Worker() {
    if (in_ != nullptr) std::fclose(in_);
    if (out_ != nullptr) std::fclose(out_);
    int status;
    if (pid_ > 0) ::waitpid(pid_, &status, 0);
  }
  // Performs one transfer; returns its time in seconds, or a negative value on failure.
  double Transfer(const std::string& op, const std::string& path, const std::string& key) {
    std::fprintf(in_, "%s %s %s\n", op.c_str(), path.c_str(), key.c_str());
    std::fflush(in_);
    std::string line = ReadLine();
    return line.empty() ? -1 : std::atof(line.c_str());
  }

 private:
  Boto3Worker() = default;
  std::string ReadLine() {
    char buf[256];
    if (std::fgets(buf, sizeof(buf), out_) == nullptr) return "";
    std::string line(buf);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    return line;
  }
  pid_t pid_ = -1;
  FILE* in_ = nullptr;
  FILE* out_ = nullptr;
};

struct BenchEnv {
  bool ok = false;
  std::string error;
  std::string endpoint, region, access_key, secret, bucket;
  std::filesystem::path dir;
  std::unique_ptr<Adapter> adapter;
  std::unique_ptr<Boto3Worker> boto3;
  std::string boto3_error;

  std::string SourceFile(int64_t size) const { return (dir / ("src-" + std::to_string(size))).string(); }
  std::string SinkFile() const { return (dir / "download").string(); }
  ObjectPointer Object(const std::string& key) const { return {"s3://" + bucket, key}; }
};

BenchEnv& GetEnv() {
  static BenchEnv* env = [] {
    auto* e = new BenchEnv;
    e->endpoint = Env("TARN_TEST_S3_ENDPOINT");
    if (e->endpoint.empty()) {
      e->error = "TARN_TEST_S3_ENDPOINT is not set; run `eval \"$(scripts/s3rver-start.sh)\"`";
      return e;
    }
    e->region = Env("TARN_TEST_S3_REGION", "us-east-1");
    e->access_key = Env("TARN_TEST_S3_ACCESS_KEY_ID", "S3RVER");
    e->secret = Env("TARN_TEST_S3_SECRET_ACCESS_KEY", "S3RVER");
    e->bucket = "tarn-bench-" + std::to_string(::getpid());
    // The tools read credentials from the environment.
    ::setenv("AWS_ACCESS_KEY_ID", e->access_key.c_str(), 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", e->secret.c_str(), 1);
    ::setenv("AWS_DEFAULT_REGION", e->region.c_str(), 1);

    tarn::s3::S3ClientOptions client_options;
    client_options.endpoint = e->endpoint;
    client_options.region = e->region;
    client_options.credentials = {e->access_key, e->secret, ""};
    auto client = tarn::s3::S3Client::Create(client_options);
    if (!client.ok() || !(*client)->CreateBucket(e->bucket).ok()) {
      e->error = "cannot create bucket " + e->bucket + " at " + e->endpoint;
      return e;
    }
    tarn::block::S3Options options;
    options.endpoint = e->endpoint;
    options.region = e->region;
    options.access_key_id = e->access_key;
    options.secret_access_key = e->secret;
    auto adapter = tarn::block::NewS3Adapter(options);
    if (!adapter.ok()) {
      e->error = adapter.status().ToString();
      return e;
    }
    e->adapter = std::move(adapter).value();

    char tmpl[] = "/tmp/tarn-s3-bench.XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) {
      e->error = "mkdtemp failed";
      return e;
    }
    e->dir = tmpl;
    std::mt19937_64 random(42);
    for (int64_t size : {1 * kMiB, 64 * kMiB}) {
      std::ofstream out(e->SourceFile(size), std::ios::binary);
      std::vector<uint64_t> block(kMiB / 8);
      for (int64_t done = 0; done < size; done += kMiB) {
        for (auto& word : block) word = random();
        out.write(reinterpret_cast<const char*>(block.data()), kMiB);
      }
    }
    std::string script = (e->dir / "boto3_worker.py").string();
    std::ofstream(script) << kBoto3Script;
    e->boto3 = Boto3Worker::Start(script, e->endpoint, e->bucket, e->region, &e->boto3_error);
    e->ok = true;
    return e;
  }();
  return *env;
}

// Uploads the source file of `size` under `key` with the adapter (the objects the Get
// benchmarks read).
bool EnsureObject(BenchEnv& env, int64_t size, const std::string& key) {
  FileReader reader(env.SourceFile(size));
  tarn::block::PutOptions options;
  options.size = static_cast<uint64_t>(size);
  return env.adapter->Put(env.Object(key), reader, options).ok();
}

std::string GetKey(int64_t size) { return "get-" + std::to_string(size); }

void Finish(benchmark::State& state, int64_t size) {
  state.SetBytesProcessed(state.iterations() * size);
  state.counters["MiB"] = static_cast<double>(size) / kMiB;
}

void BM_TarnPut(benchmark::State& state) {
  BenchEnv& env = GetEnv();
  if (!env.ok) return state.SkipWithError(env.error.c_str());
  const int64_t size = state.range(0);
  for (auto _ : state) {
    auto start = Clock::now();
    FileReader reader(env.SourceFile(size));
    tarn::block::PutOptions options;
    options.size = static_cast<uint64_t>(size);
    auto put = env.adapter->Put(env.Object("tarn-put-" + std::to_string(size)), reader, options);
    if (!put.ok()) return state.SkipWithError(put.status().ToString().c_str());
    state.SetIterationTime(std::chrono::duration<double>(Clock::now() - start).count());
  }
  Finish(state, size);
}

void BM_TarnGet(benchmark::State& state) {
  BenchEnv& env = GetEnv();
  if (!env.ok) return state.SkipWithError(env.error.c_str());
  const int64_t size = state.range(0);
  if (!EnsureObject(env, size, GetKey(size))) return state.SkipWithError("setup put failed");
  std::vector<char> buffer(1 << 20);
  for (auto _ : state) {
    auto start = Clock::now();
    auto reader = env.adapter->Get(env.Object(GetKey(size)), std::nullopt);
    if (!reader.ok()) return state.SkipWithError(reader.status().ToString().c_str());
    int fd = ::open(env.SinkFile().c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    while (true) {
      auto n = (*reader)->Read(buffer);
      if (!n.ok()) return state.SkipWithError(n.status().ToString().c_str());
      if (*n == 0) break;
      if (::write(fd, buffer.data(), *n) != static_cast<ssize_t>(*n)) {
        return state.SkipWithError("write failed");
      }
    }
    ::close(fd);
    state.SetIterationTime(std::chrono::duration<double>(Clock::now() - start).count());
  }
  Finish(state, size);
}

void BM_Boto3Put(benchmark::State& state) {
  BenchEnv& env = GetEnv();
  if (!env.ok) return state.SkipWithError(env.error.c_str());
  if (!env.boto3) return state.SkipWithError(env.boto3_error.c_str());
  const int64_t size = state.range(0);
  for (auto _ : state) {
    double seconds =
        env.boto3->Transfer("put", env.SourceFile(size), "boto3-put-" + std::to_string(size));
    if (seconds < 0) return state.SkipWithError("boto3 upload failed");
    state.SetIterationTime(seconds);
  }
  Finish(state, size);
}

void BM_Boto3Get(benchmark::State& state) {
  BenchEnv& env = GetEnv();
  if (!env.ok) return state.SkipWithError(env.error.c_str());
  if (!env.boto3) return state.SkipWithError(env.boto3_error.c_str());
  const int64_t size = state.range(0);
  if (!EnsureObject(env, size, GetKey(size))) return state.SkipWithError("setup put failed");
  for (auto _ : state) {
    double seconds = env.boto3->Transfer("get", env.SinkFile(), GetKey(size));
    if (seconds < 0) return state.SkipWithError("boto3 download failed");
    state.SetIterationTime(seconds);
  }
  Finish(state, size);
}

// Runs `aws s3 cp from to`; returns the wall time in seconds or a negative value on failure.
double AwsCopy(const BenchEnv& env, const std::string& from, const std::string& to) {
  std::string aws = Env("TARN_BENCH_AWS", "aws");
  auto start = Clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::execlp(aws.c_str(), aws.c_str(), "--endpoint-url", env.endpoint.c_str(), "s3", "cp",
             from.c_str(), to.c_str(), "--only-show-errors", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void BM_AwsCliPut(benchmark::State& state) {
  BenchEnv& env = GetEnv();
  if (!env.ok) return state.SkipWithError(env.error.c_str());
  const int64_t size = state.range(0);
  std::string to = "s3://" + env.bucket + "/aws-put-" + std::to_string(size);
  for (auto _ : state) {
    double seconds = AwsCopy(env, env.SourceFile(size), to);
    if (seconds < 0) return state.SkipWithError("aws s3 cp failed (is the aws CLI on PATH?)");
    state.SetIterationTime(seconds);
  }
  Finish(state, size);
}

void BM_AwsCliGet(benchmark::State& state) {
  BenchEnv& env = GetEnv();
  if (!env.ok) return state.SkipWithError(env.error.c_str());
  const int64_t size = state.range(0);
  if (!EnsureObject(env, size, GetKey(size))) return state.SkipWithError("setup put failed");
  std::string from = "s3://" + env.bucket + "/" + GetKey(size);
  for (auto _ : state) {
    double seconds = AwsCopy(env, from, env.SinkFile());
    if (seconds < 0) return state.SkipWithError("aws s3 cp failed (is the aws CLI on PATH?)");
    state.SetIterationTime(seconds);
  }
  Finish(state, size);
}

// Sizes and fixed iteration counts: the 64 MiB transfers take a good fraction of a second
// against s3rver, and `aws` starts a Python interpreter for each.
void Sizes(benchmark::internal::Benchmark* b) {
  b->UseManualTime()->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_TarnPut)->Apply(Sizes)->Arg(1 * kMiB)->Iterations(30);
BENCHMARK(BM_Boto3Put)->Apply(Sizes)->Arg(1 * kMiB)->Iterations(30);
BENCHMARK(BM_AwsCliPut)->Apply(Sizes)->Arg(1 * kMiB)->Iterations(10);
BENCHMARK(BM_TarnGet)->Apply(Sizes)->Arg(1 * kMiB)->Iterations(30);
BENCHMARK(BM_Boto3Get)->Apply(Sizes)->Arg(1 * kMiB)->Iterations(30);
BENCHMARK(BM_AwsCliGet)->Apply(Sizes)->Arg(1 * kMiB)->Iterations(10);
BENCHMARK(BM_TarnPut)->Apply(Sizes)->Arg(64 * kMiB)->Iterations(8);
BENCHMARK(BM_Boto3Put)->Apply(Sizes)->Arg(64 * kMiB)->Iterations(8);
BENCHMARK(BM_AwsCliPut)->Apply(Sizes)->Arg(64 * kMiB)->Iterations(5);
BENCHMARK(BM_TarnGet)->Apply(Sizes)->Arg(64 * kMiB)->Iterations(8);
BENCHMARK(BM_Boto3Get)->Apply(Sizes)->Arg(64 * kMiB)->Iterations(8);
BENCHMARK(BM_AwsCliGet)->Apply(Sizes)->Arg(64 * kMiB)->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
