#include "common/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace tarn {
namespace {

std::optional<bool> ParseBool(std::string_view text) {
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "true" || lower == "yes" || lower == "on" || lower == "1") return true;
  if (lower == "false" || lower == "no" || lower == "off" || lower == "0") return false;
  return std::nullopt;
}

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

Status Validate(const ConfigKey& key, std::string_view text, std::string_view source) {
  auto bad = [&](std::string_view expected) {
    return Status::InvalidArgument("configuration key '" + key.name + "' (from " +
                                   std::string(source) + "): '" + std::string(text) +
                                   "' is not " + std::string(expected));
  };
  switch (key.type) {
    case ConfigType::kString:
      return Status::OK();
    case ConfigType::kBool:
      return ParseBool(text) ? Status::OK() : bad("a boolean (true or false)");
    case ConfigType::kInt:
      return ParseInt(text) ? Status::OK() : bad("an integer");
    case ConfigType::kDuration:
      return ParseDuration(text) ? Status::OK() : bad("a duration such as 10s, 500ms or 2m");
    case ConfigType::kEnum: {
      if (std::find(key.choices.begin(), key.choices.end(), text) != key.choices.end()) {
        return Status::OK();
      }
      std::string expected = "one of";
      for (const auto& c : key.choices) expected += " " + c;
      return bad(expected);
    }
  }
  return Status::OK();
}

// Flattens a YAML mapping into dotted keys; scalars become values.
Status Flatten(const YAML::Node& node, const std::string& prefix, const ConfigSchema& schema,
               const std::string& path, std::map<std::string, std::string>& out) {
  for (const auto& entry : node) {
    std::string name = entry.first.as<std::string>();
    std::string full = prefix.empty() ? name : prefix + "." + name;
    const YAML::Node& value = entry.second;
    if (value.IsMap()) {
      RETURN_IF_ERROR(Flatten(value, full, schema, path, out));
      continue;
    }
    if (schema.Find(full) == nullptr) {
      auto mark = entry.first.Mark();
      return Status::InvalidArgument(
          "unknown configuration key '" + full + "' in " + path + " (line " +
          std::to_string(mark.line + 1) + "); see docs/configuration.md for the valid keys");
    }
    if (value.IsNull()) {
      out[full] = "";
    } else if (value.IsScalar()) {
      out[full] = value.Scalar();
    } else {
      return Status::InvalidArgument("configuration key '" + full + "' in " + path +
                                     " must be a single value, not a list");
    }
  }
  return Status::OK();
}

}  // namespace

ConfigSchema& ConfigSchema::Add(ConfigKey key) {
  keys_.push_back(std::move(key));
  return *this;
}

const ConfigKey* ConfigSchema::Find(std::string_view name) const {
  for (const auto& k : keys_) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

std::string ConfigEnvName(std::string_view key) {
  std::string out = "TARN_";
  for (char c : key) {
    out += (c == '.') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  // About 285,000 years: far beyond any sensible setting, and safely inside int64 microseconds.
  constexpr double kMaxMilliseconds = 9e15;
  if (text.empty()) return std::nullopt;
  if (auto bare = ParseInt(text)) {
    if (*bare < 0 || *bare > static_cast<int64_t>(kMaxMilliseconds / 1000)) return std::nullopt;
    return std::chrono::seconds(*bare);
  }
  double total_us = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
      ++i;
    if (start == i) return std::nullopt;
    double number = 0;
    auto [end, ec] = std::from_chars(text.data() + start, text.data() + i, number);
    if (ec != std::errc() || end != text.data() + i) return std::nullopt;  // e.g. "1..5"
    std::size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    double scale_us = 0;
    if (unit == "ms") scale_us = 1e3;
    else if (unit == "s") scale_us = 1e6;
    else if (unit == "m") scale_us = 60e6;
    else if (unit == "h") scale_us = 3600e6;
    else return std::nullopt;
    total_us += number * scale_us;
    if (!(total_us <= kMaxMilliseconds * 1000)) return std::nullopt;
  }
  // Round to whole microseconds before truncating to milliseconds, so that a decimal fraction
  // with no exact binary form ("1.001s") does not come out a millisecond short.
  return std::chrono::milliseconds(std::llround(total_us) / 1000);
}

Result<Config> Config::Load(const ConfigSchema& schema, const ConfigSources& sources) {
  Config config;
  for (const auto& key : schema.keys()) {
    config.values_[key.name] = Value{key.default_value, "default"};
  }
  if (sources.file_path) {
    const std::string& path = *sources.file_path;
    std::ifstream in(path);
    if (!in) {
      return Status::NotFound("cannot read configuration file '" + path +
                              "': it does not exist or is not readable");
    }
    YAML::Node root;
    try {
      root = YAML::Load(in);
    } catch (const YAML::Exception& e) {
      return Status::InvalidArgument("configuration file '" + path + "' is not valid YAML (line " +
                                     std::to_string(e.mark.line + 1) + ", column " +
                                     std::to_string(e.mark.column + 1) + "): " + e.msg);
    }
    if (root && !root.IsNull()) {
      if (!root.IsMap()) {
        return Status::InvalidArgument("configuration file '" + path +
                                       "' must be a YAML mapping of keys to values");
      }
      std::map<std::string, std::string> flat;
      try {
        RETURN_IF_ERROR(Flatten(root, "", schema, path, flat));
      } catch (const YAML::Exception& e) {
        return Status::InvalidArgument("configuration file '" + path + "': " + e.what());
      }
      for (auto& [k, v] : flat) config.values_[k] = Value{v, "file " + path};
    }
  }
  for (const auto& key : schema.keys()) {
    auto env = sources.environment.find(ConfigEnvName(key.name));
    if (env != sources.environment.end()) {
      config.values_[key.name] = Value{env->second, "env " + env->first};
    }
  }
  for (const auto& [name, value] : sources.flags) {
    if (schema.Find(name) == nullptr) {
      return Status::Internal("flag mapped to unknown configuration key '" + name + "'");
    }
    config.values_[name] = Value{value, "flag"};
  }
  for (const auto& key : schema.keys()) {
    const Value& v = config.values_[key.name];
    if (v.text.empty() && key.type != ConfigType::kString) {
      if (key.default_value.empty()) continue;
    }
    RETURN_IF_ERROR(Validate(key, v.text, v.source));
  }
  return config;
}

const Config::Value& Config::Lookup(std::string_view key) const {
  auto it = values_.find(key);
  if (it == values_.end()) {
    std::fprintf(stderr, "tarn: internal error: configuration key '%.*s' is not in the schema\n",
                 static_cast<int>(key.size()), key.data());
    std::abort();
  }
  return it->second;
}

std::string Config::GetString(std::string_view key) const { return Lookup(key).text; }

bool Config::GetBool(std::string_view key) const {
  return ParseBool(Lookup(key).text).value_or(false);
}

int64_t Config::GetInt(std::string_view key) const {
  return ParseInt(Lookup(key).text).value_or(0);
}

std::chrono::milliseconds Config::GetDuration(std::string_view key) const {
  return ParseDuration(Lookup(key).text).value_or(std::chrono::milliseconds(0));
}

std::string Config::Source(std::string_view key) const { return Lookup(key).source; }

}  // namespace tarn
