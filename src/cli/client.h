// The REST client of the CLI: calls /api/v1 on a tarn (or lakeFS) server with HTTP Basic auth,
// decodes JSON answers, maps error answers to Status, and pages through listings.
//
// Errors: a non-2xx answer becomes a Status whose message is the server's {"message"} (or the
// start of the body) followed by "(HTTP <status>)"; the code follows the status: 400
// InvalidArgument, 401 Unauthenticated, 403 PermissionDenied, 404 NotFound, 409 Conflict, 412
// PreconditionFailed, 501 NotImplemented, others Unavailable. Transport failures are Unavailable
// with the URL.
//
// Thread safety: all methods may be called from several threads at once (parallel transfers).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/config.h"
#include "s3/client/http_client.h"
#include "tarn/result.h"

namespace tarn::cli {

using Query = std::vector<std::pair<std::string, std::string>>;  // decoded names and values

// Percent-encodes one path segment ('/' included).
std::string Seg(std::string_view segment);

// The Status for an error answer (see the file comment).
Status ErrorFromResponse(int status, std::string_view body);

class RestClient {
 public:
  // Errors: Internal when the HTTP client cannot be created.
  static Result<std::unique_ptr<RestClient>> Create(const ClientConfig& config);
  RestClient(std::unique_ptr<s3::HttpClient> http, const ClientConfig& config);

  // Sends METHOD <base><path>?<query> with an optional JSON body; returns the decoded answer
  // (null for an empty body, a JSON string for a text/plain body). `path` starts with '/' and has
  // its segments encoded (Seg).
  Result<nlohmann::json> Call(std::string_view method, std::string_view path,
                              const Query& query = {}, const nlohmann::json* body = nullptr);
  // As Call, but returns the raw response whatever its status (doctor reads headers).
  Result<s3::HttpResponse> Raw(std::string_view method, std::string_view path,
                               const Query& query = {});

  // Pages through a lakeFS listing ({pagination:{has_more,next_offset}, results:[...]}) with
  // `after`, calling `each` per result until the listing ends or `limit` results were seen
  // (0 = no limit). Pages ask for min(limit left, page_size) results.
  Status ListAll(std::string_view path, Query query, int64_t limit,
                 const std::function<Status(const nlohmann::json&)>& each, int page_size = 1000);

  // Uploads `size` bytes from `body` to a branch (POST .../objects, application/octet-stream);
  // returns the new ObjectStats.
  Result<nlohmann::json> Upload(std::string_view repository, std::string_view branch,
                                std::string_view path, s3::BodySource& body, uint64_t size);
  // Opens an object's content for streaming. Errors as Call.
  Result<std::unique_ptr<s3::HttpResponseStream>> Download(std::string_view repository,
                                                           std::string_view ref,
                                                           std::string_view path);

 private:
  s3::HttpRequest Request(std::string_view method, std::string_view path, const Query& query);

  std::unique_ptr<s3::HttpClient> http_;
  std::string base_;
  std::string authorization_;
};

}  // namespace tarn::cli
