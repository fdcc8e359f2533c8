#include "auth/credentials.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>

#include "auth/auth.pb.h"

namespace tarn::auth {
namespace {

constexpr std::string_view kPartition = "auth";
constexpr std::string_view kUsersPrefix = "users/";
constexpr std::string_view kKeysPrefix = "keys/";
constexpr std::string_view kUserKeysPrefix = "user_keys/";
constexpr std::string_view kSetupKey = "setup";

constexpr std::size_t kMaxUserIdBytes = 64;
constexpr std::size_t kMinAccessKeyIdBytes = 16;
constexpr std::size_t kMaxAccessKeyIdBytes = 128;
constexpr std::size_t kMaxSecretBytes = 256;
constexpr std::size_t kMaxEmailBytes = 320;
constexpr std::size_t kGeneratedKeyChars = 16;
constexpr std::size_t kGeneratedSecretChars = 40;
// A generated access key id colliding with an existing one is astronomically unlikely; a few
// attempts make the call succeed anyway instead of surfacing AlreadyExists.
constexpr int kGenerateAttempts = 4;

std::string UserKey(std::string_view id) { return std::string(kUsersPrefix).append(id); }
std::string KeyKey(std::string_view access_key_id) {
  return std::string(kKeysPrefix).append(access_key_id);
}
std::string UserKeysPrefix(std::string_view user_id) {
  return std::string(kUserKeysPrefix).append(user_id).append("/");
}
std::string UserKeyIndexKey(std::string_view user_id, std::string_view access_key_id) {
  return UserKeysPrefix(user_id).append(access_key_id);
}

int64_t UnixMs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
std::chrono::system_clock::time_point FromUnixMs(int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

bool IsUserIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '@' || c == '+' || c == '-';
}

Status ValidateUserId(std::string_view id) {
  if (id.empty() || id.size() > kMaxUserIdBytes) {
    return Status::InvalidArgument("user name '" + std::string(id.substr(0, kMaxUserIdBytes)) +
                                   "' must be 1 to 64 characters long");
  }
  for (char c : id) {
    if (!IsUserIdChar(c)) {
      return Status::InvalidArgument("user name '" + std::string(id) +
                                     "' may hold only letters, digits and . _ @ + -");
    }
  }
  return Status::OK();
}

bool IsWellFormedAccessKeyId(std::string_view id) {
  if (id.size() < kMinAccessKeyIdBytes || id.size() > kMaxAccessKeyIdBytes) return false;
  for (char c : id) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

Status ValidateAccessKeyId(std::string_view id) {
  if (IsWellFormedAccessKeyId(id)) return Status::OK();
  return Status::InvalidArgument("access key id '" + std::string(id.substr(0, 40)) +
                                 "' must be 16 to 128 upper-case letters and digits");
}

Status ValidateSecret(std::string_view secret) {
  if (secret.empty() || secret.size() > kMaxSecretBytes) {
    return Status::InvalidArgument("a secret access key must be 1 to 256 characters long");
  }
  for (char c : secret) {
    if (c < 0x21 || c > 0x7e) {
      return Status::InvalidArgument(
          "a secret access key may hold only printable ASCII characters without spaces");
    }
  }
  return Status::OK();
}

// `n` characters drawn uniformly from `alphabet`, whose size must divide 256.
template <std::size_t kAlphabetSize>
Result<std::string> RandomString(const char (&alphabet)[kAlphabetSize], std::size_t n) {
  static_assert(256 % (kAlphabetSize - 1) == 0, "alphabet size must divide 256");
  std::array<unsigned char, 64> random{};
  if (n > random.size()) return Status::Internal("random string too long");
  if (RAND_bytes(random.data(), static_cast<int>(n)) != 1) {
    return Status::Internal("the system random generator failed");
  }
  std::string out(n, '\0');
  for (std::size_t i = 0; i < n; ++i) out[i] = alphabet[random[i] % (kAlphabetSize - 1)];
  OPENSSL_cleanse(random.data(), random.size());
  return out;
}

Result<std::string> NewAccessKeyId() {
  static constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  ASSIGN_OR_RETURN(std::string tail, RandomString(kBase32, kGeneratedKeyChars));
  return "AKIA" + tail;
}

Result<std::string> NewSecretAccessKey() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+";
  return RandomString(kAlphabet, kGeneratedSecretChars);
}

Status CorruptRecord(std::string_view key) {
  return Status::Corruption("the auth record '" + std::string(key) +
                            "' does not decode; restore the store from a dump");
}

User UserFromRecord(const pb::User& record) {
  User user;
  user.id = record.id();
  user.created = FromUnixMs(record.created_unix_ms());
  user.email = record.email();
  user.admin = record.admin();
  return user;
}

}  // namespace

CredentialStore::CredentialStore(kv::Store& store, SecretBox box, const Clock& clock)
    : store_(store), box_(std::move(box)), clock_(clock) {}

Result<User> CredentialStore::CreateUser(const User& user) {
  RETURN_IF_ERROR(ValidateUserId(user.id));
  if (user.email.size() > kMaxEmailBytes) {
    return Status::InvalidArgument("the email address of user '" + user.id +
                                   "' is longer than 320 characters");
  }
  User created = user;
  if (created.created == std::chrono::system_clock::time_point{}) created.created = clock_.Now();
  pb::User record;
  record.set_id(created.id);
  record.set_created_unix_ms(UnixMs(created.created));
  record.set_email(created.email);
  record.set_admin(created.admin);
  Status s = store_.SetIf(kPartition, UserKey(created.id), record.SerializeAsString(),
                          kv::Predicate::Absent());
  if (s.IsPreconditionFailed()) {
    return Status::AlreadyExists("user '" + created.id +
                                 "' already exists: choose another name or delete it first");
  }
  RETURN_IF_ERROR(s);
  return created;
}

Result<User> CredentialStore::GetUser(std::string_view id) {
  RETURN_IF_ERROR(ValidateUserId(id));
  std::string key = UserKey(id);
  auto item = store_.Get(kPartition, key);
  if (!item.ok()) {
    if (item.status().IsNotFound()) {
      return Status::NotFound("user '" + std::string(id) + "' does not exist");
    }
    return std::move(item).status();
  }
  pb::User record;
  if (!record.ParseFromString(item->value)) return CorruptRecord(key);
  return UserFromRecord(record);
}

Result<std::vector<User>> CredentialStore::ListUsers(std::string_view after, std::size_t amount) {
  std::vector<User> users;
  if (amount == 0) return users;
  std::string start(kUsersPrefix);
  if (!after.empty()) start.append(after).push_back('\0');
  ASSIGN_OR_RETURN(auto it, store_.Scan(kPartition, start));
  for (; it->Valid() && users.size() < amount; it->Next()) {
    if (!it->key().starts_with(kUsersPrefix)) break;
    pb::User record;
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return CorruptRecord(it->key());
    }
    users.push_back(UserFromRecord(record));
  }
  RETURN_IF_ERROR(it->status());
  return users;
}

