// Presigned URLs for the API's `presign=true` (statObject, listObjects, getObject,
// getPhysicalAddress): where the repository's storage can presign (S3), clients read or write
// the bytes directly; elsewhere (local, mem) the request is refused as lakeFS refuses it.
#pragma once

#include <chrono>
#include <string>

#include "api/context.h"
#include "tarn/block/adapter.h"

namespace tarn::api {

// How long a presigned URL stays valid (lakeFS's default pre_signed_expiry).
inline constexpr std::chrono::seconds kPresignExpiry{15 * 60};

// Whether the request asks for presigned URLs (query presign=true).
// Errors: InvalidArgument for a value other than true/false.
Result<bool> PresignRequested(const Context& ctx);

// A URL for `method` on `pointer`, valid kPresignExpiry from now.
// Errors: InvalidArgument "operation not supported" where the storage cannot presign (lakeFS's
// answer); the storage's errors otherwise.
Result<std::string> PresignUrl(const Context& ctx, const block::ObjectPointer& pointer,
                               block::PresignMethod method);

// The unix second at which a URL made now expires.
int64_t PresignExpiryUnix(const Context& ctx);

}  // namespace tarn::api
