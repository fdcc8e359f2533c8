// The SST range store on the memory and local block adapters: round trips, the frozen ids and
// boundaries, the cache's effects (skipped uploads, single-flight downloads, adoption) and the
// error paths (missing, corrupt and altered files, failed uploads).
#include "graveler/committed/sst_range_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "block/fault_injection.h"
#include "block/local/local_adapter.h"
#include "block/memory/memory_adapter.h"
#include "block/reader.h"
#include "graveler/committed/range_id.h"
#include "graveler/committed/sst_test_util.h"

namespace tarn::graveler::committed {
namespace {
namespace fs = std::filesystem;
using block::FaultInjectingAdapter;
using block::Operation;
using testing::ExpectedTree;
using testing::MakeRecords;
using testing::ReadAll;
using testing::Record;
using testing::ReferenceTree;
using testing::WriteAll;

constexpr RangeSplitOptions kSplit{.target_entries = 100};

class SstRangeStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "tarn-sst-store-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    std::unique_ptr<block::Adapter> adapter;
    if (GetParam() == "local") {
      auto local = block::NewLocalAdapter({.root = dir_ + "/blocks"});
      ASSERT_TRUE(local.ok()) << local.status().ToString();
      adapter = std::move(local).value();
      ns_ = "local://repo";
    } else {
      adapter = block::NewMemoryAdapter();
      ns_ = "mem://repo";
    }
    auto faulty = std::make_unique<FaultInjectingAdapter>(std::move(adapter));
    faults_ = faulty.get();
    ASSERT_TRUE(registry_.Register(std::move(faulty)).ok());
    store_ = NewStore("cache");
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  std::unique_ptr<RangeStore> NewStore(const std::string& cache, SstRangeStoreOptions o = {}) {
    o.cache_dir = dir_ + "/" + cache;
    o.split = kSplit;
    o.upload_threads = 2;
    auto store = NewSstRangeStore(registry_, o);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // Replaces the object `_tarn/<id>` with `bytes`.
  void Overwrite(const std::string& id, std::string bytes) {
    block::StringReader body(std::move(bytes));
    ASSERT_TRUE(faults_->Put({ns_, "_tarn/" + id}, body, {}).ok());
  }
  std::string ObjectBytes(const std::string& id) {
    auto reader = faults_->Get({ns_, "_tarn/" + id}, std::nullopt);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    if (!reader.ok()) return "";
    auto bytes = block::ReadAll(**reader, 64 << 20);
    return bytes.ok() ? *bytes : "";
  }

  std::string dir_;
  std::string ns_;
  block::Registry registry_;
  FaultInjectingAdapter* faults_ = nullptr;
  std::unique_ptr<RangeStore> store_;
};

TEST_P(SstRangeStoreTest, RecordsRoundTripThroughManyRanges) {
  const auto records = MakeRecords(5000);
  auto id = WriteAll(*store_, ns_, records);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto ranges = store_->ReadMetaRange(ns_, *id);
  ASSERT_TRUE(ranges.ok()) << ranges.status().ToString();
  EXPECT_GT((*ranges)->size(), 10u);
  auto read = ReadAll(*store_, ns_, *id);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, records);
}

TEST_P(SstRangeStoreTest, RangeInfoDescribesEachRange) {
  const auto records = MakeRecords(2000);
  auto id = WriteAll(*store_, ns_, records);
  ASSERT_TRUE(id.ok());
  auto ranges = store_->ReadMetaRange(ns_, *id);
  ASSERT_TRUE(ranges.ok());
  std::size_t next = 0;
  for (const RangeInfo& range : **ranges) {
    uint64_t bytes = 0;
    for (uint64_t i = 0; i < range.count; ++i) {
      const Record& r = records[next + i];
      bytes += r.key.size() + r.identity.size() + r.data.size();
    }
    EXPECT_EQ(range.min_key, records[next].key);
    EXPECT_EQ(range.max_key, records[next + range.count - 1].key);
    EXPECT_EQ(range.estimated_bytes, bytes);
    next += range.count;
  }
  EXPECT_EQ(next, records.size());
}

TEST_P(SstRangeStoreTest, IdsAreTheFrozenHashesOfTheRecords) {
  const auto records = MakeRecords(3000);
  const ExpectedTree expected = ReferenceTree(records, kSplit);
  auto id = WriteAll(*store_, ns_, records);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, expected.metarange_id);
  auto ranges = store_->ReadMetaRange(ns_, *id);
  ASSERT_TRUE(ranges.ok());
  EXPECT_EQ(**ranges, expected.ranges);
}

