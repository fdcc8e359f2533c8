// The SST store's MetaRangeWriter, pipelined: the calling thread only checks and copies each
// record into a chunk of the current range (a few memcpys); the store's task pool turns chunks
// into the SST file and its id hash, then finishes, names and uploads the file when the range
// ends. So the caller's own work (reading the base tree and the staged changes) overlaps with
// SST encoding, hashing and uploads, and several ranges are built at once.
//
// Chunk layout, one record after another: u32 key size, u32 value size, u32 identity size,
// u32 identity offset in the value, the key, then the SST value (lp(identity) || data) so the
// builder hands RocksDB and the hasher views without copying again.
#include <rocksdb/env.h>
#include <rocksdb/sst_file_writer.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/coding.h"
#include "graveler/committed/range_id.h"
#include "graveler/committed/sst_file_io.h"
#include "graveler/committed/sst_format.h"
#include "graveler/committed/sst_store_internal.h"

namespace tarn::graveler::committed::sst {
namespace {

constexpr std::size_t kChunkBytes = 256 << 10;
// Chunks a writer may have filled but not yet built: bounds its memory (about 4 MiB).
constexpr int kMaxBufferedChunks = 16;
constexpr std::size_t kHeaderBytes = 16;

void PutU32(char* p, uint32_t v) { std::memcpy(p, &v, 4); }
uint32_t GetU32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// One range on its way to storage. The writer thread fills `chunks`; at most one drain task at
// a time (draining == true) empties them in order.
struct RangeBuild {
  RangeInfo* info = nullptr;  // owned by the writer; the drain fills in the id

  std::mutex mu;
  std::deque<std::string> chunks;
  bool ended = false;     // the last chunk is queued
  bool draining = false;  // a drain task is queued or running

  // Touched by the drain task only.
  std::string temp_path;
  std::unique_ptr<rocksdb::SstFileWriter> file;
  std::unique_ptr<FileIdHasher> hasher;
  Status status;

  ~RangeBuild() {
    if (file != nullptr) {
      file.reset();  // abandons the unfinished table
      RemoveFileQuietly(temp_path);
    }
  }
};

class SstMetaRangeWriter final : public MetaRangeWriter {
 public:
  SstMetaRangeWriter(SstStore& store, block::Adapter& adapter, std::string ns)
      : store_(store),
        adapter_(adapter),
        ns_(std::move(ns)),
        group_(store.pool(), store.options().upload_threads) {}

  ~SstMetaRangeWriter() override {
    cancelled_ = true;  // queued chunks are dropped and nothing more is uploaded
    (void)group_.Wait();
  }

  Status AddRecord(std::string_view key, std::string_view identity,
                   std::string_view data) override {
    RETURN_IF_ERROR(CheckUsable());
    if (identity.empty()) {
      return Fail(Status::InvalidArgument("a record's identity must not be empty (key \"" +
                                          EscapeBytes(key) + "\")"));
    }
    if (has_last_ && key <= std::string_view(last_key_)) {
      return Fail(Status::InvalidArgument("keys must be added in ascending order: \"" +
                                          EscapeBytes(key) + "\" follows \"" +
                                          EscapeBytes(last_key_) + "\""));
    }
    if (current_ == nullptr) {
      RETURN_IF_ERROR(StartRange());
      current_info_.min_key.assign(key);
    }
    AppendRecord(key, identity, data);
    ++current_info_.count;
    current_info_.estimated_bytes += key.size() + identity.size() + data.size();
    last_key_.assign(key);
    has_last_ = true;
    if (ShouldEndRange(store_.options().split, key, current_info_.count,
                       current_info_.estimated_bytes)) {
      return EndRange();
    }
    if (chunk_.size() >= kChunkBytes) return PushChunk(/*end=*/false);
    return Status::OK();
  }

  Status AddRange(const RangeInfo& range) override {
    RETURN_IF_ERROR(CheckUsable());
    if (!IsValidId(range.id)) {
      return Fail(Status::InvalidArgument("range id \"" + EscapeBytes(range.id) +
                                          "\" is not 64 lowercase hex characters"));
    }
    if (range.max_key < range.min_key || (has_last_ && range.min_key <= last_key_)) {
      return Fail(Status::InvalidArgument("ranges must be added in ascending order: range [\"" +
                                          EscapeBytes(range.min_key) + "\", \"" +
                                          EscapeBytes(range.max_key) + "\"] follows key \"" +
                                          EscapeBytes(last_key_) + "\""));
    }
    if (current_ != nullptr) RETURN_IF_ERROR(EndRange());
    ranges_.push_back(std::make_unique<RangeInfo>(range));
    last_key_.assign(range.max_key);
    has_last_ = true;
    return Status::OK();
  }

