// Staging endpoints: physical addresses for direct uploads, and refs dump/restore.
#include "api/handlers.h"

namespace tarn::api {

std::span<const Route> StagingRoutes() { return {}; }

}  // namespace tarn::api
