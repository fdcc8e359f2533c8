#include "kv/admin/load.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <span>

#include "common/coding.h"

namespace tarn::kv {
namespace {

// A batch slot that held a large value gives its memory back, so a dump with a few huge values
// does not leave every slot of the batch holding a huge buffer.
constexpr std::size_t kKeepSlotCapacity = 64 * 1024;

std::string Quoted(std::string_view bytes) { return "\"" + EscapeBytes(bytes) + "\""; }

class LoadWriter {
 public:
  LoadWriter(Store& store, const LoadOptions& options, LoadReport& report)
      : store_(store),
        options_(options),
        report_(report),
        ticker_(options.progress, options.progress_every),
        batch_(std::max<std::size_t>(options.batch_size, 1)) {}

  // The second pass: the dump has been validated once, so any reader error here means the file
  // changed since.
  Status Run(std::istream& in) {
    DumpReader reader(in, options_.reader);
    RETURN_IF_ERROR(Changed(reader.ReadHeader()));
    for (;;) {
      DumpReader::Record record;
      RETURN_IF_ERROR(Changed(reader.Next(&record)));
      switch (record) {
        case DumpReader::Record::kPartitionBegin:
          partition_.assign(reader.partition());
          ticker_.StartPartition(partition_);
          break;
        case DumpReader::Record::kEntry:
          RETURN_IF_ERROR(options_.strategy == LoadStrategy::kSkip
                              ? WriteIfAbsent(reader.key(), reader.value())
                              : Add(reader.key(), reader.value()));
          break;
        case DumpReader::Record::kPartitionEnd:
          RETURN_IF_ERROR(Flush());
          break;
        case DumpReader::Record::kEnd:
          return Status::OK();
      }
    }
  }

 private:
  Status Changed(Status s) const {
    if (s.ok()) return s;
    return Status(s.code(), "kv load: the dump changed between validation and loading (" +
                                std::to_string(report_.written) +
                                " entries already written): " + std::string(s.message()));
  }

  Status StoreError(Status s) const {
    return s.WithContext("kv load: partition " + Quoted(partition_) + " (" +
                         std::to_string(report_.written) + " entries written before the failure)");
  }

  Status Add(std::string_view key, std::string_view value) {
    KeyValue& slot = batch_[used_++];
    slot.key.assign(key);
    slot.value.assign(value);
    batch_bytes_ += key.size() + value.size();
    if (used_ == batch_.size() || batch_bytes_ >= options_.batch_bytes) return Flush();
    return Status::OK();
  }

  Status Flush() {
    if (used_ == 0) return Status::OK();
    Status s = store_.SetBatch(partition_, std::span<const KeyValue>(batch_.data(), used_));
    if (!s.ok()) return StoreError(std::move(s));
    report_.written += used_;
    ticker_.Advance(used_);
    for (std::size_t i = 0; i < used_; ++i) {
      if (batch_[i].value.capacity() > kKeepSlotCapacity) std::string().swap(batch_[i].value);
    }
    used_ = 0;
    batch_bytes_ = 0;
    return Status::OK();
  }

  Status WriteIfAbsent(std::string_view key, std::string_view value) {
    Status s = store_.SetIf(partition_, key, value, absent_);
    if (s.ok()) {
      report_.written++;
    } else if (s.IsPreconditionFailed()) {
      report_.skipped++;
    } else {
      return StoreError(std::move(s));
    }
    ticker_.Advance(1);
    return Status::OK();
  }

  Store& store_;
  const LoadOptions& options_;
  LoadReport& report_;
  admin_internal::ProgressTicker ticker_;
  const Predicate absent_ = Predicate::Absent();
  std::string partition_;
  std::vector<KeyValue> batch_;  // slots reused across batches: no allocation per entry
  std::size_t used_ = 0;
  std::size_t batch_bytes_ = 0;
};

}  // namespace

Status ValidateDump(std::istream& in, const DumpReaderOptions& options, DumpSummary* summary) {
  DumpSummary local;
  DumpSummary& s = summary != nullptr ? *summary : local;
  s = DumpSummary{};
  DumpReader reader(in, options);
  RETURN_IF_ERROR(reader.ReadHeader());
  s.header = reader.header();
  for (;;) {
    DumpReader::Record record;
    RETURN_IF_ERROR(reader.Next(&record));
    if (record == DumpReader::Record::kPartitionEnd) {
      s.partition_reports.push_back(
          PartitionReport{std::string(reader.partition()), reader.partition_digest()});
    }
    if (record == DumpReader::Record::kEnd) break;
  }
  s.partitions = reader.partitions();
  s.entries = reader.entries();
  s.key_bytes = reader.key_bytes();
  s.value_bytes = reader.value_bytes();
  return Status::OK();
}

Status Load(Store& store, const DumpOpener& open, const LoadOptions& options, LoadReport* report) {
  LoadReport local;
  LoadReport& r = report != nullptr ? *report : local;
  r = LoadReport{};
  {
    ASSIGN_OR_RETURN(std::unique_ptr<std::istream> in, open());
    RETURN_IF_ERROR(ValidateDump(*in, options.reader, &r.dump));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<std::istream> in, open());
  LoadWriter writer(store, options, r);
  return writer.Run(*in);
}

DumpOpener FileOpener(std::filesystem::path path) {
  return [path = std::move(path)]() -> Result<std::unique_ptr<std::istream>> {
    auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
    if (!*file) {
      const int err = errno;
      std::string msg = "kv load: cannot open " + path.string() + ": " + std::strerror(err);
      if (err == ENOENT) return Status::NotFound(msg);
      return Status::IOError(msg);
    }
    return std::unique_ptr<std::istream>(std::move(file));
  };
}

Status LoadFile(Store& store, const std::filesystem::path& path, const LoadOptions& options,
                LoadReport* report) {
  return Load(store, FileOpener(path), options, report);
}

}  // namespace tarn::kv
