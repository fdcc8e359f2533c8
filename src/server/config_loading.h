// Loading the server configuration from the command line, the environment and a file: shared by
// `tarn serve` and the `tarn kv` admin commands so they find the store the same way.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "server/options.h"

namespace tarn::server {

// Values given on the command line; unset ones fall through to env, file and defaults.
struct ConfigFlags {
  std::optional<std::string> config_file;
  std::optional<std::string> data_dir;
  std::optional<std::string> listen_address;
  std::optional<std::string> log_level;
  std::optional<std::string> log_format;
  bool quickstart = false;
};

// The process environment as a map (read by composition roots only).
std::map<std::string, std::string> ProcessEnvironment();

// Merges flags > TARN_* environment > file (flag, else TARN_CONFIG) > defaults and types it.
// --quickstart forces the embedded defaults (rocksdb + local storage under the data dir) and
// refuses a non-loopback listen address.
Result<ServerOptions> LoadServerOptions(const ConfigFlags& flags,
                                        const std::map<std::string, std::string>& environment);

}  // namespace tarn::server
