#include "s3_bench_http.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

extern char** environ;

namespace tarn::bench {
namespace {

// The well-known credentials `tarn serve --quickstart` creates (auth::kQuickstartAccessKeyId).
constexpr std::string_view kAccessKeyId = "AKIAIOSFOLQUICKSTART";
constexpr std::string_view kSecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

constexpr std::size_t kHeadBuffer = 64 << 10;
constexpr std::size_t kScratch = 1 << 20;
constexpr std::size_t kPatternBlock = 64 << 10;

Status Errno(const std::string& what) {
  return Status::IOError(what + ": " + std::strerror(errno));
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

const std::vector<char>& PatternBlock() {
  static const std::vector<char> block = [] {
    std::vector<char> b(kPatternBlock);
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (auto& c : b) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      c = static_cast<char>(x);
    }
    return b;
  }();
  return block;
}

}  // namespace

void FillPattern(uint64_t seed, uint64_t offset, std::span<char> out) {
  const std::vector<char>& block = PatternBlock();
  std::size_t done = 0;
  while (done < out.size()) {
    uint64_t pos = offset + done;
    uint64_t index = pos / kPatternBlock;
    std::size_t in_block = static_cast<std::size_t>(pos % kPatternBlock);
    std::size_t n = std::min(out.size() - done, kPatternBlock - in_block);
    std::memcpy(out.data() + done, block.data() + in_block, n);
    // Stamp (seed, block index) into the first 16 bytes of every block.
    uint64_t stamp[2] = {seed, index};
    const char* stamp_bytes = reinterpret_cast<const char*>(stamp);
    for (std::size_t i = in_block; i < 16 && i < in_block + n; ++i) {
      out[done + (i - in_block)] = stamp_bytes[i];
    }
    done += n;
  }
}

Memory ReadMemory(pid_t pid) {
  Memory m;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    auto kib = [&](std::string_view prefix) -> std::optional<uint64_t> {
      if (line.rfind(prefix, 0) != 0) return std::nullopt;
      return std::stoull(line.substr(prefix.size())) * 1024;
    };
    if (auto v = kib("VmRSS:")) m.rss = *v;
    if (auto v = kib("VmHWM:")) m.hwm = *v;
  }
  return m;
}

Result<std::unique_ptr<TarnProcess>> TarnProcess::Start(
    const std::string& binary, const std::string& data_dir,
    const std::map<std::string, std::string>& env) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    std::string name(entry.substr(0, entry.find('=')));
    if (env.count(name) == 0) env_strings.emplace_back(entry);
  }
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = {binary,        "serve",      "--quickstart", "--listen",
                                   "127.0.0.1:0", "--data-dir", data_dir};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return Errno("pipe");
  std::string log = data_dir + "/server.log";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    return Status::IOError("cannot start " + binary + ": " + std::strerror(rc) +
                           " (set TARN_BENCH_TARN_BINARY to the tarn executable)");
  }
  // Read the banner until its first line names the URL.
  std::string text;
  const std::string marker = "tarn is serving on http://127.0.0.1:";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  uint16_t port = 0;
  while (port == 0) {
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    deadline - std::chrono::steady_clock::now())
                                    .count());
    pollfd p{out[0], POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, left) <= 0) break;
    char buf[4096];
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    std::size_t at = text.find(marker);
    if (at != std::string::npos) {
      std::size_t end = text.find_first_not_of("0123456789", at + marker.size());
      if (end != std::string::npos)
        port = static_cast<uint16_t>(std::stoi(text.substr(at + marker.size())));
    }
  }
  ::close(out[0]);  // the server writes nothing to stdout after the banner
  if (port == 0) {
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
    return Status::IOError("tarn serve printed no URL within 60 s; see " + log);
  }
  return std::unique_ptr<TarnProcess>(new TarnProcess(pid, port));
}

int TarnProcess::Stop() {
  if (pid_ <= 0) return 0;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = 0;
  return status;
}

TarnProcess::~TarnProcess() { Stop(); }

HttpConnection::HttpConnection(uint16_t port)
    : port_(port), buffer_(kHeadBuffer), scratch_(kScratch) {}

HttpConnection::~HttpConnection() { Close(); }

void HttpConnection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status HttpConnection::EnsureConnected() {
  if (fd_ >= 0) return Status::OK();
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return Errno("socket");
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    Status s = Errno("connect to 127.0.0.1:" + std::to_string(port_));
    Close();
    return s;
  }
  return Status::OK();
}

Status HttpConnection::SendAll(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("send");
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::OK();
}

