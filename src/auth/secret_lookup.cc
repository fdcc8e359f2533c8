// CachedSecretLookup: the in-memory cache in front of the credential store that every signed
// S3 request goes through.
#include <algorithm>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth/credentials.h"

namespace tarn::auth {
namespace {

// How long an unknown access key is remembered as unknown: long enough that a flood of
// requests with bad keys costs one KV read per key and second, short enough that a key
// created meanwhile works almost at once.
constexpr std::chrono::milliseconds kNotFoundTtl = std::chrono::seconds(1);
// Bounds the memory a flood of distinct bad keys can take.
constexpr std::size_t kMaxEntries = 100'000;

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace

struct CachedSecretLookup::Impl {
  struct Entry {
    std::optional<Credential> credential;  // empty: the key does not exist
    std::chrono::steady_clock::time_point fetched_at;
  };

  Impl(CredentialStore& store, const Clock& clock, std::chrono::milliseconds ttl)
      : store(store), clock(clock), ttl(ttl), not_found_ttl(std::min(ttl, kNotFoundTtl)) {}

  bool Fresh(const Entry& e, std::chrono::steady_clock::time_point now) const {
    return now - e.fetched_at < (e.credential.has_value() ? ttl : not_found_ttl);
  }

  // REQUIRES: mu held.
  void MakeRoom(std::chrono::steady_clock::time_point now) {
    if (entries.size() < kMaxEntries) return;
    std::erase_if(entries, [&](const auto& kv) { return !Fresh(kv.second, now); });
    if (entries.size() < kMaxEntries) return;
    std::erase_if(entries, [](const auto& kv) { return !kv.second.credential.has_value(); });
    if (entries.size() >= kMaxEntries) entries.clear();
  }

  CredentialStore& store;
  const Clock& clock;
  const std::chrono::milliseconds ttl;
  const std::chrono::milliseconds not_found_ttl;
  std::mutex mu;
  std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> entries;  // guarded by mu
};

CachedSecretLookup::CachedSecretLookup(CredentialStore& store, const Clock& clock,
                                       std::chrono::milliseconds ttl)
    : impl_(std::make_unique<Impl>(store, clock, ttl)) {}

CachedSecretLookup::~CachedSecretLookup() = default;

Result<Credential> CachedSecretLookup::Lookup(std::string_view access_key_id) {
  Impl& impl = *impl_;
  {
    std::lock_guard lock(impl.mu);
    auto it = impl.entries.find(access_key_id);
    if (it != impl.entries.end() && impl.Fresh(it->second, impl.clock.Steady())) {
      if (it->second.credential.has_value()) return *it->second.credential;
      return Status::NotFound("access key id '" + std::string(access_key_id) + "' does not exist");
    }
  }

  // Fetched without the lock: a slow store must not stall lookups of cached keys.
  std::chrono::steady_clock::time_point fetched_at = impl.clock.Steady();
  auto fetched = impl.store.GetCredential(access_key_id);
  if (!fetched.ok() && fetched.status().code() == StatusCode::kInvalidArgument) {
    // A malformed key cannot exist; nothing to cache, the store was not asked.
    return Status::NotFound(fetched.status().message());
  }
  if (!fetched.ok() && !fetched.status().IsNotFound()) return fetched.status();

  std::lock_guard lock(impl.mu);
  impl.MakeRoom(fetched_at);
  Impl::Entry& entry = impl.entries[std::string(access_key_id)];
  entry.fetched_at = fetched_at;
  if (fetched.ok()) {
    entry.credential = *fetched;
  } else {
    entry.credential.reset();
  }
  return fetched;
}

}  // namespace tarn::auth
