#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "block/s3/s3_adapter.h"

namespace tarn::block {
namespace {

constexpr char kFile[] =
    "# comment\n"
    "[default]\n"
    "aws_access_key_id = DEFAULTKEY\n"
    "aws_secret_access_key=defaultsecret\r\n"
    "\n"
    "[profile work]\n"
    "aws_access_key_id = WORKKEY\n"
    "aws_secret_access_key = worksecret\n"
    "aws_session_token = worktoken\n";

TEST(S3CredentialsTest, OptionsWin) {
  S3Options options;
  options.access_key_id = "OPT";
  options.secret_access_key = "optsecret";
  auto resolved = ResolveS3Credentials(
      options, {.environment = {{"AWS_ACCESS_KEY_ID", "ENV"}, {"AWS_SECRET_ACCESS_KEY", "e"}},
                .credentials_file = kFile});
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->access_key_id, "OPT");
  EXPECT_EQ(resolved->secret_access_key, "optsecret");
}

TEST(S3CredentialsTest, EnvironmentBeforeFile) {
  auto resolved = ResolveS3Credentials(
      {}, {.environment = {{"AWS_ACCESS_KEY_ID", "ENV"},
                           {"AWS_SECRET_ACCESS_KEY", "envsecret"},
                           {"AWS_SESSION_TOKEN", "tok"}},
           .credentials_file = kFile});
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->access_key_id, "ENV");
  EXPECT_EQ(resolved->secret_access_key, "envsecret");
  EXPECT_EQ(resolved->session_token, "tok");
}

TEST(S3CredentialsTest, FileDefaultProfile) {
  auto resolved = ResolveS3Credentials({}, {.credentials_file = kFile});
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ(resolved->access_key_id, "DEFAULTKEY");
  EXPECT_EQ(resolved->secret_access_key, "defaultsecret");
  EXPECT_EQ(resolved->session_token, "");
}

TEST(S3CredentialsTest, FileProfileFromEnvironmentOrArgument) {
  auto from_env = ResolveS3Credentials(
      {}, {.environment = {{"AWS_PROFILE", "work"}}, .credentials_file = kFile});
  ASSERT_TRUE(from_env.ok());
  EXPECT_EQ(from_env->access_key_id, "WORKKEY");
  EXPECT_EQ(from_env->session_token, "worktoken");
  auto from_arg = ResolveS3Credentials({}, {.credentials_file = kFile, .profile = "work"});
  ASSERT_TRUE(from_arg.ok());
  EXPECT_EQ(from_arg->access_key_id, "WORKKEY");
}

TEST(S3CredentialsTest, NothingFoundIsInvalidArgumentNamingTheProfile) {
  auto resolved = ResolveS3Credentials({}, {.credentials_file = kFile, .profile = "absent"});
  EXPECT_EQ(resolved.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(resolved.status().message().find("'absent'"), std::string_view::npos);
  EXPECT_EQ(ResolveS3Credentials({}, {}).status().code(), StatusCode::kInvalidArgument);
}

TEST(S3CredentialsTest, MalformedFileNamesTheLine) {
  auto resolved = ResolveS3Credentials({}, {.credentials_file = "[default]\nnonsense\n"});
  EXPECT_EQ(resolved.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(resolved.status().message().find("line 2"), std::string_view::npos);
}

TEST(S3CredentialsTest, RegionFallsBackThroughTheEnvironment) {
  S3Options options;
  options.region = "";
  options.access_key_id = "a";
  options.secret_access_key = "b";
  auto resolved = ResolveS3Credentials(options, {.environment = {{"AWS_DEFAULT_REGION", "x-1"}}});
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->region, "x-1");
  resolved = ResolveS3Credentials(
      options, {.environment = {{"AWS_REGION", "y-2"}, {"AWS_DEFAULT_REGION", "x-1"}}});
  EXPECT_EQ(resolved->region, "y-2");
  resolved = ResolveS3Credentials(options, {});
  EXPECT_EQ(resolved->region, "us-east-1");
}

TEST(SharedCredentialsFileTest, IsReadFromTheNamedFileOrHomeAndAbsentOtherwise) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("tarn-creds-" + std::to_string(::getpid()));
  fs::create_directories(dir / ".aws");
  std::ofstream(dir / "named") << "[default]\naws_access_key_id = A\n";
  std::ofstream(dir / ".aws/credentials") << "[default]\naws_access_key_id = H\n";
  EXPECT_EQ(ReadSharedCredentialsFile({{"AWS_SHARED_CREDENTIALS_FILE", (dir / "named").string()},
                                       {"HOME", dir.string()}}),
            "[default]\naws_access_key_id = A\n");
  EXPECT_EQ(ReadSharedCredentialsFile({{"HOME", dir.string()}}),
            "[default]\naws_access_key_id = H\n");
  EXPECT_EQ(ReadSharedCredentialsFile({{"HOME", (dir / "nowhere").string()}}), std::nullopt);
  EXPECT_EQ(ReadSharedCredentialsFile({}), std::nullopt);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tarn::block
