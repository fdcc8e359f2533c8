// Building, checking and querying the route table.
#include "router/route_table.h"

#include <fnmatch.h>

#include <algorithm>
#include <set>

namespace tarn::router {
namespace {

bool IsGlob(std::string_view pattern) {
  return pattern.find_first_of("*?[") != std::string_view::npos;
}

std::string Where(const RouterConfig& c) { return c.source.empty() ? "router config" : c.source; }

Status Invalid(const RouterConfig& c, const std::string& what) {
  return Status::InvalidArgument(Where(c) + ": " + what);
}

std::string RouteName(std::size_t i, const Route& r) {
  return "route " + std::to_string(i + 1) + " (bucket '" + r.bucket + "'" +
         (r.prefix.empty() ? "" : ", prefix '" + r.prefix + "'") + ")";
}

// Checks a glob the way fnmatch will read it: brackets must close.
bool GlobWellFormed(std::string_view pattern) {
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;
    } else if (pattern[i] == '[') {
      std::size_t close = pattern.find(']', i + 2);
      if (close == std::string_view::npos) return false;
      i = close;
    }
  }
  return true;
}

}  // namespace

Result<std::shared_ptr<const RouteTable>> RouteTable::Build(RouterConfig config) {
  std::shared_ptr<RouteTable> table(new RouteTable());
  const RouterConfig& c = config;
  std::map<std::string, std::size_t, std::less<>> by_name;
  for (std::size_t i = 0; i < c.backends.size(); ++i) {
    const Backend& b = c.backends[i];
    if (b.name.empty()) return Invalid(c, "backend " + std::to_string(i + 1) + " has no name");
    if (!by_name.emplace(b.name, i).second) {
      return Invalid(c, "two backends are named '" + b.name + "'; give each its own name");
    }
    if (!b.endpoint.empty() && !b.endpoint.starts_with("http://") &&
        !b.endpoint.starts_with("https://")) {
      return Invalid(c, "backend '" + b.name + "': endpoint '" + b.endpoint +
                            "' is not an http:// or https:// URL");
    }
  }
  if (c.routes.empty()) {
    return Invalid(c, "no routes; add at least a default route {bucket: \"*\", backend: ...}");
  }
  std::optional<std::size_t> default_route;
  for (std::size_t i = 0; i < c.routes.size(); ++i) {
    const Route& r = c.routes[i];
    if (r.bucket.empty()) return Invalid(c, RouteName(i, r) + " has no bucket");
    if (!GlobWellFormed(r.bucket)) {
      return Invalid(c, RouteName(i, r) + ": the bucket pattern has an unclosed '['");
    }
    if (!r.target_bucket.empty() && IsGlob(r.target_bucket)) {
      return Invalid(c, RouteName(i, r) + ": target bucket '" + r.target_bucket +
                            "' is a pattern; name one bucket");
    }
    if (r.prefix.starts_with('/') || r.target_prefix.starts_with('/')) {
      return Invalid(c, RouteName(i, r) + ": key prefixes are relative; drop the leading '/'");
    }
    auto backend = by_name.find(r.backend);
    if (backend == by_name.end()) {
      std::string known;
      for (const auto& [name, _] : by_name) known += (known.empty() ? "" : ", ") + name;
      return Invalid(
          c, RouteName(i, r) + " names backend '" + r.backend +
                 "', which is not defined (backends: " + (known.empty() ? "none" : known) + ")");
    }
    if (r.bucket == "*" && r.prefix.empty() && !default_route) default_route = i;
  }
  if (!default_route) {
    return Invalid(c,
                   "no default route: add {bucket: \"*\", backend: ...} without a prefix as "
                   "the last route, so that every request has somewhere to go (a router "
                   "without one would have to send requests back to itself)");
  }
  table->config_ = std::move(config);
  table->default_route_ = *default_route;
  const RouterConfig& cfg = table->config_;
  for (std::size_t i = 0; i < cfg.routes.size(); ++i) {
    const Route& r = cfg.routes[i];
    table->backend_of_.push_back(&cfg.backends[by_name.find(r.backend)->second]);
    if (!IsGlob(r.bucket)) {
      table->glob_.emplace_back(std::nullopt);
      table->exact_[r.bucket].push_back(i);
      continue;
    }
    Glob g;
    std::string_view body(r.bucket);
    g.literal = std::string(body.substr(0, body.find_first_of("*?[\\")));
    if (r.bucket == "*") {
      g.kind = Glob::Kind::kAny;
    } else if (body.back() == '*' && !IsGlob(body.substr(0, body.size() - 1)) &&
               body.find('\\') == std::string_view::npos) {
      g.kind = Glob::Kind::kLiteralPrefix;
      g.literal = std::string(body.substr(0, body.size() - 1));
    }
    if (g.literal.empty()) {
      table->globs_any_.push_back(i);
    } else {
      table->globs_by_first_[static_cast<unsigned char>(g.literal[0])].push_back(i);
    }
    table->glob_.emplace_back(std::move(g));
  }
  return std::shared_ptr<const RouteTable>(std::move(table));
}

