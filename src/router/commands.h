// `tarn router`: `check FILE` validates a router configuration and prints its route table;
// `resolve FILE URI` prints where one address goes. Exit codes: 0 ok, 1 invalid configuration
// or unreadable file, 2 bad usage. (`serve`, the proxy, is not built yet.)
#pragma once

#include <CLI/App.hpp>

namespace tarn::router {

void AddRouterCommands(CLI::App& app, int& exit_code);

}  // namespace tarn::router
