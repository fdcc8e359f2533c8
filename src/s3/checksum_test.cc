#include "s3/checksum.h"

#include <gtest/gtest.h>

#include <random>

namespace tarn::s3 {
namespace {

TEST(ChecksumTest, CrcCheckValues) {
  // The standard check inputs of each CRC's catalogue entry.
  EXPECT_EQ(Crc32(0, "123456789"), 0xCBF43926u);
  EXPECT_EQ(Crc32c(0, "123456789"), 0xE3069283u);
  EXPECT_EQ(Crc64Nvme(0, "123456789"), 0xAE8B14860A799888ull);
  EXPECT_EQ(Crc32(0, ""), 0u);
}

TEST(ChecksumTest, IncrementalEqualsOneShot) {
  std::mt19937 rng(7);
  std::string data(10000, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  for (auto algorithm :
       {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kCrc64Nvme,
        ChecksumAlgorithm::kSha1, ChecksumAlgorithm::kSha256}) {
    Checksum c(algorithm);
    std::size_t pos = 0;
    while (pos < data.size()) {
      std::size_t n = std::min<std::size_t>(rng() % 37, data.size() - pos);
      c.Update(std::string_view(data).substr(pos, n));
      pos += n;
    }
    EXPECT_EQ(c.FinishBase64(), ChecksumBase64(algorithm, data));
  }
}

TEST(ChecksumTest, Base64ValuesAreBigEndianDigests) {
  EXPECT_EQ(ChecksumBase64(ChecksumAlgorithm::kCrc32, ""), "AAAAAA==");
  EXPECT_EQ(ChecksumBase64(ChecksumAlgorithm::kCrc32, "123456789"), "y/Q5Jg==");
  EXPECT_EQ(ChecksumBase64(ChecksumAlgorithm::kSha256, ""),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ(ChecksumBase64(ChecksumAlgorithm::kSha1, ""), "2jmj7l5rSw0yVb/vlWAYkK/YBwk=");
  EXPECT_EQ(ChecksumBase64(ChecksumAlgorithm::kCrc64Nvme, "123456789"), "rosUhgp5mIg=");
}

TEST(ChecksumTest, NamesMapBothWays) {
  EXPECT_EQ(ChecksumHeaderName(ChecksumAlgorithm::kCrc32c), "x-amz-checksum-crc32c");
  EXPECT_EQ(ChecksumAlgorithmFromHeader("X-Amz-Checksum-SHA256"), ChecksumAlgorithm::kSha256);
  EXPECT_EQ(ChecksumAlgorithmFromName("CRC64NVME"), ChecksumAlgorithm::kCrc64Nvme);
  EXPECT_FALSE(ChecksumAlgorithmFromHeader("x-amz-checksum-md5").has_value());
}

}  // namespace
}  // namespace tarn::s3
