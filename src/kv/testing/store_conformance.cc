#include "kv/testing/store_conformance.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <vector>

namespace tarn::kv::testing {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out += static_cast<char>(b);
  return out;
}

std::vector<std::string> ScanKeys(Store& store, std::string_view partition,
                                  std::string_view start = {}, std::size_t page = 0) {
  auto it = store.Scan(partition, start, ScanOptions{page});
  EXPECT_TRUE(it.ok()) << it.status().ToString();
  std::vector<std::string> keys;
  if (!it.ok()) return keys;
  for (; (*it)->Valid(); (*it)->Next()) keys.emplace_back((*it)->key());
  EXPECT_TRUE((*it)->status().ok()) << (*it)->status().ToString();
  return keys;
}

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "k%06d", i);
  return buf;
}

// Reads the counter stored under `key`, adds one with SetIf, retries on PreconditionFailed.
// Returns the number of attempts that lost a race, or -1 on an unexpected error.
int IncrementCounter(Store& store, std::string_view partition, std::string_view key) {
  int lost = 0;
  for (;;) {
    auto item = store.Get(partition, key);
    if (!item.ok()) return -1;
    int value = std::stoi(item->value);
    Status s = store.SetIf(partition, key, std::to_string(value + 1), item->predicate());
    if (s.ok()) return lost;
    if (!s.IsPreconditionFailed()) return -1;
    ++lost;
  }
}

}  // namespace

void StoreConformanceTest::SetUp() {
  store_ = GetParam().make();
  ASSERT_NE(store_, nullptr);
}

