// The SST range store beyond the RangeStore contract: the same trees as the memory store, the
// committed algorithms on top of it, ranges and records larger than the writer's buffers, many
// writers on one upload thread, uncompressed files and damaged files in the local cache.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <thread>

#include "block/fault_injection.h"
#include "block/memory/memory_adapter.h"
#include "common/hash.h"
#include "graveler/committed/committed_manager.h"
#include "graveler/committed/sst_range_store.h"
#include "graveler/committed/sst_test_util.h"
namespace tarn::graveler::committed {
namespace {
namespace fs = std::filesystem;
using block::FaultInjectingAdapter;
using block::Operation;
using testing::MakeRecords;
using testing::ReadAll;
using testing::Record;
using testing::ReferenceTree;
using testing::WriteAll;

constexpr RangeSplitOptions kSplit{.target_entries = 100};

class SstStoreIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "tarn-sst-more-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto faulty = std::make_unique<FaultInjectingAdapter>(block::NewMemoryAdapter());
    faults_ = faulty.get();
    ASSERT_TRUE(registry_.Register(std::move(faulty)).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<RangeStore> NewStore(const std::string& cache, SstRangeStoreOptions o = {}) {
    o.cache_dir = dir_ + "/" + cache;
    auto store = NewSstRangeStore(registry_, o);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  std::string CachedPath(const std::string& cache, const std::string& id) {
    return dir_ + "/" + cache + "/" + Sha256Hex(kNs).substr(0, 32) + "/" + id;
  }

  static constexpr char kNs[] = "mem://more";
  std::string dir_;
  block::Registry registry_;
  FaultInjectingAdapter* faults_ = nullptr;
};

std::vector<ValueRecord> AsValueRecords(const std::vector<Record>& records) {
  std::vector<ValueRecord> out;
  for (const Record& r : records) out.push_back({r.key, {r.identity, r.data}});
  return out;
}

TEST_F(SstStoreIntegrationTest, GivesTheSameTreeAsTheMemoryRangeStore) {
  const auto records = MakeRecords(4000);
  auto sst = NewStore("cache", {.split = kSplit});
  auto memory = NewMemoryRangeStore(kSplit);
  auto sst_id = WriteAll(*sst, kNs, records);
  auto memory_id = WriteAll(*memory, kNs, records);
  ASSERT_TRUE(sst_id.ok() && memory_id.ok());
  EXPECT_EQ(*sst_id, *memory_id);
  auto sst_ranges = sst->ReadMetaRange(kNs, *sst_id);
  auto memory_ranges = memory->ReadMetaRange(kNs, *memory_id);
  ASSERT_TRUE(sst_ranges.ok() && memory_ranges.ok());
  EXPECT_EQ(**sst_ranges, **memory_ranges);
}

TEST_F(SstStoreIntegrationTest, CommittedManagerAppliesAChangeRewritingOneRange) {
  const auto records = MakeRecords(5000);
  auto store = NewStore("cache", {.split = kSplit});
  CommittedManager manager(*store);
  auto base = WriteAll(*store, kNs, records);
  ASSERT_TRUE(base.ok());
  const uint64_t puts = faults_->calls(Operation::kPut);
  std::vector<ValueRecord> change = {{records[2500].key, {"changed identity", "changed data"}}};
  testing::VectorValueIterator changes(change);
  auto applied = manager.Apply(kNs, *base, changes, {});
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(applied->summary.changed, 1u);
  EXPECT_EQ(faults_->calls(Operation::kPut) - puts, 2u);  // one range and the metarange
  auto value = manager.Get(kNs, applied->metarange_id, records[2500].key);
  ASSERT_TRUE(value.ok());
  ASSERT_TRUE(value->has_value());
  EXPECT_EQ((*value)->identity, "changed identity");
  auto expected = records;
  expected[2500] = Record{records[2500].key, "changed identity", "changed data"};
  auto read = ReadAll(*store, kNs, applied->metarange_id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, expected);
}

TEST_F(SstStoreIntegrationTest, ARangeLargerThanTheWriteBuffersRoundTrips) {
  // One range of about 10 MiB: many chunks, and the writer waits for its builder.
  std::vector<Record> records;
  char key[32];
  for (int i = 0; i < 40000; ++i) {
    std::snprintf(key, sizeof key, "big/%08d", i);
    records.push_back({key, "identity-" + std::to_string(i), std::string(240, 'a' + i % 26)});
  }
  auto store = NewStore("cache", {.split = {.target_entries = 1ull << 62}});
  auto id = WriteAll(*store, kNs, records);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, ReferenceTree(records, {.target_entries = 1ull << 62}).metarange_id);
  auto read = ReadAll(*NewStore("other"), kNs, *id);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, records);
}

TEST_F(SstStoreIntegrationTest, ARecordLargerThanAChunkRoundTrips) {
  std::vector<Record> records = {{"a", "i1", "small"},
                                 {"b", std::string(300, 'I'), std::string(3 << 20, 'x')},
                                 {"c", "i3", "small"}};
  auto store = NewStore("cache");
  auto id = WriteAll(*store, kNs, records);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto read = ReadAll(*store, kNs, *id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, records);
}

TEST_F(SstStoreIntegrationTest, ConcurrentWritersShareOneUploadThread) {
  auto store = NewStore("cache", {.split = kSplit, .upload_threads = 1});
  constexpr int kWriters = 6;
  std::vector<std::thread> threads;
  std::vector<Result<MetaRangeId>> ids(kWriters, Status::Internal("not run"));
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] { ids[w] = WriteAll(*store, kNs, MakeRecords(2000 + 500 * w)); });
  }
  for (auto& t : threads) t.join();
  for (int w = 0; w < kWriters; ++w) {
    ASSERT_TRUE(ids[w].ok()) << ids[w].status().ToString();
    EXPECT_EQ(*ids[w], ReferenceTree(MakeRecords(2000 + 500 * w), kSplit).metarange_id);
  }
}

