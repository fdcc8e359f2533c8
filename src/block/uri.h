// Storage namespace URIs and object keys: parsing and validation shared by every adapter.
//
//   s3://bucket/prefix    scheme "s3",    authority "bucket", path "prefix"
//   local://name/sub      scheme "local", authority "name",   path "sub"
//   local:///abs/path     scheme "local", authority "",       path "abs/path" (absolute)
//   mem://name            scheme "mem",   authority "name",   path ""
#pragma once

#include <string>
#include <string_view>

#include "tarn/result.h"
#include "tarn/status.h"

namespace tarn::block {

struct NamespaceUri {
  std::string scheme;     // lower case, without "://"
  std::string authority;  // bucket or name; empty for local:///abs/path
  std::string path;       // '/'-separated segments without leading or trailing '/'; may be empty

  // "<scheme>://<authority>/<path>" in canonical form (no trailing '/').
  std::string ToString() const;
  // The key under which `key` of this namespace lives inside its authority: "path/key", or
  // `key` when the path is empty.
  std::string FullKey(std::string_view key) const;
};

// Parses a namespace URI. A trailing '/' is ignored. Errors: InvalidArgument when the scheme is
// missing or malformed, both authority and path are empty, or the path has empty, "." or ".."
// segments or a NUL byte.
Result<NamespaceUri> ParseNamespace(std::string_view uri);

// ParseNamespace, and checks that the scheme is `scheme`. Errors: InvalidArgument naming both
// schemes when they differ.
Result<NamespaceUri> ParseNamespaceOf(std::string_view uri, std::string_view scheme);

// Checks what every adapter requires of a key: non-empty, relative (no leading '/'), no ".."
// segment and no NUL byte. Errors: InvalidArgument naming the key.
Status ValidateKey(std::string_view key);

// Returns `storage_namespace` extended by the path segment(s) `child` ("s3://b/p" + "x" ->
// "s3://b/p/x"). REQUIRES: child is a valid key.
std::string ChildNamespace(std::string_view storage_namespace, std::string_view child);

}  // namespace tarn::block
