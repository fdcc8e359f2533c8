// Protocol-neutral HTTP request and response values. Handlers (gateway, API, health) are
// functions from Request to Response that run on a worker thread and never see sockets;
// src/http/ owns connections.
//
// Bodies stream in both directions. A handler pulls the request body from Request::body with
// blocking reads (the server feeds it from the socket with backpressure: nothing is read ahead
// of the handler beyond one buffer), and may answer with a streamed body that the server pulls
// from, so a 5 GiB PUT or GET passes through bounded memory. Small bodies stay simple:
// ReadBody() collects a request body into a string, and Response::body is sent as is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tarn/result.h"

namespace tarn::http {

struct Header {
  std::string name;
  std::string value;
};

// A request body as the handler sees it: the bytes after any transfer decoding (HTTP chunked),
// before any content decoding (aws-chunked is the gateway's business).
class BodyReader {
 public:
  BodyReader() = default;
  BodyReader(const BodyReader&) = delete;
  BodyReader& operator=(const BodyReader&) = delete;
  virtual ~BodyReader() = default;

  // Reads up to out.size() bytes into `out`, blocking until at least one byte, the end or an
  // error; returns how many were read, 0 only at the end of the body.
  // Errors: Cancelled when the client closed the connection before the declared end;
  // DeadlineExceeded when it stopped sending for longer than the request timeout;
  // InvalidArgument starting "request body too large" when a body without Content-Length grows
  // past ServerOptions::max_body_bytes, other InvalidArgument for a malformed HTTP chunked
  // encoding.
  virtual Result<std::size_t> Read(std::span<char> out) = 0;
};

// A body held in memory: for tests and in-process callers.
class StringBodyReader final : public BodyReader {
 public:
  explicit StringBodyReader(std::string data) : data_(std::move(data)) {}
  Result<std::size_t> Read(std::span<char> out) override;

 private:
  std::string data_;
  std::size_t pos_ = 0;
};

struct Request {
  std::string method;  // "GET", "PUT", ...
  std::string target;  // path and query as sent, e.g. "/_health?x=1"
  std::vector<Header> headers;
  std::string remote_address;
  // Unique per request, assigned by the server; it is also sent back as x-amz-request-id.
  std::string request_id;
  // The declared body size (Content-Length); nullopt for a chunked body of unknown size.
  std::optional<uint64_t> content_length;
  // The body; null means empty. Shared so a Request stays copyable; the reader is used by one
  // thread at a time.
  std::shared_ptr<BodyReader> body;

  // Sets a body held in memory, with its Content-Length.
  void SetBody(std::string data);

  // The path part of target (before '?').
  std::string_view path() const;
  // The query part of target (after '?'), empty when absent.
  std::string_view query() const;
  // The first header with this name, compared case-insensitively; empty when absent.
  std::string_view header(std::string_view name) const;
  // Whether a header with this name is present (even with an empty value).
  bool has_header(std::string_view name) const;
};

// Reads the rest of `request`'s body into a string.
// Errors: InvalidArgument starting "request body too large" (naming `limit`) when the body is
// longer; the reader's errors.
Result<std::string> ReadBody(const Request& request, std::size_t limit);

// A streamed response body, pulled by the server on a worker thread.
class BodySource {
 public:
  BodySource() = default;
  BodySource(const BodySource&) = delete;
  BodySource& operator=(const BodySource&) = delete;
  virtual ~BodySource() = default;

  // Reads up to out.size() bytes; 0 only at the end. May block (storage reads).
  virtual Result<std::size_t> Read(std::span<char> out) = 0;

  // Where the remaining bytes sit in a local file, so the server can send them without copying
  // them through user space (sendfile). When this returns a range the server sends exactly that
  // range and never calls Read. The descriptor stays open as long as the source.
  struct FileRange {
    int fd = -1;
    uint64_t offset = 0;
    uint64_t length = 0;
  };
  virtual std::optional<FileRange> file_range() const { return std::nullopt; }
};

// A BodySource over a pull reader that owns its bytes' source: anything with
// `Result<std::size_t> Read(std::span<char>)` and a `file_range()` answering an optional with
// `fd`, `offset` and `length` (block::ObjectReader is one), so a stored object is sent with
// sendfile when it is a local file.
template <typename Reader>
class ReaderBody final : public BodySource {
 public:
  explicit ReaderBody(std::unique_ptr<Reader> reader) : reader_(std::move(reader)) {}
  Result<std::size_t> Read(std::span<char> out) override { return reader_->Read(out); }
  std::optional<FileRange> file_range() const override {
    auto r = reader_->file_range();
    if (!r) return std::nullopt;
    return FileRange{r->fd, r->offset, r->length};
  }

 private:
  std::unique_ptr<Reader> reader_;
};

struct Response {
  int status = 200;
  std::vector<Header> headers;
  // The body when it is small enough to hold; ignored when `stream` is set.
  std::string body;
  // A streamed body. `content_length` must be set with it: the server announces it and sends
  // exactly that many bytes. When the source fails or ends early the server closes the
  // connection, so the client sees a short body rather than a wrong one.
  std::shared_ptr<BodySource> stream;
  // The Content-Length to announce. Required with `stream`. Without a stream and with an empty
  // `body` (a reply to HEAD), it is announced as is and no body is sent. Otherwise the size of
  // `body` is announced and this is ignored.
  std::optional<uint64_t> content_length;
  // What the request was, for metrics and the access log ("GetObject", "health", ...);
  // "unknown" when empty.
  std::string operation;

  Response& SetHeader(std::string name, std::string value);
  // The first header with this name (case-insensitive); empty when absent.
  std::string_view header(std::string_view name) const;
  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body);
};

// Runs on a worker thread; must be thread-safe. May read the request body (or not: the server
// discards or refuses what is left, see server.h).
using Handler = std::function<Response(const Request&)>;

}  // namespace tarn::http