Status CredentialStore::DeleteUser(std::string_view id) {
  RETURN_IF_ERROR(ValidateUserId(id));
  // The user record goes first, so that an AddCredential racing with this call either sees
  // the user gone (and takes its key back) or wrote its key before the scan below finds it.
  auto user = GetUser(id);
  if (!user.ok() && !user.status().IsNotFound()) return user.status();
  if (user.ok()) RETURN_IF_ERROR(store_.Delete(kPartition, UserKey(id)));

  // Also run when the user is already gone, so a retry finishes a deletion that failed midway.
  std::string prefix = UserKeysPrefix(id);
  std::vector<std::string> access_key_ids;
  {
    ASSIGN_OR_RETURN(auto it, store_.Scan(kPartition, prefix));
    for (; it->Valid() && it->key().starts_with(prefix); it->Next()) {
      access_key_ids.emplace_back(it->key().substr(prefix.size()));
    }
    RETURN_IF_ERROR(it->status());
  }
  for (const std::string& access_key_id : access_key_ids) {
    RETURN_IF_ERROR(store_.Delete(kPartition, KeyKey(access_key_id)));
    RETURN_IF_ERROR(store_.Delete(kPartition, prefix + access_key_id));
  }
  if (!user.ok() && access_key_ids.empty()) return user.status();
  return Status::OK();
}

