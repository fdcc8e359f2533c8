// Multipart uploads of the S3 adapter: Put's automatic multipart path and the contract's
// multipart operations.
#include <algorithm>
#include <cstring>
#include <deque>
#include <future>

#include "block/range.h"
#include "block/s3/s3_adapter_impl.h"

namespace tarn::block::s3_internal {
namespace {

constexpr int kMaxPartNumber = 10000;

// Feeds a block::Reader to the HTTP client as a streamed request body.
class ReaderSource final : public s3::BodySource {
 public:
  explicit ReaderSource(Reader& reader) : reader_(reader) {}
  Result<std::size_t> Read(std::span<char> out) override { return reader_.Read(out); }

 private:
  Reader& reader_;
};

// A part's bytes: a slice of a buffer that may be shared with other parts.
struct PartSlice {
  std::shared_ptr<const Buffer> buffer;
  std::size_t offset = 0;
  std::size_t length = 0;
  std::string_view view() const { return {buffer->data.get() + offset, length}; }
};

Status CheckPartNumber(int part_number) {
  if (part_number < 1 || part_number > kMaxPartNumber) {
    return Status::InvalidArgument("part number " + std::to_string(part_number) +
                                   " is outside 1..10000");
  }
  return Status::OK();
}

// Backends without an operation answer NotImplemented or, like s3rver, MethodNotAllowed.
Status Unsupported(const Status& status, std::string_view operation, std::string_view uri) {
  if (status.code() == StatusCode::kNotImplemented ||
      status.message().starts_with("MethodNotAllowed")) {
    return Status::NotImplemented(std::string(uri) + ": the backend does not support " +
                                  std::string(operation) + " (" + std::string(status.message()) +
                                  ")");
  }
  return WithUri(status, uri);
}

}  // namespace

Result<PutResult> S3Adapter::PutMultipart(const Location& where, Buffer head, Reader& body,
                                          const PutOptions& options) {
  const std::size_t part_size = static_cast<std::size_t>(options_.part_size);
  auto shared_head = std::make_shared<const Buffer>(std::move(head));
  std::size_t head_pos = 0;
  bool body_done = false;
  uint64_t total = 0;

  // The next part: whole part-sized slices of `head` first, then buffers read from `body` (the
  // head's short tail, if any, tops up the first of them). An empty slice marks the end.
  auto next_part = [&]() -> Result<PartSlice> {
    if (shared_head->size - head_pos >= part_size) {
      PartSlice slice{shared_head, head_pos, part_size};
      head_pos += part_size;
      return slice;
    }
    auto buffer = std::make_shared<Buffer>(part_size);
    const std::size_t carried = shared_head->size - head_pos;
    if (carried > 0) std::memcpy(buffer->data.get(), shared_head->data.get() + head_pos, carried);
    head_pos = shared_head->size;
    std::size_t n = 0;
    if (!body_done) {
      ASSIGN_OR_RETURN(n, ReadFull(body, {buffer->data.get() + carried, part_size - carried}));
      if (carried + n < part_size) body_done = true;
    }
    buffer->size = carried + n;
    return PartSlice{std::move(buffer), 0, carried + n};
  };

  ASSIGN_OR_RETURN(PartSlice first, next_part());
  PartSlice second;
  if (first.length == part_size) {
    ASSIGN_OR_RETURN(second, next_part());
  }
  total = first.length + second.length;
  auto check_size = [&](bool at_end) -> Status {
    if (!options.size) return Status::OK();
    if (total > *options.size || (at_end && total < *options.size)) {
      return Status::InvalidArgument(where.uri + ": body " +
                                     (total > *options.size ? "is longer than" : "ended before") +
                                     " its declared " + std::to_string(*options.size) + " bytes");
    }
    return Status::OK();
  };
  if (second.length == 0) {
    // It all fits one request after all.
    RETURN_IF_ERROR(check_size(true));
    Result<std::string> etag =
        client_->PutObject(where.bucket, where.key, {.bytes = first.view()}, options.content_type);
    if (!etag.ok()) return WithUri(etag.status(), where.uri);
    return PutResult{.etag = std::move(*etag), .size = first.length};
  }
  RETURN_IF_ERROR(check_size(false));

  Result<std::string> created =
      client_->CreateMultipartUpload(where.bucket, where.key, options.content_type);
  if (!created.ok()) return WithUri(created.status(), where.uri);
  const std::string upload_id = std::move(*created);

  std::vector<s3::CompletedPart> completed;
  std::deque<std::future<Result<std::string>>> in_flight;
  Status failure;
  auto launch = [&](PartSlice slice) {
    const int number = static_cast<int>(completed.size() + in_flight.size()) + 1;
    in_flight.push_back(std::async(std::launch::async,
                                   [this, &where, &upload_id, number, slice = std::move(slice)] {
                                     return client_->UploadPart(where.bucket, where.key, upload_id,
                                                                number, {.bytes = slice.view()});
                                   }));
  };
  auto collect_one = [&] {
    Result<std::string> etag = in_flight.front().get();
    in_flight.pop_front();
    s3::CompletedPart part;
    part.part_number = static_cast<int>(completed.size()) + 1;
    if (etag.ok()) {
      part.etag = std::move(*etag);
    } else if (failure.ok()) {
      failure = WithUri(etag.status(), where.uri);
    }
    completed.push_back(std::move(part));
  };

  launch(std::move(first));
  launch(std::move(second));
  while (failure.ok()) {
    while (in_flight.size() >= static_cast<std::size_t>(options_.upload_concurrency)) {
      collect_one();
    }
    if (!failure.ok()) break;
    if (completed.size() + in_flight.size() >= kMaxPartNumber) {
      failure = Status::InvalidArgument(where.uri + ": body needs more than 10000 parts of " +
                                        std::to_string(part_size) + " bytes");
      break;
    }
    Result<PartSlice> part = next_part();
    if (!part.ok()) {
      failure = part.status();
      break;
    }
    if (part->length == 0) break;
    total += part->length;
    failure = check_size(false);
    if (!failure.ok()) break;
    launch(std::move(*part));
  }
  while (!in_flight.empty()) collect_one();
  if (failure.ok()) failure = check_size(true);
  if (!failure.ok()) {
    // Best effort: an upload left behind costs storage until a lifecycle rule removes it.
    (void)client_->AbortMultipartUpload(where.bucket, where.key, upload_id);
    return failure;
  }
  Result<s3::CompleteMultipartUploadResult> done =
      client_->CompleteMultipartUpload(where.bucket, where.key, upload_id, completed);
  if (!done.ok()) return WithUri(done.status(), where.uri);
  return PutResult{.etag = done->etag, .size = total};
}

Result<std::string> S3Adapter::CreateMultipartUpload(const ObjectPointer& object,
                                                     const PutOptions& options) {
  ASSIGN_OR_RETURN(Location where, Locate(object));
  Result<std::string> id =
      client_->CreateMultipartUpload(where.bucket, where.key, options.content_type);
  if (!id.ok()) return WithUri(id.status(), where.uri);
  return id;
}

Result<std::string> S3Adapter::UploadPart(const ObjectPointer& object, std::string_view upload_id,
                                          int part_number, Reader& body,
                                          std::optional<uint64_t> size) {
  ASSIGN_OR_RETURN(Location where, Locate(object));
  RETURN_IF_ERROR(CheckPartNumber(part_number));
  return UploadPartFrom(where, upload_id, part_number, body, size);
}

Result<std::string> S3Adapter::UploadPartFrom(const Location& where, std::string_view upload_id,
                                              int part_number, Reader& body,
                                              std::optional<uint64_t> size) {
  if (size && *size > buffer_limit_) {
    // Too large to hold: stream it (unsigned payload; retried only before its first byte).
    ReaderSource source(body);
    Result<std::string> etag = client_->UploadPart(where.bucket, where.key, upload_id, part_number,
                                                   {.stream = &source, .size = *size});
    if (!etag.ok()) return WithUri(etag.status(), where.uri);
    return etag;
  }
  const uint64_t capacity = size ? *size : buffer_limit_;
  Buffer buffer(static_cast<std::size_t>(capacity));
  ASSIGN_OR_RETURN(buffer.size, ReadFull(body, {buffer.data.get(), buffer.capacity}));
  if (size && buffer.size < *size) {
    return Status::InvalidArgument(where.uri + ": part " + std::to_string(part_number) +
                                   " ended after " + std::to_string(buffer.size) + " of " +
                                   std::to_string(*size) + " bytes");
  }
  if (buffer.size == buffer.capacity) {
    char probe;
    ASSIGN_OR_RETURN(std::size_t extra, body.Read({&probe, 1}));
    if (extra != 0) {
      return Status::InvalidArgument(
          where.uri + ": part " + std::to_string(part_number) +
          (size ? " is longer than its declared " + std::to_string(*size) + " bytes"
                : " without a declared size may be at most " + std::to_string(buffer_limit_) +
                      " bytes"));
    }
  }
  Result<std::string> etag = client_->UploadPart(where.bucket, where.key, upload_id, part_number,
                                                 {.bytes = buffer.view()});
  if (!etag.ok()) return WithUri(etag.status(), where.uri);
  return etag;
}

Result<std::string> S3Adapter::UploadPartCopy(const ObjectPointer& object,
                                              std::string_view upload_id, int part_number,
                                              const ObjectPointer& source,
                                              const std::optional<ByteRange>& range) {
  ASSIGN_OR_RETURN(Location where, Locate(object));
  ASSIGN_OR_RETURN(Location from, Locate(source));
  RETURN_IF_ERROR(CheckPartNumber(part_number));
  if (part_copy_unsupported_.load(std::memory_order_relaxed)) {
    return CopyPartThroughClient(where, upload_id, part_number, source, range);
  }
  std::string header;
  if (range) {
    // x-amz-copy-source-range takes only "bytes=first-last": resolve the other forms.
    uint64_t first = range->first, last = range->last;
    if (range->kind != ByteRange::Kind::kFromTo) {
      Result<s3::ObjectHeaders> h = client_->HeadObject(from.bucket, from.key);
      if (!h.ok()) return WithUri(h.status(), from.uri);
      ASSIGN_OR_RETURN(ResolvedRange r, ResolveRange(range, h->content_length));
      first = r.offset;
      last = r.offset + r.length - 1;
    } else if (last < first) {
      return Status::InvalidArgument("invalid range " + FormatRange(*range));
    }
    header = "bytes=" + std::to_string(first) + "-" + std::to_string(last);
  }
  Result<s3::CopyResult> copied =
      client_->UploadPartCopy(where.bucket, where.key, upload_id, part_number,
                              {.bucket = from.bucket, .key = from.key}, header);
  if (copied.ok()) return copied->etag;
  if (copied.status().code() == StatusCode::kNotImplemented) {
    part_copy_unsupported_.store(true, std::memory_order_relaxed);
    return CopyPartThroughClient(where, upload_id, part_number, source, range);
  }
  if (copied.status().message().starts_with("InvalidRange") ||
      copied.status().message().starts_with("InvalidArgument")) {
    return Status::InvalidArgument("range not satisfiable: " + header + " of " + from.uri + " (" +
                                   std::string(copied.status().message()) + ")");
  }
  return WithUri(copied.status(), where.uri);
}

Result<std::string> S3Adapter::CopyPartThroughClient(const Location& where,
                                                     std::string_view upload_id, int part_number,
                                                     const ObjectPointer& source,
                                                     const std::optional<ByteRange>& range) {
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectReader> reader, Get(source, range));
  return UploadPartFrom(where, upload_id, part_number, *reader, reader->length());
}

