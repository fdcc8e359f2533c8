#include "block/local/metadata.h"

#include <sys/xattr.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "common/coding.h"

namespace tarn::block::local {
namespace {

// Version 2: "2\n<size>\n<mtime ns>\n<etag>\n<content type>"; version 1 (still read):
// "1\n<etag>\n<content type>". Neither an etag nor an HTTP header value holds a newline, so
// the record needs no escaping.
constexpr std::string_view kVersion1 = "1\n";
constexpr std::string_view kVersion2 = "2\n";

bool TakeLine(std::string_view& in, std::string_view& line) {
  const std::size_t nl = in.find('\n');
  if (nl == std::string_view::npos) return false;
  line = in.substr(0, nl);
  in.remove_prefix(nl + 1);
  return true;
}

template <typename T>
bool ParseNumber(std::string_view text, T& out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

Status Unreadable(std::string_view display) {
  return Status::Corruption("metadata attribute of " + EscapeBytes(display, 400) +
                            " is not a version-1 or version-2 record");
}

}  // namespace

Status WriteMeta(int fd, const StoredMeta& meta, std::string_view display) {
  std::string value;
  value.reserve(64 + meta.etag.size() + meta.content_type.size());
  if (meta.size.has_value() && meta.mtime_ns.has_value()) {
    value.append(kVersion2)
        .append(std::to_string(*meta.size))
        .append("\n")
        .append(std::to_string(*meta.mtime_ns))
        .append("\n");
  } else {
    value.append(kVersion1);
  }
  value.append(meta.etag).append("\n").append(meta.content_type);
  if (::fsetxattr(fd, kMetaAttribute, value.data(), value.size(), 0) != 0) {
    return Status::IOError("set metadata attribute of " + EscapeBytes(display, 400) + ": " +
                           std::strerror(errno));
  }
  return Status::OK();
}

Result<std::optional<StoredMeta>> ReadMeta(int fd, std::string_view display) {
  char buf[kMaxContentType + 256];
  ssize_t n = ::fgetxattr(fd, kMetaAttribute, buf, sizeof(buf));
  if (n < 0) {
    if (errno == ENODATA || errno == ENOTSUP) return std::optional<StoredMeta>();
    return Status::IOError("read metadata attribute of " + EscapeBytes(display, 400) + ": " +
                           std::strerror(errno));
  }
  std::string_view value(buf, static_cast<std::size_t>(n));
  StoredMeta meta;
  std::string_view line;
  if (value.starts_with(kVersion2)) {
    value.remove_prefix(kVersion2.size());
    uint64_t size = 0;
    int64_t mtime = 0;
    if (!TakeLine(value, line) || !ParseNumber(line, size)) return Unreadable(display);
    if (!TakeLine(value, line) || !ParseNumber(line, mtime)) return Unreadable(display);
    meta.size = size;
    meta.mtime_ns = mtime;
  } else if (value.starts_with(kVersion1)) {
    value.remove_prefix(kVersion1.size());
  } else {
    return Unreadable(display);
  }
  if (!TakeLine(value, line)) return Unreadable(display);
  meta.etag = std::string(line);
  meta.content_type = std::string(value);
  return std::optional<StoredMeta>(std::move(meta));
}

}  // namespace tarn::block::local
