#include "kv/admin/migrate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include "common/hash.h"
#include "kv/admin/admin_test_util.h"
#include "kv/admin/checksum.h"
#include "kv/memory/memory_store.h"

namespace tarn::kv::testing {
namespace {

using ::testing::HasSubstr;

void FillSource(Store& store) {
  Put(store, Bytes({0x00}), Bytes({0x00, 0xff}), Bytes({0xff, 0x00}));
  Put(store, "graveler", "repos/a", "");
  Put(store, "graveler", "repos/b", std::string(1 << 20, '\xff'));
  for (int i = 0; i < 50; ++i) Put(store, "staging", "k" + std::to_string(100 + i), "v");
}

// Records SetBatch calls; optionally drops or alters one key to simulate a lossy destination.
class RecordingStore : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Status SetBatch(std::string_view p, std::span<const KeyValue> items) override {
    ++batches;
    max_batch = std::max(max_batch, items.size());
    std::vector<KeyValue> kept;
    for (const KeyValue& kv : items) {
      if (kv.key == drop_key) continue;
      kept.push_back(kv.key == alter_key ? KeyValue{kv.key, kv.value + "!"} : kv);
    }
    return target_.SetBatch(p, kept);
  }
  Status Set(std::string_view, std::string_view, std::string_view) override {
    return Status::Internal("migrate must write with SetBatch");
  }

