// Operations whose files are not in the tree yet answer NotImplemented.
#include "gateway/multipart_store.h"
#include "gateway/operations.h"

namespace tarn::gateway {
namespace {
http::Response Pending(Context& ctx) {
  return ErrorResponse(ctx.request, s3::S3Error(s3::S3ErrorCode::kNotImplemented,
                                                "this operation is not available yet"));
}
}  // namespace
#ifdef TARN_GATEWAY_MISSING_COPY_OBJECT
http::Response CopyObject(Context& ctx) { return Pending(ctx); }
#endif
#ifdef TARN_GATEWAY_MISSING_DELETE_OBJECTS
http::Response DeleteObjects(Context& ctx) { return Pending(ctx); }
#endif
#ifdef TARN_GATEWAY_MISSING_MULTIPART
http::Response CreateMultipartUpload(Context& ctx) { return Pending(ctx); }
http::Response UploadPart(Context& ctx) { return Pending(ctx); }
http::Response UploadPartCopy(Context& ctx) { return Pending(ctx); }
http::Response CompleteMultipartUpload(Context& ctx) { return Pending(ctx); }
http::Response AbortMultipartUpload(Context& ctx) { return Pending(ctx); }
http::Response ListParts(Context& ctx) { return Pending(ctx); }
http::Response ListMultipartUploads(Context& ctx) { return Pending(ctx); }
#endif
#ifdef TARN_GATEWAY_MISSING_MULTIPART_STORE
MultipartStore::MultipartStore(kv::Store& store, const Clock& clock)
    : store_(store), clock_(clock) {}
Status MultipartStore::Delete(const MultipartUpload&) { return Status::OK(); }
Result<std::vector<MultipartUpload>> MultipartStore::ListOlderThan(
    std::chrono::system_clock::time_point, std::size_t) {
  return std::vector<MultipartUpload>{};
}
#endif
#ifdef TARN_GATEWAY_MISSING_TAGGING
http::Response GetObjectTagging(Context& ctx) { return Pending(ctx); }
http::Response PutObjectTagging(Context& ctx) { return Pending(ctx); }
http::Response DeleteObjectTagging(Context& ctx) { return Pending(ctx); }
#endif
}  // namespace tarn::gateway
