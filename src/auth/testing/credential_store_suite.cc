#include "auth/testing/credential_store_suite.h"

#include <latch>
#include <thread>
#include <vector>

namespace tarn::auth::testing {
namespace {

constexpr std::string_view kPartition = "auth";
constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kSecretAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+";

SecretBox Box(std::string_view secret) {
  auto box = SecretBox::FromSecret(secret);
  EXPECT_TRUE(box.ok()) << box.status().ToString();
  return std::move(box).value();
}

User NewUser(std::string id, bool admin = false) {
  User user;
  user.id = std::move(id);
  user.admin = admin;
  return user;
}

bool AllOf(std::string_view s, std::string_view alphabet) {
  return s.find_first_not_of(alphabet) == std::string_view::npos;
}

// Every key and value of the raw partition, concatenated.
std::string RawPartition(kv::Store& store) {
  std::string out;
  auto it = store.Scan(kPartition, "");
  EXPECT_TRUE(it.ok()) << it.status().ToString();
  if (!it.ok()) return out;
  for (; (*it)->Valid(); (*it)->Next()) {
    out.append((*it)->key()).push_back('\n');
    out.append((*it)->value()).push_back('\n');
  }
  EXPECT_TRUE((*it)->status().ok());
  return out;
}

std::vector<std::string> UserIds(CredentialStore& store) {
  std::vector<std::string> ids;
  auto users = store.ListUsers("", 1000);
  EXPECT_TRUE(users.ok()) << users.status().ToString();
  if (users.ok()) {
    for (const User& u : *users) ids.push_back(u.id);
  }
  return ids;
}

}  // namespace

void CredentialStoreTest::SetUp() {
  kv_ = GetParam().make();
  if (IsSkipped() || HasFatalFailure()) return;
  ASSERT_NE(kv_, nullptr) << "the " << GetParam().name << " store could not be made";
}

CredentialStore& CredentialStoreTest::Store() {
  if (store_ == nullptr) {
    store_ = std::make_unique<CredentialStore>(*kv_, Box("test encryption secret"), clock_);
  }
  return *store_;
}

TEST_P(CredentialStoreTest, CreatedUserReadsBack) {
  User in = NewUser("alice", true);
  in.email = "alice@example.com";
  auto created = Store().CreateUser(in);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->created, clock_.Now());
  auto got = Store().GetUser("alice");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->id, "alice");
  EXPECT_EQ(got->email, "alice@example.com");
  EXPECT_TRUE(got->admin);
  EXPECT_EQ(got->created, clock_.Now());
}

TEST_P(CredentialStoreTest, DuplicateUserNameIsAlreadyExists) {
  ASSERT_TRUE(Store().CreateUser(NewUser("alice")).ok());
  auto again = Store().CreateUser(NewUser("alice", true));
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists) << again.status().ToString();
  EXPECT_FALSE(Store().GetUser("alice")->admin);
}

TEST_P(CredentialStoreTest, MalformedUserNamesAreInvalidArgument) {
  for (std::string bad : {std::string(), std::string("a/b"), std::string("a b"),
                          std::string(65, 'x'), std::string("caf\xc3\xa9")}) {
    EXPECT_EQ(Store().CreateUser(NewUser(bad)).status().code(), StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_TRUE(Store().CreateUser(NewUser("a.b_c@d+e-f")).ok());
}

TEST_P(CredentialStoreTest, MissingUserIsNotFound) {
  EXPECT_TRUE(Store().GetUser("nobody").status().IsNotFound());
}

TEST_P(CredentialStoreTest, ListUsersIsSortedAndPagesAfterAName) {
  for (const char* id : {"carol", "alice", "bob", "dave"}) {
    ASSERT_TRUE(Store().CreateUser(NewUser(id)).ok());
  }
  EXPECT_EQ(UserIds(Store()), (std::vector<std::string>{"alice", "bob", "carol", "dave"}));
  auto page = Store().ListUsers("bob", 1);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].id, "carol");
}

TEST_P(CredentialStoreTest, ListUsersIgnoresOtherRecords) {
  ASSERT_TRUE(Store().CreateUser(NewUser("alice")).ok());
  ASSERT_TRUE(Store().CreateCredential("alice").ok());
  ASSERT_TRUE(Store().MarkInitialized().ok());
  EXPECT_EQ(UserIds(Store()), (std::vector<std::string>{"alice"}));
}

