// A misbehaving HTTP/1.1 server on 127.0.0.1 for tests of HTTP and S3 clients: it answers each
// request with what a script says — a response, a dropped connection, silence, or a body cut
// short — and records what it received. Test-only (library tarn_s3_client_testing).
//
// Thread safety: the script function runs on the server's connection threads, one call at a
// time; requests() and request_count() may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tarn/result.h"

namespace tarn::s3::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;  // path and query as sent
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body = {};
  std::string Header(const std::string& name) const;  // "" when absent
};

struct ScriptedReply {
  enum class Action {
    kRespond,       // send status, headers and body, keep the connection
    kClose,         // close the connection without answering
    kHang,          // never answer (until the server stops)
    kTruncateBody,  // announce Content-Length of `body` but send only half of it, then close
  };
  Action action = Action::kRespond;
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers = {};
  std::string body = {};
  // Skip reading the request body before answering (a server that answers early).
  bool ignore_body = false;
};

// Answers request number `index` (0-based, over the server's lifetime).
using Script = std::function<ScriptedReply(const ReceivedRequest& request, int index)>;

class FakeHttpServer {
 public:
  // Listens on 127.0.0.1 on a free port. Errors: IOError when the socket cannot be set up.
  static Result<std::unique_ptr<FakeHttpServer>> Start(Script script);
  ~FakeHttpServer();  // stops: closes the listener and every connection, joins the threads
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int request_count() const { return request_count_.load(); }
  int connection_count() const { return connection_count_.load(); }
  std::vector<ReceivedRequest> requests() const;

 private:
  FakeHttpServer(int listen_fd, int port, Script script);
  void AcceptLoop();
  void Serve(int fd);

  int listen_fd_;
  int port_;
  Script script_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> request_count_{0};
  std::atomic<int> connection_count_{0};
  mutable std::mutex mu_;
  std::condition_variable stop_cv_;
  std::vector<ReceivedRequest> requests_;
  std::vector<int> open_fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

// An S3 error document reply: `status` with <Error><Code>code</Code>...
ScriptedReply S3ErrorReply(int status, const std::string& code, const std::string& message);

}  // namespace tarn::s3::testing
