// TreeBuilder: writes the tree that Apply or Merge produces, and nothing when it turns out to
// be unchanged.
//
// Every operation compares its output with a reference tree (Apply's base, Merge's
// destination). Output that equals the reference ("Keep...") is only buffered until the first
// change ("Add..." or MarkChanged); then a metarange writer is opened and the buffer replayed
// into it. An operation that changes nothing therefore writes no file and returns the
// reference's id. The buffer holds records by value in one reused arena and ranges by pointer;
// past `max_buffered_bytes` it is written out even before a change (the caller then still
// returns the reference's id when nothing changed, and the files written stay unreferenced).
//
// Not thread-safe: one thread at a time.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "graveler/committed/range_store.h"
#include "tarn/result.h"

namespace tarn::graveler::committed {

class TreeBuilder {
 public:
  static constexpr std::size_t kDefaultMaxBufferedBytes = 8u << 20;

  TreeBuilder(RangeStore& store, std::string_view ns,
              std::size_t max_buffered_bytes = kDefaultMaxBufferedBytes);
  TreeBuilder(const TreeBuilder&) = delete;
  TreeBuilder& operator=(const TreeBuilder&) = delete;

  // Output equal to the reference tree at these keys. REQUIRES: `range` outlives the builder
  // (it points into a MetaRange held by a TreeIterator of the same operation). Keys ascend
  // across every call, as MetaRangeWriter requires.
  Status KeepRange(const RangeInfo& range);
  Status KeepRecord(std::string_view key, std::string_view identity, std::string_view data);
  // Output that differs from the reference tree.
  Status AddRange(const RangeInfo& range);
  Status AddRecord(std::string_view key, std::string_view identity, std::string_view data);
  // A change that writes nothing (a key of the reference that the output drops).
  Status MarkChanged();

  bool changed() const { return changed_; }
  // Writes the tree. REQUIRES: changed().
  Result<MetaRangeId> Finish();

 private:
  struct Op {
    const RangeInfo* range;  // null for a record
    std::size_t offset;      // of the record's bytes in arena_: key, identity, data
    uint32_t key_size;
    uint32_t identity_size;
    uint32_t data_size;
  };

  Status Materialize();

  RangeStore& store_;
  const std::string ns_;
  const std::size_t max_buffered_bytes_;
  bool changed_ = false;
  std::unique_ptr<MetaRangeWriter> writer_;  // null while buffering
  std::vector<Op> ops_;
  std::string arena_;
};

}  // namespace tarn::graveler::committed
