#include "s3/sigv4.h"

#include <algorithm>

#include "s3/errors.h"
#include "s3/uri_encoding.h"

namespace tarn::s3 {
namespace {

bool IsHex64(std::string_view v) {
  if (v.size() != 64) return false;
  for (char c : v) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

std::string InvalidUriMessage(std::string_view what, std::string_view raw) {
  return "malformed percent-encoding in the request " + std::string(what) + " '" +
         std::string(raw.substr(0, 256)) + "'";
}

}  // namespace

Result<PayloadMode> ParsePayloadHash(std::string_view value) {
  if (IsHex64(value)) return PayloadMode::kSignedHash;
  if (value == kUnsignedPayload) return PayloadMode::kUnsigned;
  if (value == kStreamingSignedPayload) return PayloadMode::kStreamingSigned;
  if (value == kStreamingSignedPayloadTrailer) return PayloadMode::kStreamingSignedTrailer;
  if (value == kStreamingUnsignedPayloadTrailer) return PayloadMode::kStreamingUnsignedTrailer;
  return S3Error(S3ErrorCode::kInvalidArgument,
                 "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, "
                 "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, "
                 "STREAMING-UNSIGNED-PAYLOAD-TRAILER or a valid sha256 value");
}

bool IsStreaming(PayloadMode mode) {
  return mode == PayloadMode::kStreamingSigned || mode == PayloadMode::kStreamingSignedTrailer ||
         mode == PayloadMode::kStreamingUnsignedTrailer;
}

std::string_view PayloadModeName(PayloadMode mode) {
  switch (mode) {
    case PayloadMode::kUnsigned:
      return kUnsignedPayload;
    case PayloadMode::kStreamingSigned:
      return kStreamingSignedPayload;
    case PayloadMode::kStreamingSignedTrailer:
      return kStreamingSignedPayloadTrailer;
    case PayloadMode::kStreamingUnsignedTrailer:
      return kStreamingUnsignedPayloadTrailer;
    case PayloadMode::kSignedHash:
      break;
  }
  return {};
}

std::string CredentialScope::ToString() const {
  std::string out;
  out.reserve(date.size() + region.size() + service.size() + 16);
  out += date;
  out += '/';
  out += region;
  out += '/';
  out += service;
  out += '/';
  out += kScopeTerminator;
  return out;
}

SigningKey DeriveSigningKey(std::string_view secret_access_key, const CredentialScope& scope) {
  std::string seed = "AWS4";
  seed += secret_access_key;
  Sha256Bytes k_date = HmacSha256(seed, scope.date);
  Sha256Bytes k_region = HmacSha256(AsView(k_date), scope.region);
  Sha256Bytes k_service = HmacSha256(AsView(k_region), scope.service);
  // The seed holds the secret; do not leave it in freed memory longer than needed.
  std::fill(seed.begin(), seed.end(), '\0');
  return HmacSha256(AsView(k_service), kScopeTerminator);
}

Result<std::string> CanonicalUri(std::string_view raw_path) {
  if (raw_path.empty()) return std::string("/");
  auto decoded = UriDecode(raw_path, /*plus_is_space=*/false);
  if (!decoded) return S3Error(S3ErrorCode::kInvalidURI, InvalidUriMessage("path", raw_path));
  return UriEncodePath(*decoded);
}

Result<std::string> CanonicalQueryString(std::string_view raw_query, std::string_view exclude) {
  auto params = ParseQuery(raw_query);
  if (!params.ok()) {
    return S3Error(S3ErrorCode::kInvalidURI, InvalidUriMessage("query", raw_query));
  }
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params->size());
  for (const QueryParam& p : *params) {
    if (!exclude.empty() && p.name == exclude) continue;
    encoded.emplace_back(UriEncode(p.name), UriEncode(p.value));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

std::string LiteralCanonicalQueryString(std::string_view raw_query, std::string_view exclude) {
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  while (!raw_query.empty()) {
    std::size_t amp = raw_query.find('&');
    std::string_view segment = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view() : raw_query.substr(amp + 1);
    if (segment.empty()) continue;
    std::size_t eq = segment.find('=');
    std::string_view name = segment.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : segment.substr(eq + 1);
    if (!exclude.empty() && name == exclude) continue;
    pairs.emplace_back(name, value);
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

Result<std::string> CanonicalHeaders(std::span<const Header> headers,
                                     std::span<const std::string> signed_names) {
  std::string out;
  for (const std::string& name : signed_names) {
    out += name;
    out += ':';
    bool found = false;
    for (const Header& h : headers) {
      if (!EqualsIgnoreCase(h.name, name)) continue;
      if (found) out += ',';
      AppendTrimAll(out, h.value);
      found = true;
    }
    if (!found) {
      if (name != "expect") {
        return S3Error(S3ErrorCode::kSignatureDoesNotMatch,
                       "signed header '" + name + "' is not present in the request");
      }
      out += "100-continue";
    }
    out += '\n';
  }
  return out;
}

std::vector<std::string> SortedHeaderNames(std::span<const Header> headers) {
  std::vector<std::string> names;
  names.reserve(headers.size());
  for (const Header& h : headers) names.push_back(ToLowerAscii(TrimWhitespace(h.name)));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string JoinSignedHeaders(std::span<const std::string> names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ';';
    out += n;
  }
  return out;
}

std::string BuildCanonicalRequest(const CanonicalRequestParts& p) {
  std::string out;
  out.reserve(p.method.size() + p.canonical_uri.size() + p.canonical_query.size() +
              p.canonical_headers.size() + p.signed_headers.size() + p.payload_hash.size() + 8);
  out += p.method;
  out += '\n';
  out += p.canonical_uri;
  out += '\n';
  out += p.canonical_query;
  out += '\n';
  out += p.canonical_headers;
  out += '\n';
  out += p.signed_headers;
  out += '\n';
  out += p.payload_hash;
  return out;
}

std::string BuildStringToSign(std::string_view amz_date, std::string_view scope,
                              std::string_view canonical_request) {
  std::string out;
  out.reserve(kSigV4Algorithm.size() + amz_date.size() + scope.size() + 64 + 3);
  out += kSigV4Algorithm;
  out += '\n';
  out += amz_date;
  out += '\n';
  out += scope;
  out += '\n';
  Sha256Bytes hash = Sha256Of(canonical_request);
  AppendHex(out, hash.data(), hash.size());
  return out;
}

std::string SignatureHex(const SigningKey& key, std::string_view string_to_sign) {
  return ToHex(HmacSha256(AsView(key), string_to_sign));
}

void ChunkSignatureInto(const ChunkSigningContext& context, std::string_view previous,
                        const Sha256Bytes& chunk_sha256, std::string* scratch,
                        std::string* hex_out) {
  std::string& sts = *scratch;
  sts.clear();
  sts += kSigV4ChunkAlgorithm;
  sts += '\n';
  sts += context.amz_date;
  sts += '\n';
  sts += context.scope;
  sts += '\n';
  sts += previous;
  sts += '\n';
  sts += kEmptySha256Hex;
  sts += '\n';
  AppendHex(sts, chunk_sha256.data(), chunk_sha256.size());
  Sha256Bytes mac = HmacSha256(AsView(context.key), sts);
  hex_out->clear();
  AppendHex(*hex_out, mac.data(), mac.size());
}

std::string ChunkSignatureHex(const ChunkSigningContext& context, std::string_view previous,
                              const Sha256Bytes& chunk_sha256) {
  std::string scratch, hex;
  ChunkSignatureInto(context, previous, chunk_sha256, &scratch, &hex);
  return hex;
}

std::string TrailerSignatureHex(const ChunkSigningContext& context, std::string_view previous,
                                const Sha256Bytes& trailer_sha256) {
  std::string sts;
  sts += kSigV4TrailerAlgorithm;
  sts += '\n';
  sts += context.amz_date;
  sts += '\n';
  sts += context.scope;
  sts += '\n';
  sts += previous;
  sts += '\n';
  AppendHex(sts, trailer_sha256.data(), trailer_sha256.size());
  return SignatureHex(context.key, sts);
}

}  // namespace tarn::s3
