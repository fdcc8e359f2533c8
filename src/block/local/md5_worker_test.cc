#include "block/local/md5_worker.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "block/testing/readers.h"

namespace tarn::block::local {
namespace {

TEST(Md5WorkerTest, DigestEqualsOneShotMd5WhileBuffersAreReused) {
  const std::string bytes = testing::PatternBytes(1'000'003, 9);
  constexpr std::size_t kSlots = 3;
  constexpr std::size_t kChunk = 4096;
  std::vector<std::string> buffers(kSlots, std::string(kChunk, '\0'));
  Md5Worker worker(kSlots);
  uint64_t n = 0;
  for (std::size_t off = 0; off < bytes.size(); off += kChunk, ++n) {
    worker.WaitForSlot(n);
    std::string& buf = buffers[n % kSlots];
    std::size_t len = std::min(kChunk, bytes.size() - off);
    buf.assign(bytes, off, len);  // overwrites the chunk submitted kSlots ago
    worker.Submit(buf);
  }
  EXPECT_EQ(Md5Hex(worker.Finish()), Md5HexOf(bytes));
}

TEST(Md5WorkerTest, EmptyInputAndEarlyDestruction) {
  {
    Md5Worker worker(2);
    EXPECT_EQ(Md5Hex(worker.Finish()), Md5HexOf(""));
  }
  std::string chunk = "abandoned";
  Md5Worker worker(2);
  worker.WaitForSlot(0);
  worker.Submit(chunk);
  // Destroyed without Finish (an error path): must join cleanly.
}

}  // namespace
}  // namespace tarn::block::local
