#include "graveler/committed/sst_range_store.h"

#include <rocksdb/iterator.h>

#include <string>
#include <utility>

#include "common/coding.h"
#include "graveler/committed/sst_file_io.h"
#include "graveler/committed/sst_format.h"
#include "graveler/committed/sst_metarange_index.h"
#include "graveler/committed/sst_store_internal.h"

namespace tarn::graveler::committed {
namespace sst {
namespace {

std::string LruKey(std::string_view ns, std::string_view id) {
  std::string key;
  key.reserve(ns.size() + 1 + id.size());
  key.append(ns);
  key.push_back('\0');
  key.append(id);
  return key;
}

Status BadId(std::string_view what, std::string_view id) {
  return Status::InvalidArgument(std::string(what) + " id \"" + EscapeBytes(id) +
                                 "\" is not 64 lowercase hex characters");
}

uint64_t EstimatedSize(const MetaRange& ranges) {
  uint64_t bytes = sizeof(MetaRange);
  for (const RangeInfo& r : ranges) {
    bytes += sizeof(RangeInfo) + r.id.capacity() + r.min_key.capacity() + r.max_key.capacity();
  }
  return bytes;
}

// A range's records. Keeps its reader alive; decodes each value in place.
class RangeIterator final : public ValueIterator {
 public:
  RangeIterator(SstStore& store, std::shared_ptr<rocksdb::SstFileReader> reader,
                std::string_view ns, std::string_view id)
      : store_(store),
        reader_(std::move(reader)),
        ns_(ns),
        id_(id),
        name_(DescribeFile(FileType::kRange, id, ns)) {
    rocksdb::ReadOptions read_options;
    read_options.verify_checksums = true;
    iter_.reset(reader_->NewIterator(read_options));
  }

  bool Valid() const override { return valid_; }
  void SeekGE(std::string_view key) override {
    if (!status_.ok()) return;
    iter_->Seek(rocksdb::Slice(key.data(), key.size()));
    Load();
  }
  void SeekToFirst() {
    iter_->SeekToFirst();
    Load();
  }
  void Next() override {
    iter_->Next();
    Load();
  }
  std::string_view key() const override { return key_; }
  bool tombstone() const override { return false; }
  std::string_view identity() const override { return identity_; }
  std::string_view data() const override { return data_; }
  Status status() const override { return status_; }

 private:
  void Load() {
    valid_ = iter_->Valid();
    if (!valid_) {
      if (!iter_->status().ok()) Failed(FromRocks(iter_->status(), "reading " + name_));
      return;
    }
    const rocksdb::Slice k = iter_->key();
    const rocksdb::Slice v = iter_->value();
    key_ = std::string_view(k.data(), k.size());
    if (!DecodeRangeValue(std::string_view(v.data(), v.size()), identity_, data_)) {
      valid_ = false;
      Failed(Status::Corruption("reading " + name_ + ": malformed value at key \"" +
                                EscapeBytes(key_) + "\""));
    }
  }

  void Failed(Status status) {
    // A damaged cached file: the next open fetches it again.
    if (status.code() == StatusCode::kCorruption) store_.ForgetDamaged(ns_, id_);
    status_ = std::move(status);
  }

