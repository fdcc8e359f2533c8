// Test helpers for range stores: generated records, a reference computation of the frozen
// ranges and ids (docs/range_format.md) and whole-tree writes and reads.
#pragma once
#include <string>
#include <vector>

#include "graveler/committed/range_store.h"
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

Result<MetaRangeId> WriteAll(RangeStore& store, const std::string& ns,
                             const std::vector<Record>& records);
// Every record of the tree, range by range, checking each range's bounds and count.
Result<std::vector<Record>> ReadAll(RangeStore& store, const std::string& ns,
                                    const MetaRangeId& id);

}  // namespace tarn::graveler::committed::testing
