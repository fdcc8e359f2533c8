// Auth administration endpoints: users, credentials, groups, memberships, policies and their
// attachments (lakeFS's /auth/... operations). Users and keys live in the CredentialStore;
// groups and policies in the PolicyStore, without which those endpoints answer 501.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

#include "api/auth_actions.h"
#include "api/handlers.h"
#include "api/ref_listing.h"
#include "auth/policy.h"
#include "auth/policy_store.h"

namespace tarn::api {
namespace {

using nlohmann::json;

// ---- shared helpers -------------------------------------------------------------------------

http::Response NoContent(int status = 204) {
  http::Response r;
  r.status = status;
  return r;
}

// {pagination: {has_more, next_offset, results, max_per_page}, results}
json ListJson(std::vector<json> results, bool has_more, std::string next_offset) {
  json pagination = {{"has_more", has_more},
                     {"next_offset", has_more ? std::move(next_offset) : std::string()},
                     {"results", results.size()},
                     {"max_per_page", Pagination::kMaxAmount}};
  return {{"pagination", std::move(pagination)}, {"results", std::move(results)}};
}

// One lakeFS page over a store listing sorted by id: the items whose ids start with p.prefix,
// strictly after p.after, at most p.amount. `fetch(after, amount)` returns a
// Result<std::vector<T>> of at most `amount` items strictly after `after` (fewer: the end);
// `id_of(item)` its id; `to_json(item)` its JSON.
template <typename Fetch, typename IdOf, typename ToJson>
Result<json> ListPage(const Pagination& p, Fetch fetch, IdOf id_of, ToJson to_json) {
  std::vector<json> out;
  std::string after = ListingStart(p);
  std::string last;
  const std::size_t want = p.amount + 1;  // one more, to know whether more follow
  std::size_t found = 0;
  for (;;) {
    const std::size_t ask = want - found;
    auto items = fetch(after, ask);
    if (!items.ok()) return std::move(items).status();
    for (const auto& item : *items) {
      const std::string& id = id_of(item);
      if (!std::string_view(id).starts_with(p.prefix)) return ListJson(std::move(out), false, {});
      if (++found == want) return ListJson(std::move(out), true, std::move(last));
      out.push_back(to_json(item));
      last = id;
    }
    if (items->size() < ask || items->empty()) return ListJson(std::move(out), false, {});
    after = id_of(items->back());
  }
}

// A fetch over a vector already in memory, sorted by id.
template <typename T, typename IdOf>
auto FetchFrom(const std::vector<T>& all, IdOf id_of) {
  return [&all, id_of](std::string_view after, std::size_t amount) -> Result<std::vector<T>> {
    auto it = std::upper_bound(all.begin(), all.end(), after, [&](std::string_view a, const T& t) {
      return a < std::string_view(id_of(t));
    });
    std::vector<T> page;
    for (; it != all.end() && page.size() < amount; ++it) page.push_back(*it);
    return page;
  };
}

const std::string& IdOfString(const std::string& s) { return s; }

Result<auth::PolicyStore*> Policies(const Context& ctx) {
  if (ctx.deps.policies == nullptr) {
    return Status::NotImplemented(
        "groups and policies are not available: this server runs without a policy store; "
        "start it with the KV store that holds the auth partition to manage them");
  }
  return ctx.deps.policies;
}

// After a change of memberships or policies, applies it at once on this server.
void InvalidateUser(const Context& ctx, std::string_view user_id) {
  if (ctx.deps.rbac != nullptr) ctx.deps.rbac->InvalidateUser(user_id);
}
void InvalidateAll(const Context& ctx) {
  if (ctx.deps.rbac != nullptr) ctx.deps.rbac->InvalidateAll();
}

// ---- JSON shapes ----------------------------------------------------------------------------

// User {id, creation_date, email?}
json UserJson(const auth::User& user) {
  json j = {{"id", user.id}, {"creation_date", UnixSeconds(user.created)}};
  if (!user.email.empty()) j["email"] = user.email;
  return j;
}

// Group {id, name, description?, creation_date}
json GroupJson(const auth::Group& group) {
  json j = {{"id", group.id}, {"name", group.id}, {"creation_date", UnixSeconds(group.created)}};
  if (!group.description.empty()) j["description"] = group.description;
  return j;
}

// Credentials {access_key_id, creation_date}
json CredentialsJson(const auth::Credential& c) {
  return {{"access_key_id", c.access_key_id}, {"creation_date", UnixSeconds(c.created)}};
}

// Policy {id, creation_date, statement: [{effect, action, resource}]}. The spec types resource
// as a string: several resources are sent as the JSON text of their array, as lakeFS does.
json PolicyJson(const auth::Policy& policy) {
  json statements = json::array();
  for (const auth::Statement& s : policy.statements) {
    json resource =
        s.resources.size() == 1 ? json(s.resources.front()) : json(json(s.resources).dump());
    statements.push_back({{"effect", std::string(auth::EffectName(s.effect))},
                          {"action", s.actions},
                          {"resource", std::move(resource)}});
  }
  return {{"id", policy.id},
          {"creation_date", UnixSeconds(policy.created)},
          {"statement", std::move(statements)}};
}

Status BadField(const std::string& field, std::string_view problem) {
  return Status::InvalidArgument("field '" + field + "' " + std::string(problem));
}

// A statement's resource: a string, the JSON text of an array of strings, or an array.
Result<std::vector<std::string>> ParseResources(const json& value, const std::string& field) {
  const json* list = &value;
  json parsed;
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (!text.starts_with('[')) return std::vector<std::string>{text};
    parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) return BadField(field, "starts with '[' but is not a JSON array");
    list = &parsed;
  }
  if (!list->is_array() || list->empty()) {
    return BadField(field, "must be a resource string or a non-empty array of them");
  }
  std::vector<std::string> out;
  for (const json& r : *list) {
    if (!r.is_string()) return BadField(field, "must hold only strings");
    out.push_back(r.get<std::string>());
  }
  return out;
}

