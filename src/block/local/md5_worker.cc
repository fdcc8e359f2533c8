#include "block/local/md5_worker.h"

namespace tarn::block::local {

Md5Worker::Md5Worker(std::size_t slots) : slots_(slots), ring_(slots) {
  thread_ = std::thread([this] { Run(); });
}

Md5Worker::~Md5Worker() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Md5Worker::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return hashed_ < submitted_ || closing_; });
    if (hashed_ == submitted_) return;  // closing with nothing left
    std::string_view chunk = ring_[hashed_ % slots_];
    lock.unlock();
    md5_.Update(chunk);
    lock.lock();
    ++hashed_;
    cv_.notify_all();
  }
}

void Md5Worker::WaitForSlot(uint64_t n) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return hashed_ + slots_ > n; });
}

void Md5Worker::Submit(std::string_view bytes) {
  {
    std::lock_guard lock(mu_);
    ring_[submitted_ % slots_] = bytes;
    ++submitted_;
  }
  cv_.notify_all();
}

Md5Digest Md5Worker::Finish() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  cv_.notify_all();
  thread_.join();
  return md5_.Finish();
}

}  // namespace tarn::block::local
