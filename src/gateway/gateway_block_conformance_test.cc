// The object-storage conformance suite (block/testing/) run through the s3 adapter against the
// gateway itself: one HTTP server on 127.0.0.1 (a free port) in front of a gateway on the
// memory drivers, for the whole test program. Every test gets a fresh prefix inside branch
// "main" of the repository "conformance", i.e. the namespace s3://conformance/main/<prefix>.
//
// Unlike s3rver, the gateway is expected to implement every capability the suite knows of, so
// the factory lacks nothing: a failing test here is a gateway (or adapter) defect. Presigned URLs
// go through a plain, unauthenticated HTTP client, so the gateway's query-string SigV4
// verification is exercised too.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "auth/credentials.h"
#include "block/reader.h"
#include "block/s3/s3_adapter.h"
#include "block/testing/adapter_conformance.h"
#include "block/testing/readers.h"
#include "common/logging.h"
#include "gateway/test_env.h"
#include "http/server.h"
#include "s3/client/http_client.h"
#include "s3/client/s3_client.h"

namespace tarn::gateway {
namespace {

using block::testing::AdapterFactory;
using block::testing::AdapterUnderTest;
using block::testing::PresignClient;

constexpr char kRepository[] = "conformance";

// What the gateway answered, counted per (operation, HTTP status). Thread-safe.
class AnswerLog {
 public:
  void Record(const http::Response& response) {
    std::lock_guard lock(mu_);
    ++counts_[{response.operation, response.status}];
  }
  int Count(const std::string& operation, int status) const {
    std::lock_guard lock(mu_);
    auto it = counts_.find({operation, status});
    return it == counts_.end() ? 0 : it->second;
  }
  // "Operation=count, ..." for the answers with `status`; empty when there were none.
  std::string WithStatus(int status) const {
    std::lock_guard lock(mu_);
    std::string out;
    for (const auto& [key, count] : counts_) {
      if (key.second != status) continue;
      if (!out.empty()) out += ", ";
      out += key.first + "=" + std::to_string(count);
    }
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, int> counts_;
};

// The gateway and its HTTP server, started once before the first test and stopped after the
// last. Tests reach it through the factory, which captures a pointer to this environment.
//
// Every answer is logged: the s3 adapter silently falls back to a ranged GET + UploadPart when
// UploadPartCopy is answered NotImplemented, so without this a gateway lacking UploadPartCopy
// would still pass the suite. TearDown fails the program when any request was answered 501.
class GatewayServer : public ::testing::Environment {
 public:
  void SetUp() override {
    gateway_ = testing::TestGateway::Make();
    gateway_->CreateRepository(kRepository);
    if (::testing::Test::HasFatalFailure()) return;
    http::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.worker_threads = 8;  // the concurrency tests issue several requests at once
    Gateway* gateway = &gateway_->gateway();
    AnswerLog* answers = &answers_;
    auto server = http::Server::Start(
        options,
        [gateway, answers](const http::Request& request) {
          http::Response response = gateway->Handle(request);
          answers->Record(response);
          return response;
        },
        NullLogger());
    ASSERT_TRUE(server.ok()) << "starting the HTTP server in front of the gateway: "
                             << server.status().ToString();
    server_ = std::move(server).value();
    endpoint_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }

  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::seconds(5));
    server_.reset();
    gateway_.reset();
    std::string not_implemented = answers_.WithStatus(501);
    EXPECT_TRUE(not_implemented.empty())
        << "the gateway answered NotImplemented to operations the suite needs (" << not_implemented
        << "); the s3 adapter may have hidden this behind a fallback, so the gateway must "
           "implement them";
  }

  // Empty until SetUp succeeded.
  const std::string& endpoint() const { return endpoint_; }
  const AnswerLog& answers() const { return answers_; }

