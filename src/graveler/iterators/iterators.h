// Iterator adaptors: the staging-over-committed view, tombstone filtering, prefix bounds and
// the diffs the engine reports. Each is tested against a naive model on random inputs.
//
// Common behaviour of the adaptors:
//   - They take ownership of their inputs and start from the inputs' current positions (a fresh
//     input sits at its first key), so a new adaptor over fresh inputs sits at its first record.
//     Inputs that are only probed (`committed` of NewUncommittedDiffIterator, `left_view` of
//     NewCombinedDiffIterator) may be in any position.
//   - SeekGE works forwards and backwards; a forward seek moves only the inputs still below the
//     target, and a seek to the current key moves nothing.
//   - The first failed input ends the iteration: the adaptor stops being Valid and status()
//     returns that input's error; a later SeekGE does not clear it.
//   - No allocation per record; views point into the inputs' records.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "graveler/iterators/value_iterator.h"

namespace tarn::graveler {

// One record of an in-memory iterator; `value.identity` empty means a tombstone.
using StagedRecord = ValueRecord;

// Iterates `records`, which must be sorted by key with no duplicates.
std::unique_ptr<ValueIterator> NewVectorIterator(std::vector<ValueRecord> records);

// Merges sorted `layers` into one: on equal keys the earliest layer wins, the others are
// skipped. Tombstones pass through (a tombstone in an early layer hides later layers' value).
std::unique_ptr<ValueIterator> NewCombinedIterator(
    std::vector<std::unique_ptr<ValueIterator>> layers);

// Skips tombstones: what a reader of a branch sees.
std::unique_ptr<ValueIterator> NewSkipTombstonesIterator(std::unique_ptr<ValueIterator> it);

// Yields only keys starting with `prefix` (SeekGE below the prefix lands on its first key);
// stops as soon as keys pass the prefix.
std::unique_ptr<ValueIterator> NewPrefixIterator(std::unique_ptr<ValueIterator> it,
                                                 std::string prefix);

// Two-dot diff of two sorted views (tombstones on either side count as absent): added = only
// right, removed = only left, changed = identities differ.
std::unique_ptr<DiffIterator> NewDiffIterator(std::unique_ptr<ValueIterator> left,
                                              std::unique_ptr<ValueIterator> right);

// The uncommitted changes of a branch: `staged` (staging over sealed tokens, tombstones
// included) against `committed` (the head commit). A staged value equal to the committed one
// and a tombstone on an uncommitted key are not changes. Seeks `committed` per staged key, so
// the cost follows the number of staged records, not the size of the branch.
std::unique_ptr<DiffIterator> NewUncommittedDiffIterator(std::unique_ptr<ValueIterator> staged,
                                                         std::unique_ptr<ValueIterator> committed);

// Two-dot diff from a committed `left` to a branch including staging, built from the committed
// diff `left -> right head` and the right branch's staged records: a staged key replaces the
// committed diff's answer for that key, compared against `left_view` (seeked per staged key).
std::unique_ptr<DiffIterator> NewCombinedDiffIterator(std::unique_ptr<DiffIterator> committed_diff,
                                                      std::unique_ptr<ValueIterator> right_staged,
                                                      std::unique_ptr<ValueIterator> left_view);

}  // namespace tarn::graveler
