#include "kv/admin/line_reader.h"

#include <cstring>

namespace tarn::kv::admin_internal {
namespace {

constexpr std::size_t kChunkBytes = 1 << 20;

}  // namespace

LineReader::LineReader(std::istream& in, std::size_t max_line_bytes)
    : in_(in), max_line_bytes_(max_line_bytes) {
  buffer_.resize(kChunkBytes);
}

Status LineReader::Fill(bool* got_more) {
  *got_more = false;
  if (eof_) return Status::OK();
  // Keep the unconsumed tail (the start of a line) and read behind it; grow only when a single
  // line does not fit, so the buffer's size follows the longest line, not the file.
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
  in_.read(buffer_.data() + end_, static_cast<std::streamsize>(buffer_.size() - end_));
  const auto n = static_cast<std::size_t>(in_.gcount());
  if (in_.bad()) return Status::IOError("kv dump: reading the input failed");
  if (n == 0) {
    eof_ = true;
    return Status::OK();
  }
  end_ += n;
  *got_more = true;
  return Status::OK();
}

Status LineReader::Next(std::string_view* line, Outcome* outcome) {
  for (;;) {
    const char* start = buffer_.data() + begin_;
    const void* nl = std::memchr(start + scanned_, '\n', end_ - begin_ - scanned_);
    if (nl != nullptr) {
      const auto len = static_cast<std::size_t>(static_cast<const char*>(nl) - start);
      *line = std::string_view(start, len);
      begin_ += len + 1;
      scanned_ = 0;
      ++line_number_;
      line_offset_ = next_offset_;
      next_offset_ += len + 1;
      terminated_ = true;
      *outcome = Outcome::kLine;
      if (len > max_line_bytes_) break;
      return Status::OK();
    }
    scanned_ = end_ - begin_;
    if (scanned_ > max_line_bytes_) {
      ++line_number_;
      line_offset_ = next_offset_;
      break;
    }
    bool got_more = false;
    RETURN_IF_ERROR(Fill(&got_more));
    if (got_more) continue;
    if (begin_ == end_) {
      if (!ended_) ++line_number_;
      ended_ = true;
      line_offset_ = next_offset_;
      *outcome = Outcome::kEnd;
      return Status::OK();
    }
    // The stream ends inside a line: hand it out, flagged, so the caller can say "truncated".
    *line = std::string_view(buffer_.data() + begin_, end_ - begin_);
    ++line_number_;
    line_offset_ = next_offset_;
    next_offset_ += end_ - begin_;
    begin_ = end_;
    scanned_ = 0;
    terminated_ = false;
    *outcome = Outcome::kLine;
    return Status::OK();
  }
  return Status::InvalidArgument("kv dump: line " + std::to_string(line_number_) +
                                 ", byte offset " + std::to_string(line_offset_) +
                                 ": line longer than the limit of " +
                                 std::to_string(max_line_bytes_) + " bytes");
}

}  // namespace tarn::kv::admin_internal
