// Cryptographic primitives the S3 protocol needs beyond common/hash.h: HMAC-SHA256 and
// HMAC-SHA1, a reusable streaming digest, and constant-time comparison. OpenSSL underneath.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace tarn::s3 {

using Sha256Bytes = std::array<uint8_t, 32>;
using Sha1Bytes = std::array<uint8_t, 20>;

// The bytes of a digest as a string view (for base64, HMAC keys, ...). Borrows `bytes`.
template <std::size_t N>
std::string_view AsView(const std::array<uint8_t, N>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), N};
}

// HMAC-SHA256(key, message).
Sha256Bytes HmacSha256(std::string_view key, std::string_view message);
// HMAC-SHA1(key, message), for SigV2.
Sha1Bytes HmacSha1(std::string_view key, std::string_view message);
// SHA-256 of `bytes`.
Sha256Bytes Sha256Of(std::string_view bytes);

// Appends the lower-case hex of `n` bytes at `bytes` to `out`.
void AppendHex(std::string& out, const uint8_t* bytes, std::size_t n);
template <std::size_t N>
std::string ToHex(const std::array<uint8_t, N>& bytes) {
  std::string out;
  out.reserve(2 * N);
  AppendHex(out, bytes.data(), N);
  return out;
}

// Compares in time that depends only on the lengths, so a signature check leaks nothing about
// how many leading bytes matched.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

enum class DigestAlgorithm { kSha256, kSha1 };

// An incremental SHA-256 or SHA-1 that is reset and reused, so per-chunk hashing allocates
// nothing after construction. Not thread-safe; one instance per stream.
class Digest {
 public:
  explicit Digest(DigestAlgorithm algorithm);
  ~Digest();
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;

  void Update(std::string_view bytes);
  // Writes the digest of everything fed since the last reset to `out` (size() bytes) and
  // resets the state for the next message.
  void FinishInto(uint8_t* out);
  // Discards what was fed so far.
  void Reset();
  std::size_t size() const { return algorithm_ == DigestAlgorithm::kSha256 ? 32 : 20; }

 private:
  DigestAlgorithm algorithm_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tarn::s3