  Result<MetaRangeId> Finish() override {
    RETURN_IF_ERROR(CheckUsable());
    finished_ = true;
    Status status;
    if (current_ != nullptr) status = EndRange();
    Status pending = group_.Wait();
    if (!status.ok()) return status;
    if (!pending.ok()) return pending;
    if (ranges_.empty()) return MetaRangeId();
    return WriteMetaRange();
  }

 private:
  Status CheckUsable() {
    if (finished_) return Status::InvalidArgument("the metarange writer is already finished");
    if (!failed_.ok()) return failed_;
    return Status::OK();
  }

  // Poisons the writer: later calls return `status`; queued chunks are dropped and nothing more
  // is uploaded.
  Status Fail(Status status) {
    failed_ = status;
    cancelled_ = true;
    return status;
  }

  Status StartRange() {
    current_ = std::make_shared<RangeBuild>();
    current_info_ = RangeInfo{};
    TakeChunk();
    return Status::OK();
  }

  void AppendRecord(std::string_view key, std::string_view identity, std::string_view data) {
    char varint[10];
    std::size_t varint_size = 0;
    for (uint64_t v = identity.size();; v >>= 7) {
      if (v < 0x80) {
        varint[varint_size++] = static_cast<char>(v);
        break;
      }
      varint[varint_size++] = static_cast<char>((v & 0x7f) | 0x80);
    }
    const std::size_t value_size = varint_size + identity.size() + data.size();
    const std::size_t at = chunk_.size();
    chunk_.resize(at + kHeaderBytes + key.size() + value_size);
    char* p = chunk_.data() + at;
    PutU32(p, static_cast<uint32_t>(key.size()));
    PutU32(p + 4, static_cast<uint32_t>(value_size));
    PutU32(p + 8, static_cast<uint32_t>(identity.size()));
    PutU32(p + 12, static_cast<uint32_t>(varint_size));
    p += kHeaderBytes;
    std::memcpy(p, key.data(), key.size());
    p += key.size();
    std::memcpy(p, varint, varint_size);
    p += varint_size;
    std::memcpy(p, identity.data(), identity.size());
    p += identity.size();
    std::memcpy(p, data.data(), data.size());
  }

  // Takes an empty chunk buffer, reusing a drained one when there is one.
  void TakeChunk() {
    std::lock_guard lock(chunks_mu_);
    if (!free_chunks_.empty()) {
      chunk_ = std::move(free_chunks_.back());
      free_chunks_.pop_back();
    } else {
      chunk_ = std::string();
      chunk_.reserve(kChunkBytes + (kChunkBytes >> 2));
    }
    chunk_.clear();
  }

  void GiveBackChunk(std::string chunk) {
    std::lock_guard lock(chunks_mu_);
    --buffered_;
    if (free_chunks_.size() < kMaxBufferedChunks) free_chunks_.push_back(std::move(chunk));
    chunk_drained_.notify_all();
  }

  // Queues the current chunk for the current range, scheduling its drain if none is pending.
  Status PushChunk(bool end) {
    {
      std::unique_lock lock(chunks_mu_);
      chunk_drained_.wait(lock, [&] { return buffered_ < kMaxBufferedChunks; });
      ++buffered_;
    }
    RangeBuild& build = *current_;
    bool schedule;
    {
      std::lock_guard lock(build.mu);
      build.chunks.push_back(std::move(chunk_));
      build.ended = end;
      schedule = !build.draining;
      build.draining = true;
    }
    if (schedule) {
      group_.Submit([this, build = current_] { return Drain(*build); });
    }
    if (end) {
      current_.reset();
    } else {
      TakeChunk();
    }
    Status earlier = group_.first_error();
    if (!earlier.ok()) return Fail(std::move(earlier));
    return Status::OK();
  }

  // Ends the current range: its description joins the metarange, its last chunk the queue.
  Status EndRange() {
    current_info_.max_key = last_key_;
    ranges_.push_back(std::make_unique<RangeInfo>(std::move(current_info_)));
    current_info_ = RangeInfo{};
    current_->info = ranges_.back().get();
    return PushChunk(/*end=*/true);
  }

  // Builds queued chunks of `build` in order; on its last chunk finishes and publishes the
  // file. Runs on the pool, one drain per range at a time.
  Status Drain(RangeBuild& build) {
    for (;;) {
      std::string chunk;
      {
        std::lock_guard lock(build.mu);
        if (build.chunks.empty()) {
          if (!build.ended) {
            build.draining = false;
            return Status::OK();
          }
          break;
        }
        chunk = std::move(build.chunks.front());
        build.chunks.pop_front();
      }
      if (build.status.ok() && !cancelled_) build.status = Build(build, chunk);
      GiveBackChunk(std::move(chunk));
    }
    if (build.status.ok() && cancelled_) {
      build.status = Status::Cancelled("the metarange writer failed or was abandoned");
    }
    if (!build.status.ok()) {
      if (build.file != nullptr) {
        build.file.reset();  // abandons the unfinished table
        RemoveFileQuietly(build.temp_path);
      }
      return build.status;
    }
    return Publish(build);
  }

