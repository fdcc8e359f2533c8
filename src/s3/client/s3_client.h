// An S3 client over HttpClient: addressing (path-style or virtual-host), SigV4 signing of
// every attempt, bounded retries, S3 error documents turned into Statuses, and the operations
// tarn needs, each a thin typed wrapper over Execute / Open.
//
// Payloads: a body given as bytes is signed with its SHA-256 (x-amz-content-sha256) and can be
// sent again, so it is retried like a bodiless request. A body given as a BodySource is sent as
// UNSIGNED-PAYLOAD straight from the source (never aws-chunked: many S3-compatible servers store
// that framing undecoded) and is retried only while none of its bytes has been read — in
// practice after a refused connection, not after a failure mid-body.
//
// Retries: transport failures (refused, reset, timed out, cut short), HTTP 5xx other than 501,
// 429, and the S3 codes SlowDown, InternalError, ServiceUnavailable and RequestTimeout are
// retried up to RetryOptions::max_attempts with backoff (retry.h); what still fails is returned
// as Unavailable naming the attempts. Nothing else is retried; in particular refused
// credentials (AccessDenied, InvalidAccessKeyId, SignatureDoesNotMatch, any 401/403) fail at
// once with PermissionDenied.
//
// Errors: the server's error as a Status whose message is "<S3Code>: <server message>"
// (errors.h's table: NoSuchKey/NoSuchBucket/NoSuchUpload -> NotFound, PreconditionFailed ->
// PreconditionFailed, InvalidRange -> InvalidArgument, NotImplemented -> NotImplemented, ...),
// except that credential errors become PermissionDenied. Responses without a body (HEAD) are
// classified by HTTP status alone.
//
// Thread safety: S3Client is thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "s3/client/http_client.h"
#include "s3/client/retry.h"
#include "s3/sigv4.h"
#include "s3/sigv4_signer.h"
#include "s3/xml.h"
#include "tarn/result.h"

namespace tarn::s3 {

struct S3ClientOptions {
  // "http://127.0.0.1:9000", "https://s3.eu-west-1.amazonaws.com", ... A path after the
  // authority is a prefix of every request path (for servers mounted below "/"). Empty: AWS,
  // "https://s3.<region>.amazonaws.com".
  std::string endpoint = {};
  std::string region = "us-east-1";
  Credentials credentials = {};
  // Path-style ("endpoint/bucket/key") instead of virtual-host ("bucket.endpoint/key").
  // Buckets whose names are not DNS labels always use path-style.
  bool force_path_style = false;
  RetryOptions retry = {};
  HttpClientOptions http = {};
  // The time requests are signed at; null = the system clock. Not owned.
  const Clock* clock = nullptr;
};

// A request body: `bytes` (signed, retryable; must outlive the call) or `stream` yielding
// exactly `size` bytes (UNSIGNED-PAYLOAD, see the file comment).
struct RequestBody {
  std::string_view bytes = {};
  BodySource* stream = nullptr;
  uint64_t size = 0;
  uint64_t length() const { return stream != nullptr ? size : bytes.size(); }
};

struct S3Request {
  std::string method = {};
  std::string bucket = {};  // "" for the service (ListBuckets)
  std::string key = {};     // decoded; "" for a bucket-level request
  // Decoded query parameters, in order; a parameter with an empty value is sent as "name=".
  std::vector<std::pair<std::string, std::string>> query = {};
  // Besides Host and the signer's; all of them are signed.
  std::vector<HttpHeader> headers = {};
  RequestBody body = {};
  // CompleteMultipartUpload and CopyObject may answer 200 with an <Error> document; with this
  // set, such a body is treated as the error it carries (and retried when it is retryable).
  bool error_in_200 = false;
};

// The headers of a GET or HEAD object response.
struct ObjectHeaders {
  uint64_t content_length = 0;
  std::string etag;  // without quotes
  TimePoint last_modified{};
  std::string content_type;
  // From Content-Range ("bytes first-last/total"), when the response has one.
  std::optional<uint64_t> range_first;
  std::optional<uint64_t> range_last;
  std::optional<uint64_t> total_size;
};
// Reads Content-Length, ETag, Last-Modified, Content-Type and Content-Range.
// Errors: Internal naming the header when one is malformed.
Result<ObjectHeaders> ParseObjectHeaders(const std::vector<HttpHeader>& headers);

// The Status of an error response (status >= 300, or an <Error> document inside a 200): see the
// file comment. `body` may be empty (HEAD) or not XML (a proxy's page).
Status ErrorFromResponse(int http_status, std::string_view body);

// Strips one pair of surrounding double quotes ("\"abc\"" -> "abc").
std::string_view UnquoteEtag(std::string_view etag);

struct CopySource {
  std::string bucket;
  std::string key;
};

class S3Client {
 public:
  // The most a response read by Execute may carry (listings of 1000 long keys fit).
  static constexpr std::size_t kMaxDocument = 16 * 1024 * 1024;

