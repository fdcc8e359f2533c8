#include "s3/client/http_client.h"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <random>
#include <thread>

#include "s3/client/fake_http_server.h"

namespace tarn::s3 {
namespace {

using testing::FakeHttpServer;
using testing::ReceivedRequest;
using testing::ScriptedReply;

std::unique_ptr<HttpClient> MakeClient(HttpClientOptions options = {}) {
  auto client = HttpClient::Create(options);
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return std::move(client).value();
}

std::unique_ptr<FakeHttpServer> StartServer(testing::Script script) {
  auto server = FakeHttpServer::Start(std::move(script));
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return std::move(server).value();
}

std::string RandomBytes(std::size_t n, uint32_t seed = 1) {
  std::mt19937 gen(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(gen());
  return out;
}

// A body source over a string, handing out at most `step` bytes per Read.
class StringSource final : public BodySource {
 public:
  explicit StringSource(std::string data, std::size_t step = 1000)
      : data_(std::move(data)), step_(step) {}
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

int UnusedPort() {
  // Bind to an ephemeral port and close it again: nothing listens there afterwards.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(HttpClientTest, SendReturnsStatusHeadersAndBody) {
  auto server = StartServer([](const ReceivedRequest&, int) {
    ScriptedReply r;
    r.status = 201;
    r.headers = {{"X-Thing", "  value  "}};
    r.body = "hello";
    return r;
  });
  auto client = MakeClient();
  auto response = client->Send({.method = "GET", .url = server->endpoint() + "/a?b=c"}, 1024);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, "hello");
  EXPECT_EQ(response->Header("x-thing").value_or(""), "value");
  EXPECT_EQ(response->Header("X-THING").value_or(""), "value");
  ASSERT_EQ(server->requests().size(), 1u);
  EXPECT_EQ(server->requests()[0].target, "/a?b=c");
}

TEST(HttpClientTest, SendsRequestHeadersAndNoAcceptOfItsOwn) {
  auto server = StartServer([](const ReceivedRequest&, int) { return ScriptedReply{}; });
  auto client = MakeClient();
  auto response = client->Send(
      {.method = "DELETE", .url = server->endpoint() + "/k", .headers = {{"X-Amz-Date", "1"}}},
      1024);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  auto req = server->requests().at(0);
  EXPECT_EQ(req.method, "DELETE");
  EXPECT_EQ(req.Header("x-amz-date"), "1");
  EXPECT_EQ(req.Header("accept"), "");
}

TEST(HttpClientTest, PutSendsBytesWithContentLength) {
  auto server = StartServer([](const ReceivedRequest&, int) { return ScriptedReply{}; });
  auto client = MakeClient();
  std::string body = RandomBytes(3 * 1024 * 1024);
  auto response = client->Send({.method = "PUT", .url = server->endpoint() + "/k", .body = body},
                               1024);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  auto req = server->requests().at(0);
  EXPECT_EQ(req.Header("content-length"), std::to_string(body.size()));
  EXPECT_EQ(req.Header("transfer-encoding"), "");
  EXPECT_TRUE(req.body == body);
}

TEST(HttpClientTest, EmptyPutAndPostSendContentLengthZero) {
  auto server = StartServer([](const ReceivedRequest&, int) { return ScriptedReply{}; });
  auto client = MakeClient();
  ASSERT_TRUE(client->Send({.method = "PUT", .url = server->endpoint() + "/k"}, 1024).ok());
  ASSERT_TRUE(client->Send({.method = "POST", .url = server->endpoint() + "/k?uploads="}, 1024)
                  .ok());
  auto reqs = server->requests();
  EXPECT_EQ(reqs.at(0).method, "PUT");
  EXPECT_EQ(reqs.at(0).Header("content-length"), "0");
  EXPECT_EQ(reqs.at(1).method, "POST");
  EXPECT_EQ(reqs.at(1).Header("content-length"), "0");
}

TEST(HttpClientTest, PutStreamsBodyFromSource) {
  auto server = StartServer([](const ReceivedRequest&, int) { return ScriptedReply{}; });
  auto client = MakeClient();
  std::string body = RandomBytes(2 * 1024 * 1024 + 17);
  StringSource source(body, 7000);
  auto response = client->Send({.method = "PUT",
                                .url = server->endpoint() + "/k",
                                .body_stream = &source,
                                .body_size = body.size()},
                               1024);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_TRUE(server->requests().at(0).body == body);
}

TEST(HttpClientTest, StreamShorterThanDeclaredFailsWithInvalidArgument) {
  auto server = StartServer([](const ReceivedRequest&, int) { return ScriptedReply{}; });
  auto client = MakeClient();
  StringSource source("short");
  auto response = client->Send(
      {.method = "PUT", .url = server->endpoint() + "/k", .body_stream = &source, .body_size = 10},
      1024);
  EXPECT_EQ(response.status().code(), StatusCode::kInvalidArgument) << response.status().ToString();
}

TEST(HttpClientTest, StreamLongerThanDeclaredFailsWithInvalidArgument) {
  auto server = StartServer([](const ReceivedRequest&, int) { return ScriptedReply{}; });
  auto client = MakeClient();
  StringSource source("longer than four");
  auto response = client->Send(
      {.method = "PUT", .url = server->endpoint() + "/k", .body_stream = &source, .body_size = 4},
      1024);
  EXPECT_EQ(response.status().code(), StatusCode::kInvalidArgument) << response.status().ToString();
}

TEST(HttpClientTest, ReusesTheConnectionAcrossRequests) {
  auto server = StartServer([](const ReceivedRequest&, int) {
    ScriptedReply r;
    r.body = "x";
    return r;
  });
  auto client = MakeClient();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(client->Send({.method = "GET", .url = server->endpoint() + "/"}, 10).ok());
  }
  std::string body(100000, 'b');
  ASSERT_TRUE(
      client->Send({.method = "PUT", .url = server->endpoint() + "/", .body = body}, 10).ok());
  auto stream = client->Open({.method = "GET", .url = server->endpoint() + "/"});
  ASSERT_TRUE(stream.ok());
  ASSERT_TRUE((*stream)->ReadAll(10).ok());
  stream->reset();
  ASSERT_TRUE(client->Send({.method = "HEAD", .url = server->endpoint() + "/"}, 10).ok());
  EXPECT_EQ(server->request_count(), 8);
  EXPECT_EQ(server->connection_count(), 1);
}

TEST(HttpClientTest, ReusesConnectionsAcrossThreads) {
  auto server = StartServer([](const ReceivedRequest&, int) { return ScriptedReply{}; });
  auto client = MakeClient();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        EXPECT_TRUE(client->Send({.method = "GET", .url = server->endpoint() + "/"}, 10).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(server->request_count(), 80);
  EXPECT_LE(server->connection_count(), 4);
}

TEST(HttpClientTest, OpenStreamsALargeBodyThroughSmallReads) {
  std::string body = RandomBytes(8 * 1024 * 1024 + 3, 7);
  auto server = StartServer([&](const ReceivedRequest&, int) {
    ScriptedReply r;
    r.body = body;
    return r;
  });
  auto client = MakeClient();
  auto stream = client->Open({.method = "GET", .url = server->endpoint() + "/big"});
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  EXPECT_EQ((*stream)->status(), 200);
  EXPECT_EQ((*stream)->Header("content-length").value_or(""), std::to_string(body.size()));
  std::string got;
  char buf[4093];
  while (true) {
    auto n = (*stream)->Read(buf);
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    if (*n == 0) break;
    got.append(buf, *n);
  }
  EXPECT_EQ(got.size(), body.size());
  EXPECT_TRUE(got == body);
}

TEST(HttpClientTest, AbandoningAStreamLeavesTheClientUsable) {
  std::string body = RandomBytes(4 * 1024 * 1024);
  auto server = StartServer([&](const ReceivedRequest&, int) {
    ScriptedReply r;
    r.body = body;
    return r;
  });
  auto client = MakeClient();
  for (int i = 0; i < 3; ++i) {
    auto stream = client->Open({.method = "GET", .url = server->endpoint() + "/big"});
    ASSERT_TRUE(stream.ok());
    char buf[100];
    ASSERT_TRUE((*stream)->Read(buf).ok());
  }
  auto response = client->Send({.method = "GET", .url = server->endpoint() + "/"}, 8 << 20);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->body.size(), body.size());
}

TEST(HttpClientTest, BodyCutShortIsUnavailable) {
  auto server = StartServer([](const ReceivedRequest&, int) {
    ScriptedReply r;
    r.action = ScriptedReply::Action::kTruncateBody;
    r.body = std::string(100000, 'z');
    return r;
  });
  auto client = MakeClient();
  auto response = client->Send({.method = "GET", .url = server->endpoint() + "/"}, 1 << 20);
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable) << response.status().ToString();

