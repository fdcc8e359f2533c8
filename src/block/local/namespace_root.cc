// Resolving namespaces and keys to places on disk, and the rules that keep them inside the
// configured directories.
#include <fcntl.h>

#include "block/local/local_adapter_impl.h"
#include "block/uri.h"
#include "common/coding.h"

namespace tarn::block::local {
namespace {

// Segments must be plain file names: empty, "." and ".." would alias or escape, and the
// reserved prefix belongs to temporary and staging files.
Status CheckSegments(std::string_view path, std::string_view what, std::string_view whole) {
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(start, end - start);
    if (seg.empty() || seg == "." || seg == "..") {
      return Status::InvalidArgument(std::string(what) + " '" + EscapeBytes(whole, 200) +
                                     "' has an empty, '.' or '..' segment, which the local "
                                     "adapter cannot store");
    }
    if (seg.starts_with(kReservedPrefix)) {
      return Status::InvalidArgument(std::string(what) + " '" + EscapeBytes(whole, 200) +
                                     "' has a segment starting with '.tarn-', which the local "
                                     "adapter reserves for its own files");
    }
    start = end + 1;
  }
  return Status::OK();
}

}  // namespace

Result<NamespacePlace> LocalAdapter::ResolveNamespace(std::string_view storage_namespace) const {
  ASSIGN_OR_RETURN(NamespaceUri uri, ParseNamespaceOf(storage_namespace, "local"));
  NamespacePlace place;
  place.display = uri.ToString();
  if (!uri.authority.empty()) {
    std::string rel = JoinPath(uri.authority, uri.path);
    RETURN_IF_ERROR(CheckSegments(rel, "storage namespace", storage_namespace));
    place.base = root_.get();
    place.rel = std::move(rel);
    return place;
  }
  std::string absolute = "/" + uri.path;
  RETURN_IF_ERROR(CheckSegments(uri.path, "storage namespace", storage_namespace));
  for (const std::string& prefix : prefixes_) {
    std::string_view rest;
    if (prefix == "/") {
      rest = std::string_view(absolute).substr(1);
    } else if (absolute == prefix) {
      rest = {};
    } else if (absolute.starts_with(prefix) && absolute[prefix.size()] == '/') {
      rest = std::string_view(absolute).substr(prefix.size() + 1);
    } else {
      continue;
    }
    // The prefix itself is trusted configuration and may contain symlinks; only what lies
    // beneath it is resolved without them.
    int fd = ::open(prefix.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(errno, "open allowed prefix", prefix);
    place.owned_base = UniqueFd(fd);
    place.base = fd;
    place.rel = std::string(rest);
    return place;
  }
  return Status::PermissionDenied("storage namespace '" + EscapeBytes(storage_namespace, 200) +
                                  "' is outside every directory listed in "
                                  "blockstore.local.allowed_prefixes");
}

Result<ObjectPlace> LocalAdapter::ResolveObject(const ObjectPointer& object) const {
  RETURN_IF_ERROR(ValidateKey(object.key));
  RETURN_IF_ERROR(CheckSegments(object.key, "object key", object.key));
  ASSIGN_OR_RETURN(NamespacePlace ns, ResolveNamespace(object.storage_namespace));
  ObjectPlace place;
  std::size_t slash = object.key.rfind('/');
  if (slash != std::string::npos) place.key_dir = object.key.substr(0, slash);
  place.name = object.key.substr(slash == std::string::npos ? 0 : slash + 1);
  place.dir = JoinPath(ns.rel, place.key_dir);
  place.display = ns.display + "/" + object.key;
  place.ns = std::move(ns);
  return place;
}

}  // namespace tarn::block::local
