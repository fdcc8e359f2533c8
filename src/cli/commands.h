// Registers the client commands of the tarn executable (repo, branch, tag, commit, log, diff,
// merge, cherry-pick, fs, auth, config, doctor): lakectl's shape under tarn's name, talking to
// a server's REST API (/api/v1) with HTTP Basic auth. Each command sets `exit_code`:
// 0 success; 1 failure (the server refused, the network failed, a local file failed);
// 2 bad usage (a malformed address or argument, or the server answered 400);
// 3 not found (the server answered 404). Command-line syntax errors found by the parser exit
// with 2 as well (main.cc).
#pragma once

#include <CLI/App.hpp>

namespace tarn::cli {

void AddClientCommands(CLI::App& app, int& exit_code);

}  // namespace tarn::cli
