// Multipart uploads in progress, recorded in KV (partition "gateway", docs/kv_schema.md) with
// the repository, branch and path they will complete to, so ListMultipartUploads can list a
// bucket's uploads by prefix and abandoned uploads can be expired.
//
// Thread safety: every method may be called concurrently.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "tarn/kv/store.h"
#include "tarn/result.h"

namespace tarn::gateway {

struct MultipartUpload {
  std::string upload_id;   // the block adapter's upload id
  std::string repository;  // bucket
  std::string key;         // "<branch>/<path>" as the client sent it
  std::string storage_namespace;
  std::string physical_address;  // relative address in the namespace the parts complete to
  std::chrono::system_clock::time_point initiated;
  std::string content_type;
  std::map<std::string, std::string> metadata;
  std::string initiator;  // user id
};

class MultipartStore {
 public:
  MultipartStore(kv::Store& store, const Clock& clock);

  // Errors: AlreadyExists for a duplicate upload id.
  Status Create(const MultipartUpload& upload);
  // Errors: NotFound (S3 NoSuchUpload) when no such upload of (repository, key) exists.
  Result<MultipartUpload> Get(std::string_view repository, std::string_view key,
                              std::string_view upload_id);
  Status Delete(const MultipartUpload& upload);
  // The uploads of `repository` whose keys start with `prefix`, ordered by (key, upload id),
  // strictly after (key_marker, upload_id_marker), at most `amount`.
  Result<std::vector<MultipartUpload>> List(std::string_view repository, std::string_view prefix,
                                            std::string_view key_marker,
                                            std::string_view upload_id_marker, std::size_t amount);
  // Every upload initiated before `cutoff`, at most `amount`.
  Result<std::vector<MultipartUpload>> ListOlderThan(std::chrono::system_clock::time_point cutoff,
                                                     std::size_t amount);

 private:
  kv::Store& store_;
  const Clock& clock_;
};

}  // namespace tarn::gateway
