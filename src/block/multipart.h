// S3's multipart rules, shared by the adapters that implement multipart uploads themselves.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "tarn/block/adapter.h"

namespace tarn::block {

inline constexpr uint64_t kMinPartSize = 5ull * 1024 * 1024;  // every part but the last
inline constexpr int kMaxPartNumber = 10000;

// Errors: InvalidArgument unless 1 <= part_number <= 10000.
Status ValidatePartNumber(int part_number);

// Checks the list a Complete receives: non-empty, valid and strictly ascending part numbers.
// Errors: InvalidArgument naming the offending part.
Status ValidateCompletedParts(std::span<const CompletedPart> parts);

// Checks one requested part against what was stored for it: the etag matches (quotes ignored)
// and, unless it is the last part, it has at least kMinPartSize bytes.
// Errors: InvalidArgument naming the part.
Status CheckStoredPart(const CompletedPart& requested, std::string_view stored_etag,
                       uint64_t stored_size, bool is_last);

}  // namespace tarn::block
