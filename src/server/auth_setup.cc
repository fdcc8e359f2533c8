#include "server/auth_setup.h"

#include <filesystem>
#include <iostream>

#include "auth/credentials.h"
#include "common/clock.h"
#include "common/logging.h"
#include "kv/schema.h"
#include "server/store_factory.h"

namespace tarn::server {

Result<auth::SecretBox> OpenSecretBox(const ServerOptions& options) {
  if (!options.auth_encrypt_secret_key.empty()) {
    return auth::SecretBox::FromSecret(options.auth_encrypt_secret_key);
  }
  if (options.kv.type == "postgres") {
    return Status::InvalidArgument(
        "kv.type is postgres but 'auth.encrypt.secret_key' is not set: every server sharing the "
        "database must encrypt access keys with the same secret (set it in the config file or "
        "TARN_AUTH_ENCRYPT_SECRET_KEY)");
  }
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  ASSIGN_OR_RETURN(std::string secret,
                   auth::SecretBox::LoadOrCreateSecretFile(options.data_dir + "/auth.secret"));
  return auth::SecretBox::FromSecret(secret);
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
  std::cout << "created admin user '" << user_name << "'\n"
            << "access_key_id: " << credential->access_key_id << "\n"
            << "secret_access_key: " << credential->secret_access_key << "\n"
            << "Keep the secret safe: it is shown only now.\n";
  return 0;
}

}  // namespace tarn::server
