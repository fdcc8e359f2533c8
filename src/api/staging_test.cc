// Physical addresses for direct uploads: getPhysicalAddress issues a signed address, the client
// writes the bytes there, and linkPhysicalAddress stages the object, refusing an address this
// server did not issue for that path, an expired one, or one holding another size.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/test_env.h"
#include "block/reader.h"
#include "block/registry.h"
#include "catalog/catalog.h"
#include "common/logging.h"
#include "graveler/testing/engine_env.h"

namespace tarn::api {
namespace {

using testing::DenyAction;
using testing::TestApi;
using namespace std::chrono_literals;

constexpr char kRepo[] = "/api/v1/repositories/repo1";
constexpr char kNamespace[] = "mem://repo1";

class StagingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto engine = graveler::testing::MakeEngine(graveler::testing::Backend::kMemory);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(*engine);
    catalog_ = std::make_unique<catalog::Catalog>(engine_->graveler(), engine_->blocks(), clock_);
    auto box = auth::SecretBox::FromSecret("test-secret");
    ASSERT_TRUE(box.ok());
    credentials_ =
        std::make_unique<auth::CredentialStore>(engine_->store(), std::move(*box), clock_);
    ASSERT_TRUE(auth::SetupAdmin(*credentials_, "admin",
                                 std::make_pair(std::string(auth::kQuickstartAccessKeyId),
                                                std::string(auth::kQuickstartSecretAccessKey)))
                    .ok());
    graveler::CreateRepositoryParams params;
    params.id = "repo1";
    params.storage_namespace = kNamespace;
    ASSERT_TRUE(engine_->graveler().CreateRepository(params).ok());
    ASSERT_TRUE(engine_->graveler().CreateBranch(Repo(), "dev", "main").ok());
    api_ = MakeApi("0123456789abcdef0123456789abcdef", nullptr);
  }

  std::unique_ptr<Api> MakeApi(std::string token_key, const auth::Authorizer* authorizer) {
    ApiDeps deps;
    deps.catalog = catalog_.get();
    deps.credentials = credentials_.get();
    deps.authorizer = authorizer != nullptr ? authorizer : &allow_;
    deps.clock = &clock_;
    deps.logger = NullLogger();
    deps.token_key = std::move(token_key);
    deps.blockstore_type = "mem";
    return std::make_unique<Api>(std::move(deps));
  }

  graveler::Repository Repo() { return *engine_->graveler().GetRepository("repo1"); }

  http::Response Send(Api& api, std::string method, std::string target, std::string body = "",
                      std::vector<http::Header> headers = {}) {
    http::Request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.headers = std::move(headers);
    r.headers.push_back(
        {"Authorization", TestApi::BasicAuth(std::string(auth::kQuickstartAccessKeyId),
                                             std::string(auth::kQuickstartSecretAccessKey))});
    if (!body.empty()) {
      r.headers.push_back({"Content-Type", "application/json"});
      r.SetBody(std::move(body));
    }
    return api.Handle(r);
  }
  http::Response Send(std::string method, std::string target, std::string body = "",
                      std::vector<http::Header> headers = {}) {
    return Send(*api_, std::move(method), std::move(target), std::move(body), std::move(headers));
  }

  static std::string Backing(const std::string& branch, const std::string& path) {
    return std::string(kRepo) + "/branches/" + branch + "/staging/backing?path=" + path;
  }

  // A physical address issued for `path` on `branch`.
  std::string Issue(const std::string& path, const std::string& branch = "main") {
    auto r = Send("GET", Backing(branch, path));
    EXPECT_EQ(r.status, 200) << r.body;
    return TestApi::JsonOf(r).value("physical_address", "");
  }

  // Writes `data` at a full physical address, as a client writing to the store directly.
  void Write(const std::string& address, const std::string& data) {
    const std::string prefix = std::string(kNamespace) + "/";
    ASSERT_TRUE(address.starts_with(prefix)) << address;
    auto adapter = engine_->blocks().ForNamespace(kNamespace);
    ASSERT_TRUE(adapter.ok());
    block::StringReader body(data);
    block::PutOptions options;
    options.size = data.size();
    auto put = (*adapter)->Put({kNamespace, address.substr(prefix.size())}, body, options);
    ASSERT_TRUE(put.ok()) << put.status().ToString();
  }

  static std::string LinkBody(const std::string& address, uint64_t size,
                              nlohmann::json extra = nlohmann::json::object()) {
    nlohmann::json body = {{"staging", {{"physical_address", address}}},
                           {"checksum", "ignored"},
                           {"size_bytes", size}};
    body.update(extra);
    return body.dump();
  }

  http::Response Link(const std::string& path, const std::string& address, uint64_t size,
                      const std::string& branch = "main", std::vector<http::Header> headers = {}) {
    return Send("PUT", Backing(branch, path), LinkBody(address, size), std::move(headers));
  }

