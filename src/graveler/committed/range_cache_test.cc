#include "graveler/committed/range_cache.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace tarn::graveler::committed {
namespace {
namespace fs = std::filesystem;

std::string Id(char c) { return std::string(64, c); }

class RangeCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "tarn-range-cache-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<RangeCache> Open(uint64_t capacity) {
    auto cache = RangeCache::Open({.dir = dir_, .capacity_bytes = capacity});
    EXPECT_TRUE(cache.ok()) << cache.status().ToString();
    return cache.ok() ? std::move(cache).value() : nullptr;
  }

  static RangeCache::Fetch Writing(std::string contents, std::atomic<int>* calls = nullptr) {
    return [contents, calls](const std::string& path) {
      if (calls != nullptr) ++*calls;
      std::ofstream(path, std::ios::binary) << contents;
      return Status::OK();
    };
  }

  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  std::string dir_;
};

TEST_F(RangeCacheTest, MissFetchesThenHitServesTheSameFile) {
  auto cache = Open(1 << 20);
  std::atomic<int> calls{0};
  auto first = cache->Acquire("mem://a", Id('1'), Writing("hello", &calls));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(Read(first->path()), "hello");
  auto second = cache->Acquire("mem://a", Id('1'), Writing("other", &calls));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(Read(second->path()), "hello");
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(cache->stats().hits, 1u);
  EXPECT_EQ(cache->stats().fetches, 1u);
}

TEST_F(RangeCacheTest, InsertedFileIsServedWithoutFetching) {
  auto cache = Open(1 << 20);
  std::string temp = cache->NewTempPath();
  std::ofstream(temp) << "written";
  ASSERT_TRUE(cache->Insert("mem://a", Id('2'), temp).ok());
  EXPECT_FALSE(fs::exists(temp));
  EXPECT_TRUE(cache->Contains("mem://a", Id('2')));
  std::atomic<int> calls{0};
  auto file = cache->Acquire("mem://a", Id('2'), Writing("fetched", &calls));
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(Read(file->path()), "written");
  EXPECT_EQ(calls, 0);
}

TEST_F(RangeCacheTest, InsertingACachedIdKeepsTheFirstFileAndRemovesTheTemp) {
  auto cache = Open(1 << 20);
  std::string a = cache->NewTempPath();
  std::ofstream(a) << "first";
  ASSERT_TRUE(cache->Insert("mem://a", Id('3'), a).ok());
  std::string b = cache->NewTempPath();
  std::ofstream(b) << "second";
  ASSERT_TRUE(cache->Insert("mem://a", Id('3'), b).ok());
  EXPECT_FALSE(fs::exists(b));
  EXPECT_EQ(Read(cache->PathOf("mem://a", Id('3'))), "first");
  EXPECT_EQ(cache->stats().files, 1u);
}

TEST_F(RangeCacheTest, NamespacesDoNotShareFiles) {
  auto cache = Open(1 << 20);
  ASSERT_TRUE(cache->Acquire("mem://a", Id('4'), Writing("from a")).ok());
  auto b = cache->Acquire("mem://b", Id('4'), Writing("from b"));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(Read(b->path()), "from b");
  EXPECT_NE(cache->PathOf("mem://a", Id('4')), cache->PathOf("mem://b", Id('4')));
}

TEST_F(RangeCacheTest, EvictsLeastRecentlyUsedFilesBeyondTheBound) {
  auto cache = Open(250);
  const std::string body(100, 'x');
  ASSERT_TRUE(cache->Acquire("mem://a", Id('a'), Writing(body)).ok());
  ASSERT_TRUE(cache->Acquire("mem://a", Id('b'), Writing(body)).ok());
  ASSERT_TRUE(cache->Contains("mem://a", Id('a')));  // a is now the most recently used
  ASSERT_TRUE(cache->Acquire("mem://a", Id('c'), Writing(body)).ok());
  EXPECT_TRUE(cache->Contains("mem://a", Id('a')));
  EXPECT_FALSE(cache->Contains("mem://a", Id('b')));
  EXPECT_TRUE(cache->Contains("mem://a", Id('c')));
  EXPECT_FALSE(fs::exists(cache->PathOf("mem://a", Id('b'))));
  EXPECT_EQ(cache->stats().bytes, 200u);
  EXPECT_EQ(cache->stats().evictions, 1u);
}

