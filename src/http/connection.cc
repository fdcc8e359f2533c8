#include "http/connection.h"

#include <sys/sendfile.h>
#include <unistd.h>

#include <algorithm>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <optional>
#include <type_traits>

namespace tarn::http::internal {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kResponseChunk = 256 * 1024;
// Bytes per sendfile call: enough to fill a socket buffer, small enough that one call does not
// hold the I/O thread (and the page cache lookups) for long.
constexpr uint64_t kSendfileChunk = 2 << 20;
constexpr std::size_t kScratchBytes = 64 * 1024;
constexpr uint64_t kDrainLimit = 1 << 20;
constexpr std::chrono::seconds kLingerTime{2};
constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";

Status BodyError(const boost::system::error_code& ec, uint64_t limit) {
  if (ec == beast::error::timeout) {
    return Status::DeadlineExceeded(
        "the client sent no request body bytes for longer than the request timeout");
  }
  if (ec == bhttp::error::body_limit) {
    return Status::InvalidArgument("request body too large: more than " + std::to_string(limit) +
                                   " bytes (the server's limit); send a smaller body");
  }
  if (ec == bhttp::error::partial_message || ec == asio::error::eof ||
      ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
      ec == asio::error::bad_descriptor || ec == asio::error::broken_pipe) {
    return Status::Cancelled("the client closed the connection before the end of the body");
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_chunk).category()) {
    return Status::InvalidArgument("malformed chunked request body: " + ec.message());
  }
  return Status::Cancelled("reading the request body failed: " + ec.message());
}

Response ErrorResponse(int status, std::string_view message) {
  return Response::Text(status, std::string(message) + "\n");
}

// A file range read with pread, for TLS connections where sendfile cannot be used.
class FileRangeReader final : public BodySource {
 public:
  explicit FileRangeReader(BodySource::FileRange range) : range_(range) {}
  Result<std::size_t> Read(std::span<char> out) override {
    std::size_t want = static_cast<std::size_t>(std::min<uint64_t>(out.size(), range_.length));
    if (want == 0) return std::size_t{0};
    for (;;) {
      ssize_t n = ::pread(range_.fd, out.data(), want, static_cast<off_t>(range_.offset));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Status::IOError(std::string("reading the body file: ") + strerror(errno));
      range_.offset += static_cast<uint64_t>(n);
      range_.length -= static_cast<uint64_t>(n);
      return static_cast<std::size_t>(n);
    }
  }

 private:
  BodySource::FileRange range_;
};

// Two chunk buffers read on the worker pool while the strand writes; see StreamBody.
struct Pipeline {
  struct Slot {
    std::unique_ptr<char[]> data{new char[kResponseChunk]};
    std::size_t n = 0;
    Status status;
    bool ready = true;
  };
  explicit Pipeline(const asio::any_io_executor& strand) : event(strand) {
    event.expires_at(asio::steady_timer::time_point::max());
  }
  Slot slots[2];
  asio::steady_timer event;  // cancelled to wake the coroutine waiting for a slot
};

