// Private to the SST range store: what its reading half (sst_range_store.cc) shares with its
// writer (sst_metarange_writer.cc).
#pragma once
#include <rocksdb/options.h>
#include <rocksdb/sst_file_reader.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "block/registry.h"
#include "graveler/committed/range_cache.h"
#include "graveler/committed/range_id.h"
#include "graveler/committed/range_store.h"
#include "graveler/committed/sst_lru.h"
#include "graveler/committed/sst_range_store.h"
#include "graveler/committed/sst_task_pool.h"

namespace tarn::graveler::committed::sst {

// "range file _tarn/<id> of namespace <ns>", for messages.
std::string DescribeFile(FileType type, std::string_view id, std::string_view ns);

class SstStore final : public RangeStore {
 public:
  SstStore(block::Registry& registry, const SstRangeStoreOptions& options,
           std::unique_ptr<RangeCache> cache);
  ~SstStore() override;

  Result<std::shared_ptr<const MetaRange>> ReadMetaRange(std::string_view storage_namespace,
                                                         const MetaRangeId& id) override;
  Result<std::unique_ptr<ValueIterator>> OpenRange(std::string_view storage_namespace,
                                                   const RangeInfo& range) override;
  Result<std::unique_ptr<MetaRangeWriter>> NewMetaRangeWriter(
      std::string_view storage_namespace) override;

  // For the writer.
  const SstRangeStoreOptions& options() const { return options_; }
  const rocksdb::Options& sst_options() const { return sst_options_; }
  RangeCache& cache() { return *cache_; }
  TaskPool& pool() { return pool_; }
  // Uploads the finished file at `temp_path` as (ns, id) unless the cache holds it already,
  // then moves it into the cache. The temp file is gone afterwards, whatever happened.
  Status Publish(block::Adapter& adapter, std::string_view ns, FileType type, const std::string& id,
                 const std::string& temp_path);
  // Drops the open reader and the cached file of (ns, id), found damaged while reading.
  void ForgetDamaged(std::string_view ns, std::string_view id);
  // Keeps a metarange just written, so that reading it back parses nothing.
  void RememberMetaRange(std::string_view ns, const std::string& id,
                         std::shared_ptr<const MetaRange> ranges);

 private:
  using Reader = std::shared_ptr<rocksdb::SstFileReader>;
  // Opens the file (ns, id) from the cache, downloading it on a miss.
  Result<Reader> OpenFile(block::Adapter& adapter, std::string_view ns, std::string_view id,
                          FileType type);
  // Downloads (and verifies) the file into `temp_path` for the cache.
  Status Fetch(block::Adapter& adapter, std::string_view ns, std::string_view id, FileType type,
               const std::string& temp_path);
  Status Verify(const std::string& path, std::string_view ns, std::string_view id, FileType type);
  // The metarange from its cached index (sst_metarange_index.h), when there is a sound one.
  std::optional<std::shared_ptr<const MetaRange>> ReadIndex(std::string_view ns,
                                                            std::string_view id);
  void WriteIndex(std::string_view ns, std::string_view id, const MetaRange& ranges);
  Result<std::shared_ptr<const MetaRange>> ParseMetaRange(rocksdb::SstFileReader& reader,
                                                          std::string_view ns, std::string_view id);

  block::Registry& registry_;
  const SstRangeStoreOptions options_;
  const rocksdb::Options sst_options_;
  std::unique_ptr<RangeCache> cache_;
  const std::shared_ptr<const MetaRange> empty_;
  Lru<std::shared_ptr<const MetaRange>> metaranges_;  // by "<ns>\0<id>"
  Lru<Reader> readers_;                               // by "<ns>\0<id>"
  TaskPool pool_;  // last: its threads stop before the rest goes away
};

std::unique_ptr<MetaRangeWriter> NewSstMetaRangeWriter(SstStore& store, block::Adapter& adapter,
                                                       std::string storage_namespace);

}  // namespace tarn::graveler::committed::sst
