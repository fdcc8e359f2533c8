#include "cli/client.h"

#include <gtest/gtest.h>

#include "cli/doctor.h"
#include "s3/client/fake_http_server.h"

namespace tarn::cli {
namespace {

using s3::testing::FakeHttpServer;
using s3::testing::ReceivedRequest;
using s3::testing::ScriptedReply;

ScriptedReply Json(int status, const nlohmann::json& body,
                   std::vector<std::pair<std::string, std::string>> headers = {}) {
  headers.emplace_back("Content-Type", "application/json");
  return {ScriptedReply::Action::kRespond, status, headers, body.dump()};
}

// A listing of `total` items served `amount` at a time (amount read from the query).
ScriptedReply Page(const ReceivedRequest& request, int total) {
  auto param = [&](const std::string& name) -> std::string {
    const std::string key = name + "=";
    size_t at = request.target.find(key);
    if (at == std::string::npos) return "";
    size_t end = request.target.find('&', at);
    return request.target.substr(at + key.size(),
                                 end == std::string::npos ? end : end - at - key.size());
  };
  const int after = param("after").empty() ? 0 : std::stoi(param("after"));
  const int amount = std::stoi(param("amount"));
  nlohmann::json results = nlohmann::json::array();
  int i = after;
  for (; i < total && i < after + amount; ++i) results.push_back({{"id", std::to_string(i)}});
  nlohmann::json page = {{"results", results},
                         {"pagination",
                          {{"has_more", i < total},
                           {"next_offset", i < total ? std::to_string(i) : ""},
                           {"results", results.size()},
                           {"max_per_page", 1000}}}};
  return Json(200, page);
}

std::unique_ptr<RestClient> ClientFor(const FakeHttpServer& server) {
  ClientConfig config{server.endpoint(), "AKIATEST", "secret"};
  auto client = RestClient::Create(config);
  EXPECT_TRUE(client.ok());
  return std::move(*client);
}

TEST(RestClientTest, SendsBasicAuthUnderTheApiPrefix) {
  auto server = FakeHttpServer::Start([](const ReceivedRequest&, int) {
    return Json(200, {{"ok", true}});
  });
  ASSERT_TRUE(server.ok());
  auto client = ClientFor(**server);
  ASSERT_TRUE(client->Call("GET", "/repositories/r").ok());
  auto requests = (*server)->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/api/v1/repositories/r");
  EXPECT_EQ(requests[0].Header("authorization"), "Basic QUtJQVRFU1Q6c2VjcmV0");
}

TEST(RestClientTest, ErrorAnswersCarryTheServersMessageAndStatus) {
  auto server = FakeHttpServer::Start([](const ReceivedRequest&, int) {
    return Json(404, {{"message", "repository not found"}});
  });
  ASSERT_TRUE(server.ok());
  auto result = ClientFor(**server)->Call("GET", "/repositories/x");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(result.status().message(), "repository not found (HTTP 404)");
}

TEST(RestClientTest, UnauthorizedMapsToUnauthenticated) {
  EXPECT_EQ(ErrorFromResponse(401, R"({"message":"bad key"})").code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(ErrorFromResponse(409, "").code(), StatusCode::kConflict);
  EXPECT_EQ(ErrorFromResponse(500, "boom").message(), "boom (HTTP 500)");
}

TEST(RestClientTest, ListAllFollowsNextOffsetUntilTheEnd) {
  auto server =
      FakeHttpServer::Start([](const ReceivedRequest& request, int) { return Page(request, 25); });
  ASSERT_TRUE(server.ok());
  std::vector<std::string> ids;
  Status status = ClientFor(**server)->ListAll(
      "/repositories", {}, 0,
      [&](const nlohmann::json& item) {
        ids.push_back(item["id"]);
        return Status::OK();
      },
      10);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(ids.size(), 25u);
  EXPECT_EQ(ids.front(), "0");
  EXPECT_EQ(ids.back(), "24");
  EXPECT_EQ((*server)->request_count(), 3);
}

TEST(RestClientTest, ListAllStopsAtTheLimitAndAsksOnlyForWhatIsLeft) {
  auto server =
      FakeHttpServer::Start([](const ReceivedRequest& request, int) { return Page(request, 100); });
  ASSERT_TRUE(server.ok());
  int seen = 0;
  Status status = ClientFor(**server)->ListAll(
      "/repositories", {}, 13,
      [&](const nlohmann::json&) {
        ++seen;
        return Status::OK();
      },
      10);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(seen, 13);
  auto requests = (*server)->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(requests[1].target.find("amount=3"), std::string::npos);
  EXPECT_NE(requests[1].target.find("after=10"), std::string::npos);
}

TEST(RestClientTest, ListAllRefusesAListingThatDoesNotAdvance) {
  auto server = FakeHttpServer::Start([](const ReceivedRequest&, int) {
    return Json(200, {{"results", nlohmann::json::array()},
                      {"pagination", {{"has_more", true}, {"next_offset", ""}}}});
  });
  ASSERT_TRUE(server.ok());
  Status status = ClientFor(**server)->ListAll("/repositories", {}, 0,
                                               [](const nlohmann::json&) { return Status::OK(); });
  EXPECT_FALSE(status.ok());
}

TEST(DoctorTest, ReportsClockSkewAgainstTheServersDate) {
  auto server = FakeHttpServer::Start([](const ReceivedRequest& request, int) {
    if (request.target.ends_with("/healthcheck")) {
      return ScriptedReply{ScriptedReply::Action::kRespond, 204, {}, ""};
    }
    return Json(200, {{"user", {{"id", "admin"}}}}, {{"Date", "Mon, 23 Nov 2026 12:00:00 GMT"}});
  });
  ASSERT_TRUE(server.ok());
  ManualClock clock(std::chrono::system_clock::from_time_t(1795435200 + 3600));
  auto checks = RunDoctor(*ClientFor(**server), clock, (*server)->endpoint());
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_TRUE(checks[0].ok);
  EXPECT_TRUE(checks[1].ok);
  EXPECT_NE(checks[1].detail.find("admin"), std::string::npos);
  EXPECT_FALSE(checks[2].ok);
  EXPECT_NE(checks[2].detail.find("3600s"), std::string::npos);
}

TEST(DoctorTest, SkipsTheClockCheckWithoutADateHeader) {
  auto server = FakeHttpServer::Start([](const ReceivedRequest& request, int) {
    if (request.target.ends_with("/healthcheck")) {
      return ScriptedReply{ScriptedReply::Action::kRespond, 204, {}, ""};
    }
    return Json(200, {{"user", {{"id", "admin"}}}});
  });
  ASSERT_TRUE(server.ok());
  SystemClock clock;
  auto checks = RunDoctor(*ClientFor(**server), clock, (*server)->endpoint());
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_TRUE(checks[2].ok);
  EXPECT_NE(checks[2].detail.find("not checked"), std::string::npos);
}

TEST(DoctorTest, ReportsRejectedCredentialsWithTheServersMessage) {
  auto server = FakeHttpServer::Start([](const ReceivedRequest& request, int) {
    if (request.target.ends_with("/healthcheck")) {
      return ScriptedReply{ScriptedReply::Action::kRespond, 204, {}, ""};
    }
    return Json(401, {{"message", "error authenticating request"}});
  });
  ASSERT_TRUE(server.ok());
  SystemClock clock;
  auto checks = RunDoctor(*ClientFor(**server), clock, (*server)->endpoint());
  ASSERT_GE(checks.size(), 2u);
  EXPECT_FALSE(checks[1].ok);
  EXPECT_NE(checks[1].detail.find("error authenticating request (HTTP 401)"), std::string::npos);
}

}  // namespace
}  // namespace tarn::cli
