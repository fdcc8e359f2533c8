#include "kv/rocksdb/rocksdb_store.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kv/rocksdb/key_codec.h"
#include "kv/testing/store_conformance.h"

namespace tarn::kv {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "tarn-kv-rocksdb-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Sub(std::string_view name) const { return (fs::path(path_) / name).string(); }

 private:
  std::string path_;
};

// A store for the conformance suite that removes its directory once it is closed.
class DirOwningStore final : public Store {
 public:
  DirOwningStore(std::unique_ptr<TempDir> dir, std::unique_ptr<Store> inner)
      : dir_(std::move(dir)), inner_(std::move(inner)) {}

  std::string_view driver() const override { return inner_->driver(); }
  Result<Item> Get(std::string_view p, std::string_view k) override { return inner_->Get(p, k); }
  Status Set(std::string_view p, std::string_view k, std::string_view v) override {
    return inner_->Set(p, k, v);
  }
  Status SetIf(std::string_view p, std::string_view k, std::string_view v,
               const Predicate& predicate) override {
    return inner_->SetIf(p, k, v, predicate);
  }
  Status Delete(std::string_view p, std::string_view k) override { return inner_->Delete(p, k); }
  Status SetBatch(std::string_view p, std::span<const KeyValue> items) override {
    return inner_->SetBatch(p, items);
  }
  Result<std::unique_ptr<Iterator>> Scan(std::string_view p, std::string_view start,
                                         const ScanOptions& options) override {
    return inner_->Scan(p, start, options);
  }
  Status DeletePartition(std::string_view p) override { return inner_->DeletePartition(p); }
  Result<std::vector<std::string>> ListPartitions() override { return inner_->ListPartitions(); }

 private:
  std::unique_ptr<TempDir> dir_;  // destroyed after inner_
  std::unique_ptr<Store> inner_;
};

std::unique_ptr<Store> MakeFreshStore() {
  auto dir = std::make_unique<TempDir>();
  auto store = OpenRocksDbStore(RocksDbOptions{.path = dir->Sub("db")});
  if (!store.ok()) {
    ADD_FAILURE() << store.status().ToString();
    return nullptr;
  }
  return std::make_unique<DirOwningStore>(std::move(dir), std::move(store).value());
}

bool WriteAll(int fd, const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= n;
  }
  return true;
}

// False at end of file (the other side is gone) or on an error.
bool ReadAll(int fd, void* data, std::size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    ssize_t n = read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= n;
  }
  return true;
}

// A forked child process that talks to the test through two pipes. The child runs `body` with
// (fd to write to the parent, fd to read from the parent) and exits with its return value
// without running any destructor, so a store it opened is left exactly as a crash leaves it.
// Destroying the handle kills the child if it still runs, so a failed test never leaks one.
class ChildProcess {
 public:
  explicit ChildProcess(const std::function<int(int, int)>& body) {
    int up[2], down[2];
    if (pipe(up) != 0 || pipe(down) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      close(up[0]);
      close(down[1]);
      _exit(body(up[1], down[0]));
    }
    close(up[1]);
    close(down[0]);
    from_child_ = up[0];
    to_child_ = down[1];
  }
  ~ChildProcess() {
    if (pid_ > 0 && !reaped_) Kill();
    if (from_child_ >= 0) close(from_child_);
    if (to_child_ >= 0) close(to_child_);
  }

  bool started() const { return pid_ > 0; }
  bool Send(char c) { return WriteAll(to_child_, &c, 1); }
  std::optional<char> ReceiveByte() {
    char c;
    if (!ReadAll(from_child_, &c, 1)) return std::nullopt;
    return c;
  }
  bool Receive(void* data, std::size_t size) { return ReadAll(from_child_, data, size); }

  // Closes the pipe to the child (its signal to finish) and returns its wait status.
  int Finish() {
    close(to_child_);
    to_child_ = -1;
    return Reap();
  }
  // SIGKILLs the child and returns its wait status.
  int Kill() {
    kill(pid_, SIGKILL);
    return Reap();
  }

 private:
  int Reap() {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    return status;
  }

  pid_t pid_ = -1;
  bool reaped_ = false;
  int from_child_ = -1;
  int to_child_ = -1;
};

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "k%06d", i);
  return buf;
}

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out += static_cast<char>(b);
  return out;
}

