#include "block/reader.h"

#include <algorithm>
#include <cstring>

namespace tarn::block {
namespace {

std::size_t CopyOut(std::string_view bytes, std::size_t& pos, std::span<char> out) {
  std::size_t n = std::min(out.size(), bytes.size() - pos);
  std::memcpy(out.data(), bytes.data() + pos, n);
  pos += n;
  return n;
}

}  // namespace

Result<std::size_t> StringReader::Read(std::span<char> out) { return CopyOut(bytes_, pos_, out); }

Result<std::size_t> ViewReader::Read(std::span<char> out) { return CopyOut(bytes_, pos_, out); }

Result<std::string> ReadAll(Reader& reader, std::size_t max_bytes) {
  std::string out;
  char buf[64 * 1024];
  for (;;) {
    ASSIGN_OR_RETURN(std::size_t n, reader.Read(std::span<char>(buf, sizeof(buf))));
    if (n == 0) return out;
    if (out.size() + n > max_bytes) {
      return Status::InvalidArgument("body is larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, n);
  }
}

}  // namespace tarn::block