TEST_P(CredentialStoreTest, GeneratedKeyPairHasTheDocumentedShape) {
  ASSERT_TRUE(Store().CreateUser(NewUser("alice")).ok());
  auto c = Store().CreateCredential("alice");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->access_key_id.size(), 20u);
  EXPECT_EQ(c->access_key_id.substr(0, 4), "AKIA");
  EXPECT_TRUE(AllOf(c->access_key_id.substr(4), kBase32)) << c->access_key_id;
  EXPECT_EQ(c->secret_access_key.size(), 40u);
  EXPECT_TRUE(AllOf(c->secret_access_key, kSecretAlphabet)) << c->secret_access_key;
  EXPECT_EQ(c->user_id, "alice");
  auto other = Store().CreateCredential("alice");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->access_key_id, c->access_key_id);
  EXPECT_NE(other->secret_access_key, c->secret_access_key);
}

TEST_P(CredentialStoreTest, CredentialReadsBackWithItsSecret) {
  ASSERT_TRUE(Store().CreateUser(NewUser("alice")).ok());
  auto created = Store().CreateCredential("alice");
  ASSERT_TRUE(created.ok());
  auto got = Store().GetCredential(created->access_key_id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->secret_access_key, created->secret_access_key);
  EXPECT_EQ(got->user_id, "alice");
  EXPECT_EQ(got->created, clock_.Now());
}

TEST_P(CredentialStoreTest, GivenKeyPairIsStoredAsGiven) {
  ASSERT_TRUE(Store().CreateUser(NewUser("admin")).ok());
  auto added = Store().AddCredential("admin", kQuickstartAccessKeyId, kQuickstartSecretAccessKey);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  auto got = Store().GetCredential(kQuickstartAccessKeyId);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->secret_access_key, kQuickstartSecretAccessKey);
}

TEST_P(CredentialStoreTest, KeyForMissingUserIsNotFound) {
  EXPECT_TRUE(Store().CreateCredential("nobody").status().IsNotFound());
  EXPECT_TRUE(Store()
                  .AddCredential("nobody", kQuickstartAccessKeyId, kQuickstartSecretAccessKey)
                  .status()
                  .IsNotFound());
  EXPECT_TRUE(Store().GetCredential(kQuickstartAccessKeyId).status().IsNotFound());
}

TEST_P(CredentialStoreTest, DuplicateAccessKeyIdIsAlreadyExists) {
  ASSERT_TRUE(Store().CreateUser(NewUser("alice")).ok());
  ASSERT_TRUE(Store().CreateUser(NewUser("bob")).ok());
  ASSERT_TRUE(Store().AddCredential("alice", "AKIAAAAAAAAAAAAAAAAA", "first-secret").ok());
  auto again = Store().AddCredential("bob", "AKIAAAAAAAAAAAAAAAAA", "second-secret");
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists) << again.status().ToString();
  auto got = Store().GetCredential("AKIAAAAAAAAAAAAAAAAA");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->user_id, "alice");
  EXPECT_EQ(got->secret_access_key, "first-secret");
}

TEST_P(CredentialStoreTest, MalformedKeyPairsAreInvalidArgument) {
  ASSERT_TRUE(Store().CreateUser(NewUser("alice")).ok());
  EXPECT_EQ(Store().AddCredential("alice", "AKIASHORT", "secret").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Store().AddCredential("alice", "akiaaaaaaaaaaaaaaaaa", "secret").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Store().AddCredential("alice", "AKIAAAAAAAAAAAAAAAAA", "").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Store().AddCredential("alice", "AKIAAAAAAAAAAAAAAAAA", "has space").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_P(CredentialStoreTest, ListCredentialsIsSortedAndOmitsSecrets) {
  ASSERT_TRUE(Store().CreateUser(NewUser("alice")).ok());
  ASSERT_TRUE(Store().CreateUser(NewUser("alice2")).ok());
  ASSERT_TRUE(Store().AddCredential("alice", "AKIAZZZZZZZZZZZZZZZZ", "s1").ok());
  ASSERT_TRUE(Store().AddCredential("alice", "AKIABBBBBBBBBBBBBBBB", "s2").ok());
  ASSERT_TRUE(Store().AddCredential("alice2", "AKIACCCCCCCCCCCCCCCC", "s3").ok());
  auto list = Store().ListCredentials("alice");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].access_key_id, "AKIABBBBBBBBBBBBBBBB");
  EXPECT_EQ((*list)[1].access_key_id, "AKIAZZZZZZZZZZZZZZZZ");
  for (const Credential& c : *list) {
    EXPECT_TRUE(c.secret_access_key.empty());
    EXPECT_EQ(c.user_id, "alice");
    EXPECT_EQ(c.created, clock_.Now());
  }
  EXPECT_TRUE(Store().ListCredentials("nobody").status().IsNotFound());
}