TEST_P(SstRangeStoreTest, InsertingOneKeyRewritesOnlyTheRangeAroundIt) {
  auto records = MakeRecords(5000);
  auto before = WriteAll(*store_, ns_, records);
  ASSERT_TRUE(before.ok());
  records.insert(records.begin() + 2500, Record{records[2499].key + "-new", "id-new", "data"});
  auto after = WriteAll(*store_, ns_, records);
  ASSERT_TRUE(after.ok());
  auto old_ranges = store_->ReadMetaRange(ns_, *before);
  auto new_ranges = store_->ReadMetaRange(ns_, *after);
  ASSERT_TRUE(old_ranges.ok() && new_ranges.ok());
  std::set<std::string> old_ids, new_ids;
  for (const RangeInfo& r : **old_ranges) old_ids.insert(r.id);
  for (const RangeInfo& r : **new_ranges) new_ids.insert(r.id);
  int gone = 0, added = 0;
  for (const auto& id : old_ids) gone += new_ids.count(id) == 0;
  for (const auto& id : new_ids) added += old_ids.count(id) == 0;
  EXPECT_EQ(gone, 1);
  EXPECT_GE(added, 1);
  EXPECT_LE(added, 2);  // two when the new key itself ends a range
}

TEST_P(SstRangeStoreTest, NothingAddedGivesTheEmptyTree) {
  auto writer = store_->NewMetaRangeWriter(ns_);
  ASSERT_TRUE(writer.ok());
  auto id = (*writer)->Finish();
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "");
  auto ranges = store_->ReadMetaRange(ns_, "");
  ASSERT_TRUE(ranges.ok());
  EXPECT_TRUE((*ranges)->empty());
  EXPECT_EQ(faults_->calls(Operation::kPut), 0u);
}

TEST_P(SstRangeStoreTest, SeekGEPositionsInsideARange) {
  const auto records = MakeRecords(50);
  auto id = WriteAll(*store_, ns_, records);
  ASSERT_TRUE(id.ok());
  auto ranges = store_->ReadMetaRange(ns_, *id);
  ASSERT_TRUE(ranges.ok());
  const RangeInfo& range = (**ranges)[0];
  auto it = store_->OpenRange(ns_, range);
  ASSERT_TRUE(it.ok());
  ASSERT_TRUE((*it)->Valid());
  EXPECT_EQ((*it)->key(), records[0].key);
  (*it)->SeekGE(records[10].key + "!");  // between two keys
  ASSERT_TRUE((*it)->Valid());
  EXPECT_EQ((*it)->key(), records[11].key);
  EXPECT_EQ((*it)->identity(), records[11].identity);
  EXPECT_EQ((*it)->data(), records[11].data);
  EXPECT_FALSE((*it)->tombstone());
  (*it)->SeekGE(records[3].key);  // backwards
  ASSERT_TRUE((*it)->Valid());
  EXPECT_EQ((*it)->key(), records[3].key);
  (*it)->SeekGE(range.max_key + "~");
  EXPECT_FALSE((*it)->Valid());
  EXPECT_TRUE((*it)->status().ok());
}

TEST_P(SstRangeStoreTest, AddRangeReusesAnExistingRangeByReference) {
  const auto records = MakeRecords(3000);
  auto base = WriteAll(*store_, ns_, records);
  ASSERT_TRUE(base.ok());
  auto base_ranges = store_->ReadMetaRange(ns_, *base);
  ASSERT_TRUE(base_ranges.ok());
  ASSERT_GE((*base_ranges)->size(), 3u);
  const RangeInfo middle = (**base_ranges)[1];
  const uint64_t gets_before = faults_->calls(Operation::kGet);

  auto writer = store_->NewMetaRangeWriter(ns_);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->AddRecord("0-before", "i0", "d0").ok());
  ASSERT_TRUE((*writer)->AddRange(middle).ok());
  ASSERT_TRUE((*writer)->AddRecord("z-after", "i1", "d1").ok());
  auto id = (*writer)->Finish();
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(faults_->calls(Operation::kGet), gets_before);  // nothing was read

  auto ranges = store_->ReadMetaRange(ns_, *id);
  ASSERT_TRUE(ranges.ok());
  ASSERT_EQ((*ranges)->size(), 3u);
  EXPECT_EQ((**ranges)[1], middle);
  auto read = ReadAll(*store_, ns_, *id);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), middle.count + 2);
  EXPECT_EQ(read->front().key, "0-before");
  EXPECT_EQ((*read)[1].key, middle.min_key);
  EXPECT_EQ(read->back().key, "z-after");
}

