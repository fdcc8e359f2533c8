// Parsing of the CLI's resource addresses: tarn://<repository>/<ref>/<path> (lakefs:// is
// accepted too, so addresses copied from lakeFS tooling work unchanged).
#pragma once

#include <string>
#include <string_view>

#include "tarn/result.h"

namespace tarn::cli {

struct Uri {
  std::string repository;
  std::string ref;   // "" when the address names only a repository
  std::string path;  // "" when the address names no path; never starts with '/'

  // "tarn://repo", "tarn://repo/ref" or "tarn://repo/ref/path".
  std::string ToString() const;
};

// Errors: InvalidArgument naming the text and the expected shape when the scheme is not
// tarn:// or lakefs://, or the repository is empty.
Result<Uri> ParseUri(std::string_view text);

// As ParseUri, and also requires what the command needs. Errors: InvalidArgument when a ref is
// missing (ParseRefUri, ParsePathUri), or a path is present (ParseRepositoryUri, ParseRefUri).
Result<Uri> ParseRepositoryUri(std::string_view text);
Result<Uri> ParseRefUri(std::string_view text);
// Requires a ref; the path may be empty (a whole ref) unless `require_path`.
Result<Uri> ParsePathUri(std::string_view text, bool require_path);

}  // namespace tarn::cli
