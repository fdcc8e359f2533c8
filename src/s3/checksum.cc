#include "s3/checksum.h"

#include <array>
#include <cstring>

#include "common/coding.h"
#include "s3/request.h"

namespace tarn::s3 {
namespace {

// Slicing-by-8 tables for a reflected CRC: eight bytes per step instead of one, which keeps
// checksumming far below the cost of the network and the disk.
template <typename T>
struct CrcTables {
  std::array<std::array<T, 256>, 8> t{};
};

template <typename T>
constexpr CrcTables<T> MakeTables(T reflected_poly) {
  CrcTables<T> tables;
  for (unsigned i = 0; i < 256; ++i) {
    T crc = T(i);
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ reflected_poly : crc >> 1;
    tables.t[0][i] = crc;
  }
  for (int k = 1; k < 8; ++k) {
    for (unsigned i = 0; i < 256; ++i) {
      T prev = tables.t[k - 1][i];
      tables.t[k][i] = (prev >> 8) ^ tables.t[0][prev & 0xFF];
    }
  }
  return tables;
}

constexpr auto kCrc32Tables = MakeTables<uint32_t>(0xEDB88320u);
constexpr auto kCrc32cTables = MakeTables<uint32_t>(0x82F63B78u);
constexpr auto kCrc64NvmeTables = MakeTables<uint64_t>(0x9A6C9329AC4BC9B5ull);

uint64_t Load64LE(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

template <typename T>
T Update(const CrcTables<T>& tables, T crc, std::string_view bytes) {
  const auto& t = tables.t;
  crc = ~crc;
  auto p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t n = bytes.size();
  while (n >= 8) {
    uint64_t word = Load64LE(p);
    if constexpr (sizeof(T) == 4) {
      uint32_t lo = uint32_t(crc) ^ uint32_t(word);
      uint32_t hi = uint32_t(word >> 32);
      crc = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24] ^
            t[3][hi & 0xFF] ^ t[2][(hi >> 8) & 0xFF] ^ t[1][(hi >> 16) & 0xFF] ^ t[0][hi >> 24];
    } else {
      uint64_t v = crc ^ word;
      crc = t[7][v & 0xFF] ^ t[6][(v >> 8) & 0xFF] ^ t[5][(v >> 16) & 0xFF] ^
            t[4][(v >> 24) & 0xFF] ^ t[3][(v >> 32) & 0xFF] ^ t[2][(v >> 40) & 0xFF] ^
            t[1][(v >> 48) & 0xFF] ^ t[0][v >> 56];
    }
    p += 8;
    n -= 8;
  }
  while (n-- > 0) crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xFF];
  return ~crc;
}

struct AlgorithmName {
  ChecksumAlgorithm algorithm;
  std::string_view header;
  std::string_view name;
};

constexpr AlgorithmName kNames[] = {
    {ChecksumAlgorithm::kCrc32, "x-amz-checksum-crc32", "crc32"},
    {ChecksumAlgorithm::kCrc32c, "x-amz-checksum-crc32c", "crc32c"},
    {ChecksumAlgorithm::kCrc64Nvme, "x-amz-checksum-crc64nvme", "crc64nvme"},
    {ChecksumAlgorithm::kSha1, "x-amz-checksum-sha1", "sha1"},
    {ChecksumAlgorithm::kSha256, "x-amz-checksum-sha256", "sha256"},
};

}  // namespace

std::string_view ChecksumHeaderName(ChecksumAlgorithm algorithm) {
  for (const auto& n : kNames) {
    if (n.algorithm == algorithm) return n.header;
  }
  return {};
}

std::optional<ChecksumAlgorithm> ChecksumAlgorithmFromHeader(std::string_view header_name) {
  for (const auto& n : kNames) {
    if (EqualsIgnoreCase(n.header, header_name)) return n.algorithm;
  }
  return std::nullopt;
}

std::optional<ChecksumAlgorithm> ChecksumAlgorithmFromName(std::string_view name) {
  for (const auto& n : kNames) {
    if (EqualsIgnoreCase(n.name, name)) return n.algorithm;
  }
  return std::nullopt;
}

uint32_t Crc32(uint32_t crc, std::string_view bytes) { return Update(kCrc32Tables, crc, bytes); }
uint32_t Crc32c(uint32_t crc, std::string_view bytes) { return Update(kCrc32cTables, crc, bytes); }
uint64_t Crc64Nvme(uint64_t crc, std::string_view bytes) {
  return Update(kCrc64NvmeTables, crc, bytes);
}

Checksum::Checksum(ChecksumAlgorithm algorithm) : algorithm_(algorithm) {
  if (algorithm == ChecksumAlgorithm::kSha1) {
    digest_ = std::make_unique<Digest>(DigestAlgorithm::kSha1);
  } else if (algorithm == ChecksumAlgorithm::kSha256) {
    digest_ = std::make_unique<Digest>(DigestAlgorithm::kSha256);
  }
}

Checksum::~Checksum() = default;

void Checksum::Update(std::string_view bytes) {
  switch (algorithm_) {
    case ChecksumAlgorithm::kCrc32:
      crc_ = Crc32(uint32_t(crc_), bytes);
      break;
    case ChecksumAlgorithm::kCrc32c:
      crc_ = Crc32c(uint32_t(crc_), bytes);
      break;
    case ChecksumAlgorithm::kCrc64Nvme:
      crc_ = Crc64Nvme(crc_, bytes);
      break;
    default:
      digest_->Update(bytes);
      break;
  }
}

std::string Checksum::FinishBase64() {
  std::string raw;
  switch (algorithm_) {
    case ChecksumAlgorithm::kCrc32:
    case ChecksumAlgorithm::kCrc32c:
      PutFixed32BE(raw, uint32_t(crc_));
      break;
    case ChecksumAlgorithm::kCrc64Nvme:
      PutFixed64BE(raw, crc_);
      break;
    default: {
      uint8_t buf[32];
      digest_->FinishInto(buf);
      raw.assign(reinterpret_cast<const char*>(buf), digest_->size());
      break;
    }
  }
  return Base64Encode(raw);
}

std::string ChecksumBase64(ChecksumAlgorithm algorithm, std::string_view bytes) {
  Checksum c(algorithm);
  c.Update(bytes);
  return c.FinishBase64();
}

}  // namespace tarn::s3
