// The object-storage contract: where tarn keeps object data and its own range files.
//
// An object is addressed by a storage namespace URI and a key inside it:
//   local://name          under the configured local root (blockstore.local.path)
//   local:///abs/path     only under a prefix in blockstore.local.allowed_prefixes
//   s3://bucket/prefix    an S3 or S3-compatible bucket
//   mem://name            in memory, for tests
// A registry picks the adapter by scheme. Keys are relative, '/'-separated, never empty, and
// must not escape the namespace ("..", absolute paths and NUL bytes are InvalidArgument).
//
// Bodies stream through bounded buffers: nothing in this contract holds a whole object in
// memory.
//
// Errors common to every method:
//   NotFound            the object (or multipart upload) does not exist.
//   PermissionDenied    the backend refused the credentials or the operation; not retried.
//   PreconditionFailed  a conditional operation's condition failed.
//   InvalidArgument     a malformed namespace, key, range, part number or upload id.
//   Unavailable         the backend is unreachable or overloaded after the adapter's own bounded
//                       retries; the caller may retry later.
//   IOError             a local I/O failure (disk full, ...), the message names the path.
// Every adapter passes the conformance suite in src/block/testing/.
//
// Thread safety: every Adapter method may be called concurrently. A Reader or ObjectReader is
// used by one thread at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tarn/result.h"
#include "tarn/status.h"

namespace tarn::block {

// Where an object lives: a storage namespace URI and a key inside it.
struct ObjectPointer {
  std::string storage_namespace;  // "local://repo1", "s3://bucket/prefix", "mem://x"
  std::string key;                // "data/abc/def"
};

// A pull-based byte stream: the source of a Put, the body of a Get.
class Reader {
 public:
  Reader() = default;
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;
  virtual ~Reader() = default;

  // Reads up to out.size() bytes into `out`; returns how many were read, 0 only at the end.
  // Errors: IOError / Unavailable from the underlying source.
  virtual Result<std::size_t> Read(std::span<char> out) = 0;
};

// A byte range of an object, in S3's three forms.
struct ByteRange {
  enum class Kind {
    kFromTo,  // bytes=first-last (inclusive)
    kFrom,    // bytes=first-
    kSuffix,  // bytes=-length: the last `length` bytes
  };
  Kind kind = Kind::kFromTo;
  uint64_t first = 0;
  uint64_t last = 0;    // kFromTo only
  uint64_t length = 0;  // kSuffix only
};

struct ObjectInfo {
  uint64_t size = 0;
  std::string etag;  // without quotes; MD5 hex for single-part, "<md5>-N" for multipart
  std::chrono::system_clock::time_point last_modified;
  std::string content_type;
};

// The body of a Get: metadata of the whole object, the bytes actually served, and the stream.
class ObjectReader : public Reader {
 public:
  // The whole object's metadata.
  virtual const ObjectInfo& info() const = 0;
  // The first byte served and how many bytes the stream yields (the whole object without a
  // range).
  virtual uint64_t offset() const = 0;
  virtual uint64_t length() const = 0;

  // Where the served bytes sit in a local file, so the HTTP layer can send them without copying
  // (sendfile). Null when the backend has no such file. The descriptor stays open as long as
  // this reader.
  struct FileRange {
    int fd = -1;
    uint64_t offset = 0;
    uint64_t length = 0;
  };
  virtual std::optional<FileRange> file_range() const { return std::nullopt; }
};

struct PutOptions {
  // The body's size when known in advance; a body of another size fails with InvalidArgument.
  // Without it an adapter may need to buffer a part's worth (bounded) to choose how to upload.
  std::optional<uint64_t> size;
  std::string content_type;
};

struct PutResult {
  std::string etag;
  uint64_t size = 0;
};

struct ListEntry {
  std::string key;  // relative to the namespace
  uint64_t size = 0;
  std::string etag;
  std::chrono::system_clock::time_point last_modified;
};

struct ListPage {
  std::vector<ListEntry> entries;  // ascending key order
  bool truncated = false;          // more entries follow the last one returned
};

struct PartInfo {
  int part_number = 0;
  std::string etag;
  uint64_t size = 0;
  std::chrono::system_clock::time_point last_modified;
};

struct CompletedPart {
  int part_number = 0;
  std::string etag;
};

struct UploadInfo {
  std::string key;
  std::string upload_id;
  std::chrono::system_clock::time_point initiated;
};

enum class PresignMethod { kGet, kPut };

class Adapter {
 public:
  Adapter() = default;
  Adapter(const Adapter&) = delete;
  Adapter& operator=(const Adapter&) = delete;
  virtual ~Adapter() = default;

