// Test helpers for the server shell: a raw blocking HTTP/1.1 client and server set-up.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <future>
#include <map>
#include <optional>
#include <string>

#include "common/logging.h"
#include "http/server.h"

namespace tarn::http::testing_util {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Reads that take longer than this fail the test instead of hanging it. It bounds a broken
// server, not the speed of a working one.
inline constexpr int kWatchdogSeconds = 60;

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

inline std::string Lower(std::string s) {
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
  // A reply to HEAD (`head`) has no body whatever its Content-Length.
  std::optional<RawResponse> ReadResponse(bool is_head = false) {
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
    std::size_t length = is_head ? 0
                                 : std::stoul(response.header("content-length").empty()
                                                  ? "0"
                                                  : response.header("content-length"));
    while (buffer_.size() < length) {
      if (!Fill()) return std::nullopt;
    }
    response.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return response;
  }

  // Bytes already received, or readable without blocking; empty when nothing has arrived.
  std::string Pending() {
    char chunk[16384];
    ssize_t n = recv(fd_, chunk, sizeof(chunk), MSG_DONTWAIT);
    if (n > 0) buffer_.append(chunk, static_cast<std::size_t>(n));
    return buffer_;
  }

  // Reads exactly `n` raw bytes; nullopt when the connection ends first.
  std::optional<std::string> ReadExactly(std::size_t n) {
    while (buffer_.size() < n) {
      if (!Fill()) return std::nullopt;
    }
    std::string out = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return out;
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

inline std::string Get(const std::string& target, const std::string& extra_headers = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: test\r\n" + extra_headers + "\r\n";
}

inline std::string Post(const std::string& target, const std::string& body,
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

inline ServerOptions TestOptions() {
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.io_threads = 1;
  options.worker_threads = 2;
  options.idle_timeout = std::chrono::hours(1);
  options.request_timeout = std::chrono::hours(1);
  return options;
}

inline std::unique_ptr<Server> MustStart(const ServerOptions& options, Handler handler) {
  auto server = Server::Start(options, std::move(handler), NullLogger());
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return server.ok() ? std::move(server).value() : nullptr;
}

inline Response Echo(const Request& request) {
  auto body = ReadBody(request, 1 << 20);
  if (!body.ok()) return Response::Text(400, body.status().ToString());
  return Response::Text(200, request.method + " " + request.target + " " + *body);
}

// Connects until the server refuses, which shows its listener is closed; returns the errno of
// the refused connect (0 if it never was). Only for use while the server shuts down: each
// connection it still accepts, it closes again, and the probe waits for that.
inline int WaitUntilRefused(uint16_t port) {
  for (int attempt = 0; attempt < 1000; ++attempt) {
    Client probe(port);
    // A reset means the listener closed during the handshake; the next attempt is refused.
    if (!probe.connected() && probe.connect_errno() != ECONNRESET) return probe.connect_errno();
    probe.ReadUntilClosed();
  }
  return 0;
}

}  // namespace tarn::http::testing_util
