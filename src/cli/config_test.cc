#include "cli/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace tarn::cli {
namespace {

namespace fs = std::filesystem;

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tarn_cli_config_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    env_["HOME"] = dir_.string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  void WriteHomeFile(const std::string& text) { std::ofstream(dir_ / ".tarn.yaml") << text; }
  EnvLookup Env() {
    return [this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
  }

  fs::path dir_;
  std::map<std::string, std::string> env_;
};

constexpr const char* kFile =
    "server:\n  endpoint_url: http://file:1\n"
    "credentials:\n  access_key_id: FILEKEY\n  secret_access_key: filesecret\n";

TEST_F(ConfigTest, ReadsLakectlKeysFromTheHomeFile) {
  WriteHomeFile(kFile);
  auto config = ResolveConfig({}, Env());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->endpoint_url, "http://file:1");
  EXPECT_EQ(config->access_key_id, "FILEKEY");
  EXPECT_EQ(config->secret_access_key, "filesecret");
}

TEST_F(ConfigTest, EnvironmentOverridesTheFile) {
  WriteHomeFile(kFile);
  env_["TARN_ENDPOINT"] = "http://env:2";
  env_["TARN_ACCESS_KEY_ID"] = "ENVKEY";
  auto config = ResolveConfig({}, Env());
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->endpoint_url, "http://env:2");
  EXPECT_EQ(config->access_key_id, "ENVKEY");
  EXPECT_EQ(config->secret_access_key, "filesecret");
}

TEST_F(ConfigTest, FlagsOverrideTheEnvironment) {
  WriteHomeFile(kFile);
  env_["TARN_ENDPOINT"] = "http://env:2";
  env_["TARN_SECRET_ACCESS_KEY"] = "envsecret";
  ConfigFlags flags;
  flags.endpoint_url = "http://flag:3";
  auto config = ResolveConfig(flags, Env());
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->endpoint_url, "http://flag:3");
  EXPECT_EQ(config->secret_access_key, "envsecret");
}

TEST_F(ConfigTest, AMissingHomeFileIsFineWhenTheEnvironmentNamesAnEndpoint) {
  env_["TARN_ENDPOINT"] = "http://env:2";
  EXPECT_TRUE(ResolveConfig({}, Env()).ok());
}

TEST_F(ConfigTest, AMissingExplicitFileIsAnError) {
  ConfigFlags flags;
  flags.config_file = (dir_ / "absent.yaml").string();
  flags.endpoint_url = "http://flag:3";
  auto config = ResolveConfig(flags, Env());
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kIOError);
}

TEST_F(ConfigTest, NoEndpointAnywhereSaysHowToSetOne) {
  auto config = ResolveConfig({}, Env());
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("tarn config"), std::string_view::npos);
}

TEST_F(ConfigTest, MalformedYamlNamesTheFile) {
  WriteHomeFile("server: [unclosed\n");
  auto config = ResolveConfig({}, Env());
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find(".tarn.yaml"), std::string_view::npos);
}

TEST_F(ConfigTest, WrittenFileReadsBack) {
  const std::string path = (dir_ / "out.yaml").string();
  ClientConfig written{"http://w:4", "WKEY", "wsecret"};
  ASSERT_TRUE(WriteConfigFile(path, written).ok());
  ClientConfig read;
  ASSERT_TRUE(LoadConfigFile(path, true, read).ok());
  EXPECT_EQ(read.endpoint_url, "http://w:4");
  EXPECT_EQ(read.access_key_id, "WKEY");
  EXPECT_EQ(read.secret_access_key, "wsecret");
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::group_read, fs::perms::none);
}

TEST(ApiBaseTest, AppendsTheApiPrefixOnce) {
  EXPECT_EQ(ApiBase({"http://h:1/", "", ""}), "http://h:1/api/v1");
  EXPECT_EQ(ApiBase({"http://h:1/api/v1", "", ""}), "http://h:1/api/v1");
}

}  // namespace
}  // namespace tarn::cli
