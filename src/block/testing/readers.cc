#include "block/testing/readers.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "block/etag.h"
#include "common/hash.h"

namespace tarn::block::testing {
namespace {

uint64_t SplitMix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Byte i of the pattern is byte (i % 8) of SplitMix(seed * K + i / 8): any offset can be
// produced without generating what precedes it.
void Fill(uint64_t seed, uint64_t offset, char* out, std::size_t n) {
  uint64_t base = seed * 0xD6E8FEB86659FD93ull;
  while (n > 0) {
    uint64_t word = SplitMix(base + offset / 8);
    std::size_t skip = offset % 8;
    std::size_t take = std::min<std::size_t>(8 - skip, n);
    std::memcpy(out, reinterpret_cast<const char*>(&word) + skip, take);
    out += take;
    offset += take;
    n -= take;
  }
}

}  // namespace

Result<std::size_t> PatternReader::Read(std::span<char> out) {
  std::size_t n =
      static_cast<std::size_t>(std::min<uint64_t>({out.size(), max_chunk_, size_ - pos_}));
  Fill(seed_, pos_, out.data(), n);
  pos_ += n;
  return n;
}

std::string PatternBytes(uint64_t size, uint64_t seed) {
  std::string out(size, '\0');
  Fill(seed, 0, out.data(), out.size());
  return out;
}

Result<std::size_t> FailingReader::Read(std::span<char> out) {
  if (delivered_ >= fail_after_) return status_;
  std::size_t want =
      static_cast<std::size_t>(std::min<uint64_t>(out.size(), fail_after_ - delivered_));
  ASSIGN_OR_RETURN(std::size_t n, inner_.Read(out.subspan(0, want)));
  delivered_ += n;
  return n;
}

Result<StreamDigest> DigestOf(Reader& reader, std::size_t buffer_size) {
  std::vector<char> buf(buffer_size);
  Sha256 sha;
  Md5 md5;
  StreamDigest out;
  for (;;) {
    ASSIGN_OR_RETURN(std::size_t n, reader.Read(std::span<char>(buf.data(), buf.size())));
    if (n == 0) break;
    std::string_view chunk(buf.data(), n);
    sha.Update(chunk);
    md5.Update(chunk);
    out.size += n;
  }
  out.sha256 = DigestHex(sha.Finish());
  out.md5 = Md5Hex(md5.Finish());
  return out;
}

StreamDigest PatternDigest(uint64_t size, uint64_t seed) {
  PatternReader reader(size, seed);
  return *DigestOf(reader);
}

}  // namespace tarn::block::testing
