#include "auth/authorizer.h"

#include <gtest/gtest.h>

#include <vector>

namespace tarn::auth {
namespace {

TEST(ArnTest, RepositoryArnNamesTheRepository) {
  EXPECT_EQ(RepositoryArn("repo1"), "arn:lakefs:fs:::repository/repo1");
}

TEST(ArnTest, ObjectArnNamesRepositoryAndPath) {
  EXPECT_EQ(ObjectArn("repo1", "path/to/key"),
            "arn:lakefs:fs:::repository/repo1/object/path/to/key");
}

TEST(AllowAuthenticatedTest, AuthenticatedUserMayDoEverything) {
  AllowAuthenticated authorizer;
  std::vector<Permission> permissions = {
      {std::string(action::kReadObject), ObjectArn("repo1", "a")},
      {std::string(action::kDeleteRepository), RepositoryArn("repo1")},
      {std::string(action::kListRepositories), std::string(kAllArn)},
  };
  EXPECT_TRUE(authorizer.Authorize(Principal{"alice", "AKIAAAAAAAAAAAAAAAAA"}, permissions).ok());
  EXPECT_TRUE(authorizer.Authorize(Principal{"alice", "AKIAAAAAAAAAAAAAAAAA"}, {}).ok());
}

TEST(AllowAuthenticatedTest, AnonymousIsDeniedWithAHint) {
  AllowAuthenticated authorizer;
  std::vector<Permission> permissions = {{std::string(action::kReadObject), ObjectArn("r", "k")}};
  Status s = authorizer.Authorize(Principal{}, permissions);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("sign the request with an access key"), std::string_view::npos);
}

}  // namespace
}  // namespace tarn::auth
