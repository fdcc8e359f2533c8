// Shared plumbing of the client commands: the connection flags every command takes, running a
// command body with a resolved configuration and REST client, and mapping its Status to the
// documented exit code and an error line on stderr.
#pragma once

#include <CLI/App.hpp>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/client.h"
#include "cli/config.h"
#include "tarn/result.h"

namespace tarn::cli {

struct GlobalFlags {
  ConfigFlags config;
  bool json = false;
};

struct Session {
  ClientConfig config;
  std::unique_ptr<RestClient> client;
  bool json = false;
};

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNotFound = 3;

// The exit code for a command's outcome (see commands.h).
int ExitCodeFor(const Status& status);

// The footer every client command shows under --help.
const char* ExitCodesFooter();

// Adds a top-level client command with the connection flags (--config, --endpoint,
// --access-key-id, --secret-access-key, --json); its subcommands accept them too.
CLI::App* AddTopCommand(CLI::App& app, const std::string& name, const std::string& description,
                        GlobalFlags& flags);

// Makes `body` the callback of `cmd`: resolves the configuration, creates the client, runs the
// body, prints "error: <message>" on failure and stores the exit code.
void OnRun(CLI::App* cmd, std::shared_ptr<GlobalFlags> flags, int& exit_code,
           std::function<Status(Session&)> body);

// Parses repeated "key=value" strings. Errors: InvalidArgument naming the bad item.
Result<std::map<std::string, std::string>> ParseKeyValues(const std::vector<std::string>& items);

// Writes text to stdout.
void Print(const std::string& text);

}  // namespace tarn::cli
