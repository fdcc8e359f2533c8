#include "cli/client.h"

#include <algorithm>

#include "common/coding.h"
#include "s3/uri_encoding.h"

namespace tarn::cli {
namespace {

constexpr std::size_t kMaxJsonBody = 64 * 1024 * 1024;

Result<nlohmann::json> DecodeJson(const s3::HttpResponse& response) {
  if (response.status < 200 || response.status > 299) {
    return ErrorFromResponse(response.status, response.body);
  }
  if (response.body.empty()) return nlohmann::json();
  // Some answers are plain text (createBranch answers with the commit id, as lakeFS does).
  std::optional<std::string_view> type = response.Header("content-type");
  if (type && !type->starts_with("application/json")) return nlohmann::json(response.body);
  nlohmann::json value = nlohmann::json::parse(response.body, nullptr, false);
  if (value.is_discarded()) {
    return Status::Internal("the server answered " + std::to_string(response.status) +
                            " with a body that is not JSON: is the endpoint a tarn server?");
  }
  return value;
}

}  // namespace

std::string Seg(std::string_view segment) { return s3::UriEncode(segment, false); }

Status ErrorFromResponse(int status, std::string_view body) {
  std::string message;
  nlohmann::json value = nlohmann::json::parse(body, nullptr, false);
  if (!value.is_discarded() && value.is_object() && value.contains("message") &&
      value["message"].is_string()) {
    message = value["message"].get<std::string>();
  } else {
    message = std::string(body.substr(0, 200));
  }
  if (message.empty()) message = "the server answered with no message";
  message += " (HTTP " + std::to_string(status) + ")";
  switch (status) {
    case 400:
      return Status::InvalidArgument(message);
    case 401:
      return Status::Unauthenticated(message);
    case 403:
      return Status::PermissionDenied(message);
    case 404:
      return Status::NotFound(message);
    case 409:
      return Status::Conflict(message);
    case 412:
      return Status::PreconditionFailed(message);
    case 501:
      return Status::NotImplemented(message);
    default:
      return Status::Unavailable(message);
  }
}

Result<std::unique_ptr<RestClient>> RestClient::Create(const ClientConfig& config) {
  s3::HttpClientOptions options;
  options.connect_timeout = std::chrono::milliseconds(10000);
  ASSIGN_OR_RETURN(std::unique_ptr<s3::HttpClient> http, s3::HttpClient::Create(options));
  return std::make_unique<RestClient>(std::move(http), config);
}

RestClient::RestClient(std::unique_ptr<s3::HttpClient> http, const ClientConfig& config)
    : http_(std::move(http)), base_(ApiBase(config)) {
  if (!config.access_key_id.empty()) {
    authorization_ = "Basic " + Base64Encode(config.access_key_id + ":" + config.secret_access_key);
  }
}

s3::HttpRequest RestClient::Request(std::string_view method, std::string_view path,
                                    const Query& query) {
  s3::HttpRequest request;
  request.method = std::string(method);
  request.url.reserve(base_.size() + path.size() + 64);
  request.url = base_;
  request.url += path;
  if (!query.empty()) {
    request.url += '?';
    request.url += s3::BuildQueryString(query);
  }
  if (!authorization_.empty()) request.headers.push_back({"Authorization", authorization_});
  request.headers.push_back({"Accept", "application/json"});
  return request;
}

Result<s3::HttpResponse> RestClient::Raw(std::string_view method, std::string_view path,
                                         const Query& query) {
  s3::HttpRequest request = Request(method, path, query);
  return http_->Send(request, kMaxJsonBody);
}

Result<nlohmann::json> RestClient::Call(std::string_view method, std::string_view path,
                                        const Query& query, const nlohmann::json* body) {
  s3::HttpRequest request = Request(method, path, query);
  std::string payload;
  if (body != nullptr) {
    payload = body->dump();
    request.body = payload;
    request.headers.push_back({"Content-Type", "application/json"});
  }
  ASSIGN_OR_RETURN(s3::HttpResponse response, http_->Send(request, kMaxJsonBody));
  return DecodeJson(response);
}

Status RestClient::ListAll(std::string_view path, Query query, int64_t limit,
                           const std::function<Status(const nlohmann::json&)>& each,
                           int page_size) {
  std::string after;
  int64_t seen = 0;
  query.emplace_back("amount", "");
  query.emplace_back("after", "");
  const size_t amount_index = query.size() - 2;
  while (true) {
    int64_t want = page_size;
    if (limit > 0) want = std::min<int64_t>(want, limit - seen);
    query[amount_index].second = std::to_string(want);
    query[amount_index + 1].second = after;
    ASSIGN_OR_RETURN(nlohmann::json page, Call("GET", path, query));
    if (!page.is_object() || !page.contains("results") || !page["results"].is_array()) {
      return Status::Internal("the listing at " + std::string(path) +
                              " answered without a results array: is the server lakeFS API v1?");
    }
    for (const nlohmann::json& item : page["results"]) {
      RETURN_IF_ERROR(each(item));
      if (limit > 0 && ++seen >= limit) return Status::OK();
    }
    const nlohmann::json& pagination = page.value("pagination", nlohmann::json::object());
    if (!pagination.value("has_more", false)) return Status::OK();
    std::string next = pagination.value("next_offset", "");
    if (next.empty() || next == after) {
      return Status::Internal("the listing at " + std::string(path) +
                              " says it has more but gave no new next_offset");
    }
    after = std::move(next);
  }
}

Result<nlohmann::json> RestClient::Upload(std::string_view repository, std::string_view branch,
                                          std::string_view path, s3::BodySource& body,
                                          uint64_t size) {
  s3::HttpRequest request =
      Request("POST", "/repositories/" + Seg(repository) + "/branches/" + Seg(branch) + "/objects",
              {{"path", std::string(path)}});
  request.headers.push_back({"Content-Type", "application/octet-stream"});
  request.body_stream = &body;
  request.body_size = size;
  ASSIGN_OR_RETURN(s3::HttpResponse response, http_->Send(request, kMaxJsonBody));
  return DecodeJson(response);
}

Result<std::unique_ptr<s3::HttpResponseStream>> RestClient::Download(std::string_view repository,
                                                                     std::string_view ref,
                                                                     std::string_view path) {
  s3::HttpRequest request =
      Request("GET", "/repositories/" + Seg(repository) + "/refs/" + Seg(ref) + "/objects",
              {{"path", std::string(path)}});
  ASSIGN_OR_RETURN(std::unique_ptr<s3::HttpResponseStream> stream, http_->Open(request));
  if (stream->status() < 200 || stream->status() > 299) {
    const int status = stream->status();
    ASSIGN_OR_RETURN(std::string body, stream->ReadAll(64 * 1024));
    return ErrorFromResponse(status, body);
  }
  return stream;
}

}  // namespace tarn::cli
