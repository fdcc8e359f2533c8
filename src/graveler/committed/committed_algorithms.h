// The algorithms behind CommittedManager, over the RangeStore seam. Private to
// graveler/committed; CommittedManager is the public face (committed_manager.h holds the
// contracts).
#pragma once
#include <memory>
#include <string_view>

#include "graveler/committed/committed_manager.h"
#include "graveler/committed/range_store.h"
#include "graveler/iterators/value_iterator.h"

namespace tarn::graveler::committed {

// Merge-walks the ranges of `base` with `changes`: ranges without a change inside their bounds
// are kept by reference, the others are entered and rewritten.
Result<ApplyResult> ApplyChanges(RangeStore& store, std::string_view ns, const MetaRangeId& base,
                                 ValueIterator& changes, const ApplyOptions& options);

// The two-dot diff of two trees; ranges with equal ids on both sides are skipped unread.
std::unique_ptr<DiffIterator> NewTreeDiffIterator(RangeStore& store, std::string_view ns,
                                                  std::shared_ptr<const MetaRange> left,
                                                  std::shared_ptr<const MetaRange> right);

// The three-way merge of committed_manager.h.
Result<MergeResult> MergeTrees(RangeStore& store, std::string_view ns, const MetaRangeId& base,
                               const MetaRangeId& source, const MetaRangeId& dest,
                               const MergeOptions& options);

}  // namespace tarn::graveler::committed
