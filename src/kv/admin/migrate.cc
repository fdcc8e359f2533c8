#include "kv/admin/migrate.h"

#include <algorithm>
#include <span>

#include "common/coding.h"
#include "common/hash.h"
#include "kv/admin/checksum.h"

namespace tarn::kv {
namespace {

constexpr std::size_t kKeepSlotCapacity = 64 * 1024;

std::string Quoted(std::string_view bytes) { return "\"" + EscapeBytes(bytes) + "\""; }

// Copies one partition through a batch of reused slots.
class PartitionCopier {
 public:
  PartitionCopier(Store& to, const MigrateOptions& options, admin_internal::ProgressTicker& ticker)
      : to_(to),
        options_(options),
        ticker_(ticker),
        batch_(std::max<std::size_t>(options.batch_size, 1)) {}

  Status Copy(Store& from, const std::string& partition, PartitionDigest* digest) {
    ASSIGN_OR_RETURN(auto it, from.Scan(partition, "", options_.scan));
    ticker_.StartPartition(partition);
    EntryChecksum checksum;
    for (; it->Valid(); it->Next()) {
      checksum.Add(it->key(), it->value());
      KeyValue& slot = batch_[used_++];
      slot.key.assign(it->key());
      slot.value.assign(it->value());
      bytes_ += slot.key.size() + slot.value.size();
      if (used_ == batch_.size() || bytes_ >= options_.batch_bytes) {
        RETURN_IF_ERROR(Flush(partition));
      }
    }
    RETURN_IF_ERROR(it->status());
    RETURN_IF_ERROR(Flush(partition));
    *digest = checksum.Finish();
    return Status::OK();
  }

 private:
  Status Flush(const std::string& partition) {
    if (used_ == 0) return Status::OK();
    RETURN_IF_ERROR(to_.SetBatch(partition, std::span<const KeyValue>(batch_.data(), used_)));
    ticker_.Advance(used_);
    for (std::size_t i = 0; i < used_; ++i) {
      if (batch_[i].value.capacity() > kKeepSlotCapacity) std::string().swap(batch_[i].value);
    }
    used_ = 0;
    bytes_ = 0;
    return Status::OK();
  }

  Store& to_;
  const MigrateOptions& options_;
  admin_internal::ProgressTicker& ticker_;
  std::vector<KeyValue> batch_;
  std::size_t used_ = 0;
  std::size_t bytes_ = 0;
};

Status Verify(Store& to, const PartitionReport& source, const ScanOptions& scan) {
  auto dest = DigestPartition(to, source.name, scan);
  if (!dest.ok()) {
    return dest.status().WithContext("kv migrate: verifying partition " + Quoted(source.name));
  }
  if (dest->entries == source.digest.entries && dest->sha256 == source.digest.sha256) {
    return Status::OK();
  }
  return Status::Corruption("kv migrate: verification failed for partition " + Quoted(source.name) +
                            ": the source had " + std::to_string(source.digest.entries) +
                            " keys (sha256 " + DigestHex(source.digest.sha256) +
                            "), the destination has " + std::to_string(dest->entries) +
                            " keys (sha256 " + DigestHex(dest->sha256) + ")");
}

}  // namespace

Status Migrate(Store& from, Store& to, const MigrateOptions& options, MigrateReport* report) {
  MigrateReport local;
  MigrateReport& r = report != nullptr ? *report : local;
  r = MigrateReport{};
  if (&from == &to) {
    return Status::InvalidArgument("kv migrate: source and destination are the same store");
  }
  if (!options.allow_non_empty) {
    auto existing = to.ListPartitions();
    if (!existing.ok()) {
      return existing.status().WithContext("kv migrate: listing the destination's partitions");
    }
    if (!existing->empty()) {
      return Status::PreconditionFailed(
          "kv migrate: the destination (" + std::string(to.driver()) + ") is not empty: it has " +
          std::to_string(existing->size()) + " partitions, the first " + Quoted(existing->front()) +
          "; migrate into an empty store or allow a non-empty one");
    }
  }
  auto partitions = from.ListPartitions();
  if (!partitions.ok()) {
    return partitions.status().WithContext("kv migrate: listing the source's partitions");
  }

  admin_internal::ProgressTicker ticker(options.progress, options.progress_every);
  PartitionCopier copier(to, options, ticker);
  for (const std::string& partition : *partitions) {
    if (options.partition_filter && !options.partition_filter(partition)) continue;
    PartitionDigest digest;
    Status s = copier.Copy(from, partition, &digest);
    if (!s.ok()) return s.WithContext("kv migrate: copying partition " + Quoted(partition));
    r.partitions++;
    r.entries += digest.entries;
    r.key_bytes += digest.key_bytes;
    r.value_bytes += digest.value_bytes;
    r.partition_reports.push_back(PartitionReport{partition, digest});
  }
  if (!options.verify) return Status::OK();
  // Verification runs after everything is copied, so a slow destination scan does not stretch
  // the window in which the source must stay unchanged.
  for (const PartitionReport& source : r.partition_reports) {
    RETURN_IF_ERROR(Verify(to, source, options.scan));
  }
  r.verified = true;
  return Status::OK();
}

}  // namespace tarn::kv
