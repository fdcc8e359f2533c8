#include "kv/admin/checksum.h"

#include "common/coding.h"

namespace tarn::kv {
namespace {

// Large enough that the per-update cost of the hash disappears for small entries, small enough
// to stay in cache.
constexpr std::size_t kBufferBytes = 64 * 1024;

void AppendLength(std::string& out, uint64_t n) { PutFixed64BE(out, n); }

}  // namespace

EntryChecksum::EntryChecksum() {
  sha_.emplace();
  buffer_.reserve(kBufferBytes);
}

void EntryChecksum::Add(std::string_view key, std::string_view value) {
  ++digest_.entries;
  digest_.key_bytes += key.size();
  digest_.value_bytes += value.size();
  const std::size_t need = 16 + key.size() + value.size();
  if (buffer_.size() + need > kBufferBytes) Flush();
  if (need > kBufferBytes) {
    // A large entry goes to the hash directly instead of being copied through the buffer.
    AppendLength(buffer_, key.size());
    sha_->Update(buffer_);
    sha_->Update(key);
    buffer_.clear();
    AppendLength(buffer_, value.size());
    sha_->Update(buffer_);
    sha_->Update(value);
    buffer_.clear();
    return;
  }
  AppendLength(buffer_, key.size());
  buffer_.append(key);
  AppendLength(buffer_, value.size());
  buffer_.append(value);
}

void EntryChecksum::Flush() {
  if (buffer_.empty()) return;
  sha_->Update(buffer_);
  buffer_.clear();
}

PartitionDigest EntryChecksum::Finish() {
  Flush();
  PartitionDigest out = digest_;
  out.sha256 = sha_->Finish();
  sha_.emplace();
  digest_ = PartitionDigest{};
  return out;
}

Result<PartitionDigest> DigestPartition(Store& store, std::string_view partition,
                                        const ScanOptions& options) {
  ASSIGN_OR_RETURN(auto it, store.Scan(partition, "", options));
  EntryChecksum checksum;
  for (; it->Valid(); it->Next()) checksum.Add(it->key(), it->value());
  RETURN_IF_ERROR(it->status());
  return checksum.Finish();
}

}  // namespace tarn::kv
