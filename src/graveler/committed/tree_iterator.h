// TreeIterator: a cursor over a committed tree that steps by whole ranges or by records.
//
// The cursor is either at a range header (the range is not read; key() is its min_key) or at
// a record inside an entered range. From a header the caller either skips the whole range
// (NextRange, nothing is read) or enters it (Enter, the range is opened). This is what lets
// apply, diff and merge copy or skip unchanged ranges by id and read only the ranges where a
// change or a difference falls.
//
// Views (key, identity, data, range) stay valid until the cursor moves. The metarange is held
// by shared_ptr, so a RangeInfo reference stays valid as long as the cursor lives.
// Not thread-safe: one thread at a time.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "graveler/committed/range_store.h"
#include "graveler/iterators/value_iterator.h"
#include "tarn/status.h"

namespace tarn::graveler::committed {

class TreeIterator {
 public:
  // Positions at the header of the first range (or at the end of an empty tree).
  TreeIterator(RangeStore& store, std::string_view ns, std::shared_ptr<const MetaRange> ranges);
  TreeIterator(const TreeIterator&) = delete;
  TreeIterator& operator=(const TreeIterator&) = delete;

  // False at the end and after an error (see status()).
  bool Valid() const { return status_.ok() && index_ < ranges_->size(); }
  bool AtHeader() const { return !entered_; }
  // The current range. REQUIRES: Valid().
  const RangeInfo& range() const { return (*ranges_)[index_]; }
  bool AtLastRange() const { return index_ + 1 == ranges_->size(); }
  // True when the tree holds a key greater than `key` (wherever the cursor is).
  bool HoldsKeyAfter(std::string_view key) const {
    return !ranges_->empty() && ranges_->back().max_key > key;
  }
  // The record's key, or the range's min_key at a header. REQUIRES: Valid().
  std::string_view key() const { return entered_ ? records_->key() : range().min_key; }
  // REQUIRES: Valid() && !AtHeader().
  std::string_view identity() const { return records_->identity(); }
  std::string_view data() const { return records_->data(); }
  Status status() const { return status_; }

  // Opens the current range and moves to its first record. REQUIRES: Valid() && AtHeader().
  void Enter();
  // Opens the current range at its first record >= `key` (the next header when none).
  // REQUIRES: Valid() && AtHeader().
  void EnterAt(std::string_view key);
  // To the next record, or to the next range's header after the last one.
  // REQUIRES: Valid() && !AtHeader().
  void Next();
  // To the next range's header, skipping what is left of the current range unread.
  // REQUIRES: Valid().
  void NextRange();
  // Positions at the first key >= `key`, backwards or forwards: at the header of the range
  // holding it when that range's min_key >= `key` (nothing is read), else inside the range.
  void SeekGE(std::string_view key);
  // Positions at the header of the first range whose max_key >= `key`, backwards or forwards;
  // nothing is read (the range may hold keys below `key`).
  void SeekRange(std::string_view key);
  // Moves forwards to the first position whose key >= `key`, reading as little as possible:
  // ranges that end before `key` are skipped unread, and a header whose range holds `key`
  // stays a header. A cursor already at or past `key` does not move.
  void SkipTo(std::string_view key);

 private:
  void Open(std::string_view seek_key);
  void AfterMove();

  RangeStore& store_;
  const std::string ns_;
  std::shared_ptr<const MetaRange> ranges_;
  std::size_t index_ = 0;
  bool entered_ = false;
  std::unique_ptr<ValueIterator> records_;
  std::string seek_key_;
  Status status_;
};

// All records of a tree as a ValueIterator (never tombstones); SeekGE works across ranges.
std::unique_ptr<ValueIterator> NewTreeValueIterator(RangeStore& store, std::string_view ns,
                                                    std::shared_ptr<const MetaRange> ranges);

}  // namespace tarn::graveler::committed
