#include "kv/admin/dump_writer.h"

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "common/coding.h"
#include "common/coding.h"
#include "kv/admin/dump_format.h"

namespace tarn::kv {
namespace {


// Bytes collected before one write to the stream: few enough calls into the stream to keep
// them off the profile, small enough to stay bounded.
constexpr std::size_t kFlushBytes = 1 << 20;

void AppendUint(std::string& out, uint64_t v) {
  char buf[24];
  int n = std::snprintf(buf, sizeof(buf), "%llu", static_cast<unsigned long long>(v));
  out.append(buf, static_cast<std::size_t>(n));
}

}  // namespace

std::string FormatRfc3339Utc(std::chrono::system_clock::time_point t) {
  const std::time_t secs =
      std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(t));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf, n);
}

DumpWriter::DumpWriter(std::ostream& out) : out_(out) { buffer_.reserve(kFlushBytes + 4096); }

Status DumpWriter::Fail(Status status) {
  state_ = State::kFailed;
  return status;
}

Status DumpWriter::CheckState(State expected, std::string_view call) {
  if (state_ == expected) return Status::OK();
  if (state_ == State::kFailed) {
    return Status::InvalidArgument("kv dump writer: " + std::string(call) +
                                   " after an earlier error");
  }
  return Fail(
      Status::InvalidArgument("kv dump writer: " + std::string(call) + " called out of order"));
}

Status DumpWriter::WriteHeader(std::string_view driver,
                               std::chrono::system_clock::time_point created) {
  RETURN_IF_ERROR(CheckState(State::kStart, "WriteHeader"));
  // ordered_json keeps "format" first, so `head -1` of a dump reads naturally.
  nlohmann::ordered_json header;
  header["format"] = std::string(kDumpFormatName);
  header["version"] = kDumpFormatVersion;
  header["created"] = FormatRfc3339Utc(created);
  header["driver"] = std::string(driver);
  // The replace handler never throws: a driver name that is not UTF-8 gets U+FFFD, which is
  // fine for an informational member.
  buffer_ += header.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  buffer_ += '\n';
  state_ = State::kBetween;
  return MaybeFlush();
}

Status DumpWriter::BeginPartition(std::string_view partition) {
  RETURN_IF_ERROR(CheckState(State::kBetween, "BeginPartition"));
  if (partition.empty()) return Fail(Status::Corruption("kv dump: empty partition name"));
  if (have_previous_partition_ && partition <= std::string_view(partition_)) {
    return Fail(Status::Corruption("kv dump: partition \"" + EscapeBytes(partition) +
                                   "\" does not sort after \"" + EscapeBytes(partition_) +
                                   "\" (the store listed partitions out of order)"));
  }
  partition_.assign(partition);
  have_previous_partition_ = true;
  have_previous_key_ = false;
  buffer_ += R"({"partition":")";
  AppendBase64(buffer_, partition);
  buffer_ += "\"}\n";
  ++partitions_;
  state_ = State::kInPartition;
  return MaybeFlush();
}

Status DumpWriter::AddEntry(std::string_view key, std::string_view value) {
  if (state_ != State::kInPartition) return CheckState(State::kInPartition, "AddEntry");
  if (key.empty()) {
    return Fail(
        Status::Corruption("kv dump: empty key in partition \"" + EscapeBytes(partition_) + "\""));
  }
  if (have_previous_key_ && key <= std::string_view(previous_key_)) {
    return Fail(Status::Corruption("kv dump: key \"" + EscapeBytes(key) + "\" of partition \"" +
                                   EscapeBytes(partition_) + "\" does not sort after \"" +
                                   EscapeBytes(previous_key_) +
                                   "\" (the store returned keys out of order)"));
  }
  previous_key_.assign(key);
  have_previous_key_ = true;
  checksum_.Add(key, value);
  ++entries_;
  buffer_ += R"({"k":")";
  AppendBase64(buffer_, key);
  buffer_ += R"(","v":")";
  AppendBase64(buffer_, value);
  buffer_ += "\"}\n";
  return MaybeFlush();
}

Status DumpWriter::EndPartition(PartitionDigest* digest) {
  RETURN_IF_ERROR(CheckState(State::kInPartition, "EndPartition"));
  PartitionDigest d = checksum_.Finish();
  buffer_ += R"({"end_partition":")";
  AppendBase64(buffer_, partition_);
  buffer_ += R"(","count":)";
  AppendUint(buffer_, d.entries);
  buffer_ += R"(,"sha256":")";
  buffer_ += tarn::DigestHex(d.sha256);
  buffer_ += "\"}\n";
  if (digest != nullptr) *digest = d;
  state_ = State::kBetween;
  return MaybeFlush();
}

Status DumpWriter::Finish() {
  RETURN_IF_ERROR(CheckState(State::kBetween, "Finish"));
  buffer_ += R"({"end":")";
  buffer_ += kDumpFormatName;
  buffer_ += R"(","partitions":)";
  AppendUint(buffer_, partitions_);
  buffer_ += R"(,"entries":)";
  AppendUint(buffer_, entries_);
  buffer_ += "}\n";
  RETURN_IF_ERROR(Flush());
  out_.flush();
  if (!out_) return Fail(Status::IOError("kv dump: flushing the output failed"));
  state_ = State::kDone;
  return Status::OK();
}

Status DumpWriter::MaybeFlush() {
  if (buffer_.size() < kFlushBytes) return Status::OK();
  return Flush();
}

Status DumpWriter::Flush() {
  if (buffer_.empty()) return Status::OK();
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  if (!out_) {
    return Fail(Status::IOError("kv dump: writing the output failed after " +
                                std::to_string(bytes_written_) + " bytes"));
  }
  bytes_written_ += buffer_.size();
  buffer_.clear();
  return Status::OK();
}

}  // namespace tarn::kv
