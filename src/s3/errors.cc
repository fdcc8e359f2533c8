#include "s3/errors.h"

#include <array>

#include "s3/xml_util.h"

namespace tarn::s3 {
namespace {

using SC = StatusCode;
using E = S3ErrorCode;

// Messages follow AWS's wording, because clients and people search for them.
constexpr S3ErrorInfo kTable[] = {
    {E::kAccessDenied, "AccessDenied", 403, "Access Denied", SC::kPermissionDenied},
    {E::kAuthorizationHeaderMalformed, "AuthorizationHeaderMalformed", 400,
     "The authorization header is malformed.", SC::kInvalidArgument},
    {E::kAuthorizationQueryParametersError, "AuthorizationQueryParametersError", 400,
     "The query-string authentication parameters are malformed.", SC::kInvalidArgument},
    {E::kBadDigest, "BadDigest", 400,
     "The Content-MD5 or checksum value that you specified did not match what the server "
     "received.",
     SC::kInvalidArgument},
    {E::kBadRequest, "BadRequest", 400, "Bad Request", SC::kInvalidArgument},
    {E::kBucketAlreadyExists, "BucketAlreadyExists", 409,
     "The requested bucket name is not available. The bucket namespace is shared by all users "
     "of the system. Select a different name and try again.",
     SC::kAlreadyExists},
    {E::kBucketAlreadyOwnedByYou, "BucketAlreadyOwnedByYou", 409,
     "The bucket that you tried to create already exists, and you own it.", SC::kAlreadyExists},
    {E::kBucketNotEmpty, "BucketNotEmpty", 409, "The bucket that you tried to delete is not empty.",
     SC::kPreconditionFailed},
    {E::kEntityTooLarge, "EntityTooLarge", 400,
     "Your proposed upload exceeds the maximum allowed size.", SC::kInvalidArgument},
    {E::kEntityTooSmall, "EntityTooSmall", 400,
     "Your proposed upload is smaller than the minimum allowed object size.", SC::kInvalidArgument},
    {E::kExpiredToken, "ExpiredToken", 400, "The provided token has expired.",
     SC::kUnauthenticated},
    {E::kIncompleteBody, "IncompleteBody", 400,
     "You did not provide the number of bytes specified by the Content-Length HTTP header.",
     SC::kInvalidArgument},
    {E::kInternalError, "InternalError", 500, "We encountered an internal error. Please try again.",
     SC::kInternal},
    {E::kInvalidAccessKeyId, "InvalidAccessKeyId", 403,
     "The AWS access key ID that you provided does not exist in our records.",
     SC::kUnauthenticated},
    {E::kInvalidArgument, "InvalidArgument", 400, "Invalid Argument", SC::kInvalidArgument},
    {E::kInvalidBucketName, "InvalidBucketName", 400, "The specified bucket is not valid.",
     SC::kInvalidArgument},
    {E::kInvalidDigest, "InvalidDigest", 400,
     "The Content-MD5 or checksum value that you specified is not valid.", SC::kInvalidArgument},
    {E::kInvalidPart, "InvalidPart", 400,
     "One or more of the specified parts could not be found. The part might not have been "
     "uploaded, or the specified ETag might not have matched the uploaded part's ETag.",
     SC::kInvalidArgument},
    {E::kInvalidPartOrder, "InvalidPartOrder", 400,
     "The list of parts was not in ascending order. The parts list must be specified in order "
     "by part number.",
     SC::kInvalidArgument},
    {E::kInvalidRange, "InvalidRange", 416, "The requested range is not satisfiable",
     SC::kInvalidArgument},
    {E::kInvalidRequest, "InvalidRequest", 400, "Invalid Request", SC::kInvalidArgument},
    {E::kInvalidStorageClass, "InvalidStorageClass", 400,
     "The storage class that you specified is not valid.", SC::kInvalidArgument},
    {E::kInvalidToken, "InvalidToken", 400, "The provided token is malformed or otherwise invalid.",
     SC::kUnauthenticated},
    {E::kInvalidURI, "InvalidURI", 400, "Couldn't parse the specified URI.", SC::kInvalidArgument},
    {E::kKeyTooLongError, "KeyTooLongError", 400, "Your key is too long.", SC::kInvalidArgument},
    {E::kMalformedTrailerError, "MalformedTrailerError", 400,
     "The request contained trailing data that was not well-formed or did not conform to our "
     "published schema.",
     SC::kInvalidArgument},
    {E::kMalformedXML, "MalformedXML", 400,
     "The XML that you provided was not well formed or did not validate against our published "
     "schema.",
     SC::kInvalidArgument},
    {E::kMetadataTooLarge, "MetadataTooLarge", 400,
     "Your metadata headers exceed the maximum allowed metadata size.", SC::kInvalidArgument},
    {E::kMethodNotAllowed, "MethodNotAllowed", 405,
     "The specified method is not allowed against this resource.", SC::kInvalidArgument},
    {E::kMissingContentLength, "MissingContentLength", 411,
     "You must provide the Content-Length HTTP header.", SC::kInvalidArgument},
    {E::kMissingRequestBodyError, "MissingRequestBodyError", 400, "Request Body is empty.",
     SC::kInvalidArgument},
    {E::kMissingSecurityHeader, "MissingSecurityHeader", 400,
     "Your request is missing a required header.", SC::kInvalidArgument},
    {E::kNoSuchBucket, "NoSuchBucket", 404, "The specified bucket does not exist.", SC::kNotFound},
    {E::kNoSuchKey, "NoSuchKey", 404, "The specified key does not exist.", SC::kNotFound},
    {E::kNoSuchUpload, "NoSuchUpload", 404,
     "The specified multipart upload does not exist. The upload ID might be invalid, or the "
     "multipart upload might have been aborted or completed.",
     SC::kNotFound},
    {E::kNoSuchVersion, "NoSuchVersion", 404, "The specified version does not exist.",
     SC::kNotFound},
    {E::kNotImplemented, "NotImplemented", 501,
     "A header you provided implies functionality that is not implemented.", SC::kNotImplemented},
    {E::kNotModified, "NotModified", 304, "Not Modified", SC::kPreconditionFailed},
    {E::kOperationAborted, "OperationAborted", 409,
     "A conflicting conditional operation is currently in progress against this resource. Try "
     "again.",
     SC::kConflict},
    {E::kPreconditionFailed, "PreconditionFailed", 412,
     "At least one of the preconditions that you specified did not hold.", SC::kPreconditionFailed},
    {E::kRequestTimeTooSkewed, "RequestTimeTooSkewed", 403,
     "The difference between the request time and the server's time is too large.",
     SC::kUnauthenticated},
    {E::kRequestTimeout, "RequestTimeout", 400,
     "Your socket connection to the server was not read from or written to within the timeout "
     "period.",
     SC::kDeadlineExceeded},
    {E::kServiceUnavailable, "ServiceUnavailable", 503, "Please reduce your request rate.",
     SC::kUnavailable},
    {E::kSignatureDoesNotMatch, "SignatureDoesNotMatch", 403,
     "The request signature we calculated does not match the signature you provided. Check "
     "your key and signing method.",
     SC::kUnauthenticated},
    {E::kSlowDown, "SlowDown", 503, "Please reduce your request rate.", SC::kUnavailable},
    {E::kXAmzContentSHA256Mismatch, "XAmzContentSHA256Mismatch", 400,
     "The provided 'x-amz-content-sha256' header does not match what was computed.",
     SC::kInvalidArgument},
};

constexpr bool TableMatchesEnum() {
  for (std::size_t i = 0; i < std::size(kTable); ++i) {
    if (static_cast<std::size_t>(kTable[i].code) != i) return false;
  }
  return true;
}
static_assert(TableMatchesEnum(), "kTable rows must be in S3ErrorCode order");
static_assert(std::size(kTable) == static_cast<std::size_t>(E::kXAmzContentSHA256Mismatch) + 1,
              "every S3ErrorCode needs a row");

// Finds the "<Name>: " tag S3Error wrote, also behind context that WithContext prepended
// ("reading part 3: NoSuchUpload: ..."), and returns the code and the text after it.
std::optional<std::pair<S3ErrorCode, std::string_view>> SplitTag(std::string_view message) {
  std::string_view rest = message;
  while (true) {
    std::size_t colon = rest.find(": ");
    std::string_view head = rest.substr(0, colon);
    if (auto code = S3ErrorCodeFromName(head)) {
      return std::make_pair(
          *code, colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 2));
    }
    if (colon == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(colon + 2);
  }
}

S3ErrorCode DefaultFor(StatusCode code) {
  switch (code) {
    case SC::kNotFound:
      return E::kNoSuchKey;
    case SC::kAlreadyExists:
      return E::kBucketAlreadyExists;
    case SC::kPreconditionFailed:
      return E::kPreconditionFailed;
    case SC::kConflict:
      return E::kOperationAborted;
    case SC::kInvalidArgument:
      return E::kInvalidArgument;
    case SC::kUnauthenticated:
    case SC::kPermissionDenied:
      return E::kAccessDenied;
    case SC::kUnavailable:
      return E::kServiceUnavailable;
    case SC::kDeadlineExceeded:
      return E::kRequestTimeout;
    case SC::kNotImplemented:
      return E::kNotImplemented;
    default:
      return E::kInternalError;
  }
}

}  // namespace

const S3ErrorInfo& ErrorInfo(S3ErrorCode code) { return kTable[static_cast<std::size_t>(code)]; }

std::span<const S3ErrorInfo> AllErrorInfos() { return kTable; }

std::optional<S3ErrorCode> S3ErrorCodeFromName(std::string_view name) {
  for (const auto& row : kTable) {
    if (row.name == name) return row.code;
  }
  return std::nullopt;
}

Status S3Error(S3ErrorCode code, std::string_view text) {
  const S3ErrorInfo& info = ErrorInfo(code);
  std::string message(info.name);
  message += ": ";
  message += text.empty() ? info.default_message : text;
  return Status(info.status_code, message);
}

S3ErrorCode S3CodeOf(const Status& status) {
  if (auto tag = SplitTag(status.message())) return tag->first;
  return DefaultFor(status.code());
}

std::string S3MessageOf(const Status& status) {
  auto tag = SplitTag(status.message());
  S3ErrorCode code = tag ? tag->first : DefaultFor(status.code());
  if (code == E::kInternalError) return std::string(ErrorInfo(code).default_message);
  std::string_view text = tag ? tag->second : status.message();
  if (text.empty()) text = ErrorInfo(code).default_message;
  return std::string(text);
}

std::string EncodeErrorDocument(const ErrorDocument& error) {
  using namespace xml_internal;
  pugi::xml_document doc;
  pugi::xml_node root = StartDocument(doc, "Error", /*with_namespace=*/false);
  AddText(root, "Code", error.code);
  AddText(root, "Message", error.message);
  for (const auto& [name, value] : error.extra) AddText(root, name.c_str(), value);
  if (!error.resource.empty()) AddText(root, "Resource", error.resource);
  if (!error.request_id.empty()) AddText(root, "RequestId", error.request_id);
  if (!error.host_id.empty()) AddText(root, "HostId", error.host_id);
  return Serialize(doc);
}

Result<ErrorDocument> DecodeErrorDocument(std::string_view xml) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  pugi::xml_node root = doc.document_element();
  if (!parsed || std::string_view(root.name()) != "Error") {
    return xml_internal::Malformed("expected an <Error> document");
  }
  ErrorDocument out;
  for (pugi::xml_node child : root.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = child.name();
    std::string text = child.text().get();
    if (name == "Code") {
      out.code = std::move(text);
    } else if (name == "Message") {
      out.message = std::move(text);
    } else if (name == "Resource") {
      out.resource = std::move(text);
    } else if (name == "RequestId") {
      out.request_id = std::move(text);
    } else if (name == "HostId") {
      out.host_id = std::move(text);
    } else {
      out.extra.emplace_back(std::string(name), std::move(text));
    }
  }
  if (out.code.empty()) return xml_internal::Malformed("<Error> without <Code>");
  return out;
}

Status StatusFromErrorDocument(const ErrorDocument& error, int http_status) {
  StatusCode code;
  if (auto known = S3ErrorCodeFromName(error.code)) {
    code = ErrorInfo(*known).status_code;
  } else if (http_status == 404) {
    code = SC::kNotFound;
  } else if (http_status == 401 || http_status == 403) {
    code = SC::kPermissionDenied;
  } else if (http_status == 409) {
    code = SC::kConflict;
  } else if (http_status == 412) {
    code = SC::kPreconditionFailed;
  } else if (http_status >= 400 && http_status < 500) {
    code = SC::kInvalidArgument;
  } else {
    code = SC::kInternal;
  }
  // A server-side failure is worth retrying whatever its code says, except "not implemented";
  // so is an InternalError that arrives inside a 200 (CompleteMultipartUpload, CopyObject).
  if (http_status >= 500 && code != SC::kNotImplemented) code = SC::kUnavailable;
  if (error.code == "InternalError") code = SC::kUnavailable;
  std::string message = error.code;
  message += ": ";
  message += error.message.empty() ? "HTTP " + std::to_string(http_status) : error.message;
  return Status(code, message);
}

}  // namespace tarn::s3
