#include "common/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace tarn {
namespace {

using std::chrono::milliseconds;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

ConfigKey Key(std::string name, ConfigType type, std::string default_value,
              std::vector<std::string> choices = {}) {
  ConfigKey key;
  key.name = std::move(name);
  key.type = type;
  key.default_value = std::move(default_value);
  key.help = "help for " + key.name;
  key.choices = std::move(choices);
  return key;
}

ConfigSchema TestSchema() {
  ConfigSchema schema;
  schema.Add(Key("server.listen", ConfigType::kString, "127.0.0.1:8000"))
      .Add(Key("kv.rocksdb.sync", ConfigType::kBool, "false"))
      .Add(Key("kv.rocksdb.cache_mb", ConfigType::kInt, "64"))
      .Add(Key("http.idle_timeout", ConfigType::kDuration, "60s"))
      .Add(Key("log.level", ConfigType::kEnum, "info", {"debug", "info", "warn"}))
      .Add(Key("kv.rocksdb.max_files", ConfigType::kInt, ""));
  return schema;
}

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "tarn-config-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Writes `contents` to a file in the test's directory and makes it the file source.
  std::string WriteFile(const std::string& contents, const std::string& name = "tarn.yaml") {
    std::string path = (dir_ / name).string();
    std::ofstream out(path);
    out << contents;
    sources_.file_path = path;
    return path;
  }

  Result<Config> Load() { return Config::Load(TestSchema(), sources_); }

  std::filesystem::path dir_;
  ConfigSources sources_;
};

// ---- precedence ----

TEST_F(ConfigTest, DefaultsApplyWithoutAnySource) {
  auto config = Load();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->GetString("server.listen"), "127.0.0.1:8000");
  EXPECT_FALSE(config->GetBool("kv.rocksdb.sync"));
  EXPECT_EQ(config->GetInt("kv.rocksdb.cache_mb"), 64);
  EXPECT_EQ(config->GetDuration("http.idle_timeout"), milliseconds(60000));
  EXPECT_EQ(config->GetString("log.level"), "info");
  EXPECT_EQ(config->Source("kv.rocksdb.sync"), "default");
}

TEST_F(ConfigTest, FileOverridesDefaults) {
  std::string path = WriteFile(
      "server:\n"
      "  listen: 0.0.0.0:9000\n"
      "kv:\n"
      "  rocksdb:\n"
      "    sync: true\n"
      "    cache_mb: 128\n");
  auto config = Load();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->GetString("server.listen"), "0.0.0.0:9000");
  EXPECT_TRUE(config->GetBool("kv.rocksdb.sync"));
  EXPECT_EQ(config->GetInt("kv.rocksdb.cache_mb"), 128);
  EXPECT_THAT(config->Source("kv.rocksdb.sync"), AllOf(StartsWith("file"), HasSubstr(path)));
  // Keys the file does not mention keep their defaults.
  EXPECT_EQ(config->GetString("log.level"), "info");
  EXPECT_EQ(config->Source("log.level"), "default");
}

TEST_F(ConfigTest, EnvironmentOverridesFile) {
  WriteFile("kv:\n  rocksdb:\n    cache_mb: 128\n");
  sources_.environment["TARN_KV_ROCKSDB_CACHE_MB"] = "256";
  auto config = Load();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->GetInt("kv.rocksdb.cache_mb"), 256);
  EXPECT_EQ(config->Source("kv.rocksdb.cache_mb"), "env TARN_KV_ROCKSDB_CACHE_MB");
}

TEST_F(ConfigTest, EnvironmentOverridesDefaults) {
  sources_.environment["TARN_LOG_LEVEL"] = "debug";
  auto config = Load();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->GetString("log.level"), "debug");
}

TEST_F(ConfigTest, FlagsOverrideEnvironment) {
  WriteFile("kv:\n  rocksdb:\n    cache_mb: 128\n");
  sources_.environment["TARN_KV_ROCKSDB_CACHE_MB"] = "256";
  sources_.flags["kv.rocksdb.cache_mb"] = "512";
  auto config = Load();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->GetInt("kv.rocksdb.cache_mb"), 512);
  EXPECT_EQ(config->Source("kv.rocksdb.cache_mb"), "flag");
}

TEST_F(ConfigTest, FlagsOverrideFile) {
  WriteFile("http:\n  idle_timeout: 5s\n");
  sources_.flags["http.idle_timeout"] = "2m";
  auto config = Load();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->GetDuration("http.idle_timeout"), milliseconds(120000));
}

TEST_F(ConfigTest, FlagsOverrideDefaults) {
  sources_.flags["server.listen"] = "[::1]:7000";
  auto config = Load();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->GetString("server.listen"), "[::1]:7000");
}

