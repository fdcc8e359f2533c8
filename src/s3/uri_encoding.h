// Percent-encoding as S3 and SigV4 use it (RFC 3986): every byte except the unreserved
// characters A-Z a-z 0-9 '-' '_' '.' '~' becomes %XX with upper-case hex digits. Paths keep
// '/'. Decoding accepts either hex case and, for query strings, '+' as a space.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tarn/result.h"

namespace tarn::s3 {

// Appends `bytes` percent-encoded to `out`; '/' is kept as is when `keep_slash`.
void AppendUriEncoded(std::string& out, std::string_view bytes, bool keep_slash);
std::string UriEncode(std::string_view bytes, bool keep_slash = false);
// The wire form of an object path: UriEncode with '/' kept ("/bucket/a b" -> "/bucket/a%20b").
inline std::string UriEncodePath(std::string_view decoded_path) {
  return UriEncode(decoded_path, /*keep_slash=*/true);
}

// Decodes %XX escapes (either hex case); '+' becomes a space when `plus_is_space` (query
// strings and form encoding) and stays '+' otherwise (paths). nullopt on a '%' that is not
// followed by two hex digits.
std::optional<std::string> UriDecode(std::string_view text, bool plus_is_space);

// One query parameter, decoded. `has_value` is false for a bare name ("?uploads").
struct QueryParam {
  std::string name;
  std::string value;
  bool has_value = true;
};

// Splits a raw query string (without '?') on '&' and decodes each name and value ('+' is a
// space). Empty segments ("a=1&&b") are skipped. The order of the input is kept.
// Errors: InvalidArgument naming the parameter when an escape is malformed.
Result<std::vector<QueryParam>> ParseQuery(std::string_view raw_query);

// Builds a wire query string from decoded name/value pairs, in the given order, each as
// "name=value" with both sides UriEncode'd.
std::string BuildQueryString(const std::vector<std::pair<std::string, std::string>>& params);

// Finds the first parameter named exactly `name`; nullptr when absent.
const QueryParam* FindQueryParam(const std::vector<QueryParam>& params, std::string_view name);

}  // namespace tarn::s3
