#include "s3/verification.h"

#include "s3/errors.h"

namespace tarn::s3 {

Result<std::string> LookupSecret(const VerifyContext& context, std::string_view access_key_id) {
  Result<std::string> secret = context.lookup(access_key_id);
  if (secret.ok()) return secret;
  const Status& status = secret.status();
  if (status.IsNotFound() && S3CodeOf(status) == S3ErrorCode::kNoSuchKey) {
    // A plain NotFound from the credential store: the key does not exist.
    return S3Error(S3ErrorCode::kInvalidAccessKeyId);
  }
  return status;
}

PayloadVerifier::PayloadVerifier(std::string_view expected_sha256_hex)
    : expected_(ToLowerAscii(expected_sha256_hex)) {}

Status PayloadVerifier::Finish() {
  Sha256Bytes actual{};
  digest_.FinishInto(actual.data());
  if (!ConstantTimeEquals(ToHex(actual), expected_)) {
    return S3Error(S3ErrorCode::kXAmzContentSHA256Mismatch);
  }
  return Status::OK();
}

}  // namespace tarn::s3
