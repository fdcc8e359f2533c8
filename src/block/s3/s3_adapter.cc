#include "block/s3/s3_adapter.h"

#include <algorithm>
#include <cstring>

#include "block/range.h"
#include "block/s3/s3_adapter_impl.h"
#include "s3/errors.h"

namespace tarn::block {
namespace s3_internal {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint64_t kMaxCopySize = 5 * 1024 * kMiB;  // CopyObject's limit
constexpr std::size_t kMaxListPage = 1000;          // ListObjectsV2's page limit

// A Get's body: pulls from the HTTP response as it is read. When the server ignored the
// requested range and sent the whole object, the reader skips to the range itself.
class S3ObjectReader final : public ObjectReader {
 public:
  S3ObjectReader(std::unique_ptr<s3::HttpResponseStream> stream, ObjectInfo info, uint64_t offset,
                 uint64_t length, uint64_t skip, std::string uri)
      : stream_(std::move(stream)),
        info_(std::move(info)),
        offset_(offset),
        length_(length),
        remaining_(length),
        skip_(skip),
        uri_(std::move(uri)) {}

  const ObjectInfo& info() const override { return info_; }
  uint64_t offset() const override { return offset_; }
  uint64_t length() const override { return length_; }

  Result<std::size_t> Read(std::span<char> out) override {
    if (remaining_ == 0 || out.empty()) return std::size_t{0};
    while (skip_ > 0) {
      std::size_t want = static_cast<std::size_t>(std::min<uint64_t>(skip_, out.size()));
      ASSIGN_OR_RETURN(std::size_t n, stream_->Read(out.first(want)));
      if (n == 0) return Truncated();
      skip_ -= n;
    }
    std::size_t want = static_cast<std::size_t>(std::min<uint64_t>(remaining_, out.size()));
    Result<std::size_t> n = stream_->Read(out.first(want));
    if (!n.ok()) return WithUri(n.status(), uri_);
    if (*n == 0) return Truncated();
    remaining_ -= *n;
    return *n;
  }

 private:
  Status Truncated() const {
    return Status::Unavailable(uri_ + ": the response ended after " +
                               std::to_string(length_ - remaining_) + " of " +
                               std::to_string(length_) + " bytes");
  }

