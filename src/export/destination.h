// Where an export writes: a local directory or an S3 bucket prefix. Paths are the objects'
// paths within the ref, relative to the destination root ("a/b.csv"); the export's own files
// (markers, manifest) are written and read through the same interface.
//
// Errors: NotFound, PermissionDenied (never retried), InvalidArgument (a path the destination
// cannot hold: "..", empty segments, a file where a directory must go), Unavailable and IOError
// (retryable). Messages name the destination path.
//
// Thread safety: every method may be called from several threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "tarn/block/adapter.h"
#include "tarn/result.h"

namespace tarn::exporter {

struct DestinationEntry {
  std::string path;
  uint64_t size = 0;
  // The destination's checksum of the content when it keeps one without reading the object:
  // S3's ETag (MD5 hex for single-part uploads, "<hex>-N" for multipart). Empty when unknown
  // (a local file): ContentMd5 computes it.
  std::string etag;
};

struct WriteResult {
  uint64_t size = 0;
  // The destination's checksum of what it stored: S3's ETag (computed by the service from the
  // bytes it received), a local directory's MD5 of the file read back before it is renamed
  // into place. Empty when the destination has none.
  std::string etag;
};

class Destination {
 public:
  Destination() = default;
  Destination(const Destination&) = delete;
  Destination& operator=(const Destination&) = delete;
  virtual ~Destination() = default;

  // "/abs/dir" or "s3://bucket/prefix", for messages and reports.
  virtual std::string Describe() const = 0;

  // Stores `size` bytes from `body` at `path`, replacing what is there; a reader of the
  // destination sees the old content or the new, never a partial file. Errors: InvalidArgument
  // when the body is not `size` bytes long.
  virtual Result<WriteResult> Write(std::string_view path, block::Reader& body, uint64_t size) = 0;

  // Copies the object at `physical_address` (a source object's storage address) to `path`
  // inside the storage service without moving the bytes through this process.
  // Errors: NotImplemented when this destination cannot reach that address (another scheme,
  // another endpoint); PermissionDenied / NotFound when the service refused the source.
  virtual Result<WriteResult> CopyFrom(std::string_view physical_address, std::string_view path,
                                       uint64_t size) {
    (void)physical_address;
    (void)path;
    (void)size;
    return Status::NotImplemented("server-side copy is not available for " + Describe());
  }

  // The entry at `path`, nullopt when nothing is there.
  virtual Result<std::optional<DestinationEntry>> Stat(std::string_view path) = 0;

  // Opens the content at `path` for reading (the manifest, verification).
  // Errors: NotFound when nothing is there.
  virtual Result<std::unique_ptr<block::Reader>> Open(std::string_view path) = 0;

  // The MD5 hex of the content at `path`, read from the destination.
  // Errors: NotFound when nothing is there.
  virtual Result<std::string> ContentMd5(std::string_view path) = 0;

  // Removes the object at `path`; removing nothing is OK. A local destination also removes
  // directories the removal left empty (never the root).
  virtual Status Remove(std::string_view path) = 0;

  // Calls `each` for every object under the root, in ascending path order (byte order, as S3
  // lists), with the destination's own temporary files left out.
  virtual Status List(const std::function<Status(const DestinationEntry&)>& each) = 0;

  // Makes every completed Write durable (a local destination syncs its file system); called
  // before the success marker is written.
  virtual Status Flush() = 0;
};

// The MD5 hex of everything `reader` yields, read through one bounded buffer per thread.
Result<std::string> Md5OfReader(block::Reader& reader);

// How to reach an S3 destination. Empty fields come from the standard AWS_* environment
// variables and the shared credentials file (profile: `profile`, else AWS_PROFILE, else
// "default"); the endpoint from AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS's.
struct S3DestinationOptions {
  std::string endpoint;
  std::string region;
  std::string profile;
  bool force_path_style = false;
  // The process environment and the contents of the shared credentials file, read by the
  // caller (only composition roots read the environment).
  std::map<std::string, std::string> environment;
  std::optional<std::string> credentials_file;
};

// Opens the destination named by `uri`: "s3://bucket[/prefix]" (an S3-compatible bucket), else
// a local directory path (absolute or relative to the working directory; "file://" allowed),
// created when missing. Errors: InvalidArgument for a malformed URI or missing S3 credentials
// (naming where they were looked for); IOError when the directory cannot be created.
Result<std::unique_ptr<Destination>> OpenDestination(std::string_view uri,
                                                     const S3DestinationOptions& s3);

}  // namespace tarn::exporter
