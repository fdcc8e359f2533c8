// The S3 gateway under the policy authorizer: users of the built-in roles (and a developer denied
// writes under secret/) are allowed or refused with 403 AccessDenied as their policies say.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "auth/policy_store.h"
#include "auth/rbac_authorizer.h"
#include "common/hash.h"
#include "gateway/test_env.h"
#include "s3/request.h"
#include "s3/sigv4_signer.h"

namespace tarn::gateway {
namespace {

using testing::TestGateway;

enum Role { kViewer, kDeveloper, kSecretDeveloper, kAdmin, kRoles };
constexpr const char* kRoleNames[kRoles] = {"viewer", "developer", "developer without secret/",
                                            "admin"};

// Forwards to the policy authorizer once it exists (the fixture builds it over the gateway's
// own store); until then everything is allowed, for the fixture's setup.
class Forwarding final : public auth::Authorizer {
 public:
  Status Authorize(const auth::Principal& principal,
                   std::span<const auth::Permission> permissions) const override {
    return target == nullptr ? Status::OK() : target->Authorize(principal, permissions);
  }
  const auth::Authorizer* target = nullptr;
};

struct Row {
  std::string operation;
  std::string method;
  std::string target;  // "{upload}" becomes an upload id started by the admin
  std::vector<http::Header> headers;
  std::string body;
  std::string expect;  // per role (viewer, developer, secret developer, admin): 'y' or 'n'
};

const char kDeleteBody[] = "<Delete><Object><Key>main/a</Key></Object></Delete>";

std::vector<Row> Matrix() {
  return {
      {"ListBuckets", "GET", "/", {}, "", "yyyy"},
      {"HeadBucket", "HEAD", "/repo", {}, "", "yyyy"},
      {"ListObjects", "GET", "/repo?list-type=2&prefix=main/", {}, "", "yyyy"},
      {"GetObject", "GET", "/repo/main/a", {}, "", "yyyy"},
      {"PutObject", "PUT", "/repo/main/b", {}, "data", "nyyy"},
      {"PutObject under secret/", "PUT", "/repo/main/secret/b", {}, "data", "nyny"},
      {"DeleteObject", "DELETE", "/repo/main/a", {}, "", "nyyy"},
      {"CopyObject", "PUT", "/repo/main/c", {{"x-amz-copy-source", "/repo/main/a"}}, "", "nyyy"},
      {"CopyObject into secret/",
       "PUT",
       "/repo/main/secret/c",
       {{"x-amz-copy-source", "/repo/main/a"}},
       "",
       "nyny"},
      {"CreateMultipartUpload", "POST", "/repo/main/m?uploads", {}, "", "nyyy"},
      {"CreateMultipartUpload under secret/",
       "POST",
       "/repo/main/secret/m?uploads",
       {},
       "",
       "nyny"},
      {"UploadPart", "PUT", "/repo/main/m?partNumber=1&uploadId={upload}", {}, "part", "nyyy"},
      {"CompleteMultipartUpload",
       "POST",
       "/repo/main/m?uploadId={upload}",
       {},
       "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"x\"</ETag></Part>"
       "</CompleteMultipartUpload>",
       "nyyy"},
      {"DeleteObjects", "POST", "/repo?delete", {}, kDeleteBody, "nyyy"},
      {"CreateBucket", "PUT", "/repo2", {}, "", "nnny"},
      {"DeleteBucket", "DELETE", "/repo", {}, "", "nnny"},
  };
}

class Fixture {
 public:
  Fixture() : t_(TestGateway::Make({}, &forward_)) {
    t_->CreateRepository("repo");
    t_->PutObject("repo", "main/a", "hello");
    policies_ = std::make_unique<auth::PolicyStore>(t_->store(), t_->clock());
    Check(auth::Bootstrap(*policies_, t_->credentials()), "bootstrap");
    keys_[kViewer] = User("viewer", auth::kViewersGroup);
    keys_[kDeveloper] = User("developer", auth::kDevelopersGroup);
    keys_[kSecretDeveloper] = User("secretdev", auth::kDevelopersGroup);
    keys_[kAdmin] = auth::Credential{std::string(auth::kQuickstartAccessKeyId),
                                     std::string(auth::kQuickstartSecretAccessKey),
                                     "admin",
                                     {}};
    auth::Policy deny;
    deny.id = "DenySecret";
    deny.statements.push_back({auth::Effect::kDeny,
                               {"fs:WriteObject"},
                               {"arn:lakefs:fs:::repository/repo/object/secret/*"}});
    Check(policies_->CreatePolicy(deny).status(), "policy");
    Check(policies_->AttachUserPolicy("secretdev", "DenySecret"), "attach");
    auto upload = t_->Send("POST", "/repo/main/m?uploads");
    auto at = upload.body.find("<UploadId>");
    auto end = upload.body.find("</UploadId>");
    if (at != std::string::npos && end != std::string::npos) {
      upload_ = upload.body.substr(at + 10, end - at - 10);
    }
    rbac_ = std::make_unique<auth::RbacAuthorizer>(*policies_, t_->clock());
    forward_.target = rbac_.get();
  }

