// The router's route table: which backend serves a request, by bucket and key prefix, and how
// the bucket and key are rewritten for it — and back.
//
// Routes are matched in configuration order and the first match wins, as in Hadoop's
// RouterFileSystem and botwo. A route matches a request when its bucket pattern matches the
// request's bucket (exactly, or as a glob with * ? [...]) and the request's key starts with the
// route's key prefix. The matched prefix is replaced by the route's target prefix, and the
// bucket by the route's target bucket (when it names one):
//   route {bucket: old-bucket, prefix: tables/, target_bucket: repo, target_prefix: main/t/}
//   old-bucket/tables/a.parquet  ->  repo/main/t/a.parquet
// A default route (bucket "*", no prefix) is required, so every request has a destination.
//
// A table is immutable once built; the proxy swaps tables atomically (shared_ptr) on reload and
// resolves on many threads at once.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tarn/result.h"

namespace tarn::router {

enum class BackendKind { kS3, kTarn };

// Where a backend's credentials come from.
struct BackendCredentials {
  enum class Source { kNone, kInline, kEnvironment, kProfile };
  Source source = Source::kNone;
  std::string access_key_id;      // kInline
  std::string secret_access_key;  // kInline
  // kEnvironment: <prefix>_ACCESS_KEY_ID, <prefix>_SECRET_ACCESS_KEY, <prefix>_SESSION_TOKEN
  std::string env_prefix;
  std::string profile;  // kProfile: a profile of the shared credentials file
};

struct Backend {
  std::string name;
  BackendKind kind = BackendKind::kS3;
  std::string endpoint;  // empty: AWS S3 for `region`
  std::string region = "us-east-1";
  bool path_style = true;
  BackendCredentials credentials;
  // The URI scheme a translated address is shown in ("s3", "s3a", "lakefs", ...).
  std::string scheme = "s3";
};

struct Route {
  std::string bucket;         // exact name or glob
  std::string prefix;         // key prefix the route covers; "" = every key
  std::string backend;        // a backend's name
  std::string target_bucket;  // "" = the request's bucket
  std::string target_prefix;  // replaces `prefix`
  bool read_only = false;
};

// Credentials clients sign their requests to the router with.
struct ClientCredential {
  std::string access_key_id;
  std::string secret_access_key;
};

struct RouterConfig {
  std::string source;  // the file it came from, for messages
  std::string listen = "127.0.0.1:8001";
  std::vector<ClientCredential> credentials;
  std::vector<Backend> backends;
  std::vector<Route> routes;
};

// Where one request goes.
struct Target {
  std::size_t route = 0;  // index in configuration order
  const Backend* backend = nullptr;
  std::string bucket;
  std::string key;
  bool read_only = false;
};

class RouteTable {
 public:
  // Validates and indexes `config`. Errors: InvalidArgument naming the file, the route or
  // backend and what to change: no default route, an unknown backend, a malformed glob, a
  // duplicate backend name, an endpoint that is not an http(s) URL, ...
  static Result<std::shared_ptr<const RouteTable>> Build(RouterConfig config);

  // The route for a request. Thread-safe.
  Target Resolve(std::string_view bucket, std::string_view key) const;

  // The client's key for `target_key`, a key the backend of `route` returned while serving
  // `bucket`; nullopt when that key is outside the route (not under its target prefix, or a
  // key an earlier route would take), so a listing leaves it out.
  std::optional<std::string> Unmap(std::size_t route, std::string_view bucket,
                                   std::string_view target_key) const;

  // The routes that serve some key of `bucket` starting with `prefix`, in configuration order:
  // what a listing of that prefix must merge.
  std::vector<std::size_t> RoutesForListing(std::string_view bucket, std::string_view prefix) const;

  const RouterConfig& config() const { return config_; }
  const Route& route(std::size_t i) const { return config_.routes[i]; }
  const Backend& backend_of(std::size_t route) const { return *backend_of_[route]; }
  std::size_t default_route() const { return default_route_; }

 private:
  RouteTable() = default;
  // `bucket_cstr` is `bucket` NUL-terminated, for fnmatch.
  bool BucketMatches(std::size_t route, std::string_view bucket, const char* bucket_cstr) const;

  struct Glob {
    enum class Kind { kAny, kLiteralPrefix, kGeneral } kind = Kind::kGeneral;
    // The text before the first wildcard: every match starts with it, so most buckets are
    // rejected without running the pattern. kLiteralPrefix: the whole pattern but its
    // trailing '*'.
    std::string literal;
  };

  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  RouterConfig config_;
  std::vector<const Backend*> backend_of_;
  std::vector<std::optional<Glob>> glob_;  // per route; nullopt for exact buckets
  std::unordered_map<std::string, std::vector<std::size_t>, StringHash, std::equal_to<>>
      exact_;  // bucket -> routes with that exact bucket, in order
  // Glob routes, in order, by the first byte of their literal lead; those without a lead
  // ("*", "?x") in globs_any_. A bucket only meets the globs that can match it.
  std::array<std::vector<std::size_t>, 256> globs_by_first_;
  std::vector<std::size_t> globs_any_;
  std::size_t default_route_ = 0;
};

}  // namespace tarn::router