Result<Credential> CredentialStore::CreateCredential(std::string_view user_id) {
  for (int attempt = 1;; ++attempt) {
    ASSIGN_OR_RETURN(std::string access_key_id, NewAccessKeyId());
    ASSIGN_OR_RETURN(std::string secret, NewSecretAccessKey());
    auto credential = AddCredential(user_id, access_key_id, secret);
    OPENSSL_cleanse(secret.data(), secret.size());
    if (credential.ok() || credential.status().code() != StatusCode::kAlreadyExists ||
        attempt == kGenerateAttempts) {
      return credential;
    }
  }
}

Result<Credential> CredentialStore::AddCredential(std::string_view user_id,
                                                  std::string_view access_key_id,
                                                  std::string_view secret_access_key) {
  RETURN_IF_ERROR(ValidateUserId(user_id));
  RETURN_IF_ERROR(ValidateAccessKeyId(access_key_id));
  RETURN_IF_ERROR(ValidateSecret(secret_access_key));
  RETURN_IF_ERROR(GetUser(user_id).status());

  Credential credential;
  credential.access_key_id = access_key_id;
  credential.secret_access_key = secret_access_key;
  credential.user_id = user_id;
  credential.created = clock_.Now();

  pb::Credential record;
  record.set_user_id(credential.user_id);
  ASSIGN_OR_RETURN(*record.mutable_sealed_secret(), box_.Seal(secret_access_key));
  record.set_created_unix_ms(UnixMs(credential.created));
  std::string key = KeyKey(access_key_id);
  Status s = store_.SetIf(kPartition, key, record.SerializeAsString(), kv::Predicate::Absent());
  if (s.IsPreconditionFailed()) {
    return Status::AlreadyExists("access key id '" + std::string(access_key_id) +
                                 "' is already in use: choose another or delete it first");
  }
  RETURN_IF_ERROR(s);

  pb::UserKey index;
  index.set_created_unix_ms(record.created_unix_ms());
  std::string index_key = UserKeyIndexKey(user_id, access_key_id);
  s = store_.Set(kPartition, index_key, index.SerializeAsString());
  if (s.ok()) {
    // A DeleteUser may have removed the user since the check above, after scanning its keys.
    auto user = GetUser(user_id);
    if (!user.ok()) s = user.status();
  }
  if (!s.ok()) {
    // Best effort: the store failed or the user went away; leave no key behind.
    (void)store_.Delete(kPartition, key);
    (void)store_.Delete(kPartition, index_key);
    return s;
  }
  return credential;
}

Result<Credential> CredentialStore::GetCredential(std::string_view access_key_id) {
  RETURN_IF_ERROR(ValidateAccessKeyId(access_key_id));
  std::string key = KeyKey(access_key_id);
  auto item = store_.Get(kPartition, key);
  if (!item.ok()) {
    if (item.status().IsNotFound()) {
      return Status::NotFound("access key id '" + std::string(access_key_id) + "' does not exist");
    }
    return std::move(item).status();
  }
  pb::Credential record;
  if (!record.ParseFromString(item->value)) return CorruptRecord(key);
  Credential credential;
  auto secret = box_.Open(record.sealed_secret());
  if (!secret.ok())
    return secret.status().WithContext("access key '" + std::string(access_key_id) + "'");
  credential.access_key_id = access_key_id;
  credential.secret_access_key = std::move(secret).value();
  credential.user_id = record.user_id();
  credential.created = FromUnixMs(record.created_unix_ms());
  return credential;
}

