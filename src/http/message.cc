#include "http/message.h"

#include <strings.h>

namespace tarn::http {

std::string_view Request::path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

std::string_view Request::query() const {
  std::string_view t = target;
  auto q = t.find('?');
  return q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
}

std::string_view Request::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (h.name.size() == name.size() &&
        strncasecmp(h.name.data(), name.data(), name.size()) == 0) {
      return h.value;
    }
  }
  return {};
}

Response& Response::SetHeader(std::string name, std::string value) {
  for (auto& h : headers) {
    if (strcasecmp(h.name.c_str(), name.c_str()) == 0) {
      h.value = std::move(value);
      return *this;
    }
  }
  headers.push_back({std::move(name), std::move(value)});
  return *this;
}

Response Response::Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.SetHeader("Content-Type", "application/json");
  return r;
}

Response Response::Text(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.SetHeader("Content-Type", "text/plain; charset=utf-8");
  return r;
}

}  // namespace tarn::http
