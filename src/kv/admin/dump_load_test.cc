// Dump -> load round trips and the load strategies, on the memory driver.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/clock.h"
#include "kv/admin/admin_test_util.h"
#include "kv/admin/dump.h"
#include "kv/admin/load.h"
#include "kv/memory/memory_store.h"

namespace tarn::kv::testing {
namespace {

using ::testing::HasSubstr;

// The example of docs/kv_dump_format.md, byte for byte.
constexpr std::string_view kDocExample =
    R"({"format":"tarn-kv-dump","version":1,"created":"2026-11-23T13:32:34Z","driver":"rocksdb"}
{"partition":"YXV0aA=="}
{"k":"dXNlcnMvYWxpY2U=","v":"eyJuYW1lIjoiYWxpY2UifQ=="}
{"end_partition":"YXV0aA==","count":1,"sha256":"24d74be365a982c610637a0bfa65122159bc2479717299b1d375476d33e62226"}
{"partition":"Z3JhdmVsZXI="}
{"k":"cmVwb3MvZGVtbw==","v":"AAH/"}
{"k":"cmVwb3MvZGVtby9icmFuY2hlcy9tYWlu","v":""}
{"end_partition":"Z3JhdmVsZXI=","count":2,"sha256":"3330a43237e189ed352e3e115d42218e2b7da840589990d223f83ddeeeefe639"}
{"end":"tarn-kv-dump","partitions":2,"entries":3}
)";

// 2026-11-23T13:32:34Z
constexpr std::chrono::seconds kExampleTime{1795440754};

class RenamedDriver : public ForwardingStore {
 public:
  RenamedDriver(Store& target, std::string_view name) : ForwardingStore(target), name_(name) {}
  std::string_view driver() const override { return name_; }

