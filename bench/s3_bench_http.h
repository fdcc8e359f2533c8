// Pieces of the S3 gateway benchmark: a `tarn serve` child process, a minimal blocking HTTP/1.1
// keep-alive client that reuses its buffers, deterministic bodies generated on the fly, and
// requests signed ahead of time so the load generator spends no CPU on signing while it runs.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "s3/sigv4_signer.h"
#include "tarn/result.h"

namespace tarn::bench {

// A `tarn serve --quickstart --listen 127.0.0.1:0` child with its own data directory; its
// stderr goes to <data_dir>/server.log. Stopped (SIGTERM, then waited for) on destruction.
class TarnProcess {
 public:
  // `env` entries are added to (or replace) this process's environment.
  // Errors: IOError when the binary cannot start or prints no banner within 60 s.
  static Result<std::unique_ptr<TarnProcess>> Start(const std::string& binary,
                                                    const std::string& data_dir,
                                                    const std::map<std::string, std::string>& env);
  ~TarnProcess();

  pid_t pid() const { return pid_; }
  uint16_t port() const { return port_; }
  // Stops the server and waits for it; returns its exit status.
  int Stop();

 private:
  TarnProcess(pid_t pid, uint16_t port) : pid_(pid), port_(port) {}
  pid_t pid_;
  uint16_t port_;
};

// VmRSS and VmHWM of a process in bytes, from /proc/<pid>/status (0 when unreadable).
struct Memory {
  uint64_t rss = 0;
  uint64_t hwm = 0;
};
Memory ReadMemory(pid_t pid);

// Fills `out` with the bytes at `offset` of the deterministic stream `seed`: a fixed
// pseudo-random block with the block index stamped into it, so producing bytes costs a copy.
void FillPattern(uint64_t seed, uint64_t offset, std::span<char> out);

struct Response {
  int status = 0;
  uint64_t body_bytes = 0;
  std::string_view body_prefix;  // up to the first 64 KiB of the body, for error reports
};

// One keep-alive connection to 127.0.0.1:port with blocking sockets. Not thread-safe: one per
// thread.
class HttpConnection {
 public:
  explicit HttpConnection(uint16_t port);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends `request` (head and body, complete) and reads the response, discarding the body past
  // the first 64 KiB. Reconnects when the server closed the connection. Errors: IOError.
  Result<Response> RoundTrip(std::string_view request);
  // Sends `head`, then `body_size` bytes of the pattern `seed`, and reads the response.
  Result<Response> RoundTripStreamed(std::string_view head, uint64_t body_size, uint64_t seed);

 private:
  Status EnsureConnected();
  Status SendAll(std::string_view bytes);
  Result<Response> ReadResponse();
  void Close();

  uint16_t port_;
  int fd_ = -1;
  std::vector<char> buffer_;   // response head and body prefix
  std::vector<char> scratch_;  // discarded body bytes and generated request bodies
};

// Builds complete signed requests (path-style addressing, the Host header of 127.0.0.1:port).
class RequestSigner {
 public:
  explicit RequestSigner(uint16_t port);
  // `body` is appended after the head; `content_length` is declared (body.size() when
  // nullopt). The payload is UNSIGNED-PAYLOAD. Errors: as SigV4Signer::Sign.
  Result<std::string> Build(std::string_view method, std::string_view path,
                            std::string_view body = {},
                            std::optional<uint64_t> content_length = std::nullopt) const;

 private:
  std::string host_;
  s3::SigV4Signer signer_;
};

}  // namespace tarn::bench
