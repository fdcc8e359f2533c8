#include "graveler/committed/range_id.h"

#include <string>

#include "common/coding.h"

namespace tarn::graveler::committed {
namespace {

bool GetLengthPrefixed(std::string_view& in, std::string_view& out) {
  uint64_t n = 0;
  if (!GetVarint64(in, n) || n > in.size()) return false;
  out = in.substr(0, n);
  in.remove_prefix(n);
  return true;
}

// FNV-1a, 64 bits: cheap, and frozen with the format (it decides where ranges end).
uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : bytes) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace

FileIdHasher::FileIdHasher(FileType type) {
  static constexpr std::string_view kRange("tarn.range.v1", 14);  // includes the NUL
  static constexpr std::string_view kMetaRange("tarn.metarange.v1", 18);
  sha_.Update(type == FileType::kRange ? kRange : kMetaRange);
}

void FileIdHasher::Add(std::string_view key, std::string_view identity, std::string_view data) {
  // One hash update per record: the per-call overhead dominated short records.
  scratch_.clear();
  PutVarint64(scratch_, key.size());
  scratch_.append(key);
  PutVarint64(scratch_, identity.size());
  scratch_.append(identity);
  PutVarint64(scratch_, data.size());
  scratch_.append(data);
  sha_.Update(scratch_);
}

std::string FileIdHasher::Finish() { return DigestHex(sha_.Finish()); }

bool ShouldEndRange(const RangeSplitOptions& options, std::string_view key, uint64_t count,
                    uint64_t bytes) {
  if (bytes < options.min_bytes) return false;
  if (bytes >= options.max_bytes) return true;
  if (options.target_entries <= 1) return true;
  return Fnv1a64(key) % options.target_entries == 0;
}

std::string EncodeRangeData(const RangeInfo& range) {
  std::string out;
  out.reserve(range.min_key.size() + 24);
  PutVarint64(out, range.min_key.size());
  out.append(range.min_key);
  PutVarint64(out, range.count);
  PutVarint64(out, range.estimated_bytes);
  return out;
}

Status DecodeRangeData(std::string_view data, RangeInfo& range) {
  std::string_view min_key;
  if (!GetLengthPrefixed(data, min_key) || !GetVarint64(data, range.count) ||
      !GetVarint64(data, range.estimated_bytes)) {
    return Status::Corruption("malformed range record in a metarange");
  }
  range.min_key.assign(min_key);
  return Status::OK();
}

}  // namespace tarn::graveler::committed
