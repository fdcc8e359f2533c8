#include "s3/sigv2.h"

#include <algorithm>
#include <charconv>

#include "common/coding.h"
#include "s3/errors.h"
#include "s3/uri_encoding.h"

namespace tarn::s3 {
namespace {

constexpr std::string_view kSubResources[] = {
    "accelerate",
    "acl",
    "analytics",
    "cors",
    "defaultObjectAcl",
    "delete",
    "inventory",
    "lifecycle",
    "location",
    "logging",
    "metrics",
    "notification",
    "object-lock",
    "partNumber",
    "policy",
    "replication",
    "requestPayment",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "response-content-language",
    "response-content-type",
    "response-expires",
    "restore",
    "select",
    "select-type",
    "storageClass",
    "tagging",
    "torrent",
    "uploadId",
    "uploads",
    "versionId",
    "versioning",
    "versions",
    "website",
};

bool IsSubResource(std::string_view name) {
  return std::find(std::begin(kSubResources), std::end(kSubResources), name) !=
         std::end(kSubResources);
}

void AppendCanonicalResource(std::string& out, std::string_view path, std::string_view query) {
  out += path;
  struct Item {
    std::string_view name;
    std::string value;
    bool has_value;
  };
  std::vector<Item> items;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view segment = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    std::size_t eq = segment.find('=');
    std::string_view name = segment.substr(0, eq);
    if (!IsSubResource(name)) continue;
    Item item{name, {}, eq != std::string_view::npos};
    if (item.has_value) {
      std::string_view raw = segment.substr(eq + 1);
      auto decoded = UriDecode(raw, /*plus_is_space=*/false);
      item.value = decoded ? std::move(*decoded) : std::string(raw);
    }
    items.push_back(std::move(item));
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const Item& a, const Item& b) { return a.name < b.name; });
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += i == 0 ? '?' : '&';
    out += items[i].name;
    if (items[i].has_value) {
      out += '=';
      out += items[i].value;
    }
  }
}

std::vector<std::pair<std::string_view, std::string_view>> AmzHeaders(
    std::span<const Header> headers) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  for (const Header& h : headers) {
    if (StartsWithIgnoreCase(h.name, "x-amz-")) out.emplace_back(h.name, h.value);
  }
  return out;
}

std::string_view HeaderOr(std::span<const Header> headers, std::string_view name) {
  auto v = FindHeader(headers, name);
  return v ? TrimWhitespace(*v) : std::string_view();
}

// The resource path a request signs: virtual-host requests put the bucket back in front.
std::string ResourcePath(const HttpRequestView& request, std::string_view path) {
  std::string out;
  if (!request.virtual_host_bucket.empty()) {
    out += '/';
    out += request.virtual_host_bucket;
  }
  out += path.empty() ? std::string_view("/") : path;
  return out;
}

// The candidate resource paths: the raw path as sent, then its canonical re-encoding when that
// differs (clients disagree on which characters to escape).
std::vector<std::string> ResourceCandidates(const HttpRequestView& request) {
  std::vector<std::string> out = {ResourcePath(request, request.path)};
  auto canonical = CanonicalUri(request.path);
  if (canonical.ok()) {
    std::string alt = ResourcePath(request, *canonical);
    if (alt != out[0]) out.push_back(std::move(alt));
  }
  return out;
}

}  // namespace

std::span<const std::string_view> SigV2SubResources() { return kSubResources; }

std::string SigV2StringToSign(const SigV2Inputs& in) {
  std::string out;
  out += in.method;
  out += '\n';
  out += in.content_md5;
  out += '\n';
  out += in.content_type;
  out += '\n';
  out += in.date;
  out += '\n';
  std::vector<std::pair<std::string, std::string>> amz;
  for (const auto& [name, value] : in.amz_headers) {
    std::string lower = ToLowerAscii(TrimWhitespace(name));
    std::string_view trimmed = TrimWhitespace(value);
    auto it = std::find_if(amz.begin(), amz.end(), [&](const auto& p) { return p.first == lower; });
    if (it == amz.end()) {
      amz.emplace_back(std::move(lower), std::string(trimmed));
    } else {
      it->second += ',';
      it->second += trimmed;
    }
  }
  std::sort(amz.begin(), amz.end());
  for (const auto& [name, value] : amz) {
    out += name;
    out += ':';
    out += value;
    out += '\n';
  }
  AppendCanonicalResource(out, in.resource_path, in.raw_query);
  return out;
}

std::string SigV2Signature(std::string_view secret_access_key, std::string_view string_to_sign) {
  return Base64Encode(AsView(HmacSha1(secret_access_key, string_to_sign)));
}

