// The iterator shapes of the versioning engine.
//
// Every iterator has the one shape of tarn (include/tarn/kv/store.h): position with SeekGE,
// advance with Next while Valid, then check status(). Keys ascend strictly (memcmp order).
// Views returned by key()/identity()/data() stay valid until the next SeekGE/Next or the
// iterator's destruction. An iterator is used by one thread at a time.
#pragma once
#include <memory>
#include <string_view>

#include "graveler/model.h"
#include "tarn/status.h"

namespace tarn::graveler {

// A sorted stream of values. Staging iterators also yield tombstones (a key deleted on top of
// what lies below); committed iterators never do.
class ValueIterator {
 public:
  ValueIterator() = default;
  ValueIterator(const ValueIterator&) = delete;
  ValueIterator& operator=(const ValueIterator&) = delete;
  virtual ~ValueIterator() = default;

  virtual bool Valid() const = 0;
  // Positions at the first key >= `key`, forwards or backwards from the current position.
  virtual void SeekGE(std::string_view key) = 0;
  // REQUIRES: Valid().
  virtual void Next() = 0;
  // REQUIRES: Valid().
  virtual std::string_view key() const = 0;
  // REQUIRES: Valid(). A tombstone has an empty identity and empty data.
  virtual bool tombstone() const = 0;
  virtual std::string_view identity() const = 0;
  virtual std::string_view data() const = 0;
  // OK unless iteration failed; a failed iterator is not Valid().
  virtual Status status() const = 0;
};

// A sorted stream of differences between a left and a right side.
class DiffIterator {
 public:
  DiffIterator() = default;
  DiffIterator(const DiffIterator&) = delete;
  DiffIterator& operator=(const DiffIterator&) = delete;
  virtual ~DiffIterator() = default;

  virtual bool Valid() const = 0;
  virtual void SeekGE(std::string_view key) = 0;
  virtual void Next() = 0;
  virtual std::string_view key() const = 0;
  virtual DiffType type() const = 0;
  // The left side's value: REQUIRES type() is kRemoved or kChanged.
  virtual std::string_view left_identity() const = 0;
  virtual std::string_view left_data() const = 0;
  // The right side's value: REQUIRES type() is kAdded or kChanged.
  virtual std::string_view right_identity() const = 0;
  virtual std::string_view right_data() const = 0;
  virtual Status status() const = 0;
};

}  // namespace tarn::graveler
