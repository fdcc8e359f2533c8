#include "s3/client/s3_client.h"

#include <cctype>

#include "s3/crypto.h"
#include "s3/errors.h"
#include "s3/request.h"
#include "s3/sigv4_signer.h"
#include "s3/uri_encoding.h"

namespace tarn::s3 {
namespace {

// Counts whether a streamed body has been touched: once a byte is read it cannot be sent
// again, so the request may no longer be retried.
class TrackedSource final : public BodySource {
 public:
  explicit TrackedSource(BodySource& inner) : inner_(inner) {}
  Result<std::size_t> Read(std::span<char> out) override {
    touched_ = true;
    return inner_.Read(out);
  }
  bool touched() const { return touched_; }

 private:
  BodySource& inner_;
  bool touched_ = false;
};

bool IsIpLiteralOrLocal(std::string_view host) {
  if (host == "localhost" || host.starts_with('[')) return true;
  return !host.empty() && host.find_first_not_of("0123456789.") == std::string_view::npos;
}

// Whether `bucket` can be the first label of a host name (and, over TLS, match a wildcard
// certificate: no dots).
bool IsVirtualHostable(std::string_view bucket, bool tls) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  if (!std::isalnum(static_cast<unsigned char>(bucket.front())) ||
      !std::isalnum(static_cast<unsigned char>(bucket.back()))) {
    return false;
  }
  for (char c : bucket) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return false;
    if (c == '.' && tls) return false;
  }
  return bucket.find("..") == std::string_view::npos && !IsIpLiteralOrLocal(bucket);
}

// The S3 code a bodiless error response (HEAD) stands for.
std::string_view CodeForStatus(int http_status) {
  switch (http_status) {
    case 400: return "BadRequest";
    case 403: return "AccessDenied";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 412: return "PreconditionFailed";
    case 416: return "InvalidRange";
    case 501: return "NotImplemented";
    case 503: return "ServiceUnavailable";
    default: return http_status >= 500 ? "InternalError" : "";
  }
}

bool StartsWithErrorDocument(std::string_view body) {
  std::size_t pos = 0;
  // Skip the XML declaration and whitespace; S3 may pad a 200 with spaces before the error.
  while (true) {
    pos = body.find_first_not_of(" \t\r\n", pos);
    if (pos == std::string_view::npos) return false;
    if (body.substr(pos).starts_with("<?")) {
      pos = body.find("?>", pos);
      if (pos == std::string_view::npos) return false;
      pos += 2;
      continue;
    }
    return body.substr(pos).starts_with("<Error>");
  }
}

bool IsRetryable(const Status& status) {
  return status.code() == StatusCode::kUnavailable ||
         status.code() == StatusCode::kDeadlineExceeded;
}

Status GiveUp(const Status& last, int attempts, bool body_consumed) {
  std::string message(last.message());
  if (body_consumed) {
    message += " (not retried: the streamed request body cannot be read again)";
  } else {
    message += " (gave up after " + std::to_string(attempts) +
               (attempts == 1 ? " attempt)" : " attempts)");
  }
  return Status::Unavailable(message);
}

}  // namespace

// The Status for an S3 error response: the table's, except that a client whose credentials
// are refused cannot fix that by authenticating again, so those become PermissionDenied.
Status ErrorFromResponse(int http_status, std::string_view body) {
  ErrorDocument doc;
  if (!body.empty()) {
    Result<ErrorDocument> decoded = DecodeErrorDocument(body);
    if (decoded.ok()) doc = std::move(*decoded);
  }
  if (doc.code.empty()) doc.code = std::string(CodeForStatus(http_status));
  if (doc.code.empty()) doc.code = "HTTP" + std::to_string(http_status);
  Status status = StatusFromErrorDocument(doc, http_status);
  if (status.code() == StatusCode::kUnauthenticated || http_status == 401 ||
      http_status == 403) {
    return Status::PermissionDenied(status.message());
  }
  if (http_status == 429) return Status::Unavailable(status.message());
  return status;
}