  std::string drop_key;
  std::string alter_key;
  int batches = 0;
  std::size_t max_batch = 0;
};

TEST(MigrateTest, CopiesEveryPartitionAndVerifies) {
  auto from = NewMemoryStore();
  FillSource(*from);
  auto to = NewMemoryStore();
  MigrateReport report;
  Status s = Migrate(*from, *to, {}, &report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(TakeSnapshot(*to), TakeSnapshot(*from));
  EXPECT_TRUE(report.verified);
  EXPECT_EQ(report.partitions, 3u);
  EXPECT_EQ(report.entries, 53u);
  ASSERT_EQ(report.partition_reports.size(), 3u);
  for (const PartitionReport& p : report.partition_reports) {
    auto digest = DigestPartition(*from, p.name);
    ASSERT_TRUE(digest.ok());
    EXPECT_EQ(p.digest.sha256, digest->sha256) << p.name;
    EXPECT_EQ(p.digest.entries, digest->entries) << p.name;
  }
}

TEST(MigrateTest, WritesInBatchesOfTheConfiguredSize) {
  auto from = NewMemoryStore();
  for (int i = 0; i < 25; ++i) Put(*from, "p", "k" + std::to_string(10 + i), "v");
  auto memory = NewMemoryStore();
  RecordingStore to(*memory);
  MigrateOptions options;
  options.batch_size = 10;
  Status s = Migrate(*from, to, options);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(to.batches, 3);
  EXPECT_EQ(to.max_batch, 10u);
  EXPECT_EQ(TakeSnapshot(*memory), TakeSnapshot(*from));
}

TEST(MigrateTest, BatchesAreAlsoCutByBytes) {
  auto from = NewMemoryStore();
  for (int i = 0; i < 6; ++i) Put(*from, "p", "k" + std::to_string(i), std::string(1000, 'v'));
  auto memory = NewMemoryStore();
  RecordingStore to(*memory);
  MigrateOptions options;
  options.batch_bytes = 2000;
  ASSERT_TRUE(Migrate(*from, to, options).ok());
  EXPECT_EQ(to.max_batch, 2u);
  EXPECT_EQ(to.batches, 3);
}

TEST(MigrateTest, DetectsADroppedKey) {
  auto from = NewMemoryStore();
  FillSource(*from);
  auto memory = NewMemoryStore();
  RecordingStore to(*memory);
  to.drop_key = "k120";
  MigrateReport report;
  Status s = Migrate(*from, to, {}, &report);
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_THAT(s.ToString(), HasSubstr("verification failed for partition \"staging\""));
  EXPECT_THAT(s.ToString(), HasSubstr("the source had 50 keys"));
  EXPECT_THAT(s.ToString(), HasSubstr("the destination has 49 keys"));
  EXPECT_FALSE(report.verified);
}

TEST(MigrateTest, DetectsAnAlteredValue) {
  auto from = NewMemoryStore();
  FillSource(*from);
  auto memory = NewMemoryStore();
  RecordingStore to(*memory);
  to.alter_key = "repos/b";
  Status s = Migrate(*from, to);
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_THAT(s.ToString(), HasSubstr("partition \"graveler\""));
}

TEST(MigrateTest, WithoutVerificationALossIsNotDetected) {
  // Shows that the two tests above rely on verification, not on the copy itself failing.
  auto from = NewMemoryStore();
  FillSource(*from);
  auto memory = NewMemoryStore();
  RecordingStore to(*memory);
  to.drop_key = "k120";
  MigrateOptions options;
  options.verify = false;
  MigrateReport report;
  ASSERT_TRUE(Migrate(*from, to, options, &report).ok());
  EXPECT_FALSE(report.verified);
  auto staging = DigestPartition(*memory, "staging");
  ASSERT_TRUE(staging.ok());
  EXPECT_EQ(staging->entries, 49u);
}

TEST(MigrateTest, RefusesANonEmptyDestination) {
  auto from = NewMemoryStore();
  FillSource(*from);
  auto to = NewMemoryStore();
  Put(*to, "existing", "k", "v");
  Status s = Migrate(*from, *to);
  EXPECT_EQ(s.code(), StatusCode::kPreconditionFailed) << s.ToString();
  EXPECT_THAT(s.ToString(), HasSubstr("not empty"));
  EXPECT_EQ(TakeSnapshot(*to), (Snapshot{{"existing", {{"k", "v"}}}}));
}

TEST(MigrateTest, AllowNonEmptyCopiesBesideExistingPartitions) {
  auto from = NewMemoryStore();
  FillSource(*from);
  auto to = NewMemoryStore();
  Put(*to, "existing", "k", "v");
  MigrateOptions options;
  options.allow_non_empty = true;
  MigrateReport report;
  Status s = Migrate(*from, *to, options, &report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(report.verified);
  Snapshot expected = TakeSnapshot(*from);
  expected.insert(expected.begin() + 1, {"existing", {{"k", "v"}}});
  EXPECT_EQ(TakeSnapshot(*to), expected);
}

TEST(MigrateTest, AllowNonEmptyStillVerifiesWholePartitions) {
  auto from = NewMemoryStore();
  FillSource(*from);
  auto to = NewMemoryStore();
  Put(*to, "staging", "extra", "v");
  MigrateOptions options;
  options.allow_non_empty = true;
  Status s = Migrate(*from, *to, options);
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_THAT(s.ToString(), HasSubstr("partition \"staging\""));
}

TEST(MigrateTest, RefusesToMigrateAStoreIntoItself) {
  auto store = NewMemoryStore();
  FillSource(*store);
  Status s = Migrate(*store, *store);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
}

TEST(MigrateTest, PartitionFilterSelectsPartitions) {
  auto from = NewMemoryStore();
  FillSource(*from);
  auto to = NewMemoryStore();
  MigrateOptions options;
  options.partition_filter = [](std::string_view p) { return p == "graveler"; };
  ASSERT_TRUE(Migrate(*from, *to, options).ok());
  auto partitions = to->ListPartitions();
  ASSERT_TRUE(partitions.ok());
  EXPECT_EQ(*partitions, (std::vector<std::string>{"graveler"}));
}

TEST(MigrateTest, ReportsProgressAtMostEveryNKeys) {
  auto from = NewMemoryStore();
  for (int i = 0; i < 2500; ++i) Put(*from, "a", "k" + std::to_string(10000 + i), "");
  for (int i = 0; i < 700; ++i) Put(*from, "b", "k" + std::to_string(10000 + i), "");
  auto to = NewMemoryStore();
  MigrateOptions options;
  options.batch_size = 100;
  options.progress_every = 1000;
  std::vector<std::tuple<std::string, uint64_t, uint64_t>> calls;
  options.progress = [&](const Progress& p) {
    calls.emplace_back(std::string(p.partition), p.partition_keys, p.total_keys);
  };
  ASSERT_TRUE(Migrate(*from, *to, options).ok());
  using Call = std::tuple<std::string, uint64_t, uint64_t>;
  EXPECT_EQ(calls, (std::vector<Call>{{"a", 1000, 1000}, {"a", 2000, 2000}, {"b", 500, 3000}}));
}

TEST(MigrateTest, FailingDestinationNamesThePartition) {
  class Failing : public ForwardingStore {
   public:
    using ForwardingStore::ForwardingStore;
    Status SetBatch(std::string_view, std::span<const KeyValue>) override {
      return Status::Unavailable("destination down");
    }
  };
  auto from = NewMemoryStore();
  FillSource(*from);
  auto memory = NewMemoryStore();
  Failing to(*memory);
  Status s = Migrate(*from, to);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_THAT(s.ToString(), HasSubstr("copying partition \"\\x00\""));
}

}  // namespace
}  // namespace tarn::kv::testing
