#include "http/server.h"

#include <atomic>
#include <charconv>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "http/asio.h"
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace tarn::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

Response ErrorResponse(int status, std::string_view message) {
  return Response::Text(status, std::string(message) + "\n");
}

bhttp::response<bhttp::string_body> ToBeast(Response&& r, unsigned version, bool keep_alive) {
  bhttp::response<bhttp::string_body> out;
  out.version(version);
  out.result(static_cast<unsigned>(r.status));
  for (auto& h : r.headers) out.insert(h.name, h.value);
  out.set(bhttp::field::server, "tarn");
  out.body() = std::move(r.body);
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

class BeastServer;

// One connection. `busy` is true while a request is being read past its first byte, handled or
// answered; an idle connection may be closed at once on shutdown.
struct Connection {
  explicit Connection(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
  std::atomic<bool> busy{false};
};

class BeastServer final : public Server {
 public:
  BeastServer(const ServerOptions& options, Handler handler,
              std::shared_ptr<spdlog::logger> logger)
      : options_(options),
        handler_(std::move(handler)),
        logger_(std::move(logger)),
        acceptor_(io_),
        workers_(static_cast<std::size_t>(std::max(1, options.worker_threads))) {}

  ~BeastServer() override { Shutdown(std::chrono::milliseconds(5000)); }

  Status Bind() {
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
      for (auto& c : connections_) {
        // Each connection lives on its own strand; touch its socket only there.
        asio::post(c->stream.get_executor(), [c] {
          boost::system::error_code ignored;
          if (!c->busy) c->stream.socket().close(ignored);
        });
      }
    });
    {
      std::unique_lock lock(mu_);
      drained_.wait_for(lock, deadline, [this] { return connections_.empty(); });
    }
    io_.stop();
    for (auto& t : io_threads_) t.join();
    // With the I/O threads gone nothing else touches these sockets. The posted close above may
    // never have run (the wait ends at once when no connection is open), and connections still
    // busy at the deadline must not stay open until the server is destroyed.
    {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      std::lock_guard lock(mu_);
      for (auto& c : connections_) c->stream.socket().close(ignored);
    }
    workers_.join();
  }

 private:
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
      auto conn = std::make_shared<Connection>(std::move(socket));
      {
        std::lock_guard lock(mu_);
        connections_.insert(conn);
      }
      asio::co_spawn(conn->stream.get_executor(), Serve(conn), asio::detached);
    }
  }

  asio::awaitable<void> Serve(std::shared_ptr<Connection> conn) {
    beast::flat_buffer buffer;
    std::string remote;
    {
      boost::system::error_code ec;
      auto ep = conn->stream.socket().remote_endpoint(ec);
      if (!ec) remote = ep.address().to_string() + ":" + std::to_string(ep.port());
    }
    for (;;) {
      boost::system::error_code ec;
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
      parser.body_limit(options_.max_body_bytes);
      conn->stream.expires_after(options_.idle_timeout);
      co_await bhttp::async_read_header(conn->stream, buffer, parser,
                                        asio::redirect_error(asio::use_awaitable, ec));
      // A Content-Length over the body limit fails here, before any of the body is read; it
      // is answered below. Anything else (closed, timed out, malformed) just closes.
      if (ec && ec != bhttp::error::body_limit) break;
      conn->busy = true;
      if (!ec) {
        conn->stream.expires_after(options_.request_timeout);
        co_await bhttp::async_read(conn->stream, buffer, parser,
                                   asio::redirect_error(asio::use_awaitable, ec));
      }
      Response response;
      bool keep_alive = false;
      unsigned version = 11;
      if (ec == bhttp::error::body_limit) {
        response = ErrorResponse(413, "request body too large");
      } else if (ec) {
        break;
      } else {
        auto& msg = parser.get();
        version = msg.version();
        keep_alive = msg.keep_alive();
        Request request;
        request.method = std::string(msg.method_string());
        request.target = std::string(msg.target());
        for (const auto& field : msg) {
          request.headers.push_back({std::string(field.name_string()), std::string(field.value())});
        }
        request.body = std::move(msg.body());
        request.remote_address = remote;
        // The handler may block on storage: run it on the worker pool, resume here after.
        response = co_await asio::co_spawn(
            workers_, [this, &request]() -> asio::awaitable<Response> {
              // An escaping exception would end the I/O thread and with it the process.
              try {
                co_return handler_(request);
              } catch (const std::exception& e) {
                logger_->error("handler failed on {} {}: {}", request.method, request.target,
                               e.what());
              } catch (...) {
                logger_->error("handler failed on {} {}: unknown exception", request.method,
                               request.target);
              }
              co_return ErrorResponse(500, "internal server error");
            },
            asio::use_awaitable);
      }
      if (stopped_) keep_alive = false;
      auto out = ToBeast(std::move(response), version, keep_alive);
      // The reply gets its own budget: time the handler spent must not count against it.
      conn->stream.expires_after(options_.request_timeout);
      co_await bhttp::async_write(conn->stream, out, asio::redirect_error(asio::use_awaitable, ec));
      conn->busy = false;
      // Shutdown skips a connection that is busy writing and relies on this check to end it.
      if (ec || !keep_alive || stopped_) break;
    }
    boost::system::error_code ignored;
    conn->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    conn->stream.socket().close(ignored);
    std::lock_guard lock(mu_);
    connections_.erase(conn);
    if (connections_.empty()) drained_.notify_all();
  }

  ServerOptions options_;
  Handler handler_;
  std::shared_ptr<spdlog::logger> logger_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  asio::thread_pool workers_;
  std::vector<std::thread> io_threads_;
  uint16_t port_ = 0;
  std::atomic<bool> stopped_{false};
  std::mutex mu_;
  std::condition_variable drained_;
  std::set<std::shared_ptr<Connection>> connections_;
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
