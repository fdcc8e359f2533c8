// S3 etags: MD5 of the bytes for single-part objects, md5(concatenated binary part md5s) + "-N"
// for multipart objects. OpenSSL underneath.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "tarn/result.h"

namespace tarn::block {

using Md5Digest = std::array<uint8_t, 16>;

// Incremental MD5. Not thread-safe; one instance per stream.
class Md5 {
 public:
  Md5();
  ~Md5();
  Md5(const Md5&) = delete;
  Md5& operator=(const Md5&) = delete;

  void Update(std::string_view bytes);
  // Returns the digest of everything fed since construction or the last Finish, and starts over.
  Md5Digest Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Lower-case hex of a digest.
std::string Md5Hex(const Md5Digest& digest);
// The single-part etag of `bytes`.
std::string Md5HexOf(std::string_view bytes);

// Strips the double quotes that HTTP puts around etags ("\"abc\"" -> "abc").
std::string_view UnquoteEtag(std::string_view etag);

// Builds a multipart etag from the parts' single-part etags, in part order.
class MultipartEtagBuilder {
 public:
  // Adds a part by its etag (32 hex digits, quotes allowed). Errors: InvalidArgument when the
  // etag is not an MD5 hex digest.
  Status AddPart(std::string_view part_etag);
  // "<md5 hex>-<number of parts>".
  std::string Finish();

 private:
  Md5 md5_;
  int parts_ = 0;
};

}  // namespace tarn::block
