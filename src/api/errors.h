// The one table from tarn::Status to the REST API's HTTP statuses, and the JSON error body
// {"message": "..."} that lakeFS clients read.
//
// NotFound 404; AlreadyExists and Conflict 409; InvalidArgument 400; Unauthenticated 401
// (lakeFS also answers an authorization denial with 401, see Authorize in context.h);
// PermissionDenied 403 (read-only repository, default branch); PreconditionFailed 412;
// Unavailable 503; DeadlineExceeded 504; NotImplemented 501; everything else 500.
#pragma once

#include <string_view>

#include "http/message.h"
#include "tarn/status.h"

namespace tarn::api {

// REQUIRES: !status.ok().
int HttpStatusOf(const Status& status);

// A JSON error response: HttpStatusOf(status) and {"message": status.message()}.
http::Response ErrorResponse(const Status& status);

// A JSON error response with an explicit status, for failures outside the engine (unknown
// endpoints).
http::Response ErrorResponse(int http_status, std::string_view message);

}  // namespace tarn::api