  std::unique_ptr<s3::HttpResponseStream> stream_;
  ObjectInfo info_;
  uint64_t offset_;
  uint64_t length_;
  uint64_t remaining_;
  uint64_t skip_;
  std::string uri_;
};

ObjectInfo InfoFrom(const s3::ObjectHeaders& h, uint64_t size) {
  return ObjectInfo{.size = size,
                    .etag = h.etag,
                    .last_modified = h.last_modified,
                    .content_type = h.content_type};
}

// The contract wants range errors to start with "range not satisfiable": name the object last.
Status RangeError(const Status& status, std::string_view uri) {
  return Status(status.code(), std::string(status.message()) + " (" + std::string(uri) + ")");
}

bool IsInvalidRange(const Status& status) {
  return status.code() == StatusCode::kInvalidArgument &&
         status.message().starts_with("InvalidRange");
}

// S3 lists in bytewise key order. Servers that walk directories (s3rver) list "a/b" before
// "a-c"; a page is put back in bytewise order here. Across pages such a server may still skip
// keys, which no client can repair (docs/block_s3.md).
void SortPage(ListPage& page) {
  auto by_key = [](const ListEntry& a, const ListEntry& b) { return a.key < b.key; };
  if (!std::is_sorted(page.entries.begin(), page.entries.end(), by_key)) {
    std::sort(page.entries.begin(), page.entries.end(), by_key);
  }
}

}  // namespace

Result<std::size_t> ReadFull(Reader& reader, std::span<char> out) {
  std::size_t filled = 0;
  while (filled < out.size()) {
    ASSIGN_OR_RETURN(std::size_t n, reader.Read(out.subspan(filled)));
    if (n == 0) break;
    filled += n;
  }
  return filled;
}

Status WithUri(const Status& status, std::string_view uri) {
  if (status.ok()) return status;
  return status.WithContext(uri);
}

S3Adapter::S3Adapter(const S3Options& options, std::unique_ptr<s3::S3Client> client)
    : options_(options),
      client_(std::move(client)),
      buffer_limit_(std::max(options.part_size, options.multipart_threshold)) {}

Result<Location> S3Adapter::Locate(const ObjectPointer& object) const {
  ASSIGN_OR_RETURN(NamespaceUri ns, ParseNamespaceOf(object.storage_namespace, "s3"));
  if (ns.authority.empty()) {
    return Status::InvalidArgument("storage namespace '" + object.storage_namespace +
                                   "' names no bucket");
  }
  RETURN_IF_ERROR(ValidateKey(object.key));
  Location where{.bucket = ns.authority, .key = ns.FullKey(object.key)};
  where.uri = "s3://" + where.bucket + "/" + where.key;
  return where;
}

Result<PutResult> S3Adapter::Put(const ObjectPointer& object, Reader& body,
                                 const PutOptions& options) {
  ASSIGN_OR_RETURN(Location where, Locate(object));
  if (options.size && *options.size > options_.multipart_threshold) {
    return PutMultipart(where, Buffer(0), body, options);
  }
  // Small enough to hold: buffer it, so the request is signed and can be retried.
  const uint64_t capacity = options.size ? *options.size : options_.multipart_threshold;
  Buffer buffer(static_cast<std::size_t>(capacity));
  ASSIGN_OR_RETURN(buffer.size, ReadFull(body, {buffer.data.get(), buffer.capacity}));
  if (!options.size && buffer.size == buffer.capacity) {
    // Unknown size and the threshold is reached: the rest decides between one part and many.
    return PutMultipart(where, std::move(buffer), body, options);
  }
  if (options.size) {
    if (buffer.size < *options.size) {
      return Status::InvalidArgument(where.uri + ": body ended after " +
                                     std::to_string(buffer.size) + " of its declared " +
                                     std::to_string(*options.size) + " bytes");
    }
    char probe;
    ASSIGN_OR_RETURN(std::size_t extra, body.Read({&probe, 1}));
    if (extra != 0) {
      return Status::InvalidArgument(where.uri + ": body is longer than its declared " +
                                     std::to_string(*options.size) + " bytes");
    }
  }
  Result<std::string> etag =
      client_->PutObject(where.bucket, where.key, {.bytes = buffer.view()}, options.content_type);
  if (!etag.ok()) return WithUri(etag.status(), where.uri);
  return PutResult{.etag = std::move(*etag), .size = buffer.size};
}

Result<std::unique_ptr<ObjectReader>> S3Adapter::Get(const ObjectPointer& object,
                                                     const std::optional<ByteRange>& range) {
  ASSIGN_OR_RETURN(Location where, Locate(object));
  std::string header;
  if (range) {
    if (range->kind == ByteRange::Kind::kFromTo && range->last < range->first) {
      return Status::InvalidArgument("invalid range " + FormatRange(*range) +
                                     ": the last byte precedes the first");
    }
    if (range->kind == ByteRange::Kind::kSuffix && range->length == 0) {
      return Status::InvalidArgument("range not satisfiable: " + FormatRange(*range) + " of " +
                                     where.uri);
    }
    header = FormatRange(*range);
  }
  // At most two rounds: a server that answers a suffix range with other bytes (s3rver reads
  // "bytes=-N" as "bytes=0-N") is asked again for the resolved range.
  for (int round = 0;; ++round) {
    Result<std::unique_ptr<s3::HttpResponseStream>> stream =
        client_->GetObject(where.bucket, where.key, header);
    if (!stream.ok()) {
      if (IsInvalidRange(stream.status())) {
        return Status::InvalidArgument("range not satisfiable: " + header + " of " + where.uri +
                                       " (" + std::string(stream.status().message()) + ")");
      }
      return WithUri(stream.status(), where.uri);
    }
    Result<s3::ObjectHeaders> parsed = s3::ParseObjectHeaders((*stream)->headers());
    if (!parsed.ok()) return WithUri(parsed.status(), where.uri);
    const s3::ObjectHeaders& h = *parsed;

    if ((*stream)->status() == 206 && h.range_first) {
      const uint64_t total = h.total_size.value_or(*h.range_last + 1);
      Result<ResolvedRange> expected = ResolveRange(range, total);
      if (!expected.ok()) return RangeError(expected.status(), where.uri);
      const uint64_t served_first = *h.range_first;
      const uint64_t served_end = served_first + h.content_length;
      // Servers that serve more than asked (s3rver reads "bytes=0-0" as the whole object) are
      // trimmed here; the common case skips nothing.
      if (served_first <= expected->offset &&
          served_end >= expected->offset + expected->length) {
        return std::unique_ptr<ObjectReader>(new S3ObjectReader(
            std::move(*stream), InfoFrom(h, total), expected->offset, expected->length,
            expected->offset - served_first, where.uri));
      }
      if (round > 0) {
        return Status::Internal(where.uri + ": the server answered " + header + " with bytes " +
                                std::to_string(*h.range_first) + "+" +
                                std::to_string(h.content_length));
      }
      header = FormatRange({.kind = ByteRange::Kind::kFromTo,
                            .first = expected->offset,
                            .last = expected->offset + expected->length - 1});
      continue;
    }
    // The whole object: without a range, or from a server that ignores ranges.
    Result<ResolvedRange> resolved = ResolveRange(range, h.content_length);
    if (!resolved.ok()) return RangeError(resolved.status(), where.uri);
    return std::unique_ptr<ObjectReader>(
        new S3ObjectReader(std::move(*stream), InfoFrom(h, h.content_length), resolved->offset,
                           resolved->length, resolved->offset, where.uri));
  }
}

Result<ObjectInfo> S3Adapter::Head(const ObjectPointer& object) {
  ASSIGN_OR_RETURN(Location where, Locate(object));
  Result<s3::ObjectHeaders> h = client_->HeadObject(where.bucket, where.key);
  if (!h.ok()) return WithUri(h.status(), where.uri);
  return InfoFrom(*h, h->content_length);
}

Result<bool> S3Adapter::Exists(const ObjectPointer& object) {
  Result<ObjectInfo> info = Head(object);
  if (info.ok()) return true;
  if (info.status().IsNotFound()) return false;
  return info.status();
}

Status S3Adapter::Delete(const ObjectPointer& object) {
  ASSIGN_OR_RETURN(Location where, Locate(object));
  return WithUri(client_->DeleteObject(where.bucket, where.key), where.uri);
}

Result<ListPage> S3Adapter::List(std::string_view storage_namespace, std::string_view prefix,
                                 std::string_view after, std::size_t max_keys) {
  ASSIGN_OR_RETURN(NamespaceUri ns, ParseNamespaceOf(storage_namespace, "s3"));
  if (ns.authority.empty()) {
    return Status::InvalidArgument("storage namespace '" + std::string(storage_namespace) +
                                   "' names no bucket");
  }
  const std::string base = ns.path.empty() ? std::string() : ns.path + "/";
  const std::string full_prefix = base + std::string(prefix);
  std::string start_after = after.empty() ? std::string() : base + std::string(after);
  ListPage page;
  while (page.entries.size() < max_keys) {
    const std::size_t want = std::min(kMaxListPage, max_keys - page.entries.size());
    Result<s3::ListBucketResult> result =
        client_->ListObjectsV2(ns.authority, full_prefix, start_after, "", static_cast<int>(want));
    if (!result.ok()) return WithUri(result.status(), ns.ToString());
    for (s3::ObjectEntry& e : result->contents) {
      if (!e.key.starts_with(full_prefix) || (!start_after.empty() && e.key <= start_after)) {
        continue;  // defensive: a server that ignores prefix or start-after
      }
      if (page.entries.size() == max_keys) {
        page.truncated = true;
        break;
      }
      page.entries.push_back(ListEntry{.key = e.key.substr(base.size()),
                                       .size = static_cast<uint64_t>(e.size),
                                       .etag = std::string(s3::UnquoteEtag(e.etag)),
                                       .last_modified = e.last_modified});
    }
    if (page.truncated) break;
    if (!result->is_truncated) {
      SortPage(page);
      return page;
    }
    if (result->contents.empty()) break;  // a truncated, empty page: nothing to advance by
    start_after = result->contents.back().key;
  }
  page.truncated = true;
  SortPage(page);
  return page;
}

Result<PutResult> S3Adapter::Copy(const ObjectPointer& source, const ObjectPointer& destination) {
  ASSIGN_OR_RETURN(Location from, Locate(source));
  ASSIGN_OR_RETURN(Location to, Locate(destination));
  Result<s3::ObjectHeaders> h = client_->HeadObject(from.bucket, from.key);
  if (!h.ok()) return WithUri(h.status(), from.uri);
  if (h->content_length > kMaxCopySize) {
    return Status::NotImplemented(from.uri + ": copying objects over 5 GiB needs a multipart " +
                                  "copy, which the s3 adapter does not implement");
  }
  Result<s3::CopyResult> copied =
      client_->CopyObject({.bucket = from.bucket, .key = from.key}, to.bucket, to.key);
  if (!copied.ok()) return WithUri(copied.status(), to.uri);
  return PutResult{.etag = copied->etag, .size = h->content_length};
}

Result<std::string> S3Adapter::Presign(const ObjectPointer& object, PresignMethod method,
                                       std::chrono::seconds expiry) {
  ASSIGN_OR_RETURN(Location where, Locate(object));
  return client_->Presign(method == PresignMethod::kGet ? "GET" : "PUT", where.bucket, where.key,
                          expiry);
}

}  // namespace s3_internal

