// The three configuration formats.
#include "router/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

namespace tarn::router {
namespace {

Status Bad(const std::string& source, const std::string& what) {
  return Status::InvalidArgument(source + ": " + what);
}

// Backend fields shared by the YAML and JSON forms.
struct BackendFields {
  std::string kind, endpoint, region, addressing;
  BackendCredentials credentials;
};

Result<Backend> MakeBackend(const std::string& name, const BackendFields& f,
                            const std::string& source) {
  Backend b;
  b.name = name;
  if (f.kind.empty() || f.kind == "s3") {
    b.kind = BackendKind::kS3;
  } else if (f.kind == "tarn") {
    b.kind = BackendKind::kTarn;
  } else {
    return Bad(source, "backend '" + name + "': kind '" + f.kind + "' is not s3 or tarn");
  }
  b.endpoint = f.endpoint;
  if (!f.region.empty()) b.region = f.region;
  if (f.addressing.empty() || f.addressing == "path") {
    b.path_style = true;
  } else if (f.addressing == "virtual") {
    b.path_style = false;
  } else {
    return Bad(source,
               "backend '" + name + "': addressing '" + f.addressing + "' is not path or virtual");
  }
  b.credentials = f.credentials;
  return b;
}

// --- YAML -------------------------------------------------------------------------------------

std::string Str(const YAML::Node& n, const char* key) {
  return n[key] && n[key].IsScalar() ? n[key].as<std::string>() : "";
}

Result<BackendCredentials> YamlCredentials(const YAML::Node& n, const std::string& where) {
  BackendCredentials c;
  if (!n) return c;
  if (!n.IsMap()) return Status::InvalidArgument(where + ": credentials must be a mapping");
  if (n["env"]) {
    c.source = BackendCredentials::Source::kEnvironment;
    c.env_prefix = Str(n, "env");
  } else if (n["profile"]) {
    c.source = BackendCredentials::Source::kProfile;
    c.profile = Str(n, "profile");
  } else {
    c.source = BackendCredentials::Source::kInline;
    c.access_key_id = Str(n, "access_key_id");
    c.secret_access_key = Str(n, "secret_access_key");
    if (c.access_key_id.empty() || c.secret_access_key.empty()) {
      return Status::InvalidArgument(where +
                                     ": credentials need access_key_id and "
                                     "secret_access_key, or env: PREFIX, or profile: NAME");
    }
  }
  return c;
}

Result<RouterConfig> ParseYamlNode(const YAML::Node& root, const std::string& source) {
  RouterConfig config;
  config.source = source;
  if (!root.IsMap()) return Bad(source, "expected a mapping with backends and routes");
  if (root["listen"]) config.listen = root["listen"].as<std::string>();
  if (const YAML::Node& creds = root["credentials"]) {
    if (!creds.IsSequence()) return Bad(source, "credentials must be a list");
    for (std::size_t i = 0; i < creds.size(); ++i) {
      ClientCredential c{Str(creds[i], "access_key_id"), Str(creds[i], "secret_access_key")};
      if (c.access_key_id.empty() || c.secret_access_key.empty()) {
        return Bad(source, "credentials[" + std::to_string(i) +
                               "] needs access_key_id and secret_access_key");
      }
      config.credentials.push_back(std::move(c));
    }
  }
  const YAML::Node& backends = root["backends"];
  if (!backends || !backends.IsMap()) {
    return Bad(source, "backends must be a mapping of name -> {kind, endpoint, ...}");
  }
  for (const auto& entry : backends) {
    std::string name = entry.first.as<std::string>();
    const YAML::Node& b = entry.second;
    if (!b.IsMap()) return Bad(source, "backend '" + name + "' must be a mapping");
    BackendFields f{Str(b, "kind"), Str(b, "endpoint"), Str(b, "region"), Str(b, "addressing"), {}};
    ASSIGN_OR_RETURN(f.credentials,
                     YamlCredentials(b["credentials"], source + ": backend '" + name + "'"));
    ASSIGN_OR_RETURN(Backend backend, MakeBackend(name, f, source));
    backend.scheme = backend.kind == BackendKind::kTarn ? "tarn" : "s3";
    config.backends.push_back(std::move(backend));
  }
  const YAML::Node& routes = root["routes"];
  if (!routes || !routes.IsSequence()) {
    return Bad(source,
               "routes must be a list of {bucket, prefix?, backend, target_bucket?, "
               "target_prefix?, read_only?}");
  }
  for (std::size_t i = 0; i < routes.size(); ++i) {
    const YAML::Node& r = routes[i];
    if (!r.IsMap()) return Bad(source, "route " + std::to_string(i + 1) + " must be a mapping");
    Route route;
    route.bucket = Str(r, "bucket");
    route.prefix = Str(r, "prefix");
    route.backend = Str(r, "backend");
    route.target_bucket = Str(r, "target_bucket");
    if (route.target_bucket.empty()) route.target_bucket = Str(r, "repository");
    route.target_prefix = Str(r, "target_prefix");
    route.read_only = r["read_only"] && r["read_only"].as<bool>();
    config.routes.push_back(std::move(route));
  }
  return config;
}

// --- RouterFS properties ----------------------------------------------------------------------

struct Uri {
  std::string scheme, bucket, path;
};

// "scheme://bucket/path" -> parts; bucket and path may be empty.
std::optional<Uri> SplitUri(std::string_view text) {
  std::size_t colon = text.find("://");
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  Uri u;
  u.scheme = std::string(text.substr(0, colon));
  std::string_view rest = text.substr(colon + 3);
  std::size_t slash = rest.find('/');
  u.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) u.path = std::string(rest.substr(slash + 1));
  return u;
}

}  // namespace

