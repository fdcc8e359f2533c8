#include "cli/doctor.h"

#include <cstdlib>

#include "s3/time_format.h"

namespace tarn::cli {

std::vector<DoctorCheck> RunDoctor(RestClient& client, const Clock& clock,
                                   const std::string& endpoint) {
  std::vector<DoctorCheck> checks;
  Result<s3::HttpResponse> health = client.Raw("GET", "/healthcheck");
  if (!health.ok()) {
    checks.push_back({"endpoint", false,
                      std::string(health.status().message()) +
                          ": check the URL and that the server runs (tarn serve)"});
    return checks;
  }
  if (health->status >= 300) {
    checks.push_back({"endpoint", false,
                      endpoint + " answered GET /api/v1/healthcheck with HTTP " +
                          std::to_string(health->status) + ": is it a tarn server?"});
    return checks;
  }
  checks.push_back({"endpoint", true, endpoint + " answers"});

  Result<s3::HttpResponse> user = client.Raw("GET", "/user");
  if (!user.ok()) {
    checks.push_back({"credentials", false, std::string(user.status().message())});
  } else if (user->status != 200) {
    Status error = ErrorFromResponse(user->status, user->body);
    checks.push_back(
        {"credentials", false,
         std::string(error.message()) + ": check the access key id and secret (tarn config)"});
  } else {
    nlohmann::json body = nlohmann::json::parse(user->body, nullptr, false);
    std::string id = "?";
    if (body.is_object() && body.contains("user") && body["user"].is_object()) {
      id = body["user"].value("id", "?");
    }
    checks.push_back({"credentials", true, "authenticated as " + id});
  }

  const s3::HttpResponse& dated = user.ok() ? *user : *health;
  std::optional<std::string_view> date = dated.Header("date");
  std::optional<s3::TimePoint> server_time;
  if (date) server_time = s3::ParseHttpDate(*date);
  if (!server_time) {
    // Nothing to compare with: not a failure of the local setup.
    checks.push_back({"clock", true, "not checked: the server sent no Date header"});
    return checks;
  }
  const auto local =
      std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch());
  const auto remote =
      std::chrono::duration_cast<std::chrono::seconds>(server_time->time_since_epoch());
  const int64_t skew = std::llabs((local - remote).count());
  if (std::chrono::seconds(skew) > kMaxClockSkew) {
    checks.push_back({"clock", false,
                      "the local clock differs from the server's by " + std::to_string(skew) +
                          "s: synchronise it (NTP); signed requests fail beyond 15 minutes"});
  } else {
    checks.push_back({"clock", true, "skew " + std::to_string(skew) + "s"});
  }
  return checks;
}

}  // namespace tarn::cli
