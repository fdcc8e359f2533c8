#include "block/fault_injection.h"

namespace tarn::block {

std::string_view OperationName(Operation op) {
  switch (op) {
    case Operation::kPut:
      return "Put";
    case Operation::kGet:
      return "Get";
    case Operation::kHead:
      return "Head";
    case Operation::kExists:
      return "Exists";
    case Operation::kDelete:
      return "Delete";
    case Operation::kList:
      return "List";
    case Operation::kCopy:
      return "Copy";
    case Operation::kCreateMultipartUpload:
      return "CreateMultipartUpload";
    case Operation::kUploadPart:
      return "UploadPart";
    case Operation::kUploadPartCopy:
      return "UploadPartCopy";
    case Operation::kCompleteMultipartUpload:
      return "CompleteMultipartUpload";
    case Operation::kAbortMultipartUpload:
      return "AbortMultipartUpload";
    case Operation::kListParts:
      return "ListParts";
    case Operation::kListMultipartUploads:
      return "ListMultipartUploads";
    case Operation::kPresign:
      return "Presign";
  }
  return "Unknown";
}

void FaultInjectingAdapter::AddRule(FaultRule rule) {
  std::lock_guard lock(mu_);
  rules_.push_back(ActiveRule{std::move(rule), 0});
}

void FaultInjectingAdapter::ClearRules() {
  std::lock_guard lock(mu_);
  rules_.clear();
}

uint64_t FaultInjectingAdapter::calls(Operation op) const {
  std::lock_guard lock(mu_);
  return calls_[static_cast<int>(op)];
}

uint64_t FaultInjectingAdapter::injected() const {
  std::lock_guard lock(mu_);
  return injected_;
}

Status FaultInjectingAdapter::Check(Operation op) {
  std::lock_guard lock(mu_);
  ++calls_[static_cast<int>(op)];
  const Status* failure = nullptr;
  // Every matching rule counts the call, even when an earlier rule already fails it, so each
  // rule's "nth" keeps meaning "the nth matching call since it was added".
  for (ActiveRule& active : rules_) {
    if (active.rule.operation && *active.rule.operation != op) continue;
    uint64_t n = ++active.seen;
    bool hit =
        n >= active.rule.nth && (active.rule.times == 0 || n < active.rule.nth + active.rule.times);
    if (hit && failure == nullptr) failure = &active.rule.status;
  }
  if (failure == nullptr) return Status::OK();
  ++injected_;
  return failure->WithContext("injected into " + std::string(OperationName(op)));
}

Result<PutResult> FaultInjectingAdapter::Put(const ObjectPointer& object, Reader& body,
                                             const PutOptions& options) {
  RETURN_IF_ERROR(Check(Operation::kPut));
  return AdapterWrapper::Put(object, body, options);
}

Result<PutResult> FaultInjectingAdapter::PutFile(const ObjectPointer& object,
                                                 const std::string& path) {
  RETURN_IF_ERROR(Check(Operation::kPut));  // a Put by other means
  return AdapterWrapper::PutFile(object, path);
}

Result<std::unique_ptr<ObjectReader>> FaultInjectingAdapter::Get(
    const ObjectPointer& object, const std::optional<ByteRange>& range) {
  RETURN_IF_ERROR(Check(Operation::kGet));
  return AdapterWrapper::Get(object, range);
}

Result<ObjectInfo> FaultInjectingAdapter::Head(const ObjectPointer& object) {
  RETURN_IF_ERROR(Check(Operation::kHead));
  return AdapterWrapper::Head(object);
}

Result<bool> FaultInjectingAdapter::Exists(const ObjectPointer& object) {
  RETURN_IF_ERROR(Check(Operation::kExists));
  return AdapterWrapper::Exists(object);
}

Status FaultInjectingAdapter::Delete(const ObjectPointer& object) {
  RETURN_IF_ERROR(Check(Operation::kDelete));
  return AdapterWrapper::Delete(object);
}

Result<ListPage> FaultInjectingAdapter::List(std::string_view storage_namespace,
                                             std::string_view prefix, std::string_view after,
                                             std::size_t max_keys) {
  RETURN_IF_ERROR(Check(Operation::kList));
  return AdapterWrapper::List(storage_namespace, prefix, after, max_keys);
}

Result<PutResult> FaultInjectingAdapter::Copy(const ObjectPointer& source,
                                              const ObjectPointer& destination) {
  RETURN_IF_ERROR(Check(Operation::kCopy));
  return AdapterWrapper::Copy(source, destination);
}

Result<std::string> FaultInjectingAdapter::CreateMultipartUpload(const ObjectPointer& object,
                                                                 const PutOptions& options) {
  RETURN_IF_ERROR(Check(Operation::kCreateMultipartUpload));
  return AdapterWrapper::CreateMultipartUpload(object, options);
}

Result<std::string> FaultInjectingAdapter::UploadPart(const ObjectPointer& object,
                                                      std::string_view upload_id, int part_number,
                                                      Reader& body, std::optional<uint64_t> size) {
  RETURN_IF_ERROR(Check(Operation::kUploadPart));
  return AdapterWrapper::UploadPart(object, upload_id, part_number, body, size);
}

Result<std::string> FaultInjectingAdapter::UploadPartCopy(const ObjectPointer& object,
                                                          std::string_view upload_id,
                                                          int part_number,
                                                          const ObjectPointer& source,
                                                          const std::optional<ByteRange>& range) {
  RETURN_IF_ERROR(Check(Operation::kUploadPartCopy));
  return AdapterWrapper::UploadPartCopy(object, upload_id, part_number, source, range);
}

Result<PutResult> FaultInjectingAdapter::CompleteMultipartUpload(
    const ObjectPointer& object, std::string_view upload_id, std::span<const CompletedPart> parts) {
  RETURN_IF_ERROR(Check(Operation::kCompleteMultipartUpload));
  return AdapterWrapper::CompleteMultipartUpload(object, upload_id, parts);
}

Status FaultInjectingAdapter::AbortMultipartUpload(const ObjectPointer& object,
                                                   std::string_view upload_id) {
  RETURN_IF_ERROR(Check(Operation::kAbortMultipartUpload));
  return AdapterWrapper::AbortMultipartUpload(object, upload_id);
}

Result<std::vector<PartInfo>> FaultInjectingAdapter::ListParts(const ObjectPointer& object,
                                                               std::string_view upload_id) {
  RETURN_IF_ERROR(Check(Operation::kListParts));
  return AdapterWrapper::ListParts(object, upload_id);
}

Result<std::vector<UploadInfo>> FaultInjectingAdapter::ListMultipartUploads(
    std::string_view storage_namespace, std::string_view prefix) {
  RETURN_IF_ERROR(Check(Operation::kListMultipartUploads));
  return AdapterWrapper::ListMultipartUploads(storage_namespace, prefix);
}

Result<std::string> FaultInjectingAdapter::Presign(const ObjectPointer& object,
                                                   PresignMethod method,
                                                   std::chrono::seconds expiry) {
  RETURN_IF_ERROR(Check(Operation::kPresign));
  return AdapterWrapper::Presign(object, method, expiry);
}

}  // namespace tarn::block
