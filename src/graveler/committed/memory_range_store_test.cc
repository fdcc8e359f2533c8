#include <gtest/gtest.h>

#include <thread>

#include "graveler/committed/committed_testing.h"
#include "graveler/committed/range_id.h"
#include "graveler/committed/range_store.h"

namespace tarn::graveler::committed {
namespace {

using testing::kNs;

RangeSplitOptions Split(uint64_t target) {
  RangeSplitOptions split;
  split.target_entries = target;
  return split;
}

std::vector<ValueRecord> ReadRange(RangeStore& store, const RangeInfo& range) {
  auto it = store.OpenRange(kNs, range);
  EXPECT_TRUE(it.ok()) << it.status().ToString();
  std::vector<ValueRecord> out;
  for (; (*it)->Valid(); (*it)->Next()) {
    out.push_back(ValueRecord{std::string((*it)->key()),
                              Value{std::string((*it)->identity()), std::string((*it)->data())}});
  }
  return out;
}

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "k%05d", i);
  return buf;
}

TEST(MemoryRangeStore, EmptyWriterGivesTheEmptyTree) {
  auto store = NewMemoryRangeStore();
  auto writer = store->NewMetaRangeWriter(kNs);
  ASSERT_TRUE(writer.ok());
  auto id = (*writer)->Finish();
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "");
  auto ranges = store->ReadMetaRange(kNs, "");
  ASSERT_TRUE(ranges.ok());
  EXPECT_TRUE((*ranges)->empty());
}

TEST(MemoryRangeStore, IdsAreTheFileIdHashOfTheLogicalRecords) {
  auto store = NewMemoryRangeStore(Split(1'000'000));
  auto writer = *store->NewMetaRangeWriter(kNs);
  ASSERT_TRUE(writer->AddRecord("a", "ia", "da").ok());
  ASSERT_TRUE(writer->AddRecord("b", "ib", "db").ok());
  auto id = writer->Finish();
  ASSERT_TRUE(id.ok());

  FileIdHasher range_hash(FileType::kRange);
  range_hash.Add("a", "ia", "da");
  range_hash.Add("b", "ib", "db");
  RangeInfo expected{range_hash.Finish(), "a", "b", 2, 10};
  FileIdHasher meta_hash(FileType::kMetaRange);
  meta_hash.Add("b", expected.id, EncodeRangeData(expected));
  EXPECT_EQ(*id, meta_hash.Finish());

  auto ranges = store->ReadMetaRange(kNs, *id);
  ASSERT_TRUE(ranges.ok());
  ASSERT_EQ((*ranges)->size(), 1u);
  EXPECT_EQ((*ranges)->front(), expected);
}

TEST(MemoryRangeStore, SplitsWhereShouldEndRangeSays) {
  const RangeSplitOptions split = Split(4);
  auto store = NewMemoryRangeStore(split);
  auto writer = *store->NewMetaRangeWriter(kNs);
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(writer->AddRecord(Key(i), "id", "data").ok());
  auto id = writer->Finish();
  ASSERT_TRUE(id.ok());
  auto ranges = *store->ReadMetaRange(kNs, *id);
  ASSERT_GT(ranges->size(), 10u);
  uint64_t total = 0;
  for (std::size_t i = 0; i < ranges->size(); ++i) {
    const RangeInfo& r = (*ranges)[i];
    total += r.count;
    const bool last = i + 1 == ranges->size();
    // Every range but the last ends on a boundary key, and no boundary hides inside a range.
    if (!last) {
      EXPECT_TRUE(ShouldEndRange(split, r.max_key, r.count, r.estimated_bytes));
    }
    auto records = ReadRange(*store, r);
    ASSERT_EQ(records.size(), r.count);
    EXPECT_EQ(records.front().key, r.min_key);
    EXPECT_EQ(records.back().key, r.max_key);
    for (std::size_t j = 0; j + 1 < records.size(); ++j) {
      EXPECT_FALSE(ShouldEndRange(split, records[j].key, j + 1, 0)) << records[j].key;
    }
  }
  EXPECT_EQ(total, 200u);
}

TEST(MemoryRangeStore, SameRecordsGiveTheSameIds) {
  auto store = NewMemoryRangeStore(Split(3));
  auto write = [&] {
    auto writer = *store->NewMetaRangeWriter(kNs);
    for (int i = 0; i < 50; ++i) EXPECT_TRUE(writer->AddRecord(Key(i), "x", "y").ok());
    return *writer->Finish();
  };
  EXPECT_EQ(write(), write());
}

TEST(MemoryRangeStore, AddRangeReusesARangeByReference) {
  auto store = NewMemoryRangeStore(Split(1'000'000));
  auto first = *store->NewMetaRangeWriter(kNs);
  ASSERT_TRUE(first->AddRecord("m", "i", "d").ok());
  auto first_id = *first->Finish();
  const RangeInfo shared = (*store->ReadMetaRange(kNs, first_id))->front();

  auto writer = *store->NewMetaRangeWriter(kNs);
  ASSERT_TRUE(writer->AddRecord("a", "i", "d").ok());
  ASSERT_TRUE(writer->AddRange(shared).ok());
  ASSERT_TRUE(writer->AddRecord("z", "i", "d").ok());
  auto id = writer->Finish();
  ASSERT_TRUE(id.ok());
  auto ranges = *store->ReadMetaRange(kNs, *id);
  ASSERT_EQ(ranges->size(), 3u);
  EXPECT_EQ((*ranges)[0].max_key, "a");  // the range being written ended before the added one
  EXPECT_EQ((*ranges)[1], shared);
  EXPECT_EQ((*ranges)[2].min_key, "z");
}