  auto stream = client->Open({.method = "GET", .url = server->endpoint() + "/"});
  ASSERT_TRUE(stream.ok());
  auto all = (*stream)->ReadAll(1 << 20);
  EXPECT_EQ(all.status().code(), StatusCode::kUnavailable) << all.status().ToString();
}

TEST(HttpClientTest, ConnectionRefusedIsUnavailable) {
  auto client = MakeClient();
  std::string url = "http://127.0.0.1:" + std::to_string(UnusedPort()) + "/";
  auto response = client->Send({.method = "GET", .url = url}, 10);
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(response.status().message().find(url), std::string_view::npos);
}

TEST(HttpClientTest, ClosedWithoutAnswerIsUnavailable) {
  auto server = StartServer([](const ReceivedRequest&, int) {
    return ScriptedReply{.action = ScriptedReply::Action::kClose};
  });
  auto client = MakeClient();
  auto response = client->Send({.method = "GET", .url = server->endpoint() + "/"}, 10);
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable) << response.status().ToString();
}

TEST(HttpClientTest, SilentServerTimesOutByLowSpeedBound) {
  auto server = StartServer([](const ReceivedRequest&, int) {
    return ScriptedReply{.action = ScriptedReply::Action::kHang};
  });
  HttpClientOptions options;
  options.low_speed_time = std::chrono::seconds(1);
  auto client = MakeClient(options);
  auto start = std::chrono::steady_clock::now();
  auto response = client->Send({.method = "GET", .url = server->endpoint() + "/"}, 10);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable) << response.status().ToString();
  EXPECT_NE(response.status().message().find("timed out"), std::string_view::npos)
      << response.status().ToString();
  EXPECT_LT(elapsed, std::chrono::seconds(10));

  auto stream = client->Open({.method = "GET", .url = server->endpoint() + "/"});
  EXPECT_EQ(stream.status().code(), StatusCode::kUnavailable);
}

