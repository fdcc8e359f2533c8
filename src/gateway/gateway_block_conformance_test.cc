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
#include <memory>
#include <string>
#include <string_view>

#include "auth/credentials.h"
#include "block/s3/s3_adapter.h"
#include "block/testing/adapter_conformance.h"
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

// The gateway and its HTTP server, started once before the first test and stopped after the
// last. Tests reach it through the factory, which captures a pointer to this environment.
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
    auto server = http::Server::Start(
        options, [gateway](const http::Request& request) { return gateway->Handle(request); },
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
  }

  // Empty until SetUp succeeded.
  const std::string& endpoint() const { return endpoint_; }

 private:
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

}  // namespace
}  // namespace tarn::gateway

namespace tarn::block::testing {
INSTANTIATE_TEST_SUITE_P(Gateway, AdapterConformanceTest,
                         ::testing::Values(tarn::gateway::GatewayFactory()), PrintFactoryName);
}  // namespace tarn::block::testing
