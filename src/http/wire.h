// Wire-level helpers of the server shell that need no Boost: request ids, the response head,
// and the access log's view of a target. Internal to src/http/.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"

namespace tarn::http {

// Unique request ids: 16 upper-case hex characters, like S3's. Ids are a bijective mix of a
// per-generator seed plus a counter, so they never repeat within a generator and look random.
// Thread-safe.
class RequestIdGenerator {
 public:
  explicit RequestIdGenerator(uint64_t seed) : next_(seed) {}
  // Writes the next id into out[0..16).
  void Next(char* out);
  std::string Next();

 private:
  std::atomic<uint64_t> next_;
};

// What the head of a response says beyond the handler's headers.
struct HeadInfo {
  unsigned version = 11;  // 10 or 11
  bool keep_alive = true;
  // Body length to announce; nullopt sends no Content-Length (1xx, 204).
  std::optional<uint64_t> content_length;
  std::string_view request_id;
  // The Date header's value (IMF-fixdate); empty sends none.
  std::string_view date;
};

// The IMF-fixdate of the current second ("Sun, 06 Nov 1994 08:49:37 GMT"), formatted at most
// once per second and thread. Valid until the same thread's next call.
std::string_view CurrentHttpDate();

// Appends "HTTP/1.x STATUS REASON", the handler's headers (dropping Content-Length,
// Transfer-Encoding and Connection, which the server owns, and any header whose name or value
// holds CR or LF), Server, Date and x-amz-request-id unless the handler set them, Content-Length
// and Connection, and the blank line.
void AppendResponseHead(const Response& response, const HeadInfo& info, std::string* out);

// The standard reason phrase of a status ("OK", "Not Found"); "Unknown" for others.
std::string_view ReasonPhrase(int status);

// `target` with the values of signature query parameters (X-Amz-Signature, Signature; names
// compared case-insensitively) replaced by "REDACTED", for logs.
std::string RedactTarget(std::string_view target);

}  // namespace tarn::http