TEST_P(SstRangeStoreTest, RejectsKeysOutOfOrder) {
  auto writer = store_->NewMetaRangeWriter(ns_);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->AddRecord("b", "i", "").ok());
  Status status = (*writer)->AddRecord("a", "i", "");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("ascending"), std::string_view::npos) << status.ToString();
  EXPECT_EQ((*writer)->AddRecord("b", "i", "").code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE((*writer)->Finish().ok());
}

TEST_P(SstRangeStoreTest, RejectsAnEmptyIdentity) {
  auto writer = store_->NewMetaRangeWriter(ns_);
  ASSERT_TRUE(writer.ok());
  EXPECT_EQ((*writer)->AddRecord("a", "", "data").code(), StatusCode::kInvalidArgument);
}

TEST_P(SstRangeStoreTest, RejectsARangeOverlappingEarlierKeys) {
  auto writer = store_->NewMetaRangeWriter(ns_);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->AddRecord("m", "i", "").ok());
  RangeInfo range{.id = std::string(64, 'a'), .min_key = "c", .max_key = "z", .count = 1};
  EXPECT_EQ((*writer)->AddRange(range).code(), StatusCode::kInvalidArgument);
}

TEST_P(SstRangeStoreTest, RewritingTheSameTreeUploadsNothing) {
  const auto records = MakeRecords(2000);
  auto first = WriteAll(*store_, ns_, records);
  ASSERT_TRUE(first.ok());
  const uint64_t puts = faults_->calls(Operation::kPut);
  auto second = WriteAll(*store_, ns_, records);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, *first);
  EXPECT_EQ(faults_->calls(Operation::kPut), puts);
}

TEST_P(SstRangeStoreTest, AFreshCacheDownloadsAndVerifiesTheFiles) {
  const auto records = MakeRecords(2000);
  auto id = WriteAll(*store_, ns_, records);
  ASSERT_TRUE(id.ok());
  auto other = NewStore("other-cache");
  auto read = ReadAll(*other, ns_, *id);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, records);
  EXPECT_GT(faults_->calls(Operation::kGet), 0u);
}

TEST_P(SstRangeStoreTest, ConcurrentReadersOfAMissingFileDownloadItOnce) {
  const auto records = MakeRecords(300);
  auto id = WriteAll(*store_, ns_, records);
  ASSERT_TRUE(id.ok());
  auto ranges = store_->ReadMetaRange(ns_, *id);
  ASSERT_TRUE(ranges.ok());
  const RangeInfo range = (**ranges)[0];
  auto other = NewStore("other-cache");
  const uint64_t gets = faults_->calls(Operation::kGet);
  constexpr int kThreads = 8;
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      auto meta = other->ReadMetaRange(ns_, *id);
      auto it = other->OpenRange(ns_, range);
      if (meta.ok() && it.ok() && (*it)->Valid() && (*it)->key() == records[0].key) ++good;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good, kThreads);
  EXPECT_EQ(faults_->calls(Operation::kGet) - gets, 2u);  // the metarange and the range
}

TEST_P(SstRangeStoreTest, RestartKeepsTheCacheWarm) {
  const auto records = MakeRecords(2000);
  auto id = WriteAll(*store_, ns_, records);
  ASSERT_TRUE(id.ok());
  store_.reset();
  faults_->AddRule({.operation = Operation::kGet,
                    .times = 0,
                    .status = Status::Unavailable("storage is unreachable")});
  auto restarted = NewStore("cache");
  auto read = ReadAll(*restarted, ns_, *id);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, records);
}

// The cached file named `name` (an id, or "<id>.idx"), searched in the whole cache directory.
std::string FindCached(const std::string& cache_dir, const std::string& name) {
  for (const auto& e : fs::recursive_directory_iterator(cache_dir)) {
    if (e.path().filename() == name) return e.path().string();
  }
  return "";
}

