#include "kv/admin/dump_reader.h"

#include <array>
#include <nlohmann/json.hpp>
#include <optional>

#include "common/coding.h"
#include "common/coding.h"
#include "kv/admin/dump_format.h"

namespace tarn::kv {

struct DumpReader::Json {
  nlohmann::json value;
};

namespace {

using admin_internal::LineReader;

// The members that tell line kinds apart; exactly one must be present.
enum class LineKind { kHeader, kPartition, kEntry, kPartitionEnd, kEnd };
constexpr std::array<std::pair<const char*, LineKind>, 5> kKindMembers = {{
    {"format", LineKind::kHeader},
    {"partition", LineKind::kPartition},
    {"k", LineKind::kEntry},
    {"end_partition", LineKind::kPartitionEnd},
    {"end", LineKind::kEnd},
}};

// Recognises the exact form writers emit, {"k":"<b64>","v":"<b64>"}, without a JSON parser.
// base64 never contains '"' or '\', so the first '"' after each opening quote closes the string.
// Anything else (other spellings, escapes, damage) returns false and takes the JSON path, which
// then accepts it or reports precisely what is wrong.
bool SplitCanonicalEntry(std::string_view line, std::string_view* k64, std::string_view* v64) {
  constexpr std::string_view kOpen = R"({"k":")";
  constexpr std::string_view kMiddle = R"(","v":")";
  constexpr std::string_view kClose = R"("})";
  if (line.size() < kOpen.size() + kMiddle.size() + kClose.size()) return false;
  if (line.substr(0, kOpen.size()) != kOpen) return false;
  if (line.substr(line.size() - kClose.size()) != kClose) return false;
  const std::size_t k_end = line.find('"', kOpen.size());
  if (k_end == std::string_view::npos) return false;
  if (line.compare(k_end, kMiddle.size(), kMiddle) != 0) return false;
  const std::size_t v_begin = k_end + kMiddle.size();
  const std::size_t v_end = line.size() - kClose.size();
  if (v_end < v_begin || line.find('"', v_begin) != v_end) return false;
  *k64 = line.substr(kOpen.size(), k_end - kOpen.size());
  *v64 = line.substr(v_begin, v_end - v_begin);
  return true;
}

// nlohmann's messages start with "[json.exception...] parse error at line 1, column N: "; the
// line is always 1 here, so keep the column and the explanation.
std::string DescribeParseError(const nlohmann::json::parse_error& e) {
  std::string what = e.what();
  const std::size_t col = what.find("column ");
  if (col != std::string::npos) return what.substr(col);
  return what;
}

std::string Quoted(std::string_view bytes) { return "\"" + EscapeBytes(bytes) + "\""; }

std::string LineKindName(LineKind kind) {
  switch (kind) {
    case LineKind::kHeader:
      return "header line";
    case LineKind::kPartition:
      return "partition line";
    case LineKind::kEntry:
      return "entry line";
    case LineKind::kPartitionEnd:
      return "partition trailer";
    case LineKind::kEnd:
      return "end line";
  }
  return "line";
}

// Member accessors that explain what is wrong instead of throwing.
const std::string* StringMember(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return nullptr;
  return it->get_ptr<const std::string*>();
}

bool UnsignedMember(const nlohmann::json& j, const char* name, uint64_t* out) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number_unsigned()) return false;
  *out = it->get<uint64_t>();
  return true;
}

}  // namespace

DumpReader::DumpReader(std::istream& in, const DumpReaderOptions& options)
    : lines_(in, options.max_line_bytes) {}

Status DumpReader::Error(StatusCode code, std::string_view what) {
  state_ = State::kFailed;
  return Status(code, "kv dump: line " + std::to_string(lines_.line_number()) + ", byte offset " +
                          std::to_string(lines_.line_offset()) + ": " + std::string(what));
}

