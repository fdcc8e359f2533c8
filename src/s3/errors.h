// The S3 error code table and the S3 error document.
//
// An S3 error travels inside a tarn::Status: S3Error(code, text) builds a Status whose code is
// the table's StatusCode for that S3 code and whose message is "<S3Code>: <text>". S3CodeOf
// reads the S3 code back (or derives one from the StatusCode for a Status that was not built
// by S3Error), so a handler turns any Status into the S3 wire error through this one table.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tarn/result.h"
#include "tarn/status.h"

namespace tarn::s3 {

enum class S3ErrorCode {
  kAccessDenied,
  kAuthorizationHeaderMalformed,
  kAuthorizationQueryParametersError,
  kBadDigest,
  kBadRequest,
  kBucketAlreadyExists,
  kBucketAlreadyOwnedByYou,
  kBucketNotEmpty,
  kEntityTooLarge,
  kEntityTooSmall,
  kExpiredToken,
  kIncompleteBody,
  kInternalError,
  kInvalidAccessKeyId,
  kInvalidArgument,
  kInvalidBucketName,
  kInvalidDigest,
  kInvalidPart,
  kInvalidPartOrder,
  kInvalidRange,
  kInvalidRequest,
  kInvalidStorageClass,
  kInvalidToken,
  kInvalidURI,
  kKeyTooLongError,
  kMalformedTrailerError,
  kMalformedXML,
  kMetadataTooLarge,
  kMethodNotAllowed,
  kMissingContentLength,
  kMissingRequestBodyError,
  kMissingSecurityHeader,
  kNoSuchBucket,
  kNoSuchKey,
  kNoSuchUpload,
  kNoSuchVersion,
  kNotImplemented,
  kNotModified,
  kOperationAborted,
  kPreconditionFailed,
  kRequestTimeTooSkewed,
  kRequestTimeout,
  kServiceUnavailable,
  kSignatureDoesNotMatch,
  kSlowDown,
  kXAmzContentSHA256Mismatch,
};

struct S3ErrorInfo {
  S3ErrorCode code;
  std::string_view name;             // the wire code, e.g. "NoSuchKey"
  int http_status;                   // e.g. 404
  std::string_view default_message;  // AWS's wording where it has one
  StatusCode status_code;            // the tarn code a Status carrying this error has
};

// The table row for `code`. Every enumerator has one.
const S3ErrorInfo& ErrorInfo(S3ErrorCode code);
// Looks a wire code up ("NoSuchKey" -> kNoSuchKey); nullopt for codes not in the table.
std::optional<S3ErrorCode> S3ErrorCodeFromName(std::string_view name);
// Every row, in enum order (for docs and tests).
std::span<const S3ErrorInfo> AllErrorInfos();

// A Status carrying an S3 error; `text` defaults to the table's message.
Status S3Error(S3ErrorCode code, std::string_view text = {});

// The S3 error a Status stands for: the code S3Error put in it, else a default by StatusCode:
// NotFound -> NoSuchKey, AlreadyExists -> BucketAlreadyExists, PreconditionFailed ->
// PreconditionFailed, Conflict -> OperationAborted, InvalidArgument -> InvalidArgument,
// Unauthenticated and PermissionDenied -> AccessDenied, Unavailable -> ServiceUnavailable,
// DeadlineExceeded -> RequestTimeout, NotImplemented -> NotImplemented, others ->
// InternalError. REQUIRES: !status.ok().
S3ErrorCode S3CodeOf(const Status& status);
// The message to show a client: the text after the "<S3Code>: " tag, or the whole message of
// an untagged Status; the table's default message when that is empty. Internal errors keep
// their detail out of responses: InternalError always answers with the default message.
std::string S3MessageOf(const Status& status);

// The body of an S3 error response.
struct ErrorDocument {
  std::string code;
  std::string message;
  std::string resource;    // omitted when empty
  std::string request_id;  // omitted when empty
  std::string host_id;     // omitted when empty
  // Further elements in order (Key, BucketName, Region, ...). Decoding fills it with every
  // child element that is not one of the fields above.
  std::vector<std::pair<std::string, std::string>> extra;
};

// "<?xml ...?><Error><Code/><Message/>[extra...]<Resource/><RequestId/><HostId/></Error>",
// unindented: some Java clients reject whitespace between elements.
std::string EncodeErrorDocument(const ErrorDocument& error);
// Parses an <Error> document. Errors: MalformedXML (as an S3Error) when it is not one.
Result<ErrorDocument> DecodeErrorDocument(std::string_view xml);
// A Status for an error document received from an S3 server: the table's StatusCode for a
// known code, one derived from `http_status` for an unknown one; Unavailable (retryable) for
// any 5xx but 501 and for InternalError. The message is "<server code>: <server message>".
Status StatusFromErrorDocument(const ErrorDocument& error, int http_status);

}  // namespace tarn::s3
