// The three-way merge: a walk over the source and destination trees in key order, with the
// base consulted only where the two sides differ.
//
// Each step settles the smallest position of source and dest ("lo"), by the first rule that
// applies:
//  1. both sides at the same range: keep it (whatever the base holds, both sides agree);
//  2. a side's range equal to the base's range at lo: that side did not change anything in
//     the range's bounds, so up to its max key the result is the other side's content,
//     copied range by range where possible ("known" mode below);
//  3. a range on one side only, with nothing on the other side or in the base within its
//     bounds: added by the source (take it) or by the destination (keep it);
//  4. otherwise the ranges at lo are entered and the key is merged by the table of
//     committed_manager.h, entering the base's range only if it holds lo.
// Known mode remembers rule 2 until its max key. When the destination is the unchanged side
// and the summary is counted, the destination's range is walked along (rule 1 and rule 3
// still skip what they can) so that the differences can be counted; source ranges read for
// that are still output whole.
//
// Like Apply, the walk keeps the output's ranges ending on boundary keys: a whole range goes
// out by reference only when the output so far ends on a range's max key (from trees shaped
// by their keys, a boundary) and the range itself ends on one or nothing can follow it;
// otherwise it is entered and copied record by record until the output is aligned again.
#include <algorithm>
#include <string>

#include "graveler/committed/committed_algorithms.h"
#include "graveler/committed/committed_tree_builder.h"
#include "graveler/committed/tree_iterator.h"

namespace tarn::graveler::committed {
namespace {

// True when `it` holds nothing at or before `key`.
bool Beyond(const TreeIterator& it, std::string_view key) { return !it.Valid() || it.key() > key; }

bool AtHeaderOf(const TreeIterator& it, std::string_view key) {
  return it.Valid() && it.AtHeader() && it.key() == key;
}

// Enters `it` when it is at the header of a range starting at `key`; true when it did.
bool EnterIfAt(TreeIterator& it, std::string_view key) {
  if (!AtHeaderOf(it, key)) return false;
  it.Enter();
  return true;
}

class MergeWalk {
 public:
  MergeWalk(RangeStore& store, std::string_view ns, std::shared_ptr<const MetaRange> base,
            std::shared_ptr<const MetaRange> source, std::shared_ptr<const MetaRange> dest,
            const MergeOptions& options)
      : base_(store, ns, std::move(base)),
        source_(store, ns, std::move(source)),
        dest_(store, ns, std::move(dest)),
        out_(store, ns),
        options_(options) {}

  Status Run() {
    while (!stop_ && (source_.Valid() || dest_.Valid())) RETURN_IF_ERROR(Step());
    RETURN_IF_ERROR(source_.status());
    RETURN_IF_ERROR(dest_.status());
    return base_.status();
  }

  TreeBuilder& out() { return out_; }
  MergeResult& result() { return result_; }

 private:
  enum class Known {
    kNothing,
    kSourceIsBase,       // result = dest's content; source and base skipped
    kDestIsBase,         // result = source's content; dest and base skipped
    kDestIsBaseCounted,  // result = source's content; dest walked along to count differences
  };

  bool counting() const { return options_.compute_summary && writing_; }

