#include "s3/client/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <mutex>

#include "s3/request.h"

namespace tarn::s3 {
namespace {

// libcurl's share handle with one mutex per kind of shared data, as libcurl requires for use
// from several threads.
class Share {
 public:
  Share() : share_(curl_share_init()) {
    if (share_ == nullptr) return;
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &Share::Lock);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &Share::Unlock);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
  ~Share() {
    if (share_ != nullptr) curl_share_cleanup(share_);
  }
  Share(const Share&) = delete;
  Share& operator=(const Share&) = delete;

  CURLSH* get() const { return share_; }

 private:
  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
    static_cast<Share*>(self)->MutexFor(data).lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* self) {
    static_cast<Share*>(self)->MutexFor(data).unlock();
  }
  std::mutex& MutexFor(curl_lock_data data) {
    auto index = static_cast<std::size_t>(data);
    return mutexes_[index < mutexes_.size() ? index : 0];
  }

  CURLSH* share_;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> mutexes_;
};

// An easy handle and the private multi handle that drives it.
struct Handle {
  CURL* easy = nullptr;
  CURLM* multi = nullptr;
};

class ClientImpl;

// One request in flight: owns a pooled handle for its lifetime.
class Transfer {
 public:
  Transfer(ClientImpl& client, Handle handle) : client_(client), handle_(handle) {}
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  // Configures the handle for `request` and starts it. `buffered` selects Send's mode: the
  // whole body collected into `sink` (at most `max_body` bytes) under the total timeout.
  Status Start(const HttpRequest& request, const HttpClientOptions& options, CURLSH* share,
               std::string* sink, std::size_t max_body);
  // Drives the transfer until the final response's headers arrived (or it ended).
  Status AwaitHeaders();
  // Drives the transfer to its end (buffered mode).
  Status AwaitDone();
  Result<std::size_t> ReadBody(std::span<char> out);

  int status() const { return status_; }
  std::vector<HttpHeader>& headers() { return headers_; }

 private:
  static size_t OnHeader(char* data, size_t size, size_t count, void* self);
  static size_t OnWrite(char* data, size_t size, size_t count, void* self);
  static size_t OnRead(char* data, size_t size, size_t count, void* self);
  static int OnSeek(void* self, curl_off_t offset, int origin);

  // One round of curl_multi_perform, then a wait for socket activity when `until` is not met.
  Status Pump(const std::function<bool()>& until);
  Status CompletionStatus() const;
  size_t ReadRequestBody(char* data, size_t capacity);

  ClientImpl& client_;
  Handle handle_;
  bool added_ = false;
  curl_slist* header_list_ = nullptr;
  std::array<char, CURL_ERROR_SIZE> error_buffer_{};
  std::string method_;
  std::string url_;

  // Request body.
  std::string_view body_bytes_;
  BodySource* body_stream_ = nullptr;
  uint64_t body_size_ = 0;
  uint64_t body_sent_ = 0;
  Status body_error_;

  // Response.
  int status_ = 0;
  std::vector<HttpHeader> headers_;
  bool headers_done_ = false;
  bool done_ = false;
  CURLcode result_ = CURLE_OK;
  // Buffered mode.
  std::string* sink_ = nullptr;
  std::size_t sink_limit_ = 0;
  bool sink_overflow_ = false;
  // Streaming mode: the caller's buffer while a Read is under way, and what did not fit.
  std::span<char> direct_;
  std::size_t direct_filled_ = 0;
  std::string overflow_;
  std::size_t overflow_pos_ = 0;
  bool paused_ = false;
};

class ClientImpl final : public HttpClient {
 public:
  explicit ClientImpl(const HttpClientOptions& options) : options_(options) {}
  ~ClientImpl() override {
    for (Handle& h : idle_) Destroy(h);
    idle_.clear();
  }

  bool ok() const { return share_.get() != nullptr; }

  Result<HttpResponse> Send(const HttpRequest& request, std::size_t max_body) override;
  Result<std::unique_ptr<HttpResponseStream>> Open(const HttpRequest& request) override;

  Result<Handle> Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        Handle h = idle_.back();
        idle_.pop_back();
        return h;
      }
    }
    Handle h{curl_easy_init(), curl_multi_init()};
    if (h.easy == nullptr || h.multi == nullptr) {
      Destroy(h);
      return Status::Internal("libcurl could not allocate a transfer handle");
    }
    // A private multi handle keeps only a few idle connections by default; the connections
    // live in the shared cache, so give it the client's limit.
    curl_multi_setopt(h.multi, CURLMOPT_MAXCONNECTS, options_.max_idle_connections);
    return h;
  }

  void Release(Handle h) {
    curl_easy_reset(h.easy);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (idle_.size() < options_.max_idle_handles) {
        idle_.push_back(h);
        return;
      }
    }
    Destroy(h);
  }

  const HttpClientOptions& options() const { return options_; }
  CURLSH* share() const { return share_.get(); }

 private:
  static void Destroy(Handle h) {
    if (h.easy != nullptr) curl_easy_cleanup(h.easy);
    if (h.multi != nullptr) curl_multi_cleanup(h.multi);
  }

  HttpClientOptions options_;
  // Declared before the handles' pool: easy handles must be cleaned up before the share.
  Share share_;
  std::mutex mu_;
  std::vector<Handle> idle_;
};

