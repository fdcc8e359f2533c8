#include "block/uri.h"

#include <cctype>

#include "common/coding.h"

namespace tarn::block {
namespace {

bool ValidScheme(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

// Empty, "." and ".." segments are rejected in namespace paths because file-backed adapters
// would alias or escape with them; keys only forbid ".." (S3 allows the others).
Status ValidatePath(std::string_view uri, std::string_view path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(start, end - start);
    if (seg.empty() || seg == "." || seg == "..") {
      return Status::InvalidArgument("storage namespace '" + EscapeBytes(uri, 200) +
                                     "' has an empty, '.' or '..' path segment");
    }
    start = end + 1;
  }
  return Status::OK();
}

}  // namespace

std::string NamespaceUri::ToString() const {
  std::string out = scheme + "://" + authority;
  if (!path.empty()) out += "/" + path;
  return out;
}

std::string NamespaceUri::FullKey(std::string_view key) const {
  if (path.empty()) return std::string(key);
  std::string out;
  out.reserve(path.size() + 1 + key.size());
  out.append(path).append("/").append(key);
  return out;
}

Result<NamespaceUri> ParseNamespace(std::string_view uri) {
  if (uri.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("storage namespace contains a NUL byte");
  }
  std::size_t sep = uri.find("://");
  if (sep == std::string_view::npos || !ValidScheme(uri.substr(0, sep))) {
    return Status::InvalidArgument("storage namespace '" + EscapeBytes(uri, 200) +
                                   "' is not a URI of the form scheme://authority/path");
  }
  NamespaceUri out;
  for (char c : uri.substr(0, sep)) {
    out.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  std::string_view rest = uri.substr(sep + 3);
  std::size_t slash = rest.find('/');
  out.authority = std::string(rest.substr(0, slash));
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (out.authority.empty() && path.empty()) {
    return Status::InvalidArgument("storage namespace '" + EscapeBytes(uri, 200) +
                                   "' names neither an authority nor a path");
  }
  if (!path.empty()) RETURN_IF_ERROR(ValidatePath(uri, path));
  out.path = std::string(path);
  return out;
}

Result<NamespaceUri> ParseNamespaceOf(std::string_view uri, std::string_view scheme) {
  ASSIGN_OR_RETURN(NamespaceUri parsed, ParseNamespace(uri));
  if (parsed.scheme != scheme) {
    return Status::InvalidArgument("storage namespace '" + EscapeBytes(uri, 200) +
                                   "' has scheme '" + parsed.scheme + "', this adapter serves '" +
                                   std::string(scheme) + "'");
  }
  return parsed;
}

Status ValidateKey(std::string_view key) {
  if (key.empty()) return Status::InvalidArgument("object key is empty");
  if (key.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("object key '" + EscapeBytes(key, 200) +
                                   "' contains a NUL byte");
  }
  if (key.front() == '/') {
    return Status::InvalidArgument("object key '" + EscapeBytes(key, 200) +
                                   "' is absolute; keys are relative to the namespace");
  }
  std::size_t start = 0;
  while (start <= key.size()) {
    std::size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    if (key.substr(start, end - start) == "..") {
      return Status::InvalidArgument("object key '" + EscapeBytes(key, 200) +
                                     "' has a '..' segment");
    }
    start = end + 1;
  }
  return Status::OK();
}

std::string ChildNamespace(std::string_view storage_namespace, std::string_view child) {
  std::string out(storage_namespace);
  while (!out.empty() && out.back() == '/') out.pop_back();
  out += '/';
  out += child;
  return out;
}

}  // namespace tarn::block