Status DumpReader::ReadLine(std::string_view* line, bool* at_end) {
  LineReader::Outcome outcome;
  Status s = lines_.Next(line, &outcome);
  if (!s.ok()) {
    state_ = State::kFailed;
    return s;
  }
  *at_end = outcome == LineReader::Outcome::kEnd;
  if (*at_end) return Status::OK();
  if (!lines_.terminated()) {
    return Error(StatusCode::kCorruption,
                 "the last line is not terminated by a newline (the file is truncated)");
  }
  if (line->empty()) return Error(StatusCode::kCorruption, "empty line");
  return Status::OK();
}

Status DumpReader::ReadHeader() {
  if (state_ != State::kHeader) {
    return Status::InvalidArgument("kv dump: ReadHeader called twice or after an error");
  }
  std::string_view line;
  bool at_end = false;
  RETURN_IF_ERROR(ReadLine(&line, &at_end));
  constexpr std::string_view kExpected =
      R"(expected a header line {"format":"tarn-kv-dump","version":N,...} first)";
  if (at_end) {
    return Error(StatusCode::kInvalidArgument,
                 "not a tarn KV dump: the input is empty; " + std::string(kExpected));
  }
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  const std::string* format = j.is_object() ? StringMember(j, "format") : nullptr;
  if (format == nullptr || *format != kDumpFormatName) {
    return Error(StatusCode::kInvalidArgument,
                 "not a tarn KV dump: the header is missing; " + std::string(kExpected));
  }
  if (!UnsignedMember(j, "version", &header_.version) || header_.version == 0) {
    return Error(StatusCode::kCorruption, "header: \"version\" must be a positive integer");
  }
  if (header_.version > kDumpFormatVersion) {
    return Error(StatusCode::kInvalidArgument,
                 "the dump has format version " + std::to_string(header_.version) +
                     ", newer than the newest this tarn reads (" +
                     std::to_string(kDumpFormatVersion) + "); load it with a newer tarn");
  }
  const std::string* created = StringMember(j, "created");
  const std::string* driver = StringMember(j, "driver");
  if (created == nullptr) return Error(StatusCode::kCorruption, "header: \"created\" missing");
  if (driver == nullptr) return Error(StatusCode::kCorruption, "header: \"driver\" missing");
  header_.created = *created;
  header_.driver = *driver;
  state_ = State::kBetween;
  return Status::OK();
}

Status DumpReader::Next(Record* record) {
  if (state_ == State::kHeader || state_ == State::kDone || state_ == State::kFailed) {
    return Status::InvalidArgument(
        "kv dump: Next called before ReadHeader, after the end or "
        "after an error");
  }
  std::string_view line;
  bool at_end = false;
  RETURN_IF_ERROR(ReadLine(&line, &at_end));
  if (at_end) {
    std::string where = state_ == State::kInPartition
                            ? "inside partition " + Quoted(partition_) + " (its trailer and "
                            : "after " + std::to_string(partitions_) + " partitions (";
    return Error(StatusCode::kCorruption, "unexpected end of file " + where +
                                              "the end line are missing: the file is "
                                              "truncated");
  }
  if (state_ == State::kInPartition) {
    std::string_view k64, v64;
    if (SplitCanonicalEntry(line, &k64, &v64) && Base64DecodeInto(k64, keys_[1 - current_key_]) &&
        Base64DecodeInto(v64, value_)) {
      *record = Record::kEntry;
      return AcceptEntry();
    }
  }
  return ParseJsonLine(line, record);
}

Status DumpReader::ParseJsonLine(std::string_view line, Record* record) {
  // The accessors below check types before reading, so nothing should throw; the catch keeps
  // the promise that no nlohmann exception leaves this module even if one does.
  try {
    return ParseJsonLineOrThrow(line, record);
  } catch (const nlohmann::json::exception& e) {
    return Error(StatusCode::kCorruption, std::string("malformed line: ") + e.what());
  }
}

