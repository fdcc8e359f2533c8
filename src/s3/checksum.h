// The additional checksums of S3 (x-amz-checksum-*): CRC32, CRC32C, CRC64/NVME, SHA-1 and
// SHA-256, each sent base64-encoded (big-endian for the CRCs), in a header or an aws-chunked
// trailer.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "s3/crypto.h"

namespace tarn::s3 {

enum class ChecksumAlgorithm { kCrc32, kCrc32c, kCrc64Nvme, kSha1, kSha256 };

// "x-amz-checksum-crc32", "x-amz-checksum-crc32c", "x-amz-checksum-crc64nvme",
// "x-amz-checksum-sha1", "x-amz-checksum-sha256".
std::string_view ChecksumHeaderName(ChecksumAlgorithm algorithm);
// Maps a header name (any case) back; nullopt for anything else.
std::optional<ChecksumAlgorithm> ChecksumAlgorithmFromHeader(std::string_view header_name);
// Maps an algorithm name as in x-amz-sdk-checksum-algorithm ("CRC32", "crc64nvme", ...).
std::optional<ChecksumAlgorithm> ChecksumAlgorithmFromName(std::string_view name);

// The raw CRC functions, continuing from `crc` (0 for a fresh message).
uint32_t Crc32(uint32_t crc, std::string_view bytes);
uint32_t Crc32c(uint32_t crc, std::string_view bytes);
uint64_t Crc64Nvme(uint64_t crc, std::string_view bytes);

// An incremental checksum. Not thread-safe; one instance per stream.
class Checksum {
 public:
  explicit Checksum(ChecksumAlgorithm algorithm);
  ~Checksum();
  Checksum(const Checksum&) = delete;
  Checksum& operator=(const Checksum&) = delete;

  ChecksumAlgorithm algorithm() const { return algorithm_; }
  void Update(std::string_view bytes);
  // The base64 value as S3 sends it. Ends the stream: call Update no more afterwards.
  std::string FinishBase64();

 private:
  ChecksumAlgorithm algorithm_;
  uint64_t crc_ = 0;
  std::unique_ptr<Digest> digest_;  // SHA-1 and SHA-256 only
};

// The base64 checksum of a whole buffer.
std::string ChecksumBase64(ChecksumAlgorithm algorithm, std::string_view bytes);

}  // namespace tarn::s3