// The policy of a createPolicy / updatePolicy body {id, statement: [...]}; validation of the
// contents is the store's (auth::ValidatePolicy).
Result<auth::Policy> ParsePolicy(const json& body) {
  auth::Policy policy;
  ASSIGN_OR_RETURN(policy.id, RequiredString(body, "id"));
  auto st = body.find("statement");
  if (st == body.end() || !st->is_array() || st->empty()) {
    return BadField("statement", "must be a non-empty array of statements");
  }
  for (std::size_t i = 0; i < st->size(); ++i) {
    const json& in = (*st)[i];
    const std::string at = "statement[" + std::to_string(i) + "]";
    if (!in.is_object()) return BadField(at, "must be an object {effect, action, resource}");
    auth::Statement s;
    ASSIGN_OR_RETURN(std::string effect, RequiredString(in, "effect"));
    auto parsed_effect = auth::ParseEffect(effect);
    if (!parsed_effect.ok()) return BadField(at + ".effect", "must be \"allow\" or \"deny\"");
    s.effect = *parsed_effect;
    auto actions = in.find("action");
    if (actions != in.end() && actions->is_string()) {
      s.actions.push_back(actions->get<std::string>());
    } else if (actions != in.end() && actions->is_array() && !actions->empty()) {
      for (const json& a : *actions) {
        if (!a.is_string()) return BadField(at + ".action", "must hold only strings");
        s.actions.push_back(a.get<std::string>());
      }
    } else {
      return BadField(at + ".action", "must be a non-empty array of action names");
    }
    auto resource = in.find("resource");
    if (resource == in.end() || resource->is_null()) {
      return BadField(at + ".resource", "is required");
    }
    ASSIGN_OR_RETURN(s.resources, ParseResources(*resource, at + ".resource"));
    policy.statements.push_back(std::move(s));
  }
  return policy;
}

const std::string& UserId(const Context& ctx) { return ctx.params[2]; }

// ---- users ----------------------------------------------------------------------------------

// GET /auth/users?prefix&after&amount
Result<http::Response> ListUsers(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kListUsers, std::string(auth::kAllArn)));
  ASSIGN_OR_RETURN(Pagination p, Pagination::FromQuery(ctx.query));
  ASSIGN_OR_RETURN(json page,
                   ListPage(
                       p,
                       [&](std::string_view after, std::size_t amount) {
                         return ctx.deps.credentials->ListUsers(after, amount);
                       },
                       [](const auth::User& u) -> const std::string& { return u.id; }, UserJson));
  return JsonResponse(200, page);
}

