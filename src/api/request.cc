#include "api/request.h"

#include <algorithm>
#include <charconv>

#include "s3/uri_encoding.h"

namespace tarn::api {

Result<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  auto decoded = s3::UriDecode(text, plus_is_space);
  if (!decoded) {
    return Status::InvalidArgument("malformed percent-encoding in '" + std::string(text) +
                                   "': '%' must be followed by two hex digits");
  }
  return std::move(*decoded);
}

Result<std::vector<std::string>> SplitApiPath(std::string_view path) {
  path.remove_prefix(std::min(path.size(), kApiPrefix.size()));
  std::vector<std::string> segments;
  while (!path.empty()) {
    std::size_t slash = path.find('/');
    std::string_view raw = path.substr(0, slash);
    path.remove_prefix(slash == std::string_view::npos ? path.size() : slash + 1);
    if (raw.empty()) continue;
    ASSIGN_OR_RETURN(std::string segment, PercentDecode(raw));
    segments.push_back(std::move(segment));
  }
  return segments;
}

Result<QueryParams> QueryParams::Parse(std::string_view query) {
  QueryParams q;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    ASSIGN_OR_RETURN(std::string name, PercentDecode(pair.substr(0, eq), true));
    std::string value;
    if (eq != std::string_view::npos) {
      ASSIGN_OR_RETURN(value, PercentDecode(pair.substr(eq + 1), true));
    }
    q.params_.emplace_back(std::move(name), std::move(value));
  }
  return q;
}

std::string_view QueryParams::get(std::string_view name) const {
  for (const auto& [n, v] : params_) {
    if (n == name) return v;
  }
  return {};
}

bool QueryParams::has(std::string_view name) const {
  for (const auto& [n, v] : params_) {
    if (n == name) return true;
  }
  return false;
}

Result<Pagination> Pagination::FromQuery(const QueryParams& query) {
  Pagination p;
  p.prefix = std::string(query.get("prefix"));
  p.after = std::string(query.get("after"));
  std::string_view amount = query.get("amount");
  if (!amount.empty()) {
    long long n = 0;
    auto [end, ec] = std::from_chars(amount.data(), amount.data() + amount.size(), n);
    if (ec != std::errc() || end != amount.data() + amount.size()) {
      return Status::InvalidArgument("amount must be an integer, got '" + std::string(amount) +
                                     "'");
    }
    if (n > static_cast<long long>(kMaxAmount)) {
      p.amount = kMaxAmount;
    } else if (n > 0) {
      p.amount = static_cast<std::size_t>(n);
    }
  }
  return p;
}

}  // namespace tarn::api
