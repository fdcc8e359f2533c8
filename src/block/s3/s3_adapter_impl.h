// Private to block/s3: the S3 adapter's class, shared by its .cc files.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "block/s3/s3_adapter.h"
#include "block/uri.h"
#include "s3/client/s3_client.h"

namespace tarn::block::s3_internal {

// A bucket and the full key of an object in it.
struct Location {
  std::string bucket = {};
  std::string key = {};
  std::string uri = {};  // "s3://bucket/key", for messages
};

// A heap buffer that is not zero-filled on allocation (untouched pages stay unmapped).
struct Buffer {
  std::unique_ptr<char[]> data;
  std::size_t capacity = 0;
  std::size_t size = 0;
  explicit Buffer(std::size_t n) : data(std::make_unique_for_overwrite<char[]>(n)), capacity(n) {}
  std::string_view view() const { return {data.get(), size}; }
};

// Reads from `reader` until `out` is full or the reader ends; returns the bytes read.
Result<std::size_t> ReadFull(Reader& reader, std::span<char> out);

// Adds "<uri>: " to a client error, keeping its code.
Status WithUri(const Status& status, std::string_view uri);

class S3Adapter final : public Adapter {
 public:
  S3Adapter(const S3Options& options, std::unique_ptr<s3::S3Client> client);

  std::string_view scheme() const override { return "s3"; }
  Result<PutResult> Put(const ObjectPointer& object, Reader& body,
                        const PutOptions& options) override;
  Result<std::unique_ptr<ObjectReader>> Get(const ObjectPointer& object,
                                            const std::optional<ByteRange>& range) override;
  Result<ObjectInfo> Head(const ObjectPointer& object) override;
  Result<bool> Exists(const ObjectPointer& object) override;
  Status Delete(const ObjectPointer& object) override;
  Result<ListPage> List(std::string_view storage_namespace, std::string_view prefix,
                        std::string_view after, std::size_t max_keys) override;
  Result<PutResult> Copy(const ObjectPointer& source, const ObjectPointer& destination) override;
  Result<std::string> CreateMultipartUpload(const ObjectPointer& object,
                                            const PutOptions& options) override;
  Result<std::string> UploadPart(const ObjectPointer& object, std::string_view upload_id,
                                 int part_number, Reader& body,
                                 std::optional<uint64_t> size) override;
  Result<std::string> UploadPartCopy(const ObjectPointer& object, std::string_view upload_id,
                                     int part_number, const ObjectPointer& source,
                                     const std::optional<ByteRange>& range) override;
  Result<PutResult> CompleteMultipartUpload(const ObjectPointer& object, std::string_view upload_id,
                                            std::span<const CompletedPart> parts) override;
  Status AbortMultipartUpload(const ObjectPointer& object, std::string_view upload_id) override;
  Result<std::vector<PartInfo>> ListParts(const ObjectPointer& object,
                                          std::string_view upload_id) override;
  Result<std::vector<UploadInfo>> ListMultipartUploads(std::string_view storage_namespace,
                                                       std::string_view prefix) override;
  Result<std::string> Presign(const ObjectPointer& object, PresignMethod method,
                              std::chrono::seconds expiry) override;

 private:
  // Validates the pointer and splits it into bucket and full key.
  Result<Location> Locate(const ObjectPointer& object) const;
  // The multipart half of Put: `head` holds the body's first bytes (all of them when the body
  // ended), `body` the rest.
  Result<PutResult> PutMultipart(const Location& where, Buffer head, Reader& body,
                                 const PutOptions& options);
  // Uploads one part from the reader, buffering it when it fits `buffer_limit_`.
  Result<std::string> UploadPartFrom(const Location& where, std::string_view upload_id,
                                     int part_number, Reader& body, std::optional<uint64_t> size);
  // The ranged-GET + UploadPart fallback of UploadPartCopy.
  Result<std::string> CopyPartThroughClient(const Location& where, std::string_view upload_id,
                                            int part_number, const ObjectPointer& source,
                                            const std::optional<ByteRange>& range);
  Result<PutResult> HeadAsPutResult(const Location& where, std::string etag);

  S3Options options_;
  std::unique_ptr<s3::S3Client> client_;
  // The most a single request body is buffered to (so it can be signed and retried).
  uint64_t buffer_limit_;
  // Set once the backend answered UploadPartCopy with NotImplemented.
  std::atomic<bool> part_copy_unsupported_{false};
};

}  // namespace tarn::block::s3_internal