TEST_P(SstRangeStoreTest, ARestartReadsMetaRangesFromTheirIndex) {
  const auto records = MakeRecords(2000);
  auto id = WriteAll(*store_, ns_, records);
  ASSERT_TRUE(id.ok());
  auto before = store_->ReadMetaRange(ns_, *id);
  ASSERT_TRUE(before.ok());
  store_.reset();
  // Without the metarange's SST file anywhere, only the index can answer.
  const std::string cached = FindCached(dir_ + "/cache", *id);
  ASSERT_FALSE(cached.empty());
  ASSERT_FALSE(FindCached(dir_ + "/cache", *id + ".idx").empty());
  fs::remove(cached);
  ASSERT_TRUE(faults_->Delete({ns_, "_tarn/" + *id}).ok());
  auto restarted = NewStore("cache");
  auto after = restarted->ReadMetaRange(ns_, *id);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(**after, **before);
}

TEST_P(SstRangeStoreTest, ADamagedIndexIsRebuiltFromTheFile) {
  const auto records = MakeRecords(2000);
  auto id = WriteAll(*store_, ns_, records);
  ASSERT_TRUE(id.ok());
  auto before = store_->ReadMetaRange(ns_, *id);
  ASSERT_TRUE(before.ok());
  store_.reset();
  const std::string index = FindCached(dir_ + "/cache", *id + ".idx");
  ASSERT_FALSE(index.empty());
  std::string bytes;
  {
    std::ifstream in(index, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_GT(bytes.size(), 40u);
  bytes[bytes.size() - 3] ^= 0x20;  // a flipped bit in a range's fields
  std::ofstream(index, std::ios::binary | std::ios::trunc) << bytes;
  auto restarted = NewStore("cache");
  auto after = restarted->ReadMetaRange(ns_, *id);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(**after, **before);
  // Rebuilt: the index found now is sound again.
  const std::string rebuilt = FindCached(dir_ + "/cache", *id + ".idx");
  ASSERT_FALSE(rebuilt.empty());
  std::ifstream again(rebuilt, std::ios::binary);
  std::string now((std::istreambuf_iterator<char>(again)), {});
  EXPECT_NE(now, bytes);
}

TEST_P(SstRangeStoreTest, ASmallCacheEvictsAndStillServesEveryRange) {
  const auto records = MakeRecords(3000);
  auto id = WriteAll(*store_, ns_, records);
  ASSERT_TRUE(id.ok());
  SstRangeStoreOptions small;
  small.cache_size_bytes = 8 << 10;
  small.max_open_files = 2;
  auto other = NewStore("small-cache", small);
  auto read = ReadAll(*other, ns_, *id);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, records);
  uint64_t on_disk = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir_ + "/small-cache")) {
    if (entry.is_regular_file()) on_disk += entry.file_size();
  }
  EXPECT_LE(on_disk, 8u << 10);
}

TEST_P(SstRangeStoreTest, AMissingRangeIsNotFoundNamingFileAndNamespace) {
  auto id = WriteAll(*store_, ns_, MakeRecords(500));
  ASSERT_TRUE(id.ok());
  auto ranges = store_->ReadMetaRange(ns_, *id);
  ASSERT_TRUE(ranges.ok());
  const RangeInfo range = (**ranges)[1];
  ASSERT_TRUE(faults_->Delete({ns_, "_tarn/" + range.id}).ok());
  auto other = NewStore("other-cache");
  auto it = other->OpenRange(ns_, range);
  ASSERT_FALSE(it.ok());
  EXPECT_TRUE(it.status().IsNotFound()) << it.status().ToString();
  EXPECT_NE(it.status().message().find("_tarn/" + range.id), std::string_view::npos);
  EXPECT_NE(it.status().message().find(ns_), std::string_view::npos);
}

TEST_P(SstRangeStoreTest, AMissingMetaRangeIsNotFound) {
  auto other = NewStore("other-cache");
  auto ranges = other->ReadMetaRange(ns_, std::string(64, 'e'));
  ASSERT_FALSE(ranges.ok());
  EXPECT_TRUE(ranges.status().IsNotFound()) << ranges.status().ToString();
  EXPECT_NE(ranges.status().message().find(ns_), std::string_view::npos);
}

TEST_P(SstRangeStoreTest, ATruncatedFileIsCorruption) {
  auto id = WriteAll(*store_, ns_, MakeRecords(500));
  ASSERT_TRUE(id.ok());
  std::string bytes = ObjectBytes(*id);
  ASSERT_GT(bytes.size(), 100u);
  Overwrite(*id, bytes.substr(0, bytes.size() / 2));
  auto other = NewStore("other-cache");
  auto ranges = other->ReadMetaRange(ns_, *id);
  ASSERT_FALSE(ranges.ok());
  EXPECT_EQ(ranges.status().code(), StatusCode::kCorruption) << ranges.status().ToString();
  EXPECT_NE(ranges.status().message().find("_tarn/" + *id), std::string_view::npos);
  EXPECT_NE(ranges.status().message().find(ns_), std::string_view::npos);
}

