#include "api/handlers.h"

namespace tarn::api {

std::span<const Route> ObjectRoutes() { return {}; }

}  // namespace tarn::api