  Status Build(RangeBuild& build, std::string_view chunk) {
    if (build.file == nullptr) {
      build.temp_path = store_.cache().NewTempPath();
      build.file = std::make_unique<rocksdb::SstFileWriter>(
          rocksdb::EnvOptions(), store_.sst_options(), /*column_family=*/nullptr,
          /*invalidate_page_cache=*/false);  // the file is read back for the upload
      build.hasher = std::make_unique<FileIdHasher>(FileType::kRange);
      rocksdb::Status s = build.file->Open(build.temp_path);
      if (!s.ok()) {
        build.file.reset();
        return FromRocks(s, "creating a range file for namespace " + ns_);
      }
    }
    const char* p = chunk.data();
    const char* end = p + chunk.size();
    while (p < end) {
      const uint32_t key_size = GetU32(p);
      const uint32_t value_size = GetU32(p + 4);
      const uint32_t identity_size = GetU32(p + 8);
      const uint32_t varint_size = GetU32(p + 12);
      p += kHeaderBytes;
      const std::string_view key(p, key_size);
      const std::string_view value(p + key_size, value_size);
      p += key_size + value_size;
      rocksdb::Status s = build.file->Put(rocksdb::Slice(key.data(), key.size()),
                                          rocksdb::Slice(value.data(), value.size()));
      if (!s.ok()) return FromRocks(s, "writing a range file for namespace " + ns_);
      build.hasher->Add(key, value.substr(varint_size, identity_size),
                        value.substr(varint_size + identity_size));
    }
    return Status::OK();
  }

  Status Publish(RangeBuild& build) {
    rocksdb::Status s = build.file->Finish();
    build.file.reset();
    if (!s.ok()) {
      RemoveFileQuietly(build.temp_path);
      return FromRocks(s, "finishing a range file for namespace " + ns_);
    }
    build.info->id = build.hasher->Finish();
    return store_.Publish(adapter_, ns_, FileType::kRange, build.info->id, build.temp_path);
  }

  Result<MetaRangeId> WriteMetaRange() {
    const std::string temp_path = store_.cache().NewTempPath();
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), store_.sst_options(), nullptr, false);
    rocksdb::Status s = writer.Open(temp_path);
    FileIdHasher hasher(FileType::kMetaRange);
    auto ranges = std::make_shared<MetaRange>();
    ranges->reserve(ranges_.size());
    std::string data;
    std::string value;
    for (const std::unique_ptr<RangeInfo>& range : ranges_) {
      if (!s.ok()) break;
      data = EncodeRangeData(*range);
      value.clear();
      PutVarint64(value, range->id.size());
      value.append(range->id);
      value.append(data);
      s = writer.Put(range->max_key, value);
      hasher.Add(range->max_key, range->id, data);
      ranges->push_back(std::move(*range));
    }
    if (s.ok()) s = writer.Finish();
    if (!s.ok()) {
      RemoveFileQuietly(temp_path);
      return FromRocks(s, "writing the metarange file for namespace " + ns_);
    }
    std::string id = hasher.Finish();
    RETURN_IF_ERROR(store_.Publish(adapter_, ns_, FileType::kMetaRange, id, temp_path));
    store_.RememberMetaRange(ns_, id, std::move(ranges));
    return id;
  }

  SstStore& store_;
  block::Adapter& adapter_;
  const std::string ns_;

  // The writer thread's state.
  std::string last_key_;
  bool has_last_ = false;
  std::shared_ptr<RangeBuild> current_;
  RangeInfo current_info_;  // min_key, count and bytes of the range being written
  std::string chunk_;       // the current range's chunk being filled
  // Every range in order; drains fill in the ids of the ones they build.
  std::vector<std::unique_ptr<RangeInfo>> ranges_;
  bool finished_ = false;
  Status failed_;

  // Shared with the drains.
  std::atomic<bool> cancelled_{false};
  std::mutex chunks_mu_;
  std::condition_variable chunk_drained_;
  int buffered_ = 0;  // chunks queued or being built
  std::vector<std::string> free_chunks_;

  TaskGroup group_;  // last: destroyed (after waiting for its tasks) before the rest
};

}  // namespace

std::unique_ptr<MetaRangeWriter> NewSstMetaRangeWriter(SstStore& store, block::Adapter& adapter,
                                                       std::string storage_namespace) {
  return std::make_unique<SstMetaRangeWriter>(store, adapter, std::move(storage_namespace));
}

}  // namespace tarn::graveler::committed::sst
