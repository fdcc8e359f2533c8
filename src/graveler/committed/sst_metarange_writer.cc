// The SST store's MetaRangeWriter. The calling thread encodes, hashes and appends records to
// the current range file; an ended range's file is finished and uploaded on the store's task
// pool, so SST writing, hashing and uploads overlap. The last range is finished on the calling
// thread inside Finish, while the earlier ones complete.
#include <rocksdb/env.h>
#include <rocksdb/sst_file_writer.h>

#include <atomic>
#include <memory>
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

// A range file being written.
struct RangeFile {
  explicit RangeFile(std::string path) : temp_path(std::move(path)), hasher(FileType::kRange) {}
  ~RangeFile() {
    if (writer != nullptr) {
      writer.reset();  // abandons the unfinished table
      RemoveFileQuietly(temp_path);
    }
  }
  std::string temp_path;
  std::unique_ptr<rocksdb::SstFileWriter> writer;
  FileIdHasher hasher;
};

class SstMetaRangeWriter final : public MetaRangeWriter {
 public:
  SstMetaRangeWriter(SstStore& store, block::Adapter& adapter, std::string ns)
      : store_(store),
        adapter_(adapter),
        ns_(std::move(ns)),
        group_(store.pool(), store.options().upload_threads) {}

  ~SstMetaRangeWriter() override {
    cancelled_ = true;  // queued ranges skip their uploads
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
    EncodeRangeValue(identity, data, value_);
    rocksdb::Status s = current_->writer->Put(rocksdb::Slice(key.data(), key.size()), value_);
    if (!s.ok()) return Fail(FromRocks(s, "writing a range file for namespace " + ns_));
    current_->hasher.Add(key, identity, data);
    ++current_info_.count;
    current_info_.estimated_bytes += key.size() + identity.size() + data.size();
    last_key_.assign(key);
    has_last_ = true;
    if (ShouldEndRange(store_.options().split, key, current_info_.count,
                       current_info_.estimated_bytes)) {
      return EndRange();
    }
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
    if (current_ != nullptr) {
      std::shared_ptr<RangeFile> file = std::move(current_);
      RangeInfo& info = PushCurrentInfo();
      status = FinishRange(*file, info);
    }
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

  // Poisons the writer: later calls return `status`, queued ranges skip their uploads and the
  // range being written is dropped with its file.
  Status Fail(Status status) {
    failed_ = status;
    cancelled_ = true;
    current_.reset();
    return status;
  }

  Status StartRange() {
    current_ = std::make_shared<RangeFile>(store_.cache().NewTempPath());
    current_->writer = std::make_unique<rocksdb::SstFileWriter>(
        rocksdb::EnvOptions(), store_.sst_options(), /*column_family=*/nullptr,
        /*invalidate_page_cache=*/false);  // the file is read back for the upload
    rocksdb::Status s = current_->writer->Open(current_->temp_path);
    if (!s.ok()) {
      current_.reset();
      return Fail(FromRocks(s, "creating a range file for namespace " + ns_));
    }
    current_info_ = RangeInfo{};
    return Status::OK();
  }

  RangeInfo& PushCurrentInfo() {
    current_info_.max_key = last_key_;
    ranges_.push_back(std::make_unique<RangeInfo>(std::move(current_info_)));
    current_info_ = RangeInfo{};
    return *ranges_.back();
  }

  // Hands the current range to the pool. Reports an earlier range's failure.
  Status EndRange() {
    std::shared_ptr<RangeFile> file = std::move(current_);
    RangeInfo* info = &PushCurrentInfo();
    group_.Submit([this, file = std::move(file), info]() mutable {
      Status status = FinishRange(*file, *info);
      file.reset();
      return status;
    });
    Status earlier = group_.first_error();
    if (!earlier.ok()) return Fail(std::move(earlier));
    return Status::OK();
  }

  // Completes the file, names it and publishes it. Runs on a pool thread or in Finish.
  Status FinishRange(RangeFile& file, RangeInfo& info) {
    rocksdb::Status s = file.writer->Finish();
    file.writer.reset();
    if (!s.ok()) {
      RemoveFileQuietly(file.temp_path);
      return FromRocks(s, "finishing a range file for namespace " + ns_);
    }
    info.id = file.hasher.Finish();
    if (cancelled_) {
      RemoveFileQuietly(file.temp_path);
      return Status::Cancelled("the metarange writer failed or was abandoned");
    }
    return store_.Publish(adapter_, ns_, FileType::kRange, info.id, file.temp_path);
  }

  Result<MetaRangeId> WriteMetaRange() {
    const std::string temp_path = store_.cache().NewTempPath();
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), store_.sst_options(), nullptr, false);
    rocksdb::Status s = writer.Open(temp_path);
    FileIdHasher hasher(FileType::kMetaRange);
    auto ranges = std::make_shared<MetaRange>();
    ranges->reserve(ranges_.size());
    std::string data;
    for (const std::unique_ptr<RangeInfo>& range : ranges_) {
      if (!s.ok()) break;
      data = EncodeRangeData(*range);
      value_.clear();
      PutVarint(value_, range->id.size());
      value_.append(range->id);
      value_.append(data);
      s = writer.Put(range->max_key, value_);
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

  std::string last_key_;
  bool has_last_ = false;
  std::string value_;  // reused for every record
  std::shared_ptr<RangeFile> current_;
  RangeInfo current_info_;  // min_key, count and bytes of the range being written
  // Every range in order; pool tasks fill in the ids of the ones they finish.
  std::vector<std::unique_ptr<RangeInfo>> ranges_;
  bool finished_ = false;
  Status failed_;
  std::atomic<bool> cancelled_{false};
  TaskGroup group_;  // last: destroyed (after waiting for its tasks) before the rest
};

}  // namespace

std::unique_ptr<MetaRangeWriter> NewSstMetaRangeWriter(SstStore& store, block::Adapter& adapter,
                                                       std::string storage_namespace) {
  return std::make_unique<SstMetaRangeWriter>(store, adapter, std::move(storage_namespace));
}

}  // namespace tarn::graveler::committed::sst
