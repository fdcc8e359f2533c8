#include "http/server.h"

#include <algorithm>
#include <boost/asio/ssl/context.hpp>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/asio.h"
#include "http/connection.h"

namespace tarn::http {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

Status CheckReadable(const std::string& path, std::string_view what) {
  std::ifstream in(path);
  if (!in) {
    return Status::InvalidArgument(std::string(what) + " '" + path + "' cannot be opened: " +
                                   std::strerror(errno) + " (check the path and its permissions)");
  }
  return Status::OK();
}

class BeastServer final : public Server, private internal::ConnectionRegistry {
 public:
  BeastServer(const ServerOptions& options, Handler handler, std::shared_ptr<spdlog::logger> logger)
      : options_(options),
        handler_(std::move(handler)),
        logger_(std::move(logger)),
        ids_(std::random_device{}() * 0x100000001ULL ^ std::random_device{}()),
        acceptor_(io_),
        workers_(static_cast<std::size_t>(std::max(1, options.worker_threads))) {
    context_ = {&options_, &handler_, logger_.get(), &workers_, &stopped_, &ids_, this};
  }

  ~BeastServer() override { Shutdown(std::chrono::milliseconds(5000)); }

  Status SetUpTls() {
    const auto& cert = options_.tls_cert_file;
    const auto& key = options_.tls_key_file;
    if (cert.empty() && key.empty()) return Status::OK();
    if (cert.empty() || key.empty()) {
      return Status::InvalidArgument("TLS needs both a certificate file and a key file; only the " +
                                     std::string(cert.empty() ? "key" : "certificate") +
                                     " file was given");
    }
    RETURN_IF_ERROR(CheckReadable(cert, "TLS certificate file"));
    RETURN_IF_ERROR(CheckReadable(key, "TLS key file"));
    tls_.emplace(ssl::context::tls_server);
    boost::system::error_code ec;
    tls_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                          ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                          ssl::context::no_tlsv1_1,
                      ec);
    tls_->use_certificate_chain_file(cert, ec);
    if (ec) {
      return Status::InvalidArgument("TLS certificate file '" + cert +
                                     "' is not a usable PEM certificate chain: " + ec.message());
    }
    tls_->use_private_key_file(key, ssl::context::pem, ec);
    if (ec) {
      return Status::InvalidArgument(
          "TLS key file '" + key +
          "' is not a usable PEM private key for the certificate: " + ec.message());
    }
    return Status::OK();
  }

  Status Bind() {
    RETURN_IF_ERROR(SetUpTls());
    boost::system::error_code ec;
    auto address = asio::ip::make_address(options_.host, ec);
    if (ec) {
      return Status::InvalidArgument("listen address host '" + options_.host +
                                     "' is not an IP address (use e.g. 127.0.0.1 or 0.0.0.0)");
    }
    tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::Unavailable("cannot listen on " + options_.host + ":" +
                                 std::to_string(options_.port) + ": " + ec.message() +
                                 " (is another server using the port? choose one with --listen)");
    }
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(io_, Accept(), asio::detached);
    for (int i = 0; i < std::max(1, options_.io_threads); ++i) {
      io_threads_.emplace_back([this] { io_.run(); });
    }
    return Status::OK();
  }

  uint16_t port() const override { return port_; }

  void Shutdown(std::chrono::milliseconds deadline) override {
    if (stopped_.exchange(true)) return;
    asio::post(io_, [this] {
      boost::system::error_code ec;
      acceptor_.close(ec);
      std::lock_guard lock(mu_);
      // Each connection lives on its own strand and closes itself there.
      for (auto& [ptr, c] : connections_) c->CloseIfIdle();
    });
    {
      std::unique_lock lock(mu_);
      drained_.wait_for(lock, deadline, [this] { return connections_.empty(); });
    }
    io_.stop();
    for (auto& t : io_threads_) t.join();
    // With the I/O threads gone nothing else touches these sockets. The posted close above may
    // never have run (the wait ends at once when no connection is open), and connections still
    // busy at the deadline must not stay open until the server is destroyed; a handler blocked
    // reading a body must be released for the worker pool to finish.
    {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      std::lock_guard lock(mu_);
      for (auto& [ptr, c] : connections_) c->CloseNow();
    }
    workers_.join();
  }

 private:
  void Remove(internal::ConnectionBase* connection) override {
    std::lock_guard lock(mu_);
    connections_.erase(connection);
    if (connections_.empty()) drained_.notify_all();
  }

  asio::awaitable<void> Accept() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor_.async_accept(
          asio::make_strand(io_), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (!acceptor_.is_open()) co_return;
        logger_->warn("accept failed: {}", ec.message());
        continue;
      }
      // Accepted just before Shutdown closed the acceptor: Shutdown will not see it to close.
      if (stopped_) {
        socket.close(ec);
        co_return;
      }
      socket.set_option(tcp::no_delay(true), ec);
      auto conn = internal::MakeConnection(&context_, std::move(socket), tls_ ? &*tls_ : nullptr);
      {
        std::lock_guard lock(mu_);
        connections_.emplace(conn.get(), conn);
      }
      conn->Start();
    }
  }

  ServerOptions options_;
  Handler handler_;
  std::shared_ptr<spdlog::logger> logger_;
  RequestIdGenerator ids_;
  internal::ServerContext context_{};
  std::optional<ssl::context> tls_;
  std::mutex mu_;
  std::condition_variable drained_;
  std::unordered_map<internal::ConnectionBase*, std::shared_ptr<internal::ConnectionBase>>
      connections_;
  std::atomic<bool> stopped_{false};
  // Destroyed before the members above: pending handlers hold connections that use them.
  asio::io_context io_;
  tcp::acceptor acceptor_;
  asio::thread_pool workers_;
  std::vector<std::thread> io_threads_;
  uint16_t port_ = 0;
};

}  // namespace

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options, Handler handler,
                                              std::shared_ptr<spdlog::logger> logger) {
  auto server = std::make_unique<BeastServer>(options, std::move(handler), std::move(logger));
  RETURN_IF_ERROR(server->Bind());
  return std::unique_ptr<Server>(std::move(server));
}

Status ParseListenAddress(std::string_view address, std::string* host, uint16_t* port) {
  auto bad = [&] {
    return Status::InvalidArgument("listen address '" + std::string(address) +
                                   "' is not HOST:PORT (e.g. 127.0.0.1:8000, 0.0.0.0:8000 or "
                                   "[::1]:8000)");
  };
  auto colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return bad();
  std::string_view h = address.substr(0, colon);
  std::string_view p = address.substr(colon + 1);
  bool bracketed = h.size() >= 2 && h.front() == '[' && h.back() == ']';
  if (bracketed) h = h.substr(1, h.size() - 2);
  // Unbracketed IPv6 ("::1") would otherwise have its last group taken as the port.
  if (h.empty() || (!bracketed && h.find_first_of("[]:") != std::string_view::npos)) {
    return bad();
  }
  if (h == "localhost") h = "127.0.0.1";
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (p.empty() || ec != std::errc() || ptr != p.data() + p.size() || value > 65535) return bad();
  *host = std::string(h);
  *port = static_cast<uint16_t>(value);
  return Status::OK();
}

}  // namespace tarn::http
