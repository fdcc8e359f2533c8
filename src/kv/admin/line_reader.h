// LineReader: splits a stream into '\n'-terminated lines through one reusable buffer, tracking
// the line number and byte offset of each line for error messages.
//
// Thread safety: none; one reader per stream.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>

#include "tarn/status.h"

namespace tarn::kv::admin_internal {

class LineReader {
 public:
  // `in` must outlive the reader. Lines longer than `max_line_bytes` are refused, so a file
  // without line breaks cannot make the reader buffer it whole.
  LineReader(std::istream& in, std::size_t max_line_bytes);
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  enum class Outcome { kLine, kEnd };
  // Reads the next line into `*line` (without its '\n'); the view stays valid until the next
  // call. Returns kEnd at the end of the stream. A last line without '\n' is still returned;
  // terminated() tells.
  // Errors: IOError when the stream fails; InvalidArgument when a line exceeds the limit (the
  // message names the line).
  Status Next(std::string_view* line, Outcome* outcome);

  // The 1-based number and the 0-based byte offset of the line last returned; after kEnd, the
  // number the next line would have had and the size of the stream.
  uint64_t line_number() const { return line_number_; }
  uint64_t line_offset() const { return line_offset_; }
  // Whether the line last returned ended with '\n'.
  bool terminated() const { return terminated_; }

 private:
  // Reads more of the stream behind the unconsumed bytes. Returns false at the end.
  Status Fill(bool* got_more);

  std::istream& in_;
  std::size_t max_line_bytes_;
  std::string buffer_;
  std::size_t begin_ = 0;    // first unconsumed byte of buffer_
  std::size_t end_ = 0;      // one past the last valid byte of buffer_
  std::size_t scanned_ = 0;  // bytes from begin_ already known to hold no '\n'
  bool eof_ = false;
  bool ended_ = false;
  uint64_t line_number_ = 0;
  uint64_t line_offset_ = 0;
  uint64_t next_offset_ = 0;
  bool terminated_ = true;
};

}  // namespace tarn::kv::admin_internal
