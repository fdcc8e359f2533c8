// S3Client against a scripted local server: retries, error mapping, signing headers and
// addressing. The operations against a real S3 server are covered by the s3 block adapter's
// tests (src/block/s3/).
#include "s3/client/s3_client.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "s3/client/fake_http_server.h"
#include "s3/crypto.h"
#include "s3/request.h"
#include "s3/sigv4_verifier.h"

namespace tarn::s3 {
namespace {

using std::chrono::milliseconds;
using testing::FakeHttpServer;
using testing::ReceivedRequest;
using testing::S3ErrorReply;
using testing::ScriptedReply;

struct Fixture {
  std::unique_ptr<FakeHttpServer> server;
  std::unique_ptr<S3Client> client;
  std::vector<milliseconds> sleeps;
};

std::unique_ptr<Fixture> Start(testing::Script script, int max_attempts = 4) {
  auto f = std::make_unique<Fixture>();
  auto server = FakeHttpServer::Start(std::move(script));
  EXPECT_TRUE(server.ok());
  f->server = std::move(server).value();
  S3ClientOptions options;
  options.endpoint = f->server->endpoint();
  options.credentials = {"AKIDEXAMPLE", "secret", ""};
  options.retry = {.max_attempts = max_attempts,
                   .base_delay = milliseconds(20),
                   .max_delay = milliseconds(100),
                   .sleep = [p = f.get()](milliseconds d) { p->sleeps.push_back(d); },
                   .seed = 5};
  options.http.low_speed_time = std::chrono::seconds(1);
  auto client = S3Client::Create(options);
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  f->client = std::move(client).value();
  return f;
}

ScriptedReply Ok(std::string body = "", std::vector<std::pair<std::string, std::string>> h = {}) {
  ScriptedReply r;
  r.body = std::move(body);
  r.headers = std::move(h);
  return r;
}

class OneShotSource final : public BodySource {
 public:
  explicit OneShotSource(std::string data) : data_(std::move(data)) {}
  Result<std::size_t> Read(std::span<char> out) override {
    std::size_t n = std::min(out.size(), data_.size() - pos_);
    std::memcpy(out.data(), data_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  std::size_t pos_ = 0;
};

TEST(S3ClientTest, RetriesServerErrorsThenSucceeds) {
  auto f = Start([](const ReceivedRequest&, int i) {
    if (i == 0) return S3ErrorReply(500, "InternalError", "oops");
    if (i == 1) return S3ErrorReply(503, "SlowDown", "Please reduce your request rate.");
    return Ok("", {{"ETag", "\"abc\""}});
  });
  auto etag = f->client->PutObject("bucket", "key", {.bytes = "data"}, "");
  ASSERT_TRUE(etag.ok()) << etag.status().ToString();
  EXPECT_EQ(*etag, "abc");
  EXPECT_EQ(f->server->request_count(), 3);
  ASSERT_EQ(f->sleeps.size(), 2u);
  EXPECT_LE(f->sleeps[0], milliseconds(20));
  EXPECT_LE(f->sleeps[1], milliseconds(40));
  // Every attempt carries the same body, signed afresh.
  for (const auto& r : f->server->requests()) {
    EXPECT_EQ(r.body, "data");
    EXPECT_EQ(r.Header("x-amz-content-sha256"), ToHex(Sha256Of("data")));
  }
}

TEST(S3ClientTest, PersistentFailureIsUnavailableAfterTheBound) {
  auto f = Start([](const ReceivedRequest&, int) {
    return S3ErrorReply(503, "SlowDown", "Please reduce your request rate.");
  }, 3);
  auto head = f->client->HeadObject("bucket", "key");
  EXPECT_EQ(head.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(f->server->request_count(), 3);
  EXPECT_NE(head.status().message().find("3 attempts"), std::string_view::npos)
      << head.status().ToString();
  EXPECT_EQ(f->sleeps.size(), 2u);
}

TEST(S3ClientTest, ServerErrorMessageIsKept) {
  auto f = Start([](const ReceivedRequest&, int) {
    return S3ErrorReply(500, "InternalError", "disk on fire");
  }, 2);
  auto put = f->client->PutObject("bucket", "key", {.bytes = "x"}, "");
  EXPECT_EQ(put.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(put.status().message().find("InternalError: disk on fire"), std::string_view::npos)
      << put.status().ToString();
}

TEST(S3ClientTest, RefusedCredentialsArePermissionDeniedWithoutRetry) {
  for (const char* code : {"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied"}) {
    auto f = Start([code](const ReceivedRequest&, int) {
      return S3ErrorReply(403, code, "refused");
    });
    auto put = f->client->PutObject("bucket", "key", {.bytes = "x"}, "");
    EXPECT_EQ(put.status().code(), StatusCode::kPermissionDenied) << code;
    EXPECT_TRUE(put.status().message().starts_with(code)) << put.status().ToString();
    EXPECT_EQ(f->server->request_count(), 1) << code;
    EXPECT_TRUE(f->sleeps.empty());
  }
}

TEST(S3ClientTest, BodilessForbiddenIsPermissionDenied) {
  auto f = Start([](const ReceivedRequest&, int) {
    ScriptedReply r;
    r.status = 403;
    return r;
  });
  auto head = f->client->HeadObject("bucket", "key");
  EXPECT_EQ(head.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(f->server->request_count(), 1);
}

TEST(S3ClientTest, NotFoundIsNotRetried) {
  auto f = Start([](const ReceivedRequest&, int) {
    return S3ErrorReply(404, "NoSuchKey", "The specified key does not exist.");
  });
  auto get = f->client->GetObject("bucket", "key", "");
  EXPECT_EQ(get.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(get.status().message().starts_with("NoSuchKey: ")) << get.status().ToString();
  EXPECT_EQ(f->server->request_count(), 1);
}

TEST(S3ClientTest, ErrorInsideA200IsRetriedWhenRetryable) {
  auto f = Start([](const ReceivedRequest&, int i) {
    if (i == 0) {
      ScriptedReply r = S3ErrorReply(200, "InternalError", "try again");
      r.body = "\n   " + r.body;
      return r;
    }
    return Ok(
        "<CompleteMultipartUploadResult><Location>l</Location><Bucket>b</Bucket><Key>k</Key>"
        "<ETag>\"e-2\"</ETag></CompleteMultipartUploadResult>");
  });
  CompletedPart part;
  part.part_number = 1;
  part.etag = "x";
  auto done = f->client->CompleteMultipartUpload("b", "k", "u", {part});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->etag, "e-2");
  EXPECT_EQ(f->server->request_count(), 2);
}

TEST(S3ClientTest, StreamedBodyIsUnsignedAndNotRetriedOnceRead) {
  auto f = Start([](const ReceivedRequest&, int) {
    return S3ErrorReply(500, "InternalError", "oops");
  });
  OneShotSource source("streamed body");
  auto put = f->client->PutObject("bucket", "key", {.stream = &source, .size = 13}, "");
  EXPECT_EQ(put.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(put.status().message().find("not retried"), std::string_view::npos);
  EXPECT_EQ(f->server->request_count(), 1);
  auto req = f->server->requests().at(0);
  EXPECT_EQ(req.Header("x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  EXPECT_EQ(req.body, "streamed body");
}

TEST(S3ClientTest, RequestsAreSignedAndPathStyleOnIpEndpoints) {
  auto f = Start([](const ReceivedRequest&, int) { return Ok(); });
  ASSERT_TRUE(f->client->DeleteObject("my-bucket", "dir/a b+c%d").ok());
  auto req = f->server->requests().at(0);
  EXPECT_EQ(req.target, "/my-bucket/dir/a%20b%2Bc%25d");
  EXPECT_EQ(req.Header("host"), "127.0.0.1:" + std::to_string(f->server->port()));
  EXPECT_TRUE(req.Header("authorization").starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"))
      << req.Header("authorization");
  EXPECT_NE(req.Header("authorization").find("/us-east-1/s3/aws4_request"), std::string::npos);
  EXPECT_EQ(req.Header("x-amz-content-sha256"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_FALSE(req.Header("x-amz-date").empty());
}

// Verifies a request as the server received it with tarn's own SigV4 verifier (itself checked
// against botocore): what the client signs is what goes on the wire.
Result<AuthResult> VerifyReceived(const ReceivedRequest& r, bool presigned) {
  static const SystemClock clock;
  static const SecretLookup lookup = [](std::string_view) -> Result<std::string> {
    return std::string("secret");
  };
  static const VerifierOptions options;
  std::vector<Header> headers;
  for (const auto& [n, v] : r.headers) headers.push_back({n, v});
  auto [path, query] = SplitTarget(r.target);
  HttpRequestView view{.method = r.method, .path = path, .query = query, .headers = headers,
                       .virtual_host_bucket = {}};
  VerifyContext context{.clock = clock, .lookup = lookup, .options = options};
  return presigned ? VerifySigV4Presigned(view, context) : VerifySigV4Header(view, context);
}

TEST(S3ClientTest, SignaturesVerifyOnTheReceivingSide) {
  auto f = Start([](const ReceivedRequest& r, int) {
    if (r.method == "POST" && r.target.find("uploads") != std::string::npos) {
      return Ok("<InitiateMultipartUploadResult><UploadId>u/1+x</UploadId>"
                "</InitiateMultipartUploadResult>");
    }
    if (r.method == "POST") {
      return Ok("<CompleteMultipartUploadResult><ETag>\"e-1\"</ETag>"
                "</CompleteMultipartUploadResult>");
    }
    if (r.method == "GET" && r.target.find("list-type") != std::string::npos) {
      return Ok("<ListBucketResult><Name>b</Name><IsTruncated>false</IsTruncated>"
                "</ListBucketResult>");
    }
    return Ok("", {{"ETag", "\"x\""}});
  });
  const std::string key = "dir/sp ace/pl+us/per%cent/ü/~tilde/a=b&c";
  ASSERT_TRUE(f->client->PutObject("bucket", key, {.bytes = "hello"}, "text/plain").ok());
  OneShotSource source("streamed");
  ASSERT_TRUE(f->client->PutObject("bucket", key, {.stream = &source, .size = 8}, "").ok());
  ASSERT_TRUE(f->client->GetObject("bucket", key, "bytes=1-2").ok());
  ASSERT_TRUE(f->client->ListObjectsV2("bucket", "pre fix/+", "after key", "", 7).ok());
  auto upload = f->client->CreateMultipartUpload("bucket", key, "application/x-thing");
  ASSERT_TRUE(upload.ok()) << upload.status().ToString();
  ASSERT_TRUE(f->client->UploadPart("bucket", key, *upload, 1, {.bytes = "part"}).ok());
  CompletedPart part;
  part.part_number = 1;
  part.etag = "x";
  ASSERT_TRUE(f->client->CompleteMultipartUpload("bucket", key, *upload, {part}).ok());
  ASSERT_TRUE(f->client->CopyObject({"src bucket", "s k"}, "bucket", key).status().code() !=
              StatusCode::kPermissionDenied);
  ASSERT_TRUE(f->client->DeleteObject("bucket", key).ok());

  auto requests = f->server->requests();
  ASSERT_GE(requests.size(), 9u);
  for (const ReceivedRequest& r : requests) {
    auto auth = VerifyReceived(r, false);
    ASSERT_TRUE(auth.ok()) << r.method << " " << r.target << ": " << auth.status().ToString();
    EXPECT_EQ(auth->access_key_id, "AKIDEXAMPLE");
    if (auth->payload_mode == PayloadMode::kSignedHash) {
      EXPECT_EQ(auth->payload_sha256, ToHex(Sha256Of(r.body))) << r.method << " " << r.target;
    } else {
      EXPECT_EQ(r.body, "streamed");
    }
  }
}

TEST(S3ClientTest, PresignedUrlsVerifyOnTheReceivingSide) {
  auto f = Start([](const ReceivedRequest&, int) { return Ok("body"); });
  auto url = f->client->Presign("GET", "bucket", "a b/c+d", std::chrono::seconds(300));
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  auto http = HttpClient::Create({});
  ASSERT_TRUE(http.ok());
  auto response = (*http)->Send({.method = "GET", .url = *url}, 100);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  auto auth = VerifyReceived(f->server->requests().at(0), true);
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  EXPECT_EQ(auth->access_key_id, "AKIDEXAMPLE");
}

TEST(S3ClientTest, DeleteOfAbsentKeyIsOk) {
  auto f = Start([](const ReceivedRequest&, int) {
    return S3ErrorReply(404, "NoSuchKey", "gone");
  });
  EXPECT_TRUE(f->client->DeleteObject("b", "k").ok());
}

TEST(S3ClientTest, ConnectionRefusedIsRetriedThenUnavailable) {
  std::string endpoint;
  {
    auto server = FakeHttpServer::Start([](const ReceivedRequest&, int) { return Ok(); });
    endpoint = (*server)->endpoint();
  }
  S3ClientOptions options;
  options.endpoint = endpoint;
  int sleeps = 0;
  options.retry = {.max_attempts = 3, .sleep = [&](milliseconds) { ++sleeps; }};
  auto client = S3Client::Create(options);
  ASSERT_TRUE(client.ok());
  auto head = (*client)->HeadObject("b", "k");
  EXPECT_EQ(head.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(sleeps, 2);
}

TEST(S3ClientTest, ParsesObjectHeaders) {
  auto f = Start([](const ReceivedRequest&, int) {
    ScriptedReply r;
    r.status = 206;
    r.headers = {{"ETag", "\"0123\""},
                 {"Last-Modified", "Fri, 24 May 2013 00:00:00 GMT"},
                 {"Content-Type", "text/plain"},
                 {"Content-Range", "bytes 2-4/10"}};
    r.body = "abc";
    return r;
  });
  auto stream = f->client->GetObject("b", "k", "bytes=2-4");
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  EXPECT_EQ(f->server->requests().at(0).Header("range"), "bytes=2-4");
  auto h = ParseObjectHeaders((*stream)->headers());
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->content_length, 3u);
  EXPECT_EQ(h->etag, "0123");
  EXPECT_EQ(h->content_type, "text/plain");
  EXPECT_EQ(h->range_first, 2u);
  EXPECT_EQ(h->range_last, 4u);
  EXPECT_EQ(h->total_size, 10u);
  EXPECT_EQ(ToUnixSeconds(h->last_modified), 1369353600);
}

TEST(S3ClientTest, VirtualHostAddressingForDnsBuckets) {
  S3ClientOptions options;
  options.endpoint = "https://s3.example.com";
  options.region = "eu-west-1";
  options.credentials = {"AKID", "secret", ""};
  auto client = S3Client::Create(options);
  ASSERT_TRUE(client.ok());
  auto url = (*client)->Presign("GET", "my-bucket", "a/b c", std::chrono::seconds(60));
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_TRUE(url->starts_with("https://my-bucket.s3.example.com/a/b%20c?")) << *url;
  EXPECT_NE(url->find("X-Amz-Credential=AKID%2F"), std::string::npos) << *url;
  EXPECT_NE(url->find("%2Feu-west-1%2Fs3%2Faws4_request"), std::string::npos) << *url;
  EXPECT_NE(url->find("X-Amz-Expires=60"), std::string::npos);
  EXPECT_NE(url->find("X-Amz-Signature="), std::string::npos);

  // Dotted names cannot match a TLS wildcard certificate: path-style.
  auto dotted = (*client)->Presign("GET", "my.bucket", "k", std::chrono::seconds(60));
  ASSERT_TRUE(dotted.ok());
  EXPECT_TRUE(dotted->starts_with("https://s3.example.com/my.bucket/k?")) << *dotted;
}

TEST(S3ClientTest, ForcedPathStyleAndBasePath) {
  S3ClientOptions options;
  options.endpoint = "http://storage.example.com:8080/s3/";
  options.force_path_style = true;
  auto client = S3Client::Create(options);
  ASSERT_TRUE(client.ok());
  auto url = (*client)->Presign("PUT", "bucket", "k", std::chrono::seconds(60));
  ASSERT_TRUE(url.ok());
  EXPECT_TRUE(url->starts_with("http://storage.example.com:8080/s3/bucket/k?")) << *url;
}

TEST(S3ClientTest, DefaultEndpointIsAwsForTheRegion) {
  S3ClientOptions options;
  options.region = "us-west-2";
  auto client = S3Client::Create(options);
  ASSERT_TRUE(client.ok());
  auto url = (*client)->Presign("GET", "bucket", "k", std::chrono::seconds(60));
  ASSERT_TRUE(url.ok());
  EXPECT_TRUE(url->starts_with("https://bucket.s3.us-west-2.amazonaws.com/k?")) << *url;
}

TEST(S3ClientTest, PresignRejectsExpiryBeyondSevenDays) {
  auto client = S3Client::Create({.endpoint = "http://127.0.0.1:1"});
  ASSERT_TRUE(client.ok());
  auto url = (*client)->Presign("GET", "b", "k", std::chrono::hours(24 * 8));
  EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument);
}

TEST(S3ClientTest, MalformedEndpointIsInvalidArgument) {
  EXPECT_EQ(S3Client::Create({.endpoint = "127.0.0.1:9000"}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(S3Client::Create({.endpoint = "ftp://host"}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(S3Client::Create({.endpoint = "http://host:port"}).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tarn::s3
