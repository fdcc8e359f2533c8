#include "http/wire.h"

#include <strings.h>

#include <charconv>
#include <ctime>

namespace tarn::http {

namespace {

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

// splitmix64's finaliser: a bijection on 64-bit values.
uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

void RequestIdGenerator::Next(char* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  uint64_t v = Mix(next_.fetch_add(1, std::memory_order_relaxed));
  for (int i = 15; i >= 0; --i) {
    out[i] = kHex[v & 0xf];
    v >>= 4;
  }
}

std::string RequestIdGenerator::Next() {
  std::string id(16, '0');
  Next(id.data());
  return id;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Payload Too Large";
    case 416:
      return "Range Not Satisfiable";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

void AppendResponseHead(const Response& response, const HeadInfo& info, std::string* out) {
  char number[24];
  out->append(info.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  auto [end, ec] = std::to_chars(number, number + sizeof(number), response.status);
  out->append(number, end);
  out->push_back(' ');
  out->append(ReasonPhrase(response.status));
  out->append("\r\n");
  bool has_server = false;
  bool has_date = false;
  bool has_request_id = false;
  for (const auto& h : response.headers) {
    if (IEquals(h.name, "Content-Length") || IEquals(h.name, "Transfer-Encoding") ||
        IEquals(h.name, "Connection") || HasLineBreak(h.name) || HasLineBreak(h.value)) {
      continue;
    }
    has_server = has_server || IEquals(h.name, "Server");
    has_date = has_date || IEquals(h.name, "Date");
    has_request_id = has_request_id || IEquals(h.name, "x-amz-request-id");
    out->append(h.name);
    out->append(": ");
    out->append(h.value);
    out->append("\r\n");
  }
  if (!has_server) out->append("Server: tarn\r\n");
  if (!has_date && !info.date.empty()) {
    out->append("Date: ");
    out->append(info.date);
    out->append("\r\n");
  }
  if (!has_request_id && !info.request_id.empty()) {
    out->append("x-amz-request-id: ");
    out->append(info.request_id);
    out->append("\r\n");
  }
  if (info.content_length) {
    out->append("Content-Length: ");
    auto [len_end, len_ec] = std::to_chars(number, number + sizeof(number), *info.content_length);
    out->append(number, len_end);
    out->append("\r\n");
  }
  if (!info.keep_alive) {
    out->append("Connection: close\r\n");
  } else if (info.version == 10) {
    out->append("Connection: keep-alive\r\n");
  }
  out->append("\r\n");
}

std::string_view CurrentHttpDate() {
  thread_local std::time_t cached_second = -1;
  thread_local char text[64];
  thread_local std::size_t length = 0;
  std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    length = std::strftime(text, sizeof(text), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached_second = now;
  }
  return {text, length};
}

std::string RedactTarget(std::string_view target) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, q + 1));
  std::string_view query = target.substr(q + 1);
  bool first = true;
  while (true) {
    auto amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    if (!first) out.push_back('&');
    first = false;
    auto eq = param.find('=');
    std::string_view name = param.substr(0, eq);
    if (eq != std::string_view::npos &&
        (IEquals(name, "X-Amz-Signature") || IEquals(name, "Signature"))) {
      out.append(name);
      out.append("=REDACTED");
    } else {
      out.append(param);
    }
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return out;
}

}  // namespace tarn::http
