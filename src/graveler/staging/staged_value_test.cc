// The hand-written StagedValue codec against the protobuf library's own encoder and decoder.
#include "graveler/staging/staged_value.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "graveler/staging/staging.pb.h"

namespace tarn::graveler::staging {
namespace {

std::string Encode(std::string_view identity, std::string_view data) {
  std::string out(StagedValueSize(identity, data), '\0');
  char* end = EncodeStagedValue(out.data(), identity, data);
  EXPECT_EQ(end, out.data() + out.size());
  return out;
}

std::string RandomBytes(std::mt19937& rng, std::size_t n) {
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

TEST(StagedValueTest, RoundTripsIdentityAndData) {
  const std::string bytes = Encode("id", std::string("da\0ta", 5));
  StagedValueView view;
  ASSERT_TRUE(DecodeStagedValue(bytes, view));
  EXPECT_EQ(view.identity, "id");
  EXPECT_EQ(view.data, std::string_view("da\0ta", 5));
}

TEST(StagedValueTest, TombstoneEncodesToNoBytes) {
  EXPECT_EQ(StagedValueSize("", ""), 0u);
  StagedValueView view{"x", "y"};
  ASSERT_TRUE(DecodeStagedValue("", view));
  EXPECT_TRUE(view.identity.empty());
  EXPECT_TRUE(view.data.empty());
}

TEST(StagedValueTest, ProtobufDecodesWhatWeEncode) {
  std::mt19937 rng(1);
  for (std::size_t n : {0u, 1u, 127u, 128u, 300u, 16384u, 70000u}) {
    const std::string identity = RandomBytes(rng, n % 97), data = RandomBytes(rng, n);
    pb::StagedValue message;
    ASSERT_TRUE(message.ParseFromString(Encode(identity, data))) << n;
    EXPECT_EQ(message.identity(), identity);
    EXPECT_EQ(message.data(), data);
  }
}

TEST(StagedValueTest, EncodesExactlyAsProtobufDoes) {
  pb::StagedValue message;
  message.set_identity("0123456789abcdef");
  message.set_data(std::string(200, 'd'));
  EXPECT_EQ(Encode(message.identity(), message.data()), message.SerializeAsString());
}

TEST(StagedValueTest, DecodesWhatProtobufEncodes) {
  std::mt19937 rng(2);
  for (std::size_t n : {0u, 1u, 127u, 128u, 300u, 16384u, 70000u}) {
    pb::StagedValue message;
    message.set_identity(RandomBytes(rng, n % 89));
    message.set_data(RandomBytes(rng, n));
    const std::string bytes = message.SerializeAsString();
    StagedValueView view;
    ASSERT_TRUE(DecodeStagedValue(bytes, view)) << n;
    EXPECT_EQ(view.identity, message.identity());
    EXPECT_EQ(view.data, message.data());
  }
}

TEST(StagedValueTest, SkipsUnknownFields) {
  // Fields 3 (varint), 4 (fixed64), 5 (fixed32), 6 (bytes), around and between the known ones.
  std::string bytes;
  bytes += std::string("\x18\x96\x01", 3);
  bytes += Encode("id", "");
  bytes += std::string("\x21", 1) + std::string(8, '\x07');
  bytes += std::string("\x2d", 1) + std::string(4, '\x05');
  bytes += Encode("", "data");
  bytes += std::string("\x32\x03xyz", 5);
  StagedValueView view;
  ASSERT_TRUE(DecodeStagedValue(bytes, view));
  EXPECT_EQ(view.identity, "id");
  EXPECT_EQ(view.data, "data");
  pb::StagedValue message;
  ASSERT_TRUE(message.ParseFromString(bytes));  // the same bytes are valid protobuf
}

TEST(StagedValueTest, LastOccurrenceOfAFieldWins) {
  const std::string bytes = Encode("first", "") + Encode("second", "");
  StagedValueView view;
  ASSERT_TRUE(DecodeStagedValue(bytes, view));
  EXPECT_EQ(view.identity, "second");
}

TEST(StagedValueTest, RejectsTruncatedFields) {
  const std::string bytes = Encode("identity", std::string(300, 'd'));
  const std::size_t identity_end = 2 + 8;
  for (std::size_t n = 1; n < bytes.size(); ++n) {
    if (n == identity_end) continue;  // a whole identity field alone is a valid encoding
    StagedValueView view;
    EXPECT_FALSE(DecodeStagedValue(std::string_view(bytes).substr(0, n), view)) << n;
  }
}

TEST(StagedValueTest, RejectsAKnownFieldWithTheWrongWireType) {
  StagedValueView view;
  EXPECT_FALSE(DecodeStagedValue(std::string("\x08\x01", 2), view));  // identity as a varint
  EXPECT_FALSE(DecodeStagedValue(std::string("\x15"
                                             "abcd",
                                             5),
                                 view));  // data as fixed32
}

TEST(StagedValueTest, RejectsGroupsInvalidWireTypesAndFieldZero) {
  StagedValueView view;
  EXPECT_FALSE(DecodeStagedValue(std::string("\x1b\x1c", 2), view));  // group start/end
  EXPECT_FALSE(DecodeStagedValue(std::string("\x1e\x00", 2), view));  // wire type 6
  EXPECT_FALSE(DecodeStagedValue(std::string("\x02\x00", 2), view));  // field 0
}

TEST(StagedValueTest, RejectsAnOverlongVarint) {
  StagedValueView view;
  EXPECT_FALSE(DecodeStagedValue(std::string(11, '\xff'), view));
}

}  // namespace
}  // namespace tarn::graveler::staging
