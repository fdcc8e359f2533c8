// Concurrent writers and readers in the conformance suite (see adapter_conformance.h).
#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "block/testing/adapter_conformance.h"
#include "block/testing/readers.h"

namespace tarn::block::testing {

TEST_P(AdapterConformanceTest, ConcurrentPutsToOneKeyLeaveOneIntactBody) {
  TARN_REQUIRE_CAPABILITY(Capability::kAtomicOverwrite);
  constexpr int kWriters = 6;
  constexpr int kRounds = 3;
  constexpr uint64_t kSize = 256 * 1024 + 17;
  std::set<std::string> bodies;  // sha256 of every body a writer may leave
  for (int w = 0; w < kWriters; ++w) bodies.insert(PatternDigest(kSize, 1000 + w).sha256);

  std::atomic<int> writers_left{kWriters};
  std::atomic<int> errors{0};
  std::atomic<int> torn_reads{0};
  std::atomic<int> reads{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int round = 0; round < kRounds; ++round) {
        PatternReader body(kSize, 1000 + w, 40000);
        PutOptions options;
        options.size = kSize;
        if (!adapter().Put(Ptr("contended"), body, options).ok()) ++errors;
      }
      --writers_left;
    });
  }
  // Readers run until every writer is done; each read must be one whole body or NotFound (before
  // the first put lands), never a mix.
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&] {
      while (writers_left.load() > 0) {
        auto reader = adapter().Get(Ptr("contended"), std::nullopt);
        if (!reader.ok()) {
          if (!reader.status().IsNotFound()) ++errors;
          continue;
        }
        auto digest = DigestOf(**reader, 65536);
        if (!digest.ok()) {
          ++errors;
          continue;
        }
        ++reads;
        if (bodies.count(digest->sha256) == 0) ++torn_reads;
        if ((*reader)->info().etag != digest->md5) ++torn_reads;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(torn_reads.load(), 0) << "of " << reads.load() << " reads";

  auto reader = adapter().Get(Ptr("contended"), std::nullopt);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto digest = DigestOf(**reader);
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(digest->size, kSize);
  EXPECT_EQ(bodies.count(digest->sha256), 1u) << "the final object is not one of the bodies";
  EXPECT_EQ(adapter().Head(Ptr("contended"))->etag, digest->md5);
  EXPECT_EQ(ListKeys(), std::vector<std::string>{"contended"});
}

TEST_P(AdapterConformanceTest, ConcurrentPutsToDifferentKeys) {
  constexpr int kWriters = 6;
  constexpr int kKeysPerWriter = 12;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kKeysPerWriter; ++i) {
        // Writers share directories, so adapters that create them race on it too.
        std::string key =
            "dir" + std::to_string(i % 3) + "/w" + std::to_string(w) + "-" + std::to_string(i);
        PatternReader body(1000 + i, w * 100 + i);
        if (!adapter().Put(Ptr(key), body, PutOptions{}).ok()) ++errors;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  auto page = adapter().List(ns(), "", "", 1000);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->entries.size(), static_cast<std::size_t>(kWriters * kKeysPerWriter));
  for (int w = 0; w < kWriters; ++w) {
    for (int i = 0; i < kKeysPerWriter; ++i) {
      std::string key =
          "dir" + std::to_string(i % 3) + "/w" + std::to_string(w) + "-" + std::to_string(i);
      auto digest = DigestOfObject(key);
      ASSERT_TRUE(digest.ok()) << key << ": " << digest.status().ToString();
      EXPECT_EQ(digest->md5, PatternDigest(1000 + i, w * 100 + i).md5) << key;
    }
  }
}

TEST_P(AdapterConformanceTest, ConcurrentPutsAndDeletesInOneDirectory) {
  // Deleting the last object of a directory while another writer adds one beside it must not
  // lose the new object (file-backed adapters prune empty directories).
  constexpr int kRounds = 40;
  std::atomic<int> errors{0};
  std::thread deleter([&] {
    for (int i = 0; i < kRounds; ++i) {
      PatternReader body(10, i);
      std::string victim = "shared/d" + std::to_string(i) + "/victim";
      if (!adapter().Put(Ptr(victim), body, PutOptions{}).ok()) ++errors;
      if (!adapter().Delete(Ptr(victim)).ok()) ++errors;
    }
  });
  std::thread writer([&] {
    for (int i = 0; i < kRounds; ++i) {
      PatternReader body(10, i);
      if (!adapter().Put(Ptr("shared/d" + std::to_string(i) + "/keep"), body, PutOptions{}).ok()) {
        ++errors;
      }
    }
  });
  deleter.join();
  writer.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(ListKeys("shared/").size(), static_cast<std::size_t>(kRounds));
}

}  // namespace tarn::block::testing
