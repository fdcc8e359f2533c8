// Registers the server-side subcommands (`serve`, `kv ...`) on the tarn command line. Each
// command's callback is its composition root and sets `exit_code`.
#pragma once

#include <CLI/App.hpp>

namespace tarn::server {

struct ConfigFlags;

void AddServeCommand(CLI::App& app, int& exit_code);
void AddKvCommands(CLI::App& app, int& exit_code);
void AddSetupCommand(CLI::App& app, int& exit_code);

// --config and --data-dir, shared by every command that opens the configured store.
void AddConfigFlags(CLI::App& cmd, ConfigFlags& flags);

}  // namespace tarn::server
