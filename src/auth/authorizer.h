// The one authorization hook every gateway and API operation goes through.
//
// Actions and resources use lakeFS's names ("fs:ReadObject",
// "arn:lakefs:fs:::repository/<repo>/object/<path>") so policies read the same as lakeFS's.
// The server decides with users' policies (RbacAuthorizer, auth/rbac_authorizer.h);
// AllowAuthenticated, which lets every authenticated user do everything, is for tests.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "tarn/status.h"

namespace tarn::auth {

// Who is asking: the user a verified access key belongs to.
struct Principal {
  std::string user_id;
  std::string access_key_id;
};

// One permission an operation needs. An operation may need several (CopyObject: read the
// source, write the destination).
struct Permission {
  std::string action;    // e.g. "fs:ReadObject"
  std::string resource;  // e.g. "arn:lakefs:fs:::repository/repo1/object/path/to/key"
};

// Action names.
namespace action {
inline constexpr std::string_view kListRepositories = "fs:ListRepositories";
inline constexpr std::string_view kReadRepository = "fs:ReadRepository";
inline constexpr std::string_view kCreateRepository = "fs:CreateRepository";
inline constexpr std::string_view kDeleteRepository = "fs:DeleteRepository";
inline constexpr std::string_view kListObjects = "fs:ListObjects";
inline constexpr std::string_view kReadObject = "fs:ReadObject";
inline constexpr std::string_view kWriteObject = "fs:WriteObject";
inline constexpr std::string_view kDeleteObject = "fs:DeleteObject";
inline constexpr std::string_view kListBranches = "fs:ListBranches";
}  // namespace action

// Resource names.
std::string RepositoryArn(std::string_view repository);
std::string ObjectArn(std::string_view repository, std::string_view path);
inline constexpr std::string_view kAllArn = "*";

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // OK when `principal` holds every permission; PermissionDenied naming the first missing
  // action and resource otherwise. Thread-safe.
  virtual Status Authorize(const Principal& principal,
                           std::span<const Permission> permissions) const = 0;
};

// Every authenticated user may do everything.
class AllowAuthenticated final : public Authorizer {
 public:
  Status Authorize(const Principal& principal,
                   std::span<const Permission> permissions) const override;
};

}  // namespace tarn::auth