// Built with append: GCC 12 warns (-Wrestrict, a false positive) on "literal" + std::string.
std::string AckedValue(int i) { return std::string("v").append(std::to_string(i)); }

std::vector<std::string> ScanKeys(Store& store, std::string_view partition) {
  std::vector<std::string> keys;
  auto it = store.Scan(partition, "");
  EXPECT_TRUE(it.ok()) << it.status().ToString();
  if (!it.ok()) return keys;
  for (; (*it)->Valid(); (*it)->Next()) keys.emplace_back((*it)->key());
  EXPECT_TRUE((*it)->status().ok()) << (*it)->status().ToString();
  return keys;
}

// Sets TMPDIR for the lifetime of the object (where read-only opens put their private files).
class ScopedTmpDir {
 public:
  explicit ScopedTmpDir(const std::string& dir) {
    if (const char* old = getenv("TMPDIR")) old_ = old;
    setenv("TMPDIR", dir.c_str(), 1);
  }
  ~ScopedTmpDir() {
    if (old_)
      setenv("TMPDIR", old_->c_str(), 1);
    else
      unsetenv("TMPDIR");
  }

 private:
  std::optional<std::string> old_;
};

class RocksDbStoreTest : public ::testing::Test {
 protected:
  RocksDbOptions Options() const { return RocksDbOptions{.path = dir_.Sub("db")}; }
  RocksDbOptions ReadOnly() const {
    RocksDbOptions o = Options();
    o.read_only = true;
    return o;
  }
  std::unique_ptr<Store> Open(const RocksDbOptions& options) {
    auto store = OpenRocksDbStore(options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  TempDir dir_;
};

TEST_F(RocksDbStoreTest, ReopenKeepsData) {
  {
    auto store = Open(Options());
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->driver(), "rocksdb");
    ASSERT_TRUE(store->Set("refs", "main", "c1").ok());
    ASSERT_TRUE(store->SetIf("refs", "dev", "c2", Predicate::Absent()).ok());
    std::vector<KeyValue> batch = {{"a", "1"}, {"b", ""}, {"c", "3"}};
    ASSERT_TRUE(store->SetBatch("staging", batch).ok());
    ASSERT_TRUE(store->Delete("staging", "c").ok());
  }
  auto store = Open(Options());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Get("refs", "main")->value, "c1");
  EXPECT_EQ(store->Get("refs", "dev")->value, "c2");
  EXPECT_EQ(ScanKeys(*store, "staging"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(store->Get("staging", "b")->value, "");
  EXPECT_TRUE(store->Get("staging", "c").status().IsNotFound());
  EXPECT_EQ(*store->ListPartitions(), (std::vector<std::string>{"refs", "staging"}));
}

TEST_F(RocksDbStoreTest, SyncWritesWorkAndSurviveReopen) {
  RocksDbOptions options = Options();
  options.sync = true;
  {
    auto store = Open(options);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Set("p", "a", "1").ok());
    ASSERT_TRUE(store->SetIf("p", "a", "2", Predicate::Value("1")).ok());
    std::vector<KeyValue> batch = {{"b", "x"}, {"c", "y"}};
    ASSERT_TRUE(store->SetBatch("p", batch).ok());
    ASSERT_TRUE(store->Delete("p", "c").ok());
    ASSERT_TRUE(store->Set("gone", "k", "v").ok());
    ASSERT_TRUE(store->DeletePartition("gone").ok());
  }
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Get("p", "a")->value, "2");
  EXPECT_EQ(ScanKeys(*store, "p"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(*store->ListPartitions(), std::vector<std::string>{"p"});
}

TEST_F(RocksDbStoreTest, AcknowledgedWritesSurviveSigkill) {
  constexpr int32_t kAcksBeforeKill = 3000;
  RocksDbOptions options = Options();
  ChildProcess child([&](int to_parent, int) {
    auto store = OpenRocksDbStore(options);
    if (!store.ok()) return 2;
    for (int32_t i = 0;; ++i) {
      std::string value = AckedValue(i);
      Status s;
      // Every kind of write must be durable once acknowledged.
      switch (i % 3) {
        case 0:
          s = (*store)->Set("p", Key(i), value);
          break;
        case 1:
          s = (*store)->SetIf("p", Key(i), value, Predicate::Absent());
          break;
        default: {
          KeyValue item{Key(i), value};
          s = (*store)->SetBatch("p", std::span<const KeyValue>(&item, 1));
        }
      }
      if (!s.ok()) return 3;
      if (!WriteAll(to_parent, &i, sizeof(i))) return 4;
    }
  });
  ASSERT_TRUE(child.started());
  int32_t last_acked = -1;
  int32_t acked = 0;
  while (last_acked + 1 < kAcksBeforeKill && child.Receive(&acked, sizeof(acked))) {
    ASSERT_EQ(acked, last_acked + 1);
    last_acked = acked;
  }
  int status = child.Kill();
  ASSERT_TRUE(WIFSIGNALED(status))
      << "the writer exited early with status " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  // Acknowledgements already in the pipe count too: the child finished those writes.
  while (child.Receive(&acked, sizeof(acked))) last_acked = acked;
  ASSERT_GE(last_acked + 1, kAcksBeforeKill);

  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  for (int32_t i = 0; i <= last_acked; ++i) {
    auto item = store->Get("p", Key(i));
    ASSERT_TRUE(item.ok()) << "acknowledged write " << i
                           << " was lost: " << item.status().ToString();
    ASSERT_EQ(item->value, AckedValue(i));
  }
}

TEST_F(RocksDbStoreTest, OpeningAStoreOpenInThisProcessIsUnavailable) {
  auto first = Open(Options());
  ASSERT_NE(first, nullptr);
  auto second = OpenRocksDbStore(Options());
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(second.status().IsUnavailable()) << second.status().ToString();
  EXPECT_NE(second.status().message().find(Options().path), std::string_view::npos);
  EXPECT_NE(second.status().message().find("read-only"), std::string_view::npos);
}

TEST_F(RocksDbStoreTest, OpeningAStoreOpenInAnotherProcessIsUnavailable) {
  RocksDbOptions options = Options();
  ChildProcess child([&](int to_parent, int from_parent) {
    auto store = OpenRocksDbStore(options);
    if (!store.ok()) return 2;
    char c = 'R';
    if (!WriteAll(to_parent, &c, 1)) return 3;
    while (ReadAll(from_parent, &c, 1)) {
    }
    return 0;
  });
  ASSERT_TRUE(child.started());
  ASSERT_EQ(child.ReceiveByte(), 'R');
  auto store = OpenRocksDbStore(options);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.status().IsUnavailable()) << store.status().ToString();
  std::string_view message = store.status().message();
  EXPECT_NE(message.find(options.path), std::string_view::npos) << message;
  EXPECT_NE(message.find("in use by another process"), std::string_view::npos) << message;
  EXPECT_NE(message.find("read-only"), std::string_view::npos) << message;
  int status = child.Finish();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  // Once the holder is gone the store opens again.
  EXPECT_NE(Open(options), nullptr);
}

TEST_F(RocksDbStoreTest, ReadOnlyOpenFollowsAWriterInAnotherProcess) {
  RocksDbOptions options = Options();
  ChildProcess child([&](int to_parent, int from_parent) {
    auto store = OpenRocksDbStore(options);
    if (!store.ok()) return 2;
    for (int i = 0; i < 100; ++i) {
      if (!(*store)->Set("p", Key(i), std::to_string(i)).ok()) return 3;
    }
    std::vector<KeyValue> batch = {{"x", "1"}, {"y", "2"}};
    if (!(*store)->SetBatch("q", batch).ok()) return 3;
    char c = 'R';
    if (!WriteAll(to_parent, &c, 1)) return 4;
    while (ReadAll(from_parent, &c, 1)) {
      if (!(*store)->Set("p", "late", "v").ok()) return 5;
      if (!(*store)->DeletePartition("q").ok()) return 5;
      if (!WriteAll(to_parent, &c, 1)) return 4;
    }
    return 0;
  });
  ASSERT_TRUE(child.started());
  ASSERT_EQ(child.ReceiveByte(), 'R');

  TempDir private_tmp;
  std::unique_ptr<Store> reader;
  {
    ScopedTmpDir tmp(private_tmp.path());
    reader = Open(ReadOnly());
  }
  ASSERT_NE(reader, nullptr);
  EXPECT_FALSE(fs::is_empty(private_tmp.path())) << "the follower keeps its files elsewhere";

  // Everything the writer acknowledged is visible.
  for (int i = 0; i < 100; ++i) {
    auto item = reader->Get("p", Key(i));
    ASSERT_TRUE(item.ok()) << item.status().ToString();
    EXPECT_EQ(item->value, std::to_string(i));
  }
  EXPECT_EQ(ScanKeys(*reader, "q"), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(*reader->ListPartitions(), (std::vector<std::string>{"p", "q"}));

  // Writes are refused, clearly.
  Status set = reader->Set("p", "k", "v");
  EXPECT_EQ(set.code(), StatusCode::kPermissionDenied) << set.ToString();
  EXPECT_NE(set.message().find("read-only"), std::string_view::npos);
  EXPECT_NE(set.message().find(options.path), std::string_view::npos);
  EXPECT_EQ(reader->SetIf("p", "k", "v", Predicate::Absent()).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(reader->Delete("p", Key(0)).code(), StatusCode::kPermissionDenied);
  std::vector<KeyValue> batch = {{"k", "v"}};
  EXPECT_EQ(reader->SetBatch("p", batch).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(reader->DeletePartition("p").code(), StatusCode::kPermissionDenied);

  // Later writes show up in later reads.
  EXPECT_TRUE(reader->Get("p", "late").status().IsNotFound());
  ASSERT_TRUE(child.Send('w'));
  ASSERT_EQ(child.ReceiveByte(), 'w');
  auto late = reader->Get("p", "late");
  ASSERT_TRUE(late.ok()) << late.status().ToString();
  EXPECT_EQ(late->value, "v");
  EXPECT_TRUE(ScanKeys(*reader, "q").empty());
  EXPECT_EQ(*reader->ListPartitions(), std::vector<std::string>{"p"});

  reader.reset();
  EXPECT_TRUE(fs::is_empty(private_tmp.path())) << "closing removes the follower's files";
  int status = child.Finish();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST_F(RocksDbStoreTest, ReadOnlyOpenOfAClosedStoreReadsAndRefusesWrites) {
  {
    auto store = Open(Options());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Set("p", "a", "1").ok());
  }
  auto reader = Open(ReadOnly());
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->Get("p", "a")->value, "1");
  EXPECT_EQ(reader->Set("p", "b", "2").code(), StatusCode::kPermissionDenied);
  // A follower does not hold the lock: a writer can still open the store.
  EXPECT_NE(Open(Options()), nullptr);
}

TEST_F(RocksDbStoreTest, DeletePartitionLeavesNeighboursIntactAcrossReopen) {
  const std::vector<std::string> neighbours = {"stagin",
                                               "staging2",
                                               "staging" + Bytes({0x00}),
                                               "staging" + Bytes({0xFF}),
                                               Bytes({0x00}) + "staging",
                                               Bytes({0xFF})};
  {
    auto store = Open(Options());
    ASSERT_NE(store, nullptr);
    std::vector<KeyValue> batch;
    for (int i = 0; i < 1000; ++i) batch.push_back({Key(i), "v"});
    ASSERT_TRUE(store->SetBatch("staging", batch).ok());
    for (const auto& n : neighbours) {
      ASSERT_TRUE(store->Set(n, Bytes({0x00}), "first").ok());
      ASSERT_TRUE(store->Set(n, Bytes({0xFF, 0xFF}), "last").ok());
    }
    ASSERT_TRUE(store->DeletePartition("staging").ok());
  }
  auto store = Open(Options());
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(ScanKeys(*store, "staging").empty());
  for (const auto& n : neighbours) {
    EXPECT_EQ(ScanKeys(*store, n), (std::vector<std::string>{Bytes({0x00}), Bytes({0xFF, 0xFF})}))
        << "neighbour " << n;
  }
  std::vector<std::string> expected = neighbours;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(*store->ListPartitions(), expected);
}

TEST_F(RocksDbStoreTest, MissingStoreIsNotFoundWithoutCreate) {
  RocksDbOptions options = Options();
  options.create_if_missing = false;
  auto store = OpenRocksDbStore(options);
  EXPECT_TRUE(store.status().IsNotFound()) << store.status().ToString();
  EXPECT_NE(store.status().message().find(options.path), std::string_view::npos);
  EXPECT_FALSE(fs::exists(options.path));
  EXPECT_TRUE(OpenRocksDbStore(ReadOnly()).status().IsNotFound());
}

TEST_F(RocksDbStoreTest, MissingParentDirectoriesAreCreated) {
  RocksDbOptions options = Options();
  options.path = dir_.Sub("a/b/c");
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->Set("p", "k", "v").ok());
}

TEST_F(RocksDbStoreTest, EmptyPathIsInvalidArgument) {
  EXPECT_EQ(OpenRocksDbStore(RocksDbOptions{}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(RocksDbStoreTest, CorruptStoreIsCorruptionNamingThePath) {
  { ASSERT_NE(Open(Options()), nullptr); }
  std::string manifest;
  for (const auto& entry : fs::directory_iterator(Options().path)) {
    if (entry.path().filename().string().starts_with("MANIFEST-")) manifest = entry.path();
  }
  ASSERT_FALSE(manifest.empty());
  { std::ofstream(manifest, std::ios::trunc) << "not a manifest, just some garbage bytes"; }
  auto store = OpenRocksDbStore(Options());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption) << store.status().ToString();
  EXPECT_NE(store.status().message().find(Options().path), std::string_view::npos);
}

TEST_F(RocksDbStoreTest, ForeignRocksDbIsRefused) {
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, Options().path, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "some", "data").ok());
  }
  auto store = OpenRocksDbStore(Options());
  EXPECT_TRUE(store.status().IsPreconditionFailed()) << store.status().ToString();
  EXPECT_NE(store.status().message().find("not a tarn store"), std::string_view::npos);
  EXPECT_TRUE(OpenRocksDbStore(ReadOnly()).status().IsPreconditionFailed());
}

TEST_F(RocksDbStoreTest, UnknownFormatIsRefused) {
  { ASSERT_NE(Open(Options()), nullptr); }
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), Options().path, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(),
                        rocksdb::Slice(kRocksFormatKey.data(), kRocksFormatKey.size()),
                        "tarn-kv-rocksdb/99")
                    .ok());
  }
  auto store = OpenRocksDbStore(Options());
  EXPECT_TRUE(store.status().IsPreconditionFailed()) << store.status().ToString();
  EXPECT_NE(store.status().message().find("tarn-kv-rocksdb/99"), std::string_view::npos);
}