Result<RouterConfig> ParseYamlConfig(std::string_view text, const std::string& source) {
  try {
    return ParseYamlNode(YAML::Load(std::string(text)), source);
  } catch (const YAML::Exception& e) {
    return Bad(source, std::string("not valid YAML: ") + e.what());
  }
}

Result<RouterConfig> ParseRouterFsConfig(std::string_view text, const std::string& source) {
  std::map<std::string, std::string> props;
  std::istringstream in{std::string(text)};
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    auto trim = [](std::string s) {
      s.erase(0, s.find_first_not_of(" \t\r"));
      s.erase(s.find_last_not_of(" \t\r") + 1);
      return s;
    };
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == '!') continue;
    std::size_t eq = line.find_first_of("=:");
    if (eq == std::string::npos) {
      return Bad(source, "line " + std::to_string(n) + ": expected key=value");
    }
    props[trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
  }
  // routerfs.mapping.<scheme>.<idx>.replace|with, ordered by scheme then index.
  struct Mapping {
    std::string replace, with;
  };
  std::map<std::pair<std::string, long>, Mapping> mappings;
  constexpr std::string_view kPrefix = "routerfs.mapping.";
  for (const auto& [key, value] : props) {
    if (!key.starts_with(kPrefix)) continue;
    std::string_view rest = std::string_view(key).substr(kPrefix.size());
    std::size_t dot1 = rest.find('.');
    std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : rest.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos) {
      return Bad(source, "'" + key + "' is not routerfs.mapping.<scheme>.<index>.replace|with");
    }
    std::string scheme(rest.substr(0, dot1));
    std::string index(rest.substr(dot1 + 1, dot2 - dot1 - 1));
    std::string field(rest.substr(dot2 + 1));
    if (index.empty() || !std::all_of(index.begin(), index.end(), ::isdigit) ||
        (field != "replace" && field != "with")) {
      return Bad(source, "'" + key + "' is not routerfs.mapping.<scheme>.<index>.replace|with");
    }
    Mapping& m = mappings[{scheme, std::stol(index)}];
    (field == "replace" ? m.replace : m.with) = value;
  }
  if (mappings.empty()) return Bad(source, "no routerfs.mapping.<scheme>.<index> entries");

  RouterConfig config;
  config.source = source;
  std::map<std::string, bool> target_schemes;
  for (const auto& [id, m] : mappings) {
    std::string name = "routerfs.mapping." + id.first + "." + std::to_string(id.second);
    if (m.replace.empty() || m.with.empty()) {
      return Bad(source, name + " needs both .replace and .with");
    }
    std::optional<Uri> from = SplitUri(m.replace);
    std::optional<Uri> to = SplitUri(m.with);
    if (!from || from->scheme != id.first) {
      return Bad(source, name + ".replace '" + m.replace + "' must start with " + id.first + "://");
    }
    if (!to) return Bad(source, name + ".with '" + m.with + "' is not scheme://bucket/path");
    if (from->bucket.empty() && !from->path.empty()) {
      return Bad(source, name + ".replace '" + m.replace + "' has a path but no bucket");
    }
    Route r;
    r.bucket = from->bucket.empty() ? "*" : from->bucket;
    r.prefix = from->path;
    r.backend = to->scheme;
    r.target_bucket = to->bucket;
    r.target_prefix = to->path;
    config.routes.push_back(std::move(r));
    target_schemes.emplace(to->scheme, true);
  }
  for (const auto& [scheme, _] : target_schemes) {
    Backend b;
    b.name = scheme;
    b.scheme = scheme;
    b.kind = scheme == "lakefs" || scheme == "tarn" ? BackendKind::kTarn : BackendKind::kS3;
    auto get = [&](const std::string& k) {
      auto it = props.find("fs." + scheme + "." + k);
      return it == props.end() ? std::string() : it->second;
    };
    b.endpoint = get("endpoint");
    if (!b.endpoint.empty() && b.endpoint.find("://") == std::string::npos) {
      b.endpoint = "https://" + b.endpoint;  // Hadoop's s3a endpoints are often bare hosts
    }
    if (!get("endpoint.region").empty()) b.region = get("endpoint.region");
    std::string key = get("access.key"), secret = get("secret.key");
    if (!key.empty() || !secret.empty()) {
      if (key.empty() || secret.empty()) {
        return Bad(source, "fs." + scheme + ": set both access.key and secret.key");
      }
      b.credentials.source = BackendCredentials::Source::kInline;
      b.credentials.access_key_id = key;
      b.credentials.secret_access_key = secret;
    }
    config.backends.push_back(std::move(b));
  }
  return config;
}

