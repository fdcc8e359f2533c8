// Protocol-neutral HTTP request and response values. Handlers (gateway, API, health) are pure
// functions from Request to Response and never see sockets; src/http/ owns connections.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tarn::http {

struct Header {
  std::string name;
  std::string value;
};

struct Request {
  std::string method;  // "GET", "PUT", ...
  std::string target;  // path and query as sent, e.g. "/_health?x=1"
  std::vector<Header> headers;
  std::string body;
  std::string remote_address;

  // The path part of target (before '?').
  std::string_view path() const;
  // The query part of target (after '?'), empty when absent.
  std::string_view query() const;
  // The first header with this name, compared case-insensitively; empty when absent.
  std::string_view header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::vector<Header> headers;
  std::string body;

  Response& SetHeader(std::string name, std::string value);
  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body);
};

using Handler = std::function<Response(const Request&)>;

}  // namespace tarn::http