  // Signs as `role` (SigV4 header form, signed payload hash) and handles.
  http::Response Send(Role role, const Row& row) {
    http::Request r;
    r.method = row.method;
    r.target = row.target;
    if (auto at = r.target.find("{upload}"); at != std::string::npos) {
      r.target.replace(at, 8, upload_);
    }
    std::vector<http::Header> headers = row.headers;
    headers.push_back({"Host", "127.0.0.1:8000"});
    auto [path, query] = s3::SplitTarget(r.target);
    std::vector<s3::Header> view;
    for (const auto& h : headers) view.push_back({h.name, h.value});
    std::string payload = Sha256Hex(row.body);
    s3::SigV4Signer signer({keys_[role].access_key_id, keys_[role].secret_access_key, ""}, {});
    auto signed_headers = signer.Sign({r.method, path, query, view, payload}, t_->clock().Now());
    EXPECT_TRUE(signed_headers.ok()) << signed_headers.status().ToString();
    if (signed_headers.ok()) {
      for (auto& [name, value] : signed_headers->headers) headers.push_back({name, value});
    }
    r.headers = std::move(headers);
    r.request_id = "RBAC" + std::to_string(++requests_);
    r.SetBody(row.body);
    return t_->gateway().Handle(r);
  }

  auth::PolicyStore& policies() { return *policies_; }
  auth::RbacAuthorizer& rbac() { return *rbac_; }

 private:
  static void Check(const Status& s, const char* what) {
    ASSERT_TRUE(s.ok()) << what << ": " << s.ToString();
  }

  auth::Credential User(const std::string& id, std::string_view group) {
    auth::User user;
    user.id = id;
    Check(t_->credentials().CreateUser(user).status(), "user");
    auto key = t_->credentials().CreateCredential(id);
    Check(key.status(), "key");
    Check(policies_->AddGroupMember(group, id), "membership");
    return key.ok() ? *key : auth::Credential{};
  }

  Forwarding forward_;
  std::unique_ptr<TestGateway> t_;
  std::unique_ptr<auth::PolicyStore> policies_;
  std::unique_ptr<auth::RbacAuthorizer> rbac_;
  auth::Credential keys_[kRoles];
  std::string upload_;
  int requests_ = 0;
};

// Denied: 403 AccessDenied, or (DeleteObjects) a per-key AccessDenied error.
bool Denied(const http::Response& r) {
  std::string body = TestGateway::BodyOf(r);
  if (r.status == 403) return body.find("AccessDenied") != std::string::npos || body.empty();
  return r.status == 200 && body.find("<Code>AccessDenied</Code>") != std::string::npos;
}

TEST(GatewayRbacTest, EachRoleIsAllowedOrDeniedAsItsPoliciesSay) {
  for (const Row& row : Matrix()) {
    ASSERT_EQ(row.expect.size(), std::size_t{kRoles}) << row.operation;
    Fixture f;
    for (int role = 0; role < kRoles; ++role) {
      http::Response r = f.Send(static_cast<Role>(role), row);
      EXPECT_EQ(!Denied(r), row.expect[role] == 'y')
          << row.operation << " " << row.method << " " << row.target << " as " << kRoleNames[role]
          << ": got " << r.status << " " << TestGateway::BodyOf(r);
    }
  }
}

TEST(GatewayRbacTest, ADeniedWriteAnswersAccessDenied) {
  Fixture f;
  Row put{"PutObject", "PUT", "/repo/main/x", {}, "data", ""};
  http::Response r = f.Send(kViewer, put);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(TestGateway::BodyOf(r).find("<Code>AccessDenied</Code>"), std::string::npos);
}

TEST(GatewayRbacTest, JoiningAGroupGrantsItsPoliciesOnceTheCacheIsInvalidated) {
  Fixture f;
  Row put{"PutObject", "PUT", "/repo/main/x", {}, "data", ""};
  EXPECT_TRUE(Denied(f.Send(kViewer, put)));
  ASSERT_TRUE(f.policies().AddGroupMember(auth::kDevelopersGroup, "viewer").ok());
  f.rbac().InvalidateUser("viewer");
  EXPECT_EQ(f.Send(kViewer, put).status, 200);
}

}  // namespace
}  // namespace tarn::gateway