TEST_F(ConfigTest, FlagForKeyOutsideSchemaIsInternalError) {
  sources_.flags["no.such.key"] = "1";
  auto config = Load();
  EXPECT_EQ(config.status().code(), StatusCode::kInternal);
  EXPECT_THAT(config.status().message(), HasSubstr("no.such.key"));
}

// ---- environment names ----

TEST(ConfigEnvNameTest, MapsDotsToUnderscoresAndUpperCases) {
  EXPECT_EQ(ConfigEnvName("kv.rocksdb.sync"), "TARN_KV_ROCKSDB_SYNC");
  EXPECT_EQ(ConfigEnvName("kv.rocksdb.cache_mb"), "TARN_KV_ROCKSDB_CACHE_MB");
  EXPECT_EQ(ConfigEnvName("log"), "TARN_LOG");
}

TEST_F(ConfigTest, ReadsKeyFromItsEnvironmentName) {
  sources_.environment["TARN_KV_ROCKSDB_SYNC"] = "true";
  auto config = Load();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(config->GetBool("kv.rocksdb.sync"));
  EXPECT_EQ(config->Source("kv.rocksdb.sync"), "env TARN_KV_ROCKSDB_SYNC");
}

TEST_F(ConfigTest, IgnoresVariablesNotSpelledAsTheEnvironmentName) {
  sources_.environment["kv.rocksdb.sync"] = "true";
  sources_.environment["KV_ROCKSDB_SYNC"] = "true";
  sources_.environment["tarn_kv_rocksdb_sync"] = "true";
  auto config = Load();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_FALSE(config->GetBool("kv.rocksdb.sync"));
  EXPECT_EQ(config->Source("kv.rocksdb.sync"), "default");
}

TEST_F(ConfigTest, IgnoresUnknownTarnVariables) {
  sources_.environment["TARN_NOT_A_KEY"] = "garbage";
  sources_.environment["TARN_ACCESS_KEY"] = "cli-only";
  auto config = Load();
  EXPECT_TRUE(config.ok()) << config.status().ToString();
}

// ---- file shape ----

TEST_F(ConfigTest, NestedMapsFlattenToDottedKeys) {
  WriteFile(
      "kv:\n"
      "  rocksdb:\n"
      "    sync: yes\n"
      "log:\n"
      "  level: warn\n");
  auto config = Load();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(config->GetBool("kv.rocksdb.sync"));
  EXPECT_EQ(config->GetString("log.level"), "warn");
}

TEST_F(ConfigTest, DottedKeysInFileAreAccepted) {
  WriteFile("kv.rocksdb.cache_mb: 7\n");
  auto config = Load();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->GetInt("kv.rocksdb.cache_mb"), 7);
}

TEST_F(ConfigTest, EmptyFileKeepsDefaults) {
  WriteFile("");
  auto config = Load();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->GetInt("kv.rocksdb.cache_mb"), 64);
}

TEST_F(ConfigTest, UnknownFileKeyIsRejectedWithKeyAndLine) {
  std::string path = WriteFile(
      "server:\n"
      "  listen: 0.0.0.0:9000\n"
      "  lisen: typo\n");
  auto config = Load();
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(),
              AllOf(HasSubstr("'server.lisen'"), HasSubstr("line 3"), HasSubstr(path)));
}

TEST_F(ConfigTest, UnknownTopLevelFileKeyIsRejected) {
  WriteFile("colour: blue\n");
  auto config = Load();
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), AllOf(HasSubstr("'colour'"), HasSubstr("line 1")));
}

TEST_F(ConfigTest, MapUnderAScalarKeyIsAnUnknownKey) {
  WriteFile("kv:\n  rocksdb:\n    sync:\n      deep: true\n");
  auto config = Load();
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("'kv.rocksdb.sync.deep'"));
}

TEST_F(ConfigTest, ListValueIsRejected) {
  WriteFile("kv:\n  rocksdb:\n    cache_mb: [1, 2]\n");
  auto config = Load();
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(),
              AllOf(HasSubstr("'kv.rocksdb.cache_mb'"), HasSubstr("list")));
}

TEST_F(ConfigTest, BlockListValueIsRejected) {
  WriteFile("server:\n  listen:\n    - a\n    - b\n");
  auto config = Load();
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("'server.listen'"));
}

TEST_F(ConfigTest, RootThatIsNotAMappingIsRejected) {
  WriteFile("- a\n- b\n");
  auto config = Load();
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("mapping"));
}

TEST_F(ConfigTest, MalformedYamlNamesLineAndColumn) {
  std::string path = WriteFile(
      "server:\n"
      "  listen: 0.0.0.0:9000\n"
      "  extra: [unclosed\n");
  auto config = Load();
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(),
              AllOf(HasSubstr(path), HasSubstr("line 4"), HasSubstr("column 1")));
}