Status DumpReader::ParseJsonLineOrThrow(std::string_view line, Record* record) {
  Json json;
  try {
    json.value = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    return Error(StatusCode::kCorruption, "not valid JSON: " + DescribeParseError(e));
  }
  const nlohmann::json& j = json.value;
  if (!j.is_object()) return Error(StatusCode::kCorruption, "not a JSON object");
  int found = 0;
  LineKind kind = LineKind::kEntry;
  for (const auto& [member, k] : kKindMembers) {
    if (j.contains(member)) {
      ++found;
      kind = k;
    }
  }
  if (found != 1) {
    return Error(StatusCode::kCorruption,
                 std::string(found == 0 ? "unknown" : "ambiguous") +
                     " line kind: a line has exactly one of the members \"format\", "
                     "\"partition\", \"k\", \"end_partition\", \"end\"");
  }
  // Which kinds may come next depends only on the state.
  const bool in_partition = state_ == State::kInPartition;
  if (kind == LineKind::kHeader) {
    return Error(StatusCode::kCorruption, "a second header line");
  }
  if (in_partition && (kind == LineKind::kPartition || kind == LineKind::kEnd)) {
    return Error(StatusCode::kCorruption, LineKindName(kind) + " inside partition " +
                                              Quoted(partition_) +
                                              ": the partition's trailer is missing");
  }
  if (!in_partition && (kind == LineKind::kEntry || kind == LineKind::kPartitionEnd)) {
    return Error(StatusCode::kCorruption,
                 LineKindName(kind) + " outside a partition (no partition line before it)");
  }
  switch (kind) {
    case LineKind::kPartition: {
      const std::string* name = StringMember(j, "partition");
      if (name == nullptr) {
        return Error(StatusCode::kCorruption, "partition line: \"partition\" must be a string");
      }
      *record = Record::kPartitionBegin;
      return AcceptPartitionBegin(*name);
    }
    case LineKind::kEntry: {
      const std::string* k = StringMember(j, "k");
      const std::string* v = StringMember(j, "v");
      if (k == nullptr || v == nullptr) {
        return Error(StatusCode::kCorruption,
                     "entry line: \"k\" and \"v\" must both be present and strings");
      }
      if (!Base64DecodeInto(*k, keys_[1 - current_key_])) {
        return Error(StatusCode::kCorruption, "entry line: the key is not valid base64");
      }
      if (!Base64DecodeInto(*v, value_)) {
        return Error(StatusCode::kCorruption, "entry line: the value is not valid base64");
      }
      *record = Record::kEntry;
      return AcceptEntry();
    }
    case LineKind::kPartitionEnd:
      *record = Record::kPartitionEnd;
      return AcceptPartitionEnd(json);
    case LineKind::kEnd:
      *record = Record::kEnd;
      return AcceptEnd(json);
    case LineKind::kHeader:
      break;
  }
  return Error(StatusCode::kInternal, "unhandled line kind");
}

Status DumpReader::AcceptEntry() {
  const std::string& key = keys_[1 - current_key_];
  if (key.empty()) {
    return Error(StatusCode::kCorruption,
                 "empty key in partition " + Quoted(partition_) + " (keys are never empty)");
  }
  if (have_key_) {
    const std::string& previous = keys_[current_key_];
    const int cmp = std::string_view(key).compare(previous);
    if (cmp == 0) {
      return Error(StatusCode::kCorruption,
                   "duplicate key " + Quoted(key) + " in partition " + Quoted(partition_));
    }
    if (cmp < 0) {
      return Error(StatusCode::kCorruption,
                   "key " + Quoted(key) + " in partition " + Quoted(partition_) +
                       " is out of order: it sorts before the previous key " + Quoted(previous));
    }
  }
  current_key_ = 1 - current_key_;
  have_key_ = true;
  checksum_.Add(key, value_);
  ++entries_;
  key_bytes_ += key.size();
  value_bytes_ += value_.size();
  return Status::OK();
}

