// A small cache of derived SigV4 signing keys. Deriving one costs four HMACs; a server sees the
// same (secret, date, region, service) for every request of a client during a day, so a few
// dozen entries remove almost all derivations.
//
// Entries are keyed by the secret itself (not the access key id), so a rotated secret can never
// be answered with a stale key. Eviction is least-recently-used.
//
// Thread safety: all methods may be called concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "s3/sigv4.h"

namespace tarn::s3 {

class SigningKeyCache {
 public:
  explicit SigningKeyCache(std::size_t capacity = 64);
  SigningKeyCache(const SigningKeyCache&) = delete;
  SigningKeyCache& operator=(const SigningKeyCache&) = delete;
  ~SigningKeyCache();

  // The signing key for `secret` and `scope`, derived on a miss.
  SigningKey Get(std::string_view secret_access_key, const CredentialScope& scope);

  // Counters for tests and metrics.
  uint64_t hits() const;
  uint64_t misses() const;

 private:
  struct Entry {
    std::string secret;
    std::string date, region, service;
    SigningKey key{};
    uint64_t last_used = 0;
  };
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::vector<Entry> entries_;  // small: a linear scan beats hashing the secret
  uint64_t clock_ = 0;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace tarn::s3
