// The Destination contract for every destination: a local directory, the memory block adapter,
// and an S3 bucket on a real S3 server (TARN_TEST_S3_ENDPOINT, as the block adapter tests; the
// S3 tests fail without one unless TARN_SKIP_S3_TESTS=1), plus what only a local directory does.
#include "export/destination.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "block/etag.h"
#include "block/memory/memory_adapter.h"
#include "block/reader.h"
#include "export/adapter_destination.h"
#include "export/local_destination.h"
#include "s3/client/s3_client.h"

namespace tarn::exporter {
namespace {

namespace fs = std::filesystem;

std::string Env(const char* name, const char* fallback = "") {
  const char* v = std::getenv(name);
  return v == nullptr ? fallback : v;
}

fs::path TempDir() {
  fs::path dir = fs::temp_directory_path() / ("tarn-export-dest-" + std::to_string(::getpid()) +
                                              "-" + std::to_string(std::random_device{}()));
  fs::create_directories(dir);
  return dir;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

Result<WriteResult> WriteString(Destination& d, std::string_view path, std::string_view bytes) {
  block::ViewReader reader(bytes);
  return d.Write(path, reader, bytes.size());
}

std::vector<std::string> ListPaths(Destination& d) {
  std::vector<std::string> out;
  Status s = d.List([&](const DestinationEntry& e) {
    out.push_back(e.path);
    return Status::OK();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// Yields `size` bytes of a repeating pattern without holding them.
class PatternReader final : public block::Reader {
 public:
  explicit PatternReader(uint64_t size) : left_(size) {}
  Result<std::size_t> Read(std::span<char> out) override {
    std::size_t n = static_cast<std::size_t>(std::min<uint64_t>(left_, out.size()));
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<char>('a' + (pos_++ % 26));
    left_ -= n;
    return n;
  }

 private:
  uint64_t left_;
  uint64_t pos_ = 0;
};

enum class Kind { kLocal, kMemory, kS3 };

class DestinationContractTest : public ::testing::TestWithParam<Kind> {
 protected:
  void SetUp() override {
    switch (GetParam()) {
      case Kind::kLocal: {
        dir_ = TempDir();
        auto d = NewLocalDestination(dir_.string());
        ASSERT_TRUE(d.ok()) << d.status().ToString();
        dest_ = std::move(*d);
        break;
      }
      case Kind::kMemory:
        dest_ = NewAdapterDestination(block::NewMemoryAdapter(), "mem://dest/prefix");
        break;
      case Kind::kS3: {
        if (Env("TARN_TEST_S3_ENDPOINT").empty()) {
          if (Env("TARN_SKIP_S3_TESTS") == "1") GTEST_SKIP() << "TARN_SKIP_S3_TESTS=1";
          FAIL() << "TARN_TEST_S3_ENDPOINT is not set: start an S3 server with "
                    "`eval \"$(scripts/s3rver-start.sh)\"`, or set TARN_SKIP_S3_TESTS=1";
        }
        bucket_ = "tarn-export-" + std::to_string(::getpid()) + "-" +
                  std::to_string(std::random_device{}() % 1000000);
        s3::S3ClientOptions o;
        o.endpoint = Env("TARN_TEST_S3_ENDPOINT");
        o.region = Env("TARN_TEST_S3_REGION", "us-east-1");
        o.credentials = {Env("TARN_TEST_S3_ACCESS_KEY_ID", "S3RVER"),
                         Env("TARN_TEST_S3_SECRET_ACCESS_KEY", "S3RVER"), ""};
        o.force_path_style = true;
        auto client = s3::S3Client::Create(o);
        ASSERT_TRUE(client.ok()) << client.status().ToString();
        ASSERT_TRUE((*client)->CreateBucket(bucket_).ok());
        S3DestinationOptions opts;
        opts.environment = {{"AWS_ACCESS_KEY_ID", o.credentials.access_key_id},
                            {"AWS_SECRET_ACCESS_KEY", o.credentials.secret_access_key},
                            {"AWS_ENDPOINT_URL", o.endpoint},
                            {"AWS_REGION", o.region}};
        auto d = OpenDestination("s3://" + bucket_ + "/exported", opts);
        ASSERT_TRUE(d.ok()) << d.status().ToString();
        dest_ = std::move(*d);
        break;
      }
    }
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  fs::path dir_;
  std::string bucket_;
  std::unique_ptr<Destination> dest_;
};

TEST_P(DestinationContractTest, WritesReplacesAndStats) {
  ASSERT_TRUE(WriteString(*dest_, "a/b.csv", "first").ok());
  ASSERT_TRUE(WriteString(*dest_, "a/b.csv", "second!").ok());
  auto st = dest_->Stat("a/b.csv");
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  ASSERT_TRUE(st->has_value());
  EXPECT_EQ((*st)->size, 7u);
  if (!(*st)->etag.empty()) {
    EXPECT_EQ((*st)->etag, block::Md5HexOf("second!"));
  }
  auto md5 = dest_->ContentMd5("a/b.csv");
  ASSERT_TRUE(md5.ok());
  EXPECT_EQ(*md5, block::Md5HexOf("second!"));
  auto missing = dest_->Stat("a/none");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  EXPECT_TRUE(dest_->ContentMd5("a/none").status().IsNotFound());
}

TEST_P(DestinationContractTest, OpenReadsWhatWasWritten) {
  ASSERT_TRUE(WriteString(*dest_, "_tarn_export.json", "{\"x\":1}").ok());
  auto r = dest_->Open("_tarn_export.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto all = block::ReadAll(**r, 1024);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, "{\"x\":1}");
  EXPECT_TRUE(dest_->Open("nothing-here").status().IsNotFound());
}

TEST_P(DestinationContractTest, ABodyOfTheWrongSizeIsRefused) {
  block::ViewReader reader("abc");
  EXPECT_FALSE(dest_->Write("short", reader, 10).ok());
  auto st = dest_->Stat("short");
  ASSERT_TRUE(st.ok());
  EXPECT_FALSE(st->has_value()) << "nothing is left behind";
}

TEST_P(DestinationContractTest, ListsInByteOrderWithTrickyNames) {
  for (std::string p : {"a/b", "a-b", "z", "space name.txt", "ünïcode/ß", "pct%20x", "a/c/d"}) {
    ASSERT_TRUE(WriteString(*dest_, p, p).ok()) << p;
  }
  EXPECT_EQ(ListPaths(*dest_), (std::vector<std::string>{"a-b", "a/b", "a/c/d", "pct%20x",
                                                         "space name.txt", "z", "ünïcode/ß"}));
}

TEST_P(DestinationContractTest, ListingTwiceSeesTheSameObjects) {
  ASSERT_TRUE(WriteString(*dest_, "d/x", "1").ok());
  ASSERT_TRUE(WriteString(*dest_, "y", "2").ok());
  EXPECT_EQ(ListPaths(*dest_), (std::vector<std::string>{"d/x", "y"}));
  EXPECT_EQ(ListPaths(*dest_), (std::vector<std::string>{"d/x", "y"}));
}

TEST_P(DestinationContractTest, RemovesAndRemovingNothingIsFine) {
  ASSERT_TRUE(WriteString(*dest_, "d/x", "1").ok());
  ASSERT_TRUE(dest_->Remove("d/x").ok());
  EXPECT_TRUE(ListPaths(*dest_).empty());
  EXPECT_TRUE(dest_->Remove("d/x").ok());
  EXPECT_TRUE(dest_->Flush().ok());
}

TEST_P(DestinationContractTest, LargeBodiesStream) {
  constexpr uint64_t kSize = 20 * 1024 * 1024 + 17;
  PatternReader body(kSize);
  auto w = dest_->Write("big.bin", body, kSize);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  auto st = dest_->Stat("big.bin");
  ASSERT_TRUE(st.ok() && st->has_value());
  EXPECT_EQ((*st)->size, kSize);
}

TEST_P(DestinationContractTest, ServerSideCopyOnlyFromTheSameService) {
  EXPECT_EQ(dest_->CopyFrom("local://ns/key", "x", 1).status().code(), StatusCode::kNotImplemented);
  if (GetParam() != Kind::kS3) return;
  ASSERT_TRUE(WriteString(*dest_, "src.txt", "copied bytes").ok());
  auto copied = dest_->CopyFrom("s3://" + bucket_ + "/exported/src.txt", "dst.txt", 12);
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  auto md5 = dest_->ContentMd5("dst.txt");
  ASSERT_TRUE(md5.ok());
  EXPECT_EQ(*md5, block::Md5HexOf("copied bytes"));
}

INSTANTIATE_TEST_SUITE_P(All, DestinationContractTest,
                         ::testing::Values(Kind::kLocal, Kind::kMemory, Kind::kS3),
                         [](const auto& info) {
                           switch (info.param) {
                             case Kind::kLocal:
                               return std::string("Local");
                             case Kind::kMemory:
                               return std::string("Memory");
                             default:
                               return std::string("S3");
                           }
                         });

class LocalDestinationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TempDir();
    auto d = NewLocalDestination(dir_.string());
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    dest_ = std::move(*d);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::unique_ptr<Destination> dest_;
};

TEST_F(LocalDestinationTest, WritesPlainFilesAndReportsTheChecksumOfWhatItStored) {
  auto w = WriteString(*dest_, "x/y/z.txt", "hello");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->etag, block::Md5HexOf("hello"));
  EXPECT_EQ(w->size, 5u);
  EXPECT_EQ(ReadFile(dir_ / "x/y/z.txt"), "hello");
  EXPECT_EQ(dest_->Describe(), dir_.string());
}

TEST_F(LocalDestinationTest, PathsThatWouldEscapeOrAliasAreRefused) {
  for (std::string p : {"../evil", "a/../../b", "/abs", "a//b", "./a", "", "a/.tarn-export-x"}) {
    EXPECT_EQ(WriteString(*dest_, p, "x").status().code(), StatusCode::kInvalidArgument) << p;
  }
  EXPECT_FALSE(fs::exists(dir_.parent_path() / "evil"));
}

TEST_F(LocalDestinationTest, ADirectoryInTheWayIsNotRetryable) {
  fs::create_directories(dir_ / "a/b.csv");
  auto w = WriteString(*dest_, "a/b.csv", "x");
  EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument) << w.status().ToString();
  EXPECT_NE(w.status().message().find("a/b.csv"), std::string_view::npos);
  std::ofstream(dir_ / "file") << "x";
  EXPECT_EQ(WriteString(*dest_, "file/child", "x").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(LocalDestinationTest, TemporaryFilesOfAKilledExportAreNotListedButRemoved) {
  fs::create_directories(dir_ / "sub");
  std::ofstream(dir_ / "sub/.tarn-export-0123.tmp") << "partial";
  ASSERT_TRUE(WriteString(*dest_, "kept", "1").ok());
  EXPECT_EQ(ListPaths(*dest_), std::vector<std::string>{"kept"});
  EXPECT_FALSE(fs::exists(dir_ / "sub/.tarn-export-0123.tmp"));
}

TEST_F(LocalDestinationTest, RemovePrunesEmptyDirectoriesButNotTheRoot) {
  ASSERT_TRUE(WriteString(*dest_, "a/b/c", "1").ok());
  ASSERT_TRUE(WriteString(*dest_, "a/other", "1").ok());
  ASSERT_TRUE(dest_->Remove("a/b/c").ok());
  EXPECT_FALSE(fs::exists(dir_ / "a/b"));
  EXPECT_TRUE(fs::exists(dir_ / "a/other"));
  ASSERT_TRUE(dest_->Remove("a/other").ok());
  EXPECT_FALSE(fs::exists(dir_ / "a"));
  EXPECT_TRUE(fs::exists(dir_));
}

TEST_F(LocalDestinationTest, DirectoryMarkersBecomeDirectories) {
  ASSERT_TRUE(WriteString(*dest_, "folder/", "").ok());
  EXPECT_TRUE(fs::is_directory(dir_ / "folder"));
  EXPECT_EQ(WriteString(*dest_, "folder2/", "data").status().code(), StatusCode::kInvalidArgument);
}

TEST(OpenDestinationTest, ParsesLocalAndS3Forms) {
  fs::path dir = TempDir();
  auto local = OpenDestination("file://" + (dir / "sub").string(), {});
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_EQ((*local)->Describe(), (dir / "sub").string());
  EXPECT_TRUE(fs::is_directory(dir / "sub"));
  std::ofstream(dir / "plain") << "x";
  EXPECT_EQ(OpenDestination((dir / "plain").string(), {}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenDestination("gs://bucket/x", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenDestination("s3://", {}).status().code(), StatusCode::kInvalidArgument);
  S3DestinationOptions none;  // no credentials anywhere
  auto s3 = OpenDestination("s3://bucket/prefix", none);
  EXPECT_EQ(s3.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s3.status().message().find("AWS_ACCESS_KEY_ID"), std::string_view::npos)
      << s3.status().ToString();
  S3DestinationOptions creds;
  creds.environment = {{"AWS_ACCESS_KEY_ID", "k"}, {"AWS_SECRET_ACCESS_KEY", "s"}};
  auto ok = OpenDestination("s3://bucket/prefix/", creds);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ((*ok)->Describe(), "s3://bucket/prefix");
  fs::remove_all(dir);
}

TEST(OpenDestinationTest, RelativePathsAreMadeAbsolute) {
  fs::path dir = TempDir();
  fs::path cwd = fs::current_path();
  fs::current_path(dir);
  auto d = OpenDestination("out/dir", {});
  fs::current_path(cwd);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ((*d)->Describe(), (dir / "out/dir").string());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tarn::exporter
