// Streamed request and response bodies, request ids, metrics and the access log.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <future>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "http/server.h"
#include "http/test_client.h"

namespace tarn::http {
namespace {

using namespace testing_util;  // NOLINT
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;

std::string Pattern(std::size_t n, std::size_t offset = 0) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i + offset) % 23);
  return s;
}

std::string PutHead(uint64_t length, const std::string& extra = "") {
  return "PUT /obj HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(length) + "\r\n" +
         extra + "\r\n";
}

// A source serving `data` in reads of at most `step` bytes.
class PatternSource : public BodySource {
 public:
  PatternSource(std::string data, std::size_t step) : data_(std::move(data)), step_(step) {}
  Result<std::size_t> Read(std::span<char> out) override {
    std::size_t n = std::min({out.size(), step_, data_.size() - pos_});
    std::memcpy(out.data(), data_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  std::size_t step_;
  std::size_t pos_ = 0;
};

// ---- request bodies ----

TEST(ServerStreamTest, HandlerSeesTheFirstBytesBeforeTheClientSendsTheRest) {
  const std::size_t total = 8 << 20;
  const std::string body = Pattern(total);
  std::promise<std::string> first_bytes;
  auto server = MustStart(TestOptions(), [&](const Request& request) {
    std::string got(1000, '\0');
    std::size_t filled = 0;
    while (filled < got.size()) {
      auto n = request.body->Read(std::span<char>(got.data() + filled, got.size() - filled));
      if (!n.ok() || *n == 0) return Response::Text(500, "short");
      filled += *n;
    }
    first_bytes.set_value(got);
    auto rest = ReadBody(request, total);
    if (!rest.ok()) return Response::Text(500, rest.status().ToString());
    return Response::Text(200, got + *rest == body ? "same" : "different");
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(PutHead(total) + body.substr(0, 4096)));
  // Only 4 KiB is on the wire: the handler can only get here if the server streams the body.
  EXPECT_EQ(first_bytes.get_future().get(), body.substr(0, 1000));
  ASSERT_TRUE(client.Send(body.substr(4096)));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, "same");
}

TEST(ServerStreamTest, ContinueIsSentOnlyWhenTheHandlerFirstReads) {
  Gate read_now;
  std::promise<void> entered;
  auto server = MustStart(TestOptions(), [&](const Request& request) {
    entered.set_value();
    read_now.Wait();
    return Echo(request);
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(PutHead(5, "Expect: 100-continue\r\n")));
  entered.get_future().wait();
  EXPECT_EQ(client.Pending(), "");
  read_now.Open();
  auto interim = client.ReadExactly(25);
  ASSERT_TRUE(interim.has_value());
  EXPECT_EQ(*interim, "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(client.Send("hello"));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, "PUT /obj hello");
}

TEST(ServerStreamTest, AnEmptyBodyThatExpectsContinueGetsItBeforeTheAnswer) {
  auto server = MustStart(TestOptions(), [](const Request& request) { return Echo(request); });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  for (int i = 0; i < 2; ++i) {  // the connection stays usable
    ASSERT_TRUE(client.Send(PutHead(0, "Expect: 100-continue\r\n")));
    auto interim = client.ReadExactly(25);
    ASSERT_TRUE(interim.has_value());
    EXPECT_EQ(*interim, "HTTP/1.1 100 Continue\r\n\r\n");
    auto response = client.ReadResponse();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "PUT /obj ");
  }
}

TEST(ServerStreamTest, ContinueIsNotSentWhenTheHandlerRefuses) {
  auto server =
      MustStart(TestOptions(), [](const Request&) { return Response::Text(403, "denied"); });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(PutHead(5, "Expect: 100-continue\r\n")));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 403);
  EXPECT_EQ(Lower(response->header("connection")), "close");
}

TEST(ServerStreamTest, SmallUnreadBodyIsDrainedAndTheConnectionKeptAlive) {
  auto server = MustStart(TestOptions(), [](const Request& request) {
    return Response::Text(200, "ignored " + request.target);
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(PutHead(300000) + Pattern(300000)));
  auto first = client.ReadResponse();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->status, 200);
  EXPECT_NE(Lower(first->header("connection")), "close");
  ASSERT_TRUE(client.Send(Get("/next")));
  auto second = client.ReadResponse();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->body, "ignored /next");
}

