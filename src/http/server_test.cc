#include "http/server.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/logging.h"

namespace tarn::http {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Reads that take longer than this fail the test instead of hanging it. It bounds a broken
// server, not the speed of a working one.
constexpr int kWatchdogSeconds = 60;

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A blocking TCP client that speaks raw HTTP/1.1.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{};
    tv.tv_sec = kWatchdogSeconds;
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      connect_errno_ = errno;
      close(fd_);
      fd_ = -1;
    }
  }
  ~Client() {
    if (fd_ >= 0) close(fd_);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return fd_ >= 0; }
  int connect_errno() const { return connect_errno_; }

  bool Send(const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Reads one response with a Content-Length body; nullopt when the connection ends first.
  std::optional<RawResponse> ReadResponse() {
    std::size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    RawResponse response;
    std::string head = buffer_.substr(0, header_end);
    buffer_.erase(0, header_end + 4);
    std::size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    if (status_line.size() < 12 || status_line.compare(0, 5, "HTTP/") != 0) return std::nullopt;
    response.status = std::stoi(status_line.substr(9, 3));
    std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      std::size_t end = head.find("\r\n", pos);
      if (end == std::string::npos) end = head.size();
      std::string line = head.substr(pos, end - pos);
      std::size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::size_t value_start = line.find_first_not_of(' ', colon + 1);
        response.headers[Lower(line.substr(0, colon))] =
            value_start == std::string::npos ? "" : line.substr(value_start);
      }
      pos = end + 2;
    }
    std::size_t length = std::stoul(
        response.header("content-length").empty() ? "0" : response.header("content-length"));
    while (buffer_.size() < length) {
      if (!Fill()) return std::nullopt;
    }
    response.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return response;
  }

  // True when the peer has closed (EOF or reset) with nothing more to read.
  bool ReadsEndOfStream() {
    if (!buffer_.empty()) return false;
    char c;
    ssize_t n = recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

  // Reads until the peer closes; returns everything received.
  std::string ReadUntilClosed() {
    while (Fill()) {
    }
    std::string out;
    out.swap(buffer_);
    return out;
  }

 private:
  bool Fill() {
    char chunk[16384];
    ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  int connect_errno_ = 0;
  std::string buffer_;
};

std::string Get(const std::string& target, const std::string& extra_headers = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: test\r\n" + extra_headers + "\r\n";
}

std::string Post(const std::string& target, const std::string& body,
                 const std::string& extra_headers = "") {
  return "POST " + target +
         " HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         extra_headers + "\r\n" + body;
}

// A one-shot gate a handler can wait on while the test holds it closed.
class Gate {
 public:
  Gate() : future_(promise_.get_future().share()) {}
  void Open() { promise_.set_value(); }
  void Wait() const { future_.wait(); }

 private:
  std::promise<void> promise_;
  std::shared_future<void> future_;
};

ServerOptions TestOptions() {
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.io_threads = 1;
  options.worker_threads = 2;
  options.idle_timeout = std::chrono::hours(1);
  options.request_timeout = std::chrono::hours(1);
  return options;
}

std::unique_ptr<Server> MustStart(const ServerOptions& options, Handler handler) {
  auto server = Server::Start(options, std::move(handler), NullLogger());
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return server.ok() ? std::move(server).value() : nullptr;
}

Response Echo(const Request& request) {
  return Response::Text(200, request.method + " " + request.target + " " + request.body);
}

// Connects until the server refuses, which shows its listener is closed; returns the errno of
// the refused connect (0 if it never was). Only for use while the server shuts down: each
// connection it still accepts, it closes again, and the probe waits for that.
int WaitUntilRefused(uint16_t port) {
  for (int attempt = 0; attempt < 1000; ++attempt) {
    Client probe(port);
    // A reset means the listener closed during the handshake; the next attempt is refused.
    if (!probe.connected() && probe.connect_errno() != ECONNRESET) return probe.connect_errno();
    probe.ReadUntilClosed();
  }
  return 0;
}

// ---- routing ----

TEST(ServerTest, GetIsRoutedToTheHandlerWithMethodTargetAndHeaders) {
  std::mutex mu;
  std::optional<Request> seen;
  auto server = MustStart(TestOptions(), [&](const Request& request) {
    std::lock_guard lock(mu);
    seen = request;
    return Response::Text(200, "hello");
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.Send(Get("/bucket/key?versionId=3", "X-Tarn-Test: yes\r\n")));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello");
  EXPECT_EQ(response->header("content-type"), "text/plain; charset=utf-8");
  std::lock_guard lock(mu);
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->method, "GET");
  EXPECT_EQ(seen->target, "/bucket/key?versionId=3");
  EXPECT_EQ(seen->path(), "/bucket/key");
  EXPECT_EQ(seen->query(), "versionId=3");
  EXPECT_EQ(seen->header("x-tarn-test"), "yes");
  EXPECT_EQ(seen->header("Host"), "test");
  EXPECT_EQ(seen->body, "");
  EXPECT_THAT(seen->remote_address, StartsWith("127.0.0.1:"));
}

TEST(ServerTest, RequestBodyReachesTheHandler) {
  auto server = MustStart(TestOptions(), Echo);
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(Post("/upload", "payload bytes")));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, "POST /upload payload bytes");
}

