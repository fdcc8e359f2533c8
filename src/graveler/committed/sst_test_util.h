// Test helpers for range stores: generated records, a reference computation of the frozen
// ranges and ids (docs/range_format.md) and whole-tree writes and reads.
#pragma once
#include <string>
#include <vector>

#include "graveler/committed/range_store.h"
#include "graveler/iterators/value_iterator.h"
#include "tarn/result.h"

namespace tarn::graveler::committed::testing {

struct Record {
  std::string key;
  std::string identity;
  std::string data;
  friend bool operator==(const Record&, const Record&) = default;
};

// `n` ascending records with keys "key/<8 digits of 2*i>" (odd numbers are free for inserts).
std::vector<Record> MakeRecords(int n);

struct ExpectedTree {
  std::vector<RangeInfo> ranges;
  std::string metarange_id;
};
// The ranges and ids the frozen rules give `records` written in one pass.
ExpectedTree ReferenceTree(const std::vector<Record>& records, const RangeSplitOptions& split);

// Sorted values in memory (an empty identity is a tombstone).
class VectorValueIterator final : public ValueIterator {
 public:
  explicit VectorValueIterator(std::vector<ValueRecord> records) : records_(std::move(records)) {}
  bool Valid() const override { return pos_ < records_.size(); }
  void SeekGE(std::string_view key) override;
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

Result<MetaRangeId> WriteAll(RangeStore& store, const std::string& ns,
                             const std::vector<Record>& records);
// Every record of the tree, range by range, checking each range's bounds and count.
Result<std::vector<Record>> ReadAll(RangeStore& store, const std::string& ns,
                                    const MetaRangeId& id);

}  // namespace tarn::graveler::committed::testing
