#include "server/config_loading.h"

extern char** environ;

namespace tarn::server {
namespace {

bool IsLoopbackHost(std::string_view address) {
  auto colon = address.rfind(':');
  std::string_view host = address.substr(0, colon);
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]" || host == "::1" ||
         host.substr(0, 4) == "127.";
}

}  // namespace

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return env;
}

Result<ServerOptions> LoadServerOptions(const ConfigFlags& flags,
                                        const std::map<std::string, std::string>& environment) {
  ConfigSources sources;
  sources.environment = environment;
  if (flags.config_file) {
    sources.file_path = *flags.config_file;
  } else if (auto it = environment.find("TARN_CONFIG"); it != environment.end()) {
    sources.file_path = it->second;
  }
  if (flags.data_dir) sources.flags["data_dir"] = *flags.data_dir;
  if (flags.listen_address) sources.flags["listen_address"] = *flags.listen_address;
  if (flags.log_level) sources.flags["log.level"] = *flags.log_level;
  if (flags.log_format) sources.flags["log.format"] = *flags.log_format;
  if (flags.quickstart) sources.flags["kv.type"] = "rocksdb";
  ASSIGN_OR_RETURN(Config config, Config::Load(ServerConfigSchema(), sources));
  ASSIGN_OR_RETURN(ServerOptions options, ServerOptionsFromConfig(config));
  options.quickstart = flags.quickstart;
  if (flags.quickstart && !IsLoopbackHost(options.listen_address)) {
    return Status::InvalidArgument(
        "--quickstart serves well-known credentials and binds loopback only, but the listen "
        "address is " + options.listen_address + " (from " + config.Source("listen_address") +
        "); drop --quickstart and use a configuration file to listen on other interfaces");
  }
  return options;
}

}  // namespace tarn::server
