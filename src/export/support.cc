// The export engine's small shared pieces: failure log, worker pool, hashing reader.
#include <thread>

#include "export/exporter_internal.h"

namespace tarn::exporter::internal {

void FailureLog::Add(std::string path, std::string operation, const Status& error) {
  Add(Failure{std::move(path), std::move(operation), Describe(error)});
}

void FailureLog::Add(Failure failure) {
  std::lock_guard lock(mu_);
  ++total_;
  if (listed_.size() < max_listed_) listed_.push_back(std::move(failure));
}

int64_t FailureLog::total() const {
  std::lock_guard lock(mu_);
  return total_;
}

std::vector<Failure> FailureLog::Take() {
  std::lock_guard lock(mu_);
  return std::move(listed_);
}

std::size_t ParallelFor(std::size_t count, int parallelism, const std::atomic<bool>& cancel,
                        const std::function<void(std::size_t)>& work) {
  std::atomic<std::size_t> next{0};
  auto loop = [&] {
    while (!cancel.load(std::memory_order_relaxed)) {
      std::size_t i = next.fetch_add(1);
      if (i >= count) return;
      work(i);
    }
  };
  std::size_t threads = std::min<std::size_t>(std::max(parallelism, 1), count);
  if (threads <= 1) {
    loop();
  } else {
    std::vector<std::jthread> pool;
    pool.reserve(threads);
    for (std::size_t t = 0; t < threads; ++t) pool.emplace_back(loop);
  }
  return std::min(next.load(), count);
}

Result<std::size_t> HashingReader::Read(std::span<char> out) {
  if (cancel_.load(std::memory_order_relaxed)) {
    return Status::Cancelled("interrupted");
  }
  ASSIGN_OR_RETURN(std::size_t n, inner_.Read(out));
  if (n > 0) {
    if (hash_) md5_.Update(std::string_view(out.data(), n));
    bytes_ += n;
    if (on_bytes_) on_bytes_(n);
  }
  return n;
}

std::string HashingReader::FinishHex() { return block::Md5Hex(md5_.Finish()); }

bool IsPlainMd5(std::string_view etag) {
  if (etag.size() != 32) return false;
  for (char c : etag) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool Retryable(const Status& status) {
  switch (status.code()) {
    case StatusCode::kUnavailable:
    case StatusCode::kIOError:
    case StatusCode::kDeadlineExceeded:
    case StatusCode::kInternal:
      return true;
    default:
      return false;
  }
}

std::string Describe(const Status& status) { return status.ToString(); }

}  // namespace tarn::exporter::internal