// POST /auth/users {id, invite_user?}
Result<http::Response> CreateUser(const Context& ctx) {
  ASSIGN_OR_RETURN(json body, ctx.JsonBody());
  ASSIGN_OR_RETURN(std::string id, RequiredString(body, "id"));
  ASSIGN_OR_RETURN(bool invite, OptionalBool(body, "invite_user"));
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kCreateUser, UserArn(id)));
  if (invite) {
    return Status::InvalidArgument(
        "invite_user is not supported: this server sends no email; create the user without it "
        "and give them an access key (POST /auth/users/{userId}/credentials)");
  }
  auth::User user;
  user.id = std::move(id);
  ASSIGN_OR_RETURN(auth::User created, ctx.deps.credentials->CreateUser(user));
  return JsonResponse(201, UserJson(created));
}

// GET /auth/users/{userId}
Result<http::Response> GetUser(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kReadUser, UserArn(UserId(ctx))));
  ASSIGN_OR_RETURN(auth::User user, ctx.deps.credentials->GetUser(UserId(ctx)));
  return JsonResponse(200, UserJson(user));
}

// DELETE /auth/users/{userId}: the user, its keys, memberships and policy attachments.
Result<http::Response> DeleteUser(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kDeleteUser, UserArn(UserId(ctx))));
  RETURN_IF_ERROR(ctx.deps.credentials->GetUser(UserId(ctx)).status());
  if (ctx.deps.policies != nullptr) RETURN_IF_ERROR(ctx.deps.policies->ForgetUser(UserId(ctx)));
  RETURN_IF_ERROR(ctx.deps.credentials->DeleteUser(UserId(ctx)));
  InvalidateUser(ctx, UserId(ctx));
  return NoContent();
}

// GET /auth/users/{userId}/groups?prefix&after&amount
Result<http::Response> ListUserGroups(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kReadUser, UserArn(UserId(ctx))));
  ASSIGN_OR_RETURN(auth::PolicyStore * policies, Policies(ctx));
  ASSIGN_OR_RETURN(Pagination p, Pagination::FromQuery(ctx.query));
  RETURN_IF_ERROR(ctx.deps.credentials->GetUser(UserId(ctx)).status());
  ASSIGN_OR_RETURN(json page, ListPage(
                                  p,
                                  [&](std::string_view after, std::size_t amount) {
                                    return policies->ListUserGroups(UserId(ctx), after, amount);
                                  },
                                  IdOfString, [](const std::string& id) { return id; }));
  // The store lists ids; the answer carries whole groups.
  for (json& item : page["results"]) {
    ASSIGN_OR_RETURN(auth::Group group, policies->GetGroup(item.get<std::string>()));
    item = GroupJson(group);
  }
  return JsonResponse(200, page);
}

const std::string& PolicyIdOf(const auth::Policy& p) { return p.id; }

// GET /auth/users/{userId}/policies?prefix&after&amount&effective
// effective=true adds the policies of the user's groups.
Result<http::Response> ListUserPolicies(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kReadUser, UserArn(UserId(ctx))));
  ASSIGN_OR_RETURN(auth::PolicyStore * policies, Policies(ctx));
  ASSIGN_OR_RETURN(Pagination p, Pagination::FromQuery(ctx.query));
  std::string_view effective = ctx.query.get("effective");
  if (!effective.empty() && effective != "true" && effective != "false") {
    return Status::InvalidArgument("query parameter 'effective' must be true or false");
  }
  RETURN_IF_ERROR(ctx.deps.credentials->GetUser(UserId(ctx)).status());
  if (effective == "true") {
    ASSIGN_OR_RETURN(std::vector<auth::Policy> all, policies->EffectivePolicies(UserId(ctx)));
    ASSIGN_OR_RETURN(json page, ListPage(p, FetchFrom(all, PolicyIdOf), PolicyIdOf, PolicyJson));
    return JsonResponse(200, page);
  }
  ASSIGN_OR_RETURN(json page, ListPage(
                                  p,
                                  [&](std::string_view after, std::size_t amount) {
                                    return policies->ListUserPolicies(UserId(ctx), after, amount);
                                  },
                                  PolicyIdOf, PolicyJson));
  return JsonResponse(200, page);
}