TEST_F(RocksDbStoreTest, OversizedKeysAndValuesAreInvalidArgument) {
  auto store = Open(Options());
  ASSERT_NE(store, nullptr);
  std::string big_key(kRocksDbMaxKeyBytes + 1, 'k');
  std::string big_partition(kRocksDbMaxPartitionBytes + 1, 'p');
  EXPECT_EQ(store->Set("p", big_key, "v").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store->Set(big_partition, "k", "v").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store->Get("p", big_key).status().code(), StatusCode::kInvalidArgument);
  std::string long_key(kRocksDbMaxKeyBytes, 'k');
  EXPECT_TRUE(store->Set("p", long_key, "v").ok());
  EXPECT_EQ(store->Get("p", long_key)->value, "v");
}

TEST_F(RocksDbStoreTest, WorksWithoutABlockCache) {
  RocksDbOptions options = Options();
  options.block_cache_bytes = 0;
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Set("p", "k", "v").ok());
  EXPECT_EQ(store->Get("p", "k")->value, "v");
}

TEST_F(RocksDbStoreTest, ScanRefreshesAcrossAPartitionDeletedAndRewritten) {
  auto store = Open(Options());
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(store->Set("p", Key(i), "old").ok());
  auto it = store->Scan("p", "", ScanOptions{4});
  ASSERT_TRUE(it.ok());
  std::vector<std::string> seen;
  for (; (*it)->Valid(); (*it)->Next()) {
    seen.emplace_back((*it)->key());
    if (seen.size() == 10) {
      // The rest of the scan may see the new keys (after a refresh) or not, but never a key
      // before the cursor again.
      ASSERT_TRUE(store->DeletePartition("p").ok());
      for (int i = 0; i < 50; ++i) ASSERT_TRUE(store->Set("p", Key(i), "new").ok());
    }
  }
  ASSERT_TRUE((*it)->status().ok());
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end());
  EXPECT_EQ(seen.size(), 50u);
}

}  // namespace

namespace testing {

INSTANTIATE_TEST_SUITE_P(RocksDb, StoreConformanceTest,
                         ::testing::Values(StoreFactory{"rocksdb", MakeFreshStore, nullptr}),
                         PrintFactoryName);

}  // namespace testing
}  // namespace tarn::kv