  Status Step() {
    RETURN_IF_ERROR(source_.status());
    RETURN_IF_ERROR(dest_.status());
    RETURN_IF_ERROR(base_.status());
    const bool has_source = source_.Valid();
    const bool has_dest = dest_.Valid();
    if (has_source && has_dest && source_.AtHeader() && dest_.AtHeader() &&
        source_.range().id == dest_.range().id && CanEmitWhole(source_, dest_) &&
        CanEmitWhole(dest_, source_)) {
      RETURN_IF_ERROR(KeepRange(dest_.range()));
      source_.NextRange();
      dest_.NextRange();
      return Status::OK();
    }
    const std::string_view lo = !has_source ? dest_.key()
                                : !has_dest ? source_.key()
                                            : std::min(source_.key(), dest_.key());
    if (!writing_ && !options_.conflicts_after.empty() && lo <= options_.conflicts_after) {
      // The merge has failed already; only conflicts past conflicts_after are still wanted.
      SkipPastReportedConflicts();
      return Status::OK();
    }
    if (known_ != Known::kNothing && lo > known_until_) known_ = Known::kNothing;
    switch (known_) {
      case Known::kSourceIsBase:
        return Copy(dest_, source_, /*change=*/false);
      case Known::kDestIsBase:
        return Copy(source_, dest_, /*change=*/true);
      case Known::kDestIsBaseCounted:
        return TakeSourceCounted(lo);
      case Known::kNothing:
        break;
    }

    base_.SkipTo(lo);
    RETURN_IF_ERROR(base_.status());
    if (AtHeaderOf(base_, lo)) {
      if (AtHeaderOf(source_, lo) && base_.range().id == source_.range().id) {
        Know(Known::kSourceIsBase, source_.range().max_key);
        source_.NextRange();
        base_.NextRange();
        return Status::OK();
      }
      if (AtHeaderOf(dest_, lo) && base_.range().id == dest_.range().id) {
        base_.NextRange();
        if (counting()) {
          Know(Known::kDestIsBaseCounted, dest_.range().max_key);
          return Status::OK();
        }
        Know(Known::kDestIsBase, dest_.range().max_key);
        dest_.NextRange();
        return MarkChanged();
      }
    }
    if (AtHeaderOf(source_, lo) && Beyond(dest_, source_.range().max_key) &&
        Beyond(base_, source_.range().max_key) && CanEmitWhole(source_, dest_)) {
      result_.summary.added += source_.range().count;
      RETURN_IF_ERROR(AddRange(source_.range()));
      source_.NextRange();
      return Status::OK();
    }
    if (AtHeaderOf(dest_, lo) && Beyond(source_, dest_.range().max_key) &&
        Beyond(base_, dest_.range().max_key) && CanEmitWhole(dest_, source_)) {
      RETURN_IF_ERROR(KeepRange(dest_.range()));
      dest_.NextRange();
      return Status::OK();
    }
    // Not short-circuited: both sides' ranges starting at lo are entered.
    if (EnterIfAt(source_, lo) | EnterIfAt(dest_, lo)) return Status::OK();
    return MergeRecord(lo);
  }

  // Known mode: `from` is the side whose content is the result; the other side holds nothing
  // more up to known_until_.
  Status Copy(TreeIterator& from, const TreeIterator& other, bool change) {
    if (from.AtHeader()) {
      if (from.range().max_key > known_until_ || !CanEmitWhole(from, other)) {
        from.Enter();
        return Status::OK();
      }
      RETURN_IF_ERROR(change ? AddRange(from.range()) : KeepRange(from.range()));
      from.NextRange();
      return Status::OK();
    }
    RETURN_IF_ERROR(change ? AddRecord(from) : KeepRecord(from));
    from.Next();
    return Status::OK();
  }

  // Known mode with the destination equal to the base up to known_until_: the result is the
  // source's content; the destination is compared with it to count the changes. A source range
  // within the bounds is read for counting but still output whole, by reference.
  Status TakeSourceCounted(std::string_view lo) {
    if (AtHeaderOf(source_, lo) && source_.range().max_key <= known_until_ &&
        CanEmitWhole(source_, dest_)) {
      if (Beyond(dest_, source_.range().max_key)) {
        result_.summary.added += source_.range().count;
        RETURN_IF_ERROR(AddRange(source_.range()));
        source_.NextRange();
        return Status::OK();
      }
      whole_ = &source_.range();
      whole_changed_ = false;
      source_.Enter();
      return FlushWholeIfLeft();
    }
    if (AtHeaderOf(dest_, lo) && Beyond(source_, dest_.range().max_key)) {
      result_.summary.removed += dest_.range().count;
      RETURN_IF_ERROR(MarkChanged());
      dest_.NextRange();
      return Status::OK();
    }
    if (EnterIfAt(source_, lo) | EnterIfAt(dest_, lo)) return Status::OK();
    const bool has_source = source_.Valid() && source_.key() == lo;
    const bool has_dest = dest_.Valid() && dest_.key() == lo;
    if (whole_ != nullptr) {
      if (!has_dest) {
        ++result_.summary.added;
        whole_changed_ = true;
      } else if (!has_source) {
        ++result_.summary.removed;
        whole_changed_ = true;
      } else if (source_.identity() != dest_.identity()) {
        ++result_.summary.changed;
        whole_changed_ = true;
      }
    } else {
      RETURN_IF_ERROR(TakeSource(has_source, has_dest));
    }
    if (has_source) source_.Next();
    if (has_dest) dest_.Next();
    return FlushWholeIfLeft();
  }

