#include "api/handlers.h"

namespace tarn::api {

std::span<const Route> HistoryRoutes() { return {}; }

}  // namespace tarn::api
