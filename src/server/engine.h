// The versioning engine as the server runs it: block adapters registered from the blockstore.*
// keys, the SST range store with its local cache (cache.*), refs, staging, the committed
// manager, the Graveler facade and the catalog, all over one KV store.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "block/registry.h"
#include "catalog/catalog.h"
#include "common/clock.h"
#include "graveler/graveler.h"
#include "server/options.h"
#include "tarn/kv/store.h"

namespace tarn::server {

class Engine {
 public:
  ~Engine();
  graveler::Graveler& graveler() { return *graveler_; }
  catalog::Catalog& catalog() { return *catalog_; }
  block::Registry& blocks() { return blocks_; }
  // One line per storage scheme the engine serves ("local:// -> /var/lib/tarn/objects").
  const std::vector<std::string>& storage_description() const { return described_; }

 private:
  friend Result<std::unique_ptr<Engine>> BuildEngine(const ServerOptions&, kv::Store&,
                                                     const Clock&,
                                                     const std::map<std::string, std::string>&);
  Engine() = default;

  block::Registry blocks_;
  std::vector<std::string> described_;
  std::unique_ptr<graveler::committed::RangeStore> ranges_;
  std::unique_ptr<graveler::ref::RefManager> refs_;
  std::unique_ptr<graveler::staging::StagingManager> staging_;
  std::unique_ptr<graveler::committed::CommittedManager> committed_;
  std::unique_ptr<graveler::Graveler> graveler_;
  std::unique_ptr<catalog::Catalog> catalog_;
};

// Builds the engine over `store`. The local adapter is always registered; the S3 adapter when
// blockstore.s3.* or the environment (`environment`: AWS_* variables) provide credentials.
// Errors: InvalidArgument / IOError naming the key or directory that is wrong.
Result<std::unique_ptr<Engine>> BuildEngine(const ServerOptions& options, kv::Store& store,
                                            const Clock& clock,
                                            const std::map<std::string, std::string>& environment);

}  // namespace tarn::server