  // Outputs the source range read for counting once the source cursor has left it.
  Status FlushWholeIfLeft() {
    if (whole_ == nullptr || (source_.Valid() && !source_.AtHeader())) return Status::OK();
    const RangeInfo& range = *whole_;
    whole_ = nullptr;
    return whole_changed_ ? AddRange(range) : KeepRange(range);
  }

  // Both sides are at records or past lo.
  Status MergeRecord(std::string_view lo) {
    const bool has_source = source_.Valid() && source_.key() == lo;
    const bool has_dest = dest_.Valid() && dest_.key() == lo;
    if (!has_source || !has_dest || source_.identity() != dest_.identity()) {
      const bool has_base = BaseHolds(lo);
      RETURN_IF_ERROR(base_.status());
      const std::string_view base_identity = has_base ? base_.identity() : std::string_view();
      const std::string_view source_identity = has_source ? source_.identity() : std::string_view();
      const std::string_view dest_identity = has_dest ? dest_.identity() : std::string_view();
      // Absence is the empty identity: a live value's identity is never empty.
      if (base_identity == source_identity) {
        RETURN_IF_ERROR(TakeDest(has_dest));
      } else if (base_identity == dest_identity) {
        RETURN_IF_ERROR(TakeSource(has_source, has_dest));
      } else if (options_.strategy == MergeStrategy::kDestWins) {
        RETURN_IF_ERROR(TakeDest(has_dest));
      } else if (options_.strategy == MergeStrategy::kSourceWins) {
        RETURN_IF_ERROR(TakeSource(has_source, has_dest));
      } else {
        Conflict(lo);
      }
    } else {
      RETURN_IF_ERROR(TakeDest(has_dest));
    }
    if (has_source) source_.Next();
    if (has_dest) dest_.Next();
    return Status::OK();
  }

  // True when the base holds `key`; then base_ is at it. Enters the base's range only when its
  // bounds hold `key`.
  bool BaseHolds(std::string_view key) {
    base_.SkipTo(key);
    if (!base_.Valid()) return false;
    if (base_.AtHeader()) {
      if (base_.key() > key) return false;
      base_.EnterAt(key);
      if (!base_.Valid() || base_.AtHeader()) return false;
    }
    return base_.key() == key;
  }

  Status TakeDest(bool has_dest) { return has_dest ? KeepRecord(dest_) : Status::OK(); }

  Status TakeSource(bool has_source, bool has_dest) {
    if (has_source) {
      if (has_dest && source_.identity() == dest_.identity()) return KeepRecord(dest_);
      ++(has_dest ? result_.summary.changed : result_.summary.added);
      return AddRecord(source_);
    }
    ++result_.summary.removed;
    return MarkChanged();
  }

  void Conflict(std::string_view key) {
    result_.has_conflicts = true;
    writing_ = false;
    if (key <= options_.conflicts_after) return;
    if (result_.conflicts.size() < options_.max_conflicts) {
      result_.conflicts.emplace_back(key);
      return;
    }
    result_.more_conflicts = true;
    stop_ = true;
  }

