#include "common/logging.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace tarn {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

// Sends everything written to stderr (fd 2) into a temporary file while alive.
class StderrCapture {
 public:
  StderrCapture() {
    std::fflush(stderr);
    path_ = (std::filesystem::temp_directory_path() / "tarn-logging-test-XXXXXX").string();
    int fd = mkstemp(path_.data());
    if (fd < 0) std::abort();
    saved_ = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
  }
  ~StderrCapture() {
    Restore();
    std::remove(path_.c_str());
  }

  // Stops capturing and returns what was written.
  std::string Finish() {
    Restore();
    std::ifstream in(path_);
    std::stringstream contents;
    contents << in.rdbuf();
    return contents.str();
  }

 private:
  void Restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    saved_ = -1;
  }

  std::string path_;
  int saved_ = -1;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::shared_ptr<spdlog::logger> MustMakeLogger(const std::string& name, LogOptions options) {
  auto logger = MakeLogger(name, options);
  EXPECT_TRUE(logger.ok()) << logger.status().ToString();
  return logger.ok() ? *logger : NullLogger();
}

LogOptions Json(std::string level = "info") {
  LogOptions options;
  options.level = std::move(level);
  options.format = LogFormat::kJson;
  return options;
}

TEST(MakeLoggerTest, RejectsUnknownLevel) {
  LogOptions options;
  options.level = "loud";
  auto logger = MakeLogger("test", options);
  EXPECT_EQ(logger.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(logger.status().message(), HasSubstr("'loud'"));
}

TEST(MakeLoggerTest, RejectsEmptyLevel) {
  LogOptions options;
  options.level = "";
  EXPECT_EQ(MakeLogger("test", options).status().code(), StatusCode::kInvalidArgument);
}

TEST(MakeLoggerTest, AcceptsEachDocumentedLevel) {
  const std::pair<const char*, spdlog::level::level_enum> kLevels[] = {
      {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},   {"warn", spdlog::level::warn},
      {"error", spdlog::level::err},   {"off", spdlog::level::off}};
  for (const auto& [name, level] : kLevels) {
    LogOptions options;
    options.level = name;
    auto logger = MakeLogger("test", options);
    ASSERT_TRUE(logger.ok()) << name << ": " << logger.status().ToString();
    EXPECT_EQ((*logger)->level(), level) << name;
  }
}

TEST(MakeLoggerTest, LoggerCarriesItsName) {
  auto logger = MustMakeLogger("gateway", LogOptions());
  EXPECT_EQ(logger->name(), "gateway");
}

TEST(JsonLogTest, WritesOneJsonObjectPerLine) {
  auto logger = MustMakeLogger("gateway", Json());
  StderrCapture capture;
  logger->info("first");
  logger->warn("second {}", 2);
  logger->error("third");
  logger->flush();
  std::vector<std::string> lines = Lines(capture.Finish());
  ASSERT_EQ(lines.size(), 3u);
  const char* expected_msgs[] = {"first", "second 2", "third"};
  const char* expected_levels[] = {"info", "warn", "error"};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    SCOPED_TRACE(lines[i]);
    nlohmann::json object;
    ASSERT_NO_THROW(object = nlohmann::json::parse(lines[i]));
    ASSERT_TRUE(object.is_object());
    EXPECT_EQ(object.at("msg"), expected_msgs[i]);
    EXPECT_EQ(object.at("logger"), "gateway");
    EXPECT_THAT(object.at("level").get<std::string>(), HasSubstr(expected_levels[i]));
    EXPECT_THAT(
        object.at("time").get<std::string>(),
        MatchesRegex(R"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z)"));
  }
}

TEST(JsonLogTest, EscapesQuotesAndNewlinesInMessage) {
  auto logger = MustMakeLogger("test", Json());
  const std::string message = "key \"a\nb\" said \\ hi\r\n\tdone";
  StderrCapture capture;
  logger->info("{}", message);
  logger->flush();
  std::vector<std::string> lines = Lines(capture.Finish());
  ASSERT_EQ(lines.size(), 1u);
  nlohmann::json object;
  ASSERT_NO_THROW(object = nlohmann::json::parse(lines[0])) << lines[0];
  EXPECT_EQ(object.at("msg"), message);
}

TEST(JsonLogTest, EscapesControlCharacters) {
  auto logger = MustMakeLogger("test", Json());
  const std::string message = std::string("bell\x07 nul") + '\0' + " esc\x1b end";
  StderrCapture capture;
  logger->info("{}", message);
  logger->flush();
  std::vector<std::string> lines = Lines(capture.Finish());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("\\u0007"));
  EXPECT_THAT(lines[0], HasSubstr("\\u001b"));
  nlohmann::json object;
  ASSERT_NO_THROW(object = nlohmann::json::parse(lines[0])) << lines[0];
  EXPECT_EQ(object.at("msg"), message);
}

TEST(JsonLogTest, KeepsValidUtf8) {
  auto logger = MustMakeLogger("test", Json());
  const std::string message = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x9f";
  StderrCapture capture;
  logger->info("{}", message);
  logger->flush();
  std::vector<std::string> lines = Lines(capture.Finish());
  ASSERT_EQ(lines.size(), 1u);
  nlohmann::json object;
  ASSERT_NO_THROW(object = nlohmann::json::parse(lines[0])) << lines[0];
  EXPECT_EQ(object.at("msg"), message);
}

TEST(JsonLogTest, InvalidUtf8StillYieldsValidJson) {
  auto logger = MustMakeLogger("test", Json());
  // A stray continuation byte, a truncated sequence, an overlong encoding and 0xff.
  const std::string message = "key=\x80 \xe2\x82 \xc0\xaf \xff end";
  StderrCapture capture;
  logger->info("{}", message);
  logger->flush();
  std::vector<std::string> lines = Lines(capture.Finish());
  ASSERT_EQ(lines.size(), 1u);
  nlohmann::json object;
  ASSERT_NO_THROW(object = nlohmann::json::parse(lines[0])) << lines[0];
  // Each byte that is not part of a well-formed sequence becomes U+REPLACEMENT CHARACTER.
  const std::string r = "\xef\xbf\xbd";
  EXPECT_EQ(object.at("msg"), "key=" + r + " " + r + r + " " + r + r + " " + r + " end");
}

TEST(JsonLogTest, DropsMessagesBelowTheLevel) {
  auto logger = MustMakeLogger("test", Json("warn"));
  StderrCapture capture;
  logger->debug("hidden debug");
  logger->info("hidden info");
  logger->warn("shown");
  logger->flush();
  std::vector<std::string> lines = Lines(capture.Finish());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("shown"));
}

TEST(TextLogTest, WritesReadableLineWithNameAndMessage) {
  LogOptions options;
  options.format = LogFormat::kText;
  auto logger = MustMakeLogger("kv", options);
  StderrCapture capture;
  logger->info("opened {} ranges", 3);
  logger->flush();
  std::vector<std::string> lines = Lines(capture.Finish());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("kv: opened 3 ranges"));
  EXPECT_THAT(lines[0], HasSubstr("info"));
  EXPECT_THAT(lines[0], Not(HasSubstr("\"msg\"")));
}

TEST(NullLoggerTest, WritesNothing) {
  auto logger = NullLogger();
  StderrCapture capture;
  logger->error("must not appear");
  logger->flush();
  EXPECT_EQ(capture.Finish(), "");
}

}  // namespace
}  // namespace tarn
