#include "gateway/multipart_store.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "common/coding.h"
#include "s3/errors.h"

// Records live in KV partition "gateway" under
//   mpu/<repository> \x00 <key> \x00 <upload id>
// so that a prefix scan lists one bucket's uploads in (key, upload id) order. The value is a
// hand-encoded record: a version byte (1), then varint-length-prefixed strings upload_id,
// repository, key, storage_namespace, physical_address, content_type, initiator, the initiation
// time as a zig-zag varint of milliseconds since the Unix epoch, a varint count of metadata
// pairs and the pairs as prefixed strings. Readers ignore trailing bytes, so later versions
// may append fields.
namespace tarn::gateway {
namespace {

constexpr std::string_view kPartition = "gateway";
constexpr std::string_view kUploadPrefix = "mpu/";
constexpr char kRecordVersion = 1;

std::string RepositoryPrefix(std::string_view repository) {
  std::string out;
  out.reserve(kUploadPrefix.size() + repository.size() + 1);
  out.append(kUploadPrefix).append(repository).push_back('\0');
  return out;
}

std::string UploadKey(std::string_view repository, std::string_view key,
                      std::string_view upload_id) {
  std::string out = RepositoryPrefix(repository);
  out.append(key).push_back('\0');
  out.append(upload_id);
  return out;
}

void PutString(std::string& out, std::string_view s) {
  PutVarint64(out, s.size());
  out.append(s);
}

bool GetString(std::string_view& in, std::string& s) {
  uint64_t n = 0;
  if (!GetVarint64(in, n) || n > in.size()) return false;
  s.assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}

std::string EncodeRecord(const MultipartUpload& upload) {
  std::string out;
  out.push_back(kRecordVersion);
  PutString(out, upload.upload_id);
  PutString(out, upload.repository);
  PutString(out, upload.key);
  PutString(out, upload.storage_namespace);
  PutString(out, upload.physical_address);
  PutString(out, upload.content_type);
  PutString(out, upload.initiator);
  const int64_t millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(upload.initiated.time_since_epoch())
          .count();
  PutVarint64(out, (static_cast<uint64_t>(millis) << 1) ^ static_cast<uint64_t>(millis >> 63));
  PutVarint64(out, upload.metadata.size());
  for (const auto& [name, value] : upload.metadata) {
    PutString(out, name);
    PutString(out, value);
  }
  return out;
}

Result<MultipartUpload> DecodeRecord(std::string_view key, std::string_view in) {
  auto corrupt = [&] {
    return Status::Corruption("multipart upload record at '" + EscapeBytes(key) +
                              "' in KV partition 'gateway' is unreadable; delete the key to "
                              "forget the upload");
  };
  if (in.empty() || in.front() != kRecordVersion) return corrupt();
  in.remove_prefix(1);
  MultipartUpload upload;
  uint64_t zigzag = 0;
  uint64_t count = 0;
  if (!GetString(in, upload.upload_id) || !GetString(in, upload.repository) ||
      !GetString(in, upload.key) || !GetString(in, upload.storage_namespace) ||
      !GetString(in, upload.physical_address) || !GetString(in, upload.content_type) ||
      !GetString(in, upload.initiator) || !GetVarint64(in, zigzag) || !GetVarint64(in, count)) {
    return corrupt();
  }
  const int64_t millis = static_cast<int64_t>(zigzag >> 1) ^ -static_cast<int64_t>(zigzag & 1);
  upload.initiated = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::milliseconds(millis)));
  for (uint64_t i = 0; i < count; ++i) {
    std::string name, value;
    if (!GetString(in, name) || !GetString(in, value)) return corrupt();
    upload.metadata.emplace(std::move(name), std::move(value));
  }
  return upload;
}

}  // namespace

MultipartStore::MultipartStore(kv::Store& store, const Clock& clock)
    : store_(store), clock_(clock) {}

