#include "api/presign.h"

namespace tarn::api {

Result<bool> PresignRequested(const Context& ctx) {
  std::string_view v = ctx.query.get("presign");
  if (v.empty() || v == "false") return false;
  if (v == "true") return true;
  return Status::InvalidArgument("query parameter 'presign' must be true or false, not '" +
                                 std::string(v) + "'");
}

Result<std::string> PresignUrl(const Context& ctx, const block::ObjectPointer& pointer,
                               block::PresignMethod method) {
  auto url = ctx.deps.catalog->Presign(pointer, method, kPresignExpiry);
  if (!url.ok() && url.status().code() == StatusCode::kNotImplemented) {
    return Status::InvalidArgument("operation not supported: the storage of " +
                                   pointer.storage_namespace +
                                   " cannot presign URLs (only s3:// namespaces can); call "
                                   "without presign=true to go through the server");
  }
  return url;
}

int64_t PresignExpiryUnix(const Context& ctx) {
  return UnixSeconds(ctx.deps.clock->Now() + kPresignExpiry);
}

}  // namespace tarn::api
