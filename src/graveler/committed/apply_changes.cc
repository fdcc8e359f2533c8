// Apply: a merge walk of the base tree's ranges with the sorted changes.
//
// A base range is kept by reference when no change falls inside its bounds; otherwise it is
// entered and its records are merged with the changes. Two rules keep the output close to the
// tree that writing every record afresh would give (so later commits share its ranges):
//  - a change past the last range enters the last range, so appends extend it rather than
//    start a new small range after it;
//  - after an entered range whose last written key is not the base range's max key (that key
//    was deleted, or keys were inserted after it), the writer's range is still open, and
//    cutting it by keeping the next range by reference would leave a small range behind: the
//    next range is entered too, which ends the written range on that range's boundary key.
#include <string>

#include "common/coding.h"
#include "graveler/committed/committed_algorithms.h"
#include "graveler/committed/committed_tree_builder.h"
#include "graveler/committed/tree_iterator.h"

namespace tarn::graveler::committed {
namespace {

class ApplyWalk {
 public:
  ApplyWalk(RangeStore& store, std::string_view ns, std::shared_ptr<const MetaRange> base,
            ValueIterator& changes)
      : tree_(store, ns, std::move(base)), changes_(changes), out_(store, ns) {}

  Status Run() {
    while (tree_.Valid()) {
      if (tree_.AtHeader()) {
        RETURN_IF_ERROR(AtRangeHeader());
        continue;
      }
      RETURN_IF_ERROR(AtRecord());
    }
    RETURN_IF_ERROR(tree_.status());
    while (changes_.Valid()) RETURN_IF_ERROR(Insert());
    return changes_.status();
  }

  TreeBuilder& out() { return out_; }
  const DiffSummary& summary() const { return summary_; }

 private:
  Status AtRangeHeader() {
    const RangeInfo& range = tree_.range();
    const bool touched =
        changes_.Valid() && (changes_.key() <= range.max_key || tree_.AtLastRange());
    if (aligned_ && !touched) {
      RETURN_IF_ERROR(out_.KeepRange(range));
      tree_.NextRange();
      return Status::OK();
    }
    tree_.Enter();
    return Status::OK();
  }

  Status AtRecord() {
    const std::string_view key = tree_.key();
    while (changes_.Valid() && changes_.key() < key) RETURN_IF_ERROR(Insert());
    if (changes_.Valid() && changes_.key() == key) {
      RETURN_IF_ERROR(CheckOrder());
      if (changes_.tombstone()) {
        ++summary_.removed;
        RETURN_IF_ERROR(out_.MarkChanged());
      } else if (changes_.identity() == tree_.identity()) {
        RETURN_IF_ERROR(Keep());
      } else {
        ++summary_.changed;
        RETURN_IF_ERROR(out_.AddRecord(key, changes_.identity(), changes_.data()));
        aligned_ = key == tree_.range().max_key;
      }
      changes_.Next();
    } else {
      RETURN_IF_ERROR(Keep());
    }
    tree_.Next();
    return Status::OK();
  }

  Status Keep() {
    RETURN_IF_ERROR(out_.KeepRecord(tree_.key(), tree_.identity(), tree_.data()));
    aligned_ = tree_.key() == tree_.range().max_key;
    return Status::OK();
  }

  // A change at a key the base does not hold.
  Status Insert() {
    RETURN_IF_ERROR(CheckOrder());
    if (!changes_.tombstone()) {
      ++summary_.added;
      RETURN_IF_ERROR(out_.AddRecord(changes_.key(), changes_.identity(), changes_.data()));
      aligned_ = false;
    }
    changes_.Next();
    return Status::OK();
  }

  Status CheckOrder() {
    const std::string_view key = changes_.key();
    if (has_previous_ && key <= previous_) {
      return Status::InvalidArgument("changes are not sorted: '" + EscapeBytes(key) +
                                     "' comes after '" + EscapeBytes(previous_) + "'");
    }
    previous_.assign(key);
    has_previous_ = true;
    return Status::OK();
  }

  TreeIterator tree_;
  ValueIterator& changes_;
  TreeBuilder out_;
  DiffSummary summary_;
  // The writer's current range is empty or ends on a base range's boundary key.
  bool aligned_ = true;
  std::string previous_;  // the last change key, to reject unsorted input
  bool has_previous_ = false;
};

}  // namespace

Result<ApplyResult> ApplyChanges(RangeStore& store, std::string_view ns, const MetaRangeId& base,
                                 ValueIterator& changes, const ApplyOptions& options) {
  ASSIGN_OR_RETURN(auto ranges, store.ReadMetaRange(ns, base));
  ApplyWalk walk(store, ns, std::move(ranges), changes);
  RETURN_IF_ERROR(walk.Run());
  ApplyResult result;
  if (!walk.out().changed()) {
    if (!options.allow_empty) {
      return Status::PreconditionFailed(
          "no changes: every change restates the base tree; pass allow_empty to commit anyway");
    }
    result.metarange_id = base;
    return result;
  }
  ASSIGN_OR_RETURN(result.metarange_id, walk.out().Finish());
  result.summary = walk.summary();
  return result;
}

}  // namespace tarn::graveler::committed