TEST_P(SstRangeStoreTest, AFileWithFlippedBytesIsCorruption) {
  auto id = WriteAll(*store_, ns_, MakeRecords(500));
  ASSERT_TRUE(id.ok());
  auto ranges = store_->ReadMetaRange(ns_, *id);
  ASSERT_TRUE(ranges.ok());
  const RangeInfo range = (**ranges)[0];
  std::string bytes = ObjectBytes(range.id);
  for (std::size_t i = 10; i < 60; ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
  Overwrite(range.id, bytes);
  auto other = NewStore("other-cache");
  auto it = other->OpenRange(ns_, range);
  ASSERT_FALSE(it.ok());
  EXPECT_EQ(it.status().code(), StatusCode::kCorruption) << it.status().ToString();
}

TEST_P(SstRangeStoreTest, AFileReplacedByAnotherValidFileIsCorruption) {
  auto first = WriteAll(*store_, ns_, MakeRecords(50));
  auto second = WriteAll(*store_, ns_, MakeRecords(60));
  ASSERT_TRUE(first.ok() && second.ok());
  auto ranges = store_->ReadMetaRange(ns_, *first);
  auto other_ranges = store_->ReadMetaRange(ns_, *second);
  ASSERT_TRUE(ranges.ok() && other_ranges.ok());
  const RangeInfo range = (**ranges)[0];
  Overwrite(range.id, ObjectBytes((**other_ranges)[0].id));
  auto other = NewStore("other-cache");
  auto it = other->OpenRange(ns_, range);
  ASSERT_FALSE(it.ok());
  EXPECT_EQ(it.status().code(), StatusCode::kCorruption);
  EXPECT_NE(it.status().message().find("does not match its id"), std::string_view::npos)
      << it.status().ToString();
}

TEST_P(SstRangeStoreTest, AFailedUploadFailsTheWriterAndWritesNoMetaRange) {
  const auto records = MakeRecords(3000);
  const ExpectedTree expected = ReferenceTree(records, kSplit);
  faults_->AddRule({.operation = Operation::kPut,
                    .nth = 3,
                    .status = Status::Unavailable("injected upload failure")});
  Status status;
  auto writer = store_->NewMetaRangeWriter(ns_);
  ASSERT_TRUE(writer.ok());
  for (const Record& r : records) {
    status = (*writer)->AddRecord(r.key, r.identity, r.data);
    if (!status.ok()) break;
  }
  if (status.ok()) status = (*writer)->Finish().status();
  EXPECT_TRUE(status.IsUnavailable()) << status.ToString();
  EXPECT_NE(status.message().find("uploading range file"), std::string_view::npos)
      << status.ToString();
  auto exists = faults_->Exists({ns_, "_tarn/" + expected.metarange_id});
  ASSERT_TRUE(exists.ok());
  EXPECT_FALSE(*exists);
  writer->reset();  // waits for the ranges still in flight
  EXPECT_TRUE(fs::is_empty(dir_ + "/cache/workspace"));
}

TEST_P(SstRangeStoreTest, AFailedMetaRangeUploadFailsFinish) {
  const auto records = MakeRecords(50);  // one range, then the metarange
  faults_->AddRule({.operation = Operation::kPut,
                    .nth = 2,
                    .status = Status::PermissionDenied("injected: bucket is read-only")});
  auto id = WriteAll(*store_, ns_, records);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), StatusCode::kPermissionDenied);
}

TEST_P(SstRangeStoreTest, RejectsMalformedIds) {
  EXPECT_EQ(store_->ReadMetaRange(ns_, "../../etc/passwd").status().code(),
            StatusCode::kInvalidArgument);
  RangeInfo range{.id = "abc"};
  EXPECT_EQ(store_->OpenRange(ns_, range).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(SstRangeStoreTest, AnUnknownSchemeIsInvalidArgument) {
  auto writer = store_->NewMetaRangeWriter("gs://bucket/x");
  EXPECT_EQ(writer.status().code(), StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Adapters, SstRangeStoreTest, ::testing::Values("memory", "local"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tarn::graveler::committed
