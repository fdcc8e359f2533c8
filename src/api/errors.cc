#include "api/errors.h"

#include <nlohmann/json.hpp>
#include <string>

namespace tarn::api {

int HttpStatusOf(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kConflict:
      return 409;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kPreconditionFailed:
      return 412;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDeadlineExceeded:
      return 504;
    case StatusCode::kNotImplemented:
      return 501;
    case StatusCode::kCancelled:
    case StatusCode::kIOError:
    case StatusCode::kCorruption:
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

http::Response ErrorResponse(int http_status, std::string_view message) {
  nlohmann::json body = {{"message", std::string(message)}};
  // Replace invalid UTF-8 (a path segment may carry any bytes) rather than throw.
  return http::Response::Json(http_status,
                              body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

http::Response ErrorResponse(const Status& status) {
  return ErrorResponse(HttpStatusOf(status), status.message());
}

}  // namespace tarn::api