  // Errors: InvalidArgument for a malformed endpoint; Internal when libcurl cannot start.
  static Result<std::unique_ptr<S3Client>> Create(S3ClientOptions options);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  // Sends `request` (with retries) and reads the whole response; a response with status >= 300
  // (or an error document under error_in_200) is returned as its Status.
  Result<HttpResponse> Execute(const S3Request& request, std::size_t max_body = kMaxDocument);
  // As Execute, but returns after the headers of a successful response; the body is read from
  // the stream. `request`'s body must outlive the stream.
  Result<std::unique_ptr<HttpResponseStream>> Open(const S3Request& request);

  // A presigned URL (SigV4 query form, UNSIGNED-PAYLOAD) for `method` on bucket/key.
  // Errors: InvalidArgument when `expires` is outside 1 s .. 7 days.
  Result<std::string> Presign(std::string_view method, std::string_view bucket,
                              std::string_view key, std::chrono::seconds expires);

  // ---- Operations ----
  // Creates the bucket; OK when this account already owns it.
  Status CreateBucket(std::string_view bucket);
  Status DeleteBucket(std::string_view bucket);

  // Returns the ETag without quotes.
  Result<std::string> PutObject(std::string_view bucket, std::string_view key,
                                const RequestBody& body, std::string_view content_type);
  // `range` is a Range header value ("bytes=0-99") or "" for the whole object. Errors:
  // NotFound; InvalidArgument "InvalidRange: ..." for an unsatisfiable range.
  Result<std::unique_ptr<HttpResponseStream>> GetObject(std::string_view bucket,
                                                        std::string_view key,
                                                        std::string_view range);
  // Errors: NotFound when there is no such object.
  Result<ObjectHeaders> HeadObject(std::string_view bucket, std::string_view key);
  // OK when the object did not exist.
  Status DeleteObject(std::string_view bucket, std::string_view key);
  // ListObjectsV2 with EncodingType=url (keys come back decoded either way). `max_keys` 0
  // lets the server choose (1000).
  Result<ListBucketResult> ListObjectsV2(std::string_view bucket, std::string_view prefix,
                                         std::string_view start_after,
                                         std::string_view continuation_token, int max_keys);
  Result<CopyResult> CopyObject(const CopySource& source, std::string_view bucket,
                                std::string_view key);

  // Returns the upload id.
  Result<std::string> CreateMultipartUpload(std::string_view bucket, std::string_view key,
                                            std::string_view content_type);
  // Returns the part's ETag without quotes.
  Result<std::string> UploadPart(std::string_view bucket, std::string_view key,
                                 std::string_view upload_id, int part_number,
                                 const RequestBody& body);
  // `range` is an x-amz-copy-source-range value ("bytes=0-99") or "" for the whole source.
  // Errors: NotImplemented from servers without UploadPartCopy.
  Result<CopyResult> UploadPartCopy(std::string_view bucket, std::string_view key,
                                    std::string_view upload_id, int part_number,
                                    const CopySource& source, std::string_view range);
  Result<CompleteMultipartUploadResult> CompleteMultipartUpload(
      std::string_view bucket, std::string_view key, std::string_view upload_id,
      const std::vector<CompletedPart>& parts);
  Status AbortMultipartUpload(std::string_view bucket, std::string_view key,
                              std::string_view upload_id);
  Result<ListPartsResult> ListParts(std::string_view bucket, std::string_view key,
                                    std::string_view upload_id, int part_number_marker);
  Result<ListMultipartUploadsResult> ListMultipartUploads(std::string_view bucket,
                                                          std::string_view prefix,
                                                          std::string_view key_marker,
                                                          std::string_view upload_id_marker);

  const S3ClientOptions& options() const { return options_; }

 private:
  struct Endpoint {
    std::string scheme;     // "http" or "https"
    std::string host;       // without port
    std::string authority;  // host[:port], the port only when not the scheme's default
    std::string base_path;  // "" or "/prefix" without a trailing '/'
  };
  struct Target {
    std::string url;
    std::string host;  // the Host header
    std::string path;  // wire form, for signing
    std::string query;
  };

  S3Client(S3ClientOptions options, Endpoint endpoint, std::unique_ptr<HttpClient> http);
  Target TargetFor(std::string_view bucket, std::string_view key,
                   const std::vector<std::pair<std::string, std::string>>& query) const;
  // Builds and signs one attempt.
  Result<HttpRequest> BuildAttempt(const S3Request& request, BodySource* stream) const;
  TimePoint Now() const;

  S3ClientOptions options_;
  Endpoint endpoint_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<SigV4Signer> signer_;
  Backoff backoff_;
};

}  // namespace tarn::s3
