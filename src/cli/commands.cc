#include "cli/commands.h"

#include <memory>

#include "cli/commands_internal.h"

namespace tarn::cli {

void AddClientCommands(CLI::App& app, int& exit_code) {
  // One set of connection flags: only one command runs per invocation.
  auto flags = std::make_shared<GlobalFlags>();
  AddRepoCommands(app, exit_code, flags);
  AddBranchCommands(app, exit_code, flags);
  AddTagCommands(app, exit_code, flags);
  AddHistoryCommands(app, exit_code, flags);
  AddFsCommands(app, exit_code, flags);
  AddAuthCommands(app, exit_code, flags);
  AddConfigCommand(app, exit_code, flags);
  AddDoctorCommand(app, exit_code, flags);
}

}  // namespace tarn::cli
