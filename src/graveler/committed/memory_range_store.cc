// The memory RangeStore: files are immutable vectors in maps keyed by (namespace, id), named
// and split by the same rule as the SST store (range_id.h), so a tree written here has the ids
// the SST store would give it.
#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "common/coding.h"
#include "graveler/committed/range_id.h"
#include "graveler/committed/range_store.h"

namespace tarn::graveler::committed {
namespace {

using Records = std::vector<ValueRecord>;

std::string FileKey(std::string_view ns, std::string_view id) {
  std::string key;
  key.reserve(ns.size() + 1 + id.size());
  key.append(ns);
  key.push_back('\0');
  key.append(id);
  return key;
}

// The files of every namespace. Files are shared immutable snapshots, so readers never hold
// the lock while they iterate.
class MemoryFiles {
 public:
  std::shared_ptr<const Records> GetRange(std::string_view ns, std::string_view id) const {
    std::lock_guard lock(mu_);
    auto it = ranges_.find(FileKey(ns, id));
    return it == ranges_.end() ? nullptr : it->second;
  }
  std::shared_ptr<const MetaRange> GetMetaRange(std::string_view ns, std::string_view id) const {
    std::lock_guard lock(mu_);
    auto it = metaranges_.find(FileKey(ns, id));
    return it == metaranges_.end() ? nullptr : it->second;
  }
  // An existing file with the same id holds the same records: the first one stays.
  void PutRange(std::string_view ns, std::string_view id, Records records) {
    auto file = std::make_shared<const Records>(std::move(records));
    std::lock_guard lock(mu_);
    ranges_.emplace(FileKey(ns, id), std::move(file));
  }
  void PutMetaRange(std::string_view ns, std::string_view id, MetaRange ranges) {
    auto file = std::make_shared<const MetaRange>(std::move(ranges));
    std::lock_guard lock(mu_);
    metaranges_.emplace(FileKey(ns, id), std::move(file));
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const Records>> ranges_;
  std::map<std::string, std::shared_ptr<const MetaRange>> metaranges_;
};

class RecordsIterator final : public ValueIterator {
 public:
  explicit RecordsIterator(std::shared_ptr<const Records> records) : records_(std::move(records)) {}

  bool Valid() const override { return pos_ < records_->size(); }
  void SeekGE(std::string_view key) override {
    auto it = std::lower_bound(records_->begin(), records_->end(), key,
                               [](const ValueRecord& r, std::string_view k) { return r.key < k; });
    pos_ = static_cast<std::size_t>(it - records_->begin());
  }
  void Next() override { ++pos_; }
  std::string_view key() const override { return (*records_)[pos_].key; }
  bool tombstone() const override { return false; }
  std::string_view identity() const override { return (*records_)[pos_].value.identity; }
  std::string_view data() const override { return (*records_)[pos_].value.data; }
  Status status() const override { return Status::OK(); }

 private:
  std::shared_ptr<const Records> records_;
  std::size_t pos_ = 0;
};

class MemoryMetaRangeWriter final : public MetaRangeWriter {
 public:
  MemoryMetaRangeWriter(MemoryFiles& files, std::string_view ns, const RangeSplitOptions& split)
      : files_(files), ns_(ns), split_(split) {}

  Status AddRecord(std::string_view key, std::string_view identity,
                   std::string_view data) override {
    if (finished_) return Status::Internal("metarange writer used after Finish");
    if (identity.empty()) {
      return Status::InvalidArgument("record '" + EscapeBytes(key) +
                                     "' has an empty identity; committed data holds no tombstones");
    }
    RETURN_IF_ERROR(CheckAscending(key));
    if (!hasher_) hasher_.emplace(FileType::kRange);
    hasher_->Add(key, identity, data);
    records_.push_back(
        ValueRecord{std::string(key), Value{std::string(identity), std::string(data)}});
    bytes_ += key.size() + identity.size() + data.size();
    last_key_.assign(key);
    has_last_ = true;
    if (ShouldEndRange(split_, key, records_.size(), bytes_)) EndRange();
    return Status::OK();
  }