// PUT /auth/users/{userId}/policies/{policyId}
Result<http::Response> AttachPolicyToUser(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kAttachPolicy, UserArn(UserId(ctx))));
  ASSIGN_OR_RETURN(auth::PolicyStore * policies, Policies(ctx));
  RETURN_IF_ERROR(ctx.deps.credentials->GetUser(UserId(ctx)).status());
  RETURN_IF_ERROR(policies->AttachUserPolicy(UserId(ctx), ctx.params[4]));
  InvalidateUser(ctx, UserId(ctx));
  return NoContent(201);
}

// DELETE /auth/users/{userId}/policies/{policyId}
Result<http::Response> DetachPolicyFromUser(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kDetachPolicy, UserArn(UserId(ctx))));
  ASSIGN_OR_RETURN(auth::PolicyStore * policies, Policies(ctx));
  RETURN_IF_ERROR(ctx.deps.credentials->GetUser(UserId(ctx)).status());
  RETURN_IF_ERROR(policies->DetachUserPolicy(UserId(ctx), ctx.params[4]));
  InvalidateUser(ctx, UserId(ctx));
  return NoContent();
}

// ---- credentials ----------------------------------------------------------------------------

const std::string& KeyIdOf(const auth::Credential& c) { return c.access_key_id; }

// GET /auth/users/{userId}/credentials?prefix&after&amount
Result<http::Response> ListUserCredentials(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kListCredentials, UserArn(UserId(ctx))));
  ASSIGN_OR_RETURN(Pagination p, Pagination::FromQuery(ctx.query));
  RETURN_IF_ERROR(ctx.deps.credentials->GetUser(UserId(ctx)).status());
  ASSIGN_OR_RETURN(std::vector<auth::Credential> all,
                   ctx.deps.credentials->ListCredentials(UserId(ctx)));
  ASSIGN_OR_RETURN(json page, ListPage(p, FetchFrom(all, KeyIdOf), KeyIdOf, CredentialsJson));
  return JsonResponse(200, page);
}

// POST /auth/users/{userId}/credentials: a new key pair; the only answer carrying the secret.
Result<http::Response> CreateCredentials(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kCreateCredentials, UserArn(UserId(ctx))));
  RETURN_IF_ERROR(ctx.deps.credentials->GetUser(UserId(ctx)).status());
  ASSIGN_OR_RETURN(auth::Credential c, ctx.deps.credentials->CreateCredential(UserId(ctx)));
  return JsonResponse(201, {{"access_key_id", c.access_key_id},
                            {"secret_access_key", c.secret_access_key},
                            {"creation_date", UnixSeconds(c.created)}});
}

// The key `access_key_id` of user `user_id`; NotFound when it is another user's.
Result<auth::Credential> UserCredential(const Context& ctx) {
  const std::string& key = ctx.params[4];
  auto c = ctx.deps.credentials->GetCredential(key);
  if (!c.ok() || c->user_id != UserId(ctx)) {
    if (c.ok() || c.status().IsNotFound()) {
      return Status::NotFound("user " + UserId(ctx) + " has no access key " + key +
                              " (GET /auth/users/" + UserId(ctx) + "/credentials lists them)");
    }
    return std::move(c).status();
  }
  return c;
}

// GET /auth/users/{userId}/credentials/{accessKeyId}
Result<http::Response> GetCredentials(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kReadCredentials, UserArn(UserId(ctx))));
  ASSIGN_OR_RETURN(auth::Credential c, UserCredential(ctx));
  return JsonResponse(200, CredentialsJson(c));
}

// DELETE /auth/users/{userId}/credentials/{accessKeyId}
Result<http::Response> DeleteCredentials(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kDeleteCredentials, UserArn(UserId(ctx))));
  ASSIGN_OR_RETURN(auth::Credential c, UserCredential(ctx));
  RETURN_IF_ERROR(ctx.deps.credentials->DeleteCredential(c.user_id, c.access_key_id));
  return NoContent();
}

