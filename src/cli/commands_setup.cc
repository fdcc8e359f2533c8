// tarn config (write ~/.tarn.yaml interactively) and tarn doctor.
#include <iostream>

#include "cli/command_support.h"
#include "cli/commands_internal.h"
#include "cli/doctor.h"
#include "cli/output.h"

namespace tarn::cli {
namespace {

// Prompts on stdout and reads one line from stdin; `current` is kept on an empty answer.
std::string Ask(const std::string& question, const std::string& current, bool secret) {
  std::cout << question;
  if (!current.empty()) std::cout << " [" << (secret ? std::string("****") : current) << "]";
  std::cout << ": " << std::flush;
  std::string line;
  if (!std::getline(std::cin, line)) return current;
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line.empty() ? current : line;
}

}  // namespace

void AddConfigCommand(CLI::App& app, int& exit_code, std::shared_ptr<GlobalFlags> flags) {
  CLI::App* cmd = AddTopCommand(
      app, "config",
      "Write the client configuration file (~/.tarn.yaml or --config), asking for the access\n"
      "key id, secret and endpoint on stdin (answers may be piped; empty keeps the current)",
      *flags);
  cmd->callback([flags, &exit_code] {
    Status status = [&]() -> Status {
      const EnvLookup env = ProcessEnv();
      std::string path = flags->config.config_file;
      if (path.empty()) path = DefaultConfigPath(env);
      if (path.empty()) return Status::InvalidArgument("HOME is not set: pass --config FILE");
      ClientConfig current;
      RETURN_IF_ERROR(LoadConfigFile(path, false, current));
      ClientConfig next;
      next.access_key_id = Ask("Access key ID", current.access_key_id, false);
      next.secret_access_key = Ask("Secret access key", current.secret_access_key, true);
      next.endpoint_url =
          Ask("Server endpoint URL (e.g. http://127.0.0.1:8000)", current.endpoint_url, false);
      if (next.endpoint_url.empty()) {
        return Status::InvalidArgument("an endpoint URL is required, e.g. http://127.0.0.1:8000");
      }
      RETURN_IF_ERROR(WriteConfigFile(path, next));
      std::cout << "\nWrote " << path << "\n";
      return Status::OK();
    }();
    if (!status.ok()) std::cerr << "error: " << status.message() << "\n";
    exit_code = ExitCodeFor(status);
  });
}

void AddDoctorCommand(CLI::App& app, int& exit_code, std::shared_ptr<GlobalFlags> flags) {
  CLI::App* cmd = AddTopCommand(
      app, "doctor",
      "Check the configuration: the endpoint answers, the credentials authenticate, and the\n"
      "local clock agrees with the server's",
      *flags);
  OnRun(cmd, flags, exit_code, [](Session& s) -> Status {
    SystemClock clock;
    std::vector<DoctorCheck> checks = RunDoctor(*s.client, clock, s.config.endpoint_url);
    bool ok = checks.size() == 3;
    std::string out;
    for (const auto& c : checks) {
      out += std::string(c.ok ? "ok    " : "FAIL  ") + c.name + ": " + c.detail + "\n";
      ok = ok && c.ok;
    }
    Print(out);
    if (!ok) return Status::Unavailable("some checks failed; see above");
    return Status::OK();
  });
}

}  // namespace tarn::cli
