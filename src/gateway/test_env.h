// A gateway on the memory drivers for handler tests: the quickstart user, a memory engine, and
// requests signed with SigV4 as a client would sign them.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/credentials.h"
#include "block/fault_injection.h"
#include "catalog/catalog.h"
#include "gateway/gateway.h"
#include "graveler/testing/engine_env.h"
#include "http/message.h"
#include "s3/checksum.h"
#include "s3/sigv4.h"

namespace tarn::gateway::testing {

class TestGateway {
 public:
  // Aborts (a test failure) when the environment cannot be built. `authorizer` replaces the
  // allow-all authorizer when given; it must outlive the TestGateway.
  static std::unique_ptr<TestGateway> Make(GatewayOptions options = {},
                                           const auth::Authorizer* authorizer = nullptr);
  ~TestGateway();

  Gateway& gateway() { return *gateway_; }
  catalog::Catalog& catalog() { return *catalog_; }
  graveler::Graveler& graveler() { return engine_->graveler(); }
  kv::Store& store() { return engine_->store(); }
  auth::CredentialStore& credentials() { return *credentials_; }
  block::Registry& blocks() { return engine_->blocks(); }
  // The clock the gateway and the signer use; starts at the system time.
  ManualClock& clock() { return clock_; }
  // The object store under the engine, wrapped so tests can inject faults.
  block::FaultInjectingAdapter& faults() { return *faults_; }

  // A request signed with the quickstart key (SigV4 header form, signed payload hash).
  // `target` is the wire form ("/repo/main/a%20b?tagging").
  http::Request Signed(std::string method, std::string target,
                       std::vector<http::Header> headers = {}, std::string body = "") const;
  // An aws-chunked upload: the payload encoded in `chunk_size` chunks in `mode` (signed chunks,
  // signed chunks + trailer, or unsigned + trailer), signed with the streaming constant.
  http::Request SignedStreaming(std::string method, std::string target, std::string payload,
                                s3::PayloadMode mode, std::size_t chunk_size,
                                std::optional<s3::ChecksumAlgorithm> trailer_checksum = {}) const;
  // Signs and handles.
  http::Response Send(std::string method, std::string target,
                      std::vector<http::Header> headers = {}, std::string body = "");
  // Reads a response's body, streamed or not.
  static std::string BodyOf(const http::Response& response);

  // A repository created through CreateBucket (namespace mem://<name>, branch main).
  void CreateRepository(const std::string& name);
  // PUTs `data` at "<repo>/<key>" and expects 200.
  void PutObject(const std::string& repo, const std::string& key, const std::string& data);

 private:
  TestGateway() = default;
  std::unique_ptr<graveler::testing::Engine> engine_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<auth::CredentialStore> credentials_;
  auth::AllowAuthenticated authorizer_;
  ManualClock clock_{std::chrono::system_clock::now()};
  block::FaultInjectingAdapter* faults_ = nullptr;
  std::unique_ptr<Gateway> gateway_;
  int next_request_ = 0;
};

// A commit by the test user.
graveler::CommitParams TestCommit(std::string message);

// A test gateway with repository "repo" (branch main), shared by the operation tests.
class GatewayFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  std::unique_ptr<TestGateway> t_;
};

}  // namespace tarn::gateway::testing
