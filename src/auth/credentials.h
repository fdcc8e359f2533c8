// Users and their access keys, kept in the KV store (partition "auth", docs/kv_schema.md), with
// secret access keys encrypted at rest by a SecretBox.
//
// Errors: NotFound (user or key), AlreadyExists (user name or access key id taken),
// InvalidArgument (malformed names or keys), Corruption (a record or ciphertext that does not
// decode: e.g. the wrong encryption key), and the KV store's errors.
// Thread safety: every method may be called concurrently.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/secret_box.h"
#include "common/clock.h"
#include "tarn/kv/store.h"
#include "tarn/result.h"

namespace tarn::auth {

// The access key pair of `tarn serve --quickstart` (DESIGN.md): the pair lakeFS's quickstart
// uses, so tutorials work unchanged.
inline constexpr std::string_view kQuickstartAccessKeyId = "AKIAIOSFOLQUICKSTART";
inline constexpr std::string_view kQuickstartSecretAccessKey =
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

struct User {
  std::string id;  // the user name: 1-64 of [A-Za-z0-9._@+-]
  std::chrono::system_clock::time_point created;
  std::string email;  // optional
  bool admin = false;
};

struct Credential {
  std::string access_key_id;      // 16-128 of [A-Z0-9]; generated ones are "AKIA" + 16
  std::string secret_access_key;  // decrypted; 40 characters when generated
  std::string user_id;
  std::chrono::system_clock::time_point created;
};

class CredentialStore {
 public:
  // `store`, `clock` must outlive the credential store.
  CredentialStore(kv::Store& store, SecretBox box, const Clock& clock);

  Result<User> CreateUser(const User& user);
  Result<User> GetUser(std::string_view id);
  // Users sorted by id, after `after`, at most `amount`.
  Result<std::vector<User>> ListUsers(std::string_view after, std::size_t amount);
  // Deletes the user and every access key of it.
  Status DeleteUser(std::string_view id);

  // A new random key pair for `user_id`.
  Result<Credential> CreateCredential(std::string_view user_id);
  // Adds a given key pair (the quickstart pair, or keys brought from elsewhere).
  Result<Credential> AddCredential(std::string_view user_id, std::string_view access_key_id,
                                   std::string_view secret_access_key);
  // The key pair with its secret decrypted.
  Result<Credential> GetCredential(std::string_view access_key_id);
  // The keys of a user (secrets left empty), sorted by access key id.
  Result<std::vector<Credential>> ListCredentials(std::string_view user_id);
  Status DeleteCredential(std::string_view user_id, std::string_view access_key_id);

  // Whether the installation has been set up (its first admin created), and marking it so.
  Result<bool> IsInitialized();
  Status MarkInitialized();

 private:
  kv::Store& store_;
  SecretBox box_;
  const Clock& clock_;
};

// Creates the first admin of an installation: user `user_name` (admin) with a new key pair, or
// with the given pair, and marks the installation initialized, all or nothing.
// Errors: AlreadyExists when the installation is already set up (message says how to add users
// instead).
Result<Credential> SetupAdmin(CredentialStore& store, std::string_view user_name,
                              std::optional<std::pair<std::string, std::string>> key_pair = {});

// A SecretLookup for the S3 authenticators: resolves access keys through the store and caches
// the decrypted secrets in memory for `ttl` (a deleted key stops working within `ttl`).
class CachedSecretLookup {
 public:
  CachedSecretLookup(CredentialStore& store, const Clock& clock,
                     std::chrono::milliseconds ttl = std::chrono::seconds(10));
  ~CachedSecretLookup();
  // NotFound for an unknown key; the store's errors otherwise.
  Result<Credential> Lookup(std::string_view access_key_id);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tarn::auth