class StreamImpl final : public HttpResponseStream {
 public:
  explicit StreamImpl(std::unique_ptr<Transfer> transfer) : transfer_(std::move(transfer)) {}
  int status() const override { return transfer_->status(); }
  const std::vector<HttpHeader>& headers() const override { return transfer_->headers(); }
  Result<std::size_t> Read(std::span<char> out) override { return transfer_->ReadBody(out); }

 private:
  std::unique_ptr<Transfer> transfer_;
};

Transfer::~Transfer() {
  if (added_) curl_multi_remove_handle(handle_.multi, handle_.easy);
  if (header_list_ != nullptr) curl_slist_free_all(header_list_);
  client_.Release(handle_);
}

Status Transfer::Start(const HttpRequest& request, const HttpClientOptions& options,
                       CURLSH* share, std::string* sink, std::size_t max_body) {
  CURL* e = handle_.easy;
  method_ = request.method;
  url_ = request.url;
  body_bytes_ = request.body;
  body_stream_ = request.body_stream;
  body_size_ = request.body_stream != nullptr ? request.body_size : request.body.size();
  sink_ = sink;
  sink_limit_ = max_body;

  curl_easy_setopt(e, CURLOPT_SHARE, share);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error_buffer_.data());
  curl_easy_setopt(e, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  // Object keys may contain "./" or "../" segments; they must reach the server as signed.
  curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_limit);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.low_speed_time.count()));
  if (sink != nullptr && options.request_timeout.count() > 0) {
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(options.request_timeout.count()));
  }
  curl_easy_setopt(e, CURLOPT_BUFFERSIZE, options.receive_buffer_size);
  curl_easy_setopt(e, CURLOPT_UPLOAD_BUFFERSIZE, 256L * 1024);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
  if (!options.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, options.ca_file.c_str());

  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Transfer::OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Transfer::OnWrite);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, this);

  // Every request that may carry a body goes through the upload path, so PUT and POST send
  // an explicit Content-Length (S3 rejects chunked transfer encoding) even when it is 0.
  const bool has_body = request.body_stream != nullptr || !request.body.empty() ||
                        request.method == "PUT" || request.method == "POST";
  if (request.method == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (has_body) {
    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body_size_));
    curl_easy_setopt(e, CURLOPT_READFUNCTION, &Transfer::OnRead);
    curl_easy_setopt(e, CURLOPT_READDATA, this);
    if (request.body_stream == nullptr) {
      curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, &Transfer::OnSeek);
      curl_easy_setopt(e, CURLOPT_SEEKDATA, this);
    }
    if (request.method != "PUT") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method_.c_str());
  } else if (request.method != "GET") {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method_.c_str());
  }

  for (const HttpHeader& h : request.headers) {
    std::string line = h.name;
    line += h.value.empty() ? ";" : ": ";  // "Name;" sends an empty value in libcurl
    line += h.value;
    curl_slist* next = curl_slist_append(header_list_, line.c_str());
    if (next == nullptr) return Status::Internal("out of memory building request headers");
    header_list_ = next;
  }
  // No Accept header of curl's own; the request carries exactly what the caller signed.
  curl_slist* next = curl_slist_append(header_list_, "Accept:");
  if (next == nullptr) return Status::Internal("out of memory building request headers");
  header_list_ = next;
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, header_list_);

  if (curl_multi_add_handle(handle_.multi, e) != CURLM_OK) {
    return Status::Internal("libcurl refused to start a transfer");
  }
  added_ = true;
  return Status::OK();
}

