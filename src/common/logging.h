// Logging: spdlog loggers built from options and passed to whoever logs (no global logger).
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string>

#include "tarn/result.h"

namespace tarn {

enum class LogFormat { kText, kJson };

struct LogOptions {
  std::string level = "info";  // trace, debug, info, warn, error, off
  LogFormat format = LogFormat::kText;
};

// Builds a logger that writes to stderr: human-readable lines, or one JSON object per line with
// "time", "level", "logger" and "msg" fields.
// Errors: InvalidArgument for an unknown level.
Result<std::shared_ptr<spdlog::logger>> MakeLogger(const std::string& name,
                                                   const LogOptions& options);

// A logger that discards everything, for tests and tools that must stay quiet.
std::shared_ptr<spdlog::logger> NullLogger();

}  // namespace tarn