Result<PutResult> S3Adapter::CompleteMultipartUpload(const ObjectPointer& object,
                                                     std::string_view upload_id,
                                                     std::span<const CompletedPart> parts) {
  ASSIGN_OR_RETURN(Location where, Locate(object));
  if (parts.empty()) {
    return Status::InvalidArgument(where.uri + ": a multipart upload needs at least one part");
  }
  std::vector<s3::CompletedPart> completed;
  completed.reserve(parts.size());
  for (const CompletedPart& p : parts) {
    RETURN_IF_ERROR(CheckPartNumber(p.part_number));
    s3::CompletedPart part;
    part.part_number = p.part_number;
    part.etag = p.etag;
    completed.push_back(std::move(part));
  }
  Result<s3::CompleteMultipartUploadResult> done =
      client_->CompleteMultipartUpload(where.bucket, where.key, upload_id, completed);
  if (!done.ok()) return WithUri(done.status(), where.uri);
  return HeadAsPutResult(where, done->etag);
}

Result<PutResult> S3Adapter::HeadAsPutResult(const Location& where, std::string etag) {
  // The completion document carries no size; the object's headers do.
  Result<s3::ObjectHeaders> h = client_->HeadObject(where.bucket, where.key);
  if (!h.ok()) return WithUri(h.status(), where.uri);
  return PutResult{.etag = etag.empty() ? h->etag : std::move(etag), .size = h->content_length};
}