  http::Response Stat(const std::string& ref, const std::string& path) {
    return Send("GET", std::string(kRepo) + "/refs/" + ref + "/objects/stat?path=" + path);
  }

  ManualClock clock_{std::chrono::system_clock::time_point(1'790'000'000s)};
  std::unique_ptr<graveler::testing::Engine> engine_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<auth::CredentialStore> credentials_;
  auth::AllowAuthenticated allow_;
  std::unique_ptr<Api> api_;
};

TEST_F(StagingTest, IssuedAddressLiesInTheRepositoryNamespaceWithoutPresignedUrl) {
  auto r = Send("GET", Backing("main", "a/b.txt"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = TestApi::JsonOf(r);
  EXPECT_TRUE(j["physical_address"].get<std::string>().starts_with("mem://repo1/data/"))
      << j.dump();
  EXPECT_TRUE(j["presigned_url"].is_null());
}

TEST_F(StagingTest, EachRequestIssuesAFreshAddress) { EXPECT_NE(Issue("a"), Issue("a")); }

TEST_F(StagingTest, LinkedObjectIsStagedAndReadable) {
  const std::string address = Issue("a/b.txt");
  Write(address, "hello world");
  auto r = Send(
      "PUT", Backing("main", "a/b.txt"),
      LinkBody(address, 11, {{"content_type", "text/plain"}, {"user_metadata", {{"k", "v"}}}}));
  ASSERT_EQ(r.status, 200) << r.body;
  auto stats = TestApi::JsonOf(r);
  EXPECT_EQ(stats["path"], "a/b.txt");
  EXPECT_EQ(stats["physical_address"], address);
  EXPECT_EQ(stats["size_bytes"], 11);
  EXPECT_EQ(stats["content_type"], "text/plain");
  EXPECT_EQ(stats["metadata"]["k"], "v");

  auto stat = Stat("main", "a/b.txt");
  ASSERT_EQ(stat.status, 200) << stat.body;
  EXPECT_EQ(TestApi::JsonOf(stat)["checksum"], stats["checksum"]);
  auto get = Send("GET", std::string(kRepo) + "/refs/main/objects?path=a/b.txt");
  ASSERT_EQ(get.status, 200);
  ASSERT_NE(get.stream, nullptr);
  char buf[32];
  auto n = get.stream->Read(std::span(buf, sizeof buf));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "hello world");
}

TEST_F(StagingTest, LinkReportsTheStoredEtagNotTheClaimedChecksum) {
  const std::string address = Issue("a");
  Write(address, "abc");
  auto r = Link("a", address, 3);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(TestApi::JsonOf(r)["checksum"], "900150983cd24fb0d6963f7d28e17f72");  // MD5 "abc"
}

TEST_F(StagingTest, LinkRefusesAnAddressIssuedForAnotherPath) {
  const std::string address = Issue("a");
  Write(address, "abc");
  auto r = Link("b", address, 3);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Stat("main", "b").status, 404);
}

TEST_F(StagingTest, LinkRefusesAnAddressIssuedForAnotherBranch) {
  const std::string address = Issue("a", "dev");
  Write(address, "abc");
  EXPECT_EQ(Link("a", address, 3, "main").status, 403);
  EXPECT_EQ(Link("a", address, 3, "dev").status, 200);
}

TEST_F(StagingTest, LinkRefusesAForgedSignature) {
  std::string address = Issue("a");
  Write(address, "abc");
  address.back() = address.back() == '0' ? '1' : '0';
  Write(address, "abc");
  auto r = Link("a", address, 3);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("not issued"), std::string::npos) << r.body;
}

TEST_F(StagingTest, LinkRefusesAnAddressWithAnAlteredExpiry) {
  const std::string address = Issue("a");
  // ..._<expiry>_<signature>: push the expiry a day later, keeping the signature.
  const auto sig_at = address.rfind('_');
  const auto exp_at = address.rfind('_', sig_at - 1);
  const int64_t expiry = std::stoll(address.substr(exp_at + 1, sig_at - exp_at - 1));
  const std::string later =
      address.substr(0, exp_at + 1) + std::to_string(expiry + 86400) + address.substr(sig_at);
  Write(later, "abc");
  EXPECT_EQ(Link("a", later, 3).status, 403);
}

TEST_F(StagingTest, LinkRefusesAnAddressThisServerNeverIssued) {
  const std::string address = "mem://repo1/data/some/where/object";
  Write(address, "abc");
  EXPECT_EQ(Link("a", address, 3).status, 403);
}

TEST_F(StagingTest, LinkRefusesAnAddressOutsideTheRepositoryNamespace) {
  std::string address = Issue("a");
  address.replace(0, std::string(kNamespace).size(), "mem://elsewhere");
  EXPECT_EQ(Link("a", address, 3).status, 403);
}

TEST_F(StagingTest, LinkRefusesAnAddressSignedWithAnotherServersKey) {
  auto foreign = MakeApi("ffffffffffffffffffffffffffffffff", nullptr);
  auto r = Send(*foreign, "GET", Backing("main", "a"));
  ASSERT_EQ(r.status, 200);
  const std::string address = TestApi::JsonOf(r)["physical_address"];
  Write(address, "abc");
  EXPECT_EQ(Link("a", address, 3).status, 403);
}

TEST_F(StagingTest, LinkRefusesAnExpiredAddress) {
  const std::string address = Issue("a");
  Write(address, "abc");
  clock_.Advance(7h);
  auto r = Link("a", address, 3);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("expired"), std::string::npos) << r.body;
}

