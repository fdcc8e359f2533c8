// Object tagging: GET, PUT and DELETE ?tagging. Tags live in the entry's user metadata under
// kTaggingMetadataKey as a URL-encoded "k=v&k2=v2", so they version with the object; writing
// them records the same address and etag again (the object's bytes are not rewritten).
#include <pugixml.hpp>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/authorizer.h"
#include "gateway/context.h"
#include "gateway/operations.h"
#include "s3/errors.h"
#include "s3/uri_encoding.h"

namespace tarn::gateway {

namespace {

constexpr std::size_t kMaxTags = 10;
constexpr std::size_t kMaxTagKeyBytes = 128;
constexpr std::size_t kMaxTagValueBytes = 256;
constexpr std::size_t kMaxTaggingDocumentBytes = 64 << 10;
constexpr const char* kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

using TagSet = std::vector<std::pair<std::string, std::string>>;

Status InvalidTag(std::string_view what) {
  return s3::S3Error(s3::S3ErrorCode::kInvalidArgument, what);
}

Status ValidateTags(const TagSet& tags) {
  if (tags.size() > kMaxTags) {
    return InvalidTag("an object can have at most 10 tags, not " + std::to_string(tags.size()));
  }
  std::set<std::string_view> keys;
  for (const auto& [key, value] : tags) {
    if (key.empty() || key.size() > kMaxTagKeyBytes) {
      return InvalidTag("tag key '" + key + "' must have 1 to 128 characters");
    }
    if (value.size() > kMaxTagValueBytes) {
      return InvalidTag("the value of tag '" + key + "' is longer than 256 characters");
    }
    if (!keys.insert(key).second) {
      return InvalidTag("tag key '" + key + "' appears more than once: tag keys must be unique");
    }
  }
  return Status::OK();
}

// <Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging>.
Result<TagSet> DecodeTagging(std::string_view xml) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size());
  auto malformed = [](std::string_view what) {
    return s3::S3Error(s3::S3ErrorCode::kMalformedXML,
                       "the Tagging document is not valid: " + std::string(what));
  };
  if (!parsed) return malformed(parsed.description());
  pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "Tagging") return malformed("the root is not <Tagging>");
  pugi::xml_node tag_set = root.child("TagSet");
  if (!tag_set) return malformed("<TagSet> is missing");
  TagSet tags;
  for (pugi::xml_node tag : tag_set.children()) {
    if (tag.type() != pugi::node_element) continue;
    if (std::string_view(tag.name()) != "Tag") return malformed("<TagSet> holds only <Tag>");
    pugi::xml_node key = tag.child("Key");
    pugi::xml_node value = tag.child("Value");
    if (!key || !value) return malformed("every <Tag> needs a <Key> and a <Value>");
    tags.emplace_back(key.text().get(), value.text().get());
  }
  return tags;
}

std::string EncodeTagging(const TagSet& tags) {
  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node root = doc.append_child("Tagging");
  root.append_attribute("xmlns") = kS3Namespace;
  pugi::xml_node tag_set = root.append_child("TagSet");
  for (const auto& [key, value] : tags) {
    pugi::xml_node tag = tag_set.append_child("Tag");
    tag.append_child("Key").text().set(key.c_str());
    tag.append_child("Value").text().set(value.c_str());
  }
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw);
  return out.str();
}

std::string EncodeTagMetadata(const TagSet& tags) {
  std::string out;
  for (const auto& [key, value] : tags) {
    if (!out.empty()) out.push_back('&');
    s3::AppendUriEncoded(out, key, /*keep_slash=*/false);
    out.push_back('=');
    s3::AppendUriEncoded(out, value, /*keep_slash=*/false);
  }
  return out;
}

