#include "block/range.h"

namespace tarn::block {
namespace {

Status NotSatisfiable(const ByteRange& range, uint64_t size) {
  return Status::InvalidArgument("range not satisfiable: " + FormatRange(range) +
                                 " of an object of " + std::to_string(size) + " bytes");
}

}  // namespace

Result<ResolvedRange> ResolveRange(const std::optional<ByteRange>& range, uint64_t size) {
  if (!range) return ResolvedRange{0, size};
  const ByteRange& r = *range;
  switch (r.kind) {
    case ByteRange::Kind::kFromTo: {
      if (r.last < r.first) {
        return Status::InvalidArgument("invalid range " + FormatRange(r) +
                                       ": the last byte precedes the first");
      }
      if (r.first >= size) return NotSatisfiable(r, size);
      uint64_t last = r.last < size ? r.last : size - 1;
      return ResolvedRange{r.first, last - r.first + 1};
    }
    case ByteRange::Kind::kFrom:
      if (r.first >= size) return NotSatisfiable(r, size);
      return ResolvedRange{r.first, size - r.first};
    case ByteRange::Kind::kSuffix: {
      if (r.length == 0 || size == 0) return NotSatisfiable(r, size);
      uint64_t length = r.length < size ? r.length : size;
      return ResolvedRange{size - length, length};
    }
  }
  return Status::InvalidArgument("unknown range kind");
}

std::string FormatRange(const ByteRange& range) {
  switch (range.kind) {
    case ByteRange::Kind::kFromTo:
      return "bytes=" + std::to_string(range.first) + "-" + std::to_string(range.last);
    case ByteRange::Kind::kFrom:
      return "bytes=" + std::to_string(range.first) + "-";
    case ByteRange::Kind::kSuffix:
      return "bytes=-" + std::to_string(range.length);
  }
  return "bytes=?";
}

}  // namespace tarn::block
