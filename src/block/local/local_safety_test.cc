// Behaviour of the local adapter beyond the shared suite: confinement to its directories, crash
// safety, the on-disk layout and zero-copy reads.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "block/local/local_adapter.h"
#include "block/reader.h"
#include "block/testing/readers.h"

namespace tarn::block {
namespace {

namespace fs = std::filesystem;
using testing::FailingReader;
using testing::PatternBytes;
using testing::PatternReader;

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Every regular file below `dir`, as paths relative to it.
std::vector<std::string> FilesBelow(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() || it->is_symlink()) {
      out.push_back(fs::relative(it->path(), dir).string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool HasTempFiles(const fs::path& dir) {
  for (const std::string& f : FilesBelow(dir)) {
    if (f.find(".tarn-tmp-") != std::string::npos) return true;
  }
  return false;
}

class LocalAdapterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "tarn-local-safety-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    base_ = tmpl;
    fs::create_directories(base_ / "allowed");
    fs::create_directories(base_ / "outside");
    LocalOptions options;
    options.root = (base_ / "root").string();
    options.allowed_prefixes = {(base_ / "allowed").string()};
    auto adapter = NewLocalAdapter(options);
    ASSERT_TRUE(adapter.ok()) << adapter.status().ToString();
    adapter_ = std::move(adapter).value();
  }
  void TearDown() override {
    adapter_.reset();
    std::error_code ec;
    fs::remove_all(base_, ec);
  }

  ObjectPointer Ptr(std::string key) const { return ObjectPointer{"local://repo", key}; }
  fs::path NsDir() const { return base_ / "root" / "repo"; }

  Status Put(const ObjectPointer& object, std::string_view body) {
    ViewReader reader(body);
    PutOptions options;
    options.size = body.size();
    return adapter_->Put(object, reader, options).status();
  }
  Result<std::string> Get(const ObjectPointer& object) {
    ASSIGN_OR_RETURN(auto reader, adapter_->Get(object, std::nullopt));
    return ReadAll(*reader, 1 << 26);
  }

  fs::path base_;
  std::unique_ptr<Adapter> adapter_;
};

// ---- confinement ----

TEST_F(LocalAdapterTest, EscapingKeysAreRejectedAndWriteNothing) {
  ASSERT_TRUE(Put(Ptr("inside"), "x").ok());
  for (std::string key : std::vector<std::string>{
           "../escape", "a/../../escape", "/etc/escape", "a//b", "./a", "a/./b", "a/", ".", "..",
           ".tarn-tmp-1234", "a/.tarn-uploads/x", std::string("a\0b", 3)}) {
    EXPECT_EQ(Put(Ptr(key), "evil").code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(adapter_->Head(Ptr(key)).status().code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(adapter_->Delete(Ptr(key)).code(), StatusCode::kInvalidArgument) << key;
  }
  EXPECT_EQ(FilesBelow(base_), std::vector<std::string>{"root/repo/inside"});
}

TEST_F(LocalAdapterTest, EscapingNamespacesAreRejected) {
  for (std::string ns :
       std::vector<std::string>{"local://..", "local://repo/../x", "local://.tarn-uploads",
                                "local:///allowed/../outside"}) {
    EXPECT_EQ(Put(ObjectPointer{ns, "k"}, "evil").code(), StatusCode::kInvalidArgument) << ns;
  }
  EXPECT_EQ(Put(ObjectPointer{"s3://bucket", "k"}, "x").code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(FilesBelow(base_).empty());
}

TEST_F(LocalAdapterTest, AbsoluteNamespacesOnlyUnderAllowedPrefixes) {
  std::string allowed = "local://" + (base_ / "allowed").string();
  EXPECT_TRUE(Put(ObjectPointer{allowed, "k"}, "at the prefix").ok());
  EXPECT_TRUE(Put(ObjectPointer{allowed + "/repo", "k"}, "below it").ok());
  EXPECT_EQ(*Get(ObjectPointer{allowed + "/repo", "k"}), "below it");
  for (std::string ns :
       std::vector<std::string>{"local://" + (base_ / "outside").string(),
                                "local://" + (base_ / "allowed-sibling").string(),
                                "local://" + base_.string(), std::string("local:///etc")}) {
    EXPECT_EQ(Put(ObjectPointer{ns, "k"}, "evil").code(), StatusCode::kPermissionDenied) << ns;
    EXPECT_EQ(adapter_->Head(ObjectPointer{ns, "k"}).status().code(),
              StatusCode::kPermissionDenied);
    EXPECT_EQ(adapter_->List(ns, "", "", 10).status().code(), StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(FilesBelow(base_), (std::vector<std::string>{"allowed/k", "allowed/repo/k"}));
}

TEST_F(LocalAdapterTest, WithoutAllowedPrefixesNoAbsoluteNamespace) {
  LocalOptions options;
  options.root = (base_ / "root2").string();
  auto adapter = NewLocalAdapter(options);
  ASSERT_TRUE(adapter.ok());
  StringReader body("x");
  std::string ns = "local://" + (base_ / "allowed").string();
  EXPECT_EQ((*adapter)->Put(ObjectPointer{ns, "k"}, body, PutOptions{}).status().code(),
            StatusCode::kPermissionDenied);
}

TEST_F(LocalAdapterTest, SymlinksInsideTheNamespaceAreNotFollowed) {
  ASSERT_TRUE(Put(Ptr("seed"), "x").ok());
  std::ofstream(base_ / "outside" / "secret") << "secret bytes";
  fs::create_directory_symlink(base_ / "outside", NsDir() / "link");
  fs::create_symlink(base_ / "outside" / "secret", NsDir() / "file-link");

  EXPECT_EQ(Put(Ptr("link/planted"), "evil").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(adapter_->Get(Ptr("link/secret"), std::nullopt).status().code(),
            StatusCode::kInvalidArgument);
  auto through_file_link = adapter_->Get(Ptr("file-link"), std::nullopt);
  EXPECT_FALSE(through_file_link.ok());
  // Neither is listed, and a Put onto the link replaces the link, not its target.
  auto page = adapter_->List("local://repo", "", "", 100);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].key, "seed");
  ASSERT_TRUE(Put(Ptr("file-link"), "replaced").ok());
  EXPECT_EQ(Slurp(base_ / "outside" / "secret"), "secret bytes");
  EXPECT_EQ(FilesBelow(base_ / "outside"), std::vector<std::string>{"secret"});
}

TEST_F(LocalAdapterTest, SymlinkedNamespaceUnderAnAllowedPrefixIsRejected) {
  fs::create_directory_symlink(base_ / "outside", base_ / "allowed" / "evil");
  std::string ns = "local://" + (base_ / "allowed" / "evil").string();
  EXPECT_EQ(Put(ObjectPointer{ns, "k"}, "evil").code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(FilesBelow(base_ / "outside").empty());
}

// ---- crash safety ----

TEST_F(LocalAdapterTest, FailingBodyLeavesOldObjectAndNoTemporaryFile) {
  ASSERT_TRUE(Put(Ptr("dir/obj"), "old").ok());
  PatternReader pattern(3 << 20, 1);
  FailingReader body(pattern, 2 << 20);
  auto put = adapter_->Put(Ptr("dir/obj"), body, PutOptions{});
  ASSERT_EQ(put.status().code(), StatusCode::kIOError);
  EXPECT_EQ(*Get(Ptr("dir/obj")), "old");
  EXPECT_FALSE(HasTempFiles(base_));

  PatternReader pattern2(3 << 20, 1);
  FailingReader body2(pattern2, 1000);
  ASSERT_FALSE(adapter_->Put(Ptr("new/dir/obj"), body2, PutOptions{}).ok());
  EXPECT_TRUE(adapter_->Head(Ptr("new/dir/obj")).status().IsNotFound());
  EXPECT_EQ(FilesBelow(base_), std::vector<std::string>{"root/repo/dir/obj"});
}

TEST_F(LocalAdapterTest, DiskFullIsIOErrorNamingThePathAndLeavesNoPartialObject) {
  // A file-size limit makes write(2) fail the way a full disk does, without needing one; it is
  // per process, so the failing Put runs in a child.
  ASSERT_TRUE(Put(Ptr("big"), "old").ok());
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit{1 << 20, 1 << 20};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    PatternReader body(4 << 20, 2);
    auto put = adapter_->Put(Ptr("big"), body, PutOptions{});
    bool ok = put.status().code() == StatusCode::kIOError &&
              put.status().message().find("local://repo/big") != std::string_view::npos;
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the Put did not fail with IOError naming the object";
  EXPECT_EQ(*Get(Ptr("big")), "old");
  EXPECT_FALSE(HasTempFiles(base_));
}

TEST_F(LocalAdapterTest, ConcurrentWritersLeaveNoTemporaryFiles) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        PatternReader body(10000 + t, t);
        EXPECT_TRUE(adapter_->Put(Ptr("same/key"), body, PutOptions{}).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(FilesBelow(base_), std::vector<std::string>{"root/repo/same/key"});
}

TEST_F(LocalAdapterTest, StaleTemporaryFilesAreNotListed) {
  ASSERT_TRUE(Put(Ptr("d/real"), "x").ok());
  std::ofstream(NsDir() / "d" / ".tarn-tmp-0123456789abcdef") << "crashed put";
  auto page = adapter_->List("local://repo", "", "", 100);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].key, "d/real");
}

// ---- layout ----

TEST_F(LocalAdapterTest, ObjectsAreFilesUnderTheNamespaceDirectory) {
  ASSERT_TRUE(Put(Ptr("a/b/c.txt"), "content").ok());
  EXPECT_EQ(Slurp(NsDir() / "a" / "b" / "c.txt"), "content");
  char value[256];
  ssize_t n =
      ::getxattr((NsDir() / "a" / "b" / "c.txt").c_str(), "user.tarn.meta", value, sizeof(value));
  ASSERT_GT(n, 0);
  struct stat st;
  ASSERT_EQ(::stat((NsDir() / "a" / "b" / "c.txt").c_str(), &st), 0);
  const int64_t mtime_ns =
      static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  EXPECT_EQ(std::string(value, n),
            "2\n7\n" + std::to_string(mtime_ns) + "\n9a0364b9e99bb480dd25e1f0284c8555\n");
}

TEST_F(LocalAdapterTest, VersionOneMetadataIsStillRead) {
  ASSERT_TRUE(Put(Ptr("old"), "content").ok());
  const std::string v1 = "1\n9a0364b9e99bb480dd25e1f0284c8555\ntext/plain";
  ASSERT_EQ(::setxattr((NsDir() / "old").c_str(), "user.tarn.meta", v1.data(), v1.size(), 0), 0);
  auto info = adapter_->Head(Ptr("old"));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->size, 7u);
  EXPECT_EQ(info->etag, "9a0364b9e99bb480dd25e1f0284c8555");
  EXPECT_EQ(info->content_type, "text/plain");
  EXPECT_GT(info->last_modified.time_since_epoch().count(), 0);
}

TEST_F(LocalAdapterTest, FilesPlacedByOtherMeansAreServedWithTheirMd5) {
  fs::create_directories(NsDir() / "imported");
  std::ofstream(NsDir() / "imported" / "file") << "hello";
  auto info = adapter_->Head(Ptr("imported/file"));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->etag, "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(info->size, 5u);
  auto page = adapter_->List("local://repo", "", "", 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].etag, "5d41402abc4b2a76b9719d911017c592");
}

TEST_F(LocalAdapterTest, DeletePrunesEmptyDirectoriesButKeepsTheNamespace) {
  ASSERT_TRUE(Put(Ptr("a/b/c"), "x").ok());
  ASSERT_TRUE(Put(Ptr("a/keep"), "y").ok());
  ASSERT_TRUE(adapter_->Delete(Ptr("a/b/c")).ok());
  EXPECT_FALSE(fs::exists(NsDir() / "a" / "b"));
  EXPECT_TRUE(fs::exists(NsDir() / "a" / "keep"));
  ASSERT_TRUE(adapter_->Delete(Ptr("a/keep")).ok());
  EXPECT_FALSE(fs::exists(NsDir() / "a"));
  EXPECT_TRUE(fs::is_directory(NsDir()));
}

TEST_F(LocalAdapterTest, AnObjectCannotAlsoBeAPrefix) {
  ASSERT_TRUE(Put(Ptr("x"), "file").ok());
  EXPECT_EQ(Put(Ptr("x/y"), "below").code(), StatusCode::kConflict);
  ASSERT_TRUE(Put(Ptr("p/q"), "below").ok());
  EXPECT_EQ(Put(Ptr("p"), "file").code(), StatusCode::kConflict);
  ASSERT_TRUE(adapter_->Delete(Ptr("p/q")).ok());
  EXPECT_TRUE(Put(Ptr("p"), "file").ok()) << "the emptied directory no longer blocks the name";
}

TEST_F(LocalAdapterTest, MultipartPartsAreStagedInAHiddenUploadDirectory) {
  auto id = adapter_->CreateMultipartUpload(Ptr("mp/obj"), PutOptions{{}, "text/plain"});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  StringReader body("part bytes");
  auto etag = adapter_->UploadPart(Ptr("mp/obj"), *id, 7, body, std::nullopt);
  ASSERT_TRUE(etag.ok()) << etag.status().ToString();
  fs::path staging = NsDir() / ".tarn-uploads" / *id;
  EXPECT_TRUE(fs::exists(staging / "manifest"));
  EXPECT_EQ(Slurp(staging / "part-00007"), "part bytes");
  EXPECT_TRUE(adapter_->List("local://repo", "", "", 10)->entries.empty());

  std::vector<CompletedPart> parts = {{7, *etag}};
  ASSERT_TRUE(adapter_->CompleteMultipartUpload(Ptr("mp/obj"), *id, parts).ok());
  EXPECT_FALSE(fs::exists(staging));
  EXPECT_EQ(Slurp(NsDir() / "mp" / "obj"), "part bytes");
}

TEST_F(LocalAdapterTest, UploadIdsAreValidated) {
  StringReader body("x");
  EXPECT_EQ(adapter_->UploadPart(Ptr("k"), "../../etc", 1, body, 1).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(adapter_->AbortMultipartUpload(Ptr("k"), "ABCDEF").code(),
            StatusCode::kInvalidArgument);
}

TEST_F(LocalAdapterTest, AnUploadBelongsToItsKey) {
  auto id = adapter_->CreateMultipartUpload(Ptr("one"), PutOptions{});
  ASSERT_TRUE(id.ok());
  StringReader body("x");
  EXPECT_TRUE(adapter_->UploadPart(Ptr("other"), *id, 1, body, 1).status().IsNotFound());
}

// ---- zero-copy reads ----

TEST_F(LocalAdapterTest, FileRangeAddressesTheServedBytes) {
  std::string bytes = PatternBytes(100000, 4);
  ASSERT_TRUE(Put(Ptr("zc"), bytes).ok());
  ByteRange range{ByteRange::Kind::kFromTo, 1234, 56788, 0};
  auto reader = adapter_->Get(Ptr("zc"), range);
  ASSERT_TRUE(reader.ok());
  auto file_range = (*reader)->file_range();
  ASSERT_TRUE(file_range.has_value());
  EXPECT_EQ(file_range->offset, 1234u);
  EXPECT_EQ(file_range->length, 55555u);
  std::string via_fd(file_range->length, '\0');
  ASSERT_EQ(::pread(file_range->fd, via_fd.data(), via_fd.size(), file_range->offset),
            static_cast<ssize_t>(via_fd.size()));
  EXPECT_EQ(via_fd, bytes.substr(1234, 55555));
}

TEST_F(LocalAdapterTest, AnOpenReaderKeepsTheVersionItOpened) {
  std::string old_bytes = PatternBytes(200000, 5);
  ASSERT_TRUE(Put(Ptr("v"), old_bytes).ok());
  auto reader = adapter_->Get(Ptr("v"), std::nullopt);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE(Put(Ptr("v"), "new").ok());
  ASSERT_TRUE(adapter_->Delete(Ptr("v")).ok());
  EXPECT_EQ(*ReadAll(**reader, 1 << 20), old_bytes);
}

// ---- construction ----

TEST(LocalAdapterOptionsTest, RelativePathsAreInvalidArgument) {
  LocalOptions relative_root;
  relative_root.root = "relative/root";
  EXPECT_EQ(NewLocalAdapter(relative_root).status().code(), StatusCode::kInvalidArgument);
  LocalOptions relative_prefix;
  relative_prefix.root = ::testing::TempDir() + "tarn-local-options";
  relative_prefix.allowed_prefixes = {"data"};
  EXPECT_EQ(NewLocalAdapter(relative_prefix).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tarn::block
