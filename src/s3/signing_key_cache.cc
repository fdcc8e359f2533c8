#include "s3/signing_key_cache.h"

#include <algorithm>

namespace tarn::s3 {

SigningKeyCache::SigningKeyCache(std::size_t capacity)
    : capacity_(std::max<std::size_t>(1, capacity)) {
  entries_.reserve(capacity_);
}

SigningKeyCache::~SigningKeyCache() {
  // The cache holds secrets; scrub them before the memory goes back to the allocator.
  for (Entry& e : entries_) {
    std::fill(e.secret.begin(), e.secret.end(), '\0');
    e.key.fill(0);
  }
}

SigningKey SigningKeyCache::Get(std::string_view secret, const CredentialScope& scope) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (Entry& e : entries_) {
      if (e.date == scope.date && e.region == scope.region && e.service == scope.service &&
          e.secret == secret) {
        e.last_used = ++clock_;
        ++hits_;
        return e.key;
      }
    }
    ++misses_;
  }
  // Derive outside the lock: concurrent misses for the same scope derive twice, harmlessly.
  SigningKey key = DeriveSigningKey(secret, scope);
  std::lock_guard<std::mutex> lock(mu_);
  Entry* slot = nullptr;
  if (entries_.size() < capacity_) {
    slot = &entries_.emplace_back();
  } else {
    slot = &*std::min_element(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
      return a.last_used < b.last_used;
    });
    std::fill(slot->secret.begin(), slot->secret.end(), '\0');
  }
  slot->secret.assign(secret);
  slot->date = scope.date;
  slot->region = scope.region;
  slot->service = scope.service;
  slot->key = key;
  slot->last_used = ++clock_;
  return key;
}

uint64_t SigningKeyCache::hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hits_;
}

uint64_t SigningKeyCache::misses() const {
  std::lock_guard<std::mutex> lock(mu_);
  return misses_;
}

}  // namespace tarn::s3