// ---- groups ---------------------------------------------------------------------------------

const std::string& GroupId(const Context& ctx) { return ctx.params[2]; }

// GET /auth/groups?prefix&after&amount
Result<http::Response> ListGroups(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kListGroups, std::string(auth::kAllArn)));
  ASSIGN_OR_RETURN(auth::PolicyStore * policies, Policies(ctx));
  ASSIGN_OR_RETURN(Pagination p, Pagination::FromQuery(ctx.query));
  ASSIGN_OR_RETURN(json page,
                   ListPage(
                       p,
                       [&](std::string_view after, std::size_t amount) {
                         return policies->ListGroups(after, amount);
                       },
                       [](const auth::Group& g) -> const std::string& { return g.id; }, GroupJson));
  return JsonResponse(200, page);
}

// POST /auth/groups {id, description?}
Result<http::Response> CreateGroup(const Context& ctx) {
  ASSIGN_OR_RETURN(json body, ctx.JsonBody());
  auth::Group group;
  ASSIGN_OR_RETURN(group.id, RequiredString(body, "id"));
  ASSIGN_OR_RETURN(std::optional<std::string> description, OptionalString(body, "description"));
  group.description = description.value_or("");
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kCreateGroup, GroupArn(group.id)));
  ASSIGN_OR_RETURN(auth::PolicyStore * policies, Policies(ctx));
  ASSIGN_OR_RETURN(auth::Group created, policies->CreateGroup(group));
  return JsonResponse(201, GroupJson(created));
}

// GET /auth/groups/{groupId}
Result<http::Response> GetGroup(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kReadGroup, GroupArn(GroupId(ctx))));
  ASSIGN_OR_RETURN(auth::PolicyStore * policies, Policies(ctx));
  ASSIGN_OR_RETURN(auth::Group group, policies->GetGroup(GroupId(ctx)));
  return JsonResponse(200, GroupJson(group));
}

// DELETE /auth/groups/{groupId}
Result<http::Response> DeleteGroup(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kDeleteGroup, GroupArn(GroupId(ctx))));
  ASSIGN_OR_RETURN(auth::PolicyStore * policies, Policies(ctx));
  RETURN_IF_ERROR(policies->DeleteGroup(GroupId(ctx)));
  InvalidateAll(ctx);
  return NoContent();
}

// GET /auth/groups/{groupId}/members?prefix&after&amount
Result<http::Response> ListGroupMembers(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kReadGroup, GroupArn(GroupId(ctx))));
  ASSIGN_OR_RETURN(auth::PolicyStore * policies, Policies(ctx));
  ASSIGN_OR_RETURN(Pagination p, Pagination::FromQuery(ctx.query));
  RETURN_IF_ERROR(policies->GetGroup(GroupId(ctx)).status());
  ASSIGN_OR_RETURN(json page, ListPage(
                                  p,
                                  [&](std::string_view after, std::size_t amount) {
                                    return policies->ListGroupMembers(GroupId(ctx), after, amount);
                                  },
                                  IdOfString, [](const std::string& id) { return id; }));
  // The store lists ids; the answer carries whole users.
  for (json& item : page["results"]) {
    ASSIGN_OR_RETURN(auth::User user, ctx.deps.credentials->GetUser(item.get<std::string>()));
    item = UserJson(user);
  }
  return JsonResponse(200, page);
}

// PUT /auth/groups/{groupId}/members/{userId}
Result<http::Response> AddGroupMembership(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kAddGroupMember, GroupArn(GroupId(ctx))));
  ASSIGN_OR_RETURN(auth::PolicyStore * policies, Policies(ctx));
  RETURN_IF_ERROR(policies->GetGroup(GroupId(ctx)).status());
  RETURN_IF_ERROR(ctx.deps.credentials->GetUser(ctx.params[4]).status());
  RETURN_IF_ERROR(policies->AddGroupMember(GroupId(ctx), ctx.params[4]));
  InvalidateUser(ctx, ctx.params[4]);
  return NoContent(201);
}

