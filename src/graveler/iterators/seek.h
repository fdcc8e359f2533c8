// Positioning helpers shared by the iterator adaptors. Private to graveler/iterators.
#pragma once
#include <memory>
#include <string_view>

#include "graveler/iterators/value_iterator.h"

namespace tarn::graveler::internal {

// Moves `it` to its first key >= `target`, given that it already sits at its first key >= some
// earlier target <= `target`: an input already at or past `target`, or exhausted, stays put. A
// failed input also stays put (seeking would not clear its error).
template <typename It>
void SeekForward(It& it, std::string_view target) {
  if (it.Valid() && it.key() < target) it.SeekGE(target);
}

// Moves `it` past tombstones.
inline void SkipTombstones(ValueIterator& it) {
  while (it.Valid() && it.tombstone()) it.Next();
}

// Answers "what does `it` hold at `key`" for a run of ascending keys, moving `it` as little as
// possible: nothing when it is already at or past the key, one Next when the key is the next
// one, a SeekGE otherwise. Reset() before a run that starts below the previous one.
class PointLookup {
 public:
  explicit PointLookup(std::unique_ptr<ValueIterator> it) : it_(std::move(it)) {}

  // True when `it` holds a live value (not a tombstone) at exactly `key`; then it() is
  // positioned on it. False otherwise; check status() to tell absence from failure.
  bool Find(std::string_view key) {
    if (!positioned_) {
      it_->SeekGE(key);
      positioned_ = true;
    } else if (it_->Valid() && it_->key() < key) {
      it_->Next();
      if (it_->Valid() && it_->key() < key) it_->SeekGE(key);
    }
    return it_->Valid() && it_->key() == key && !it_->tombstone();
  }

  // The next Find seeks instead of moving forwards.
  void Reset() { positioned_ = false; }

  const ValueIterator& it() const { return *it_; }
  Status status() const { return it_->status(); }

 private:
  std::unique_ptr<ValueIterator> it_;
  bool positioned_ = false;
};

}  // namespace tarn::graveler::internal