TEST_P(CredentialStoreTest, DeletedCredentialIsGone) {
  ASSERT_TRUE(Store().CreateUser(NewUser("alice")).ok());
  auto c = Store().CreateCredential("alice");
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(Store().DeleteCredential("alice", c->access_key_id).ok());
  EXPECT_TRUE(Store().GetCredential(c->access_key_id).status().IsNotFound());
  EXPECT_TRUE(Store().ListCredentials("alice")->empty());
  EXPECT_TRUE(Store().DeleteCredential("alice", c->access_key_id).IsNotFound());
}

TEST_P(CredentialStoreTest, CredentialOfAnotherUserIsNotDeleted) {
  ASSERT_TRUE(Store().CreateUser(NewUser("alice")).ok());
  ASSERT_TRUE(Store().CreateUser(NewUser("mallory")).ok());
  auto c = Store().CreateCredential("alice");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(Store().DeleteCredential("mallory", c->access_key_id).IsNotFound());
  EXPECT_TRUE(Store().GetCredential(c->access_key_id).ok());
}

TEST_P(CredentialStoreTest, DeletedUserTakesItsKeysAlong) {
  ASSERT_TRUE(Store().CreateUser(NewUser("alice")).ok());
  ASSERT_TRUE(Store().CreateUser(NewUser("bob")).ok());
  auto a1 = Store().CreateCredential("alice");
  auto a2 = Store().CreateCredential("alice");
  auto b1 = Store().CreateCredential("bob");
  ASSERT_TRUE(a1.ok() && a2.ok() && b1.ok());
  ASSERT_TRUE(Store().DeleteUser("alice").ok());
  EXPECT_TRUE(Store().GetUser("alice").status().IsNotFound());
  EXPECT_TRUE(Store().GetCredential(a1->access_key_id).status().IsNotFound());
  EXPECT_TRUE(Store().GetCredential(a2->access_key_id).status().IsNotFound());
  EXPECT_TRUE(Store().GetCredential(b1->access_key_id).ok());
  EXPECT_EQ(RawPartition(*kv_).find("alice"), std::string::npos) << "records left behind";
}

TEST_P(CredentialStoreTest, DeletingAMissingUserIsNotFound) {
  EXPECT_TRUE(Store().DeleteUser("nobody").IsNotFound());
}

TEST_P(CredentialStoreTest, SecretsAreNeverStoredInPlaintext) {
  ASSERT_TRUE(Store().CreateUser(NewUser("alice")).ok());
  auto generated = Store().CreateCredential("alice");
  ASSERT_TRUE(generated.ok());
  ASSERT_TRUE(
      Store().AddCredential("alice", kQuickstartAccessKeyId, kQuickstartSecretAccessKey).ok());
  std::string raw = RawPartition(*kv_);
  ASSERT_NE(raw.find(generated->access_key_id), std::string::npos) << "scan saw no records";
  EXPECT_EQ(raw.find(generated->secret_access_key), std::string::npos);
  EXPECT_EQ(raw.find(kQuickstartSecretAccessKey), std::string::npos);
  // Nor any long piece of it.
  EXPECT_EQ(raw.find(generated->secret_access_key.substr(0, 12)), std::string::npos);
}

TEST_P(CredentialStoreTest, WrongEncryptionKeyIsCorruption) {
  ASSERT_TRUE(Store().CreateUser(NewUser("alice")).ok());
  auto c = Store().CreateCredential("alice");
  ASSERT_TRUE(c.ok());
  CredentialStore other(*kv_, Box("another secret"), clock_);
  auto got = other.GetCredential(c->access_key_id);
  EXPECT_EQ(got.status().code(), StatusCode::kCorruption) << got.status().ToString();
  EXPECT_NE(got.status().message().find(c->access_key_id), std::string_view::npos);
}

