// `tarn serve`: the server's composition root. Builds everything from the parsed options,
// serves until SIGINT/SIGTERM, then shuts down gracefully.
#pragma once

#include "server/config_loading.h"

namespace tarn::server {

// Returns the process exit code: 0 after a clean shutdown, 1 when startup failed (the reason is
// printed to stderr).
int RunServe(const ConfigFlags& flags);

}  // namespace tarn::server