SigV2HeaderSignature SignSigV2Header(const HttpRequestView& request, const Credentials& credentials,
                                     TimePoint now) {
  SigV2HeaderSignature out;
  out.date = FormatHttpDate(now);
  std::string resource = ResourcePath(request, request.path);
  SigV2Inputs in{.method = request.method,
                 .content_md5 = HeaderOr(request.headers, "content-md5"),
                 .content_type = HeaderOr(request.headers, "content-type"),
                 .date = FindHeader(request.headers, "x-amz-date") ? std::string_view()
                                                                   : std::string_view(out.date),
                 .amz_headers = AmzHeaders(request.headers),
                 .resource_path = resource,
                 .raw_query = request.query};
  if (!credentials.session_token.empty() && !FindHeader(request.headers, "x-amz-security-token")) {
    in.amz_headers.emplace_back("x-amz-security-token", credentials.session_token);
  }
  out.string_to_sign = SigV2StringToSign(in);
  out.authorization = "AWS " + credentials.access_key_id + ":" +
                      SigV2Signature(credentials.secret_access_key, out.string_to_sign);
  return out;
}

SigV2Presigned PresignSigV2(const HttpRequestView& request, const Credentials& credentials,
                            TimePoint expires) {
  std::string expires_text = std::to_string(ToUnixSeconds(expires));
  std::string resource = ResourcePath(request, request.path);
  SigV2Inputs in{.method = request.method,
                 .content_md5 = HeaderOr(request.headers, "content-md5"),
                 .content_type = HeaderOr(request.headers, "content-type"),
                 .date = expires_text,
                 .amz_headers = AmzHeaders(request.headers),
                 .resource_path = resource,
                 .raw_query = request.query};
  if (!credentials.session_token.empty()) {
    in.amz_headers.emplace_back("x-amz-security-token", credentials.session_token);
  }
  SigV2Presigned out;
  out.string_to_sign = SigV2StringToSign(in);
  out.signature = SigV2Signature(credentials.secret_access_key, out.string_to_sign);
  std::vector<std::pair<std::string, std::string>> params = {
      {"AWSAccessKeyId", credentials.access_key_id},
      {"Expires", expires_text},
      {"Signature", out.signature},
  };
  // The signed x-amz-* values travel in the query, so a plain GET of the URL verifies.
  for (const auto& [name, value] : in.amz_headers) {
    params.emplace_back(ToLowerAscii(name), std::string(TrimWhitespace(value)));
  }
  out.query = BuildQueryString(params);
  return out;
}

Result<AuthResult> VerifySigV2Header(const HttpRequestView& request, const VerifyContext& context) {
  auto header = FindHeader(request.headers, "authorization");
  std::string_view value = header ? TrimWhitespace(*header) : std::string_view();
  if (!value.starts_with("AWS ")) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "Authorization header is invalid -- expected 'AWS AccessKeyId:Signature'");
  }
  value = TrimWhitespace(value.substr(4));
  std::size_t colon = value.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == value.size()) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "Authorization header is invalid -- expected 'AWS AccessKeyId:Signature'");
  }
  std::string access_key_id(value.substr(0, colon));
  std::string_view signature = value.substr(colon + 1);

  std::optional<std::string_view> amz_date = FindHeader(request.headers, "x-amz-date");
  std::optional<std::string_view> date = FindHeader(request.headers, "date");
  std::optional<std::string_view> time_text = amz_date ? amz_date : date;
  std::optional<TimePoint> signed_at;
  if (time_text) {
    std::string_view t = TrimWhitespace(*time_text);
    signed_at = ParseHttpDate(t);
    if (!signed_at) signed_at = ParseAmzDate(t);
  }
  if (!signed_at) {
    return S3Error(S3ErrorCode::kAccessDenied,
                   "AWS authentication requires a valid Date or x-amz-date header");
  }

  ASSIGN_OR_RETURN(std::string secret, LookupSecret(context, access_key_id));
  auto skew = context.clock.Now() - *signed_at;
  if (skew > context.options.max_clock_skew || -skew > context.options.max_clock_skew) {
    return S3Error(S3ErrorCode::kRequestTimeTooSkewed);
  }

  // AWS leaves the Date line empty when x-amz-date is sent; some clients sign Date anyway.
  std::vector<std::string_view> date_lines = {amz_date ? std::string_view()
                                                       : TrimWhitespace(date.value_or(""))};
  if (amz_date && date) date_lines.push_back(TrimWhitespace(*date));
  bool ok = false;
  for (const std::string& resource : ResourceCandidates(request)) {
    for (std::string_view date_line : date_lines) {
      SigV2Inputs in{.method = request.method,
                     .content_md5 = HeaderOr(request.headers, "content-md5"),
                     .content_type = HeaderOr(request.headers, "content-type"),
                     .date = date_line,
                     .amz_headers = AmzHeaders(request.headers),
                     .resource_path = resource,
                     .raw_query = request.query};
      if (ConstantTimeEquals(SigV2Signature(secret, SigV2StringToSign(in)), signature)) ok = true;
    }
  }
  std::fill(secret.begin(), secret.end(), '\0');
  if (!ok) return S3Error(S3ErrorCode::kSignatureDoesNotMatch);

  AuthResult out;
  out.method = AuthMethod::kSigV2Header;
  out.access_key_id = std::move(access_key_id);
  if (auto token = FindHeader(request.headers, "x-amz-security-token")) {
    out.session_token = std::string(TrimWhitespace(*token));
  }
  out.payload_mode = PayloadMode::kUnsigned;
  out.signed_at = *signed_at;
  return out;
}

