// The S3 adapter (scheme "s3"): object data in an S3 or S3-compatible bucket, over SigV4-signed
// HTTP (s3/client/). Namespaces are "s3://bucket/prefix"; a key lives at "prefix/key".
//
// Put buffers its body in bounded pieces so that every request it sends can be signed with the
// body's SHA-256 and retried: a body of at most `multipart_threshold` bytes goes in one
// PutObject; a larger one (or one of unknown size that turns out larger) becomes a multipart
// upload of `part_size` parts, `upload_concurrency` of them in flight. A Put therefore holds at
// most multipart_threshold + part_size * upload_concurrency bytes. UploadPart buffers a
// part of up to max(part_size, multipart_threshold) bytes the same way; a larger part with a
// known size streams from its reader as UNSIGNED-PAYLOAD and is retried only if it failed
// before its first byte was read.
//
// Get streams: the ObjectReader pulls from the HTTP connection as it is read (see
// s3/client/http_client.h), buffering at most one receive buffer.
//
// UploadPartCopy sends x-amz-copy-source(-range); when the backend answers NotImplemented it
// falls back to a ranged GET of the source fed into UploadPart, and remembers to go straight to
// the fallback afterwards. Copy is one CopyObject (sources up to 5 GiB; larger sources fail with
// NotImplemented: multipart copy is not implemented). AbortMultipartUpload, ListParts and
// ListMultipartUploads return NotImplemented where the backend does not support them (S3
// NotImplemented or MethodNotAllowed).
//
// Errors: the server's S3 code and message are in the message, after the object's URI:
// NoSuchKey / NoSuchBucket / NoSuchUpload -> NotFound; AccessDenied, InvalidAccessKeyId,
// SignatureDoesNotMatch -> PermissionDenied (never retried); PreconditionFailed ->
// PreconditionFailed; InvalidRange -> InvalidArgument "range not satisfiable: ..."; SlowDown,
// 5xx, timeouts, refused connections -> Unavailable after `max_attempts` attempts.
//
// Thread safety: as the contract; every method may be called concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/clock.h"
#include "tarn/block/adapter.h"
#include "tarn/result.h"

namespace tarn::block {

struct S3Options {
  // "http://127.0.0.1:9000", "https://s3.eu-west-1.amazonaws.com", ...; empty: AWS for
  // `region`.
  std::string endpoint;
  std::string region = "us-east-1";
  // Credentials; see ResolveS3Credentials for the fallbacks a composition root applies.
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  // Path-style addressing ("endpoint/bucket/key") instead of virtual-host; IP and localhost
  // endpoints always use path-style.
  bool force_path_style = false;

  // Put uses one PutObject up to this size and a multipart upload above it.
  uint64_t multipart_threshold = 16 * 1024 * 1024;
  // Part size of Put's multipart uploads: 5 MiB .. 5 GiB.
  uint64_t part_size = 8 * 1024 * 1024;
  // Parts of one Put uploaded at the same time (each buffered).
  int upload_concurrency = 4;

  // Attempts per request, the first included, and the backoff between them.
  int max_attempts = 5;
  std::chrono::milliseconds retry_base_delay{50};
  std::chrono::milliseconds retry_max_delay{5000};

  std::chrono::milliseconds connect_timeout{10000};
  // A transfer that moves fewer than `low_speed_limit` bytes/s for `low_speed_time` fails
  // (and is retried where it can be).
  long low_speed_limit = 1;
  std::chrono::seconds low_speed_time{30};
  // Bound on whole requests without a streamed response (everything but Get); 0 = none.
  std::chrono::milliseconds request_timeout{0};

  bool verify_tls = true;
  std::string ca_file;  // PEM bundle instead of the system store

  // Injection points for tests: the signing clock (not owned), the retry sleep, the jitter seed.
  const Clock* clock = nullptr;
  std::function<void(std::chrono::milliseconds)> retry_sleep;
  uint64_t retry_seed = 0;
};

// Builds the adapter. Errors: InvalidArgument for a malformed endpoint, empty credentials, a
// part size outside 5 MiB .. 5 GiB, or a threshold or concurrency below 1.
Result<std::unique_ptr<Adapter>> NewS3Adapter(const S3Options& options);

// Where credentials come from when S3Options does not carry them. Only composition roots read
// the environment and files; they pass the contents in here.
struct S3CredentialSources {
  // The process environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
  // AWS_PROFILE, AWS_REGION, AWS_DEFAULT_REGION are read.
  std::map<std::string, std::string> environment = {};
  // The contents of the shared credentials file (~/.aws/credentials or
  // $AWS_SHARED_CREDENTIALS_FILE), when there is one.
  std::optional<std::string> credentials_file = {};
  // The profile to use; empty: AWS_PROFILE, else "default".
  std::string profile = {};
};

// Returns `options` with credentials filled in: those already in `options` when both key id and
// secret are set; else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN) from the
// environment; else the profile's aws_access_key_id / aws_secret_access_key
// (/ aws_session_token) from the credentials file. An empty region becomes AWS_REGION, else
// AWS_DEFAULT_REGION, else "us-east-1".
// Errors: InvalidArgument when no source has credentials (naming where it looked), or when the
// credentials file is malformed (naming the line).
Result<S3Options> ResolveS3Credentials(S3Options options, const S3CredentialSources& sources);

// The contents of the shared credentials file named by an environment:
// $AWS_SHARED_CREDENTIALS_FILE, else $HOME/.aws/credentials; nullopt when there is none or it
// cannot be read. For composition roots filling S3CredentialSources::credentials_file.
std::optional<std::string> ReadSharedCredentialsFile(
    const std::map<std::string, std::string>& environment);

}  // namespace tarn::block