TEST_F(ConfigTest, MalformedYamlReportsTheOffendingPosition) {
  WriteFile(
      "log:\n"
      "  level: info\n"
      "    bad: indentation\n");
  auto config = Load();
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), AllOf(HasSubstr("line 3"), HasSubstr("column 8")));
}

TEST_F(ConfigTest, MissingFileIsNotFound) {
  sources_.file_path = (dir_ / "absent.yaml").string();
  auto config = Load();
  EXPECT_EQ(config.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(config.status().message(), HasSubstr("absent.yaml"));
}

// ---- bad values name the key and the source ----

TEST_F(ConfigTest, BadBoolInFileNamesKeyAndFile) {
  std::string path = WriteFile("kv:\n  rocksdb:\n    sync: maybe\n");
  auto config = Load();
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(),
              AllOf(HasSubstr("'kv.rocksdb.sync'"), HasSubstr("file"), HasSubstr(path),
                    HasSubstr("maybe"), HasSubstr("boolean")));
}

TEST_F(ConfigTest, BadBoolInEnvironmentNamesKeyAndVariable) {
  sources_.environment["TARN_KV_ROCKSDB_SYNC"] = "sometimes";
  auto config = Load();
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(),
              AllOf(HasSubstr("'kv.rocksdb.sync'"), HasSubstr("env TARN_KV_ROCKSDB_SYNC"),
                    HasSubstr("sometimes")));
}

TEST_F(ConfigTest, BadBoolFlagNamesKeyAndFlag) {
  sources_.flags["kv.rocksdb.sync"] = "nope";
  auto config = Load();
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(),
              AllOf(HasSubstr("'kv.rocksdb.sync'"), HasSubstr("flag"), HasSubstr("nope")));
}

TEST_F(ConfigTest, BadIntInFileNamesKeyAndFile) {
  WriteFile("kv:\n  rocksdb:\n    cache_mb: 12MB\n");
  auto config = Load();
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(),
              AllOf(HasSubstr("'kv.rocksdb.cache_mb'"), HasSubstr("file"), HasSubstr("integer")));
}

TEST_F(ConfigTest, BadIntInEnvironmentNamesKeyAndVariable) {
  sources_.environment["TARN_KV_ROCKSDB_CACHE_MB"] = "1.5";
  auto config = Load();
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(),
              AllOf(HasSubstr("'kv.rocksdb.cache_mb'"), HasSubstr("TARN_KV_ROCKSDB_CACHE_MB")));
}

TEST_F(ConfigTest, BadIntFlagNamesKeyAndFlag) {
  sources_.flags["kv.rocksdb.cache_mb"] = "lots";
  auto config = Load();
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(),
              AllOf(HasSubstr("'kv.rocksdb.cache_mb'"), HasSubstr("flag")));
}

TEST_F(ConfigTest, BadDurationInFileNamesKeyAndFile) {
  WriteFile("http:\n  idle_timeout: soon\n");
  auto config = Load();
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(),
              AllOf(HasSubstr("'http.idle_timeout'"), HasSubstr("file"), HasSubstr("duration")));
}

TEST_F(ConfigTest, BadDurationInEnvironmentNamesKeyAndVariable) {
  sources_.environment["TARN_HTTP_IDLE_TIMEOUT"] = "10 minutes";
  auto config = Load();
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(),
              AllOf(HasSubstr("'http.idle_timeout'"), HasSubstr("env TARN_HTTP_IDLE_TIMEOUT")));
}

TEST_F(ConfigTest, BadDurationFlagNamesKeyAndFlag) {
  sources_.flags["http.idle_timeout"] = "-3s";
  auto config = Load();
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(),
              AllOf(HasSubstr("'http.idle_timeout'"), HasSubstr("flag")));
}

TEST_F(ConfigTest, BadEnumInFileNamesKeyFileAndChoices) {
  WriteFile("log:\n  level: loud\n");
  auto config = Load();
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), AllOf(HasSubstr("'log.level'"), HasSubstr("file"),
                                               HasSubstr("loud"), HasSubstr("debug info warn")));
}

TEST_F(ConfigTest, BadEnumInEnvironmentNamesKeyAndVariable) {
  sources_.environment["TARN_LOG_LEVEL"] = "INFO";
  auto config = Load();
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(),
              AllOf(HasSubstr("'log.level'"), HasSubstr("env TARN_LOG_LEVEL")));
}

TEST_F(ConfigTest, BadEnumFlagNamesKeyAndFlag) {
  sources_.flags["log.level"] = "verbose";
  auto config = Load();
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), AllOf(HasSubstr("'log.level'"), HasSubstr("flag")));
}

