// Authenticated encryption of secrets at rest: AES-256-GCM with a key derived from the
// installation's encryption secret (`auth.encrypt.secret_key`, or a random key kept in the data
// directory by --quickstart). Every sealed value carries its own random nonce and a format
// version byte.
#pragma once

#include <string>
#include <string_view>

#include "tarn/result.h"

namespace tarn::auth {

class SecretBox {
 public:
  // Derives the AES key from `secret` (any non-empty string) with HKDF-SHA256.
  // Errors: InvalidArgument for an empty secret.
  static Result<SecretBox> FromSecret(std::string_view secret);

  // Reads the secret kept in `path`, creating it (32 random bytes, hex, mode 0600) when absent.
  // Errors: IOError naming the path.
  static Result<std::string> LoadOrCreateSecretFile(const std::string& path);

  Result<std::string> Seal(std::string_view plaintext) const;
  // Errors: Corruption when `sealed` was not sealed with this key or was altered (the message
  // says the encryption secret may have changed).
  Result<std::string> Open(std::string_view sealed) const;

 private:
  explicit SecretBox(std::string key) : key_(std::move(key)) {}
  std::string key_;  // 32 bytes
};

}  // namespace tarn::auth
