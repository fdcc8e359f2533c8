// A read-only view of an HTTP request as the S3 authenticators need it. The gateway and the
// router build one from their own request type; nothing here owns memory.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace tarn::s3 {

struct Header {
  std::string_view name;   // any case
  std::string_view value;  // as received
};

struct HttpRequestView {
  std::string_view method;          // "GET", "PUT", ... (case-sensitive, as on the wire)
  std::string_view path;            // raw request path, still percent-encoded, without the query
  std::string_view query;           // raw query string without the '?', "" when there is none
  std::span<const Header> headers;  // in arrival order; repeated names allowed
  // For virtual-host addressing ("bucket.s3.example.com"): the bucket taken from Host. SigV2
  // signs "/bucket" + path; SigV4 ignores it. Empty for path-style requests.
  std::string_view virtual_host_bucket;
};

// Splits a request target "/path?query" into its raw path and raw query.
std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target);

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix);
std::string ToLowerAscii(std::string_view text);

// The value of the first header named `name` (case-insensitive); nullopt when absent.
std::optional<std::string_view> FindHeader(std::span<const Header> headers, std::string_view name);

// Strips spaces and tabs at both ends.
std::string_view TrimWhitespace(std::string_view text);
// Appends `value` with leading and trailing whitespace removed and every inner run of
// whitespace (space, tab, CR, LF, VT, FF) collapsed to one space: SigV4's "Trimall".
void AppendTrimAll(std::string& out, std::string_view value);

}  // namespace tarn::s3
