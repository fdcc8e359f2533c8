// GET /api/v1/openapi.json: the API's own OpenAPI document.
#include "api/handlers.h"

namespace tarn::api {

Result<http::Response> GetOpenApi(const Context&) {
  return Status::NotImplemented("the OpenAPI document is not built yet");
}

}  // namespace tarn::api
