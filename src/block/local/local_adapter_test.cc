// The conformance suite against the local adapter, for both namespace forms.
#include "block/local/local_adapter.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "block/etag.h"
#include "block/local/atomic_file.h"
#include "block/local/fs.h"
#include "block/reader.h"
#include "block/testing/adapter_conformance.h"

namespace tarn::block::testing {
namespace {

std::string MakeTempDir() {
  std::string tmpl = ::testing::TempDir() + "tarn-block-local-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) return {};
  return tmpl;
}

std::function<void()> RemoveLater(std::string dir) {
  return [dir] {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  };
}

// local://name under the adapter's root.
Result<AdapterUnderTest> MakeNamed() {
  std::string dir = MakeTempDir();
  if (dir.empty()) return Status::IOError("mkdtemp failed");
  LocalOptions options;
  options.root = dir + "/root";
  ASSIGN_OR_RETURN(auto adapter, NewLocalAdapter(options));
  return AdapterUnderTest{std::move(adapter), "local://repo", RemoveLater(dir)};
}

// local:///abs/path under an allowed prefix.
Result<AdapterUnderTest> MakeAbsolute() {
  std::string dir = MakeTempDir();
  if (dir.empty()) return Status::IOError("mkdtemp failed");
  std::filesystem::create_directories(dir + "/allowed");
  LocalOptions options;
  options.root = dir + "/root";
  options.allowed_prefixes = {dir + "/allowed"};
  ASSIGN_OR_RETURN(auto adapter, NewLocalAdapter(options));
  return AdapterUnderTest{std::move(adapter), "local://" + dir + "/allowed/ns", RemoveLater(dir)};
}

// local://name with path resolution forced onto the fallback used where openat2 is missing.
Result<AdapterUnderTest> MakeNamedWalking() {
  auto walk = std::make_shared<local::ForceWalkResolutionForTesting>();
  ASSIGN_OR_RETURN(AdapterUnderTest made, MakeNamed());
  made.cleanup = [walk, remove = std::move(made.cleanup)]() mutable {
    remove();
    walk.reset();
  };
  return made;
}

TEST(LocalAdapterPutFileTest, TakesTheFileByLinkWithoutCopying) {
  std::string dir = MakeTempDir();
  ASSERT_FALSE(dir.empty());
  auto cleanup = RemoveLater(dir);
  LocalOptions options;
  options.root = dir + "/root";
  auto adapter = NewLocalAdapter(options);
  ASSERT_TRUE(adapter.ok()) << adapter.status().ToString();
  const std::string source = dir + "/range.sst";
  { std::ofstream(source) << "range file bytes"; }
  auto put = (*adapter)->PutFile({"local://repo", "_tarn/abc"}, source);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  struct stat src_st, obj_st;
  ASSERT_EQ(::stat(source.c_str(), &src_st), 0);
  ASSERT_EQ(::stat((dir + "/root/repo/_tarn/abc").c_str(), &obj_st), 0);
  EXPECT_EQ(src_st.st_ino, obj_st.st_ino);  // one file, two names
  EXPECT_EQ(src_st.st_nlink, 2u);
  auto info = (*adapter)->Head({"local://repo", "_tarn/abc"});
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->etag, Md5HexOf("range file bytes"));  // derived on first read
  cleanup();
}

TEST(LocalAdapterSyncFilesTest, PutWithoutFsyncStillReplacesAtomically) {
  std::string dir = MakeTempDir();
  ASSERT_FALSE(dir.empty());
  auto cleanup = RemoveLater(dir);
  LocalOptions options;
  options.root = dir + "/root";
  options.sync_files = false;
  options.sync_directory = false;
  auto adapter = NewLocalAdapter(options);
  ASSERT_TRUE(adapter.ok()) << adapter.status().ToString();
  const ObjectPointer object{"local://repo", "a/b"};
  const std::string old_body(4096, 'o');
  const std::string new_body(8192, 'n');
  ViewReader first(old_body);
  ASSERT_TRUE((*adapter)->Put(object, first, PutOptions{old_body.size(), ""}).ok());
  // A reader opened before the overwrite keeps the old bytes whole: the new file was renamed
  // over the name, not written into the old one.
  auto before = (*adapter)->Get(object, std::nullopt);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  ViewReader second(new_body);
  auto put = (*adapter)->Put(object, second, PutOptions{new_body.size(), "text/plain"});
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->etag, Md5HexOf(new_body));
  auto old_read = ReadAll(**before, 1 << 20);
  ASSERT_TRUE(old_read.ok());
  EXPECT_EQ(*old_read, old_body);
  auto after = (*adapter)->Get(object, std::nullopt);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ((*after)->info().etag, Md5HexOf(new_body));
  EXPECT_EQ((*after)->info().content_type, "text/plain");
  auto new_read = ReadAll(**after, 1 << 20);
  ASSERT_TRUE(new_read.ok());
  EXPECT_EQ(*new_read, new_body);
  // No temporary file is left behind.
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/root/repo/a")) {
    EXPECT_NE(entry.path().filename().string().rfind(local::kTempPrefix, 0), 0u) << entry.path();
  }
  cleanup();
}

// local://name with neither file nor directory fsyncs (blockstore.local.fsync: false).
Result<AdapterUnderTest> MakeNamedUnsynced() {
  std::string dir = MakeTempDir();
  if (dir.empty()) return Status::IOError("mkdtemp failed");
  LocalOptions options;
  options.root = dir + "/root";
  options.sync_files = false;
  options.sync_directory = false;
  ASSIGN_OR_RETURN(auto adapter, NewLocalAdapter(options));
  return AdapterUnderTest{std::move(adapter), "local://repo", RemoveLater(dir)};
}

INSTANTIATE_TEST_SUITE_P(
    Local, AdapterConformanceTest,
    ::testing::Values(AdapterFactory{"local_named", MakeNamed, {}, std::nullopt},
                      AdapterFactory{"local_absolute", MakeAbsolute, {}, std::nullopt},
                      AdapterFactory{"local_walk", MakeNamedWalking, {}, std::nullopt},
                      AdapterFactory{"local_unsynced", MakeNamedUnsynced, {}, std::nullopt}),
    PrintFactoryName);

}  // namespace
}  // namespace tarn::block::testing