 private:
  std::string_view name_;
};

Status LoadString(Store& store, std::string text, const LoadOptions& options = {},
                  LoadReport* report = nullptr) {
  return Load(store, StringOpener(std::move(text)), options, report);
}

void FillDocExample(Store& store) {
  Put(store, "auth", "users/alice", R"({"name":"alice"})");
  Put(store, "graveler", "repos/demo", Bytes({0x00, 0x01, 0xff}));
  Put(store, "graveler", "repos/demo/branches/main", "");
}

TEST(DumpTest, WritesExactlyTheDocumentedExample) {
  auto memory = NewMemoryStore();
  FillDocExample(*memory);
  RenamedDriver store(*memory, "rocksdb");
  ManualClock clock{std::chrono::system_clock::time_point(kExampleTime)};
  DumpOptions options;
  options.clock = &clock;
  DumpReport report;
  EXPECT_EQ(DumpToString(store, options, &report), kDocExample);
  EXPECT_EQ(report.partitions, 2u);
  EXPECT_EQ(report.entries, 3u);
  EXPECT_EQ(report.key_bytes, 11u + 10u + 24u);
  EXPECT_EQ(report.value_bytes, 16u + 3u + 0u);
  EXPECT_EQ(report.bytes_written, kDocExample.size());
  ASSERT_EQ(report.partition_reports.size(), 2u);
  EXPECT_EQ(report.partition_reports[1].name, "graveler");
  EXPECT_EQ(report.partition_reports[1].digest.entries, 2u);
}

TEST(LoadTest, LoadsTheDocumentedExample) {
  auto store = NewMemoryStore();
  LoadReport report;
  Status s = LoadString(*store, std::string(kDocExample), {}, &report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto expected = NewMemoryStore();
  FillDocExample(*expected);
  EXPECT_EQ(TakeSnapshot(*store), TakeSnapshot(*expected));
  EXPECT_EQ(report.dump.header.version, 1u);
  EXPECT_EQ(report.dump.header.driver, "rocksdb");
  EXPECT_EQ(report.dump.header.created, "2026-11-23T13:32:34Z");
  EXPECT_EQ(report.dump.partitions, 2u);
  EXPECT_EQ(report.dump.entries, 3u);
  EXPECT_EQ(report.written, 3u);
}

TEST(DumpLoadTest, RoundTripsBinaryKeysValuesAndManyPartitions) {
  auto source = NewMemoryStore();
  const std::string zero_ff = Bytes({0x00, 0xff, 0x00, 0xff});
  Put(*source, Bytes({0x00}), Bytes({0x00}), Bytes({0xff}));  // partition named 0x00
  Put(*source, Bytes({0xff, 0xff}), Bytes({0xff}), Bytes({0x00}));
  Put(*source, "bin", zero_ff, zero_ff);
  Put(*source, "bin", Bytes({0x00}), "");                                        // empty value
  Put(*source, "bin", Bytes({0xff, 0xff, 0xff}), std::string(1 << 20, '\xff'));  // 1 MiB
  Put(*source, "bin", "large", std::string((1 << 20) + 1, '\0'));
  Put(*source, "bin", "newline\nkey", "quote\"value\\");
  for (int p = 0; p < 60; ++p) {
    for (int k = 0; k <= p % 7; ++k) {
      Put(*source, "part-" + std::to_string(p), "key/" + std::to_string(k),
          std::string(static_cast<std::size_t>(k), static_cast<char>(p)));
    }
  }
  DumpReport dumped;
  const std::string text = DumpToString(*source, {}, &dumped);
  EXPECT_EQ(dumped.partitions, 63u);

  auto target = NewMemoryStore();
  LoadReport loaded;
  Status s = LoadString(*target, text, {}, &loaded);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(TakeSnapshot(*target), TakeSnapshot(*source));
  EXPECT_EQ(loaded.written, dumped.entries);
  EXPECT_EQ(loaded.dump.key_bytes, dumped.key_bytes);
  EXPECT_EQ(loaded.dump.value_bytes, dumped.value_bytes);
  ASSERT_EQ(loaded.dump.partition_reports.size(), dumped.partition_reports.size());
  for (std::size_t i = 0; i < dumped.partition_reports.size(); ++i) {
    EXPECT_EQ(loaded.dump.partition_reports[i].name, dumped.partition_reports[i].name);
    EXPECT_EQ(loaded.dump.partition_reports[i].digest.sha256,
              dumped.partition_reports[i].digest.sha256);
  }
}

TEST(DumpLoadTest, EmptyStoreRoundTrips) {
  auto source = NewMemoryStore();
  const std::string text = DumpToString(*source);
  EXPECT_THAT(text, HasSubstr(R"({"end":"tarn-kv-dump","partitions":0,"entries":0})"));
  auto target = NewMemoryStore();
  Status s = LoadString(*target, text);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(TakeSnapshot(*target).empty());
}

TEST(DumpLoadTest, SmallBatchesLoadEverything) {
  auto source = NewMemoryStore();
  for (int i = 0; i < 95; ++i) Put(*source, "p", "k" + std::to_string(1000 + i), "v");
  auto target = NewMemoryStore();
  LoadOptions options;
  options.batch_size = 10;
  Status s = LoadString(*target, DumpToString(*source), options);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(TakeSnapshot(*target), TakeSnapshot(*source));
}

TEST(DumpTest, PartitionFilterSelectsPartitions) {
  auto store = NewMemoryStore();
  Put(*store, "keep", "k", "v");
  Put(*store, "drop", "k", "v");
  DumpOptions options;
  options.partition_filter = [](std::string_view p) { return p == "keep"; };
  auto target = NewMemoryStore();
  Status s = LoadString(*target, DumpToString(*store, options));
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(TakeSnapshot(*target), (Snapshot{{"keep", {{"k", "v"}}}}));
}

TEST(DumpTest, ReportsProgressEveryNKeys) {
  auto store = NewMemoryStore();
  for (int i = 0; i < 25; ++i) Put(*store, i < 15 ? "a" : "b", "k" + std::to_string(10 + i), "");
  std::vector<uint64_t> totals;
  DumpOptions options;
  options.progress_every = 10;
  options.progress = [&](const Progress& p) { totals.push_back(p.total_keys); };
  DumpToString(*store, options);
  EXPECT_EQ(totals, (std::vector<uint64_t>{10, 20}));
}

TEST(DumpTest, FailingStreamIsAnIOError) {
  auto store = NewMemoryStore();
  Put(*store, "p", "k", "v");
  std::ofstream closed;  // never opened: every write fails
  Status s = Dump(*store, closed);
  EXPECT_EQ(s.code(), StatusCode::kIOError) << s.ToString();
}

// A store whose scans return keys in the wrong order: the dump must not write a file that
// cannot be loaded.
class ReversedScan : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Result<std::unique_ptr<Iterator>> Scan(std::string_view p, std::string_view start,
                                         const ScanOptions& options) override {
    class Reversed final : public Iterator {
     public:
      explicit Reversed(Entries entries) : entries_(std::move(entries)) {}
      bool Valid() const override { return pos_ < entries_.size(); }
      void SeekGE(std::string_view) override {}
      void Next() override { ++pos_; }
      std::string_view key() const override { return entries_[pos_].first; }
      std::string_view value() const override { return entries_[pos_].second; }
      Status status() const override { return Status::OK(); }

     private:
      Entries entries_;
      std::size_t pos_ = 0;
    };
    Entries entries;
    for (const auto& [name, e] : TakeSnapshot(target_)) {
      if (name == p) entries.assign(e.rbegin(), e.rend());
    }
    return std::unique_ptr<Iterator>(std::make_unique<Reversed>(std::move(entries)));
  }
};

TEST(DumpTest, KeysOutOfOrderFromTheStoreAreCorruption) {
  auto memory = NewMemoryStore();
  Put(*memory, "p", "a", "1");
  Put(*memory, "p", "b", "2");
  ReversedScan store(*memory);
  std::ostringstream out;
  Status s = Dump(store, out);
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_THAT(s.ToString(), HasSubstr("out of order"));
}

TEST(LoadTest, OverwriteReplacesExistingKeysAndKeepsOthers) {
  auto source = NewMemoryStore();
  Put(*source, "p", "shared", "from-dump");
  Put(*source, "p", "new", "from-dump");
  auto target = NewMemoryStore();
  Put(*target, "p", "shared", "original");
  Put(*target, "p", "unrelated", "original");
  LoadReport report;
  Status s = LoadString(*target, DumpToString(*source), {}, &report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(
      TakeSnapshot(*target),
      (Snapshot{
          {"p", {{"new", "from-dump"}, {"shared", "from-dump"}, {"unrelated", "original"}}}}));
  EXPECT_EQ(report.written, 2u);
  EXPECT_EQ(report.skipped, 0u);
}

TEST(LoadTest, SkipKeepsExistingKeysAndCountsThem) {
  auto source = NewMemoryStore();
  Put(*source, "p", "shared", "from-dump");
  Put(*source, "p", "new", "from-dump");
  Put(*source, "q", "other", "from-dump");
  auto target = NewMemoryStore();
  Put(*target, "p", "shared", "original");
  LoadOptions options;
  options.strategy = LoadStrategy::kSkip;
  LoadReport report;
  Status s = LoadString(*target, DumpToString(*source), options, &report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(TakeSnapshot(*target), (Snapshot{{"p", {{"new", "from-dump"}, {"shared", "original"}}},
                                             {"q", {{"other", "from-dump"}}}}));
  EXPECT_EQ(report.written, 2u);
  EXPECT_EQ(report.skipped, 1u);
}

TEST(LoadTest, LoadsFromAFile) {
  auto source = NewMemoryStore();
  Put(*source, "p", Bytes({0x00, 0xff}), Bytes({0xff, 0x00}));
  const std::filesystem::path path =
      std::filesystem::path(::testing::TempDir()) / "kv_admin_load_test.jsonl";
  {
    std::ofstream out(path, std::ios::binary);
    ASSERT_TRUE(Dump(*source, out).ok());
  }
  auto target = NewMemoryStore();
  Status s = LoadFile(*target, path);
  std::filesystem::remove(path);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(TakeSnapshot(*target), TakeSnapshot(*source));
}

TEST(LoadTest, MissingFileIsNotFound) {
  auto target = NewMemoryStore();
  Status s = LoadFile(*target, std::filesystem::path(::testing::TempDir()) / "no-such-dump");
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.ToString();
}

TEST(ValidateDumpTest, SummarisesWithoutAStore) {
  auto source = NewMemoryStore();
  FillDocExample(*source);
  std::istringstream in(DumpToString(*source));
  DumpSummary summary;
  Status s = ValidateDump(in, {}, &summary);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(summary.header.driver, "memory");
  EXPECT_EQ(summary.partitions, 2u);
  EXPECT_EQ(summary.entries, 3u);
}

}  // namespace
}  // namespace tarn::kv::testing
