// DumpReader: parses and validates the dump format (docs/kv_dump_format.md) one line at a time.
//
// The reader enforces every rule of the format as it goes — header and version, line kinds and
// member types, base64, the order of partitions and keys, per-partition counts and checksums,
// the end line and that nothing follows it — so reading a file to its end is a complete
// validation, in constant memory (one line plus two keys).
//
// Usage:
//   DumpReader reader(in);
//   RETURN_IF_ERROR(reader.ReadHeader());
//   DumpReader::Record r;
//   do { RETURN_IF_ERROR(reader.Next(&r)); ... } while (r != DumpReader::Record::kEnd);
//
// Every error message starts with "kv dump: line L, byte offset O: " naming the line at fault
// (for a truncated file: the line that is missing, at the offset where the file ends). Codes:
//   InvalidArgument  not a tarn KV dump (no header), a newer format version than this tarn
//                    reads, or a line longer than the limit.
//   Corruption       anything else that is wrong with the content (see the format document).
//   IOError          the stream failed.
// After an error the reader is unusable.
//
// Thread safety: none; one reader per stream.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>

#include "kv/admin/checksum.h"
#include "kv/admin/line_reader.h"
#include "tarn/status.h"

namespace tarn::kv {

struct DumpHeader {
  uint64_t version = 0;
  std::string created;  // as written, RFC 3339
  std::string driver;   // the driver of the dumped store
};

struct DumpReaderOptions {
  // Longest accepted line. A 1 MiB value takes about 1.4 MiB of base64.
  std::size_t max_line_bytes = std::size_t{256} << 20;
};

class DumpReader {
 public:
  enum class Record { kPartitionBegin, kEntry, kPartitionEnd, kEnd };

  // `in` must outlive the reader.
  explicit DumpReader(std::istream& in, const DumpReaderOptions& options = {});
  DumpReader(const DumpReader&) = delete;
  DumpReader& operator=(const DumpReader&) = delete;

  // Reads and checks the header line. REQUIRES: called once, first.
  Status ReadHeader();
  // Reads the next record. kEnd comes once, after the end line has been checked and the stream
  // has been found to end right after it. REQUIRES: ReadHeader returned OK; no kEnd yet.
  Status Next(Record* record);

  const DumpHeader& header() const { return header_; }
  // The current partition's name: valid after kPartitionBegin until the next kPartitionBegin.
  std::string_view partition() const { return partition_; }
  // The entry just read. REQUIRES: the last record was kEntry; valid until the next call.
  std::string_view key() const { return keys_[current_key_]; }
  std::string_view value() const { return value_; }
  // The verified digest of the partition just closed. REQUIRES: the last record was kPartitionEnd.
  const PartitionDigest& partition_digest() const { return last_digest_; }

  // Totals of what has been read so far.
  uint64_t partitions() const { return partitions_; }
  uint64_t entries() const { return entries_; }
  uint64_t key_bytes() const { return key_bytes_; }
  uint64_t value_bytes() const { return value_bytes_; }
  // Where the last line read starts (see LineReader).
  uint64_t line_number() const { return lines_.line_number(); }
  uint64_t line_offset() const { return lines_.line_offset(); }

 private:
  enum class State { kHeader, kBetween, kInPartition, kDone, kFailed };
  struct Json;  // the parsed JSON of a non-canonical line (keeps nlohmann out of this header)

  Status Error(StatusCode code, std::string_view what);
  Status ReadLine(std::string_view* line, bool* at_end);
  Status ParseJsonLine(std::string_view line, Record* record);
  Status ParseJsonLineOrThrow(std::string_view line, Record* record);
  Status AcceptEntry();  // the candidate key is in keys_[1 - current_key_], the value in value_
  Status AcceptPartitionBegin(std::string_view name_base64);
  Status AcceptPartitionEnd(const Json& line);
  Status AcceptEnd(const Json& line);

  admin_internal::LineReader lines_;
  State state_ = State::kHeader;
  DumpHeader header_;
  std::string partition_;
  std::string scratch_;
  std::string keys_[2];  // the current and the previous key, swapped by index, never copied
  int current_key_ = 0;
  bool have_key_ = false;  // whether the current partition has a previous key
  std::string value_;
  EntryChecksum checksum_;
  PartitionDigest last_digest_;
  uint64_t partitions_ = 0;
  uint64_t entries_ = 0;
  uint64_t key_bytes_ = 0;
  uint64_t value_bytes_ = 0;
};

}  // namespace tarn::kv