Result<Response> HttpConnection::ReadResponse() {
  std::size_t have = 0;
  std::size_t head_end = std::string_view::npos;
  while (head_end == std::string_view::npos) {
    if (have == buffer_.size()) return Status::IOError("response head longer than 64 KiB");
    ssize_t n = ::recv(fd_, buffer_.data() + have, buffer_.size() - have, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::IOError("connection closed before the response head");
    have += static_cast<std::size_t>(n);
    head_end = std::string_view(buffer_.data(), have).find("\r\n\r\n");
  }
  std::string_view head(buffer_.data(), head_end);
  Response r;
  if (head.size() < 12 || head.substr(0, 5) != "HTTP/") {
    return Status::IOError("malformed status line");
  }
  r.status = std::atoi(std::string(head.substr(9, 3)).c_str());
  uint64_t length = 0;
  bool close_after = false;
  std::size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos < head.size()) {
    std::size_t next = head.find("\r\n", pos + 2);
    std::string_view line =
        head.substr(pos + 2, (next == std::string_view::npos ? head.size() : next) - pos - 2);
    std::size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string_view name = line.substr(0, colon);
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      if (EqualsIgnoreCase(name, "content-length")) {
        length = std::stoull(std::string(value));
      } else if (EqualsIgnoreCase(name, "transfer-encoding")) {
        return Status::NotImplemented("chunked responses are not supported by the bench client");
      } else if (EqualsIgnoreCase(name, "connection") && EqualsIgnoreCase(value, "close")) {
        close_after = true;
      }
    }
    pos = next;
  }
  std::size_t body_start = head_end + 4;
  uint64_t got = have - body_start;
  // Keep the body's start in buffer_ (for error reports); discard the rest in scratch_.
  while (got < length) {
    char* dst;
    std::size_t room;
    if (have < buffer_.size()) {
      dst = buffer_.data() + have;
      room = buffer_.size() - have;
    } else {
      dst = scratch_.data();
      room = scratch_.size();
    }
    room = static_cast<std::size_t>(std::min<uint64_t>(room, length - got));
    ssize_t n = ::recv(fd_, dst, room, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::IOError("connection closed inside a response body");
    got += static_cast<uint64_t>(n);
    if (dst != scratch_.data()) have += static_cast<std::size_t>(n);
  }
  r.body_bytes = length;
  r.body_prefix = std::string_view(buffer_.data() + body_start, have - body_start);
  if (close_after) Close();
  return r;
}

Result<Response> HttpConnection::RoundTrip(std::string_view request) {
  for (int attempt = 0;; ++attempt) {
    RETURN_IF_ERROR(EnsureConnected());
    Status sent = SendAll(request);
    if (sent.ok()) {
      auto r = ReadResponse();
      if (r.ok() || attempt > 0) {
        if (!r.ok()) Close();
        return r;
      }
    } else if (attempt > 0) {
      return sent;
    }
    Close();  // a keep-alive connection the server closed: retry once on a fresh one
  }
}

Result<Response> HttpConnection::RoundTripStreamed(std::string_view head, uint64_t body_size,
                                                   uint64_t seed) {
  RETURN_IF_ERROR(EnsureConnected());
  Status s = SendAll(head);
  for (uint64_t sent = 0; s.ok() && sent < body_size;) {
    std::size_t n = static_cast<std::size_t>(std::min<uint64_t>(scratch_.size(), body_size - sent));
    FillPattern(seed, sent, std::span<char>(scratch_.data(), n));
    s = SendAll(std::string_view(scratch_.data(), n));
    sent += n;
  }
  if (!s.ok()) {
    Close();
    return s;
  }
  auto r = ReadResponse();
  if (!r.ok()) Close();
  return r;
}

RequestSigner::RequestSigner(uint16_t port)
    : host_("127.0.0.1:" + std::to_string(port)),
      signer_(s3::Credentials{std::string(kAccessKeyId), std::string(kSecretAccessKey), ""},
              s3::SignerOptions{}) {}

Result<std::string> RequestSigner::Build(std::string_view method, std::string_view path,
                                         std::string_view body,
                                         std::optional<uint64_t> content_length) const {
  s3::Header host{"host", host_};
  s3::SigV4Request request{method, path, "", std::span<const s3::Header>(&host, 1),
                           s3::kUnsignedPayload};
  ASSIGN_OR_RETURN(s3::SignedHeaders signed_headers,
                   signer_.Sign(request, std::chrono::system_clock::now()));
  std::string out;
  out.reserve(512 + body.size());
  out.append(method).append(" ").append(path).append(" HTTP/1.1\r\nHost: ").append(host_);
  out.append("\r\n");
  for (const auto& [name, value] : signed_headers.headers) {
    out.append(name).append(": ").append(value).append("\r\n");
  }
  uint64_t length = content_length.value_or(body.size());
  if (length > 0 || method == "PUT" || method == "POST") {
    out.append("Content-Length: ").append(std::to_string(length)).append("\r\n");
  }
  out.append("\r\n").append(body);
  return out;
}

}  // namespace tarn::bench
