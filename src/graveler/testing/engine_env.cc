#include "graveler/testing/engine_env.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>

#include "block/local/local_adapter.h"
#include "block/memory/memory_adapter.h"
#include "block/s3/s3_adapter.h"
#include "block/wrapper.h"
#include "graveler/committed/sst_range_store.h"
#include "kv/memory/memory_store.h"
#include "kv/postgres/postgres_store.h"
#include "kv/rocksdb/rocksdb_store.h"
#include "s3/client/s3_client.h"

namespace tarn::graveler::testing {
namespace {

std::string Env(const char* name, const char* fallback = "") {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string(fallback) : std::string(v);
}

std::string Unique() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
         std::to_string(rd() % 1000000);
}

block::S3Options S3FromEnv() {
  block::S3Options o;
  o.endpoint = Env("TARN_TEST_S3_ENDPOINT");
  o.region = Env("TARN_TEST_S3_REGION", "us-east-1");
  o.access_key_id = Env("TARN_TEST_S3_ACCESS_KEY_ID", "S3RVER");
  o.secret_access_key = Env("TARN_TEST_S3_SECRET_ACCESS_KEY", "S3RVER");
  o.force_path_style = true;
  o.max_attempts = 3;
  o.retry_base_delay = std::chrono::milliseconds(20);
  return o;
}

}  // namespace

struct Services {
  Backend backend = Backend::kMemory;
  std::unique_ptr<kv::Store> store;
  std::filesystem::path dir;  // temp dir (rocksdb + local data)
  std::string bucket;         // s3
  // The object store every engine shares: the memory adapter is one instance (shared by
  // forwarding adapters); local and s3 adapters are cheap to make per engine.
  std::shared_ptr<block::Adapter> memory_adapter;