TEST(MemoryRangeStore, RejectsKeysOutOfOrder) {
  auto store = NewMemoryRangeStore();
  auto writer = *store->NewMetaRangeWriter(kNs);
  ASSERT_TRUE(writer->AddRecord("b", "i", "d").ok());
  EXPECT_EQ(writer->AddRecord("b", "i", "d").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(writer->AddRecord("a", "i", "d").code(), StatusCode::kInvalidArgument);
}

TEST(MemoryRangeStore, RejectsARangeThatOverlapsWhatWasWritten) {
  auto store = NewMemoryRangeStore();
  auto first = *store->NewMetaRangeWriter(kNs);
  ASSERT_TRUE(first->AddRecord("c", "i", "d").ok());
  ASSERT_TRUE(first->AddRecord("e", "i", "d").ok());
  const RangeInfo range = (*store->ReadMetaRange(kNs, *first->Finish()))->front();
  auto writer = *store->NewMetaRangeWriter(kNs);
  ASSERT_TRUE(writer->AddRecord("d", "i", "d").ok());
  EXPECT_EQ(writer->AddRange(range).code(), StatusCode::kInvalidArgument);
}

TEST(MemoryRangeStore, RejectsTombstones) {
  auto store = NewMemoryRangeStore();
  auto writer = *store->NewMetaRangeWriter(kNs);
  EXPECT_EQ(writer->AddRecord("a", "", "").code(), StatusCode::kInvalidArgument);
}

TEST(MemoryRangeStore, RejectsARangeOfAnotherNamespace) {
  auto store = NewMemoryRangeStore();
  auto first = *store->NewMetaRangeWriter("mem://other");
  ASSERT_TRUE(first->AddRecord("a", "i", "d").ok());
  const RangeInfo range = (*store->ReadMetaRange("mem://other", *first->Finish()))->front();
  auto writer = *store->NewMetaRangeWriter(kNs);
  EXPECT_EQ(writer->AddRange(range).code(), StatusCode::kNotFound);
}

TEST(MemoryRangeStore, MissingFilesAreNotFound) {
  auto store = NewMemoryRangeStore();
  EXPECT_EQ(store->ReadMetaRange(kNs, std::string(64, 'a')).status().code(), StatusCode::kNotFound);
  RangeInfo range{std::string(64, 'b'), "a", "b", 1, 1};
  EXPECT_EQ(store->OpenRange(kNs, range).status().code(), StatusCode::kNotFound);
}

TEST(MemoryRangeStore, NamespacesAreSeparate) {
  auto store = NewMemoryRangeStore();
  auto writer = *store->NewMetaRangeWriter(kNs);
  ASSERT_TRUE(writer->AddRecord("a", "i", "d").ok());
  auto id = *writer->Finish();
  EXPECT_TRUE(store->ReadMetaRange(kNs, id).ok());
  EXPECT_EQ(store->ReadMetaRange("mem://elsewhere", id).status().code(), StatusCode::kNotFound);
}

TEST(MemoryRangeStore, RangeIteratorSeeks) {
  auto store = NewMemoryRangeStore(Split(1'000'000));
  auto writer = *store->NewMetaRangeWriter(kNs);
  for (int i = 0; i < 10; i += 2) ASSERT_TRUE(writer->AddRecord(Key(i), "i", "d").ok());
  auto ranges = *store->ReadMetaRange(kNs, *writer->Finish());
  auto it = *store->OpenRange(kNs, ranges->front());
  it->SeekGE(Key(3));
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), Key(4));
  it->SeekGE(Key(0));
  EXPECT_EQ(it->key(), Key(0));
  it->SeekGE(Key(9));
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());
}

TEST(MemoryRangeStore, ConcurrentWritersAndReaders) {
  auto store = NewMemoryRangeStore(Split(5));
  std::vector<std::thread> threads;
  std::vector<MetaRangeId> ids(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        auto writer = *store->NewMetaRangeWriter(kNs);
        for (int i = 0; i < 100; ++i) {
          EXPECT_TRUE(writer->AddRecord(Key(i), std::to_string(round % 3), "d").ok());
        }
        ids[t] = *writer->Finish();
        auto ranges = store->ReadMetaRange(kNs, ids[t]);
        ASSERT_TRUE(ranges.ok());
        for (const auto& r : **ranges) EXPECT_EQ(ReadRange(*store, r).size(), r.count);
      }
    });
  }
  for (auto& t : threads) t.join();
  // Every thread wrote the same records last (round 19), so the same tree.
  for (const auto& id : ids) EXPECT_EQ(id, ids[0]);
}

}  // namespace
}  // namespace tarn::graveler::committed