TEST(ServerStreamTest, LargeUnreadBodyClosesTheConnection) {
  auto server = MustStart(TestOptions(), [](const Request&) { return Response::Text(200, "no"); });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(PutHead(100 << 20) + Pattern(100000)));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(Lower(response->header("connection")), "close");
  EXPECT_TRUE(client.ReadsEndOfStream());
}

TEST(ServerStreamTest, ClientClosingMidBodyCancelsTheRead) {
  std::promise<Status> status;
  auto server = MustStart(TestOptions(), [&](const Request& request) {
    status.set_value(ReadBody(request, 1 << 30).status());
    return Response::Text(200, "x");
  });
  ASSERT_NE(server, nullptr);
  {
    Client client(server->port());
    ASSERT_TRUE(client.Send(PutHead(10 << 20) + Pattern(100000)));
  }
  EXPECT_EQ(status.get_future().get().code(), StatusCode::kCancelled);
}

TEST(ServerStreamTest, LargeChunkedBodyIsStreamedAndDecoded) {
  const std::string body = Pattern(1 << 20);
  auto server = MustStart(TestOptions(), [&](const Request& request) {
    auto got = ReadBody(request, 2 << 20);
    EXPECT_FALSE(request.content_length.has_value());
    return Response::Text(200, got.ok() && *got == body ? "same" : "different");
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  std::string wire = "PUT /obj HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (std::size_t pos = 0; pos < body.size(); pos += 100000) {
    std::string piece = body.substr(pos, 100000);
    char size[32];
    std::snprintf(size, sizeof(size), "%zx\r\n", piece.size());
    wire += size + piece + "\r\n";
  }
  wire += "0\r\n\r\n";
  ASSERT_TRUE(client.Send(wire));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, "same");
}