TEST_F(StagingTest, LinkAcceptsAnAddressBeforeItExpires) {
  const std::string address = Issue("a");
  Write(address, "abc");
  clock_.Advance(5h);
  EXPECT_EQ(Link("a", address, 3).status, 200);
}

TEST_F(StagingTest, LinkRefusesAWrongSizeAndStagesNothing) {
  const std::string address = Issue("a");
  Write(address, "abc");
  auto r = Link("a", address, 4);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("3 bytes"), std::string::npos) << r.body;
  EXPECT_EQ(Stat("main", "a").status, 404);
}

TEST_F(StagingTest, LinkRefusesAnAddressNothingWasWrittenTo) {
  const std::string address = Issue("a");
  auto r = Link("a", address, 3);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Stat("main", "a").status, 404);
}

TEST_F(StagingTest, LinkWithoutSizeIsRefused) {
  const std::string address = Issue("a");
  Write(address, "abc");
  auto r = Send("PUT", Backing("main", "a"),
                nlohmann::json({{"staging", {{"physical_address", address}}}}).dump());
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST_F(StagingTest, LinkWithIfNoneMatchRefusesAnExistingPath) {
  const std::string first = Issue("a");
  Write(first, "abc");
  ASSERT_EQ(Link("a", first, 3).status, 200);
  const std::string second = Issue("a");
  Write(second, "xyz");
  EXPECT_EQ(Link("a", second, 3, "main", {{"If-None-Match", "*"}}).status, 412);
}

TEST_F(StagingTest, LinkWithIfMatchReplacesOnlyTheNamedVersion) {
  const std::string first = Issue("a");
  Write(first, "abc");
  ASSERT_EQ(Link("a", first, 3).status, 200);
  const std::string second = Issue("a");
  Write(second, "xyz");
  EXPECT_EQ(Link("a", second, 3, "main", {{"If-Match", "\"0000\""}}).status, 412);
  EXPECT_EQ(
      Link("a", second, 3, "main", {{"If-Match", "\"900150983cd24fb0d6963f7d28e17f72\""}}).status,
      200);
}

TEST_F(StagingTest, LinkIntoAReadOnlyRepositoryIsRefused) {
  const std::string address = Issue("a");
  Write(address, "abc");
  ASSERT_TRUE(engine_->graveler().SetRepositoryReadOnly("repo1", true).ok());
  EXPECT_EQ(Link("a", address, 3).status, 403);
}

TEST_F(StagingTest, PresignIsRefusedByABlockstoreWithoutPresignedUrls) {
  auto r = Send("GET", Backing("main", "a") + "&presign=true");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("not supported"), std::string::npos) << r.body;
}

TEST_F(StagingTest, WithoutASigningKeyStagingAnswersNotImplemented) {
  auto keyless = MakeApi("", nullptr);
  auto r = Send(*keyless, "GET", Backing("main", "a"));
  EXPECT_EQ(r.status, 501) << r.body;
  EXPECT_NE(r.body.find("auth.encrypt.secret_key"), std::string::npos) << r.body;
}

TEST_F(StagingTest, UnknownBranchIsNotFound) {
  EXPECT_EQ(Send("GET", Backing("nope", "a")).status, 404);
}

TEST_F(StagingTest, MissingPathIsABadRequest) {
  EXPECT_EQ(Send("GET", std::string(kRepo) + "/branches/main/staging/backing").status, 400);
}

TEST_F(StagingTest, IssuingNeedsWriteObject) {
  DenyAction deny("fs:WriteObject");
  auto api = MakeApi("0123456789abcdef0123456789abcdef", &deny);
  EXPECT_EQ(Send(*api, "GET", Backing("main", "a")).status, 401);
}

TEST_F(StagingTest, LinkingNeedsWriteObject) {
  const std::string address = Issue("a");
  Write(address, "abc");
  DenyAction deny("fs:WriteObject");
  auto api = MakeApi("0123456789abcdef0123456789abcdef", &deny);
  EXPECT_EQ(Send(*api, "PUT", Backing("main", "a"), LinkBody(address, 3)).status, 401);
  EXPECT_EQ(Stat("main", "a").status, 404);
}

}  // namespace
}  // namespace tarn::api