  Status AddRange(const RangeInfo& range) override {
    if (finished_) return Status::Internal("metarange writer used after Finish");
    if (range.count == 0 || range.max_key < range.min_key) {
      return Status::InvalidArgument("range " + range.id + " has no records or inverted bounds");
    }
    RETURN_IF_ERROR(CheckAscending(range.min_key));
    if (files_.GetRange(ns_, range.id) == nullptr) {
      return Status::NotFound("range " + range.id + " is not in namespace " + ns_ +
                              "; only ranges of this namespace can be added by reference");
    }
    EndRange();
    ranges_.push_back(range);
    last_key_.assign(range.max_key);
    has_last_ = true;
    return Status::OK();
  }

  Result<MetaRangeId> Finish() override {
    if (finished_) return Status::Internal("metarange writer finished twice");
    finished_ = true;
    EndRange();
    if (ranges_.empty()) return MetaRangeId();
    FileIdHasher hasher(FileType::kMetaRange);
    for (const RangeInfo& range : ranges_) {
      hasher.Add(range.max_key, range.id, EncodeRangeData(range));
    }
    MetaRangeId id = hasher.Finish();
    files_.PutMetaRange(ns_, id, std::move(ranges_));
    return id;
  }

 private:
  Status CheckAscending(std::string_view key) const {
    if (has_last_ && key <= last_key_) {
      return Status::InvalidArgument("key '" + EscapeBytes(key) + "' is not after '" +
                                     EscapeBytes(last_key_) +
                                     "'; records and ranges must be added in ascending order");
    }
    return Status::OK();
  }

  void EndRange() {
    if (records_.empty()) return;
    RangeInfo info;
    info.id = hasher_->Finish();
    hasher_.reset();
    info.min_key = records_.front().key;
    info.max_key = records_.back().key;
    info.count = records_.size();
    info.estimated_bytes = bytes_;
    files_.PutRange(ns_, info.id, std::move(records_));
    records_.clear();
    bytes_ = 0;
    ranges_.push_back(std::move(info));
  }

  MemoryFiles& files_;
  const std::string ns_;
  const RangeSplitOptions split_;
  std::optional<FileIdHasher> hasher_;
  Records records_;  // the range being written
  uint64_t bytes_ = 0;
  MetaRange ranges_;  // the ranges written or added so far
  std::string last_key_;
  bool has_last_ = false;
  bool finished_ = false;
};

class MemoryRangeStore final : public RangeStore {
 public:
  explicit MemoryRangeStore(const RangeSplitOptions& split)
      : split_(split), empty_(std::make_shared<const MetaRange>()) {}

  Result<std::shared_ptr<const MetaRange>> ReadMetaRange(std::string_view ns,
                                                         const MetaRangeId& id) override {
    if (id.empty()) return empty_;
    auto file = files_.GetMetaRange(ns, id);
    if (file == nullptr) {
      return Status::NotFound("metarange " + id + " not found in namespace " + std::string(ns));
    }
    return file;
  }

  Result<std::unique_ptr<ValueIterator>> OpenRange(std::string_view ns,
                                                   const RangeInfo& range) override {
    auto file = files_.GetRange(ns, range.id);
    if (file == nullptr) {
      return Status::NotFound("range " + range.id + " not found in namespace " + std::string(ns));
    }
    return std::unique_ptr<ValueIterator>(std::make_unique<RecordsIterator>(std::move(file)));
  }

  Result<std::unique_ptr<MetaRangeWriter>> NewMetaRangeWriter(std::string_view ns) override {
    return std::unique_ptr<MetaRangeWriter>(
        std::make_unique<MemoryMetaRangeWriter>(files_, ns, split_));
  }

 private:
  const RangeSplitOptions split_;
  const std::shared_ptr<const MetaRange> empty_;
  MemoryFiles files_;
};

}  // namespace

std::unique_ptr<RangeStore> NewMemoryRangeStore(const RangeSplitOptions& split) {
  return std::make_unique<MemoryRangeStore>(split);
}

}  // namespace tarn::graveler::committed