TEST_F(SstStoreIntegrationTest, UncompressedFilesHaveTheSameIdsAndReadBack) {
  const auto records = MakeRecords(3000);
  auto compressed = NewStore("a", {.split = kSplit});
  auto plain = NewStore("b", {.split = kSplit, .compress = false});
  auto a = WriteAll(*compressed, kNs, records);
  auto b = WriteAll(*plain, kNs, records);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  auto read = ReadAll(*NewStore("c"), kNs, *b);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, records);
}

TEST_F(SstStoreIntegrationTest, ADamagedCachedFileIsReportedThenFetchedAgain) {
  const auto records = MakeRecords(500);
  auto store = NewStore("cache", {.split = kSplit});
  auto id = WriteAll(*store, kNs, records);
  ASSERT_TRUE(id.ok());
  auto ranges = store->ReadMetaRange(kNs, *id);
  ASSERT_TRUE(ranges.ok());
  const RangeInfo range = (**ranges)[0];
  {
    std::FILE* f = std::fopen(CachedPath("cache", range.id).c_str(), "r+b");
    ASSERT_NE(f, nullptr);
    std::fseek(f, 20, SEEK_SET);
    std::fwrite("garbage garbage garbage", 1, 23, f);
    std::fclose(f);
  }
  auto it = store->OpenRange(kNs, range);
  ASSERT_TRUE(it.ok());
  while ((*it)->Valid()) (*it)->Next();
  EXPECT_EQ((*it)->status().code(), StatusCode::kCorruption) << (*it)->status().ToString();
  const uint64_t gets = faults_->calls(Operation::kGet);
  auto again = store->OpenRange(kNs, range);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  uint64_t count = 0;
  for (; (*again)->Valid(); (*again)->Next()) ++count;
  EXPECT_TRUE((*again)->status().ok());
  EXPECT_EQ(count, range.count);
  EXPECT_EQ(faults_->calls(Operation::kGet) - gets, 1u);
}

TEST_F(SstStoreIntegrationTest, ATruncatedCachedFileIsFetchedAgainOnOpen) {
  const auto records = MakeRecords(500);
  auto id = WriteAll(*NewStore("cache", {.split = kSplit}), kNs, records);
  ASSERT_TRUE(id.ok());
  fs::resize_file(CachedPath("cache", *id), 10);
  auto store = NewStore("cache", {.split = kSplit});  // adopts the damaged file
  auto read = ReadAll(*store, kNs, *id);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, records);
}

}  // namespace
}  // namespace tarn::graveler::committed