// DELETE /auth/groups/{groupId}/members/{userId}
Result<http::Response> DeleteGroupMembership(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kRemoveGroupMember, GroupArn(GroupId(ctx))));
  ASSIGN_OR_RETURN(auth::PolicyStore * policies, Policies(ctx));
  RETURN_IF_ERROR(policies->RemoveGroupMember(GroupId(ctx), ctx.params[4]));
  InvalidateUser(ctx, ctx.params[4]);
  return NoContent();
}

// GET /auth/groups/{groupId}/policies?prefix&after&amount
Result<http::Response> ListGroupPolicies(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kReadGroup, GroupArn(GroupId(ctx))));
  ASSIGN_OR_RETURN(auth::PolicyStore * policies, Policies(ctx));
  ASSIGN_OR_RETURN(Pagination p, Pagination::FromQuery(ctx.query));
  RETURN_IF_ERROR(policies->GetGroup(GroupId(ctx)).status());
  ASSIGN_OR_RETURN(json page, ListPage(
                                  p,
                                  [&](std::string_view after, std::size_t amount) {
                                    return policies->ListGroupPolicies(GroupId(ctx), after, amount);
                                  },
                                  PolicyIdOf, PolicyJson));
  return JsonResponse(200, page);
}

// PUT /auth/groups/{groupId}/policies/{policyId}
Result<http::Response> AttachPolicyToGroup(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kAttachPolicy, GroupArn(GroupId(ctx))));
  ASSIGN_OR_RETURN(auth::PolicyStore * policies, Policies(ctx));
  RETURN_IF_ERROR(policies->GetGroup(GroupId(ctx)).status());
  RETURN_IF_ERROR(policies->AttachGroupPolicy(GroupId(ctx), ctx.params[4]));
  InvalidateAll(ctx);
  return NoContent(201);
}

// DELETE /auth/groups/{groupId}/policies/{policyId}
Result<http::Response> DetachPolicyFromGroup(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kDetachPolicy, GroupArn(GroupId(ctx))));
  ASSIGN_OR_RETURN(auth::PolicyStore * policies, Policies(ctx));
  RETURN_IF_ERROR(policies->DetachGroupPolicy(GroupId(ctx), ctx.params[4]));
  InvalidateAll(ctx);
  return NoContent();
}

// ---- policies -------------------------------------------------------------------------------

const std::string& PolicyId(const Context& ctx) { return ctx.params[2]; }

// GET /auth/policies?prefix&after&amount
Result<http::Response> ListPolicies(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kListPolicies, std::string(auth::kAllArn)));
  ASSIGN_OR_RETURN(auth::PolicyStore * policies, Policies(ctx));
  ASSIGN_OR_RETURN(Pagination p, Pagination::FromQuery(ctx.query));
  ASSIGN_OR_RETURN(json page, ListPage(
                                  p,
                                  [&](std::string_view after, std::size_t amount) {
                                    return policies->ListPolicies(after, amount);
                                  },
                                  PolicyIdOf, PolicyJson));
  return JsonResponse(200, page);
}

// POST /auth/policies Policy {id, statement}
Result<http::Response> CreatePolicy(const Context& ctx) {
  ASSIGN_OR_RETURN(json body, ctx.JsonBody());
  ASSIGN_OR_RETURN(auth::Policy policy, ParsePolicy(body));
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kCreatePolicy, PolicyArn(policy.id)));
  ASSIGN_OR_RETURN(auth::PolicyStore * policies, Policies(ctx));
  ASSIGN_OR_RETURN(auth::Policy created, policies->CreatePolicy(policy));
  return JsonResponse(201, PolicyJson(created));
}

// GET /auth/policies/{policyId}
Result<http::Response> GetPolicy(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kReadPolicy, PolicyArn(PolicyId(ctx))));
  ASSIGN_OR_RETURN(auth::PolicyStore * policies, Policies(ctx));
  ASSIGN_OR_RETURN(auth::Policy policy, policies->GetPolicy(PolicyId(ctx)));
  return JsonResponse(200, PolicyJson(policy));
}

