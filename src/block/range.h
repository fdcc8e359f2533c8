// Byte ranges resolved against an object's size, with S3's rules.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "tarn/block/adapter.h"

namespace tarn::block {

// The bytes a Get serves: [offset, offset + length).
struct ResolvedRange {
  uint64_t offset = 0;
  uint64_t length = 0;
};

// Resolves `range` against an object of `size` bytes (the whole object without a range):
//   first-last  a last byte past the end is clamped to the end;
//   first-      to the end;
//   -n          the last n bytes, the whole object when n >= size.
// Errors: InvalidArgument "range not satisfiable: ..." when the range starts at or past the
// end (any range of an empty object, a zero-length suffix); InvalidArgument "invalid range"
// when last < first.
Result<ResolvedRange> ResolveRange(const std::optional<ByteRange>& range, uint64_t size);

// The HTTP Range header value: "bytes=0-9", "bytes=5-", "bytes=-3".
std::string FormatRange(const ByteRange& range);

}  // namespace tarn::block
