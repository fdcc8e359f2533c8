#include "block/local/metadata.h"

#include <sys/xattr.h>

#include <cerrno>
#include <cstring>

#include "common/coding.h"

namespace tarn::block::local {
namespace {

// Version 1: "1\n<etag>\n<content type>". Neither an etag nor an HTTP header value holds a
// newline, so the record needs no escaping.
constexpr std::string_view kVersion = "1\n";

}  // namespace

Status WriteMeta(int fd, const StoredMeta& meta, std::string_view display) {
  std::string value;
  value.reserve(kVersion.size() + meta.etag.size() + 1 + meta.content_type.size());
  value.append(kVersion).append(meta.etag).append("\n").append(meta.content_type);
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
  std::size_t nl = value.find('\n', kVersion.size());
  if (!value.starts_with(kVersion) || nl == std::string_view::npos) {
    return Status::Corruption("metadata attribute of " + EscapeBytes(display, 400) +
                              " is not a version-1 record");
  }
  StoredMeta meta;
  meta.etag = std::string(value.substr(kVersion.size(), nl - kVersion.size()));
  meta.content_type = std::string(value.substr(nl + 1));
  return std::optional<StoredMeta>(std::move(meta));
}

}  // namespace tarn::block::local