TEST(ServerStreamTest, DeclaredBodyOverTheLimitIs413WithoutReadingIt) {
  std::atomic<int> calls{0};
  auto server = MustStart(TestOptions(), [&](const Request&) {
    ++calls;
    return Response::Text(200, "no");
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(PutHead((uint64_t{6} << 30))));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(calls, 0);
}

// ---- response bodies ----

TEST(ServerStreamTest, StreamedResponseAnnouncesContentLengthAndSendsEveryByte) {
  const std::string data = Pattern((1 << 20) + 3);
  auto server = MustStart(TestOptions(), [&](const Request&) {
    Response r;
    r.stream = std::make_shared<PatternSource>(data, 70001);
    r.content_length = data.size();
    return r;
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(Get("/big")));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->header("content-length"), std::to_string(data.size()));
  EXPECT_TRUE(response->body == data);
  ASSERT_TRUE(client.Send(Get("/again")));
  EXPECT_TRUE(client.ReadResponse().has_value());
}

TEST(ServerStreamTest, SourceEndingEarlyClosesTheConnection) {
  auto server = MustStart(TestOptions(), [](const Request&) {
    Response r;
    r.stream = std::make_shared<PatternSource>(Pattern(500), 100);
    r.content_length = 1000;
    return r;
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(Get("/short")));
  std::string all = client.ReadUntilClosed();
  EXPECT_THAT(all, HasSubstr("Content-Length: 1000\r\n"));
  EXPECT_THAT(all, testing::EndsWith("\r\n\r\n" + Pattern(500)));
}

class NeverReadSource : public BodySource {
 public:
  NeverReadSource(int fd, uint64_t offset, uint64_t length) : range_{fd, offset, length} {}
  Result<std::size_t> Read(std::span<char>) override {
    return Status::Internal("Read called on a file range source");
  }
  std::optional<FileRange> file_range() const override { return range_; }

 private:
  FileRange range_;
};

// A temporary file holding `data`, removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& data) {
    char path[] = "/tmp/tarn_http_testXXXXXX";
    fd_ = mkstemp(path);
    path_ = path;
    EXPECT_EQ(write(fd_, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  }
  ~TempFile() {
    close(fd_);
    unlink(path_.c_str());
  }
  int fd() const { return fd_; }

 private:
  int fd_;
  std::string path_;
};

TEST(ServerStreamTest, FileRangeIsSentFromTheOffsetWithoutReadingTheSource) {
  const std::string data = Pattern(3 << 20);
  TempFile file(data);
  const uint64_t offset = 12345;
  const uint64_t length = (2 << 20) + 17;
  auto server = MustStart(TestOptions(), [&](const Request&) {
    Response r;
    r.stream = std::make_shared<NeverReadSource>(file.fd(), offset, length);
    r.content_length = length;
    return r;
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(Get("/file")));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(response->body == data.substr(offset, length));
  ASSERT_TRUE(client.Send(Get("/file")));
  auto again = client.ReadResponse();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->body.size(), length);
}

TEST(ServerStreamTest, HeadReplyAnnouncesContentLengthAndSendsNoBody) {
  auto server = MustStart(TestOptions(), [](const Request& request) {
    if (request.method == "HEAD") {
      Response r;
      r.content_length = 123456;
      return r;
    }
    return Response::Text(200, "after");
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send("HEAD /obj HTTP/1.1\r\nHost: test\r\n\r\n" + Get("/next")));
  auto head = client.ReadResponse(/*head=*/true);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->header("content-length"), "123456");
  auto next = client.ReadResponse();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->body, "after");
}

// ---- request ids, metrics, access log ----

TEST(ServerStreamTest, EveryResponseCarriesAUniqueRequestIdAndServerHeader) {
  std::mutex mu;
  std::set<std::string> seen_ids;
  auto server = MustStart(TestOptions(), [&](const Request& request) {
    std::lock_guard lock(mu);
    seen_ids.insert(request.request_id);
    return Response::Text(200, request.request_id);
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  std::set<std::string> ids;
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(client.Send(Get("/x")));
    auto response = client.ReadResponse();
    ASSERT_TRUE(response.has_value());
    EXPECT_THAT(response->header("x-amz-request-id"), MatchesRegex("[0-9A-F]{16}"));
    EXPECT_EQ(response->header("x-amz-request-id"), response->body);
    EXPECT_EQ(response->header("server"), "tarn");
    ids.insert(response->body);
  }
  EXPECT_EQ(ids.size(), 50u);
}

TEST(ServerStreamTest, HandlerSetRequestIdIsKept) {
  auto server = MustStart(TestOptions(), [](const Request&) {
    return Response::Text(200, "x").SetHeader("x-amz-request-id", "MINE");
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(Get("/x")));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->header("x-amz-request-id"), "MINE");
}

TEST(ServerStreamTest, ResponsesCarryADateHeaderUnlessTheHandlerSetsOne) {
  auto server = MustStart(TestOptions(), [](const Request& request) {
    Response r = Response::Text(200, "x");
    if (request.target == "/own") r.SetHeader("Date", "Tue, 01 Jan 2030 00:00:00 GMT");
    return r;
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(Get("/x")));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_THAT(response->header("date"),
              MatchesRegex("[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} "
                           "[0-9]{2}:[0-9]{2}:[0-9]{2} GMT"));
  ASSERT_TRUE(client.Send(Get("/own")));
  response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->header("date"), "Tue, 01 Jan 2030 00:00:00 GMT");
}

TEST(ServerStreamTest, MetricsCountRequestsByOperationAndStatus) {
  ServerOptions options = TestOptions();
  options.metrics = std::make_shared<Metrics>();
  auto server = MustStart(options, [](const Request& request) {
    Response r = Echo(request);
    r.operation = request.target == "/sync" ? "sync" : "PutObject";
    if (request.target == "/missing") r.status = 404;
    return r;
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(Post("/a", "12345") + Post("/b", "6") + Get("/missing")));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client.ReadResponse().has_value());
  // Recording follows the write of the reply: the next round trip on the connection orders it.
  ASSERT_TRUE(client.Send(Get("/sync")));
  ASSERT_TRUE(client.ReadResponse().has_value());
  EXPECT_EQ(options.metrics->requests("PutObject", 200), 2u);
  EXPECT_EQ(options.metrics->requests("PutObject", 404), 1u);
  EXPECT_EQ(options.metrics->open_connections(), 1);
  std::string text = options.metrics->Render();
  EXPECT_THAT(text, HasSubstr("tarn_http_requests_total{operation=\"PutObject\",status=\"200\"} "
                              "2\n"));
  EXPECT_THAT(text, HasSubstr("tarn_http_request_bytes_total{operation=\"PutObject\"} 6\n"));
}

TEST(MetricsTest, RenderFollowsThePrometheusTextFormat) {
  Metrics metrics;
  metrics.RecordRequest("GetObject", 200, std::chrono::milliseconds(3), 0, 100);
  metrics.RecordRequest("GetObject", 200, std::chrono::seconds(2), 0, 50);
  metrics.RecordRequest("", 500, std::chrono::microseconds(10), 7, 0);
  metrics.ConnectionOpened();
  metrics.RequestStarted();
  std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("# TYPE tarn_http_requests_total counter\n"));
  EXPECT_THAT(text, HasSubstr("# HELP tarn_http_request_duration_seconds "));
  EXPECT_THAT(text, HasSubstr("# TYPE tarn_http_request_duration_seconds histogram\n"));
  EXPECT_THAT(text,
              HasSubstr("tarn_http_requests_total{operation=\"GetObject\",status=\"200\"} 2\n"));
  EXPECT_THAT(text,
              HasSubstr("tarn_http_requests_total{operation=\"unknown\",status=\"500\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("tarn_http_request_duration_seconds_bucket{operation=\"GetObject\","
                              "le=\"0.001\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("tarn_http_request_duration_seconds_bucket{operation=\"GetObject\","
                              "le=\"0.005\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("tarn_http_request_duration_seconds_bucket{operation=\"GetObject\","
                              "le=\"+Inf\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("tarn_http_request_duration_seconds_count{operation=\"GetObject\"} "
                              "2\n"));
  EXPECT_THAT(text, HasSubstr("tarn_http_response_bytes_total{operation=\"GetObject\"} 150\n"));
  EXPECT_THAT(text, HasSubstr("tarn_http_request_bytes_total{operation=\"unknown\"} 7\n"));
  EXPECT_THAT(text, HasSubstr("tarn_http_open_connections 1\n"));
  EXPECT_THAT(text, HasSubstr("tarn_http_requests_in_flight 1\n"));
}

TEST(ServerStreamTest, AccessLogLineNamesTheRequestAndRedactsSignatures) {
  auto out = std::make_shared<std::ostringstream>();
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*out);
  sink->set_pattern("%v");
  ServerOptions options = TestOptions();
  options.access_log = std::make_shared<spdlog::logger>("access", sink);
  auto server = MustStart(options, [](const Request& request) {
    Response r = Echo(request);
    r.operation = "PutObject";
    return r.SetHeader("x-amz-request-id", "ignored-for-log");
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(Post("/b/k?X-Amz-Signature=deadbeef&x=1", "abc")));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  ASSERT_TRUE(client.Send(Get("/sync")));
  ASSERT_TRUE(client.ReadResponse().has_value());
  std::string line = out->str().substr(0, out->str().find('\n'));
  EXPECT_THAT(line, MatchesRegex("127\\.0\\.0\\.1:[0-9]+ POST /b/k\\?X-Amz-Signature=REDACTED&x=1 "
                                 "200 3 [0-9]+ [0-9.]+ PutObject [0-9A-F]{16}"));
  EXPECT_THAT(line, Not(HasSubstr("deadbeef")));
}

// ---- scale ----

TEST(ServerStreamTest, TwoThousandIdleKeepAliveConnectionsAreAllServed) {
  auto server = MustStart(TestOptions(), Echo);
  ASSERT_NE(server, nullptr);
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 2000; ++i) {
    clients.push_back(std::make_unique<Client>(server->port()));
    ASSERT_TRUE(clients.back()->connected()) << i;
    ASSERT_TRUE(clients.back()->Send(Get("/first")));
  }
  for (auto& c : clients) {
    auto r = c->ReadResponse();
    ASSERT_TRUE(r.has_value());
  }
  for (auto& c : clients) ASSERT_TRUE(c->Send(Get("/second")));
  for (auto& c : clients) {
    auto r = c->ReadResponse();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->body, "GET /second ");
  }
}

}  // namespace
}  // namespace tarn::http
