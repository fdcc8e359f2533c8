// Where an export reads from: the objects of a commit, the difference between two commits, and
// the bytes of one object. ApiSource (api_source.h) implements it over a tarn server's REST API;
// tests use an in-memory source.
//
// Thread safety: Stat and Open may be called from several threads at once; ListObjects and Diff
// are called by one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "tarn/block/adapter.h"
#include "tarn/result.h"

namespace tarn::exporter {

struct SourceObject {
  std::string path;  // the object's path within the ref
  uint64_t size = 0;
  std::string checksum;          // the object's ETag, without quotes
  std::string physical_address;  // where its bytes live ("local://ns/key", "s3://bucket/key")
};

struct SourceChange {
  enum class Kind { kAdded, kChanged, kRemoved };
  Kind kind = Kind::kAdded;
  std::string path;
  uint64_t size = 0;  // of the object in `to` (0 for a removal), for progress
};

class Source {
 public:
  Source() = default;
  Source(const Source&) = delete;
  Source& operator=(const Source&) = delete;
  virtual ~Source() = default;

  // The repository being exported, for messages and markers.
  virtual const std::string& repository() const = 0;

  // The commit id a branch points to. Errors: NotFound naming the branch.
  virtual Result<std::string> BranchHead(std::string_view branch) = 0;
  // The full commit id of a commit id, a unique prefix of one, or a tag.
  // Errors: NotFound naming the reference.
  virtual Result<std::string> ResolveCommit(std::string_view ref) = 0;

  // Calls `each` for every object of `commit` in ascending path order; stops at the first
  // error `each` returns and returns it.
  virtual Status ListObjects(std::string_view commit,
                             const std::function<Status(const SourceObject&)>& each) = 0;
  // Calls `each` for every path that differs between `from` and `to` (objects only), in
  // ascending path order: kAdded in `to` only, kRemoved in `from` only, kChanged in both with
  // different content.
  virtual Status Diff(std::string_view from, std::string_view to,
                      const std::function<Status(const SourceChange&)>& each) = 0;

  // One object of `commit`. Errors: NotFound.
  virtual Result<SourceObject> Stat(std::string_view commit, std::string_view path) = 0;
  // The bytes of `object` (as returned by ListObjects or Stat for `commit`).
  virtual Result<std::unique_ptr<block::Reader>> Open(std::string_view commit,
                                                      const SourceObject& object) = 0;
};

}  // namespace tarn::exporter