template <class Stream>
class Connection final : public ConnectionBase,
                         public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kPlain = std::is_same_v<Stream, beast::tcp_stream>;

  template <class... Args>
  Connection(const ServerContext* context, Args&&... args)
      : ctx_(context), opt_(*context->options), stream_(std::forward<Args>(args)...) {}

  void Start() override {
    asio::co_spawn(stream_.get_executor(), Serve(this->shared_from_this()), asio::detached);
  }

  void CloseIfIdle() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      boost::system::error_code ignored;
      if (!self->busy_) self->Lowest().socket().close(ignored);
    });
  }

  void CloseNow() override {
    boost::system::error_code ignored;
    Lowest().socket().close(ignored);
    std::lock_guard lock(body_mu_);
    aborted_ = true;
    if (read_pending_) {
      CompleteReadLocked(0, Status::Cancelled("the server shut down while reading the body"));
    }
  }

 private:
  class Reader final : public BodyReader {
   public:
    explicit Reader(Connection* c) : c_(c) {}
    Result<std::size_t> Read(std::span<char> out) override { return c_->ReadBody(out); }

   private:
    Connection* c_;
  };

  enum class BodyMode { kInactive, kPreread, kStream };

  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  // ---- request body, called on a worker ----

  Result<std::size_t> ReadBody(std::span<char> out) {
    std::unique_lock lock(body_mu_);
    if (mode_ == BodyMode::kInactive) {
      return Status::Cancelled("request body read after the handler returned; read it before");
    }
    if (!body_error_.ok()) return body_error_;
    if (mode_ == BodyMode::kPreread) {
      std::size_t n = std::min(out.size(), preread_.size() - preread_pos_);
      std::memcpy(out.data(), preread_.data() + preread_pos_, n);
      preread_pos_ += n;
      bytes_in_ += n;
      return n;
    }
    if (out.empty() || parser_->is_done()) return std::size_t{0};
    if (aborted_) return Status::Cancelled("the server shut down while reading the body");
    pending_ = out;
    read_pending_ = true;
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->StartRead(); });
    body_cv_.wait(lock, [this] { return !read_pending_; });
    if (!read_status_.ok()) {
      body_error_ = read_status_;
      return body_error_;
    }
    bytes_in_ += read_n_;
    return read_n_;
  }

  // On the strand.
  void StartRead() {
    if (need_continue_ && !continue_sent_) {
      continue_sent_ = true;
      Lowest().expires_after(opt_.request_timeout);
      asio::async_write(
          stream_, asio::buffer(kContinue, sizeof(kContinue) - 1),
          [self = this->shared_from_this()](boost::system::error_code ec, std::size_t) {
            if (ec) return self->CompleteRead(0, BodyError(ec, 0));
            self->ContinueRead();
          });
      return;
    }
    ContinueRead();
  }

  void ContinueRead() {
    auto& body = parser_->get().body();
    body.data = pending_.data();
    body.size = pending_.size();
    Lowest().expires_after(opt_.request_timeout);
    bhttp::async_read_some(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](boost::system::error_code ec, std::size_t) {
          std::size_t n = self->pending_.size() - self->parser_->get().body().size;
          if (ec == bhttp::error::need_buffer) ec = {};
          if (ec) return self->CompleteRead(0, BodyError(ec, self->opt_.max_body_bytes));
          if (n == 0 && !self->parser_->is_done()) return self->ContinueRead();
          self->CompleteRead(n, Status::OK());
        });
  }

  void CompleteRead(std::size_t n, Status status) {
    std::lock_guard lock(body_mu_);
    CompleteReadLocked(n, std::move(status));
  }

  void CompleteReadLocked(std::size_t n, Status status) {
    read_n_ = n;
    read_status_ = std::move(status);
    read_pending_ = false;
    body_cv_.notify_all();
  }

  // ---- serving ----

  asio::awaitable<void> Serve(std::shared_ptr<Connection> self) {
    Metrics* metrics = opt_.metrics.get();
    if (metrics) metrics->ConnectionOpened();
    {
      boost::system::error_code ec;
      auto ep = Lowest().socket().remote_endpoint(ec);
      if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
    }
    bool open = true;
    if constexpr (!kPlain) {
      boost::system::error_code ec;
      Lowest().expires_after(opt_.request_timeout);
      co_await stream_.async_handshake(ssl::stream_base::server,
                                       asio::redirect_error(asio::use_awaitable, ec));
      open = !ec;
    }
    while (open) open = co_await ServeOne();
    boost::system::error_code ignored;
    Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    Lowest().socket().close(ignored);
    if (metrics) metrics->ConnectionClosed();
    ctx_->registry->Remove(this);
  }

  // Serves one request; false when the connection is to be closed.
  asio::awaitable<bool> ServeOne() {
    boost::system::error_code ec;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(opt_.max_header_bytes));
    parser_->body_limit(opt_.max_body_bytes);
    Lowest().expires_after(opt_.idle_timeout);
    co_await bhttp::async_read_header(stream_, buffer_, *parser_,
                                      asio::redirect_error(asio::use_awaitable, ec));
    // A Content-Length over the body limit fails here, before any of the body is read; it
    // is answered below. Anything else (closed, timed out, malformed) just closes.
    if (ec && ec != bhttp::error::body_limit) co_return false;
    busy_ = true;
    Clock::time_point start = Clock::now();
    Metrics* metrics = opt_.metrics.get();
    if (metrics) metrics->RequestStarted();

    auto& msg = parser_->get();
    Request request;
    request.request_id = ctx_->ids->Next();
    request.method = std::string(msg.method_string());
    request.target = std::string(msg.target());
    request.remote_address = remote_;
    unsigned version = msg.version();
    bool keep_alive = false;
    bool unread_body = false;
    Response response;
    {
      std::lock_guard lock(body_mu_);
      mode_ = BodyMode::kInactive;
      bytes_in_ = 0;
      body_error_ = Status::OK();
    }
    if (ec == bhttp::error::body_limit) {
      response =
          ErrorResponse(413, "request body too large: at most " +
                                 std::to_string(opt_.max_body_bytes) + " bytes are accepted");
      unread_body = true;
    } else {
      keep_alive = msg.keep_alive();
      request.headers.reserve(16);
      for (const auto& field : msg) {
        request.headers.push_back({std::string(field.name_string()), std::string(field.value())});
      }
      if (auto length = parser_->content_length()) {
        request.content_length = *length;
      } else if (!parser_->chunked()) {
        request.content_length = 0;
      }
      bool expect_continue =
          version >= 11 && beast::iequals(msg[bhttp::field::expect], "100-continue");
      BodyMode mode = BodyMode::kStream;
      if (!parser_->is_done() && !expect_continue && request.content_length &&
          *request.content_length <= opt_.preread_bytes) {
        // Small body: read it here, so the handler's reads need no hop to this thread.
        preread_.resize(static_cast<std::size_t>(*request.content_length));
        auto& body = msg.body();
        body.data = preread_.data();
        body.size = preread_.size();
        Lowest().expires_after(opt_.request_timeout);
        co_await bhttp::async_read(stream_, buffer_, *parser_,
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (ec == bhttp::error::need_buffer) ec = {};
        if (ec || !parser_->is_done()) {
          if (metrics) metrics->RequestFinished();
          co_return false;
        }
        mode = BodyMode::kPreread;
      }
      if (expect_continue && parser_->is_done()) {
        // No body to wait for, so no read will send the interim answer. HTTP lets a server
        // skip it here, but botocore then takes this request's final answer for the next
        // request's interim one and stalls until its read timeout; S3 always sends it.
        Lowest().expires_after(opt_.request_timeout);
        co_await asio::async_write(stream_, asio::buffer(kContinue, sizeof(kContinue) - 1),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
          if (metrics) metrics->RequestFinished();
          co_return false;
        }
        expect_continue = false;
      }
      {
        std::lock_guard lock(body_mu_);
        mode_ = mode;
        preread_pos_ = 0;
        need_continue_ = expect_continue;
        continue_sent_ = false;
      }
      // Aliases the connection: the reader lives as long as any copy of the request.
      request.body = std::shared_ptr<BodyReader>(this->shared_from_this(), &reader_);
      response = co_await RunHandler(request);
      bool body_failed;
      {
        std::lock_guard lock(body_mu_);
        mode_ = BodyMode::kInactive;
        body_failed = !body_error_.ok();
      }
      if (!parser_->is_done()) {
        // A refused 100-continue body was never sent; a failed read left the stream unusable.
        if (body_failed || (expect_continue && !continue_sent_) || !keep_alive ||
            ctx_->stopped->load()) {
          keep_alive = false;
        } else {
          keep_alive = co_await Drain(request.content_length);
        }
        unread_body = !parser_->is_done() && !body_failed;
      }
    }
    if (ctx_->stopped->load()) keep_alive = false;
    uint64_t bytes_out = 0;
    bool written = co_await WriteResponse(request, response, version, keep_alive, &bytes_out);
    busy_ = false;

    auto duration = Clock::now() - start;
    if (metrics) {
      metrics->RecordRequest(response.operation, response.status, duration, bytes_in_, bytes_out);
      metrics->RequestFinished();
    }
    if (opt_.access_log) {
      opt_.access_log->info(
          "{} {} {} {} {} {} {:.3f} {} {}", remote_, request.method, RedactTarget(request.target),
          response.status, bytes_in_, bytes_out,
          std::chrono::duration<double, std::milli>(duration).count(),
          response.operation.empty() ? std::string_view("unknown") : response.operation,
          request.request_id);
    }
    if (!written || !keep_alive) {
      if (written && unread_body) co_await LingeringClose();
      co_return false;
    }
    co_return !ctx_->stopped->load();
  }

  asio::awaitable<Response> RunHandler(const Request& request) {
    // The handler may block on storage: run it on the worker pool, resume here after.
    co_return co_await asio::co_spawn(
        *ctx_->workers,
        [this, &request]() -> asio::awaitable<Response> {
          // An escaping exception would end the worker thread and with it the process.
          try {
            co_return (*ctx_->handler)(request);
          } catch (const std::exception& e) {
            ctx_->logger->error("handler failed on {} {}: {}", request.method,
                                RedactTarget(request.target), e.what());
          } catch (...) {
            ctx_->logger->error("handler failed on {} {}: unknown exception", request.method,
                                RedactTarget(request.target));
          }
          co_return ErrorResponse(500, "internal server error");
        },
        asio::use_awaitable);
  }

  // Discards what the handler left of the body, up to kDrainLimit; true when it all arrived.
  asio::awaitable<bool> Drain(std::optional<uint64_t> content_length) {
    if (content_length && *content_length - bytes_in_ > kDrainLimit) co_return false;
    std::unique_ptr<char[]> scratch(new char[kScratchBytes]);
    uint64_t drained = 0;
    while (!parser_->is_done()) {
      auto& body = parser_->get().body();
      body.data = scratch.get();
      body.size = kScratchBytes;
      boost::system::error_code ec;
      Lowest().expires_after(opt_.request_timeout);
      co_await bhttp::async_read_some(stream_, buffer_, *parser_,
                                      asio::redirect_error(asio::use_awaitable, ec));
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) co_return false;
      drained += kScratchBytes - body.size;
      if (drained > kDrainLimit) co_return false;
    }
    bytes_in_ += drained;
    co_return true;
  }

  // After a "Connection: close" reply to a request whose body was not all read: stop sending,
  // and read (briefly) what the client still sends, so closing does not reset the connection
  // before the client has read the reply.
  asio::awaitable<void> LingeringClose() {
    if constexpr (kPlain) {
      boost::system::error_code ec;
      Lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
      if (ec) co_return;
      std::unique_ptr<char[]> scratch(new char[kScratchBytes]);
      Lowest().expires_after(std::min<Clock::duration>(kLingerTime, opt_.request_timeout));
      uint64_t total = 0;
      while (total < kDrainLimit) {
        std::size_t n =
            co_await Lowest().async_read_some(asio::buffer(scratch.get(), kScratchBytes),
                                              asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        total += n;
      }
    }
  }

  asio::awaitable<bool> WriteResponse(const Request& request, Response& response, unsigned version,
                                      bool keep_alive, uint64_t* bytes_out) {
    boost::system::error_code ec;
    if (response.stream && !response.content_length) {
      ctx_->logger->error("handler for {} {} streamed a body without content_length",
                          request.method, RedactTarget(request.target));
      response = ErrorResponse(500, "internal server error");
    }
    uint64_t length;
    if (response.stream) {
      length = *response.content_length;
    } else if (response.body.empty() && response.content_length) {
      length = *response.content_length;
    } else {
      length = response.body.size();
    }
    bool no_body_status = response.status < 200 || response.status == 204 || response.status == 304;
    HeadInfo info;
    info.version = version == 10 ? 10 : 11;
    info.keep_alive = keep_alive;
    if (response.status >= 200 && response.status != 204) info.content_length = length;
    info.request_id = request.request_id;
    info.date = CurrentHttpDate();
    head_.clear();
    AppendResponseHead(response, info, &head_);
    bool send_body = request.method != "HEAD" && !no_body_status && length > 0 &&
                     (response.stream || !response.body.empty());
    Lowest().expires_after(opt_.request_timeout);
    if (!send_body) {
      co_await asio::async_write(stream_, asio::buffer(head_),
                                 asio::redirect_error(asio::use_awaitable, ec));
      co_return !ec;
    }
    if (!response.stream) {
      ec = co_await WriteHeadAnd(asio::buffer(response.body));
      if (!ec) *bytes_out = response.body.size();
      co_return !ec;
    }
    if (auto range = response.stream->file_range()) {
      if constexpr (kPlain) {
        co_return co_await SendFile(*range, length, bytes_out);
      } else {
        auto reader = std::make_shared<FileRangeReader>(*range);
        co_return co_await StreamBody(reader, length, bytes_out);
      }
    }
    co_return co_await StreamBody(response.stream, length, bytes_out);
  }

  // Writes head_ and then `body`: one gathered write on plain connections. Under TLS a small
  // body is copied behind the head (one record), a large one written separately: the TLS
  // stream's gathered writes lose the second buffer when the first is small.
  asio::awaitable<boost::system::error_code> WriteHeadAnd(asio::const_buffer body) {
    boost::system::error_code ec;
    if constexpr (kPlain) {
      std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), body};
      co_await asio::async_write(stream_, buffers, asio::redirect_error(asio::use_awaitable, ec));
    } else {
      if (body.size() <= kScratchBytes) {
        head_.append(static_cast<const char*>(body.data()), body.size());
        co_await asio::async_write(stream_, asio::buffer(head_),
                                   asio::redirect_error(asio::use_awaitable, ec));
      } else {
        co_await asio::async_write(stream_, asio::buffer(head_),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (!ec) {
          co_await asio::async_write(stream_, body, asio::redirect_error(asio::use_awaitable, ec));
        }
      }
    }
    co_return ec;
  }

  // Head, then the file range with sendfile(2) from this thread; false when the range ended
  // early or the client went away.
  asio::awaitable<bool> SendFile(BodySource::FileRange range, uint64_t length,
                                 uint64_t* bytes_out) {
    boost::system::error_code ec;
    co_await asio::async_write(stream_, asio::buffer(head_),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
    auto& socket = Lowest().socket();
    socket.native_non_blocking(true, ec);
    if (ec) co_return false;
    off_t offset = static_cast<off_t>(range.offset);
    uint64_t left = std::min(range.length, length);
    std::optional<asio::steady_timer> timer;
    while (left > 0) {
      ssize_t n = ::sendfile(socket.native_handle(), range.fd, &offset,
                             static_cast<std::size_t>(std::min<uint64_t>(left, kSendfileChunk)));
      if (n > 0) {
        left -= static_cast<uint64_t>(n);
        *bytes_out += static_cast<uint64_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (!timer) timer.emplace(stream_.get_executor());
        timer->expires_after(opt_.request_timeout);
        timer->async_wait([self = this->shared_from_this()](boost::system::error_code ec) {
          boost::system::error_code ignored;
          if (!ec) self->Lowest().socket().cancel(ignored);
        });
        co_await socket.async_wait(tcp::socket::wait_write,
                                   asio::redirect_error(asio::use_awaitable, ec));
        timer->cancel();
        if (ec) co_return false;
        continue;
      }
      if (n == 0) {
        ctx_->logger->warn("body file ended {} bytes before the announced length", left);
      }
      co_return false;
    }
    co_return range.length >= length;
  }

  // Starts reading up to `want` bytes of `source` into `slot` on the worker pool.
  void StartChunk(const std::shared_ptr<Pipeline>& pipe, const std::shared_ptr<BodySource>& source,
                  int slot, std::size_t want) {
    pipe->slots[slot].ready = false;
    asio::post(*ctx_->workers, [self = this->shared_from_this(), pipe, source, slot, want] {
      auto& s = pipe->slots[slot];
      std::size_t filled = 0;
      Status status;
      while (filled < want) {
        Result<std::size_t> n = source->Read(std::span<char>(s.data.get() + filled, want - filled));
        if (!n.ok()) {
          status = n.status();
          break;
        }
        if (*n == 0) break;
        filled += *n;
      }
      asio::post(self->stream_.get_executor(), [pipe, slot, filled, status = std::move(status)] {
        auto& s = pipe->slots[slot];
        s.n = filled;
        s.status = status;
        s.ready = true;
        pipe->event.cancel();
      });
    });
  }

  asio::awaitable<void> WaitChunk(Pipeline& pipe, int slot) {
    while (!pipe.slots[slot].ready) {
      boost::system::error_code ec;
      co_await pipe.event.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  // Head and `length` bytes of `source`, read in chunks on the worker pool while the previous
  // chunk is written; false when the source failed or ended early, or the client went away.
  asio::awaitable<bool> StreamBody(std::shared_ptr<BodySource> source, uint64_t length,
                                   uint64_t* bytes_out) {
    auto pipe = std::make_shared<Pipeline>(stream_.get_executor());
    uint64_t remaining = length;
    int cur = 0;
    bool head_pending = true;
    StartChunk(pipe, source, cur,
               static_cast<std::size_t>(std::min<uint64_t>(kResponseChunk, remaining)));
    co_await WaitChunk(*pipe, cur);
    for (;;) {
      boost::system::error_code ec;
      auto& slot = pipe->slots[cur];
      if (!slot.status.ok() || slot.n == 0) {
        if (!slot.status.ok()) {
          ctx_->logger->warn("response body failed after {} of {} bytes: {}", length - remaining,
                             length, slot.status.ToString());
        } else {
          ctx_->logger->warn("response body ended after {} of {} bytes", length - remaining,
                             length);
        }
        if (head_pending) {
          Lowest().expires_after(opt_.request_timeout);
          co_await asio::async_write(stream_, asio::buffer(head_),
                                     asio::redirect_error(asio::use_awaitable, ec));
        }
        co_return false;
      }
      remaining -= slot.n;
      if (remaining > 0) {
        StartChunk(pipe, source, 1 - cur,
                   static_cast<std::size_t>(std::min<uint64_t>(kResponseChunk, remaining)));
      }
      Lowest().expires_after(opt_.request_timeout);
      if (head_pending) {
        ec = co_await WriteHeadAnd(asio::buffer(slot.data.get(), slot.n));
        head_pending = false;
      } else {
        co_await asio::async_write(stream_, asio::buffer(slot.data.get(), slot.n),
                                   asio::redirect_error(asio::use_awaitable, ec));
      }
      if (!ec) *bytes_out += slot.n;
      if (ec || remaining == 0) {
        // Never leave a worker filling a buffer after this returns.
        co_await WaitChunk(*pipe, 1 - cur);
        co_return !ec;
      }
      cur = 1 - cur;
      co_await WaitChunk(*pipe, cur);
    }
  }

  const ServerContext* ctx_;
  const ServerOptions& opt_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::buffer_body>> parser_;
  std::string remote_;
  std::string head_;
  std::string preread_;
  std::atomic<bool> busy_{false};
  Reader reader_{this};

  // Body state shared between the strand and the handler's worker.
  std::mutex body_mu_;
  std::condition_variable body_cv_;
  BodyMode mode_ = BodyMode::kInactive;
  std::size_t preread_pos_ = 0;
  bool need_continue_ = false;
  bool continue_sent_ = false;
  bool aborted_ = false;
  bool read_pending_ = false;
  std::span<char> pending_;
  std::size_t read_n_ = 0;
  Status read_status_;
  Status body_error_;
  uint64_t bytes_in_ = 0;
};

}  // namespace

std::shared_ptr<ConnectionBase> MakeConnection(const ServerContext* context, tcp::socket socket,
                                               ssl::context* tls) {
  if (tls != nullptr) {
    return std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(
        context, std::move(socket), *tls);
  }
  return std::make_shared<Connection<beast::tcp_stream>>(context, std::move(socket));
}

}  // namespace tarn::http::internal