Result<std::vector<Credential>> CredentialStore::ListCredentials(std::string_view user_id) {
  RETURN_IF_ERROR(GetUser(user_id).status());
  std::string prefix = UserKeysPrefix(user_id);
  std::vector<Credential> credentials;
  ASSIGN_OR_RETURN(auto it, store_.Scan(kPartition, prefix));
  for (; it->Valid() && it->key().starts_with(prefix); it->Next()) {
    pb::UserKey index;
    if (!index.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return CorruptRecord(it->key());
    }
    Credential& c = credentials.emplace_back();
    c.access_key_id = it->key().substr(prefix.size());
    c.user_id = user_id;
    c.created = FromUnixMs(index.created_unix_ms());
  }
  RETURN_IF_ERROR(it->status());
  return credentials;
}

Status CredentialStore::DeleteCredential(std::string_view user_id, std::string_view access_key_id) {
  RETURN_IF_ERROR(ValidateUserId(user_id));
  RETURN_IF_ERROR(ValidateAccessKeyId(access_key_id));
  std::string key = KeyKey(access_key_id);
  auto item = store_.Get(kPartition, key);
  if (!item.ok() && !item.status().IsNotFound()) return item.status();
  pb::Credential record;
  if (item.ok() && !record.ParseFromString(item->value)) return CorruptRecord(key);
  if (!item.ok() || record.user_id() != user_id) {
    return Status::NotFound("user '" + std::string(user_id) + "' has no access key '" +
                            std::string(access_key_id) + "'");
  }
  RETURN_IF_ERROR(store_.Delete(kPartition, key));
  return store_.Delete(kPartition, UserKeyIndexKey(user_id, access_key_id));
}

Result<bool> CredentialStore::IsInitialized() {
  auto item = store_.Get(kPartition, kSetupKey);
  if (item.ok()) return true;
  if (item.status().IsNotFound()) return false;
  return std::move(item).status();
}

Status CredentialStore::MarkInitialized() {
  pb::Setup record;
  record.set_created_unix_ms(UnixMs(clock_.Now()));
  Status s =
      store_.SetIf(kPartition, kSetupKey, record.SerializeAsString(), kv::Predicate::Absent());
  if (s.IsPreconditionFailed()) {
    return Status::AlreadyExists("the installation is already set up");
  }
  return s;
}

namespace {

Status AlreadySetUp() {
  return Status::AlreadyExists(
      "the installation is already set up: its first admin exists. Add more users as that "
      "admin, through the API (POST /api/v1/auth/users) or `tarn auth users create`");
}

}  // namespace

Result<Credential> SetupAdmin(CredentialStore& store, std::string_view user_name,
                              std::optional<std::pair<std::string, std::string>> key_pair) {
  ASSIGN_OR_RETURN(bool initialized, store.IsInitialized());
  if (initialized) return AlreadySetUp();

  User admin;
  admin.id = user_name;
  admin.admin = true;
  auto user = store.CreateUser(admin);
  if (!user.ok()) {
    // Another setup with the same name may have won meanwhile.
    auto now_initialized = store.IsInitialized();
    if (now_initialized.ok() && *now_initialized) return AlreadySetUp();
    return user.status();
  }

  auto credential = key_pair.has_value()
                        ? store.AddCredential(user_name, key_pair->first, key_pair->second)
                        : store.CreateCredential(user_name);
  Status s = credential.status();
  if (s.ok()) s = store.MarkInitialized();
  if (!s.ok()) {
    // Leave nothing behind: the user and any key it got.
    (void)store.DeleteUser(user_name);
    if (s.code() == StatusCode::kAlreadyExists) {
      auto now_initialized = store.IsInitialized();
      if (now_initialized.ok() && *now_initialized) return AlreadySetUp();
    }
    return s;
  }
  return credential;
}

}  // namespace tarn::auth