 private:
  AnswerLog answers_;
  std::unique_ptr<testing::TestGateway> gateway_;
  std::unique_ptr<http::Server> server_;
  std::string endpoint_;
};

GatewayServer* const kServer =
    static_cast<GatewayServer*>(::testing::AddGlobalTestEnvironment(new GatewayServer));

block::S3Options AdapterOptions(const std::string& endpoint) {
  block::S3Options options;
  options.endpoint = endpoint;
  options.region = "us-east-1";
  options.access_key_id = std::string(auth::kQuickstartAccessKeyId);
  options.secret_access_key = std::string(auth::kQuickstartSecretAccessKey);
  options.force_path_style = true;
  // The gateway is in-process: a failure is a defect to see, not a fault to retry through.
  options.max_attempts = 1;
  // The default threshold (16 MiB) keeps the suite's 12 MiB put a single PutObject: the suite
  // expects a put's etag to be its body's MD5, which a multipart put's etag is not. Multipart
  // uploads are exercised by the suite's own multipart tests.
  return options;
}

Result<AdapterUnderTest> MakeUnderTest() {
  if (kServer->endpoint().empty()) {
    return Status::Unavailable(
        "the gateway's HTTP server did not start; see the environment's failure above");
  }
  static std::atomic<int> next_prefix{0};
  ASSIGN_OR_RETURN(std::unique_ptr<block::Adapter> adapter,
                   block::NewS3Adapter(AdapterOptions(kServer->endpoint())));
  // Objects stay in the memory engine until the program ends; nothing to clean up.
  return AdapterUnderTest{.adapter = std::move(adapter),
                          .storage_namespace = std::string("s3://") + kRepository + "/main/t" +
                                               std::to_string(next_prefix.fetch_add(1)),
                          .cleanup = nullptr};
}

// Plain HTTP requests without credentials: what the presigned URL carries is all the gateway
// gets.
PresignClient UnauthenticatedHttp() {
  std::shared_ptr<s3::HttpClient> http = s3::HttpClient::Create({}).value();
  PresignClient client;
  client.get = [http](const std::string& url) -> Result<std::string> {
    ASSIGN_OR_RETURN(s3::HttpResponse r, http->Send({.method = "GET", .url = url}, 64 << 20));
    if (r.status != 200) return s3::ErrorFromResponse(r.status, r.body);
    return std::move(r.body);
  };
  client.put = [http](const std::string& url, std::string_view body) -> Status {
    ASSIGN_OR_RETURN(s3::HttpResponse r,
                     http->Send({.method = "PUT", .url = url, .body = body}, 1 << 20));
    if (r.status != 200) return s3::ErrorFromResponse(r.status, r.body);
    return Status::OK();
  };
  return client;
}

AdapterFactory GatewayFactory() {
  return AdapterFactory{
      .name = "gateway",
      .make = MakeUnderTest,
      .lacks = {},
      .presign = UnauthenticatedHttp(),
  };
}

// The suite's UploadPartCopy tests pass through the adapter's fallback too; this one insists
// that the gateway itself copied the part.
TEST(GatewayBlockAdapterTest, UploadPartCopyIsServedByTheGateway) {
  auto made = MakeUnderTest();
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  block::Adapter& adapter = *made->adapter;
  const std::string& ns = made->storage_namespace;
  const uint64_t size = 6 * 1024 * 1024;
  block::testing::PatternReader source(size, 21);
  block::PutOptions sized;
  sized.size = size;
  ASSERT_TRUE(adapter.Put({ns, "src"}, source, sized).ok());
  auto id = adapter.CreateMultipartUpload({ns, "dst"}, {});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  const int copies_before = kServer->answers().Count("UploadPartCopy", 200);
  const int gets_before = kServer->answers().Count("GetObject", 206);
  auto etag = adapter.UploadPartCopy(
      {ns, "dst"}, *id, 1, {ns, "src"},
      block::ByteRange{.kind = block::ByteRange::Kind::kFromTo, .first = 10, .last = 1009});
  ASSERT_TRUE(etag.ok()) << etag.status().ToString();
  EXPECT_EQ(kServer->answers().Count("UploadPartCopy", 200), copies_before + 1);
  EXPECT_EQ(kServer->answers().Count("GetObject", 206), gets_before)
      << "the adapter fell back to a ranged GET: the gateway refused UploadPartCopy";
  const std::string copied = block::testing::PatternBytes(1010, 21).substr(10);
  block::ViewReader expected_bytes(copied);
  auto expected = block::testing::DigestOf(expected_bytes);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(*etag, expected->md5);
}

// The suite's Presign test would also pass against a gateway that ignored query signatures;
// a presigned URL whose signature was altered must be refused.
TEST(GatewayBlockAdapterTest, TamperedPresignedUrlIsRefused) {
  auto made = MakeUnderTest();
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  block::Adapter& adapter = *made->adapter;
  block::ObjectPointer object{made->storage_namespace, "presigned"};
  block::ViewReader body("secret bytes");
  block::PutOptions sized;
  sized.size = 12;
  ASSERT_TRUE(adapter.Put(object, body, sized).ok());
  auto url = adapter.Presign(object, block::PresignMethod::kGet, std::chrono::minutes(5));
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  const std::string_view kSignature = "X-Amz-Signature=";
  std::size_t at = url->find(kSignature);
  ASSERT_NE(at, std::string::npos) << *url;
  std::string tampered = *url;
  char& digit = tampered[at + kSignature.size()];
  digit = digit == '0' ? '1' : '0';
  PresignClient client = UnauthenticatedHttp();
  ASSERT_TRUE(client.get(*url).ok());
  auto refused = client.get(tampered);
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("SignatureDoesNotMatch"), std::string_view::npos)
      << refused.status().ToString();
}

}  // namespace
}  // namespace tarn::gateway

namespace tarn::block::testing {
INSTANTIATE_TEST_SUITE_P(Gateway, AdapterConformanceTest,
                         ::testing::Values(tarn::gateway::GatewayFactory()), PrintFactoryName);
}  // namespace tarn::block::testing
