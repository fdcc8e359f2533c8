#include "server/auth_setup.h"

#include <filesystem>
#include <iostream>

#include "auth/credentials.h"
#include "auth/policy_store.h"
#include "common/clock.h"
#include "common/logging.h"
#include "kv/schema.h"
#include "s3/crypto.h"
#include "server/store_factory.h"

namespace tarn::server {

Result<std::string> ServerSecret(const ServerOptions& options) {
  if (!options.auth_encrypt_secret_key.empty()) return options.auth_encrypt_secret_key;
  if (options.kv.type == "postgres") {
    return Status::InvalidArgument(
        "kv.type is postgres but 'auth.encrypt.secret_key' is not set: every server sharing the "
        "database must encrypt access keys with the same secret (set it in the config file or "
        "TARN_AUTH_ENCRYPT_SECRET_KEY)");
  }
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  return auth::SecretBox::LoadOrCreateSecretFile(options.data_dir + "/auth.secret");
}

Result<auth::SecretBox> OpenSecretBox(const ServerOptions& options) {
  ASSIGN_OR_RETURN(std::string secret, ServerSecret(options));
  return auth::SecretBox::FromSecret(secret);
}

std::string LoginTokenKey(std::string_view server_secret) {
  auto key = s3::HmacSha256(server_secret, "tarn login token key v1");
  return std::string(s3::AsView(key));
}

int RunSetup(const ConfigFlags& flags, const std::string& user_name,
             const std::string& access_key_id, const std::string& secret_access_key) {
  auto fail = [](const Status& s) {
    std::cerr << "tarn setup: " << s.ToString() << "\n";
    return 1;
  };
  if (access_key_id.empty() != secret_access_key.empty()) {
    return fail(Status::InvalidArgument(
        "give both --access-key-id and --secret-access-key, or neither (a new pair is made)"));
  }
  auto options = LoadServerOptions(flags, ProcessEnvironment());
  if (!options.ok()) return fail(options.status());
  std::error_code ec;
  std::filesystem::create_directories(options->data_dir, ec);
  auto store = OpenStore(options->kv, StoreAccess::kReadWrite);
  if (!store.ok()) return fail(store.status());
  SystemClock clock;
  auto logger = NullLogger();
  auto schema = kv::EnsureSchema(**store, kv::ProductionSchema(), clock, *logger);
  if (!schema.ok()) return fail(schema.status());
  auto box = OpenSecretBox(*options);
  if (!box.ok()) return fail(box.status());
  auth::CredentialStore credentials(**store, std::move(*box), clock);
  std::optional<std::pair<std::string, std::string>> pair;
  if (!access_key_id.empty()) pair.emplace(access_key_id, secret_access_key);
  auto credential = auth::SetupAdmin(credentials, user_name, pair);
  if (!credential.ok()) return fail(credential.status());
  auth::PolicyStore policies(**store, clock);
  Status bootstrap = auth::Bootstrap(policies, credentials);
  if (!bootstrap.ok()) return fail(bootstrap.WithContext("adding the admin to the Admins group"));
  std::cout << "created admin user '" << user_name << "'\n"
            << "access_key_id: " << credential->access_key_id << "\n"
            << "secret_access_key: " << credential->secret_access_key << "\n"
            << "Keep the secret safe: it is shown only now.\n";
  return 0;
}

}  // namespace tarn::server
