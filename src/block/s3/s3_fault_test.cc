// Fault tests of the s3 adapter through a misbehaving local HTTP endpoint: server errors then
// success, persistent failure, refused credentials, refused connections, silence, bodies cut
// short, and a backend without UploadPartCopy. Needs no S3 server.
#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "block/reader.h"
#include "block/s3/s3_adapter.h"
#include "block/testing/readers.h"
#include "s3/client/fake_http_server.h"

namespace tarn::block {
namespace {

PutOptions Sized(uint64_t size) {
  PutOptions options;
  options.size = size;
  return options;
}

using std::chrono::milliseconds;
using s3::testing::FakeHttpServer;
using s3::testing::ReceivedRequest;
using s3::testing::S3ErrorReply;
using s3::testing::ScriptedReply;

constexpr char kNs[] = "s3://bucket/ns";

struct Harness {
  std::unique_ptr<FakeHttpServer> server;
  std::unique_ptr<Adapter> adapter;
  std::mutex mu;
  std::vector<milliseconds> sleeps;

  int sleep_count() {
    std::lock_guard<std::mutex> lock(mu);
    return static_cast<int>(sleeps.size());
  }
};

S3Options BaseOptions(Harness* h, const std::string& endpoint, int max_attempts) {
  S3Options options;
  options.endpoint = endpoint;
  options.access_key_id = "AKIDFAKE";
  options.secret_access_key = "secret";
  options.max_attempts = max_attempts;
  options.retry_base_delay = milliseconds(10);
  options.retry_max_delay = milliseconds(50);
  options.retry_seed = 9;
  options.retry_sleep = [h](milliseconds d) {
    std::lock_guard<std::mutex> lock(h->mu);
    h->sleeps.push_back(d);
  };
  options.low_speed_time = std::chrono::seconds(1);
  options.multipart_threshold = 6 * 1024 * 1024;
  options.part_size = 5 * 1024 * 1024;
  options.upload_concurrency = 2;
  return options;
}

std::unique_ptr<Harness> Start(s3::testing::Script script, int max_attempts = 4) {
  auto h = std::make_unique<Harness>();
  auto server = FakeHttpServer::Start(std::move(script));
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  h->server = std::move(server).value();
  auto adapter = NewS3Adapter(BaseOptions(h.get(), h->server->endpoint(), max_attempts));
  EXPECT_TRUE(adapter.ok()) << adapter.status().ToString();
  h->adapter = std::move(adapter).value();
  return h;
}

ScriptedReply Ok(std::vector<std::pair<std::string, std::string>> headers = {},
                 std::string body = "") {
  ScriptedReply r;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

ScriptedReply ObjectReply(const std::string& body) {
  return Ok({{"ETag", "\"e\""},
             {"Last-Modified", "Fri, 24 May 2013 00:00:00 GMT"},
             {"Content-Type", "text/plain"}},
            body);
}

Result<PutResult> PutString(Adapter& adapter, const std::string& key, std::string_view body) {
  ViewReader reader(body);
  return adapter.Put({kNs, key}, reader, Sized(body.size()));
}

TEST(S3FaultTest, ServerErrorsThenSuccessAreRetried) {
  auto h = Start([](const ReceivedRequest&, int i) {
    if (i == 0) return S3ErrorReply(500, "InternalError", "We encountered an internal error.");
    if (i == 1) return S3ErrorReply(503, "SlowDown", "Please reduce your request rate.");
    return Ok({{"ETag", "\"etag1\""}});
  });
  auto put = PutString(*h->adapter, "k", "payload");
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->etag, "etag1");
  EXPECT_EQ(put->size, 7u);
  EXPECT_EQ(h->server->request_count(), 3);
  EXPECT_EQ(h->sleep_count(), 2);
  for (const ReceivedRequest& r : h->server->requests()) {
    EXPECT_EQ(r.method, "PUT");
    EXPECT_EQ(r.target, "/bucket/ns/k");
    EXPECT_EQ(r.body, "payload");
  }
}

TEST(S3FaultTest, GetIsRetriedBeforeItsBodyStreams) {
  auto h = Start([](const ReceivedRequest&, int i) {
    if (i == 0) return S3ErrorReply(503, "ServiceUnavailable", "busy");
    return ObjectReply("object body");
  });
  auto reader = h->adapter->Get({kNs, "k"}, std::nullopt);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto bytes = ReadAll(**reader, 100);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, "object body");
  EXPECT_EQ((*reader)->info().etag, "e");
  EXPECT_EQ((*reader)->info().content_type, "text/plain");
  EXPECT_EQ(h->server->request_count(), 2);
}

TEST(S3FaultTest, PersistentFailureIsUnavailableAfterTheBound) {
  auto h = Start([](const ReceivedRequest&, int) {
    return S3ErrorReply(503, "SlowDown", "Please reduce your request rate.");
  }, 3);
  auto put = PutString(*h->adapter, "k", "payload");
  EXPECT_EQ(put.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(put.status().message().find("SlowDown"), std::string_view::npos)
      << put.status().ToString();
  EXPECT_NE(put.status().message().find("s3://bucket/ns/k"), std::string_view::npos);
  EXPECT_EQ(h->server->request_count(), 3);
  EXPECT_EQ(h->sleep_count(), 2);

  auto head = h->adapter->Head({kNs, "k"});
  EXPECT_EQ(head.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(h->server->request_count(), 6);
}

TEST(S3FaultTest, WrongCredentialsArePermissionDeniedInOneAttempt) {
  auto h = Start([](const ReceivedRequest&, int) {
    return S3ErrorReply(403, "InvalidAccessKeyId",
                        "The AWS Access Key Id you provided does not exist in our records.");
  });
  auto put = PutString(*h->adapter, "k", "payload");
  EXPECT_EQ(put.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(put.status().message().find("InvalidAccessKeyId"), std::string_view::npos);
  EXPECT_EQ(h->server->request_count(), 1);

  auto get = h->adapter->Get({kNs, "k"}, std::nullopt);
  EXPECT_EQ(get.status().code(), StatusCode::kPermissionDenied);
  auto exists = h->adapter->Exists({kNs, "k"});
  EXPECT_EQ(exists.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(h->server->request_count(), 3);
  EXPECT_EQ(h->sleep_count(), 0);
}

TEST(S3FaultTest, ConnectionRefusedIsUnavailableAfterTheBound) {
  std::string endpoint;
  {
    auto gone = FakeHttpServer::Start([](const ReceivedRequest&, int) { return Ok(); });
    ASSERT_TRUE(gone.ok());
    endpoint = (*gone)->endpoint();
  }
  Harness h;
  auto adapter = NewS3Adapter(BaseOptions(&h, endpoint, 3));
  ASSERT_TRUE(adapter.ok());
  testing::PatternReader body(1000, 1);
  auto put = (*adapter)->Put({kNs, "k"}, body, Sized(1000));
  EXPECT_EQ(put.status().code(), StatusCode::kUnavailable) << put.status().ToString();
  EXPECT_NE(put.status().message().find("3 attempts"), std::string_view::npos)
      << put.status().ToString();
  EXPECT_EQ(h.sleep_count(), 2);
}

TEST(S3FaultTest, SilentServerTimesOutAndIsUnavailable) {
  auto h = Start([](const ReceivedRequest&, int) {
    return ScriptedReply{.action = ScriptedReply::Action::kHang};
  }, 2);
  auto start = std::chrono::steady_clock::now();
  auto head = h->adapter->Head({kNs, "k"});
  EXPECT_EQ(head.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(head.status().message().find("timed out"), std::string_view::npos)
      << head.status().ToString();
  EXPECT_EQ(h->server->request_count(), 2);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

TEST(S3FaultTest, BodyCutShortFailsTheRead) {
  auto h = Start([](const ReceivedRequest&, int) {
    ScriptedReply r = ObjectReply(std::string(200000, 'x'));
    r.action = ScriptedReply::Action::kTruncateBody;
    return r;
  });
  auto reader = h->adapter->Get({kNs, "k"}, std::nullopt);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto bytes = ReadAll(**reader, 1 << 20);
  EXPECT_EQ(bytes.status().code(), StatusCode::kUnavailable) << bytes.status().ToString();
}

TEST(S3FaultTest, NotFoundAndInvalidRangeAreClassified) {
  auto h = Start([](const ReceivedRequest& r, int) {
    if (r.Header("range").empty()) return S3ErrorReply(404, "NoSuchKey", "gone");
    return S3ErrorReply(416, "InvalidRange", "The requested range is not satisfiable");
  });
  auto get = h->adapter->Get({kNs, "k"}, std::nullopt);
  EXPECT_EQ(get.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(*h->adapter->Exists({kNs, "k"}));
  auto ranged = h->adapter->Get({kNs, "k"}, ByteRange{.kind = ByteRange::Kind::kFrom, .first = 9});
  EXPECT_EQ(ranged.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(ranged.status().message().starts_with("range not satisfiable"))
      << ranged.status().ToString();
}

TEST(S3FaultTest, PreconditionFailedIsClassified) {
  auto h = Start([](const ReceivedRequest&, int) {
    return S3ErrorReply(412, "PreconditionFailed", "At least one of the preconditions failed");
  });
  auto put = PutString(*h->adapter, "k", "x");
  EXPECT_EQ(put.status().code(), StatusCode::kPreconditionFailed);
}

TEST(S3FaultTest, MultipartPutRetriesAFailedPart) {
  std::atomic<int> part_failures{0};
  auto h = Start([&](const ReceivedRequest& r, int) {
    if (r.method == "POST" && r.target.find("uploads") != std::string::npos) {
      return Ok({}, "<InitiateMultipartUploadResult><Bucket>bucket</Bucket><Key>ns/big</Key>"
                    "<UploadId>U1</UploadId></InitiateMultipartUploadResult>");
    }
    if (r.method == "PUT" && r.target.find("partNumber=2") != std::string::npos &&
        part_failures++ == 0) {
      return S3ErrorReply(500, "InternalError", "part hiccup");
    }
    if (r.method == "PUT") return Ok({{"ETag", "\"p" + std::to_string(r.body.size()) + "\""}});
    return Ok({}, "<CompleteMultipartUploadResult><Bucket>bucket</Bucket><Key>ns/big</Key>"
                  "<ETag>\"whole-3\"</ETag></CompleteMultipartUploadResult>");
  });
  const uint64_t size = 11 * 1024 * 1024;
  testing::PatternReader body(size, 3);
  auto put = h->adapter->Put({kNs, "big"}, body, Sized(size));
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->etag, "whole-3");
  EXPECT_EQ(put->size, size);
  EXPECT_EQ(part_failures.load(), 2);  // part 2 was sent twice
  auto requests = h->server->requests();
  const ReceivedRequest& complete = requests.back();
  EXPECT_EQ(complete.method, "POST");
  EXPECT_NE(complete.target.find("uploadId=U1"), std::string::npos);
  EXPECT_NE(complete.body.find("<PartNumber>3</PartNumber>"), std::string::npos);
  EXPECT_NE(complete.body.find("\"p1048576\""), std::string::npos) << complete.body;
}

TEST(S3FaultTest, MultipartPutAbortsWhenAPartKeepsFailing) {
  auto h = Start([](const ReceivedRequest& r, int) {
    if (r.method == "POST") {
      return Ok({}, "<InitiateMultipartUploadResult><UploadId>U2</UploadId>"
                    "</InitiateMultipartUploadResult>");
    }
    if (r.method == "DELETE") return Ok();
    return S3ErrorReply(503, "SlowDown", "slow down");
  }, 2);
  testing::PatternReader body(12 * 1024 * 1024, 4);
  auto put = h->adapter->Put({kNs, "big"}, body, {});
  EXPECT_EQ(put.status().code(), StatusCode::kUnavailable) << put.status().ToString();
  auto requests = h->server->requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests.back().method, "DELETE");
  EXPECT_NE(requests.back().target.find("uploadId=U2"), std::string::npos);
}

TEST(S3FaultTest, UploadPartCopyFallsBackToGetAndUploadPart) {
  auto h = Start([](const ReceivedRequest& r, int) {
    if (r.method == "PUT" && !r.Header("x-amz-copy-source").empty()) {
      return S3ErrorReply(501, "NotImplemented",
                          "A header you provided implies functionality that is not implemented");
    }
    if (r.method == "GET") {
      ScriptedReply reply = ObjectReply("cde");
      reply.status = 206;
      reply.headers.push_back({"Content-Range", "bytes 2-4/10"});
      return reply;
    }
    return Ok({{"ETag", "\"part\""}});
  });
  ByteRange range{.kind = ByteRange::Kind::kFromTo, .first = 2, .last = 4};
  for (int part = 1; part <= 2; ++part) {
    auto etag = h->adapter->UploadPartCopy({kNs, "dst"}, "U", part, {kNs, "src"}, range);
    ASSERT_TRUE(etag.ok()) << etag.status().ToString();
    EXPECT_EQ(*etag, "part");
  }
  auto requests = h->server->requests();
  // The first part tried UploadPartCopy; the second went straight to the fallback.
  ASSERT_EQ(requests.size(), 5u);
  EXPECT_EQ(requests[0].Header("x-amz-copy-source"), "/bucket/ns/src");
  EXPECT_EQ(requests[0].Header("x-amz-copy-source-range"), "bytes=2-4");
  EXPECT_EQ(requests[1].method, "GET");
  EXPECT_EQ(requests[1].Header("range"), "bytes=2-4");
  EXPECT_EQ(requests[2].method, "PUT");
  EXPECT_EQ(requests[2].body, "cde");
  EXPECT_NE(requests[2].target.find("partNumber=1"), std::string::npos);
  EXPECT_EQ(requests[3].method, "GET");
  EXPECT_NE(requests[4].target.find("partNumber=2"), std::string::npos);
}

TEST(S3FaultTest, SuffixRangeMisreadByTheServerIsAskedAgain) {
  // A server that reads "bytes=-3" as "bytes=0-3" (s3rver does) gets an explicit range.
  const std::string object = "0123456789";
  auto h = Start([&](const ReceivedRequest& r, int) {
    std::string range = r.Header("range");
    ScriptedReply reply = ObjectReply("");
    reply.status = 206;
    if (range == "bytes=-3") {
      reply.body = object.substr(0, 4);
      reply.headers.push_back({"Content-Range", "bytes 0-3/10"});
    } else {
      reply.body = object.substr(7);
      reply.headers.push_back({"Content-Range", "bytes 7-9/10"});
    }
    return reply;
  });
  auto reader =
      h->adapter->Get({kNs, "k"}, ByteRange{.kind = ByteRange::Kind::kSuffix, .length = 3});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->offset(), 7u);
  EXPECT_EQ((*reader)->length(), 3u);
  EXPECT_EQ((*reader)->info().size, 10u);
  EXPECT_EQ(*ReadAll(**reader, 100), "789");
  EXPECT_EQ(h->server->requests().at(1).Header("range"), "bytes=7-9");
}

TEST(S3FaultTest, ServerIgnoringRangesIsServedTheRangeAnyway) {
  auto h = Start([](const ReceivedRequest&, int) { return ObjectReply("0123456789"); });
  auto reader =
      h->adapter->Get({kNs, "k"}, ByteRange{.kind = ByteRange::Kind::kFromTo, .first = 2,
                                            .last = 5});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->offset(), 2u);
  EXPECT_EQ((*reader)->length(), 4u);
  EXPECT_EQ(*ReadAll(**reader, 100), "2345");
}

TEST(S3FaultTest, InvalidOptionsAreRejected) {
  S3Options options;
  options.access_key_id = "a";
  options.secret_access_key = "b";
  options.part_size = 1024;
  EXPECT_EQ(NewS3Adapter(options).status().code(), StatusCode::kInvalidArgument);
  options.part_size = 8 << 20;
  options.endpoint = "nonsense";
  EXPECT_EQ(NewS3Adapter(options).status().code(), StatusCode::kInvalidArgument);
  options.endpoint = "";
  options.secret_access_key = "";
  EXPECT_EQ(NewS3Adapter(options).status().code(), StatusCode::kInvalidArgument);
}

TEST(S3FaultTest, KeysAndNamespacesAreValidated) {
  auto h = Start([](const ReceivedRequest&, int) { return Ok(); });
  EXPECT_EQ(h->adapter->Head({kNs, "../escape"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(h->adapter->Head({"local://x", "k"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(h->server->request_count(), 0);
}

}  // namespace
}  // namespace tarn::block
