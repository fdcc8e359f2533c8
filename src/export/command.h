// `tarn export`: the command-line front of the export engine. A client of a running tarn
// server, configured like the other client commands. Exit codes: 0 success; 1 the export
// failed (a FAILURE marker names what) or could not start; 2 bad usage; 3 the repository,
// branch or commit does not exist.
#pragma once

#include <CLI/App.hpp>

namespace tarn::exporter {

void AddExportCommand(CLI::App& app, int& exit_code);

}  // namespace tarn::exporter