  SstStore& store_;
  // Declared before iter_: the iterator must go first.
  std::shared_ptr<rocksdb::SstFileReader> reader_;
  const std::string ns_;
  const std::string id_;
  const std::string name_;
  std::unique_ptr<rocksdb::Iterator> iter_;
  bool valid_ = false;
  std::string_view key_;
  std::string_view identity_;
  std::string_view data_;
  Status status_;
};

}  // namespace

std::string DescribeFile(FileType type, std::string_view id, std::string_view ns) {
  std::string out(type == FileType::kRange ? "range file " : "metarange file ");
  out.append(ObjectKey(id));
  out.append(" of namespace ");
  out.append(ns);
  return out;
}

SstStore::SstStore(block::Registry& registry, const SstRangeStoreOptions& options,
                   std::unique_ptr<RangeCache> cache)
    : registry_(registry),
      options_(options),
      sst_options_(MakeSstOptions(options.block_cache_bytes, options.compress)),
      cache_(std::move(cache)),
      empty_(std::make_shared<const MetaRange>()),
      metaranges_(options.metarange_cache_bytes),
      readers_(options.max_open_files),
      pool_(options.upload_threads) {}

SstStore::~SstStore() = default;

Result<std::shared_ptr<const MetaRange>> SstStore::ReadMetaRange(std::string_view ns,
                                                                 const MetaRangeId& id) {
  if (id.empty()) return empty_;
  if (!IsValidId(id)) return BadId("metarange", id);
  const std::string key = LruKey(ns, id);
  if (auto hit = metaranges_.Get(key)) return *std::move(hit);
  if (auto indexed = ReadIndex(ns, id)) {
    metaranges_.Put(key, *indexed, EstimatedSize(**indexed));
    return *std::move(indexed);
  }
  ASSIGN_OR_RETURN(block::Adapter * adapter, registry_.ForNamespace(ns));
  ASSIGN_OR_RETURN(Reader reader, OpenFile(*adapter, ns, id, FileType::kMetaRange));
  Result<std::shared_ptr<const MetaRange>> ranges = ParseMetaRange(*reader, ns, id);
  if (!ranges.ok()) {
    if (ranges.status().code() == StatusCode::kCorruption) cache_->Remove(ns, id);
    return ranges;
  }
  metaranges_.Put(key, *ranges, EstimatedSize(**ranges));
  WriteIndex(ns, id, **ranges);
  return ranges;
}

std::optional<std::shared_ptr<const MetaRange>> SstStore::ReadIndex(std::string_view ns,
                                                                    std::string_view id) {
  const std::string name = IndexName(id);
  if (!cache_->Contains(ns, name)) return std::nullopt;
  std::string bytes;
  if (!ReadSmallFile(cache_->PathOf(ns, name), bytes)) return std::nullopt;
  auto ranges = DecodeMetaRangeIndex(bytes, id);
  if (!ranges.has_value()) cache_->Remove(ns, name);  // damaged: the SST file rebuilds it
  return ranges;
}

void SstStore::WriteIndex(std::string_view ns, std::string_view id, const MetaRange& ranges) {
  // Best effort: without an index the metarange is parsed from its SST file.
  const std::string name = IndexName(id);
  if (cache_->Contains(ns, name)) return;
  const std::string temp = cache_->NewTempPath();
  if (WriteSmallFile(temp, EncodeMetaRangeIndex(ranges))) {
    (void)cache_->Insert(ns, name, temp);
  } else {
    RemoveFileQuietly(temp);
  }
}

Result<std::shared_ptr<const MetaRange>> SstStore::ParseMetaRange(rocksdb::SstFileReader& reader,
                                                                  std::string_view ns,
                                                                  std::string_view id) {
  auto ranges = std::make_shared<MetaRange>();
  rocksdb::ReadOptions read_options;
  read_options.fill_cache = false;  // parsed once, then kept parsed
  std::unique_ptr<rocksdb::Iterator> it(reader.NewIterator(read_options));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    RangeInfo& range = ranges->emplace_back();
    range.max_key.assign(it->key().data(), it->key().size());
    if (!DecodeMetaRangeValue(std::string_view(it->value().data(), it->value().size()), range)) {
      return Status::Corruption("reading " + DescribeFile(FileType::kMetaRange, id, ns) +
                                ": malformed record #" + std::to_string(ranges->size()));
    }
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "reading " + DescribeFile(FileType::kMetaRange, id, ns));
  }
  return std::shared_ptr<const MetaRange>(std::move(ranges));
}

Result<std::unique_ptr<ValueIterator>> SstStore::OpenRange(std::string_view ns,
                                                           const RangeInfo& range) {
  if (!IsValidId(range.id)) return BadId("range", range.id);
  const std::string key = LruKey(ns, range.id);
  std::optional<Reader> reader = readers_.Get(key);
  if (reader.has_value()) {
    (void)cache_->Contains(ns, range.id);  // a use: keeps the hot file from eviction
  } else {
    ASSIGN_OR_RETURN(block::Adapter * adapter, registry_.ForNamespace(ns));
    ASSIGN_OR_RETURN(reader, OpenFile(*adapter, ns, range.id, FileType::kRange));
    readers_.Put(key, *reader, 1);
  }
  auto it = std::make_unique<RangeIterator>(*this, *std::move(reader), ns, range.id);
  it->SeekToFirst();
  return std::unique_ptr<ValueIterator>(std::move(it));
}

Result<std::unique_ptr<MetaRangeWriter>> SstStore::NewMetaRangeWriter(std::string_view ns) {
  ASSIGN_OR_RETURN(block::Adapter * adapter, registry_.ForNamespace(ns));
  return NewSstMetaRangeWriter(*this, *adapter, std::string(ns));
}

Result<SstStore::Reader> SstStore::OpenFile(block::Adapter& adapter, std::string_view ns,
                                            std::string_view id, FileType type) {
  bool fetched = false;
  auto fetch = [&](const std::string& temp_path) {
    fetched = true;
    return Fetch(adapter, ns, id, type, temp_path);
  };
  for (int attempt = 0;; ++attempt) {
    ASSIGN_OR_RETURN(RangeCache::Pinned file, cache_->Acquire(ns, id, fetch));
    auto reader = std::make_shared<rocksdb::SstFileReader>(sst_options_);
    rocksdb::Status s = reader->Open(file.path());
    if (s.ok()) return reader;
    Status status = FromRocks(s, "opening the cached " + DescribeFile(type, id, ns));
    if (fetched || attempt > 0 || s.IsIOError()) return status;
    // A cached file that does not open was damaged on the local disk: fetch it once more.
    cache_->Remove(ns, id);
  }
}

