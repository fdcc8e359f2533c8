#include "s3/client/fake_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "s3/request.h"

namespace tarn::s3::testing {
namespace {

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Reads from `fd` into `buffer` until it holds at least `want` bytes; false on EOF or error.
bool FillTo(int fd, std::string& buffer, std::size_t want) {
  char chunk[64 * 1024];
  while (buffer.size() < want) {
    ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  return true;
}

std::string ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

}  // namespace

std::string ReceivedRequest::Header(const std::string& name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return "";
}

ScriptedReply S3ErrorReply(int status, const std::string& code, const std::string& message) {
  ScriptedReply reply;
  reply.status = status;
  reply.headers = {{"Content-Type", "application/xml"}};
  reply.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code +
               "</Code><Message>" + message + "</Message><RequestId>fake</RequestId></Error>";
  return reply;
}

Result<std::unique_ptr<FakeHttpServer>> FakeHttpServer::Start(Script script) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IOError(std::string("socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(fd, 64) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    Status s = Status::IOError(std::string("bind/listen: ") + std::strerror(errno));
    ::close(fd);
    return s;
  }
  return std::unique_ptr<FakeHttpServer>(
      new FakeHttpServer(fd, ntohs(addr.sin_port), std::move(script)));
}

FakeHttpServer::FakeHttpServer(int listen_fd, int port, Script script)
    : listen_fd_(listen_fd), port_(port), script_(std::move(script)) {
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

FakeHttpServer::~FakeHttpServer() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  stop_cv_.notify_all();
  acceptor_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
  ::close(listen_fd_);
}

std::vector<ReceivedRequest> FakeHttpServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void FakeHttpServer::AcceptLoop() {
  while (!stopping_) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // the listener was shut down
    }
    connection_count_++;
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    open_fds_.push_back(fd);
    threads_.emplace_back([this, fd] { Serve(fd); });
  }
}

void FakeHttpServer::Serve(int fd) {
  std::string buffer;
  while (!stopping_) {
    // Request line and headers.
    std::size_t end;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!FillTo(fd, buffer, buffer.size() + 1)) goto done;
    }
    {
      ReceivedRequest request;
      std::string_view head(buffer.data(), end);
      std::size_t line_end = head.find("\r\n");
      std::string_view request_line = head.substr(0, line_end);
      std::size_t sp1 = request_line.find(' ');
      std::size_t sp2 = request_line.rfind(' ');
      request.method = std::string(request_line.substr(0, sp1));
      request.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
      std::size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
      while (pos < head.size()) {
        std::size_t next = head.find("\r\n", pos);
        if (next == std::string_view::npos) next = head.size();
        std::string_view line = head.substr(pos, next - pos);
        std::size_t colon = line.find(':');
        if (colon != std::string_view::npos) {
          request.headers.emplace_back(ToLowerAscii(TrimWhitespace(line.substr(0, colon))),
                                       std::string(TrimWhitespace(line.substr(colon + 1))));
        }
        pos = next + 2;
      }
      buffer.erase(0, end + 4);
      if (EqualsIgnoreCase(request.Header("expect"), "100-continue")) {
        if (!SendAll(fd, "HTTP/1.1 100 Continue\r\n\r\n")) goto done;
      }
      std::size_t length = 0;
      std::string cl = request.Header("content-length");
      if (!cl.empty()) length = static_cast<std::size_t>(std::stoull(cl));
      if (!FillTo(fd, buffer, length)) goto done;
      request.body = buffer.substr(0, length);
      buffer.erase(0, length);

      ScriptedReply reply;
      {
        std::lock_guard<std::mutex> lock(mu_);
        int index = request_count_++;
        requests_.push_back(request);
        reply = script_(request, index);
      }
      switch (reply.action) {
        case ScriptedReply::Action::kClose:
          goto done;
        case ScriptedReply::Action::kHang: {
          std::unique_lock<std::mutex> lock(mu_);
          stop_cv_.wait(lock, [this] { return stopping_.load(); });
          goto done;
        }
        case ScriptedReply::Action::kRespond:
        case ScriptedReply::Action::kTruncateBody: {
          std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " " +
                            ReasonPhrase(reply.status) + "\r\n";
          for (const auto& [n, v] : reply.headers) out += n + ": " + v + "\r\n";
          out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n\r\n";
          const bool truncate = reply.action == ScriptedReply::Action::kTruncateBody;
          if (request.method != "HEAD") {
            out += truncate ? reply.body.substr(0, reply.body.size() / 2) : reply.body;
          }
          if (!SendAll(fd, out) || truncate) goto done;
          break;
        }
      }
    }
  }
done:
  ::shutdown(fd, SHUT_RDWR);
  std::lock_guard<std::mutex> lock(mu_);
  open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
  ::close(fd);
}

}  // namespace tarn::s3::testing
