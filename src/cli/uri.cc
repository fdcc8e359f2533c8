#include "cli/uri.h"

#include <string>

namespace tarn::cli {
namespace {

constexpr std::string_view kShape = "tarn://<repository>/<ref>/<path>";

Status Invalid(std::string_view text, std::string_view what) {
  return Status::InvalidArgument("invalid address '" + std::string(text) +
                                 "': " + std::string(what) + "; expected " + std::string(kShape));
}

}  // namespace

std::string Uri::ToString() const {
  std::string out = "tarn://" + repository;
  if (!ref.empty()) out += "/" + ref;
  if (!path.empty()) out += "/" + path;
  return out;
}

Result<Uri> ParseUri(std::string_view text) {
  std::string_view rest = text;
  if (rest.starts_with("tarn://")) {
    rest.remove_prefix(7);
  } else if (rest.starts_with("lakefs://")) {
    rest.remove_prefix(9);
  } else {
    return Invalid(text, "the scheme must be tarn:// (or lakefs://)");
  }
  Uri uri;
  size_t slash = rest.find('/');
  uri.repository = std::string(rest.substr(0, slash));
  if (uri.repository.empty()) return Invalid(text, "the repository is missing");
  if (slash == std::string_view::npos) return uri;
  rest.remove_prefix(slash + 1);
  slash = rest.find('/');
  uri.ref = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) {
    if (uri.ref.empty()) return Invalid(text, "the ref is empty");
    uri.path = std::string(rest.substr(slash + 1));
  }
  return uri;
}

Result<Uri> ParseRepositoryUri(std::string_view text) {
  ASSIGN_OR_RETURN(Uri uri, ParseUri(text));
  if (!uri.ref.empty() || !uri.path.empty()) {
    return Status::InvalidArgument("invalid address '" + std::string(text) +
                                   "': this command takes a repository only: tarn://<repository>");
  }
  return uri;
}

Result<Uri> ParseRefUri(std::string_view text) {
  ASSIGN_OR_RETURN(Uri uri, ParseUri(text));
  if (uri.ref.empty()) {
    return Status::InvalidArgument("invalid address '" + std::string(text) +
                                   "': the ref is missing; expected tarn://<repository>/<ref>");
  }
  if (!uri.path.empty()) {
    return Status::InvalidArgument("invalid address '" + std::string(text) +
                                   "': this command takes no path; expected "
                                   "tarn://<repository>/<ref>");
  }
  return uri;
}

Result<Uri> ParsePathUri(std::string_view text, bool require_path) {
  ASSIGN_OR_RETURN(Uri uri, ParseUri(text));
  if (uri.ref.empty()) return Invalid(text, "the ref is missing");
  if (require_path && uri.path.empty()) return Invalid(text, "the path is missing");
  return uri;
}

}  // namespace tarn::cli