  // The URI scheme this adapter serves: "local", "s3", "mem".
  virtual std::string_view scheme() const = 0;

  // Stores the whole body under `object`, replacing any previous object atomically: a reader
  // sees the old object or the new one, never a mix or a partial write.
  virtual Result<PutResult> Put(const ObjectPointer& object, Reader& body,
                                const PutOptions& options) = 0;

  // Stores the complete local file at `path` as `object`, as Put would (content type
  // application/octet-stream). The caller does not change the file afterwards, so an adapter
  // may take it over instead of copying its bytes: the local adapter hard-links it when it can
  // and derives the etag when the object is first read, so PutResult::etag may be empty. The
  // default streams the file through Put. Errors: IOError when the file cannot be read; Put's.
  virtual Result<PutResult> PutFile(const ObjectPointer& object, const std::string& path);

  // Opens the object for reading, optionally a range of it.
  // Errors: NotFound; InvalidArgument whose message starts with "range not satisfiable" when the
  // range starts past the end of the object (S3's InvalidRange).
  virtual Result<std::unique_ptr<ObjectReader>> Get(const ObjectPointer& object,
                                                    const std::optional<ByteRange>& range) = 0;

  virtual Result<ObjectInfo> Head(const ObjectPointer& object) = 0;
  virtual Result<bool> Exists(const ObjectPointer& object) = 0;

  // Removes the object; removing an absent object is OK.
  virtual Status Delete(const ObjectPointer& object) = 0;

  // Lists up to `max_keys` objects of `storage_namespace` whose keys start with `prefix` and
  // sort after `after` (all when empty), in ascending key order. Used by garbage collection and
  // import walkers.
  virtual Result<ListPage> List(std::string_view storage_namespace, std::string_view prefix,
                                std::string_view after, std::size_t max_keys) = 0;

  // Server-side copy within this adapter. Errors: NotFound when the source is missing.
  virtual Result<PutResult> Copy(const ObjectPointer& source,
                                 const ObjectPointer& destination) = 0;

  // Multipart uploads, with S3's semantics: part numbers 1..10000; every part but the last at
  // least 5 MiB (checked at Complete: InvalidArgument naming the part); Complete takes parts in
  // ascending order with the etags UploadPart returned and yields the etag
  // md5(concatenated binary part md5s) + "-N".
  virtual Result<std::string> CreateMultipartUpload(const ObjectPointer& object,
                                                    const PutOptions& options) = 0;
  // Returns the part's etag.
  virtual Result<std::string> UploadPart(const ObjectPointer& object, std::string_view upload_id,
                                         int part_number, Reader& body,
                                         std::optional<uint64_t> size) = 0;
  // Copies `source` (or a range of it) into a part. Returns the part's etag.
  virtual Result<std::string> UploadPartCopy(const ObjectPointer& object,
                                             std::string_view upload_id, int part_number,
                                             const ObjectPointer& source,
                                             const std::optional<ByteRange>& range) = 0;
  virtual Result<PutResult> CompleteMultipartUpload(const ObjectPointer& object,
                                                    std::string_view upload_id,
                                                    std::span<const CompletedPart> parts) = 0;
  // Discards the upload and its parts. Errors: NotFound for an unknown upload.
  virtual Status AbortMultipartUpload(const ObjectPointer& object,
                                      std::string_view upload_id) = 0;
  virtual Result<std::vector<PartInfo>> ListParts(const ObjectPointer& object,
                                                  std::string_view upload_id) = 0;
  virtual Result<std::vector<UploadInfo>> ListMultipartUploads(
      std::string_view storage_namespace, std::string_view prefix) = 0;

  // A URL that lets its holder GET or PUT the object without credentials until `expiry`.
  // Errors: NotImplemented where the backend cannot presign (local, mem).
  virtual Result<std::string> Presign(const ObjectPointer& object, PresignMethod method,
                                      std::chrono::seconds expiry) = 0;
};

}  // namespace tarn::block
