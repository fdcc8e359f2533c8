#include "http/message.h"

#include <strings.h>

#include <algorithm>
#include <cstring>

namespace tarn::http {

Result<std::size_t> StringBodyReader::Read(std::span<char> out) {
  std::size_t n = std::min(out.size(), data_.size() - pos_);
  std::memcpy(out.data(), data_.data() + pos_, n);
  pos_ += n;
  return n;
}

void Request::SetBody(std::string data) {
  content_length = data.size();
  body = std::make_shared<StringBodyReader>(std::move(data));
}

Result<std::string> ReadBody(const Request& request, std::size_t limit) {
  std::string out;
  if (!request.body) return out;
  if (request.content_length && *request.content_length > limit) {
    return Status::InvalidArgument("request body too large: " +
                                   std::to_string(*request.content_length) + " bytes, at most " +
                                   std::to_string(limit) + " accepted here");
  }
  char buf[16384];
  for (;;) {
    ASSIGN_OR_RETURN(std::size_t n, request.body->Read(std::span<char>(buf, sizeof(buf))));
    if (n == 0) return out;
    if (out.size() + n > limit) {
      return Status::InvalidArgument("request body too large: more than " +
                                     std::to_string(limit) + " bytes, at most that accepted here");
    }
    out.append(buf, n);
  }
}

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

bool Request::has_header(std::string_view name) const {
  for (const auto& h : headers) {
    if (h.name.size() == name.size() &&
        strncasecmp(h.name.data(), name.data(), name.size()) == 0) {
      return true;
    }
  }
  return false;
}

std::string_view Response::header(std::string_view name) const {
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