Result<AuthResult> VerifySigV2Presigned(const HttpRequestView& request,
                                        const VerifyContext& context) {
  auto parsed = ParseQuery(request.query);
  if (!parsed.ok()) return S3Error(S3ErrorCode::kInvalidURI, parsed.status().message());
  const auto& params = *parsed;
  const QueryParam* akid = FindQueryParam(params, "AWSAccessKeyId");
  const QueryParam* expires = FindQueryParam(params, "Expires");
  const QueryParam* signature_param = FindQueryParam(params, "Signature");
  if (!akid || !expires || !signature_param || akid->value.empty()) {
    return S3Error(S3ErrorCode::kAccessDenied,
                   "Query-string authentication requires the Signature, Expires and "
                   "AWSAccessKeyId parameters");
  }
  int64_t expires_at = 0;
  const std::string& e = expires->value;
  auto [ptr, ec] = std::from_chars(e.data(), e.data() + e.size(), expires_at);
  if (e.empty() || ec != std::errc() || ptr != e.data() + e.size()) {
    return S3Error(S3ErrorCode::kAccessDenied,
                   "Expires must be a number of seconds since the epoch");
  }
  // A '+' of the base64 signature that the client forgot to escape decodes as a space.
  std::string signature = signature_param->value;
  std::replace(signature.begin(), signature.end(), ' ', '+');

  ASSIGN_OR_RETURN(std::string secret, LookupSecret(context, akid->value));
  if (ToUnixSeconds(context.clock.Now()) > expires_at) {
    return S3Error(S3ErrorCode::kAccessDenied, "Request has expired");
  }

  // Signed x-amz-* values (and Content-Type / Content-MD5) may travel in the query.
  std::vector<std::pair<std::string_view, std::string_view>> amz;
  for (const QueryParam& p : params) {
    if (StartsWithIgnoreCase(p.name, "x-amz-")) amz.emplace_back(p.name, p.value);
  }
  for (const Header& h : request.headers) {
    if (!StartsWithIgnoreCase(h.name, "x-amz-")) continue;
    bool in_query = std::any_of(amz.begin(), amz.end(),
                                [&](const auto& q) { return EqualsIgnoreCase(q.first, h.name); });
    if (!in_query) amz.emplace_back(h.name, h.value);
  }
  auto header_or_param = [&](std::string_view name) -> std::string_view {
    if (auto v = FindHeader(request.headers, name)) return TrimWhitespace(*v);
    for (const QueryParam& p : params) {
      if (EqualsIgnoreCase(p.name, name)) return TrimWhitespace(p.value);
    }
    return {};
  };
  bool ok = false;
  for (const std::string& resource : ResourceCandidates(request)) {
    SigV2Inputs in{.method = request.method,
                   .content_md5 = header_or_param("content-md5"),
                   .content_type = header_or_param("content-type"),
                   .date = e,
                   .amz_headers = amz,
                   .resource_path = resource,
                   .raw_query = request.query};
    if (ConstantTimeEquals(SigV2Signature(secret, SigV2StringToSign(in)), signature)) ok = true;
  }
  std::fill(secret.begin(), secret.end(), '\0');
  if (!ok) return S3Error(S3ErrorCode::kSignatureDoesNotMatch);

  AuthResult out;
  out.method = AuthMethod::kSigV2Query;
  out.access_key_id = akid->value;
  if (const QueryParam* token = FindQueryParam(params, "x-amz-security-token")) {
    out.session_token = token->value;
  } else if (auto header = FindHeader(request.headers, "x-amz-security-token")) {
    out.session_token = std::string(TrimWhitespace(*header));
  }
  out.payload_mode = PayloadMode::kUnsigned;
  out.signed_at = FromUnixSeconds(expires_at);
  return out;
}

}  // namespace tarn::s3
