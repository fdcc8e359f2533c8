// What the local adapter keeps beside an object's bytes: its etag and content type, in one
// extended attribute of the object's own file ("user.tarn.meta"), so that metadata and bytes
// are replaced together by the same rename. docs/block_local.md describes the format.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tarn/result.h"
#include "tarn/status.h"

namespace tarn::block::local {

inline constexpr const char* kMetaAttribute = "user.tarn.meta";
// Content types are HTTP header values; longer ones are refused rather than truncated.
inline constexpr std::size_t kMaxContentType = 1024;

struct StoredMeta {
  std::string etag;
  std::string content_type;
  // The file's size and modification time when the record was written (version 2), so that a
  // Get needs no fstat; absent in version-1 records.
  std::optional<uint64_t> size;
  std::optional<int64_t> mtime_ns;
};

// Writes `meta` to the open file `fd`. Errors: IOError naming `display` (ENOTSUP: the file
// system has no user extended attributes).
Status WriteMeta(int fd, const StoredMeta& meta, std::string_view display);

// Reads the metadata of the open file `fd`; nullopt when the file has none (a file placed in
// the namespace by other means). Errors: Corruption for an unreadable record, IOError.
Result<std::optional<StoredMeta>> ReadMeta(int fd, std::string_view display);

}  // namespace tarn::block::local
