// DumpWriter: emits the dump format (docs/kv_dump_format.md) to a stream, one entry at a time.
//
// The writer computes counts and checksums itself and checks the order the format requires, so
// whatever it writes is loadable. It buffers at most about 1 MiB (plus the longest line) before
// writing to the stream; it never holds more than one entry.
//
// Call order: WriteHeader, then for each partition BeginPartition, AddEntry*, EndPartition, then
// Finish. Errors:
//   IOError         the stream failed (disk full, closed pipe); the output is unusable.
//   Corruption      a partition name or key is not strictly greater than the previous one (the
//                   source broke the KV contract's ordering), or a name or key is empty.
//   InvalidArgument the calls are out of order (a programming error).
// After any error the writer refuses further calls.
//
// Thread safety: none; one writer per stream.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "kv/admin/checksum.h"
#include "tarn/status.h"

namespace tarn::kv {

class DumpWriter {
 public:
  // `out` must outlive the writer.
  explicit DumpWriter(std::ostream& out);
  DumpWriter(const DumpWriter&) = delete;
  DumpWriter& operator=(const DumpWriter&) = delete;

  Status WriteHeader(std::string_view driver, std::chrono::system_clock::time_point created);
  Status BeginPartition(std::string_view partition);
  Status AddEntry(std::string_view key, std::string_view value);
  // Writes the partition trailer; `digest` (optional) receives what was written.
  Status EndPartition(PartitionDigest* digest = nullptr);
  // Writes the end line and flushes everything to the stream.
  Status Finish();

  uint64_t partitions() const { return partitions_; }
  uint64_t entries() const { return entries_; }
  // Bytes handed to the stream so far (everything, once Finish returned OK).
  uint64_t bytes_written() const { return bytes_written_; }

 private:
  enum class State { kStart, kBetween, kInPartition, kDone, kFailed };

  Status Fail(Status status);
  Status CheckState(State expected, std::string_view call);
  Status MaybeFlush();
  Status Flush();

  std::ostream& out_;
  State state_ = State::kStart;
  std::string buffer_;
  std::string partition_;
  std::string previous_key_;
  bool have_previous_key_ = false;
  bool have_previous_partition_ = false;
  EntryChecksum checksum_;
  uint64_t partitions_ = 0;
  uint64_t entries_ = 0;
  uint64_t bytes_written_ = 0;
};

// Formats `t` as RFC 3339 UTC with second precision: "2026-11-23T13:32:34Z".
std::string FormatRfc3339Utc(std::chrono::system_clock::time_point t);

}  // namespace tarn::kv
