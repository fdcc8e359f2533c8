#include "cli/transfer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>

namespace tarn::cli {
namespace {

namespace fs = std::filesystem;

class TransferPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tarn_cli_transfer_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "src" / "sub");
    std::ofstream(dir_ / "src" / "a.txt") << "aaa";
    std::ofstream(dir_ / "src" / "sub" / "b.bin") << "bb";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(TransferPlanTest, RecursiveUploadMapsEveryFileUnderThePrefix) {
  auto items = PlanUpload(dir_ / "src", "data", true);
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].remote, "data/a.txt");
  EXPECT_EQ((*items)[0].size, 3u);
  EXPECT_EQ((*items)[1].remote, "data/sub/b.bin");
}

TEST_F(TransferPlanTest, SingleFileToAPrefixKeepsItsName) {
  auto items = PlanUpload(dir_ / "src" / "a.txt", "dir/", false);
  ASSERT_TRUE(items.ok());
  EXPECT_EQ((*items)[0].remote, "dir/a.txt");
  auto named = PlanUpload(dir_ / "src" / "a.txt", "x/y.txt", false);
  ASSERT_TRUE(named.ok());
  EXPECT_EQ((*named)[0].remote, "x/y.txt");
}

TEST_F(TransferPlanTest, ADirectoryWithoutRecursiveIsAUsageError) {
  auto items = PlanUpload(dir_ / "src", "data", false);
  ASSERT_FALSE(items.ok());
  EXPECT_EQ(items.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(items.status().message().find("--recursive"), std::string_view::npos);
}

TEST_F(TransferPlanTest, AMissingSourceIsAnIoError) {
  EXPECT_EQ(PlanUpload(dir_ / "absent", "", false).status().code(), StatusCode::kIOError);
}

TEST(DownloadTargetTest, PlacesObjectsRelativeToThePrefix) {
  auto target = DownloadTarget("/tmp/out", "data/", "data/sub/b.bin");
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(*target, fs::path("/tmp/out/sub/b.bin"));
}

TEST(DownloadTargetTest, RefusesPathsEscapingTheDirectory) {
  EXPECT_FALSE(DownloadTarget("/tmp/out", "", "../etc/passwd").ok());
  EXPECT_FALSE(DownloadTarget("/tmp/out", "d/", "d/../../x").ok());
}

TEST(JoinObjectPathTest, UsesExactlyOneSlash) {
  EXPECT_EQ(JoinObjectPath("a", "b"), "a/b");
  EXPECT_EQ(JoinObjectPath("a/", "/b"), "a/b");
  EXPECT_EQ(JoinObjectPath("", "b"), "b");
}

TEST(RunParallelTest, RunsEveryItemOnce) {
  std::vector<std::atomic<int>> runs(50);
  Status status = RunParallel(runs.size(), 8, [&](std::size_t i) {
    runs[i].fetch_add(1);
    return Status::OK();
  });
  ASSERT_TRUE(status.ok());
  for (auto& r : runs) EXPECT_EQ(r.load(), 1);
}

TEST(RunParallelTest, ReturnsAFailure) {
  Status status = RunParallel(20, 4, [](std::size_t i) {
    return i == 7 ? Status::IOError("item 7 failed") : Status::OK();
  });
  EXPECT_EQ(status.code(), StatusCode::kIOError);
}

}  // namespace
}  // namespace tarn::cli
