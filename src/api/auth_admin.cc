// Auth administration endpoints: users, groups, memberships, policies and credentials.
#include "api/handlers.h"

namespace tarn::api {

std::span<const Route> AuthRoutes() { return {}; }

}  // namespace tarn::api
