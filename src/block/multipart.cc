#include "block/multipart.h"

#include <string>

#include "block/etag.h"
#include "common/coding.h"

namespace tarn::block {

Status ValidatePartNumber(int part_number) {
  if (part_number < 1 || part_number > kMaxPartNumber) {
    return Status::InvalidArgument("part number " + std::to_string(part_number) +
                                   " is outside 1..10000");
  }
  return Status::OK();
}

Status ValidateCompletedParts(std::span<const CompletedPart> parts) {
  if (parts.empty()) {
    return Status::InvalidArgument("a multipart upload is completed with at least one part");
  }
  int previous = 0;
  for (const CompletedPart& part : parts) {
    RETURN_IF_ERROR(ValidatePartNumber(part.part_number));
    if (part.part_number <= previous) {
      return Status::InvalidArgument("part " + std::to_string(part.part_number) +
                                     " is out of order: parts must be listed in strictly "
                                     "ascending part-number order");
    }
    previous = part.part_number;
  }
  return Status::OK();
}

Status CheckStoredPart(const CompletedPart& requested, std::string_view stored_etag,
                       uint64_t stored_size, bool is_last) {
  if (UnquoteEtag(requested.etag) != UnquoteEtag(stored_etag)) {
    return Status::InvalidArgument("part " + std::to_string(requested.part_number) + ": etag '" +
                                   EscapeBytes(requested.etag) +
                                   "' does not match the uploaded part");
  }
  if (!is_last && stored_size < kMinPartSize) {
    return Status::InvalidArgument("part " + std::to_string(requested.part_number) + " has " +
                                   std::to_string(stored_size) +
                                   " bytes; every part but the last needs at least 5 MiB");
  }
  return Status::OK();
}

}  // namespace tarn::block