Status S3Adapter::AbortMultipartUpload(const ObjectPointer& object, std::string_view upload_id) {
  ASSIGN_OR_RETURN(Location where, Locate(object));
  Status aborted = client_->AbortMultipartUpload(where.bucket, where.key, upload_id);
  if (aborted.ok()) return aborted;
  return Unsupported(aborted, "AbortMultipartUpload", where.uri);
}

Result<std::vector<PartInfo>> S3Adapter::ListParts(const ObjectPointer& object,
                                                   std::string_view upload_id) {
  ASSIGN_OR_RETURN(Location where, Locate(object));
  std::vector<PartInfo> parts;
  int marker = 0;
  while (true) {
    Result<s3::ListPartsResult> page =
        client_->ListParts(where.bucket, where.key, upload_id, marker);
    if (!page.ok()) return Unsupported(page.status(), "ListParts", where.uri);
    for (const s3::PartEntry& p : page->parts) {
      parts.push_back(PartInfo{.part_number = p.part_number,
                               .etag = p.etag,
                               .size = static_cast<uint64_t>(p.size),
                               .last_modified = p.last_modified});
    }
    if (!page->is_truncated || page->next_part_number_marker <= marker) return parts;
    marker = page->next_part_number_marker;
  }
}

Result<std::vector<UploadInfo>> S3Adapter::ListMultipartUploads(std::string_view storage_namespace,
                                                                std::string_view prefix) {
  ASSIGN_OR_RETURN(NamespaceUri ns, ParseNamespaceOf(storage_namespace, "s3"));
  if (ns.authority.empty()) {
    return Status::InvalidArgument("storage namespace '" + std::string(storage_namespace) +
                                   "' names no bucket");
  }
  const std::string base = ns.path.empty() ? std::string() : ns.path + "/";
  const std::string full_prefix = base + std::string(prefix);
  std::vector<UploadInfo> uploads;
  std::string key_marker, upload_id_marker;
  while (true) {
    Result<s3::ListMultipartUploadsResult> page =
        client_->ListMultipartUploads(ns.authority, full_prefix, key_marker, upload_id_marker);
    if (!page.ok()) return Unsupported(page.status(), "ListMultipartUploads", ns.ToString());
    for (const s3::UploadEntry& u : page->uploads) {
      if (!u.key.starts_with(full_prefix)) continue;
      uploads.push_back(UploadInfo{
          .key = u.key.substr(base.size()), .upload_id = u.upload_id, .initiated = u.initiated});
    }
    if (!page->is_truncated ||
        (page->next_key_marker == key_marker && page->next_upload_id_marker == upload_id_marker)) {
      return uploads;
    }
    key_marker = page->next_key_marker;
    upload_id_marker = page->next_upload_id_marker;
  }
}

}  // namespace tarn::block::s3_internal
