// GET /api/v1/openapi.json: the API's own OpenAPI document, compiled in at build time.
#include "api/handlers.h"
#include "api/openapi/document.h"

namespace tarn::api {

Result<http::Response> GetOpenApi(const Context&) {
  // The document is public, like lakeFS's, and small (tens of KiB); a copy per request of a
  // rarely fetched resource is cheaper than a streamed body's machinery.
  return http::Response::Json(200, std::string(OpenApiDocument()));
}

}  // namespace tarn::api
