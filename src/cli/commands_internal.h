// The command groups, registered by AddClientCommands (commands.cc).
#pragma once

#include <CLI/App.hpp>
#include <memory>

#include "cli/command_support.h"

namespace tarn::cli {

void AddRepoCommands(CLI::App& app, int& exit_code, std::shared_ptr<GlobalFlags> flags);
void AddBranchCommands(CLI::App& app, int& exit_code, std::shared_ptr<GlobalFlags> flags);
void AddTagCommands(CLI::App& app, int& exit_code, std::shared_ptr<GlobalFlags> flags);
void AddHistoryCommands(CLI::App& app, int& exit_code, std::shared_ptr<GlobalFlags> flags);
void AddFsCommands(CLI::App& app, int& exit_code, std::shared_ptr<GlobalFlags> flags);
void AddAuthCommands(CLI::App& app, int& exit_code, std::shared_ptr<GlobalFlags> flags);
void AddConfigCommand(CLI::App& app, int& exit_code, std::shared_ptr<GlobalFlags> flags);
void AddDoctorCommand(CLI::App& app, int& exit_code, std::shared_ptr<GlobalFlags> flags);

}  // namespace tarn::cli
