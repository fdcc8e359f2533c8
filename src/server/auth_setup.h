// The server's credential store: where the encryption secret comes from, and `tarn setup`.
#pragma once

#include <string>

#include "auth/secret_box.h"
#include "server/config_loading.h"
#include "server/options.h"

namespace tarn::server {

// auth.encrypt.secret_key when set, else the random secret kept in <data_dir>/auth.secret
// (created on first use). Errors: IOError naming the file.
Result<auth::SecretBox> OpenSecretBox(const ServerOptions& options);

// `tarn setup`: creates the first admin user with a new key pair (or the given one) and prints
// it. Returns the process exit code.
int RunSetup(const ConfigFlags& flags, const std::string& user_name,
             const std::string& access_key_id, const std::string& secret_access_key);

}  // namespace tarn::server
