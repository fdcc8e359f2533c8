#include "gateway/test_env.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include "common/hash.h"
#include "common/logging.h"
#include "s3/chunked.h"
#include "s3/sigv4_signer.h"
#include "s3/time_format.h"

namespace tarn::gateway::testing {
namespace {

void Die(const Status& s, std::string_view what) {
  std::cerr << "test gateway: " << what << ": " << s.ToString() << "\n";
  std::abort();
}

}  // namespace

TestGateway::~TestGateway() = default;

std::unique_ptr<TestGateway> TestGateway::Make(GatewayOptions options,
                                               const auth::Authorizer* authorizer) {
  std::unique_ptr<TestGateway> t(new TestGateway());
  graveler::testing::EngineOptions engine_options;
  block::FaultInjectingAdapter* faults = nullptr;
  engine_options.wrap_adapter = [&faults](std::unique_ptr<block::Adapter> inner) {
    auto wrapped = std::make_unique<block::FaultInjectingAdapter>(std::move(inner));
    faults = wrapped.get();
    return std::unique_ptr<block::Adapter>(std::move(wrapped));
  };
  auto engine = graveler::testing::MakeEngine(graveler::testing::Backend::kMemory, engine_options);
  if (!engine.ok()) Die(engine.status(), "engine");
  t->engine_ = std::move(*engine);
  t->faults_ = faults;
  t->catalog_ =
      std::make_unique<catalog::Catalog>(t->engine_->graveler(), t->engine_->blocks(), t->clock_);
  auto box = auth::SecretBox::FromSecret("test-secret");
  if (!box.ok()) Die(box.status(), "secret box");
  t->credentials_ =
      std::make_unique<auth::CredentialStore>(t->engine_->store(), std::move(*box), t->clock_);
  auto admin = auth::SetupAdmin(*t->credentials_, "admin",
                                std::make_pair(std::string(auth::kQuickstartAccessKeyId),
                                               std::string(auth::kQuickstartSecretAccessKey)));
  if (!admin.ok()) Die(admin.status(), "admin");
  if (options.default_namespace == GatewayOptions{}.default_namespace) {
    options.default_namespace = "mem://{repo}";
  }
  GatewayDeps deps;
  deps.catalog = t->catalog_.get();
  deps.blocks = &t->engine_->blocks();
  deps.store = &t->engine_->store();
  deps.credentials = t->credentials_.get();
  deps.authorizer = authorizer != nullptr ? authorizer : &t->authorizer_;
  deps.clock = &t->clock_;
  deps.logger = NullLogger();
  t->gateway_ = std::make_unique<Gateway>(std::move(deps), std::move(options));
  return t;
}

http::Request TestGateway::Signed(std::string method, std::string target,
                                  std::vector<http::Header> headers, std::string body) const {
  http::Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  bool has_host = false;
  for (const auto& h : headers) has_host |= s3::EqualsIgnoreCase(h.name, "host");
  if (!has_host) headers.push_back({"Host", "127.0.0.1:8000"});
  auto [path, query] = s3::SplitTarget(r.target);
  std::vector<s3::Header> view;
  for (const auto& h : headers) view.push_back({h.name, h.value});
  std::string payload = Sha256Hex(body);
  s3::SigV4Signer signer({std::string(auth::kQuickstartAccessKeyId),
                          std::string(auth::kQuickstartSecretAccessKey), ""},
                         {});
  auto signed_headers = signer.Sign({r.method, path, query, view, payload}, clock_.Now());
  if (!signed_headers.ok()) Die(signed_headers.status(), "signing");
  for (auto& [name, value] : signed_headers->headers) headers.push_back({name, value});
  r.headers = std::move(headers);
  r.request_id = "TESTREQUEST" + std::to_string(next_request_);
  r.SetBody(std::move(body));
  return r;
}

http::Request TestGateway::SignedStreaming(std::string method, std::string target,
                                           std::string payload, s3::PayloadMode mode,
                                           std::size_t chunk_size,
                                           std::optional<s3::ChecksumAlgorithm> checksum) const {
  http::Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  s3::ChunkedEncoderOptions options;
  options.mode = mode;
  options.trailer_checksum = checksum;
  std::vector<http::Header> headers = {
      {"Host", "127.0.0.1:8000"},
      {"Content-Encoding", "aws-chunked"},
      {"x-amz-decoded-content-length", std::to_string(payload.size())},
      {"Content-Length",
       std::to_string(s3::ChunkedEncoder::EncodedLength(options, payload.size(), chunk_size))},
  };
  if (checksum) {
    headers.push_back({"x-amz-trailer", std::string(s3::ChecksumHeaderName(*checksum))});
  }
  auto [path, query] = s3::SplitTarget(r.target);
  std::vector<s3::Header> view;
  for (const auto& h : headers) view.push_back({h.name, h.value});
  s3::SigV4Signer signer({std::string(auth::kQuickstartAccessKeyId),
                          std::string(auth::kQuickstartSecretAccessKey), ""},
                         {});
  auto signed_headers =
      signer.Sign({r.method, path, query, view, s3::PayloadModeName(mode)}, clock_.Now());
  if (!signed_headers.ok()) Die(signed_headers.status(), "signing");
  for (auto& [name, value] : signed_headers->headers) headers.push_back({name, value});
  if (mode != s3::PayloadMode::kStreamingUnsignedTrailer) {
    options.signing = signed_headers->chunk_context;
  }
  auto encoder = s3::ChunkedEncoder::Create(options);
  if (!encoder.ok()) Die(encoder.status(), "chunk encoder");
  std::string body;
  for (std::size_t pos = 0; pos < payload.size(); pos += chunk_size) {
    (*encoder)->AppendChunk(std::string_view(payload).substr(pos, chunk_size), &body);
  }
  (*encoder)->Finish(&body);
  r.headers = std::move(headers);
  r.request_id = "TESTSTREAM";
  r.SetBody(std::move(body));
  return r;
}

http::Response TestGateway::Send(std::string method, std::string target,
                                 std::vector<http::Header> headers, std::string body) {
  ++next_request_;
  return gateway_->Handle(
      Signed(std::move(method), std::move(target), std::move(headers), std::move(body)));
}

std::string TestGateway::BodyOf(const http::Response& response) {
  if (!response.stream) return response.body;
  std::string out;
  char buf[65536];
  for (;;) {
    auto n = response.stream->Read(std::span<char>(buf, sizeof(buf)));
    if (!n.ok()) Die(n.status(), "reading a response body");
    if (*n == 0) return out;
    out.append(buf, *n);
  }
}

void TestGateway::CreateRepository(const std::string& name) {
  auto r = Send("PUT", "/" + name);
  ASSERT_EQ(r.status, 200) << r.body;
}

void TestGateway::PutObject(const std::string& repo, const std::string& key,
                            const std::string& data) {
  auto r = Send("PUT", "/" + repo + "/" + key, {}, data);
  ASSERT_EQ(r.status, 200) << r.body;
}

graveler::CommitParams TestCommit(std::string message) {
  graveler::CommitParams params;
  params.committer = "tester";
  params.message = std::move(message);
  return params;
}

void GatewayFixture::SetUp() {
  t_ = TestGateway::Make();
  t_->CreateRepository("repo");
}

}  // namespace tarn::gateway::testing