Result<std::unique_ptr<S3Client>> S3Client::Create(S3ClientOptions options) {
  std::string text = options.endpoint.empty()
                         ? "https://s3." + options.region + ".amazonaws.com"
                         : options.endpoint;
  Endpoint endpoint;
  auto scheme_end = text.find("://");
  if (scheme_end == std::string::npos) {
    return Status::InvalidArgument("S3 endpoint '" + text +
                                   "' must start with http:// or https://");
  }
  endpoint.scheme = ToLowerAscii(text.substr(0, scheme_end));
  if (endpoint.scheme != "http" && endpoint.scheme != "https") {
    return Status::InvalidArgument("S3 endpoint '" + text + "': scheme must be http or https");
  }
  std::string rest = text.substr(scheme_end + 3);
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) {
    endpoint.base_path = rest.substr(slash);
    while (!endpoint.base_path.empty() && endpoint.base_path.back() == '/') {
      endpoint.base_path.pop_back();
    }
  }
  if (authority.empty() || authority.find_first_of("@?#") != std::string::npos) {
    return Status::InvalidArgument("S3 endpoint '" + text + "' has no valid host");
  }
  std::string host = authority;
  std::string port;
  auto colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos) {
      return Status::InvalidArgument("S3 endpoint '" + text + "' has an invalid port");
    }
  }
  endpoint.host = ToLowerAscii(host);
  const bool default_port = port.empty() || (endpoint.scheme == "http" && port == "80") ||
                            (endpoint.scheme == "https" && port == "443");
  endpoint.authority = default_port ? endpoint.host : endpoint.host + ":" + port;

  ASSIGN_OR_RETURN(std::unique_ptr<HttpClient> http, HttpClient::Create(options.http));
  return std::unique_ptr<S3Client>(
      new S3Client(std::move(options), std::move(endpoint), std::move(http)));
}

S3Client::S3Client(S3ClientOptions options, Endpoint endpoint, std::unique_ptr<HttpClient> http)
    : options_(std::move(options)),
      endpoint_(std::move(endpoint)),
      http_(std::move(http)),
      signer_(std::make_unique<SigV4Signer>(options_.credentials,
                                            SignerOptions{.region = options_.region})),
      backoff_(options_.retry) {}

S3Client::~S3Client() = default;

TimePoint S3Client::Now() const {
  return options_.clock != nullptr ? options_.clock->Now() : std::chrono::system_clock::now();
}

S3Client::Target S3Client::TargetFor(
    std::string_view bucket, std::string_view key,
    const std::vector<std::pair<std::string, std::string>>& query) const {
  Target t;
  const bool virtual_host = !bucket.empty() && !options_.force_path_style &&
                            !IsIpLiteralOrLocal(endpoint_.host) &&
                            IsVirtualHostable(bucket, endpoint_.scheme == "https");
  t.path = endpoint_.base_path;
  if (virtual_host) {
    t.host = std::string(bucket) + "." + endpoint_.authority;
  } else {
    t.host = endpoint_.authority;
    if (!bucket.empty()) {
      t.path += '/';
      AppendUriEncoded(t.path, bucket, /*keep_slash=*/false);
    }
  }
  if (!key.empty() || t.path.empty()) t.path += '/';
  AppendUriEncoded(t.path, key, /*keep_slash=*/true);
  t.query = BuildQueryString(query);
  t.url = endpoint_.scheme + "://" + t.host + t.path;
  if (!t.query.empty()) t.url += "?" + t.query;
  return t;
}