// PUT /auth/policies/{policyId} Policy {id, statement}: the body's id, when sent, must match.
Result<http::Response> UpdatePolicy(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kUpdatePolicy, PolicyArn(PolicyId(ctx))));
  ASSIGN_OR_RETURN(auth::PolicyStore * policies, Policies(ctx));
  ASSIGN_OR_RETURN(json body, ctx.JsonBody());
  if (!body.contains("id") || body["id"].is_null()) body["id"] = PolicyId(ctx);
  ASSIGN_OR_RETURN(auth::Policy policy, ParsePolicy(body));
  if (policy.id != PolicyId(ctx)) {
    return Status::InvalidArgument("field 'id' is " + policy.id + " but the path names policy " +
                                   PolicyId(ctx) + "; a policy cannot be renamed");
  }
  ASSIGN_OR_RETURN(auth::Policy updated, policies->UpdatePolicy(policy));
  InvalidateAll(ctx);
  return JsonResponse(200, PolicyJson(updated));
}

// DELETE /auth/policies/{policyId}
Result<http::Response> DeletePolicy(const Context& ctx) {
  RETURN_IF_ERROR(ctx.Authorize(auth_action::kDeletePolicy, PolicyArn(PolicyId(ctx))));
  ASSIGN_OR_RETURN(auth::PolicyStore * policies, Policies(ctx));
  RETURN_IF_ERROR(policies->DeletePolicy(PolicyId(ctx)));
  InvalidateAll(ctx);
  return NoContent();
}

constexpr Route kAuthRoutes[] = {
    {"GET", {"auth", "users"}, "listUsers", ListUsers},
    {"POST", {"auth", "users"}, "createUser", CreateUser},
    {"GET", {"auth", "users", "*"}, "getUser", GetUser},
    {"DELETE", {"auth", "users", "*"}, "deleteUser", DeleteUser},
    {"GET", {"auth", "users", "*", "groups"}, "listUserGroups", ListUserGroups},
    {"GET", {"auth", "users", "*", "policies"}, "listUserPolicies", ListUserPolicies},
    {"PUT", {"auth", "users", "*", "policies", "*"}, "attachPolicyToUser", AttachPolicyToUser},
    {"DELETE",
     {"auth", "users", "*", "policies", "*"},
     "detachPolicyFromUser",
     DetachPolicyFromUser},
    {"GET", {"auth", "users", "*", "credentials"}, "listUserCredentials", ListUserCredentials},
    {"POST", {"auth", "users", "*", "credentials"}, "createCredentials", CreateCredentials},
    {"GET", {"auth", "users", "*", "credentials", "*"}, "getCredentials", GetCredentials},
    {"DELETE", {"auth", "users", "*", "credentials", "*"}, "deleteCredentials", DeleteCredentials},
    {"GET", {"auth", "groups"}, "listGroups", ListGroups},
    {"POST", {"auth", "groups"}, "createGroup", CreateGroup},
    {"GET", {"auth", "groups", "*"}, "getGroup", GetGroup},
    {"DELETE", {"auth", "groups", "*"}, "deleteGroup", DeleteGroup},
    {"GET", {"auth", "groups", "*", "members"}, "listGroupMembers", ListGroupMembers},
    {"PUT", {"auth", "groups", "*", "members", "*"}, "addGroupMembership", AddGroupMembership},
    {"DELETE",
     {"auth", "groups", "*", "members", "*"},
     "deleteGroupMembership",
     DeleteGroupMembership},
    {"GET", {"auth", "groups", "*", "policies"}, "listGroupPolicies", ListGroupPolicies},
    {"PUT", {"auth", "groups", "*", "policies", "*"}, "attachPolicyToGroup", AttachPolicyToGroup},
    {"DELETE",
     {"auth", "groups", "*", "policies", "*"},
     "detachPolicyFromGroup",
     DetachPolicyFromGroup},
    {"GET", {"auth", "policies"}, "listPolicies", ListPolicies},
    {"POST", {"auth", "policies"}, "createPolicy", CreatePolicy},
    {"GET", {"auth", "policies", "*"}, "getPolicy", GetPolicy},
    {"PUT", {"auth", "policies", "*"}, "updatePolicy", UpdatePolicy},
    {"DELETE", {"auth", "policies", "*"}, "deletePolicy", DeletePolicy},
};

}  // namespace

std::span<const Route> AuthRoutes() { return kAuthRoutes; }

}  // namespace tarn::api
