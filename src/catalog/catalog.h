// Catalog: objects on top of graveler. Entries (where an object's bytes live and its S3
// metadata), S3-style listings with a delimiter, and object data written once to a fresh
// physical address in the repository's namespace.
//
// Repository, branch, commit, diff and merge operations are graveler's (graveler()); the
// catalog adds what needs the entry format or the object data.
//
// Errors: those of graveler::Graveler and of the block adapter; Corruption for an unreadable
// entry record. Thread safety: every method may be called concurrently.
#pragma once
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/address.h"
#include "catalog/entry.h"
#include "graveler/graveler.h"
#include "tarn/block/adapter.h"

namespace tarn::block {
class Registry;
}

namespace tarn::catalog {

struct ListEntriesParams {
  std::string prefix;
  std::string delimiter;  // empty: a flat listing
  std::string after;      // start strictly after this path (or common prefix)
  std::size_t amount = 1000;
};

struct ListEntriesResult {
  // Entries and common prefixes, each ascending; together at most `amount` items.
  std::vector<Entry> entries;
  std::vector<std::string> common_prefixes;
  bool has_more = false;
  std::string next_after;  // pass as `after` for the next page when has_more
};

// S3's conditional writes, checked atomically against concurrent writers of the same path.
struct EntryCondition {
  bool if_none_match_any = false;            // If-None-Match: *  (the path must not exist)
  std::optional<std::string> if_match_etag;  // If-Match: "<etag>" (the path must hold it)
};

struct PutObjectParams {
  std::string content_type;  // default application/octet-stream
  std::map<std::string, std::string> metadata;
  std::optional<uint64_t> size;
  EntryCondition condition;
};

struct CopyObjectParams {
  // Replace the metadata and content type instead of copying them (S3's
  // x-amz-metadata-directive: REPLACE).
  bool replace_metadata = false;
  std::string content_type;
  std::map<std::string, std::string> metadata;
  EntryCondition condition;
};

// One line of a diff listing.
struct DiffEntry {
  std::string path;  // a path, or a common prefix (ends with the delimiter)
  graveler::DiffType type = graveler::DiffType::kChanged;
  bool common_prefix = false;  // something under `path` changed
  uint64_t size = 0;           // of the right side (left side for a removal); 0 for a prefix
};

struct DiffEntriesParams {
  enum class Kind {
    kTwoDot,       // left..right
    kThreeDot,     // what right changed since its merge base with left
    kUncommitted,  // the uncommitted changes of branch `right` (left ignored)
  };
  Kind kind = Kind::kTwoDot;
  std::string prefix;
  std::string delimiter;
  std::string after;
  std::size_t amount = 1000;
};

struct DiffEntriesResult {
  std::vector<DiffEntry> entries;
  bool has_more = false;
  std::string next_after;
};

class Catalog {
 public:
  Catalog(graveler::Graveler& graveler, block::Registry& blocks, const Clock& clock);
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  graveler::Graveler& graveler() { return graveler_; }

  // A fresh relative physical address for new object data.
  std::string NewPhysicalAddress() { return addresses_.Next(); }

  // Errors: NotFound when `path` does not exist at `ref`.
  Result<Entry> GetEntry(const graveler::Repository& repo, std::string_view ref,
                         std::string_view path);
  // Records `entry` (its data already written) on `branch`.
  Status CreateEntry(const graveler::Repository& repo, std::string_view branch, const Entry& entry,
                     const EntryCondition& condition = {});
  Status DeleteEntry(const graveler::Repository& repo, std::string_view branch,
                     std::string_view path);
  Result<ListEntriesResult> ListEntries(const graveler::Repository& repo, std::string_view ref,
                                        const ListEntriesParams& params);

  // Streams `body` to a fresh address in the namespace, then records the entry. The data is
  // written before the entry exists, so a reader never sees an entry without its bytes.
  Result<Entry> PutObject(const graveler::Repository& repo, std::string_view branch,
                          std::string_view path, block::Reader& body,
                          const PutObjectParams& params);
  // Copies the object at (`source_ref`, `source_path`) to `path` on `branch`. Within one
  // repository the copy shares the source's bytes (object data is never rewritten); across
  // repositories the bytes are copied by the object store to a fresh address.
  Result<Entry> CopyObject(const graveler::Repository& source_repo, std::string_view source_ref,
                           std::string_view source_path, const graveler::Repository& repo,
                           std::string_view branch, std::string_view path,
                           const CopyObjectParams& params);
  // A page of differences, optionally under a prefix and grouped by a delimiter.
  Result<DiffEntriesResult> DiffEntries(const graveler::Repository& repo, std::string_view left,
                                        std::string_view right, const DiffEntriesParams& params);
  // Opens an object's bytes (or a range of them) at `ref`.
  Result<std::unique_ptr<block::ObjectReader>> OpenObject(
      const graveler::Repository& repo, const Entry& entry,
      const std::optional<block::ByteRange>& range);

  // Where an entry's bytes are in block storage.
  static block::ObjectPointer Pointer(const graveler::Repository& repo, const Entry& entry);

  // A URL that lets its holder read (kGet) or write (kPut) the bytes at `pointer` without
  // credentials until `expiry` from now. Errors: NotImplemented where the namespace's storage
  // cannot presign (local, mem); the registry's errors for an unknown namespace scheme.
  Result<std::string> Presign(const block::ObjectPointer& pointer, block::PresignMethod method,
                              std::chrono::seconds expiry);

 private:
  graveler::Graveler& graveler_;
  block::Registry& blocks_;
  const Clock& clock_;
  AddressGenerator addresses_;
};

}  // namespace tarn::catalog
