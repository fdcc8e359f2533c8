// A small HTTP/1.1 client on libcurl for talking to S3 servers: connection reuse, streaming
// request and response bodies through bounded buffers, and timeouts on every transfer. It knows
// nothing of S3; signing, retries and error documents live in s3_client.h.
//
// Connections: one libcurl share handle per HttpClient holds the connection cache (and DNS and
// TLS session caches), so every request of the client reuses idle keep-alive connections,
// whichever thread sends it. Easy handles are pooled.
//
// Streaming responses: every transfer is driven by the thread that asks for data, through a
// private curl multi handle (no background threads). The write callback copies what arrives
// into the caller's buffer and keeps at most one receive buffer (`receive_buffer_size`) of
// overflow; while that overflow is unread the transfer is paused, so the socket and the server
// apply back-pressure and memory stays bounded whatever the object size.
//
// Errors (transport): Unavailable for anything on the wire — connection refused or reset, DNS
// failure, timeouts (the message says "timed out"), a body cut short — with libcurl's
// description and the URL. InvalidArgument for a malformed URL. A status of 4xx or 5xx is not an
// error at this level: it is a response like any other.
//
// Thread safety: HttpClient is thread-safe. A HttpResponseStream is used by one thread at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tarn/result.h"

namespace tarn::s3 {

struct HttpClientOptions {
  // Establishing the TCP (and TLS) connection.
  std::chrono::milliseconds connect_timeout{10000};
  // A transfer (waiting for the response included) whose speed stays below `low_speed_limit`
  // bytes per second for `low_speed_time` fails as timed out. This bounds a stalled server or
  // network without capping how long a large, progressing transfer may take.
  long low_speed_limit = 1;
  std::chrono::seconds low_speed_time{30};
  // Upper bound on a whole request whose response is read completely (HttpClient::Send);
  // 0 = none. Streams (HttpClient::Open) rely on the low-speed bound instead.
  std::chrono::milliseconds request_timeout{0};
  // Idle easy handles kept for reuse; idle connections kept in the shared cache.
  std::size_t max_idle_handles = 16;
  long max_idle_connections = 32;
  // libcurl's receive buffer: the largest piece a response delivers at once, and so the most a
  // response stream buffers beyond what its reader asked for.
  long receive_buffer_size = 256 * 1024;
  // TLS: verify the server's certificate against the system store, or `ca_file` when set.
  bool verify_tls = true;
  std::string ca_file;
};

// The source of a streamed request body. Read is called on the thread that sends the request.
class BodySource {
 public:
  virtual ~BodySource() = default;
  // Fills up to out.size() bytes; 0 only at the end. An error aborts the request and is what
  // the request returns.
  virtual Result<std::size_t> Read(std::span<char> out) = 0;
};

struct HttpHeader {
  std::string name;  // lower-cased in responses; as given in requests
  std::string value;
};

struct HttpRequest {
  std::string method = {};  // "GET", "PUT", "HEAD", ...
  std::string url = {};     // absolute, already percent-encoded: "http://host:port/path?query"
  std::vector<HttpHeader> headers = {};
  // The body: either `body` (bytes that outlive the call) or `body_stream` yielding exactly
  // `body_size` bytes (a stream yielding another size fails the request with InvalidArgument).
  // Neither: no body (Content-Length: 0 for PUT and POST).
  std::string_view body = {};
  BodySource* body_stream = nullptr;
  uint64_t body_size = 0;
};

struct HttpResponse {
  int status = 0;
  std::vector<HttpHeader> headers;  // names lower-cased, in arrival order
  std::string body;
  // The value of the first header named `name` (lower-case); nullopt when absent.
  std::optional<std::string_view> Header(std::string_view name) const;
};

// A response whose body is read as it arrives. Destroying it before the end abandons the
// transfer (and its connection).
class HttpResponseStream {
 public:
  HttpResponseStream(const HttpResponseStream&) = delete;
  HttpResponseStream& operator=(const HttpResponseStream&) = delete;
  virtual ~HttpResponseStream() = default;

  virtual int status() const = 0;
  virtual const std::vector<HttpHeader>& headers() const = 0;
  std::optional<std::string_view> Header(std::string_view name) const;

  // Reads up to out.size() bytes of the body; 0 only at its end. Errors: Unavailable when the
  // connection fails or the body ends before its Content-Length.
  virtual Result<std::size_t> Read(std::span<char> out) = 0;
  // Reads the rest of the body into a string, at most `max_bytes` of it (the rest is dropped).
  Result<std::string> ReadAll(std::size_t max_bytes);

 protected:
  HttpResponseStream() = default;
};

class HttpClient {
 public:
  // Errors: Internal when libcurl cannot be initialised.
  static Result<std::unique_ptr<HttpClient>> Create(const HttpClientOptions& options);

  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  virtual ~HttpClient() = default;

  // Sends `request` and reads the whole response. A response body longer than `max_body`
  // bytes fails with Internal (S3 answers requests read this way with small XML documents).
  // The request body is read once; a caller that retries must provide a fresh one.
  virtual Result<HttpResponse> Send(const HttpRequest& request, std::size_t max_body) = 0;

  // Sends `request` and returns once the response's status and headers have arrived; the body
  // is read from the stream. `request`'s body (bytes or stream) must outlive the returned
  // stream: a server may answer before it has read the whole request body.
  virtual Result<std::unique_ptr<HttpResponseStream>> Open(const HttpRequest& request) = 0;

 protected:
  HttpClient() = default;
};

}  // namespace tarn::s3
