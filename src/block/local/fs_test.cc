#include "block/local/fs.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>

namespace tarn::block::local {
namespace {

namespace fs = std::filesystem;

// Runs every test twice: with openat2 and with the component-by-component fallback.
class OpenBeneathTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) walk_ = std::make_unique<ForceWalkResolutionForTesting>();
    std::string tmpl = ::testing::TempDir() + "tarn-fs-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    fs::create_directories(dir_ / "base" / "a" / "b");
    fs::create_directories(dir_ / "outside");
    std::ofstream(dir_ / "base" / "a" / "b" / "file") << "inside";
    std::ofstream(dir_ / "outside" / "secret") << "secret";
    fs::create_directory_symlink(dir_ / "outside", dir_ / "base" / "abs-link");
    fs::create_directory_symlink("../outside", dir_ / "base" / "rel-link");
    fs::create_directory_symlink("b", dir_ / "base" / "a" / "inner-link");
    fs::create_symlink("b/file", dir_ / "base" / "a" / "file-link");
    base_.reset(::open((dir_ / "base").c_str(), O_RDONLY | O_DIRECTORY));
    ASSERT_TRUE(base_.valid());
  }
  void TearDown() override {
    base_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
    walk_.reset();
  }
  StatusCode Open(std::string_view rel, int flags = O_RDONLY) {
    return OpenBeneath(base_.get(), rel, flags, rel).status().code();
  }

  std::unique_ptr<ForceWalkResolutionForTesting> walk_;
  fs::path dir_;
  UniqueFd base_;
};

TEST_P(OpenBeneathTest, OpensNestedPathsAndTheBaseItself) {
  auto fd = OpenBeneath(base_.get(), "a/b/file", O_RDONLY, "a/b/file");
  ASSERT_TRUE(fd.ok()) << fd.status().ToString();
  char buf[16];
  EXPECT_EQ(::read(fd->get(), buf, sizeof(buf)), 6);
  EXPECT_EQ(Open("", O_RDONLY | O_DIRECTORY), StatusCode::kOk);
  EXPECT_EQ(Open("a/b", O_RDONLY | O_DIRECTORY), StatusCode::kOk);
}

TEST_P(OpenBeneathTest, MissingIsNotFound) {
  EXPECT_EQ(Open("a/missing"), StatusCode::kNotFound);
  EXPECT_EQ(Open("missing/x"), StatusCode::kNotFound);
  EXPECT_EQ(Open("a/b/file/x"), StatusCode::kNotFound);  // ENOTDIR
}

TEST_P(OpenBeneathTest, RefusesEverySymlinkAndEscape) {
  EXPECT_EQ(Open("abs-link/secret"), StatusCode::kInvalidArgument);
  EXPECT_EQ(Open("rel-link/secret"), StatusCode::kInvalidArgument);
  EXPECT_EQ(Open("a/inner-link/file"), StatusCode::kInvalidArgument);
  EXPECT_EQ(Open("a/file-link"), StatusCode::kInvalidArgument);
  EXPECT_EQ(Open("../outside/secret"), StatusCode::kInvalidArgument);
  EXPECT_EQ(Open("a/../../outside/secret"), StatusCode::kInvalidArgument);
}

TEST_P(OpenBeneathTest, CreatesDirectoriesWithoutFollowingLinks) {
  auto made = OpenOrCreateDir(base_.get(), "new/deep/dir", "new/deep/dir");
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_TRUE(fs::is_directory(dir_ / "base" / "new" / "deep" / "dir"));
  EXPECT_FALSE(OpenOrCreateDir(base_.get(), "abs-link/x", "abs-link/x").ok());
  EXPECT_FALSE(fs::exists(dir_ / "outside" / "x"));
  EXPECT_EQ(OpenOrCreateDir(base_.get(), "a/b/file/x", "a/b/file/x").status().code(),
            StatusCode::kConflict);
}

INSTANTIATE_TEST_SUITE_P(Resolution, OpenBeneathTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? std::string("Walk") : std::string("Openat2");
                         });

TEST(RemoveTreeTest, RemovesNestedContentWithoutFollowingLinks) {
  std::string tmpl = ::testing::TempDir() + "tarn-fs-rm-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  fs::path dir = tmpl;
  fs::create_directories(dir / "victim" / "x" / "y");
  fs::create_directories(dir / "keep");
  std::ofstream(dir / "keep" / "file") << "keep";
  std::ofstream(dir / "victim" / "x" / "y" / "f") << "gone";
  fs::create_directory_symlink(dir / "keep", dir / "victim" / "link");
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY));
  ASSERT_TRUE(RemoveTree(fd.get(), "victim", "victim").ok());
  EXPECT_FALSE(fs::exists(dir / "victim"));
  EXPECT_TRUE(fs::exists(dir / "keep" / "file"));
  EXPECT_TRUE(RemoveTree(fd.get(), "absent", "absent").ok());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tarn::block::local