Status MultipartStore::Create(const MultipartUpload& upload) {
  if (upload.upload_id.empty() || upload.repository.empty()) {
    return Status::InvalidArgument("a multipart upload record needs an upload id and a bucket");
  }
  const std::string key = UploadKey(upload.repository, upload.key, upload.upload_id);
  std::string value;
  if (upload.initiated == std::chrono::system_clock::time_point{}) {
    MultipartUpload stamped = upload;
    stamped.initiated = clock_.Now();
    value = EncodeRecord(stamped);
  } else {
    value = EncodeRecord(upload);
  }
  Status status = store_.SetIf(kPartition, key, value, kv::Predicate::Absent());
  if (status.IsPreconditionFailed()) {
    return Status::AlreadyExists("multipart upload " + upload.upload_id + " of '" +
                                 upload.repository + "/" + upload.key + "' is already recorded");
  }
  return status;
}

Result<MultipartUpload> MultipartStore::Get(std::string_view repository, std::string_view key,
                                            std::string_view upload_id) {
  const std::string kv_key = UploadKey(repository, key, upload_id);
  auto item = store_.Get(kPartition, kv_key);
  if (!item.ok()) {
    if (item.status().IsNotFound()) {
      return s3::S3Error(s3::S3ErrorCode::kNoSuchUpload,
                         "upload id '" + std::string(upload_id) + "' names no upload of key '" +
                             std::string(key) + "' in bucket '" + std::string(repository) +
                             "': it was completed, aborted or expired, or never existed");
    }
    return item.status();
  }
  return DecodeRecord(kv_key, item->value);
}

Status MultipartStore::Delete(const MultipartUpload& upload) {
  return store_.Delete(kPartition, UploadKey(upload.repository, upload.key, upload.upload_id));
}

Result<std::vector<MultipartUpload>> MultipartStore::List(std::string_view repository,
                                                          std::string_view prefix,
                                                          std::string_view key_marker,
                                                          std::string_view upload_id_marker,
                                                          std::size_t amount) {
  std::vector<MultipartUpload> out;
  if (amount == 0) return out;
  const std::string bucket_prefix = RepositoryPrefix(repository);
  std::string scan_prefix = bucket_prefix;
  scan_prefix.append(prefix);
  std::string start = scan_prefix;
  if (!key_marker.empty()) {
    // S3: with an upload-id marker, the marker key's later uploads follow; without one, the
    // listing resumes after every upload of the marker key.
    std::string after = bucket_prefix;
    after.append(key_marker).push_back('\0');
    if (!upload_id_marker.empty()) {
      after.append(upload_id_marker).push_back('\0');
    }
    if (after > start) start = std::move(after);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<kv::Iterator> it, store_.Scan(kPartition, start));
  for (; it->Valid() && out.size() < amount; it->Next()) {
    if (!it->key().starts_with(scan_prefix)) break;
    ASSIGN_OR_RETURN(MultipartUpload upload, DecodeRecord(it->key(), it->value()));
    if (!key_marker.empty() && upload_id_marker.empty() && upload.key == key_marker) continue;
    out.push_back(std::move(upload));
  }
  RETURN_IF_ERROR(it->status());
  return out;
}

Result<std::vector<MultipartUpload>> MultipartStore::ListOlderThan(
    std::chrono::system_clock::time_point cutoff, std::size_t amount) {
  std::vector<MultipartUpload> out;
  if (amount == 0) return out;
  ASSIGN_OR_RETURN(std::unique_ptr<kv::Iterator> it, store_.Scan(kPartition, kUploadPrefix));
  for (; it->Valid() && out.size() < amount; it->Next()) {
    if (!it->key().starts_with(kUploadPrefix)) break;
    ASSIGN_OR_RETURN(MultipartUpload upload, DecodeRecord(it->key(), it->value()));
    if (upload.initiated < cutoff) out.push_back(std::move(upload));
  }
  RETURN_IF_ERROR(it->status());
  return out;
}

}  // namespace tarn::gateway