TEST(ServerTest, ChunkedRequestBodyIsDecoded) {
  auto server = MustStart(TestOptions(), Echo);
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(
      client.Send("PUT /obj HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, "PUT /obj hello world");
}

TEST(ServerTest, ResponseCarriesHandlerStatusHeadersAndBody) {
  auto server = MustStart(TestOptions(), [](const Request&) {
    Response r = Response::Json(404, R"({"error":"NoSuchKey"})");
    r.SetHeader("ETag", "\"abc\"");
    return r;
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(Get("/missing")));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->header("etag"), "\"abc\"");
  EXPECT_EQ(response->header("content-type"), "application/json");
  EXPECT_EQ(response->header("content-length"), "21");
  EXPECT_EQ(response->body, R"({"error":"NoSuchKey"})");
}

// ---- connection reuse ----

TEST(ServerTest, TwoRequestsShareOneKeepAliveConnection) {
  std::atomic<int> calls{0};
  auto server = MustStart(TestOptions(), [&](const Request& request) {
    ++calls;
    return Echo(request);
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(Get("/first")));
  auto first = client.ReadResponse();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->body, "GET /first ");
  EXPECT_NE(Lower(first->header("connection")), "close");
  ASSERT_TRUE(client.Send(Post("/second", "2")));
  auto second = client.ReadResponse();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->body, "POST /second 2");
  EXPECT_EQ(calls, 2);
}

TEST(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  auto server = MustStart(TestOptions(), Echo);
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(Get("/a") + Post("/b", "body") + Get("/c")));
  for (const char* expected : {"GET /a ", "POST /b body", "GET /c "}) {
    auto response = client.ReadResponse();
    ASSERT_TRUE(response.has_value()) << expected;
    EXPECT_EQ(response->body, expected);
  }
}

TEST(ServerTest, ConnectionCloseIsHonoured) {
  auto server = MustStart(TestOptions(), Echo);
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(Get("/bye", "Connection: close\r\n")));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, "GET /bye ");
  EXPECT_EQ(Lower(response->header("connection")), "close");
  EXPECT_TRUE(client.ReadsEndOfStream());
}

TEST(ServerTest, Http10WithoutKeepAliveIsClosedAfterTheResponse) {
  auto server = MustStart(TestOptions(), Echo);
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send("GET /old HTTP/1.0\r\n\r\n"));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, "GET /old ");
  EXPECT_TRUE(client.ReadsEndOfStream());
}

// ---- limits ----

TEST(ServerTest, BodyOverTheLimitIs413AndNeverReachesTheHandler) {
  std::atomic<int> calls{0};
  ServerOptions options = TestOptions();
  options.max_body_bytes = 16;
  auto server = MustStart(options, [&](const Request& request) {
    ++calls;
    return Echo(request);
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(Post("/big", std::string(17, 'x'))));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(Lower(response->header("connection")), "close");
  EXPECT_EQ(calls, 0);
}

TEST(ServerTest, DeclaredBodyOverTheLimitIs413BeforeTheBodyIsSent) {
  std::atomic<int> calls{0};
  ServerOptions options = TestOptions();
  options.max_body_bytes = 1024;
  auto server = MustStart(options, [&](const Request& request) {
    ++calls;
    return Echo(request);
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send("PUT /big HTTP/1.1\r\nHost: test\r\nContent-Length: 1000000\r\n\r\n"));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 413);
  EXPECT_TRUE(client.ReadsEndOfStream());
  EXPECT_EQ(calls, 0);
}

TEST(ServerTest, BodyAtTheLimitIsAccepted) {
  ServerOptions options = TestOptions();
  options.max_body_bytes = 16;
  auto server = MustStart(options, Echo);
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(Post("/fits", std::string(16, 'x'))));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "POST /fits " + std::string(16, 'x'));
}

