// Test helpers for the committed algorithms: an in-memory ValueIterator that may hold
// tombstones, a RangeStore decorator that counts what is read and written, and conversions
// between trees and plain maps (the naive model the algorithms are checked against).
#pragma once
#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "graveler/committed/committed_manager.h"
#include "graveler/committed/range_store.h"
#include "graveler/iterators/value_iterator.h"

namespace tarn::graveler::committed::testing {

inline constexpr std::string_view kNs = "mem://committed-test";

// Sorted records; an empty identity is a tombstone.
class VectorIterator final : public ValueIterator {
 public:
  explicit VectorIterator(std::vector<ValueRecord> records) : records_(std::move(records)) {}
  bool Valid() const override { return pos_ < records_.size(); }
  void SeekGE(std::string_view key) override {
    pos_ = static_cast<std::size_t>(
        std::lower_bound(records_.begin(), records_.end(), key,
                         [](const ValueRecord& r, std::string_view k) { return r.key < k; }) -
        records_.begin());
  }
  void Next() override { ++pos_; }
  std::string_view key() const override { return records_[pos_].key; }
  bool tombstone() const override { return records_[pos_].value.identity.empty(); }
  std::string_view identity() const override { return records_[pos_].value.identity; }
  std::string_view data() const override { return records_[pos_].value.data; }
  Status status() const override { return Status::OK(); }

 private:
  std::vector<ValueRecord> records_;
  std::size_t pos_ = 0;
};

// An iterator that fails after `good` records.
class FailingIterator final : public ValueIterator {
 public:
  FailingIterator(std::vector<ValueRecord> records, std::size_t good)
      : inner_(std::move(records)), good_(good) {}
  bool Valid() const override { return seen_ < good_ && inner_.Valid(); }
  void SeekGE(std::string_view key) override { inner_.SeekGE(key); }
  void Next() override {
    ++seen_;
    inner_.Next();
  }
  std::string_view key() const override { return inner_.key(); }
  bool tombstone() const override { return inner_.tombstone(); }
  std::string_view identity() const override { return inner_.identity(); }
  std::string_view data() const override { return inner_.data(); }
  Status status() const override {
    return seen_ >= good_ ? Status::IOError("injected failure") : Status::OK();
  }

 private:
  VectorIterator inner_;
  std::size_t good_;
  std::size_t seen_ = 0;
};

// Counts what goes through a RangeStore: ranges opened (with their ids), metarange reads,
// writers created and records / ranges written.
class CountingRangeStore final : public RangeStore {
 public:
  explicit CountingRangeStore(RangeStore& inner) : inner_(inner) {}

  Result<std::shared_ptr<const MetaRange>> ReadMetaRange(std::string_view ns,
                                                         const MetaRangeId& id) override {
    ++metarange_reads;
    return inner_.ReadMetaRange(ns, id);
  }
  Result<std::unique_ptr<ValueIterator>> OpenRange(std::string_view ns,
                                                   const RangeInfo& range) override {
    {
      std::lock_guard lock(mu_);
      opened_.push_back(range.id);
    }
    return inner_.OpenRange(ns, range);
  }
  Result<std::unique_ptr<MetaRangeWriter>> NewMetaRangeWriter(std::string_view ns) override {
    ++writers;
    ASSIGN_OR_RETURN(auto writer, inner_.NewMetaRangeWriter(ns));
    return std::unique_ptr<MetaRangeWriter>(std::make_unique<Writer>(std::move(writer), *this));
  }

  std::vector<RangeId> opened() const {
    std::lock_guard lock(mu_);
    return opened_;
  }
  std::size_t opens() const { return opened().size(); }
  // How many opened ranges belong to `ranges`.
  std::size_t OpensOf(const MetaRange& ranges) const {
    std::set<RangeId> ids;
    for (const auto& r : ranges) ids.insert(r.id);
    std::size_t n = 0;
    for (const auto& id : opened()) n += ids.count(id);
    return n;
  }
  void Reset() {
    std::lock_guard lock(mu_);
    opened_.clear();
    metarange_reads = 0;
    writers = 0;
    records_written = 0;
    ranges_added = 0;
  }

  std::atomic<int> metarange_reads{0};
  std::atomic<int> writers{0};
  std::atomic<int> records_written{0};
  std::atomic<int> ranges_added{0};

 private:
  class Writer final : public MetaRangeWriter {
   public:
    Writer(std::unique_ptr<MetaRangeWriter> inner, CountingRangeStore& owner)
        : inner_(std::move(inner)), owner_(owner) {}
    Status AddRecord(std::string_view key, std::string_view identity,
                     std::string_view data) override {
      ++owner_.records_written;
      return inner_->AddRecord(key, identity, data);
    }
    Status AddRange(const RangeInfo& range) override {
      ++owner_.ranges_added;
      return inner_->AddRange(range);
    }
    Result<MetaRangeId> Finish() override { return inner_->Finish(); }

   private:
    std::unique_ptr<MetaRangeWriter> inner_;
    CountingRangeStore& owner_;
  };