TEST_P(CredentialStoreTest, InitializedOnlyOnce) {
  EXPECT_FALSE(*Store().IsInitialized());
  ASSERT_TRUE(Store().MarkInitialized().ok());
  EXPECT_TRUE(*Store().IsInitialized());
  EXPECT_EQ(Store().MarkInitialized().code(), StatusCode::kAlreadyExists);
}

TEST_P(CredentialStoreTest, SetupCreatesAnAdminWithAWorkingKey) {
  auto c = SetupAdmin(Store(), "admin");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(*Store().IsInitialized());
  auto user = Store().GetUser("admin");
  ASSERT_TRUE(user.ok());
  EXPECT_TRUE(user->admin);
  auto got = Store().GetCredential(c->access_key_id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->secret_access_key, c->secret_access_key);
  EXPECT_EQ(got->user_id, "admin");
}

TEST_P(CredentialStoreTest, SetupWithTheQuickstartPair) {
  auto c = SetupAdmin(
      Store(), "admin",
      std::pair<std::string, std::string>(kQuickstartAccessKeyId, kQuickstartSecretAccessKey));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, kQuickstartAccessKeyId);
  EXPECT_EQ(Store().GetCredential(kQuickstartAccessKeyId)->secret_access_key,
            kQuickstartSecretAccessKey);
}

TEST_P(CredentialStoreTest, SecondSetupIsAlreadyExistsAndSaysHowToAddUsers) {
  ASSERT_TRUE(SetupAdmin(Store(), "admin").ok());
  auto again = SetupAdmin(Store(), "other");
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(again.status().message().find("already set up"), std::string_view::npos);
  EXPECT_NE(again.status().message().find("Add more users"), std::string_view::npos);
  EXPECT_TRUE(Store().GetUser("other").status().IsNotFound());
}

TEST_P(CredentialStoreTest, FailedSetupLeavesNothingBehind) {
  auto c = SetupAdmin(Store(), "admin", std::pair<std::string, std::string>("not-a-key", "secret"));
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(*Store().IsInitialized());
  EXPECT_TRUE(Store().GetUser("admin").status().IsNotFound());
  EXPECT_TRUE(SetupAdmin(Store(), "admin").ok());
}

TEST_P(CredentialStoreTest, ConcurrentSetupsWithDistinctNamesHaveOneWinner) {
  constexpr int kThreads = 8;
  std::vector<Result<Credential>> results(kThreads, Status::Internal("not run"));
  CredentialStore& store = Store();
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] = SetupAdmin(store, "admin" + std::to_string(i));
    });
  }
  for (auto& t : threads) t.join();
  int winners = 0;
  std::string winner;
  for (int i = 0; i < kThreads; ++i) {
    if (results[i].ok()) {
      ++winners;
      winner = "admin" + std::to_string(i);
    } else {
      EXPECT_EQ(results[i].status().code(), StatusCode::kAlreadyExists)
          << results[i].status().ToString();
    }
  }
  ASSERT_EQ(winners, 1);
  EXPECT_EQ(UserIds(Store()), std::vector<std::string>{winner});
  EXPECT_EQ(Store().ListCredentials(winner)->size(), 1u);
}

TEST_P(CredentialStoreTest, ConcurrentSetupsWithOneNameHaveOneWinner) {
  constexpr int kThreads = 8;
  std::vector<Result<Credential>> results(kThreads, Status::Internal("not run"));
  CredentialStore& store = Store();
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] = SetupAdmin(store, "admin");
    });
  }
  for (auto& t : threads) t.join();
  int winners = 0;
  for (const auto& r : results) {
    if (r.ok()) {
      ++winners;
    } else {
      EXPECT_EQ(r.status().code(), StatusCode::kAlreadyExists) << r.status().ToString();
    }
  }
  EXPECT_EQ(winners, 1);
  EXPECT_TRUE(*Store().IsInitialized());
  EXPECT_EQ(Store().ListCredentials("admin")->size(), 1u);
}

}  // namespace tarn::auth::testing
