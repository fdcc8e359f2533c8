// The API's OpenAPI 3.0 document (src/api/openapi/openapi.yaml), converted to minified JSON
// and compiled into the binary at build time by tarn_openapi_embed.
#pragma once

#include <string_view>

namespace tarn::api {

// The whole document as minified JSON. The view points at static storage and never dangles.
std::string_view OpenApiDocument();

}  // namespace tarn::api