  RangeStore& inner_;
  mutable std::mutex mu_;
  std::vector<RangeId> opened_;
};

// Reads metaranges from `inner` but fails every OpenRange with NotFound, like a namespace
// that lost its range files.
class LostRangesStore final : public RangeStore {
 public:
  explicit LostRangesStore(RangeStore& inner) : inner_(inner) {}
  Result<std::shared_ptr<const MetaRange>> ReadMetaRange(std::string_view ns,
                                                         const MetaRangeId& id) override {
    return inner_.ReadMetaRange(ns, id);
  }
  Result<std::unique_ptr<ValueIterator>> OpenRange(std::string_view ns,
                                                   const RangeInfo& range) override {
    return Status::NotFound("range " + range.id + " is gone");
  }
  Result<std::unique_ptr<MetaRangeWriter>> NewMetaRangeWriter(std::string_view ns) override {
    return inner_.NewMetaRangeWriter(ns);
  }

 private:
  RangeStore& inner_;
};

// The naive model: key -> identity. A record's data is derived from its identity, so that
// identity-equal values are equal values and the model need not track data.
using Model = std::map<std::string, std::string>;

inline std::string DataOf(std::string_view key, std::string_view identity) {
  return "data:" + std::string(key) + "=" + std::string(identity);
}

inline ValueRecord Rec(std::string key, std::string identity) {
  std::string data = DataOf(key, identity);
  return ValueRecord{std::move(key), Value{std::move(identity), std::move(data)}};
}
inline ValueRecord Tomb(std::string key) { return ValueRecord{std::move(key), Value{}}; }

inline std::vector<ValueRecord> RecordsOf(const Model& model) {
  std::vector<ValueRecord> out;
  for (const auto& [k, id] : model) out.push_back(Rec(k, id));
  return out;
}

inline MetaRangeId WriteModel(CommittedManager& manager, const Model& model) {
  VectorIterator it(RecordsOf(model));
  auto id = manager.WriteMetaRange(kNs, it);
  if (!id.ok()) return "error: " + id.status().ToString();
  return *id;
}

// Every record of a tree; checks that data matches the model's rule.
inline std::optional<Model> ReadModel(CommittedManager& manager, const MetaRangeId& id) {
  auto it = manager.NewIterator(kNs, id);
  if (!it.ok()) return std::nullopt;
  Model out;
  for (; (*it)->Valid(); (*it)->Next()) {
    if ((*it)->data() != DataOf((*it)->key(), (*it)->identity())) return std::nullopt;
    out.emplace(std::string((*it)->key()), std::string((*it)->identity()));
  }
  if (!(*it)->status().ok()) return std::nullopt;
  return out;
}

struct DiffEntry {
  std::string key;
  DiffType type;
  std::string left;   // identity, "" when absent
  std::string right;  // identity, "" when absent

  friend bool operator==(const DiffEntry&, const DiffEntry&) = default;
};

inline std::vector<DiffEntry> ModelDiff(const Model& left, const Model& right,
                                        std::string_view from = {}) {
  std::vector<DiffEntry> out;
  std::set<std::string> keys;
  for (const auto& [k, v] : left) keys.insert(k);
  for (const auto& [k, v] : right) keys.insert(k);
  for (const auto& k : keys) {
    if (k < from) continue;
    auto l = left.find(k);
    auto r = right.find(k);
    if (l == left.end()) {
      out.push_back({k, DiffType::kAdded, "", r->second});
    } else if (r == right.end()) {
      out.push_back({k, DiffType::kRemoved, l->second, ""});
    } else if (l->second != r->second) {
      out.push_back({k, DiffType::kChanged, l->second, r->second});
    }
  }
  return out;
}

// Drains a diff iterator; nullopt on failure or on data that does not match identities.
inline std::optional<std::vector<DiffEntry>> Drain(DiffIterator& it) {
  std::vector<DiffEntry> out;
  for (; it.Valid(); it.Next()) {
    DiffEntry e{std::string(it.key()), it.type(), "", ""};
    if (e.type != DiffType::kAdded) {
      e.left = it.left_identity();
      if (it.left_data() != DataOf(e.key, e.left)) return std::nullopt;
    }
    if (e.type != DiffType::kRemoved) {
      e.right = it.right_identity();
      if (it.right_data() != DataOf(e.key, e.right)) return std::nullopt;
    }
    out.push_back(std::move(e));
  }
  if (!it.status().ok()) return std::nullopt;
  return out;
}

inline const char* DiffTypeName(DiffType t) {
  switch (t) {
    case DiffType::kAdded:
      return "added";
    case DiffType::kRemoved:
      return "removed";
    case DiffType::kChanged:
      return "changed";
  }
  return "?";
}

inline std::ostream& operator<<(std::ostream& os, const DiffEntry& e) {
  return os << "{" << e.key << " " << DiffTypeName(e.type) << " " << e.left << "->" << e.right
            << "}";
}

}  // namespace tarn::graveler::committed::testing