  ~Services() {
    store.reset();
    if (!dir.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  }
};

namespace {

Result<std::unique_ptr<block::Adapter>> NewAdapter(Services& s) {
  switch (s.backend) {
    case Backend::kMemory:
      // One memory object store, shared by every engine of these services.
      return std::unique_ptr<block::Adapter>(
          std::make_unique<block::AdapterWrapper>(s.memory_adapter));
    case Backend::kRocksDbLocal: {
      block::LocalOptions o;
      o.root = (s.dir / "objects").string();
      o.sync_directory = false;
      return block::NewLocalAdapter(o);
    }
    case Backend::kPostgresS3:
      return block::NewS3Adapter(S3FromEnv());
  }
  return Status::Internal("unknown backend");
}

Status Build(Engine& e, Services& s, const EngineOptions& options,
             std::unique_ptr<committed::RangeStore>& ranges, std::filesystem::path& cache_dir,
             block::Registry& blocks, block::Adapter*& adapter_out) {
  ASSIGN_OR_RETURN(auto adapter, NewAdapter(s));
  if (options.wrap_adapter) adapter = options.wrap_adapter(std::move(adapter));
  adapter_out = adapter.get();
  RETURN_IF_ERROR(blocks.Register(std::move(adapter)));
  if (s.backend == Backend::kMemory) {
    ranges = committed::NewMemoryRangeStore(options.split);
    return Status::OK();
  }
  cache_dir = std::filesystem::temp_directory_path() / ("tarn-range-cache-" + Unique());
  committed::SstRangeStoreOptions so;
  so.cache_dir = cache_dir.string();
  so.split = options.split;
  ASSIGN_OR_RETURN(ranges, committed::NewSstRangeStore(blocks, so));
  return Status::OK();
}

}  // namespace

std::string BackendName(Backend backend) {
  switch (backend) {
    case Backend::kMemory:
      return "memory";
    case Backend::kRocksDbLocal:
      return "rocksdb_local";
    case Backend::kPostgresS3:
      return "postgres_s3";
  }
  return "unknown";
}

bool BackendAvailable(Backend backend, std::string* why) {
  if (backend != Backend::kPostgresS3) return true;
  if (Env("TARN_TEST_POSTGRES_URL").empty()) {
    *why = Env("TARN_SKIP_POSTGRES_TESTS") == "1"
               ? "skip"
               : "TARN_TEST_POSTGRES_URL is not set: start PostgreSQL with "
                 "`eval \"$(scripts/pg-start.sh)\"` or set TARN_SKIP_POSTGRES_TESTS=1";
    return false;
  }
  if (Env("TARN_TEST_S3_ENDPOINT").empty()) {
    *why = Env("TARN_SKIP_S3_TESTS") == "1"
               ? "skip"
               : "TARN_TEST_S3_ENDPOINT is not set: start s3rver with "
                 "`eval \"$(scripts/s3rver-start.sh)\"` or set TARN_SKIP_S3_TESTS=1";
    return false;
  }
  return true;
}

Engine::~Engine() {
  graveler_.reset();
  committed_.reset();
  ranges_.reset();
  if (!cache_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(cache_dir_, ec);
  }
}

kv::Store& Engine::store() { return *services_->store; }

std::string Engine::FreshNamespace() {
  switch (services_->backend) {
    case Backend::kMemory:
      return "mem://t" + Unique();
    case Backend::kRocksDbLocal:
      return "local://t" + Unique();
    case Backend::kPostgresS3:
      return "s3://" + services_->bucket + "/t" + Unique();
  }
  return "";
}

Result<std::unique_ptr<Engine>> MakeEngine(Backend backend, const EngineOptions& options) {
  auto services = std::make_shared<Services>();
  services->backend = backend;
  switch (backend) {
    case Backend::kMemory:
      services->store = kv::NewMemoryStore();
      services->memory_adapter = block::NewMemoryAdapter();
      break;
    case Backend::kRocksDbLocal: {
      services->dir = std::filesystem::temp_directory_path() / ("tarn-engine-" + Unique());
      std::filesystem::create_directories(services->dir / "objects");
      kv::RocksDbOptions o;
      o.path = (services->dir / "kv").string();
      ASSIGN_OR_RETURN(services->store, kv::OpenRocksDbStore(o));
      break;
    }
    case Backend::kPostgresS3: {
      std::string why;
      if (!BackendAvailable(backend, &why)) return Status::Unavailable(why);
      kv::PostgresOptions o;
      o.connection_string = Env("TARN_TEST_POSTGRES_URL");
      std::string table = "graveler_" + Unique();
      for (auto& c : table) {
        if (c == '-') c = '_';
      }
      o.table = table;
      ASSIGN_OR_RETURN(services->store, kv::OpenPostgresStore(o));
      services->bucket = "tarn-engine-" + Unique();
      s3::S3ClientOptions co;
      const auto s3 = S3FromEnv();
      co.endpoint = s3.endpoint;
      co.region = s3.region;
      co.credentials = {s3.access_key_id, s3.secret_access_key, ""};
      co.force_path_style = true;
      ASSIGN_OR_RETURN(auto client, s3::S3Client::Create(co));
      RETURN_IF_ERROR(client->CreateBucket(services->bucket));
      break;
    }
  }
  std::unique_ptr<Engine> e(new Engine());
  e->services_ = services;
  RETURN_IF_ERROR(
      Build(*e, *services, options, e->ranges_, e->cache_dir_, e->blocks_, e->adapter_));
  ref::RefManagerOptions ro;
  ro.clock = &e->clock_;
  e->refs_ = std::make_unique<ref::RefManager>(*services->store, ro);
  e->staging_ = std::make_unique<staging::StagingManager>(*services->store);
  e->committed_ = std::make_unique<committed::CommittedManager>(*e->ranges_);
  GravelerOptions go;
  go.clock = &e->clock_;
  e->graveler_ =
      std::make_unique<Graveler>(*e->refs_, *e->staging_, *e->committed_, e->blocks_, go);
  return e;
}

Result<std::unique_ptr<Engine>> MakeSiblingEngine(Engine& first, const EngineOptions& options) {
  std::unique_ptr<Engine> e(new Engine());
  e->services_ = first.services_;
  if (first.services_->backend == Backend::kMemory) {
    // A memory range store is private to its engine; siblings share the first one's files
    // through the same object store only with SST stores, so reuse the first one's ranges.
    return Status::InvalidArgument("sibling engines need a backend with an object store");
  }
  RETURN_IF_ERROR(
      Build(*e, *e->services_, options, e->ranges_, e->cache_dir_, e->blocks_, e->adapter_));
  ref::RefManagerOptions ro;
  ro.clock = &e->clock_;
  e->refs_ = std::make_unique<ref::RefManager>(*e->services_->store, ro);
  e->staging_ = std::make_unique<staging::StagingManager>(*e->services_->store);
  e->committed_ = std::make_unique<committed::CommittedManager>(*e->ranges_);
  GravelerOptions go;
  go.clock = &e->clock_;
  e->graveler_ =
      std::make_unique<Graveler>(*e->refs_, *e->staging_, *e->committed_, e->blocks_, go);
  return e;
}

}  // namespace tarn::graveler::testing
