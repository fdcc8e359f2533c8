#include "cli/config.h"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace tarn::cli {
namespace {

void Overlay(std::string& target, const std::string& value) {
  if (!value.empty()) target = value;
}

}  // namespace

Status LoadConfigFile(const std::string& path, bool must_exist, ClientConfig& config) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (!must_exist) return Status::OK();
    return Status::IOError("config file " + path +
                           " does not exist: create it with 'tarn config' or fix --config");
  }
  try {
    YAML::Node root = YAML::LoadFile(path);
    if (!root || root.IsNull()) return Status::OK();
    if (!root.IsMap()) {
      return Status::InvalidArgument("config file " + path + " must be a YAML mapping");
    }
    if (auto server = root["server"]; server && server["endpoint_url"]) {
      config.endpoint_url = server["endpoint_url"].as<std::string>();
    }
    if (auto creds = root["credentials"]; creds) {
      if (creds["access_key_id"]) config.access_key_id = creds["access_key_id"].as<std::string>();
      if (creds["secret_access_key"]) {
        config.secret_access_key = creds["secret_access_key"].as<std::string>();
      }
    }
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("config file " + path + " is not valid YAML: " + e.what());
  }
  return Status::OK();
}

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::string DefaultConfigPath(const EnvLookup& env) {
  std::optional<std::string> home = env("HOME");
  if (!home || home->empty()) return "";
  return *home + "/.tarn.yaml";
}

Result<ClientConfig> ResolveConfig(const ConfigFlags& flags, const EnvLookup& env) {
  ClientConfig config;
  if (!flags.config_file.empty()) {
    RETURN_IF_ERROR(LoadConfigFile(flags.config_file, true, config));
  } else if (std::string path = DefaultConfigPath(env); !path.empty()) {
    RETURN_IF_ERROR(LoadConfigFile(path, false, config));
  }
  auto from_env = [&](const char* name, std::string& target) {
    if (auto value = env(name); value && !value->empty()) target = *value;
  };
  from_env("TARN_ENDPOINT", config.endpoint_url);
  from_env("TARN_ACCESS_KEY_ID", config.access_key_id);
  from_env("TARN_SECRET_ACCESS_KEY", config.secret_access_key);
  Overlay(config.endpoint_url, flags.endpoint_url);
  Overlay(config.access_key_id, flags.access_key_id);
  Overlay(config.secret_access_key, flags.secret_access_key);
  if (config.endpoint_url.empty()) {
    return Status::InvalidArgument(
        "no server endpoint configured: run 'tarn config', set TARN_ENDPOINT or pass "
        "--endpoint http://host:port");
  }
  return config;
}

std::string ApiBase(const ClientConfig& config) {
  std::string base = config.endpoint_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (!base.ends_with("/api/v1")) base += "/api/v1";
  return base;
}

Status WriteConfigFile(const std::string& path, const ClientConfig& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "credentials" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "access_key_id" << YAML::Value << config.access_key_id;
  out << YAML::Key << "secret_access_key" << YAML::Value << config.secret_access_key;
  out << YAML::EndMap;
  out << YAML::Key << "server" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "endpoint_url" << YAML::Value << config.endpoint_url;
  out << YAML::EndMap << YAML::EndMap;
  std::string tmp = path + ".tmp";
  {
    std::ofstream file(tmp, std::ios::trunc);
    if (!file) return Status::IOError("cannot write " + tmp + ": check the directory exists");
    ::chmod(tmp.c_str(), 0600);
    file << out.c_str() << "\n";
    if (!file.flush()) return Status::IOError("writing " + tmp + " failed");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::IOError("cannot replace " + path + ": " + ec.message());
  return Status::OK();
}

}  // namespace tarn::cli
