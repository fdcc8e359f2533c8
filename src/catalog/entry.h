// An object's entry: where its bytes live and what S3 reports about it. Stored as the data of
// a graveler value; the value's identity is ComputeIdentity(entry).
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "graveler/model.h"
#include "tarn/result.h"

namespace tarn::catalog {

inline constexpr std::string_view kDefaultContentType = "application/octet-stream";

struct Entry {
  enum class AddressType { kRelative, kFull };

  std::string path;  // the key in the repository; not stored in the record
  std::string address;
  AddressType address_type = AddressType::kRelative;
  std::chrono::system_clock::time_point last_modified;  // millisecond precision
  uint64_t size = 0;
  std::string etag;                             // without quotes
  std::map<std::string, std::string> metadata;  // user metadata (x-amz-meta-*), keys lowercase
  std::string content_type{kDefaultContentType};

  friend bool operator==(const Entry&, const Entry&) = default;
};

// SHA-256 (hex) over size, etag, content type and user metadata (docs/kv_schema.md): what
// decides whether an object changed. The address and the modification time are not part of
// it: re-uploading the same bytes with the same metadata is no change.
std::string ComputeIdentity(const Entry& entry);

// The graveler value of `entry` (identity computed, data the encoded record).
graveler::Value EntryToValue(const Entry& entry);
// Errors: Corruption when `data` is not an entry record.
Result<Entry> EntryFromValue(std::string_view path, std::string_view data);

}  // namespace tarn::catalog
