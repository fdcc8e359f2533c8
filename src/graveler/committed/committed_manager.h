// CommittedManager: reads, commits, diffs and merges of committed data, at the cost of the
// change rather than the size of the tree: whole ranges are copied or skipped by id and a
// range is entered only when a change falls inside its bounds.
//
// Errors common to every method: NotFound when a metarange or range file is missing from the
// namespace; Corruption when a file does not match its id; block storage errors pass through.
// Thread safety: every method may be called concurrently.
#pragma once
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graveler/committed/range_store.h"
#include "graveler/iterators/value_iterator.h"
#include "graveler/model.h"
#include "tarn/result.h"

namespace tarn::graveler::committed {

struct ApplyOptions {
  bool allow_empty = false;
};

struct ApplyResult {
  MetaRangeId metarange_id;
  DiffSummary summary;
};

struct MergeOptions {
  MergeStrategy strategy = MergeStrategy::kNone;
  // With kNone: how many conflicting keys to report, starting after `conflicts_after`.
  std::size_t max_conflicts = 1000;
  std::string conflicts_after;
  // False skips counting the summary, so that whole source ranges replacing unchanged
  // destination ranges are taken without reading either (the cheapest merge); the result may
  // then be a new id even when its content equals the destination's, and inside ranges taken
  // whole a value of equal identity carries the source's data.
  bool compute_summary = true;
};

struct MergeResult {
  MetaRangeId metarange_id;  // empty when conflicts were found ("" is also the empty tree)
  // The changes the merge brings to the destination; zero when fast_forward or
  // !options.compute_summary.
  DiffSummary summary;
  std::vector<std::string> conflicts;  // ascending; only with strategy kNone
  bool more_conflicts = false;         // conflicts exist past the last one reported
  // Some conflict exists (reported or not, e.g. at or before conflicts_after): the merge
  // failed and wrote no metarange.
  bool has_conflicts = false;
  // dest == base: the result is `source`, found without reading any range.
  bool fast_forward = false;
};

class CommittedManager {
 public:
  explicit CommittedManager(RangeStore& store);

  Result<std::optional<Value>> Get(std::string_view ns, const MetaRangeId& metarange,
                                   std::string_view key);
  // All records of the tree, ascending; supports SeekGE across ranges.
  Result<std::unique_ptr<ValueIterator>> NewIterator(std::string_view ns,
                                                     const MetaRangeId& metarange);
  // The id of the range whose bounds hold `key`; nullopt when no range does. Two trees whose
  // answers are equal hold the same value (or absence) for `key`.
  Result<std::optional<RangeId>> GetRangeIdByKey(std::string_view ns, const MetaRangeId& metarange,
                                                 std::string_view key);

  // Applies sorted `changes` (tombstones delete), read from their current position, to `base`.
  // A change whose identity equals the base's, and a tombstone on an absent key, change
  // nothing. When nothing changes no file is written and the result is `base` itself.
  // Errors: PreconditionFailed "no changes" when nothing changed and !allow_empty;
  // InvalidArgument when `changes` do not ascend; the status of `changes` when it fails.
  Result<ApplyResult> Apply(std::string_view ns, const MetaRangeId& base, ValueIterator& changes,
                            const ApplyOptions& options);

  // Two-dot diff from `left` to `right`, skipping ranges with equal ids.
  Result<std::unique_ptr<DiffIterator>> Diff(std::string_view ns, const MetaRangeId& left,
                                             const MetaRangeId& right);

  // Three-way merge of `source` into `dest` over `base`:
  //   base src dst -> result      base src dst -> result
  //   A    A   B   -> B           X    B   X   -> B
  //   A    B   A   -> B           X    B   B   -> B
  //   A    B   B   -> B           X    B   C   -> conflict
  //   A    B   C   -> conflict    A    X   A   -> X
  //   A    B   X   -> conflict    A    A   X   -> X
  //   A    X   B   -> conflict    A    X   X   -> X
  // Strategies settle conflicts by taking one side, deletions included. Equal identities are
  // equal values (the destination's data is kept). Whole ranges are kept, taken or dropped by
  // id where one side is unchanged from the base or both sides hold the same range; a range is
  // read only where both sides differ within it. A merge that changes nothing returns `dest`
  // itself and writes nothing; with kNone and a conflict, no metarange is written (range files
  // finished before the first conflict was found may remain, unreferenced).
  Result<MergeResult> Merge(std::string_view ns, const MetaRangeId& base, const MetaRangeId& source,
                            const MetaRangeId& dest, const MergeOptions& options);

  // Writes a tree holding exactly `records` (sorted, no tombstones).
  Result<MetaRangeId> WriteMetaRange(std::string_view ns, ValueIterator& records);

 private:
  RangeStore& store_;
};

}  // namespace tarn::graveler::committed
