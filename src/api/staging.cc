// Staging endpoints: physical addresses for direct uploads (getPhysicalAddress and
// linkPhysicalAddress), and the route table of refs dump/restore (handlers in dump.cc).
//
// A client that writes object bytes itself asks for a physical address, writes the bytes there
// and links the address to a path. The server keeps no record of the addresses it hands out:
// each one carries its own proof. Its key is
//   data/<hour>/<fan-out>/<id>_<expiry>_<signature>
// where data/<hour>/<fan-out>/<id> comes from the catalog's address generator, <expiry> is unix
// seconds and <signature> is 32 hex digits of HMAC-SHA256 over the repository, branch, path,
// generated address and expiry, keyed by a key derived from ApiDeps::token_key. A link is
// accepted only for the repository, branch and path the address was issued for, before it
// expires, and when the object written there has the size the client declares. Because the
// proof is in the address itself, lakeFS clients, which send back only the StagingLocation's
// physical_address, work unchanged.
#include <openssl/crypto.h>

#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>

#include "api/handlers.h"
#include "api/presign.h"
#include "s3/crypto.h"
#include "s3/time_format.h"

namespace tarn::api {

namespace {

inline constexpr std::string_view kWriteObject = auth::action::kWriteObject;

// How long an issued address may be linked.
constexpr std::chrono::hours kAddressLifetime{6};
// Hex digits of the signature kept in the address (128 bits).
constexpr std::size_t kSignatureHex = 32;
// Separates what the generator made from the expiry and the signature; never in a generated
// address.
constexpr char kProofSeparator = '_';

const std::string& RepoId(const Context& ctx) { return ctx.params[1]; }
const std::string& BranchId(const Context& ctx) { return ctx.params[3]; }

Result<std::string> RequiredPath(const Context& ctx) {
  if (!ctx.query.has("path") || ctx.query.get("path").empty()) {
    return Status::InvalidArgument(
        "query parameter 'path' is required: name the object with ?path=<path>");
  }
  return std::string(ctx.query.get("path"));
}

// The signing key, derived so a staging signature can never pass for a login token.
Result<std::string> StagingKey(const Context& ctx) {
  if (ctx.deps.token_key.empty()) {
    return Status::NotImplemented(
        "staging physical addresses are signed with a key derived from auth.encrypt.secret_key, "
        "and none is configured: set auth.encrypt.secret_key, or upload with uploadObject");
  }
  auto key = s3::HmacSha256(ctx.deps.token_key, "tarn staging address v1");
  return std::string(s3::AsView(key));
}

void AppendField(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}

// The hex signature of an address issued for (repo, branch, path) expiring at `expiry`.
std::string Sign(std::string_view key, std::string_view repo, std::string_view branch,
                 std::string_view path, std::string_view base, int64_t expiry) {
  std::string message;
  message.reserve(64 + repo.size() + branch.size() + path.size() + base.size());
  AppendField(message, repo);
  AppendField(message, branch);
  AppendField(message, path);
  AppendField(message, base);
  AppendField(message, std::to_string(expiry));
  return s3::ToHex(s3::HmacSha256(key, message)).substr(0, kSignatureHex);
}

// The parts of an issued address's key.
struct IssuedAddress {
  std::string_view base;  // what the generator made
  int64_t expiry = 0;
  std::string_view signature;
};

std::optional<IssuedAddress> ParseIssued(std::string_view key) {
  auto sig_at = key.rfind(kProofSeparator);
  if (sig_at == std::string_view::npos || sig_at == 0) return std::nullopt;
  auto exp_at = key.rfind(kProofSeparator, sig_at - 1);
  if (exp_at == std::string_view::npos) return std::nullopt;
  IssuedAddress out;
  out.base = key.substr(0, exp_at);
  out.signature = key.substr(sig_at + 1);
  std::string_view expiry = key.substr(exp_at + 1, sig_at - exp_at - 1);
  auto [end, ec] = std::from_chars(expiry.data(), expiry.data() + expiry.size(), out.expiry);
  if (expiry.empty() || ec != std::errc() || end != expiry.data() + expiry.size() ||
      out.signature.size() != kSignatureHex || !out.base.starts_with("data/")) {
    return std::nullopt;
  }
  return out;
}

Status NotIssued(const Context& ctx, std::string_view path, std::string_view address) {
  return Status::PermissionDenied(
      "physical address '" + std::string(address) + "' was not issued by this server for '" +
      std::string(path) + "' on branch '" + BranchId(ctx) + "' of repository '" + RepoId(ctx) +
      "': request one with GET .../staging/backing?path=" + std::string(path) +
      " and write the object there");
}

// OK when `branch` is a branch of the repository; NotFound naming it otherwise.
Status RequireBranch(const Context& ctx, const graveler::Repository& repo,
                     std::string_view branch) {
  auto found = ctx.graveler().GetBranch(repo, branch);
  if (found.ok()) return Status::OK();
  if (found.status().code() == StatusCode::kInvalidArgument) {
    return Status::NotFound("branch '" + std::string(branch) + "' not found in repository '" +
                            repo.id + "'");
  }
  return found.status();
}

std::string_view Unquote(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    return etag.substr(1, etag.size() - 2);
  }
  return etag;
}

Result<catalog::EntryCondition> ConditionOf(const http::Request& request) {
  catalog::EntryCondition condition;
  if (request.has_header("if-none-match")) {
    if (request.header("if-none-match") != "*") {
      return Status::InvalidArgument(
          "If-None-Match on a link supports only '*' (link only if the path is absent)");
    }
    condition.if_none_match_any = true;
  }
  if (request.has_header("if-match")) {
    condition.if_match_etag = std::string(Unquote(request.header("if-match")));
  }
  return condition;
}

// ObjectStats of a linked entry.
nlohmann::json LinkedStats(const std::string& physical_address, const catalog::Entry& entry) {
  nlohmann::json meta = nlohmann::json::object();
  for (const auto& [k, v] : entry.metadata) meta[k] = v;
  return {
      {"path", entry.path},
      {"path_type", "object"},
      {"physical_address", physical_address},
      {"checksum", entry.etag},
      {"size_bytes", entry.size},
      {"mtime", s3::ToUnixSeconds(entry.last_modified)},
      {"content_type", entry.content_type},
      {"metadata", std::move(meta)},
  };
}

// GET /repositories/{repository}/branches/{branch}/staging/backing?path&presign
Result<http::Response> GetPhysicalAddress(const Context& ctx) {
  ASSIGN_OR_RETURN(std::string path, RequiredPath(ctx));
  RETURN_IF_ERROR(ctx.Authorize(kWriteObject, auth::ObjectArn(RepoId(ctx), path)));
  ASSIGN_OR_RETURN(std::string key, StagingKey(ctx));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  RETURN_IF_ERROR(RequireBranch(ctx, repo, BranchId(ctx)));
  ASSIGN_OR_RETURN(bool presign, PresignRequested(ctx));
  const int64_t expiry = UnixSeconds(ctx.deps.clock->Now() + kAddressLifetime);
  std::string base = ctx.deps.catalog->NewPhysicalAddress();
  std::string signature = Sign(key, repo.id, BranchId(ctx), path, base, expiry);
  std::string relative =
      base + kProofSeparator + std::to_string(expiry) + kProofSeparator + signature;
  std::string address = repo.storage_namespace + "/" + relative;
  nlohmann::json body = {{"physical_address", std::move(address)}, {"presigned_url", nullptr}};
  if (presign) {
    // The client PUTs the bytes to this URL, then links the physical address.
    ASSIGN_OR_RETURN(std::string url,
                     PresignUrl(ctx, block::ObjectPointer{repo.storage_namespace, relative},
                                block::PresignMethod::kPut));
    body["presigned_url"] = std::move(url);
    body["presigned_url_expiry"] = PresignExpiryUnix(ctx);
  }
  return JsonResponse(200, body);
}

// PUT /repositories/{repository}/branches/{branch}/staging/backing?path  StagingMetadata
Result<http::Response> LinkPhysicalAddress(const Context& ctx) {
  ASSIGN_OR_RETURN(std::string path, RequiredPath(ctx));
  RETURN_IF_ERROR(ctx.Authorize(kWriteObject, auth::ObjectArn(RepoId(ctx), path)));
  ASSIGN_OR_RETURN(nlohmann::json body, ctx.JsonBody());
  auto staging = body.find("staging");
  if (staging == body.end() || !staging->is_object()) {
    return Status::InvalidArgument(
        "field 'staging' is required: pass the StagingLocation getPhysicalAddress returned");
  }
  ASSIGN_OR_RETURN(std::string address, RequiredString(*staging, "physical_address"));
  ASSIGN_OR_RETURN(std::optional<int64_t> size, OptionalInt(body, "size_bytes"));
  if (!size || *size < 0) {
    return Status::InvalidArgument(
        "field 'size_bytes' is required: the number of bytes written to the address");
  }
  ASSIGN_OR_RETURN(std::optional<std::string> checksum, OptionalString(body, "checksum"));
  ASSIGN_OR_RETURN(auto user_metadata, OptionalStringMap(body, "user_metadata"));
  ASSIGN_OR_RETURN(std::optional<std::string> content_type, OptionalString(body, "content_type"));
  ASSIGN_OR_RETURN(catalog::EntryCondition condition, ConditionOf(ctx.request));
  ASSIGN_OR_RETURN(std::string key, StagingKey(ctx));
  ASSIGN_OR_RETURN(graveler::Repository repo, ctx.Repository());
  RETURN_IF_ERROR(RequireBranch(ctx, repo, BranchId(ctx)));

  // The signature is checked before anything else about the address, so an address forged for
  // another repository, branch or path learns nothing about its expiry or its object.
  const std::string prefix = repo.storage_namespace + "/";
  if (!address.starts_with(prefix)) return NotIssued(ctx, path, address);
  std::string_view relative = std::string_view(address).substr(prefix.size());
  std::optional<IssuedAddress> issued = ParseIssued(relative);
  if (!issued) return NotIssued(ctx, path, address);
  const std::string expected =
      Sign(key, repo.id, BranchId(ctx), path, issued->base, issued->expiry);
  if (CRYPTO_memcmp(expected.data(), issued->signature.data(), kSignatureHex) != 0) {
    return NotIssued(ctx, path, address);
  }
  const auto now = ctx.deps.clock->Now();
  if (UnixSeconds(now) > issued->expiry) {
    return Status::InvalidArgument("physical address '" + address + "' expired at " +
                                   std::to_string(issued->expiry) +
                                   " (unix seconds): request a new one and write the object again");
  }

  catalog::Entry entry;
  entry.path = path;
  entry.address = std::string(relative);
  entry.address_type = catalog::Entry::AddressType::kRelative;
  auto reader = ctx.deps.catalog->OpenObject(repo, entry, std::nullopt);
  if (!reader.ok()) {
    if (reader.status().code() == StatusCode::kNotFound) {
      return Status::InvalidArgument("no object at physical address '" + address +
                                     "': write the object there before linking it");
    }
    return std::move(reader).status();
  }
  const block::ObjectInfo& info = (*reader)->info();
  if (info.size != static_cast<uint64_t>(*size)) {
    return Status::InvalidArgument("the object at '" + address + "' has " +
                                   std::to_string(info.size) + " bytes, not size_bytes " +
                                   std::to_string(*size) +
                                   ": write the whole object, or declare "
                                   "its size");
  }
  entry.size = info.size;
  // The store's ETag is what reads will report; the client's checksum only stands in for it
  // when a store keeps none.
  entry.etag = info.etag.empty() && checksum ? std::string(Unquote(*checksum)) : info.etag;
  entry.metadata = std::move(user_metadata);
  entry.content_type = content_type && !content_type->empty()
                           ? std::move(*content_type)
                           : std::string(catalog::kDefaultContentType);
  entry.last_modified = std::chrono::time_point_cast<std::chrono::milliseconds>(now);
  RETURN_IF_ERROR(ctx.deps.catalog->CreateEntry(repo, BranchId(ctx), entry, condition));
  return JsonResponse(200, LinkedStats(address, entry));
}

constexpr Route kStagingRoutes[] = {
    {"GET",
     {"repositories", "*", "branches", "*", "staging", "backing"},
     "getPhysicalAddress",
     GetPhysicalAddress},
    {"PUT",
     {"repositories", "*", "branches", "*", "staging", "backing"},
     "linkPhysicalAddress",
     LinkPhysicalAddress},
    {"PUT", {"repositories", "*", "refs", "dump"}, "dumpRefs", DumpRefs},
    {"PUT", {"repositories", "*", "refs", "restore"}, "restoreRefs", RestoreRefs},
    {"POST", {"repositories", "*", "dump"}, "dumpSubmit", DumpSubmit},
    {"GET", {"repositories", "*", "dump"}, "dumpStatus", DumpStatus},
    {"POST", {"repositories", "*", "restore"}, "restoreSubmit", RestoreSubmit},
    {"GET", {"repositories", "*", "restore"}, "restoreStatus", RestoreStatus},
};

}  // namespace

std::span<const Route> StagingRoutes() { return kStagingRoutes; }

}  // namespace tarn::api