Result<HttpRequest> S3Client::BuildAttempt(const S3Request& request, BodySource* stream) const {
  Target target = TargetFor(request.bucket, request.key, request.query);
  std::vector<Header> to_sign;
  to_sign.reserve(request.headers.size() + 1);
  to_sign.push_back({"host", target.host});
  for (const HttpHeader& h : request.headers) to_sign.push_back({h.name, h.value});

  std::string payload_hash;
  if (stream != nullptr) {
    payload_hash = std::string(kUnsignedPayload);
  } else if (request.body.bytes.empty()) {
    payload_hash = std::string(kEmptySha256Hex);
  } else {
    payload_hash = ToHex(Sha256Of(request.body.bytes));
  }
  ASSIGN_OR_RETURN(SignedHeaders signed_headers,
                   signer_->Sign({.method = request.method,
                                  .path = target.path,
                                  .query = target.query,
                                  .headers = to_sign,
                                  .payload_hash = payload_hash},
                                 Now()));
  HttpRequest http;
  http.method = request.method;
  http.url = std::move(target.url);
  http.headers.reserve(request.headers.size() + signed_headers.headers.size() + 1);
  http.headers.push_back({"Host", std::move(target.host)});
  for (const HttpHeader& h : request.headers) http.headers.push_back(h);
  for (auto& [name, value] : signed_headers.headers) {
    http.headers.push_back({std::move(name), std::move(value)});
  }
  if (stream != nullptr) {
    http.body_stream = stream;
    http.body_size = request.body.size;
  } else {
    http.body = request.body.bytes;
  }
  return http;
}

Result<HttpResponse> S3Client::Execute(const S3Request& request, std::size_t max_body) {
  std::optional<TrackedSource> tracked;
  if (request.body.stream != nullptr) tracked.emplace(*request.body.stream);
  const int max_attempts = backoff_.max_attempts();
  for (int attempt = 1;; ++attempt) {
    ASSIGN_OR_RETURN(HttpRequest http, BuildAttempt(request, tracked ? &*tracked : nullptr));
    Result<HttpResponse> response = http_->Send(http, max_body);
    Status failure;
    if (!response.ok()) {
      failure = response.status();
    } else if (response->status >= 300) {
      failure = ErrorFromResponse(response->status, response->body);
    } else if (request.error_in_200 && StartsWithErrorDocument(response->body)) {
      failure = ErrorFromResponse(response->status, response->body);
    } else {
      return response;
    }
    const bool consumed = tracked && tracked->touched();
    if (!IsRetryable(failure)) return failure;
    if (attempt >= max_attempts || consumed) return GiveUp(failure, attempt, consumed);
    backoff_.Wait(attempt);
  }
}

Result<std::unique_ptr<HttpResponseStream>> S3Client::Open(const S3Request& request) {
  std::optional<TrackedSource> tracked;
  if (request.body.stream != nullptr) tracked.emplace(*request.body.stream);
  const int max_attempts = backoff_.max_attempts();
  for (int attempt = 1;; ++attempt) {
    ASSIGN_OR_RETURN(HttpRequest http, BuildAttempt(request, tracked ? &*tracked : nullptr));
    Result<std::unique_ptr<HttpResponseStream>> stream = http_->Open(http);
    Status failure;
    if (!stream.ok()) {
      failure = stream.status();
    } else if ((*stream)->status() >= 300) {
      // Error documents are small; a body that fails mid-way still leaves the status.
      Result<std::string> body = (*stream)->ReadAll(64 * 1024);
      failure = ErrorFromResponse((*stream)->status(), body.ok() ? *body : std::string());
    } else {
      return stream;
    }
    const bool consumed = tracked && tracked->touched();
    if (!IsRetryable(failure)) return failure;
    if (attempt >= max_attempts || consumed) return GiveUp(failure, attempt, consumed);
    backoff_.Wait(attempt);
  }
}

Result<std::string> S3Client::Presign(std::string_view method, std::string_view bucket,
                                      std::string_view key, std::chrono::seconds expires) {
  Target target = TargetFor(bucket, key, {});
  Header host{"host", target.host};
  ASSIGN_OR_RETURN(PresignedUrl presigned,
                   signer_->Presign({.method = method,
                                     .path = target.path,
                                     .query = "",
                                     .headers = std::span<const Header>(&host, 1),
                                     .expires = expires},
                                    Now()));
  return endpoint_.scheme + "://" + target.host + target.path + "?" + presigned.query;
}

}  // namespace tarn::s3
