// Pieces of the export engine shared by its files: the planned operations, the bounded worker
// pool, the failure log and the reader that hashes and counts what it streams.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "block/etag.h"
#include "export/destination.h"
#include "export/exporter.h"
#include "export/source.h"

namespace tarn::exporter::internal {

// Rounds, executed in this order; each finishes before the next starts.
enum Round : int {
  kRemoveSuccessFiles = 0,  // success files the new commit no longer has
  kData = 1,                // every other write and removal
  kSuccessFiles = 2,        // success files, once all data is in place
  kRounds = 3,
};

struct Op {
  enum class Kind { kWrite, kRemove };
  Kind kind = Kind::kWrite;
  Round round = kData;
  SourceObject object;  // kWrite; size/checksum/address unknown until stat when `needs_stat`
  bool needs_stat = false;
  // What the destination holds at the path, when a listing told us (full export).
  std::optional<DestinationEntry> existing;
  bool existing_known = false;  // true: `existing` is authoritative (nullopt = absent)
};

// The failures of a run: counted in full, listed up to a bound. Thread-safe.
class FailureLog {
 public:
  explicit FailureLog(std::size_t max_listed) : max_listed_(max_listed) {}
  void Add(std::string path, std::string operation, const Status& error);
  void Add(Failure failure);
  int64_t total() const;
  std::vector<Failure> Take();

 private:
  mutable std::mutex mu_;
  std::size_t max_listed_;
  int64_t total_ = 0;
  std::vector<Failure> listed_;
};

// Runs work(index) for index in [0, count) on up to `parallelism` threads; stops handing out
// indexes once `cancel` is set. Returns how many were handed out.
std::size_t ParallelFor(std::size_t count, int parallelism, const std::atomic<bool>& cancel,
                        const std::function<void(std::size_t)>& work);

// Streams another reader, counting the bytes and reporting them to `on_bytes`, hashing them
// (MD5) when asked to, and failing with Cancelled once `cancel` is set.
class HashingReader final : public block::Reader {
 public:
  HashingReader(block::Reader& inner, const std::atomic<bool>& cancel,
                const std::function<void(uint64_t)>& on_bytes, bool hash = true)
      : inner_(inner), cancel_(cancel), on_bytes_(on_bytes), hash_(hash) {}
  Result<std::size_t> Read(std::span<char> out) override;
  // The MD5 hex of everything read; call once, after the last Read.
  std::string FinishHex();
  uint64_t bytes() const { return bytes_; }

 private:
  block::Reader& inner_;
  const std::atomic<bool>& cancel_;
  const std::function<void(uint64_t)>& on_bytes_;
  bool hash_;
  block::Md5 md5_;
  uint64_t bytes_ = 0;
};

// True for a single-part S3 ETag: 32 lowercase hex digits (an MD5 of the content).
bool IsPlainMd5(std::string_view etag);

// True when retrying the operation may succeed.
bool Retryable(const Status& status);

// The status's message with its code, for reports: "IOError: disk full".
std::string Describe(const Status& status);

// Builds the operations of a run. Full: every object of `commit` (skips decided later from the
// destination listing); mirror also removes what the destination has beyond the commit. Diff:
// the changes from `previous` to `commit`. Objects named like the export's own files are
// refused into `failures`.
struct Plan {
  std::vector<Op> ops;
  int64_t objects = 0;  // writes planned
  uint64_t bytes = 0;   // their size, where known
};
Result<Plan> PlanFull(Source& source, Destination& destination, std::string_view commit,
                      const ExportOptions& options, FailureLog& failures);
Result<Plan> PlanDiff(Source& source, std::string_view previous, std::string_view commit,
                      const ExportOptions& options, FailureLog& failures);

// Compares the whole destination with `commit` (--verify full), using `parallelism` threads to
// read back checksums the destination does not keep.
Result<VerifySummary> VerifyFull(Source& source, Destination& destination, std::string_view commit,
                                 const ExportOptions& options, const std::atomic<bool>& cancel);

}  // namespace tarn::exporter::internal
