// A complete engine for tests: KV store, block storage, range store, refs, staging, committed
// manager and the Graveler facade, on one of three backends:
//   memory            memory KV + memory block adapter + memory range store (unit tests)
//   rocksdb+local     RocksDB and the local adapter in a temp dir, SST range files
//   postgres+s3       PostgreSQL (TARN_TEST_POSTGRES_URL) and s3rver (TARN_TEST_S3_ENDPOINT),
//                     SST range files
// A second engine can share the first one's KV store and object store (two servers).
#pragma once
#include <filesystem>
#include <memory>
#include <string>

#include "block/registry.h"
#include "common/clock.h"
#include "graveler/committed/committed_manager.h"
#include "graveler/graveler.h"
#include "graveler/ref/ref_manager.h"
#include "graveler/staging/staging_manager.h"
#include "tarn/block/adapter.h"
#include "tarn/kv/store.h"

namespace tarn::graveler::testing {

enum class Backend { kMemory, kRocksDbLocal, kPostgresS3 };

std::string BackendName(Backend backend);

struct EngineOptions {
  committed::RangeSplitOptions split;  // small targets make many ranges in small tests
  // Wraps the block adapter (e.g. in a FaultInjectingAdapter); may be null.
  std::function<std::unique_ptr<block::Adapter>(std::unique_ptr<block::Adapter>)> wrap_adapter;
};

struct Services;  // the shared KV store and object store

class Engine {
 public:
  ~Engine();
  Graveler& graveler() { return *graveler_; }
  ref::RefManager& refs() { return *refs_; }
  staging::StagingManager& staging() { return *staging_; }
  committed::CommittedManager& committed() { return *committed_; }
  kv::Store& store();
  block::Registry& blocks() { return blocks_; }
  block::Adapter& adapter() { return *adapter_; }
  const Clock& clock() const { return clock_; }
  // A namespace no other test uses, on this engine's object store.
  std::string FreshNamespace();

 private:
  friend Result<std::unique_ptr<Engine>> MakeEngine(Backend, const EngineOptions&);
  friend Result<std::unique_ptr<Engine>> MakeSiblingEngine(Engine&, const EngineOptions&);
  Engine() = default;

  SystemClock clock_;
  std::shared_ptr<Services> services_;
  block::Registry blocks_;
  block::Adapter* adapter_ = nullptr;
  std::filesystem::path cache_dir_;
  std::unique_ptr<committed::RangeStore> ranges_;
  std::unique_ptr<ref::RefManager> refs_;
  std::unique_ptr<staging::StagingManager> staging_;
  std::unique_ptr<committed::CommittedManager> committed_;
  std::unique_ptr<Graveler> graveler_;
};

// Errors: Unavailable naming the environment variable when a service is not configured.
Result<std::unique_ptr<Engine>> MakeEngine(Backend backend, const EngineOptions& options = {});
// Another engine over `first`'s KV store and object store, with its own caches.
Result<std::unique_ptr<Engine>> MakeSiblingEngine(Engine& first, const EngineOptions& options = {});

// GoogleTest: skip (TARN_SKIP_POSTGRES_TESTS / TARN_SKIP_S3_TESTS = 1) or fail with a hint
// when `backend` needs a service that is not configured. Returns true when the test may run.
bool BackendAvailable(Backend backend, std::string* why);

}  // namespace tarn::graveler::testing