Result<TagSet> TagsOf(const catalog::Entry& entry) {
  TagSet tags;
  auto it = entry.metadata.find(std::string(kTaggingMetadataKey));
  if (it == entry.metadata.end()) return tags;
  ASSIGN_OR_RETURN(std::vector<s3::QueryParam> params, s3::ParseQuery(it->second));
  for (s3::QueryParam& param : params) {
    tags.emplace_back(std::move(param.name), std::move(param.value));
  }
  return tags;
}

// Authorizes `action` on the target object and resolves its repository.
Result<graveler::Repository> Prepare(Context& ctx, std::string_view action, RefPath& where) {
  where = SplitKey(ctx.target.key);
  RETURN_IF_ERROR(ctx.Authorize(action, auth::ObjectArn(ctx.target.bucket, where.path)));
  if (where.path.empty()) {
    return s3::S3Error(s3::S3ErrorCode::kInvalidRequest,
                       "tagging needs an object key of the form ref/path");
  }
  return ctx.Repository();
}

// Records `entry` again with its tags replaced by `tags` (none: the key is removed), unless
// the entry is changed meanwhile.
Status WriteTags(Context& ctx, const graveler::Repository& repo, const RefPath& where,
                 catalog::Entry entry, const TagSet& tags) {
  const std::string key(kTaggingMetadataKey);
  if (tags.empty()) {
    if (entry.metadata.erase(key) == 0) return Status::OK();
  } else {
    entry.metadata[key] = EncodeTagMetadata(tags);
  }
  catalog::EntryCondition condition;
  condition.if_match_etag = entry.etag;
  return ctx.catalog().CreateEntry(repo, where.ref, entry, condition);
}

Result<http::Response> DoGetObjectTagging(Context& ctx) {
  RefPath where;
  ASSIGN_OR_RETURN(graveler::Repository repo, Prepare(ctx, auth::action::kReadObject, where));
  ASSIGN_OR_RETURN(catalog::Entry entry, ctx.GetEntry(repo, where));
  ASSIGN_OR_RETURN(TagSet tags, TagsOf(entry));
  return XmlResponse(EncodeTagging(tags));
}

Result<http::Response> DoPutObjectTagging(Context& ctx) {
  RefPath where;
  ASSIGN_OR_RETURN(graveler::Repository repo, Prepare(ctx, auth::action::kWriteObject, where));
  RETURN_IF_ERROR(ctx.RequireWritableBranch(repo, where.ref));
  ASSIGN_OR_RETURN(std::string document, ReadSmallBody(ctx, kMaxTaggingDocumentBytes));
  ASSIGN_OR_RETURN(TagSet tags, DecodeTagging(document));
  RETURN_IF_ERROR(ValidateTags(tags));
  ASSIGN_OR_RETURN(catalog::Entry entry, ctx.GetEntry(repo, where));
  RETURN_IF_ERROR(WriteTags(ctx, repo, where, std::move(entry), tags));
  return http::Response{};
}

Result<http::Response> DoDeleteObjectTagging(Context& ctx) {
  RefPath where;
  ASSIGN_OR_RETURN(graveler::Repository repo, Prepare(ctx, auth::action::kWriteObject, where));
  RETURN_IF_ERROR(ctx.RequireWritableBranch(repo, where.ref));
  ASSIGN_OR_RETURN(catalog::Entry entry, ctx.GetEntry(repo, where));
  RETURN_IF_ERROR(WriteTags(ctx, repo, where, std::move(entry), {}));
  http::Response response;
  response.status = 204;
  return response;
}

http::Response Answer(Context& ctx, Result<http::Response> response) {
  if (!response.ok()) return ErrorResponse(ctx.request, response.status());
  return std::move(response).value();
}

}  // namespace

http::Response GetObjectTagging(Context& ctx) { return Answer(ctx, DoGetObjectTagging(ctx)); }
http::Response PutObjectTagging(Context& ctx) { return Answer(ctx, DoPutObjectTagging(ctx)); }
http::Response DeleteObjectTagging(Context& ctx) { return Answer(ctx, DoDeleteObjectTagging(ctx)); }

}  // namespace tarn::gateway