std::string PrintFactoryName(const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

TEST_P(StoreConformanceTest, SetThenGetReturnsValue) {
  ASSERT_TRUE(store_->Set("p", "a", "1").ok());
  auto item = store_->Get("p", "a");
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_EQ(item->value, "1");
}

TEST_P(StoreConformanceTest, SetOverwrites) {
  ASSERT_TRUE(store_->Set("p", "a", "1").ok());
  ASSERT_TRUE(store_->Set("p", "a", "2").ok());
  EXPECT_EQ(store_->Get("p", "a")->value, "2");
}

TEST_P(StoreConformanceTest, GetMissingKeyIsNotFound) {
  EXPECT_TRUE(store_->Get("p", "missing").status().IsNotFound());
  ASSERT_TRUE(store_->Set("p", "a", "1").ok());
  EXPECT_TRUE(store_->Get("p", "b").status().IsNotFound());
  EXPECT_TRUE(store_->Get("other", "a").status().IsNotFound());
}

TEST_P(StoreConformanceTest, EmptyValueIsDistinctFromAbsent) {
  ASSERT_TRUE(store_->Set("p", "empty", "").ok());
  auto item = store_->Get("p", "empty");
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_EQ(item->value, "");
  EXPECT_EQ(ScanKeys(*store_, "p"), std::vector<std::string>{"empty"});
}

TEST_P(StoreConformanceTest, EmptyValueWithoutStorageIsStillAValue) {
  // A default-constructed view has a null data pointer; it is an empty value all the same.
  ASSERT_TRUE(store_->Set("p", "nullview", std::string_view()).ok());
  ASSERT_TRUE(store_->SetIf("p", "nullview2", std::string_view(), Predicate::Absent()).ok());
  const KeyValue batch[] = {{"nullview3", ""}};
  ASSERT_TRUE(store_->SetBatch("p", batch).ok());
  for (const char* key : {"nullview", "nullview2", "nullview3"}) {
    auto item = store_->Get("p", key);
    ASSERT_TRUE(item.ok()) << key << ": " << item.status().ToString();
    EXPECT_EQ(item->value, "");
  }
}

TEST_P(StoreConformanceTest, EmptyPartitionOrKeyIsInvalidArgument) {
  EXPECT_EQ(store_->Set("", "a", "1").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Set("p", "", "1").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Get("", "a").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Get("p", "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->SetIf("p", "", "1", Predicate::Absent()).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Delete("", "a").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Scan("", "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->DeletePartition("").code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreConformanceTest, BinaryKeysAndValuesRoundTrip) {
  std::string partition = Bytes({0x00, 0xFF, 'p'});
  std::string key = Bytes({0x00, 0x01, 0xFF, 0x00});
  std::string value = Bytes({0x00, 0x00, 0xFE, 0xFF, 0x00});
  ASSERT_TRUE(store_->Set(partition, key, value).ok());
  auto item = store_->Get(partition, key);
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_EQ(item->value, value);
}

TEST_P(StoreConformanceTest, SetIfAbsentInsertsOnlyOnce) {
  EXPECT_TRUE(store_->SetIf("p", "a", "1", Predicate::Absent()).ok());
  EXPECT_TRUE(store_->SetIf("p", "a", "2", Predicate::Absent()).IsPreconditionFailed());
  EXPECT_EQ(store_->Get("p", "a")->value, "1");
}

TEST_P(StoreConformanceTest, SetIfExistsRequiresTheKey) {
  EXPECT_TRUE(store_->SetIf("p", "a", "1", Predicate::Exists()).IsPreconditionFailed());
  EXPECT_TRUE(store_->Get("p", "a").status().IsNotFound());
  ASSERT_TRUE(store_->Set("p", "a", "1").ok());
  EXPECT_TRUE(store_->SetIf("p", "a", "2", Predicate::Exists()).ok());
  EXPECT_EQ(store_->Get("p", "a")->value, "2");
}

TEST_P(StoreConformanceTest, SetIfWithTokenFromGetSucceedsOnce) {
  ASSERT_TRUE(store_->Set("p", "a", "1").ok());
  auto item = store_->Get("p", "a");
  ASSERT_TRUE(item.ok());
  EXPECT_TRUE(store_->SetIf("p", "a", "2", item->predicate()).ok());
  // The token is now stale: the value it saw is gone.
  EXPECT_TRUE(store_->SetIf("p", "a", "3", item->predicate()).IsPreconditionFailed());
  EXPECT_EQ(store_->Get("p", "a")->value, "2");
}

TEST_P(StoreConformanceTest, SetIfWithStaleTokenFails) {
  ASSERT_TRUE(store_->Set("p", "a", "1").ok());
  auto item = store_->Get("p", "a");
  ASSERT_TRUE(item.ok());
  ASSERT_TRUE(store_->Set("p", "a", "other writer").ok());
  EXPECT_TRUE(store_->SetIf("p", "a", "2", item->predicate()).IsPreconditionFailed());
  EXPECT_EQ(store_->Get("p", "a")->value, "other writer");
}

TEST_P(StoreConformanceTest, SetIfWithTokenFailsAfterDelete) {
  ASSERT_TRUE(store_->Set("p", "a", "1").ok());
  auto item = store_->Get("p", "a");
  ASSERT_TRUE(item.ok());
  ASSERT_TRUE(store_->Delete("p", "a").ok());
  EXPECT_TRUE(store_->SetIf("p", "a", "2", item->predicate()).IsPreconditionFailed());
  EXPECT_TRUE(store_->Get("p", "a").status().IsNotFound());
}

TEST_P(StoreConformanceTest, SetIfWithTokenOfEmptyValue) {
  ASSERT_TRUE(store_->Set("p", "a", "").ok());
  auto item = store_->Get("p", "a");
  ASSERT_TRUE(item.ok());
  EXPECT_TRUE(store_->SetIf("p", "a", "x", item->predicate()).ok());
  EXPECT_EQ(store_->Get("p", "a")->value, "x");
  EXPECT_TRUE(store_->SetIf("p", "a", "y", item->predicate()).IsPreconditionFailed());
}

TEST_P(StoreConformanceTest, ConcurrentSetIfIncrementsLoseNoUpdate) {
  ASSERT_TRUE(store_->Set("p", "counter", "0").ok());
  constexpr int kThreads = 8;
  constexpr int kIncrements = 100;
  std::atomic<int> errors{0};
  std::atomic<int> lost_races{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        int lost = IncrementCounter(*store_, "p", "counter");
        if (lost < 0) ++errors;
        else lost_races += lost;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(store_->Get("p", "counter")->value, std::to_string(kThreads * kIncrements));
}

TEST_P(StoreConformanceTest, TwoProcessesRacingSetIfLoseNoUpdate) {
  if (!GetParam().reopen) GTEST_SKIP() << GetParam().name << " is a single-process store";
  ASSERT_TRUE(store_->Set("p", "counter", "0").ok());
  constexpr int kProcesses = 2;
  constexpr int kThreadsPerProcess = 4;
  constexpr int kIncrements = 50;
  std::vector<pid_t> children;
  for (int c = 0; c < kProcesses; ++c) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // Child: its own store handle (own connections), threads incrementing, exit code = errors.
      auto store = GetParam().reopen();
      std::atomic<int> errors{0};
      std::vector<std::thread> threads;
      for (int t = 0; t < kThreadsPerProcess; ++t) {
        threads.emplace_back([&] {
          for (int i = 0; i < kIncrements; ++i) {
            if (IncrementCounter(*store, "p", "counter") < 0) ++errors;
          }
        });
      }
      for (auto& t : threads) t.join();
      store.reset();
      _exit(errors.load() == 0 ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "a child process saw store errors";
  }
  EXPECT_EQ(store_->Get("p", "counter")->value,
            std::to_string(kProcesses * kThreadsPerProcess * kIncrements));
}

TEST_P(StoreConformanceTest, DeleteRemovesAndIsIdempotent) {
  ASSERT_TRUE(store_->Set("p", "a", "1").ok());
  ASSERT_TRUE(store_->Set("p", "b", "2").ok());
  EXPECT_TRUE(store_->Delete("p", "a").ok());
  EXPECT_TRUE(store_->Get("p", "a").status().IsNotFound());
  EXPECT_TRUE(store_->Delete("p", "a").ok());
  EXPECT_TRUE(store_->Delete("p", "never-existed").ok());
  EXPECT_TRUE(store_->Delete("no-such-partition", "a").ok());
  EXPECT_EQ(store_->Get("p", "b")->value, "2");
}

TEST_P(StoreConformanceTest, ScanReturnsKeysInByteOrderIncludingZeroAndFF) {
  std::vector<std::string> keys = {
      Bytes({0x00}),       Bytes({0x00, 0x00}), Bytes({0x00, 0xFF}), Bytes({0x01}),
      "a",                 "ab",                "a\x7f",             "b",
      Bytes({0x80}),       Bytes({0xFE, 0xFF}), Bytes({0xFF}),       Bytes({0xFF, 0x00}),
      Bytes({0xFF, 0xFF}), Bytes({0xFF, 0xFF, 0xFF})};
  std::vector<std::string> shuffled = keys;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(7));
  for (const auto& k : shuffled) ASSERT_TRUE(store_->Set("p", k, "v" + k).ok());
  EXPECT_EQ(ScanKeys(*store_, "p"), keys);
  // Values travel with their keys.
  auto it = store_->Scan("p", "");
  ASSERT_TRUE(it.ok());
  for (; (*it)->Valid(); (*it)->Next()) {
    std::string expected = "v";
    expected.append((*it)->key());
    EXPECT_EQ((*it)->value(), expected);
  }
}

TEST_P(StoreConformanceTest, ScanFromStartKey) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(store_->Set("p", Key(i), "v").ok());
  EXPECT_EQ(ScanKeys(*store_, "p", Key(7)),
            (std::vector<std::string>{Key(7), Key(8), Key(9)}));
  // A start key between keys starts at the next one.
  EXPECT_EQ(ScanKeys(*store_, "p", Key(8) + "x"), std::vector<std::string>{Key(9)});
  EXPECT_TRUE(ScanKeys(*store_, "p", "z").empty());
  EXPECT_TRUE(ScanKeys(*store_, "empty-partition").empty());
}

TEST_P(StoreConformanceTest, ScanAcrossPageBoundaries) {
  constexpr int kKeys = 257;
  for (int i = 0; i < kKeys; ++i) ASSERT_TRUE(store_->Set("p", Key(i), std::to_string(i)).ok());
  std::vector<std::string> expected;
  for (int i = 0; i < kKeys; ++i) expected.push_back(Key(i));
  for (std::size_t page : {1, 2, 16, 256, 257, 1000}) {
    EXPECT_EQ(ScanKeys(*store_, "p", "", page), expected) << "page size " << page;
  }
}

TEST_P(StoreConformanceTest, SeekGEForwardsAndBackwards) {
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(store_->Set("p", Key(i), std::to_string(i)).ok());
  auto result = store_->Scan("p", "", ScanOptions{8});
  ASSERT_TRUE(result.ok());
  Iterator& it = **result;
  it.SeekGE(Key(50));
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(it.key(), Key(50));
  EXPECT_EQ(it.value(), "50");
  it.SeekGE(Key(90) + "x");
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(it.key(), Key(91));
  it.SeekGE(Key(3));  // backwards
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(it.key(), Key(3));
  it.Next();
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(it.key(), Key(4));
  it.SeekGE("zzz");
  EXPECT_FALSE(it.Valid());
  EXPECT_TRUE(it.status().ok());
  it.SeekGE(Key(98));  // a seek after the end revives the iterator
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(it.key(), Key(98));
  it.Next();
  it.Next();
  EXPECT_FALSE(it.Valid());
}

TEST_P(StoreConformanceTest, ScanWhileDeletingAndInsertingReturnsEachStableKeyOnceInOrder) {
  // Even keys are stable; odd keys are deleted and new keys inserted while the scan runs.
  constexpr int kKeys = 600;
  for (int i = 0; i < kKeys; ++i) ASSERT_TRUE(store_->Set("p", Key(i * 2), "v").ok());
  for (int i = 0; i < kKeys; i += 2) ASSERT_TRUE(store_->Set("p", Key(i * 2 + 1), "v").ok());
  auto result = store_->Scan("p", "", ScanOptions{16});
  ASSERT_TRUE(result.ok());
  Iterator& it = **result;
  std::vector<std::string> seen;
  int step = 0;
  for (; it.Valid(); it.Next(), ++step) {
    seen.emplace_back(it.key());
    // Mutate around and ahead of the cursor.
    int ahead = (step * 7) % (kKeys * 2);
    ASSERT_TRUE(store_->Delete("p", Key(ahead | 1)).ok());
    // Bounded, so a driver that returns keys inserted ahead of the cursor still terminates.
    if (step < kKeys) {
      ASSERT_TRUE(store_->Set("p", Key(step * 2) + "+new", "n").ok());
    }
    ASSERT_TRUE(store_->Delete("p", Key((step * 2) | 1)).ok());
  }
  ASSERT_TRUE(it.status().ok()) << it.status().ToString();
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end()) << "a key came twice";
  std::set<std::string> seen_set(seen.begin(), seen.end());
  for (int i = 0; i < kKeys; ++i) {
    EXPECT_TRUE(seen_set.count(Key(i * 2))) << "stable key " << Key(i * 2) << " was skipped";
  }
}

TEST_P(StoreConformanceTest, DeleteEveryKeyWhileIterating) {
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(store_->Set("p", Key(i), "v").ok());
  auto result = store_->Scan("p", "", ScanOptions{10});
  ASSERT_TRUE(result.ok());
  int count = 0;
  std::string previous;
  for (Iterator& it = **result; it.Valid(); it.Next()) {
    std::string key(it.key());
    EXPECT_GT(key, previous);
    previous = key;
    ASSERT_TRUE(store_->Delete("p", key).ok());
    ++count;
  }
  EXPECT_EQ(count, 300);
  EXPECT_TRUE(ScanKeys(*store_, "p").empty());
}

TEST_P(StoreConformanceTest, LargeValuesRoundTrip) {
  std::string big(1 << 20, '\0');
  std::mt19937 rng(1);
  for (auto& c : big) c = static_cast<char>(rng());
  ASSERT_TRUE(store_->Set("p", "big", big).ok());
  auto item = store_->Get("p", "big");
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_EQ(item->value, big);
  std::string bigger = big + "x";
  EXPECT_TRUE(store_->SetIf("p", "big", bigger, item->predicate()).ok());
  EXPECT_EQ(store_->Get("p", "big")->value, bigger);
  auto it = store_->Scan("p", "");
  ASSERT_TRUE(it.ok());
  ASSERT_TRUE((*it)->Valid());
  EXPECT_EQ((*it)->value().size(), bigger.size());
}

TEST_P(StoreConformanceTest, PartitionsAreIsolated) {
  ASSERT_TRUE(store_->Set("p1", "a", "1").ok());
  ASSERT_TRUE(store_->Set("p2", "a", "2").ok());
  ASSERT_TRUE(store_->Set("p1", "b", "1").ok());
  // A partition that is a prefix of another must not leak into it.
  ASSERT_TRUE(store_->Set("p", "c", "0").ok());
  ASSERT_TRUE(store_->Set("p10", "z", "10").ok());
  EXPECT_EQ(store_->Get("p1", "a")->value, "1");
  EXPECT_EQ(store_->Get("p2", "a")->value, "2");
  EXPECT_EQ(ScanKeys(*store_, "p1"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(ScanKeys(*store_, "p"), std::vector<std::string>{"c"});
  EXPECT_EQ(ScanKeys(*store_, "p10"), std::vector<std::string>{"z"});
  ASSERT_TRUE(store_->Delete("p1", "a").ok());
  EXPECT_EQ(store_->Get("p2", "a")->value, "2");
}

TEST_P(StoreConformanceTest, DeletePartitionRemovesOnlyThatPartition) {
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(store_->Set("staging", Key(i), "v").ok());
  ASSERT_TRUE(store_->Set("stagin", "x", "keep").ok());
  ASSERT_TRUE(store_->Set("staging2", "y", "keep").ok());
  ASSERT_TRUE(store_->Set(std::string("staging") + '\0', "z", "keep").ok());
  EXPECT_TRUE(store_->DeletePartition("staging").ok());
  EXPECT_TRUE(ScanKeys(*store_, "staging").empty());
  EXPECT_TRUE(store_->Get("staging", Key(0)).status().IsNotFound());
  EXPECT_EQ(store_->Get("stagin", "x")->value, "keep");
  EXPECT_EQ(store_->Get("staging2", "y")->value, "keep");
  EXPECT_EQ(store_->Get(std::string("staging") + '\0', "z")->value, "keep");
  EXPECT_TRUE(store_->DeletePartition("staging").ok());  // idempotent
  // The partition is usable again afterwards.
  ASSERT_TRUE(store_->Set("staging", "again", "v").ok());
  EXPECT_EQ(ScanKeys(*store_, "staging"), std::vector<std::string>{"again"});
}

TEST_P(StoreConformanceTest, SetBatchWritesEveryItem) {
  std::vector<KeyValue> items;
  for (int i = 0; i < 1000; ++i) items.push_back({Key(i), std::to_string(i)});
  items.push_back({"empty", ""});
  ASSERT_TRUE(store_->SetBatch("p", items).ok());
  EXPECT_EQ(ScanKeys(*store_, "p").size(), 1001u);
  EXPECT_EQ(store_->Get("p", Key(999))->value, "999");
  EXPECT_EQ(store_->Get("p", "empty")->value, "");
  // Upsert semantics.
  std::vector<KeyValue> again = {{Key(0), "new"}};
  ASSERT_TRUE(store_->SetBatch("p", again).ok());
  EXPECT_EQ(store_->Get("p", Key(0))->value, "new");
  EXPECT_TRUE(store_->SetBatch("p", {}).ok());
  std::vector<KeyValue> bad = {{"", "v"}};
  EXPECT_EQ(store_->SetBatch("p", bad).code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreConformanceTest, ListPartitionsNamesNonEmptyPartitionsInOrder) {
  ASSERT_TRUE(store_->Set("b", "k", "v").ok());
  ASSERT_TRUE(store_->Set("a", "k", "v").ok());
  ASSERT_TRUE(store_->Set(Bytes({0xFF}), "k", "v").ok());
  ASSERT_TRUE(store_->Set("gone", "k", "v").ok());
  ASSERT_TRUE(store_->Delete("gone", "k").ok());
  auto parts = store_->ListPartitions();
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_EQ(*parts, (std::vector<std::string>{"a", "b", Bytes({0xFF})}));
}

TEST_P(StoreConformanceTest, RandomOperationsMatchAReferenceMap) {
  std::map<std::string, std::string> model;
  std::mt19937 rng(42);
  for (int step = 0; step < 2000; ++step) {
    std::string key = Key(static_cast<int>(rng() % 200));
    switch (rng() % 4) {
      case 0:
      case 1: {
        std::string value = std::to_string(rng());
        ASSERT_TRUE(store_->Set("p", key, value).ok());
        model[key] = value;
        break;
      }
      case 2:
        ASSERT_TRUE(store_->Delete("p", key).ok());
        model.erase(key);
        break;
      case 3: {
        auto item = store_->Get("p", key);
        if (model.count(key)) {
          ASSERT_TRUE(item.ok());
          EXPECT_EQ(item->value, model[key]);
        } else {
          EXPECT_TRUE(item.status().IsNotFound());
        }
      }
    }
  }
  std::vector<std::string> expected;
  for (const auto& [k, v] : model) expected.push_back(k);
  EXPECT_EQ(ScanKeys(*store_, "p", "", 7), expected);
}

}  // namespace tarn::kv::testing
