#include "kv/rocksdb/key_codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace tarn::kv {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out += static_cast<char>(b);
  return out;
}

std::string Encode(std::string_view partition, std::string_view key) {
  return std::string(RocksKeyBuffer(partition, key).view());
}

// Short strings over an alphabet where the escape and terminator bytes are frequent.
std::string RandomBytes(std::mt19937& rng, std::size_t min_len) {
  static constexpr char kAlphabet[] = {'\x00', '\x01', '\x02', 'a', '\xFE', '\xFF'};
  std::size_t len = min_len + rng() % 5;
  std::string out;
  for (std::size_t i = 0; i < len; ++i) out += kAlphabet[rng() % sizeof(kAlphabet)];
  return out;
}

TEST(RocksKeyCodecTest, LayoutIsTagEscapedPartitionTerminatorKey) {
  EXPECT_EQ(Encode("p", "k"), Bytes({0x01, 'p', 0x00, 0x01, 'k'}));
  EXPECT_EQ(Encode(Bytes({'a', 0x00, 0xFF}), Bytes({0x00})),
            Bytes({0x01, 'a', 0x00, 0xFF, 0xFF, 0x00, 0x01, 0x00}));
  EXPECT_EQ(RocksPartitionPrefix("p"), Bytes({0x01, 'p', 0x00, 0x01}));
  EXPECT_EQ(RocksPartitionLimit(RocksPartitionPrefix("p")), Bytes({0x01, 'p', 0x00, 0x02}));
}

TEST(RocksKeyCodecTest, EncodedOrderIsPartitionThenKeyOrder) {
  std::mt19937 rng(11);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (int i = 0; i < 3000; ++i) pairs.emplace_back(RandomBytes(rng, 1), RandomBytes(rng, 1));
  for (std::size_t i = 0; i + 1 < pairs.size(); ++i) {
    const auto& a = pairs[i];
    const auto& b = pairs[i + 1];
    EXPECT_EQ(a < b, Encode(a.first, a.second) < Encode(b.first, b.second))
        << "(" << a.first << "," << a.second << ") vs (" << b.first << "," << b.second << ")";
  }
}

TEST(RocksKeyCodecTest, EveryKeyOfAPartitionLiesInItsRangeAndNoOtherDoes) {
  std::mt19937 rng(12);
  std::vector<std::string> partitions = {
      "p", "p1", "p10", Bytes({'p', 0x00}), Bytes({'p', 0xFF}), Bytes({'p', 0x00, 0x01})};
  for (int i = 0; i < 200; ++i) partitions.push_back(RandomBytes(rng, 1));
  for (const auto& p : partitions) {
    std::string prefix = RocksPartitionPrefix(p);
    std::string limit = RocksPartitionLimit(prefix);
    for (const auto& q : partitions) {
      for (int k = 0; k < 5; ++k) {
        std::string key = RandomBytes(rng, 1);
        std::string encoded = Encode(q, key);
        bool inside = encoded >= prefix && encoded < limit;
        EXPECT_EQ(inside, p == q) << "key of partition " << q << " vs range of " << p;
      }
    }
  }
}

TEST(RocksKeyCodecTest, DecodeRecoversThePartition) {
  std::mt19937 rng(13);
  for (int i = 0; i < 1000; ++i) {
    std::string partition = RandomBytes(rng, 1);
    std::string key = RandomBytes(rng, 1);
    std::string encoded = Encode(partition, key);
    std::string decoded;
    std::size_t prefix_size = 0;
    ASSERT_TRUE(DecodeRocksDataKey(encoded, decoded, prefix_size));
    EXPECT_EQ(decoded, partition);
    EXPECT_EQ(encoded.substr(prefix_size), key);
  }
}

TEST(RocksKeyCodecTest, DecodeRejectsMalformedKeys) {
  std::string partition;
  std::size_t prefix_size = 0;
  EXPECT_FALSE(DecodeRocksDataKey("", partition, prefix_size));
  EXPECT_FALSE(DecodeRocksDataKey(Bytes({0x00, 'f'}), partition, prefix_size));  // meta key
  EXPECT_FALSE(DecodeRocksDataKey(Bytes({0x01, 'p'}), partition, prefix_size));  // no end
  EXPECT_FALSE(DecodeRocksDataKey(Bytes({0x01, 'p', 0x00}), partition, prefix_size));
  EXPECT_FALSE(DecodeRocksDataKey(Bytes({0x01, 'p', 0x00, 0x07}), partition, prefix_size));
  EXPECT_FALSE(DecodeRocksDataKey(Bytes({0x01, 0x00, 0x01, 'k'}), partition, prefix_size));
}

TEST(RocksKeyCodecTest, LongKeysSpillToTheHeapUnchanged) {
  std::string partition(300, '\x00');
  std::string key(5000, 'k');
  std::string encoded = Encode(partition, key);
  EXPECT_EQ(encoded, RocksPartitionPrefix(partition) + key);
  EXPECT_EQ(encoded.size(), 1 + 600 + 2 + key.size());
}

TEST(RocksKeyCodecTest, MetadataSortsBeforeEveryDataKey) {
  EXPECT_LT(std::string(kRocksFormatKey), Encode(Bytes({0x00}), Bytes({0x00})));
  EXPECT_GE(Encode(Bytes({0x00}), Bytes({0x00})), std::string(kRocksDataBegin));
  EXPECT_LT(Encode(Bytes({0xFF, 0xFF}), Bytes({0xFF, 0xFF})), std::string(kRocksDataEnd));
}

}  // namespace
}  // namespace tarn::kv