Result<std::vector<Route>> RoutesFromBotwoRules(const nlohmann::json& rules,
                                                const std::string& source) {
  if (!rules.is_array() || rules.empty()) {
    return Bad(source, "the botwo mapping must be a non-empty list of rules");
  }
  std::vector<Route> routes;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const nlohmann::json& r = rules[i];
    std::string where = "mapping rule " + std::to_string(i + 1);
    if (!r.is_object()) return Bad(source, where + " is not an object");
    for (const auto& [k, _] : r.items()) {
      if (k != "bucket_name" && k != "client" && k != "mapped_bucket_name" && k != "key_prefix") {
        return Bad(source, where + " has an unknown field '" + k + "'");
      }
    }
    if (!r.contains("bucket_name") || !r["bucket_name"].is_string() || !r.contains("client") ||
        !r["client"].is_string()) {
      return Bad(source, where + " needs bucket_name and client");
    }
    Route route;
    route.bucket = r["bucket_name"].get<std::string>();
    route.backend = r["client"].get<std::string>();
    if (r.contains("mapped_bucket_name") && r["mapped_bucket_name"].is_string()) {
      route.target_bucket = r["mapped_bucket_name"].get<std::string>();
    }
    if (r.contains("key_prefix") && r["key_prefix"].is_string()) {
      route.target_prefix = r["key_prefix"].get<std::string>();
    }
    routes.push_back(std::move(route));
  }
  return routes;
}

Result<RouterConfig> ParseBotwoConfig(std::string_view text, const std::string& source) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Bad(source, "not valid JSON");
  if (j.is_array()) {
    return Bad(source,
               "a botwo mapping list names clients but not where they are: write "
               "{\"backends\": {\"<client>\": {\"endpoint\": ...}}, \"mapping\": [...]}");
  }
  if (!j.is_object() || !j.contains("mapping") || !j.contains("backends") ||
      !j["backends"].is_object()) {
    return Bad(source, "expected {\"backends\": {...}, \"mapping\": [botwo rules]}");
  }
  RouterConfig config;
  config.source = source;
  if (j.contains("listen") && j["listen"].is_string()) config.listen = j["listen"];
  for (const auto& [name, b] : j["backends"].items()) {
    if (!b.is_object()) return Bad(source, "backend '" + name + "' must be an object");
    BackendFields f{b.value("kind", ""),
                    b.value("endpoint", ""),
                    b.value("region", ""),
                    b.value("addressing", ""),
                    {}};
    if (b.contains("credentials") && b["credentials"].is_object()) {
      const nlohmann::json& c = b["credentials"];
      if (c.contains("env")) {
        f.credentials.source = BackendCredentials::Source::kEnvironment;
        f.credentials.env_prefix = c.value("env", "");
      } else if (c.contains("profile")) {
        f.credentials.source = BackendCredentials::Source::kProfile;
        f.credentials.profile = c.value("profile", "");
      } else {
        f.credentials.source = BackendCredentials::Source::kInline;
        f.credentials.access_key_id = c.value("access_key_id", "");
        f.credentials.secret_access_key = c.value("secret_access_key", "");
      }
    }
    ASSIGN_OR_RETURN(Backend backend, MakeBackend(name, f, source));
    backend.scheme = backend.kind == BackendKind::kTarn ? "tarn" : "s3";
    config.backends.push_back(std::move(backend));
  }
  ASSIGN_OR_RETURN(config.routes, RoutesFromBotwoRules(j["mapping"], source));
  return config;
}

Result<RouterConfig> LoadRouterConfig(const std::string& path) {
  auto ends = [&](std::string_view ext) { return std::string_view(path).ends_with(ext); };
  using Parser = Result<RouterConfig> (*)(std::string_view, const std::string&);
  Parser parse = nullptr;
  if (ends(".yaml") || ends(".yml")) {
    parse = ParseYamlConfig;
  } else if (ends(".properties")) {
    parse = ParseRouterFsConfig;
  } else if (ends(".json")) {
    parse = ParseBotwoConfig;
  } else {
    return Status::InvalidArgument(path +
                                   ": unknown format; name the file .yaml (native), "
                                   ".properties (RouterFS mappings) or .json (botwo)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read router configuration " + path);
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

}  // namespace tarn::router
