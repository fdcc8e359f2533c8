// How committed files are named and split, shared by every RangeStore so that the same
// records give the same ids whatever stores them. Frozen: see docs/range_format.md.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "common/hash.h"
#include "graveler/committed/range_store.h"

namespace tarn::graveler::committed {

enum class FileType { kRange, kMetaRange };

// The SHA-256 over a file's logical records (never over file bytes).
class FileIdHasher {
 public:
  explicit FileIdHasher(FileType type);
  void Add(std::string_view key, std::string_view identity, std::string_view data);
  // The lowercase hex id. Call once.
  std::string Finish();

 private:
  Sha256 sha_;
  std::string scratch_;
};

// True when `key` ends the range being written, given the range's size with `key` included.
bool ShouldEndRange(const RangeSplitOptions& options, std::string_view key, uint64_t count,
                    uint64_t bytes);

// A metarange record's data: the RangeInfo fields other than max_key (the record's key) and
// id (its identity).
std::string EncodeRangeData(const RangeInfo& range);
// Errors: Corruption.
Status DecodeRangeData(std::string_view data, RangeInfo& range);

}  // namespace tarn::graveler::committed
