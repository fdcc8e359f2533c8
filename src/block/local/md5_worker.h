// Md5Worker: computes an MD5 on a helper thread while the caller writes the same bytes, so a
// large Put costs max(hash, write) instead of hash + write.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "block/etag.h"

namespace tarn::block::local {

class Md5Worker {
 public:
  // `slots`: how many submitted chunks may wait for the hasher at once; the caller owns that many
  // buffers and reuses buffer n % slots for chunk n.
  explicit Md5Worker(std::size_t slots);
  // Hashes what was submitted and stops the thread.
  ~Md5Worker();
  Md5Worker(const Md5Worker&) = delete;
  Md5Worker& operator=(const Md5Worker&) = delete;

  // Blocks until the hasher is done with chunk `n - slots`, whose buffer chunk `n` reuses.
  void WaitForSlot(uint64_t n);
  // Queues the next chunk. REQUIRES: WaitForSlot(number of chunks submitted so far) returned;
  // `bytes` stays valid and unchanged until the hasher is done with it (see WaitForSlot).
  void Submit(std::string_view bytes);
  // Waits until every submitted chunk is hashed and returns the digest. Call once.
  Md5Digest Finish();

 private:
  void Run();

  const std::size_t slots_;
  std::vector<std::string_view> ring_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t submitted_ = 0;
  uint64_t hashed_ = 0;
  bool closing_ = false;
  Md5 md5_;
  std::thread thread_;
};

}  // namespace tarn::block::local