TEST_F(ConfigTest, BadDefaultIsRejected) {
  ConfigSchema schema;
  schema.Add(Key("a", ConfigType::kInt, "ten"));
  auto config = Config::Load(schema, sources_);
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), AllOf(HasSubstr("'a'"), HasSubstr("default")));
}

// ---- typed values ----

TEST_F(ConfigTest, BoolAcceptsCommonSpellings) {
  for (const char* yes : {"true", "TRUE", "True", "yes", "on", "1"}) {
    sources_.flags["kv.rocksdb.sync"] = yes;
    auto config = Load();
    ASSERT_TRUE(config.ok()) << yes;
    EXPECT_TRUE(config->GetBool("kv.rocksdb.sync")) << yes;
  }
  for (const char* no : {"false", "FALSE", "no", "off", "0"}) {
    sources_.flags["kv.rocksdb.sync"] = no;
    auto config = Load();
    ASSERT_TRUE(config.ok()) << no;
    EXPECT_FALSE(config->GetBool("kv.rocksdb.sync")) << no;
  }
}

TEST_F(ConfigTest, IntAcceptsNegativeAndLargeValues) {
  sources_.flags["kv.rocksdb.cache_mb"] = "-5";
  auto config = Load();
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->GetInt("kv.rocksdb.cache_mb"), -5);
  sources_.flags["kv.rocksdb.cache_mb"] = "9223372036854775807";
  config = Load();
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->GetInt("kv.rocksdb.cache_mb"), INT64_MAX);
}

TEST_F(ConfigTest, IntRejectsOverflow) {
  sources_.flags["kv.rocksdb.cache_mb"] = "9223372036854775808";
  EXPECT_EQ(Load().status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ConfigTest, UnsetKeyWithoutDefaultIsAccepted) {
  auto config = Load();
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->GetString("kv.rocksdb.max_files"), "");
  EXPECT_EQ(config->GetInt("kv.rocksdb.max_files"), 0);
}

TEST_F(ConfigTest, NullFileValueOfStringKeyIsEmpty) {
  WriteFile("server:\n  listen:\n");
  auto config = Load();
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->GetString("server.listen"), "");
}

// ---- ParseDuration ----

TEST(ParseDurationTest, AcceptsUnits) {
  EXPECT_EQ(ParseDuration("10s"), milliseconds(10000));
  EXPECT_EQ(ParseDuration("500ms"), milliseconds(500));
  EXPECT_EQ(ParseDuration("2m"), milliseconds(120000));
  EXPECT_EQ(ParseDuration("1h"), milliseconds(3600000));
}

TEST(ParseDurationTest, AcceptsCompoundForms) {
  EXPECT_EQ(ParseDuration("1h30m"), milliseconds(5400000));
  EXPECT_EQ(ParseDuration("2m30s"), milliseconds(150000));
  EXPECT_EQ(ParseDuration("1s250ms"), milliseconds(1250));
}

TEST(ParseDurationTest, BareNumberIsSeconds) {
  EXPECT_EQ(ParseDuration("15"), milliseconds(15000));
  EXPECT_EQ(ParseDuration("0"), milliseconds(0));
}

TEST(ParseDurationTest, AcceptsFractions) {
  EXPECT_EQ(ParseDuration("1.5s"), milliseconds(1500));
  EXPECT_EQ(ParseDuration("0.25h"), milliseconds(900000));
}

TEST(ParseDurationTest, DecimalFractionsAreExact) {
  // 1.001 has no exact binary representation; the result must not fall a millisecond short.
  EXPECT_EQ(ParseDuration("1.001s"), milliseconds(1001));
  EXPECT_EQ(ParseDuration("4.35s"), milliseconds(4350));
  EXPECT_EQ(ParseDuration("0.001s"), milliseconds(1));
}

TEST(ParseDurationTest, RejectsJunk) {
  for (const char* bad : {"", "abc", "s", "ms", "10x", "10 s", " 10s", "10s ", "10S", "-5", "-5s",
                          "+5s", "10s5", "1e3s", ".s", "5sm", "1h 30m"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(ParseDuration(bad).has_value());
  }
}

TEST(ParseDurationTest, RejectsMalformedNumbers) {
  for (const char* bad : {"1..5s", "1.2.3s", "..s"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(ParseDuration(bad).has_value());
  }
}

TEST(ParseDurationTest, RejectsValuesTooLargeToRepresent) {
  for (const char* bad : {"9223372036854775807", "99999999999999999999h", "3000000000000000h"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(ParseDuration(bad).has_value());
  }
}

}  // namespace
}  // namespace tarn
