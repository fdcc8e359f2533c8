// The checks of `tarn doctor`, apart from the command so tests can drive them with a fake clock:
// the endpoint answers (GET /healthcheck), the credentials authenticate (GET /user), and the
// local clock agrees with the server's Date header (skipped, not failed, when the server sends
// none).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "cli/client.h"
#include "common/clock.h"

namespace tarn::cli {

struct DoctorCheck {
  std::string name;  // "endpoint", "credentials", "clock"
  bool ok = false;
  std::string detail;  // what was found, or what is wrong and what to do
};

// A skew above this fails the clock check (signed S3 requests are refused beyond 15 minutes).
inline constexpr std::chrono::seconds kMaxClockSkew{5 * 60};

// Runs every check, in order; later checks still run when earlier ones fail (except that the
// credentials and clock checks need an answering endpoint).
std::vector<DoctorCheck> RunDoctor(RestClient& client, const Clock& clock,
                                   const std::string& endpoint);

}  // namespace tarn::cli
