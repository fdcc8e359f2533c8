#include "cli/command_support.h"

#include <CLI/CLI.hpp>
#include <iostream>

namespace tarn::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
      return kExitUsage;
    case StatusCode::kNotFound:
      return kExitNotFound;
    default:
      return kExitFailure;
  }
}

const char* ExitCodesFooter() {
  return "Addresses: tarn://<repository>/<ref>/<path> (lakefs:// accepted).\n"
         "Configuration: ~/.tarn.yaml (or --config) < TARN_ENDPOINT, TARN_ACCESS_KEY_ID,\n"
         "TARN_SECRET_ACCESS_KEY < flags. Exit codes: 0 ok, 1 failure, 2 bad usage or request\n"
         "(HTTP 400), 3 not found (HTTP 404); see docs/cli.md.";
}

CLI::App* AddTopCommand(CLI::App& app, const std::string& name, const std::string& description,
                        GlobalFlags& flags) {
  CLI::App* cmd = app.add_subcommand(name, description);
  cmd->fallthrough();
  cmd->footer(ExitCodesFooter());
  cmd->add_option("--config", flags.config.config_file,
                  "Client configuration file (default ~/.tarn.yaml)");
  cmd->add_option("--endpoint", flags.config.endpoint_url,
                  "Server URL, e.g. http://127.0.0.1:8000 (env TARN_ENDPOINT)");
  cmd->add_option("--access-key-id", flags.config.access_key_id,
                  "Access key id (env TARN_ACCESS_KEY_ID)");
  cmd->add_option("--secret-access-key", flags.config.secret_access_key,
                  "Secret access key (env TARN_SECRET_ACCESS_KEY)");
  cmd->add_flag("--json", flags.json, "Print listings and objects as JSON");
  return cmd;
}

void OnRun(CLI::App* cmd, std::shared_ptr<GlobalFlags> flags, int& exit_code,
           std::function<Status(Session&)> body) {
  cmd->callback([cmd, flags, &exit_code, body = std::move(body)] {
    auto run = [&]() -> Status {
      Session session;
      session.json = flags->json;
      ASSIGN_OR_RETURN(session.config, ResolveConfig(flags->config, ProcessEnv()));
      ASSIGN_OR_RETURN(session.client, RestClient::Create(session.config));
      return body(session);
    };
    Status status = run();
    std::cout.flush();
    if (!status.ok()) {
      std::cerr << "error: " << status.message() << "\n";
    }
    exit_code = ExitCodeFor(status);
    (void)cmd;
  });
}

Result<std::map<std::string, std::string>> ParseKeyValues(const std::vector<std::string>& items) {
  std::map<std::string, std::string> out;
  for (const std::string& item : items) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::InvalidArgument("'" + item + "' is not key=value");
    }
    out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

void Print(const std::string& text) { std::cout << text; }

}  // namespace tarn::cli
