// FaultInjectingAdapter: forwards to a target adapter but fails chosen calls with a chosen
// Status, so tests can drive error paths of higher layers (retries, cleanup, error mapping).
//
//   auto faulty = std::make_unique<FaultInjectingAdapter>(NewMemoryAdapter());
//   faulty->AddRule({.operation = Operation::kPut, .nth = 2, .status = Status::Unavailable("x")});
//   // the second Put fails with Unavailable without reaching the target; the others pass.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "block/wrapper.h"

namespace tarn::block {

enum class Operation {
  kPut,
  kGet,
  kHead,
  kExists,
  kDelete,
  kList,
  kCopy,
  kCreateMultipartUpload,
  kUploadPart,
  kUploadPartCopy,
  kCompleteMultipartUpload,
  kAbortMultipartUpload,
  kListParts,
  kListMultipartUploads,
  kPresign,
};
inline constexpr int kOperationCount = static_cast<int>(Operation::kPresign) + 1;

// "Put", "UploadPartCopy", ...
std::string_view OperationName(Operation op);

struct FaultRule {
  // The operation whose calls the rule counts; every operation when empty.
  std::optional<Operation> operation;
  // The first matching call that fails, counting from 1 and from when the rule was added.
  uint64_t nth = 1;
  // How many consecutive matching calls fail from the nth on; 0 means every one after it.
  uint64_t times = 1;
  // What the failing calls return. REQUIRES: not OK.
  Status status = Status::Unavailable("injected fault");
};

class FaultInjectingAdapter final : public AdapterWrapper {
 public:
  explicit FaultInjectingAdapter(std::unique_ptr<Adapter> target)
      : AdapterWrapper(std::move(target)) {}

  // Adds a rule; when several rules fail the same call, the earliest added wins. Thread-safe.
  void AddRule(FaultRule rule);
  // Removes every rule (counters of calls stay). Thread-safe.
  void ClearRules();
  // How many calls of `op` arrived, failed or not, since construction.
  uint64_t calls(Operation op) const;
  // How many calls were failed by a rule since construction.
  uint64_t injected() const;

  Result<PutResult> Put(const ObjectPointer& object, Reader& body,
                        const PutOptions& options) override;
  Result<PutResult> PutFile(const ObjectPointer& object, const std::string& path) override;
  Result<std::unique_ptr<ObjectReader>> Get(const ObjectPointer& object,
                                            const std::optional<ByteRange>& range) override;
  Result<ObjectInfo> Head(const ObjectPointer& object) override;
  Result<bool> Exists(const ObjectPointer& object) override;
  Status Delete(const ObjectPointer& object) override;
  Result<ListPage> List(std::string_view storage_namespace, std::string_view prefix,
                        std::string_view after, std::size_t max_keys) override;
  Result<PutResult> Copy(const ObjectPointer& source, const ObjectPointer& destination) override;
  Result<std::string> CreateMultipartUpload(const ObjectPointer& object,
                                            const PutOptions& options) override;
  Result<std::string> UploadPart(const ObjectPointer& object, std::string_view upload_id,
                                 int part_number, Reader& body,
                                 std::optional<uint64_t> size) override;
  Result<std::string> UploadPartCopy(const ObjectPointer& object, std::string_view upload_id,
                                     int part_number, const ObjectPointer& source,
                                     const std::optional<ByteRange>& range) override;
  Result<PutResult> CompleteMultipartUpload(const ObjectPointer& object, std::string_view upload_id,
                                            std::span<const CompletedPart> parts) override;
  Status AbortMultipartUpload(const ObjectPointer& object, std::string_view upload_id) override;
  Result<std::vector<PartInfo>> ListParts(const ObjectPointer& object,
                                          std::string_view upload_id) override;
  Result<std::vector<UploadInfo>> ListMultipartUploads(std::string_view storage_namespace,
                                                       std::string_view prefix) override;
  Result<std::string> Presign(const ObjectPointer& object, PresignMethod method,
                              std::chrono::seconds expiry) override;

 private:
  struct ActiveRule {
    FaultRule rule;
    uint64_t seen = 0;  // matching calls since the rule was added
  };
  // Counts the call and returns the Status it must fail with, or OK to forward it.
  Status Check(Operation op);

  mutable std::mutex mu_;
  std::vector<ActiveRule> rules_;
  uint64_t calls_[kOperationCount] = {};
  uint64_t injected_ = 0;
};

}  // namespace tarn::block
