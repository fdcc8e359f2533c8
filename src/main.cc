// The single tarn executable: dispatches to the subcommands.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "export/command.h"
#include "router/commands.h"
#include "server/commands.h"

int main(int argc, char** argv) {
  CLI::App app(
      "tarn: git for object storage. Repositories of objects with branches, commits, tags, "
      "diffs and merges, behind an S3-compatible gateway and a lakeFS-compatible REST API.",
      "tarn");
  app.set_version_flag("--version", std::string("tarn ") + TARN_VERSION);
  app.require_subcommand(1);
  app.footer("Run 'tarn <command> --help' for the options of a command.");
  int exit_code = 0;
  tarn::server::AddServeCommand(app, exit_code);
  tarn::server::AddSetupCommand(app, exit_code);
  tarn::server::AddKvCommands(app, exit_code);
  tarn::cli::AddClientCommands(app, exit_code);
  tarn::exporter::AddExportCommand(app, exit_code);
  tarn::router::AddRouterCommands(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end parsing successfully; anything else is bad usage (exit 2).
    int printed = app.exit(e);
    return printed == 0 ? 0 : 2;
  }
  return exit_code;
}
