#include "auth/authorizer.h"

namespace tarn::auth {
namespace {

constexpr std::string_view kRepositoryArnPrefix = "arn:lakefs:fs:::repository/";

}  // namespace

std::string RepositoryArn(std::string_view repository) {
  std::string arn;
  arn.reserve(kRepositoryArnPrefix.size() + repository.size());
  arn.append(kRepositoryArnPrefix).append(repository);
  return arn;
}

std::string ObjectArn(std::string_view repository, std::string_view path) {
  constexpr std::string_view kObject = "/object/";
  std::string arn;
  arn.reserve(kRepositoryArnPrefix.size() + repository.size() + kObject.size() + path.size());
  arn.append(kRepositoryArnPrefix).append(repository).append(kObject).append(path);
  return arn;
}

Status AllowAuthenticated::Authorize(const Principal& principal,
                                     std::span<const Permission> permissions) const {
  if (principal.user_id.empty()) {
    return Status::PermissionDenied(
        "anonymous access is not allowed: sign the request with an access key");
  }
  return Status::OK();
}

}  // namespace tarn::auth
