// Readers and digests for adapter tests: deterministic bodies of any size that are generated on
// the fly (never held whole), readers that fail on cue, and stream digests to compare bodies.
#pragma once

#include <cstdint>
#include <string>

#include "tarn/block/adapter.h"

namespace tarn::block::testing {

// Yields `size` pseudo-random bytes determined by `seed`, at most `max_chunk` per Read (odd
// chunk sizes exercise the adapters' buffering).
class PatternReader final : public Reader {
 public:
  PatternReader(uint64_t size, uint64_t seed, std::size_t max_chunk = 1 << 20)
      : size_(size), seed_(seed), max_chunk_(max_chunk) {}
  Result<std::size_t> Read(std::span<char> out) override;

 private:
  uint64_t size_;
  uint64_t seed_;
  std::size_t max_chunk_;
  uint64_t pos_ = 0;
};

// The bytes a PatternReader(size, seed) yields, as a string (for small sizes).
std::string PatternBytes(uint64_t size, uint64_t seed);

// Yields the bytes of `inner` until `fail_after` bytes were delivered, then fails with
// `status` (IOError by default) on every later Read.
class FailingReader final : public Reader {
 public:
  FailingReader(Reader& inner, uint64_t fail_after,
                Status status = Status::IOError("injected body failure"))
      : inner_(inner), fail_after_(fail_after), status_(std::move(status)) {}
  Result<std::size_t> Read(std::span<char> out) override;

 private:
  Reader& inner_;
  uint64_t fail_after_;
  Status status_;
  uint64_t delivered_ = 0;
};

struct StreamDigest {
  uint64_t size = 0;
  std::string sha256;  // hex
  std::string md5;     // hex: the single-part etag of the bytes

  friend bool operator==(const StreamDigest&, const StreamDigest&) = default;
};

// Drains `reader` through a buffer of `buffer_size` bytes and digests what it yields.
Result<StreamDigest> DigestOf(Reader& reader, std::size_t buffer_size = 1 << 20);
// The digest of PatternReader(size, seed).
StreamDigest PatternDigest(uint64_t size, uint64_t seed);

}  // namespace tarn::block::testing