size_t Transfer::OnHeader(char* data, size_t size, size_t count, void* self_ptr) {
  auto* self = static_cast<Transfer*>(self_ptr);
  const size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    // A new response starts (after a 100 Continue or a redirect): forget the previous one.
    self->headers_.clear();
    return n;
  }
  if (line == "\r\n" || line == "\n") {
    long code = 0;
    curl_easy_getinfo(self->handle_.easy, CURLINFO_RESPONSE_CODE, &code);
    if (code >= 200) {
      self->status_ = static_cast<int>(code);
      self->headers_done_ = true;
    }
    return n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  HttpHeader header;
  header.name = ToLowerAscii(TrimWhitespace(line.substr(0, colon)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.remove_suffix(1);
  header.value = std::string(TrimWhitespace(value));
  self->headers_.push_back(std::move(header));
  return n;
}

size_t Transfer::OnWrite(char* data, size_t size, size_t count, void* self_ptr) {
  auto* self = static_cast<Transfer*>(self_ptr);
  const size_t n = size * count;
  if (self->sink_ != nullptr) {
    if (self->sink_->size() + n > self->sink_limit_) {
      self->sink_overflow_ = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    self->sink_->append(data, n);
    return n;
  }
  // Streaming: an unread overflow means the reader is behind; stop the socket until it catches
  // up (libcurl keeps this chunk and delivers it again after unpausing).
  if (self->overflow_pos_ < self->overflow_.size()) {
    self->paused_ = true;
    return CURL_WRITEFUNC_PAUSE;
  }
  std::size_t room = self->direct_.size() - self->direct_filled_;
  std::size_t direct = std::min(room, n);
  if (direct > 0) {
    std::memcpy(self->direct_.data() + self->direct_filled_, data, direct);
    self->direct_filled_ += direct;
  }
  self->overflow_.assign(data + direct, n - direct);
  self->overflow_pos_ = 0;
  return n;
}

size_t Transfer::OnRead(char* data, size_t size, size_t count, void* self_ptr) {
  return static_cast<Transfer*>(self_ptr)->ReadRequestBody(data, size * count);
}

size_t Transfer::ReadRequestBody(char* data, size_t capacity) {
  const uint64_t remaining = body_size_ - body_sent_;
  const std::size_t want = static_cast<std::size_t>(std::min<uint64_t>(capacity, remaining));
  if (want == 0) return 0;
  if (body_stream_ == nullptr) {
    std::memcpy(data, body_bytes_.data() + body_sent_, want);
    body_sent_ += want;
    return want;
  }
  Result<std::size_t> got = body_stream_->Read(std::span<char>(data, want));
  if (!got.ok()) {
    body_error_ = got.status();
    return CURL_READFUNC_ABORT;
  }
  if (*got == 0) {
    body_error_ = Status::InvalidArgument("request body ended after " +
                                          std::to_string(body_sent_) + " of " +
                                          std::to_string(body_size_) + " bytes");
    return CURL_READFUNC_ABORT;
  }
  body_sent_ += *got;
  if (body_sent_ == body_size_) {
    // libcurl asks no further; probe here so a longer body is not silently cut.
    char probe;
    Result<std::size_t> extra = body_stream_->Read(std::span<char>(&probe, 1));
    if (!extra.ok()) {
      body_error_ = extra.status();
      return CURL_READFUNC_ABORT;
    }
    if (*extra != 0) {
      body_error_ = Status::InvalidArgument("request body is longer than its declared " +
                                            std::to_string(body_size_) + " bytes");
      return CURL_READFUNC_ABORT;
    }
  }
  return *got;
}

int Transfer::OnSeek(void* self_ptr, curl_off_t offset, int origin) {
  auto* self = static_cast<Transfer*>(self_ptr);
  if (origin != SEEK_SET || offset < 0 || static_cast<uint64_t>(offset) > self->body_size_) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  self->body_sent_ = static_cast<uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

Status Transfer::Pump(const std::function<bool()>& until) {
  while (true) {
    int running = 0;
    CURLMcode mc = curl_multi_perform(handle_.multi, &running);
    if (mc != CURLM_OK) {
      return Status::Internal(std::string("libcurl: ") + curl_multi_strerror(mc));
    }
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(handle_.multi, &queued)) {
      if (msg->msg == CURLMSG_DONE && msg->easy_handle == handle_.easy) {
        done_ = true;
        result_ = msg->data.result;
      }
    }
    if (done_ || until()) return Status::OK();
    mc = curl_multi_poll(handle_.multi, nullptr, 0, 1000, nullptr);
    if (mc != CURLM_OK) {
      return Status::Internal(std::string("libcurl: ") + curl_multi_strerror(mc));
    }
  }
}

Status Transfer::CompletionStatus() const {
  if (result_ == CURLE_OK) return Status::OK();
  if (!body_error_.ok()) return body_error_;
  if (sink_overflow_) {
    return Status::Internal(method_ + " " + url_ + ": response body larger than " +
                            std::to_string(sink_limit_) + " bytes");
  }
  std::string detail = curl_easy_strerror(result_);
  if (error_buffer_[0] != '\0' && detail != error_buffer_.data()) {
    detail += " (";
    detail += error_buffer_.data();
    detail += ")";
  }
  std::string message = method_ + " " + url_ + ": ";
  if (result_ == CURLE_OPERATION_TIMEDOUT) message += "timed out: ";
  message += detail;
  switch (result_) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Status::InvalidArgument(message);
    case CURLE_OUT_OF_MEMORY:
      return Status::Internal(message);
    default:
      // Refused, reset, timed out, cut short, DNS: all worth another attempt.
      return Status::Unavailable(message);
  }
}

Status Transfer::AwaitHeaders() {
  RETURN_IF_ERROR(Pump([this] { return headers_done_; }));
  if (done_) RETURN_IF_ERROR(CompletionStatus());
  if (!headers_done_) {
    return Status::Unavailable(method_ + " " + url_ + ": the server sent no response");
  }
  return Status::OK();
}

Status Transfer::AwaitDone() {
  RETURN_IF_ERROR(Pump([] { return false; }));
  RETURN_IF_ERROR(CompletionStatus());
  if (!headers_done_) {
    return Status::Unavailable(method_ + " " + url_ + ": the server sent no response");
  }
  return Status::OK();
}

Result<std::size_t> Transfer::ReadBody(std::span<char> out) {
  if (out.empty()) return std::size_t{0};
  if (overflow_pos_ < overflow_.size()) {
    std::size_t n = std::min(out.size(), overflow_.size() - overflow_pos_);
    std::memcpy(out.data(), overflow_.data() + overflow_pos_, n);
    overflow_pos_ += n;
    return n;
  }
  if (done_) {
    RETURN_IF_ERROR(CompletionStatus());
    return std::size_t{0};
  }
  direct_ = out;
  direct_filled_ = 0;
  if (paused_) {
    paused_ = false;
    // Unpausing may deliver the held-back chunk right away, into `direct_`.
    curl_easy_pause(handle_.easy, CURLPAUSE_CONT);
  }
  Status pumped = direct_filled_ > 0 ? Status::OK()
                                     : Pump([this] { return direct_filled_ > 0 || paused_; });
  std::size_t filled = direct_filled_;
  direct_ = {};
  direct_filled_ = 0;
  RETURN_IF_ERROR(pumped);
  if (filled > 0) return filled;
  if (overflow_pos_ < overflow_.size()) return ReadBody(out);
  if (done_) {
    RETURN_IF_ERROR(CompletionStatus());
    return std::size_t{0};
  }
  return ReadBody(out);
}

Result<HttpResponse> ClientImpl::Send(const HttpRequest& request, std::size_t max_body) {
  ASSIGN_OR_RETURN(Handle handle, Acquire());
  HttpResponse response;
  {
    Transfer transfer(*this, handle);
    RETURN_IF_ERROR(transfer.Start(request, options_, share_.get(), &response.body, max_body));
    RETURN_IF_ERROR(transfer.AwaitDone());
    response.status = transfer.status();
    response.headers = std::move(transfer.headers());
  }
  return response;
}

Result<std::unique_ptr<HttpResponseStream>> ClientImpl::Open(const HttpRequest& request) {
  ASSIGN_OR_RETURN(Handle handle, Acquire());
  auto transfer = std::make_unique<Transfer>(*this, handle);
  RETURN_IF_ERROR(transfer->Start(request, options_, share_.get(), nullptr, 0));
  RETURN_IF_ERROR(transfer->AwaitHeaders());
  return std::unique_ptr<HttpResponseStream>(new StreamImpl(std::move(transfer)));
}

}  // namespace

std::optional<std::string_view> HttpResponse::Header(std::string_view name) const {
  for (const HttpHeader& h : headers) {
    if (EqualsIgnoreCase(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

std::optional<std::string_view> HttpResponseStream::Header(std::string_view name) const {
  for (const HttpHeader& h : headers()) {
    if (EqualsIgnoreCase(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

Result<std::string> HttpResponseStream::ReadAll(std::size_t max_bytes) {
  std::string out;
  std::array<char, 16 * 1024> buffer;
  while (true) {
    ASSIGN_OR_RETURN(std::size_t n, Read(buffer));
    if (n == 0) return out;
    std::size_t keep = std::min(n, max_bytes - std::min(max_bytes, out.size()));
    out.append(buffer.data(), keep);
  }
}

Result<std::unique_ptr<HttpClient>> HttpClient::Create(const HttpClientOptions& options) {
  // Reference-counted and thread-safe in the libcurl we build against (>= 7.84).
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    return Status::Internal("libcurl global initialisation failed");
  }
  auto client = std::make_unique<ClientImpl>(options);
  if (!client->ok()) return Status::Internal("libcurl could not create a share handle");
  return std::unique_ptr<HttpClient>(std::move(client));
}

}  // namespace tarn::s3