  void SkipPastReportedConflicts() {
    target_.assign(options_.conflicts_after);
    target_.push_back('\0');  // the smallest key after conflicts_after
    source_.SeekRange(target_);
    dest_.SeekRange(target_);
    base_.SeekRange(target_);  // a header below the target is fine: the base is only consulted
    if (source_.Valid() && dest_.Valid() && source_.range().id == dest_.range().id) {
      source_.NextRange();
      dest_.NextRange();
    }
    for (TreeIterator* side : {&source_, &dest_}) {
      if (side->Valid() && side->key() < target_) side->EnterAt(target_);
    }
    known_ = Known::kNothing;
  }

  void Know(Known known, std::string_view until) {
    known_ = known;
    known_until_.assign(until);
  }

  // True when the current range of `it` can go into the output by reference without cutting
  // a range short: the output so far ends on a boundary, and the range ends on one (it is not
  // its tree's last range) or no key can follow it (`other` holds none after it).
  bool CanEmitWhole(const TreeIterator& it, const TreeIterator& other) const {
    if (!writing_) return true;
    if (!aligned_) return false;
    return !it.AtLastRange() || !other.HoldsKeyAfter(it.range().max_key);
  }

  // Output, dropped once a conflict has failed the merge.
  Status KeepRange(const RangeInfo& range) {
    if (!writing_) return Status::OK();
    aligned_ = true;
    return out_.KeepRange(range);
  }
  Status AddRange(const RangeInfo& range) {
    if (!writing_) return Status::OK();
    aligned_ = true;
    return out_.AddRange(range);
  }
  Status KeepRecord(const TreeIterator& it) {
    if (!writing_) return Status::OK();
    aligned_ = EndsRange(it);
    return out_.KeepRecord(it.key(), it.identity(), it.data());
  }
  Status AddRecord(const TreeIterator& it) {
    if (!writing_) return Status::OK();
    aligned_ = EndsRange(it);
    return out_.AddRecord(it.key(), it.identity(), it.data());
  }
  Status MarkChanged() { return writing_ ? out_.MarkChanged() : Status(); }
  static bool EndsRange(const TreeIterator& it) {
    return it.key() == it.range().max_key && !it.AtLastRange();
  }

  TreeIterator base_;
  TreeIterator source_;
  TreeIterator dest_;
  TreeBuilder out_;
  const MergeOptions& options_;
  MergeResult result_;
  Known known_ = Known::kNothing;
  std::string known_until_;
  bool writing_ = true;  // false once a conflict has failed the merge
  bool aligned_ = true;  // the output so far ends on a range boundary (or is empty)
  bool stop_ = false;    // enough conflicts reported
  // In kDestIsBaseCounted: the source range being read for counting, output whole once left.
  const RangeInfo* whole_ = nullptr;
  bool whole_changed_ = false;
  std::string target_;
};

}  // namespace

Result<MergeResult> MergeTrees(RangeStore& store, std::string_view ns, const MetaRangeId& base,
                               const MetaRangeId& source, const MetaRangeId& dest,
                               const MergeOptions& options) {
  MergeResult trivial;
  if (source == dest || source == base) {
    trivial.metarange_id = dest;
    return trivial;
  }
  if (dest == base) {
    trivial.metarange_id = source;
    trivial.fast_forward = true;
    return trivial;
  }
  ASSIGN_OR_RETURN(auto base_ranges, store.ReadMetaRange(ns, base));
  ASSIGN_OR_RETURN(auto source_ranges, store.ReadMetaRange(ns, source));
  ASSIGN_OR_RETURN(auto dest_ranges, store.ReadMetaRange(ns, dest));
  MergeWalk walk(store, ns, std::move(base_ranges), std::move(source_ranges),
                 std::move(dest_ranges), options);
  RETURN_IF_ERROR(walk.Run());
  MergeResult result = std::move(walk.result());
  if (result.has_conflicts) {
    result.metarange_id.clear();
    result.summary = {};
    return result;
  }
  if (!walk.out().changed()) {
    result.metarange_id = dest;
    result.summary = {};
    return result;
  }
  ASSIGN_OR_RETURN(result.metarange_id, walk.out().Finish());
  if (!options.compute_summary) result.summary = {};
  return result;
}

}  // namespace tarn::graveler::committed
