// Parsing of what an API request carries in its target: percent-decoded path segments under
// /api/v1, query parameters and lakeFS's pagination parameters.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tarn/result.h"

namespace tarn::api {

inline constexpr std::string_view kApiPrefix = "/api/v1";

// Decodes %XX escapes; with `plus_is_space` (query strings) also '+' as a space.
// Errors: InvalidArgument for a '%' not followed by two hex digits.
Result<std::string> PercentDecode(std::string_view text, bool plus_is_space = false);

// The decoded segments of `path` after "/api/v1": "/api/v1/repositories/r%2Fx/" gives
// {"repositories", "r/x"}. Splitting happens before decoding, so an encoded '/' stays inside its
// segment; empty segments (a trailing or doubled '/') are dropped.
// REQUIRES: path starts with kApiPrefix.
// Errors: InvalidArgument for a malformed escape.
Result<std::vector<std::string>> SplitApiPath(std::string_view path);

// Query parameters in the order sent, names and values decoded.
class QueryParams {
 public:
  // Errors: InvalidArgument for a malformed escape.
  static Result<QueryParams> Parse(std::string_view query);

  // The first value of `name`; empty when absent.
  std::string_view get(std::string_view name) const;
  bool has(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

// lakeFS's listing parameters: prefix, after (exclusive) and amount.
struct Pagination {
  static constexpr std::size_t kDefaultAmount = 100;
  static constexpr std::size_t kMaxAmount = 1000;

  std::string prefix;
  std::string after;
  std::size_t amount = kDefaultAmount;

  // amount: absent or <= 0 gives the default, > 1000 gives 1000, as lakeFS does.
  // Errors: InvalidArgument when amount is not an integer.
  static Result<Pagination> FromQuery(const QueryParams& query);
};

}  // namespace tarn::api
