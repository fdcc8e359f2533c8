// AdapterWrapper: an Adapter that forwards every call to another one. Metrics, retries, tracing
// and fault injection derive from it and override only what they change.
#pragma once

#include <memory>
#include <utility>

#include "tarn/block/adapter.h"

namespace tarn::block {

class AdapterWrapper : public Adapter {
 public:
  // Owns `target`, alone (pass a unique_ptr) or with others (a shared_ptr, e.g. one object
  // store seen by several engines in a test). REQUIRES: target != nullptr.
  explicit AdapterWrapper(std::shared_ptr<Adapter> target) : target_(std::move(target)) {}

  Adapter& target() { return *target_; }

  std::string_view scheme() const override { return target_->scheme(); }
  Result<PutResult> Put(const ObjectPointer& object, Reader& body,
                        const PutOptions& options) override {
    return target_->Put(object, body, options);
  }
  Result<PutResult> PutFile(const ObjectPointer& object, const std::string& path) override {
    return target_->PutFile(object, path);
  }
  Result<std::unique_ptr<ObjectReader>> Get(const ObjectPointer& object,
                                            const std::optional<ByteRange>& range) override {
    return target_->Get(object, range);
  }
  Result<ObjectInfo> Head(const ObjectPointer& object) override { return target_->Head(object); }
  Result<bool> Exists(const ObjectPointer& object) override { return target_->Exists(object); }
  Status Delete(const ObjectPointer& object) override { return target_->Delete(object); }
  Result<ListPage> List(std::string_view storage_namespace, std::string_view prefix,
                        std::string_view after, std::size_t max_keys) override {
    return target_->List(storage_namespace, prefix, after, max_keys);
  }
  Result<PutResult> Copy(const ObjectPointer& source, const ObjectPointer& destination) override {
    return target_->Copy(source, destination);
  }
  Result<std::string> CreateMultipartUpload(const ObjectPointer& object,
                                            const PutOptions& options) override {
    return target_->CreateMultipartUpload(object, options);
  }
  Result<std::string> UploadPart(const ObjectPointer& object, std::string_view upload_id,
                                 int part_number, Reader& body,
                                 std::optional<uint64_t> size) override {
    return target_->UploadPart(object, upload_id, part_number, body, size);
  }
  Result<std::string> UploadPartCopy(const ObjectPointer& object, std::string_view upload_id,
                                     int part_number, const ObjectPointer& source,
                                     const std::optional<ByteRange>& range) override {
    return target_->UploadPartCopy(object, upload_id, part_number, source, range);
  }
  Result<PutResult> CompleteMultipartUpload(const ObjectPointer& object, std::string_view upload_id,
                                            std::span<const CompletedPart> parts) override {
    return target_->CompleteMultipartUpload(object, upload_id, parts);
  }
  Status AbortMultipartUpload(const ObjectPointer& object, std::string_view upload_id) override {
    return target_->AbortMultipartUpload(object, upload_id);
  }
  Result<std::vector<PartInfo>> ListParts(const ObjectPointer& object,
                                          std::string_view upload_id) override {
    return target_->ListParts(object, upload_id);
  }
  Result<std::vector<UploadInfo>> ListMultipartUploads(std::string_view storage_namespace,
                                                       std::string_view prefix) override {
    return target_->ListMultipartUploads(storage_namespace, prefix);
  }
  Result<std::string> Presign(const ObjectPointer& object, PresignMethod method,
                              std::chrono::seconds expiry) override {
    return target_->Presign(object, method, expiry);
  }

 private:
  std::shared_ptr<Adapter> target_;
};

}  // namespace tarn::block
