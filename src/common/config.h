// Layered configuration: defaults < YAML file < TARN_* environment < command-line flags.
//
// A ConfigSchema lists every key a component understands, with its type, default and help.
// Config::Load merges the sources, rejects unknown keys in the file and any value that does not
// parse as its key's type, naming the key and where the value came from. Unknown TARN_*
// variables are ignored (the CLI has variables of its own).
//
// Key `a.b_c` is read from the environment variable `TARN_A_B_C` and from the flag map under
// its own name. Only composition roots read files and the environment; they pass them in here.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tarn/result.h"

namespace tarn {

enum class ConfigType { kString, kBool, kInt, kDuration, kEnum };

struct ConfigKey {
  std::string name;           // dotted, e.g. "kv.rocksdb.sync"
  ConfigType type = ConfigType::kString;
  std::string default_value;  // as it would be written in YAML; may be empty
  std::string help;
  std::vector<std::string> choices;  // kEnum only
};

class ConfigSchema {
 public:
  ConfigSchema& Add(ConfigKey key);
  const ConfigKey* Find(std::string_view name) const;
  const std::vector<ConfigKey>& keys() const { return keys_; }

 private:
  std::vector<ConfigKey> keys_;
};

// "kv.rocksdb.sync" -> "TARN_KV_ROCKSDB_SYNC".
std::string ConfigEnvName(std::string_view key);

// Parses "10s", "500ms", "2m", "1h", "1h30m" (Go-style durations) or a bare number of seconds.
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);

struct ConfigSources {
  std::optional<std::string> file_path;            // YAML file to read, if any
  std::map<std::string, std::string> environment;  // the process environment
  std::map<std::string, std::string> flags;        // key name -> value given on the command line
};

class Config {
 public:
  // Errors: InvalidArgument naming the key and source for an unknown file key or a bad value;
  // NotFound / IOError when the file cannot be read; InvalidArgument for malformed YAML with
  // its line and column.
  static Result<Config> Load(const ConfigSchema& schema, const ConfigSources& sources);

  // REQUIRES: `key` is in the schema with the matching type (checked by Load).
  std::string GetString(std::string_view key) const;
  bool GetBool(std::string_view key) const;
  int64_t GetInt(std::string_view key) const;
  std::chrono::milliseconds GetDuration(std::string_view key) const;
  // Where the effective value came from: "default", "file", "env TARN_X" or "flag".
  std::string Source(std::string_view key) const;

 private:
  struct Value {
    std::string text;
    std::string source;
  };
  const Value& Lookup(std::string_view key) const;
  std::map<std::string, Value, std::less<>> values_;
};

}  // namespace tarn
