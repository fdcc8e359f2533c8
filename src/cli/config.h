// Where the CLI finds its server and credentials. Layers, later wins: the YAML file
// (~/.tarn.yaml or --config; keys server.endpoint_url, credentials.access_key_id,
// credentials.secret_access_key, as lakectl's), the environment (TARN_ENDPOINT,
// TARN_ACCESS_KEY_ID, TARN_SECRET_ACCESS_KEY), then flags.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "tarn/result.h"

namespace tarn::cli {

struct ClientConfig {
  std::string endpoint_url;  // e.g. http://127.0.0.1:8000 (a trailing /api/v1 is accepted)
  std::string access_key_id;
  std::string secret_access_key;
};

// Values given on the command line; empty = not given.
struct ConfigFlags {
  std::string config_file;  // empty: ~/.tarn.yaml (absent is fine)
  std::string endpoint_url;
  std::string access_key_id;
  std::string secret_access_key;
};

// Reads an environment variable; nullopt when unset. Injected so tests need no real env.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup ProcessEnv();

// The default config file: $HOME/.tarn.yaml ("" when HOME is unset).
std::string DefaultConfigPath(const EnvLookup& env);

// Merges file < env < flags. A missing default file is not an error; a missing --config file
// is. Errors: IOError / InvalidArgument naming the file when it cannot be read or parsed;
// InvalidArgument when no endpoint results (the message says how to set one).
Result<ClientConfig> ResolveConfig(const ConfigFlags& flags, const EnvLookup& env);

// The base URL of the REST API: endpoint without trailing '/' plus "/api/v1" (unless present).
std::string ApiBase(const ClientConfig& config);

// Reads the file's values into `config` (keys absent from the file are left as they are).
// A missing file is fine unless `must_exist`. Errors: IOError / InvalidArgument naming the file.
Status LoadConfigFile(const std::string& path, bool must_exist, ClientConfig& config);

// Writes `config` as YAML to `path` (mode 0600: it holds a secret). Errors: IOError.
Status WriteConfigFile(const std::string& path, const ClientConfig& config);

}  // namespace tarn::cli
