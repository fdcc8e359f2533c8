#include "graveler/committed/committed_manager.h"

#include <algorithm>

#include "common/coding.h"
#include "graveler/committed/committed_algorithms.h"
#include "graveler/committed/tree_iterator.h"

namespace tarn::graveler::committed {
namespace {

// The first range whose max key >= `key`, when its bounds hold `key`.
const RangeInfo* RangeHolding(const MetaRange& ranges, std::string_view key) {
  auto it = std::lower_bound(ranges.begin(), ranges.end(), key,
                             [](const RangeInfo& r, std::string_view k) { return r.max_key < k; });
  if (it == ranges.end() || key < it->min_key) return nullptr;
  return &*it;
}

}  // namespace

CommittedManager::CommittedManager(RangeStore& store) : store_(store) {}

Result<std::optional<Value>> CommittedManager::Get(std::string_view ns,
                                                   const MetaRangeId& metarange,
                                                   std::string_view key) {
  ASSIGN_OR_RETURN(auto ranges, store_.ReadMetaRange(ns, metarange));
  const RangeInfo* range = RangeHolding(*ranges, key);
  if (range == nullptr) return std::optional<Value>();
  ASSIGN_OR_RETURN(auto records, store_.OpenRange(ns, *range));
  records->SeekGE(key);
  if (!records->Valid()) {
    RETURN_IF_ERROR(records->status());
    return std::optional<Value>();
  }
  if (records->key() != key) return std::optional<Value>();
  return std::optional<Value>(
      Value{std::string(records->identity()), std::string(records->data())});
}

Result<std::unique_ptr<ValueIterator>> CommittedManager::NewIterator(std::string_view ns,
                                                                     const MetaRangeId& metarange) {
  ASSIGN_OR_RETURN(auto ranges, store_.ReadMetaRange(ns, metarange));
  return NewTreeValueIterator(store_, ns, std::move(ranges));
}

Result<std::optional<RangeId>> CommittedManager::GetRangeIdByKey(std::string_view ns,
                                                                 const MetaRangeId& metarange,
                                                                 std::string_view key) {
  ASSIGN_OR_RETURN(auto ranges, store_.ReadMetaRange(ns, metarange));
  const RangeInfo* range = RangeHolding(*ranges, key);
  if (range == nullptr) return std::optional<RangeId>();
  return std::optional<RangeId>(range->id);
}

Result<ApplyResult> CommittedManager::Apply(std::string_view ns, const MetaRangeId& base,
                                            ValueIterator& changes, const ApplyOptions& options) {
  return ApplyChanges(store_, ns, base, changes, options);
}

Result<std::unique_ptr<DiffIterator>> CommittedManager::Diff(std::string_view ns,
                                                             const MetaRangeId& left,
                                                             const MetaRangeId& right) {
  ASSIGN_OR_RETURN(auto left_ranges, store_.ReadMetaRange(ns, left));
  std::shared_ptr<const MetaRange> right_ranges = left_ranges;
  if (right != left) {
    ASSIGN_OR_RETURN(right_ranges, store_.ReadMetaRange(ns, right));
  }
  return NewTreeDiffIterator(store_, ns, std::move(left_ranges), std::move(right_ranges));
}

Result<MergeResult> CommittedManager::Merge(std::string_view ns, const MetaRangeId& base,
                                            const MetaRangeId& source, const MetaRangeId& dest,
                                            const MergeOptions& options) {
  return MergeTrees(store_, ns, base, source, dest, options);
}

Result<MetaRangeId> CommittedManager::WriteMetaRange(std::string_view ns, ValueIterator& records) {
  ASSIGN_OR_RETURN(auto writer, store_.NewMetaRangeWriter(ns));
  for (; records.Valid(); records.Next()) {
    if (records.tombstone()) {
      return Status::InvalidArgument("record '" + EscapeBytes(records.key()) +
                                     "' is a tombstone; a committed tree holds live values only");
    }
    RETURN_IF_ERROR(writer->AddRecord(records.key(), records.identity(), records.data()));
  }
  RETURN_IF_ERROR(records.status());
  return writer->Finish();
}

}  // namespace tarn::graveler::committed