TEST(HttpClientTest, RequestTimeoutBoundsSend) {
  auto server = StartServer([](const ReceivedRequest&, int) {
    return ScriptedReply{.action = ScriptedReply::Action::kHang};
  });
  HttpClientOptions options;
  options.request_timeout = std::chrono::milliseconds(300);
  auto client = MakeClient(options);
  auto response = client->Send({.method = "GET", .url = server->endpoint() + "/"}, 10);
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(response.status().message().find("timed out"), std::string_view::npos);
}

TEST(HttpClientTest, ResponseLargerThanLimitIsInternal) {
  auto server = StartServer([](const ReceivedRequest&, int) {
    ScriptedReply r;
    r.body = std::string(5000, 'x');
    return r;
  });
  auto client = MakeClient();
  auto response = client->Send({.method = "GET", .url = server->endpoint() + "/"}, 100);
  EXPECT_EQ(response.status().code(), StatusCode::kInternal) << response.status().ToString();
}

TEST(HttpClientTest, MalformedUrlIsInvalidArgument) {
  auto client = MakeClient();
  auto response = client->Send({.method = "GET", .url = "ftp://127.0.0.1/"}, 10);
  EXPECT_EQ(response.status().code(), StatusCode::kInvalidArgument)
      << response.status().ToString();
}

}  // namespace
}  // namespace tarn::s3
