#include "catalog/entry.h"

#include "catalog/catalog.pb.h"
#include "common/coding.h"
#include "common/hash.h"

namespace tarn::catalog {
namespace {

void PutField(Sha256& sha, std::string& scratch, std::string_view bytes) {
  scratch.clear();
  PutFixed64BE(scratch, bytes.size());
  sha.Update(scratch);
  sha.Update(bytes);
}

}  // namespace

std::string ComputeIdentity(const Entry& entry) {
  Sha256 sha;
  std::string scratch;
  sha.Update(std::string_view("tarn.entry.v1", 14));
  scratch.clear();
  PutFixed64BE(scratch, entry.size);
  sha.Update(scratch);
  PutField(sha, scratch, entry.etag);
  PutField(sha, scratch, entry.content_type);
  scratch.clear();
  PutFixed64BE(scratch, entry.metadata.size());
  sha.Update(scratch);
  for (const auto& [k, v] : entry.metadata) {  // std::map: sorted by key
    PutField(sha, scratch, k);
    PutField(sha, scratch, v);
  }
  return DigestHex(sha.Finish());
}

graveler::Value EntryToValue(const Entry& entry) {
  pb::Entry record;
  record.set_address(entry.address);
  record.set_address_type(entry.address_type == Entry::AddressType::kFull ? pb::Entry::FULL
                                                                          : pb::Entry::RELATIVE);
  record.set_last_modified_unix_ms(
      std::chrono::duration_cast<std::chrono::milliseconds>(entry.last_modified.time_since_epoch())
          .count());
  record.set_size(static_cast<int64_t>(entry.size));
  record.set_etag(entry.etag);
  for (const auto& [k, v] : entry.metadata) (*record.mutable_metadata())[k] = v;
  if (entry.content_type != kDefaultContentType) record.set_content_type(entry.content_type);
  graveler::Value value;
  value.identity = ComputeIdentity(entry);
  record.SerializeToString(&value.data);
  return value;
}

Result<Entry> EntryFromValue(std::string_view path, std::string_view data) {
  pb::Entry record;
  if (!record.ParseFromArray(data.data(), static_cast<int>(data.size()))) {
    return Status::Corruption("the entry of '" + std::string(path) + "' is unreadable");
  }
  Entry entry;
  entry.path = std::string(path);
  entry.address = record.address();
  entry.address_type = record.address_type() == pb::Entry::FULL ? Entry::AddressType::kFull
                                                                : Entry::AddressType::kRelative;
  entry.last_modified = std::chrono::system_clock::time_point(
      std::chrono::milliseconds(record.last_modified_unix_ms()));
  entry.size = static_cast<uint64_t>(record.size());
  entry.etag = record.etag();
  entry.metadata.insert(record.metadata().begin(), record.metadata().end());
  if (!record.content_type().empty()) entry.content_type = record.content_type();
  return entry;
}

}  // namespace tarn::catalog
