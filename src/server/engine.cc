#include "server/engine.h"

#include <cstdlib>
#include <filesystem>

#include "block/local/local_adapter.h"
#include "block/s3/s3_adapter.h"
#include "graveler/committed/sst_range_store.h"

namespace tarn::server {
namespace {

std::string Absolute(const std::string& path) {
  return std::filesystem::absolute(path).lexically_normal().string();
}

// Registers the S3 adapter when credentials are available; a configuration that names S3
// settings but has no credentials is an error, a plain setup without S3 is not.
Status RegisterS3(const BlockstoreOptions& o, const std::map<std::string, std::string>& env,
                  block::Registry& blocks, std::vector<std::string>& described) {
  block::S3Options s3;
  s3.endpoint = o.s3_endpoint;
  s3.region = o.s3_region;
  s3.access_key_id = o.s3_access_key_id;
  s3.secret_access_key = o.s3_secret_access_key;
  s3.force_path_style = o.s3_force_path_style;
  block::S3CredentialSources sources;
  sources.environment = env;
  sources.credentials_file = block::ReadSharedCredentialsFile(env);
  auto resolved = block::ResolveS3Credentials(s3, sources);
  const bool asked = !o.s3_endpoint.empty() || !o.s3_access_key_id.empty();
  if (!resolved.ok()) {
    if (asked) return resolved.status().WithContext("blockstore.s3");
    described.push_back("s3://    unavailable (no credentials; set blockstore.s3.* or AWS_*)");
    return Status::OK();
  }
  ASSIGN_OR_RETURN(auto adapter, block::NewS3Adapter(*resolved));
  RETURN_IF_ERROR(blocks.Register(std::move(adapter)));
  described.push_back("s3://    -> " + (resolved->endpoint.empty() ? "AWS " + resolved->region
                                                                   : resolved->endpoint));
  return Status::OK();
}

}  // namespace

Engine::~Engine() {
  catalog_.reset();
  graveler_.reset();
  committed_.reset();
  staging_.reset();
  refs_.reset();
  ranges_.reset();
}

Result<std::unique_ptr<Engine>> BuildEngine(const ServerOptions& options, kv::Store& store,
                                            const Clock& clock,
                                            const std::map<std::string, std::string>& environment) {
  std::unique_ptr<Engine> e(new Engine());
  block::LocalOptions local;
  local.root = Absolute(options.blockstore.local_path);
  for (const auto& p : options.blockstore.local_allowed_prefixes) {
    local.allowed_prefixes.push_back(Absolute(p));
  }
  local.clock = &clock;
  local.sync_files = options.blockstore.local_fsync;
  local.sync_directory = options.blockstore.local_fsync;
  ASSIGN_OR_RETURN(auto local_adapter, block::NewLocalAdapter(local));
  RETURN_IF_ERROR(e->blocks_.Register(std::move(local_adapter)));
  e->described_.push_back("local:// -> " + local.root);
  RETURN_IF_ERROR(RegisterS3(options.blockstore, environment, e->blocks_, e->described_));

  graveler::committed::SstRangeStoreOptions ranges;
  ranges.cache_dir = Absolute(options.cache.dir);
  ranges.cache_size_bytes = options.cache.size_bytes;
  ASSIGN_OR_RETURN(e->ranges_, graveler::committed::NewSstRangeStore(e->blocks_, ranges));

  graveler::ref::RefManagerOptions refs;
  refs.clock = &clock;
  e->refs_ = std::make_unique<graveler::ref::RefManager>(store, refs);
  e->staging_ = std::make_unique<graveler::staging::StagingManager>(store);
  e->committed_ = std::make_unique<graveler::committed::CommittedManager>(*e->ranges_);
  graveler::GravelerOptions g;
  g.clock = &clock;
  e->graveler_ =
      std::make_unique<graveler::Graveler>(*e->refs_, *e->staging_, *e->committed_, e->blocks_, g);
  e->catalog_ = std::make_unique<catalog::Catalog>(*e->graveler_, e->blocks_, clock);
  return e;
}

}  // namespace tarn::server