TEST(ServerTest, ChunkedBodyOverTheLimitIs413) {
  std::atomic<int> calls{0};
  ServerOptions options = TestOptions();
  options.max_body_bytes = 8;
  auto server = MustStart(options, [&](const Request& request) {
    ++calls;
    return Echo(request);
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(
      client.Send("PUT /obj HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(calls, 0);
}

TEST(ServerTest, HeaderBlockOverTheLimitNeverReachesTheHandler) {
  std::atomic<int> calls{0};
  ServerOptions options = TestOptions();
  options.max_header_bytes = 1024;
  auto server = MustStart(options, [&](const Request& request) {
    ++calls;
    return Echo(request);
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  client.Send(Get("/huge", "X-Big: " + std::string(4096, 'h') + "\r\n"));
  std::string reply = client.ReadUntilClosed();
  // The server may close without a word or answer with a client error; either way the
  // request must not be handled.
  if (!reply.empty()) {
    EXPECT_THAT(reply, testing::MatchesRegex("HTTP/1\\.1 4(00|31) .*"));
  }
  EXPECT_EQ(calls, 0);
}

TEST(ServerTest, MalformedRequestNeverReachesTheHandler) {
  std::atomic<int> calls{0};
  auto server = MustStart(TestOptions(), [&](const Request& request) {
    ++calls;
    return Echo(request);
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send("THIS IS NOT HTTP\r\n\r\n"));
  client.ReadUntilClosed();
  EXPECT_EQ(calls, 0);
}

// ---- threading ----

TEST(ServerTest, HandlerDoesNotRunOnTheCallingThread) {
  std::mutex mu;
  std::thread::id handler_thread;
  auto server = MustStart(TestOptions(), [&](const Request& request) {
    std::lock_guard lock(mu);
    handler_thread = std::this_thread::get_id();
    return Echo(request);
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(Get("/t")));
  ASSERT_TRUE(client.ReadResponse().has_value());
  std::lock_guard lock(mu);
  EXPECT_NE(handler_thread, std::thread::id());
  EXPECT_NE(handler_thread, std::this_thread::get_id());
}

TEST(ServerTest, BlockedHandlerDoesNotStallOtherConnections) {
  // One I/O thread: if handlers ran on it, the blocked one would stall the second request.
  Gate release;
  std::promise<std::thread::id> blocked_entered;
  std::mutex mu;
  std::thread::id fast_thread;
  auto server = MustStart(TestOptions(), [&](const Request& request) {
    if (request.target == "/slow") {
      blocked_entered.set_value(std::this_thread::get_id());
      release.Wait();
      return Response::Text(200, "slow done");
    }
    std::lock_guard lock(mu);
    fast_thread = std::this_thread::get_id();
    return Response::Text(200, "fast done");
  });
  ASSERT_NE(server, nullptr);

  Client slow(server->port());
  ASSERT_TRUE(slow.Send(Get("/slow")));
  std::thread::id slow_thread = blocked_entered.get_future().get();

  Client fast(server->port());
  ASSERT_TRUE(fast.Send(Get("/fast")));
  auto fast_response = fast.ReadResponse();
  release.Open();
  ASSERT_TRUE(fast_response.has_value());
  EXPECT_EQ(fast_response->body, "fast done");
  {
    std::lock_guard lock(mu);
    EXPECT_NE(fast_thread, slow_thread);
  }

  auto slow_response = slow.ReadResponse();
  ASSERT_TRUE(slow_response.has_value());
  EXPECT_EQ(slow_response->body, "slow done");
}

TEST(ServerTest, ThrowingHandlerYields500AndTheServerKeepsServing) {
  auto server = MustStart(TestOptions(), [](const Request& request) -> Response {
    if (request.target == "/throw") throw std::runtime_error("handler bug");
    return Echo(request);
  });
  ASSERT_NE(server, nullptr);
  {
    Client client(server->port());
    ASSERT_TRUE(client.Send(Get("/throw")));
    auto response = client.ReadResponse();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 500);
    EXPECT_THAT(response->body, testing::Not(HasSubstr("handler bug")));
  }
  Client again(server->port());
  ASSERT_TRUE(again.Send(Get("/fine")));
  auto response = again.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "GET /fine ");
}

TEST(ServerTest, SlowHandlerDoesNotUseUpTheTimeForWritingTheReply) {
  // The handler outlasts request_timeout (the condition under test, not synchronisation);
  // the reply is large enough to need many writes.
  ServerOptions options = TestOptions();
  options.request_timeout = std::chrono::milliseconds(500);
  const std::string body(8 << 20, 'z');
  auto server = MustStart(options, [&](const Request&) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    return Response::Text(200, body);
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  ASSERT_TRUE(client.Send(Get("/slow")));
  auto response = client.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body.size(), body.size());
}

// ---- shutdown ----

TEST(ServerTest, ShutdownLetsAnInFlightRequestFinishAndRefusesNewConnections) {
  Gate release;
  std::promise<void> entered;
  const std::string body(100000, 'b');
  auto server = MustStart(TestOptions(), [&](const Request&) {
    entered.set_value();
    release.Wait();
    return Response::Text(200, body);
  });
  ASSERT_NE(server, nullptr);
  uint16_t port = server->port();

  Client in_flight(port);
  ASSERT_TRUE(in_flight.Send(Get("/slow")));
  entered.get_future().wait();

  std::thread stopper([&] { server->Shutdown(std::chrono::hours(1)); });
  int refused_errno = WaitUntilRefused(port);
  release.Open();
  auto response = in_flight.ReadResponse();
  stopper.join();

  EXPECT_EQ(refused_errno, ECONNREFUSED) << std::strerror(refused_errno);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, body);
  EXPECT_EQ(Lower(response->header("connection")), "close");
  EXPECT_TRUE(in_flight.ReadsEndOfStream());
}

TEST(ServerTest, ShutdownClosesIdleKeepAliveConnectionsPromptly) {
  auto server = MustStart(TestOptions(), Echo);
  ASSERT_NE(server, nullptr);
  Client idle1(server->port());
  Client idle2(server->port());
  ASSERT_TRUE(idle1.Send(Get("/one")));
  ASSERT_TRUE(idle1.ReadResponse().has_value());
  ASSERT_TRUE(idle2.Send(Get("/two")));
  ASSERT_TRUE(idle2.ReadResponse().has_value());

  // The deadline and idle timeout are an hour: only closing idle connections ends this soon.
  auto done = std::async(std::launch::async, [&] { server->Shutdown(std::chrono::hours(1)); });
  ASSERT_EQ(done.wait_for(std::chrono::seconds(kWatchdogSeconds)), std::future_status::ready);
  EXPECT_TRUE(idle1.ReadsEndOfStream());
  EXPECT_TRUE(idle2.ReadsEndOfStream());
}

TEST(ServerTest, ShutdownClosesConnectionsThatNeverSentARequest) {
  auto server = MustStart(TestOptions(), Echo);
  ASSERT_NE(server, nullptr);
  Client silent(server->port());
  ASSERT_TRUE(silent.connected());
  // Make sure the server has accepted it: a second connection's round trip comes after.
  Client other(server->port());
  ASSERT_TRUE(other.Send(Get("/x")));
  ASSERT_TRUE(other.ReadResponse().has_value());

  auto done = std::async(std::launch::async, [&] { server->Shutdown(std::chrono::hours(1)); });
  ASSERT_EQ(done.wait_for(std::chrono::seconds(kWatchdogSeconds)), std::future_status::ready);
  EXPECT_TRUE(silent.ReadsEndOfStream());
}

TEST(ServerTest, ShutdownClosesConnectionsStillBusyAtTheDeadline) {
  Gate release;
  std::promise<void> entered;
  auto server = MustStart(TestOptions(), [&](const Request&) {
    entered.set_value();
    release.Wait();
    return Response::Text(200, "too late");
  });
  ASSERT_NE(server, nullptr);
  Client stuck(server->port());
  ASSERT_TRUE(stuck.Send(Get("/stuck")));
  entered.get_future().wait();

  // Shutdown waits for the handler's thread, but must not leave the connection open for it.
  std::thread stopper([&] { server->Shutdown(std::chrono::milliseconds(0)); });
  bool closed = stuck.ReadsEndOfStream();
  release.Open();
  stopper.join();
  EXPECT_TRUE(closed);
}

TEST(ServerTest, ShutdownStopsListeningBeforeItReturns) {
  auto server = MustStart(TestOptions(), Echo);
  ASSERT_NE(server, nullptr);
  uint16_t port = server->port();
  {
    // Besides exercising the server, this keeps the port from other tests' servers: the
    // server's side of the closed connection lingers in TIME_WAIT, and binding port 0 avoids
    // ports that are still in use.
    Client client(port);
    ASSERT_TRUE(client.Send(Get("/x", "Connection: close\r\n")));
    ASSERT_TRUE(client.ReadResponse().has_value());
    ASSERT_TRUE(client.ReadsEndOfStream());
  }
  server->Shutdown(std::chrono::seconds(5));
  Client client(port);
  EXPECT_FALSE(client.connected());
  EXPECT_EQ(client.connect_errno(), ECONNREFUSED);
}

TEST(ServerTest, ShutdownIsIdempotent) {
  auto server = MustStart(TestOptions(), Echo);
  ASSERT_NE(server, nullptr);
  server->Shutdown(std::chrono::seconds(5));
  server->Shutdown(std::chrono::seconds(5));
  server.reset();  // the destructor shuts down a third time
}

// ---- binding ----

TEST(ServerTest, BindingAnAddressInUseIsUnavailableAndNamesIt) {
  auto first = MustStart(TestOptions(), Echo);
  ASSERT_NE(first, nullptr);
  ServerOptions options = TestOptions();
  options.port = first->port();
  auto second = Server::Start(options, Echo, NullLogger());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(second.status().message(), HasSubstr("127.0.0.1:" + std::to_string(first->port())));
}

TEST(ServerTest, HostThatIsNotAnIpAddressIsInvalidArgument) {
  ServerOptions options = TestOptions();
  options.host = "not-an-ip.example";
  auto server = Server::Start(options, Echo, NullLogger());
  EXPECT_EQ(server.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(server.status().message(), HasSubstr("not-an-ip.example"));
}

TEST(ServerTest, PortZeroPicksAFreePort) {
  auto server = MustStart(TestOptions(), Echo);
  ASSERT_NE(server, nullptr);
  EXPECT_NE(server->port(), 0);
}

// ---- ParseListenAddress ----

TEST(ParseListenAddressTest, AcceptsIpv4) {
  std::string host;
  uint16_t port = 0;
  ASSERT_TRUE(ParseListenAddress("127.0.0.1:8000", &host, &port).ok());
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 8000);
}

TEST(ParseListenAddressTest, AcceptsBracketedIpv6) {
  std::string host;
  uint16_t port = 0;
  ASSERT_TRUE(ParseListenAddress("[::1]:8000", &host, &port).ok());
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 8000);
}

TEST(ParseListenAddressTest, MapsLocalhostToLoopback) {
  std::string host;
  uint16_t port = 0;
  ASSERT_TRUE(ParseListenAddress("localhost:80", &host, &port).ok());
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 80);
}

TEST(ParseListenAddressTest, AcceptsPortBounds) {
  std::string host;
  uint16_t port = 1;
  ASSERT_TRUE(ParseListenAddress("0.0.0.0:0", &host, &port).ok());
  EXPECT_EQ(port, 0);
  ASSERT_TRUE(ParseListenAddress("0.0.0.0:65535", &host, &port).ok());
  EXPECT_EQ(port, 65535);
}

TEST(ParseListenAddressTest, RejectsBadFormsAndNamesTheAddress) {
  for (const char* bad :
       {"nohost", ":80", "1.2.3.4:99999", "1.2.3.4:65536", "1.2.3.4:", "1.2.3.4:-1", "1.2.3.4:80x",
        "1.2.3.4: 80", "", "[]:80", "::1", "::1:8000", "[::1]"}) {
    SCOPED_TRACE(bad);
    std::string host = "unchanged";
    uint16_t port = 7;
    Status s = ParseListenAddress(bad, &host, &port);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(s.message(), HasSubstr("'" + std::string(bad) + "'"));
    EXPECT_EQ(host, "unchanged");
    EXPECT_EQ(port, 7);
  }
}

}  // namespace
}  // namespace tarn::http