Status DumpReader::AcceptPartitionBegin(std::string_view name_base64) {
  if (!Base64DecodeInto(name_base64, scratch_)) {
    return Error(StatusCode::kCorruption, "partition line: the name is not valid base64");
  }
  if (scratch_.empty()) return Error(StatusCode::kCorruption, "empty partition name");
  if (partitions_ > 0) {
    const int cmp = std::string_view(scratch_).compare(partition_);
    if (cmp == 0) {
      return Error(StatusCode::kCorruption, "partition " + Quoted(scratch_) + " appears twice");
    }
    if (cmp < 0) {
      return Error(StatusCode::kCorruption,
                   "partition " + Quoted(scratch_) +
                       " is out of order: it sorts before the previous partition " +
                       Quoted(partition_));
    }
  }
  partition_.swap(scratch_);
  have_key_ = false;
  ++partitions_;
  state_ = State::kInPartition;
  return Status::OK();
}

Status DumpReader::AcceptPartitionEnd(const Json& line) {
  const nlohmann::json& j = line.value;
  const std::string* name = StringMember(j, "end_partition");
  if (name == nullptr || !Base64DecodeInto(*name, scratch_)) {
    return Error(StatusCode::kCorruption,
                 "partition trailer: \"end_partition\" must be the base64 of the name");
  }
  if (scratch_ != partition_) {
    return Error(StatusCode::kCorruption, "partition trailer names " + Quoted(scratch_) +
                                              " but closes partition " + Quoted(partition_));
  }
  uint64_t count = 0;
  if (!UnsignedMember(j, "count", &count)) {
    return Error(StatusCode::kCorruption,
                 "partition trailer: \"count\" must be a non-negative integer");
  }
  const std::string* hex = StringMember(j, "sha256");
  std::optional<std::string> expected;
  if (hex != nullptr) expected = HexDecode(*hex);
  if (!expected || expected->size() != 32) {
    return Error(StatusCode::kCorruption, "partition trailer: \"sha256\" must be 64 hex digits");
  }
  last_digest_ = checksum_.Finish();
  if (count != last_digest_.entries) {
    return Error(StatusCode::kCorruption, "partition " + Quoted(partition_) +
                                              ": the trailer counts " + std::to_string(count) +
                                              " entries but the partition has " +
                                              std::to_string(last_digest_.entries));
  }
  if (std::string_view(*expected) !=
      std::string_view(reinterpret_cast<const char*>(last_digest_.sha256.data()), 32)) {
    return Error(StatusCode::kCorruption,
                 "partition " + Quoted(partition_) + ": checksum mismatch: the trailer says " +
                     *hex + " but the entries hash to " + DigestHex(last_digest_.sha256));
  }
  state_ = State::kBetween;
  return Status::OK();
}

Status DumpReader::AcceptEnd(const Json& line) {
  const nlohmann::json& j = line.value;
  const std::string* end = StringMember(j, "end");
  if (end == nullptr || *end != kDumpFormatName) {
    return Error(StatusCode::kCorruption, "end line: \"end\" must be \"tarn-kv-dump\"");
  }
  uint64_t partitions = 0, entries = 0;
  if (!UnsignedMember(j, "partitions", &partitions) || !UnsignedMember(j, "entries", &entries)) {
    return Error(StatusCode::kCorruption,
                 "end line: \"partitions\" and \"entries\" must be non-negative integers");
  }
  if (partitions != partitions_) {
    return Error(StatusCode::kCorruption, "end line counts " + std::to_string(partitions) +
                                              " partitions but the file has " +
                                              std::to_string(partitions_));
  }
  if (entries != entries_) {
    return Error(StatusCode::kCorruption, "end line counts " + std::to_string(entries) +
                                              " entries but the file has " +
                                              std::to_string(entries_));
  }
  std::string_view rest;
  LineReader::Outcome outcome;
  Status s = lines_.Next(&rest, &outcome);
  if (!s.ok()) {
    state_ = State::kFailed;
    return s;
  }
  if (outcome != LineReader::Outcome::kEnd) {
    return Error(StatusCode::kCorruption, "data after the end line");
  }
  state_ = State::kDone;
  return Status::OK();
}

}  // namespace tarn::kv