Result<std::unique_ptr<Adapter>> NewS3Adapter(const S3Options& options) {
  constexpr uint64_t kMinPart = 5 * 1024 * 1024;
  constexpr uint64_t kMaxPart = 5ull * 1024 * 1024 * 1024;
  if (options.access_key_id.empty() || options.secret_access_key.empty()) {
    return Status::InvalidArgument("s3 adapter: access key id and secret access key are required");
  }
  if (options.part_size < kMinPart || options.part_size > kMaxPart) {
    return Status::InvalidArgument("s3 adapter: part size must be between 5 MiB and 5 GiB, not " +
                                   std::to_string(options.part_size));
  }
  if (options.multipart_threshold < 1 || options.multipart_threshold > kMaxPart) {
    return Status::InvalidArgument("s3 adapter: multipart threshold must be 1 byte .. 5 GiB");
  }
  if (options.upload_concurrency < 1) {
    return Status::InvalidArgument("s3 adapter: upload concurrency must be at least 1");
  }
  s3::S3ClientOptions client_options;
  client_options.endpoint = options.endpoint;
  client_options.region = options.region.empty() ? "us-east-1" : options.region;
  client_options.credentials = {options.access_key_id, options.secret_access_key,
                                options.session_token};
  client_options.force_path_style = options.force_path_style;
  client_options.retry = {.max_attempts = options.max_attempts,
                          .base_delay = options.retry_base_delay,
                          .max_delay = options.retry_max_delay,
                          .sleep = options.retry_sleep,
                          .seed = options.retry_seed};
  client_options.http.connect_timeout = options.connect_timeout;
  client_options.http.low_speed_limit = options.low_speed_limit;
  client_options.http.low_speed_time = options.low_speed_time;
  client_options.http.request_timeout = options.request_timeout;
  client_options.http.verify_tls = options.verify_tls;
  client_options.http.ca_file = options.ca_file;
  client_options.clock = options.clock;
  ASSIGN_OR_RETURN(std::unique_ptr<s3::S3Client> client,
                   s3::S3Client::Create(std::move(client_options)));
  return std::unique_ptr<Adapter>(new s3_internal::S3Adapter(options, std::move(client)));
}

}  // namespace tarn::block