bool RouteTable::BucketMatches(std::size_t i, std::string_view bucket,
                               const char* bucket_cstr) const {
  const std::optional<Glob>& g = glob_[i];
  if (!g) return bucket == config_.routes[i].bucket;
  switch (g->kind) {
    case Glob::Kind::kAny:
      return true;
    case Glob::Kind::kLiteralPrefix:
      return bucket.starts_with(g->literal);
    case Glob::Kind::kGeneral:
      break;
  }
  return bucket.starts_with(g->literal) &&
         fnmatch(config_.routes[i].bucket.c_str(), bucket_cstr, 0) == 0;
}

Target RouteTable::Resolve(std::string_view bucket, std::string_view key) const {
  // Candidates in configuration order: the routes naming this bucket exactly, merged with the
  // glob routes that can match it (same first byte, or no literal lead).
  static const std::vector<std::size_t> kNone;
  auto it = exact_.find(bucket);
  const std::vector<std::size_t>* lists[3] = {
      it == exact_.end() ? &kNone : &it->second,
      bucket.empty() ? &kNone : &globs_by_first_[static_cast<unsigned char>(bucket[0])],
      &globs_any_};
  std::size_t pos[3] = {0, 0, 0};
  const std::string bucket_cstr(bucket);  // for fnmatch
  std::size_t chosen = default_route_;
  for (;;) {
    int next = -1;
    for (int l = 0; l < 3; ++l) {
      if (pos[l] < lists[l]->size() &&
          (next < 0 || (*lists[l])[pos[l]] < (*lists[next])[pos[next]])) {
        next = l;
      }
    }
    if (next < 0) break;
    std::size_t i = (*lists[next])[pos[next]++];
    if (next > 0 && !BucketMatches(i, bucket, bucket_cstr.c_str())) continue;
    if (key.starts_with(config_.routes[i].prefix)) {
      chosen = i;
      break;
    }
  }
  const Route& r = config_.routes[chosen];
  Target t;
  t.route = chosen;
  t.backend = backend_of_[chosen];
  t.bucket = r.target_bucket.empty() ? std::string(bucket) : r.target_bucket;
  t.key.reserve(r.target_prefix.size() + key.size() - r.prefix.size());
  t.key.append(r.target_prefix).append(key.substr(r.prefix.size()));
  t.read_only = r.read_only;
  return t;
}

std::optional<std::string> RouteTable::Unmap(std::size_t route, std::string_view bucket,
                                             std::string_view target_key) const {
  const Route& r = config_.routes[route];
  if (!target_key.starts_with(r.target_prefix)) return std::nullopt;
  std::string key = r.prefix + std::string(target_key.substr(r.target_prefix.size()));
  if (Resolve(bucket, key).route != route) return std::nullopt;  // an earlier route's key
  return key;
}

std::vector<std::size_t> RouteTable::RoutesForListing(std::string_view bucket,
                                                      std::string_view prefix) const {
  std::vector<std::size_t> out;
  const std::string bucket_cstr(bucket);
  for (std::size_t i = 0; i < config_.routes.size(); ++i) {
    if (!BucketMatches(i, bucket, bucket_cstr.c_str())) continue;
    const std::string& p = config_.routes[i].prefix;
    if (prefix.starts_with(p)) {
      out.push_back(i);  // covers every key of the listing: later routes are shadowed
      break;
    }
    if (std::string_view(p).starts_with(prefix)) out.push_back(i);
  }
  return out;
}

}  // namespace tarn::router
