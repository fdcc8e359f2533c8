// AWS Signature Version 2 for S3 (legacy clients such as s3cmd and old SDKs): the
// "Authorization: AWS AKID:signature" header and the AWSAccessKeyId/Expires/Signature query.
//
//   string to sign = METHOD \n Content-MD5 \n Content-Type \n Date \n
//                    CanonicalizedAmzHeaders CanonicalizedResource
//   signature      = base64(HMAC-SHA1(secret, string to sign))
//
// CanonicalizedAmzHeaders: every x-amz-* header, name lower-cased, values trimmed and joined
// with ',', sorted by name, each "name:value\n". CanonicalizedResource: ["/" + bucket for
// virtual-host requests] + the raw path + the signed sub-resources present in the query
// (kSigV2SubResources), sorted by name, values decoded: "?acl", "?partNumber=1&uploadId=x".
// When x-amz-date is sent, the Date line is empty.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "s3/request.h"
#include "s3/sigv4.h"
#include "s3/time_format.h"
#include "s3/verification.h"
#include "tarn/result.h"

namespace tarn::s3 {

// The query parameters that are part of the SigV2 canonical resource (those botocore and AWS
// sign): acl, cors, delete, lifecycle, location, logging, partNumber, policy, tagging, torrent,
// uploadId, uploads, versionId, versioning, versions, website, response-* overrides, ...
std::span<const std::string_view> SigV2SubResources();

struct SigV2Inputs {
  std::string_view method = {};
  std::string_view content_md5 = {};
  std::string_view content_type = {};
  std::string_view date = {};  // the Date header; "" with x-amz-date; Expires for the query form
  // x-amz-* headers, names in any case, in any order; repeated names allowed.
  std::vector<std::pair<std::string_view, std::string_view>> amz_headers = {};
  // The resource path as signed: "/bucket/key" in wire form (virtual-host requests prefix
  // "/bucket").
  std::string_view resource_path = {};
  std::string_view raw_query = {};  // for the sub-resources; "" for none
};

std::string SigV2StringToSign(const SigV2Inputs& inputs);
// base64(HMAC-SHA1(secret, string_to_sign)).
std::string SigV2Signature(std::string_view secret_access_key, std::string_view string_to_sign);

// Signs `request` in the header form at `now`: returns the Date value the request must carry
// (an HTTP date; the request's own Date header is ignored) and the Authorization value.
struct SigV2HeaderSignature {
  std::string date;
  std::string authorization;  // "AWS AKID:signature"
  std::string string_to_sign;
};
SigV2HeaderSignature SignSigV2Header(const HttpRequestView& request, const Credentials& credentials,
                                     TimePoint now);

// Presigns `request` until `expires`: returns the query string to append to the request's own
// query (AWSAccessKeyId, Expires, Signature[, x-amz-security-token]).
struct SigV2Presigned {
  std::string query;
  std::string signature;
  std::string string_to_sign;
};
SigV2Presigned PresignSigV2(const HttpRequestView& request, const Credentials& credentials,
                            TimePoint expires);

// Verifies "Authorization: AWS AKID:signature".
// Errors (S3Error-tagged): InvalidArgument (malformed header), AccessDenied (no usable date),
// RequestTimeTooSkewed, InvalidAccessKeyId, SignatureDoesNotMatch; lookup errors as
// LookupSecret.
Result<AuthResult> VerifySigV2Header(const HttpRequestView& request, const VerifyContext& context);

// Verifies AWSAccessKeyId / Expires / Signature in the query.
// Errors: AccessDenied (missing parameters, "Request has expired"), InvalidAccessKeyId,
// SignatureDoesNotMatch; lookup errors as LookupSecret.
Result<AuthResult> VerifySigV2Presigned(const HttpRequestView& request,
                                        const VerifyContext& context);

}  // namespace tarn::s3