Status SstStore::Fetch(block::Adapter& adapter, std::string_view ns, std::string_view id,
                       FileType type, const std::string& temp_path) {
  Status status =
      DownloadFile(adapter, block::ObjectPointer{std::string(ns), ObjectKey(id)}, temp_path);
  if (status.IsNotFound()) {
    return Status::NotFound(DescribeFile(type, id, ns) + " is missing from the namespace (" +
                            std::string(status.message()) +
                            "); the tree refers to a file that was deleted or never uploaded");
  }
  if (!status.ok()) return status.WithContext("downloading " + DescribeFile(type, id, ns));
  if (!options_.verify_downloads) return Status::OK();
  return Verify(temp_path, ns, id, type);
}

Status SstStore::Verify(const std::string& path, std::string_view ns, std::string_view id,
                        FileType type) {
  const std::string name = DescribeFile(type, id, ns);
  rocksdb::SstFileReader reader(sst_options_);
  rocksdb::Status s = reader.Open(path);
  if (!s.ok()) {
    if (s.IsIOError()) return FromRocks(s, "opening the downloaded " + name);
    return Status::Corruption(
        "the downloaded " + name +
        " is not a readable SST file (truncated or damaged): " + s.ToString());
  }
  rocksdb::ReadOptions read_options;
  read_options.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(reader.NewIterator(read_options));
  FileIdHasher hasher(type);
  uint64_t records = 0;
  RangeInfo range;
  std::string range_data;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++records;
    std::string_view key(it->key().data(), it->key().size());
    std::string_view value(it->value().data(), it->value().size());
    std::string_view identity;
    std::string_view data;
    bool ok;
    if (type == FileType::kRange) {
      ok = DecodeRangeValue(value, identity, data);
    } else {
      uint64_t n = 0;
      ok = GetVarint64(value, n) && n <= value.size();
      if (ok) {
        identity = value.substr(0, n);
        data = value.substr(n);
        ok = IsValidId(identity) && DecodeRangeData(data, range).ok();
      }
    }
    if (!ok) {
      return Status::Corruption("the downloaded " + name + " holds a malformed record (#" +
                                std::to_string(records) + ")");
    }
    hasher.Add(key, identity, data);
  }
  if (!it->status().ok()) {
    if (it->status().IsIOError()) return FromRocks(it->status(), "reading the downloaded " + name);
    return Status::Corruption("the downloaded " + name + " is damaged: " + it->status().ToString());
  }
  const std::string actual = hasher.Finish();
  if (records == 0 || actual != id) {
    return Status::Corruption("the downloaded " + name + " does not match its id: its " +
                              std::to_string(records) + " records hash to " + actual +
                              "; the object in storage was altered or replaced");
  }
  return Status::OK();
}

Status SstStore::Publish(block::Adapter& adapter, std::string_view ns, FileType type,
                         const std::string& id, const std::string& temp_path) {
  if (cache_->Contains(ns, id)) {
    RemoveFileQuietly(temp_path);
    return Status::OK();
  }
  // PutFile lets a local namespace take the file by hard link instead of copying it.
  Status status =
      adapter.PutFile(block::ObjectPointer{std::string(ns), ObjectKey(id)}, temp_path).status();
  if (!status.ok()) {
    RemoveFileQuietly(temp_path);
    return status.WithContext("uploading " + DescribeFile(type, id, ns));
  }
  return cache_->Insert(ns, id, temp_path);
}

void SstStore::ForgetDamaged(std::string_view ns, std::string_view id) {
  readers_.Erase(LruKey(ns, id));
  cache_->Remove(ns, id);
}

void SstStore::RememberMetaRange(std::string_view ns, const std::string& id,
                                 std::shared_ptr<const MetaRange> ranges) {
  const uint64_t charge = EstimatedSize(*ranges);
  WriteIndex(ns, id, *ranges);
  metaranges_.Put(LruKey(ns, id), std::move(ranges), charge);
}

}  // namespace sst

Result<std::unique_ptr<RangeStore>> NewSstRangeStore(block::Registry& registry,
                                                     const SstRangeStoreOptions& options) {
  if (options.upload_threads < 1) {
    return Status::InvalidArgument("SST range store: upload_threads must be at least 1, got " +
                                   std::to_string(options.upload_threads));
  }
  ASSIGN_OR_RETURN(
      std::unique_ptr<RangeCache> cache,
      RangeCache::Open({.dir = options.cache_dir, .capacity_bytes = options.cache_size_bytes}));
  return std::unique_ptr<RangeStore>(
      std::make_unique<sst::SstStore>(registry, options, std::move(cache)));
}

}  // namespace tarn::graveler::committed