TEST_F(RangeCacheTest, PinnedFileIsNotEvictedUntilReleased) {
  auto cache = Open(150);
  const std::string body(100, 'x');
  auto pinned = cache->Acquire("mem://a", Id('a'), Writing(body));
  ASSERT_TRUE(pinned.ok());
  ASSERT_TRUE(cache->Acquire("mem://a", Id('b'), Writing(body)).ok());
  // b was unpinned when its handle died, a is pinned: b goes.
  EXPECT_TRUE(cache->Contains("mem://a", Id('a')));
  EXPECT_FALSE(cache->Contains("mem://a", Id('b')));
  {
    auto c = cache->Acquire("mem://a", Id('c'), Writing(body));
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(cache->stats().bytes, 200u);  // over the bound while both are pinned
  }
  EXPECT_EQ(cache->stats().bytes, 100u);
  EXPECT_TRUE(cache->Contains("mem://a", Id('a')));
}

TEST_F(RangeCacheTest, EvictedFileStaysReadableThroughAnOpenDescriptor) {
  auto cache = Open(150);
  const std::string body(100, 'r');
  int fd = -1;
  {
    auto file = cache->Acquire("mem://a", Id('a'), Writing(body));
    ASSERT_TRUE(file.ok());
    fd = ::open(file->path().c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
  }
  ASSERT_TRUE(cache->Acquire("mem://a", Id('b'), Writing(body)).ok());
  ASSERT_FALSE(cache->Contains("mem://a", Id('a')));
  char buffer[128];
  EXPECT_EQ(::pread(fd, buffer, sizeof buffer, 0), 100);
  EXPECT_EQ(std::string(buffer, 100), body);
  ::close(fd);
}

TEST_F(RangeCacheTest, ConcurrentMissesOfOneIdFetchOnce) {
  auto cache = Open(1 << 20);
  constexpr int kThreads = 8;
  std::atomic<int> arrived{0};
  std::atomic<int> calls{0};
  // The fetch waits until every thread is about to ask, so the others find it in flight.
  RangeCache::Fetch fetch = [&](const std::string& path) {
    ++calls;
    while (arrived.load() < kThreads) std::this_thread::yield();
    std::ofstream(path) << "once";
    return Status::OK();
  };
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      ++arrived;
      auto file = cache->Acquire("mem://a", Id('5'), fetch);
      if (file.ok() && Read(file->path()) == "once") ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(ok, kThreads);
}

TEST_F(RangeCacheTest, FailedFetchReachesTheCallerAndCachesNothing) {
  auto cache = Open(1 << 20);
  auto failed = cache->Acquire("mem://a", Id('6'), [](const std::string& path) {
    std::ofstream(path) << "partial";
    return Status::Unavailable("store is down");
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(failed.status().IsUnavailable());
  EXPECT_FALSE(cache->Contains("mem://a", Id('6')));
  EXPECT_TRUE(fs::is_empty(dir_ + "/workspace"));
}

TEST_F(RangeCacheTest, ReopenAdoptsCachedFilesAndEmptiesTheWorkspace) {
  {
    auto cache = Open(1 << 20);
    ASSERT_TRUE(cache->Acquire("mem://a", Id('7'), Writing("kept")).ok());
    std::ofstream(cache->NewTempPath()) << "stray";
  }
  auto cache = Open(1 << 20);
  EXPECT_TRUE(fs::is_empty(dir_ + "/workspace"));
  EXPECT_EQ(cache->stats().files, 1u);
  EXPECT_EQ(cache->stats().bytes, 4u);
  std::atomic<int> calls{0};
  auto file = cache->Acquire("mem://a", Id('7'), Writing("refetched", &calls));
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(Read(file->path()), "kept");
  EXPECT_EQ(calls, 0);
}

TEST_F(RangeCacheTest, ReopenWithASmallerBoundEvicts) {
  {
    auto cache = Open(1 << 20);
    ASSERT_TRUE(cache->Acquire("mem://a", Id('a'), Writing(std::string(100, 'x'))).ok());
    ASSERT_TRUE(cache->Acquire("mem://a", Id('b'), Writing(std::string(100, 'x'))).ok());
  }
  auto cache = Open(150);
  EXPECT_EQ(cache->stats().files, 1u);
  EXPECT_LE(cache->stats().bytes, 150u);
}

TEST_F(RangeCacheTest, RemoveDeletesTheFile) {
  auto cache = Open(1 << 20);
  ASSERT_TRUE(cache->Acquire("mem://a", Id('8'), Writing("bad")).ok());
  cache->Remove("mem://a", Id('8'));
  EXPECT_FALSE(cache->Contains("mem://a", Id('8')));
  EXPECT_FALSE(fs::exists(cache->PathOf("mem://a", Id('8'))));
  EXPECT_EQ(cache->stats().bytes, 0u);
}

TEST_F(RangeCacheTest, OpenRejectsAnEmptyDirectory) {
  auto cache = RangeCache::Open({.dir = ""});
  ASSERT_FALSE(cache.ok());
  EXPECT_EQ(cache.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tarn::graveler::committed
