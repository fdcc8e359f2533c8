// The server's credential store: where the encryption secret comes from, and `tarn setup`.
#pragma once

#include <string>

#include "auth/secret_box.h"
#include "server/config_loading.h"
#include "server/options.h"

namespace tarn::server {

// The installation's secret: auth.encrypt.secret_key when set, else the random secret kept in
// <data_dir>/auth.secret (created on first use). With PostgreSQL the key must be set, so every
// server sharing the database uses the same. Errors: IOError naming the file; InvalidArgument.
Result<std::string> ServerSecret(const ServerOptions& options);

// The SecretBox sealing access keys, keyed from ServerSecret.
Result<auth::SecretBox> OpenSecretBox(const ServerOptions& options);

// The key signing login tokens: derived from the server secret (HMAC-SHA256 under a fixed
// label), so it differs from the access key encryption key but is shared by every server.
std::string LoginTokenKey(std::string_view server_secret);

// `tarn setup`: creates the first admin user with a new key pair (or the given one) and prints
// it. Returns the process exit code.
int RunSetup(const ConfigFlags& flags, const std::string& user_name,
             const std::string& access_key_id, const std::string& secret_access_key);

}  // namespace tarn::server
