#include "common/coding.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "common/hash.h"

namespace tarn {
namespace {

using namespace std::string_literals;

std::string RandomBytes(std::mt19937_64& rng, std::size_t n) {
  std::uniform_int_distribution<int> byte(0, 255);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(byte(rng));
  return out;
}

std::string AllByteValues() {
  std::string out;
  for (int i = 0; i < 256; ++i) out += static_cast<char>(i);
  return out;
}

// ---- hex ----

TEST(HexTest, EncodesLowerCase) {
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexEncode("\x00\x01\xab\xff"s), "0001abff");
  EXPECT_EQ(HexEncode("tarn"), "7461726e");
}

TEST(HexTest, RoundTripsEveryByteValue) {
  std::string all = AllByteValues();
  std::string hex = HexEncode(all);
  EXPECT_EQ(hex.size(), 512u);
  auto decoded = HexDecode(hex);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, all);
}

TEST(HexTest, DecodesUpperAndMixedCase) {
  EXPECT_EQ(HexDecode("ABCDEF"), "\xab\xcd\xef"s);
  EXPECT_EQ(HexDecode("aBcDeF"), "\xab\xcd\xef"s);
}

TEST(HexTest, DecodesEmpty) {
  auto decoded = HexDecode("");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, "");
}

TEST(HexTest, RejectsOddLength) {
  EXPECT_FALSE(HexDecode("a").has_value());
  EXPECT_FALSE(HexDecode("abc").has_value());
}

TEST(HexTest, RejectsNonHexCharacters) {
  for (const std::string& bad : std::vector<std::string>{"0g", "g0", "zz", " 0", "0 ", "0x", "-1",
                                                         "\x00\x00"s, "ab\xff\x01"s}) {
    SCOPED_TRACE(EscapeBytes(bad));
    EXPECT_FALSE(HexDecode(bad).has_value());
  }
}

// ---- base64 ----

struct Base64Vector {
  const char* plain;
  const char* encoded;
};

// RFC 4648 section 10.
constexpr Base64Vector kRfc4648Vectors[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

TEST(Base64Test, EncodesRfc4648Vectors) {
  for (const auto& v : kRfc4648Vectors) {
    SCOPED_TRACE(v.plain);
    EXPECT_EQ(Base64Encode(v.plain), v.encoded);
  }
}

TEST(Base64Test, DecodesRfc4648Vectors) {
  for (const auto& v : kRfc4648Vectors) {
    SCOPED_TRACE(v.encoded);
    auto decoded = Base64Decode(v.encoded);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, v.plain);
  }
}

TEST(Base64Test, UsesTheStandardAlphabetForHighIndexes) {
  // 0xfb 0xff -> indexes 62 and 63, which are '+' and '/' in the standard alphabet.
  EXPECT_EQ(Base64Encode("\xfb\xff\xbf"s), "+/+/");
  EXPECT_EQ(Base64Decode("+/+/"), "\xfb\xff\xbf"s);
}

TEST(Base64Test, RoundTripsRandomBinaryOfEveryLengthRemainder) {
  std::mt19937_64 rng(20240607);
  for (std::size_t n = 0; n < 300; ++n) {
    std::string bytes = RandomBytes(rng, n);
    std::string encoded = Base64Encode(bytes);
    ASSERT_EQ(encoded.size(), (n + 2) / 3 * 4) << "n=" << n;
    auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.has_value()) << "n=" << n << " " << encoded;
    ASSERT_EQ(*decoded, bytes) << "n=" << n;
  }
}

TEST(Base64Test, RoundTripsEveryByteValue) {
  std::string all = AllByteValues();
  EXPECT_EQ(Base64Decode(Base64Encode(all)), all);
}

TEST(Base64Test, RejectsLengthNotMultipleOfFour) {
  for (const char* bad : {"Z", "Zg", "Zg=", "Zm9", "Zm9vY", "Zm9vYg", "Zm9vYg="}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(Base64Decode(bad).has_value());
  }
}

TEST(Base64Test, RejectsCharactersOutsideTheAlphabet) {
  for (const std::string& bad :
       std::vector<std::string>{"Zm9*", "Zm9-", "Zm9_", "Zm 9", "Zm9v\n", "Zm9\x80"s, "\x00Zm9"s}) {
    SCOPED_TRACE(EscapeBytes(bad));
    EXPECT_FALSE(Base64Decode(bad).has_value());
  }
}

TEST(Base64Test, RejectsMisplacedPadding) {
  for (const char* bad :
       {"====", "Z===", "=Zg=", "Zg=a", "Z=g=", "Zg==Zm8=", "Zm8=Zm9v", "Zg==="}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(Base64Decode(bad).has_value());
  }
}

TEST(Base64Test, RejectsMissingPadding) {
  EXPECT_FALSE(Base64Decode("Zm9vYg").has_value());
  EXPECT_FALSE(Base64Decode("Zm9vYmE").has_value());
}

// ---- fixed-width big-endian integers ----

TEST(FixedTest, Fixed32IsBigEndian) {
  std::string out;
  PutFixed32BE(out, 0x01020304u);
  EXPECT_EQ(out, "\x01\x02\x03\x04"s);
}

TEST(FixedTest, Fixed64IsBigEndian) {
  std::string out;
  PutFixed64BE(out, 0x0102030405060708ull);
  EXPECT_EQ(out, "\x01\x02\x03\x04\x05\x06\x07\x08"s);
}

TEST(FixedTest, PutAppendsToExistingContent) {
  std::string out = "key/";
  PutFixed32BE(out, 1);
  PutFixed64BE(out, 2);
  EXPECT_EQ(out, "key/\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x02"s);
}

TEST(FixedTest, Fixed32RoundTripsEdgeAndRandomValues) {
  std::vector<uint32_t> values = {0,     1,           0x7f,        0x80,       0xff,
                                  0x100, 0x7fffffffu, 0x80000000u, 0xffffffffu};
  std::mt19937 rng(7);
  for (int i = 0; i < 1000; ++i) values.push_back(static_cast<uint32_t>(rng()));
  for (uint32_t v : values) {
    std::string out;
    PutFixed32BE(out, v);
    ASSERT_EQ(out.size(), 4u);
    ASSERT_EQ(DecodeFixed32BE(out.data()), v);
  }
}

TEST(FixedTest, Fixed64RoundTripsEdgeAndRandomValues) {
  std::vector<uint64_t> values = {0,
                                  1,
                                  0xff,
                                  0xffffffffull,
                                  0x100000000ull,
                                  0x7fffffffffffffffull,
                                  0x8000000000000000ull,
                                  0xffffffffffffffffull};
  std::mt19937_64 rng(7);
  for (int i = 0; i < 1000; ++i) values.push_back(rng());
  for (uint64_t v : values) {
    std::string out;
    PutFixed64BE(out, v);
    ASSERT_EQ(out.size(), 8u);
    ASSERT_EQ(DecodeFixed64BE(out.data()), v);
  }
}

TEST(FixedTest, DecodesBytesWithHighBitSet) {
  std::string bytes = "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8"s;
  EXPECT_EQ(DecodeFixed32BE(bytes.data()), 0xfffefdfcu);
  EXPECT_EQ(DecodeFixed64BE(bytes.data()), 0xfffefdfcfbfaf9f8ull);
}

TEST(FixedTest, Fixed64EncodingsSortLikeTheIntegers) {
  std::mt19937_64 rng(11);
  std::vector<uint64_t> values = {
      0, 1, 255, 256, 0xffffffffull, 0x100000000ull, 0xffffffffffffffffull};
  for (int i = 0; i < 500; ++i) values.push_back(rng() >> (rng() % 64));
  for (std::size_t i = 0; i + 1 < values.size(); ++i) {
    for (std::size_t j = i + 1; j < values.size(); ++j) {
      std::string a, b;
      PutFixed64BE(a, values[i]);
      PutFixed64BE(b, values[j]);
      ASSERT_EQ(values[i] < values[j], a < b) << values[i] << " vs " << values[j];
    }
  }
}

TEST(FixedTest, Fixed32EncodingsSortLikeTheIntegers) {
  std::mt19937 rng(13);
  std::vector<uint32_t> values = {0, 1, 0x7f, 0x80, 0xff, 0x100, 0xffffffffu};
  for (int i = 0; i < 300; ++i) values.push_back(static_cast<uint32_t>(rng()) >> (rng() % 32));
  std::vector<std::string> encoded;
  for (uint32_t v : values) {
    std::string e;
    PutFixed32BE(e, v);
    encoded.push_back(e);
  }
  std::vector<std::size_t> by_value(values.size()), by_bytes(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) by_value[i] = by_bytes[i] = i;
  std::stable_sort(by_value.begin(), by_value.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::stable_sort(by_bytes.begin(), by_bytes.end(),
                   [&](std::size_t a, std::size_t b) { return encoded[a] < encoded[b]; });
  EXPECT_EQ(by_value, by_bytes);
}

// ---- PrefixSuccessor ----

TEST(PrefixSuccessorTest, IncrementsTheLastByte) {
  EXPECT_EQ(PrefixSuccessor("abc"), "abd");
  EXPECT_EQ(PrefixSuccessor("a/"), "a0");
  EXPECT_EQ(PrefixSuccessor("\x00"s), "\x01"s);
}

TEST(PrefixSuccessorTest, TreatsBytesAsUnsigned) {
  EXPECT_EQ(PrefixSuccessor("a\x7f"s), "a\x80"s);
  EXPECT_EQ(PrefixSuccessor("a\xfe"s), "a\xff"s);
}

TEST(PrefixSuccessorTest, DropsTrailingFFBytes) {
  EXPECT_EQ(PrefixSuccessor("ab\xff"s), "ac");
  EXPECT_EQ(PrefixSuccessor("a\xff\xff\xff"s), "b");
  EXPECT_EQ(PrefixSuccessor("\x01\xff"s), "\x02"s);
}

TEST(PrefixSuccessorTest, AllFFIsEmpty) {
  EXPECT_EQ(PrefixSuccessor("\xff"s), "");
  EXPECT_EQ(PrefixSuccessor("\xff\xff\xff\xff"s), "");
}

TEST(PrefixSuccessorTest, EmptyIsEmpty) { EXPECT_EQ(PrefixSuccessor(""), ""); }

TEST(PrefixSuccessorTest, IsGreaterThanEveryExtensionAndNotGreaterThanNeeded) {
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int> len(1, 6);
  std::uniform_int_distribution<int> pick(0, 3);
  const char kBytes[] = {'\x00', 'a', '\xfe', '\xff'};
  for (int i = 0; i < 2000; ++i) {
    std::string prefix;
    for (int n = len(rng); n > 0; --n) prefix += kBytes[pick(rng)];
    std::string succ = PrefixSuccessor(prefix);
    std::string extension = prefix + RandomBytes(rng, pick(rng));
    if (succ.empty()) {
      ASSERT_EQ(prefix.find_first_not_of('\xff'), std::string::npos) << EscapeBytes(prefix);
      continue;
    }
    ASSERT_GT(succ, extension) << EscapeBytes(prefix);
    ASSERT_GT(succ, prefix + "\xff\xff\xff"s) << EscapeBytes(prefix);
    // Nothing between the prefix's extensions and the successor: it does not start with prefix.
    ASSERT_NE(succ.compare(0, prefix.size(), prefix), 0) << EscapeBytes(prefix);
  }
}

// ---- EscapeBytes ----

TEST(EscapeBytesTest, KeepsPrintableAscii) {
  EXPECT_EQ(EscapeBytes("bucket/key-1.txt ~"), "bucket/key-1.txt ~");
}

TEST(EscapeBytesTest, EscapesControlAndHighBytes) {
  EXPECT_EQ(EscapeBytes("a\x00\n\x7f\xff"s), "a\\x00\\x0a\\x7f\\xff");
}

TEST(EscapeBytesTest, EscapesBackslashSoOutputIsUnambiguous) {
  EXPECT_EQ(EscapeBytes("\\x00"), "\\x5cx00");
  EXPECT_NE(EscapeBytes("\\x00"), EscapeBytes("\x00"s));
}

TEST(EscapeBytesTest, TruncatesLongInputWithEllipsis) {
  std::string long_input(100, 'k');
  EXPECT_EQ(EscapeBytes(long_input), std::string(64, 'k') + "...");
  EXPECT_EQ(EscapeBytes(long_input, 10), std::string(10, 'k') + "...");
}

TEST(EscapeBytesTest, InputOfExactlyMaxLenIsNotTruncated) {
  EXPECT_EQ(EscapeBytes(std::string(10, 'k'), 10), std::string(10, 'k'));
}

TEST(EscapeBytesTest, EmptyIsEmpty) { EXPECT_EQ(EscapeBytes(""), ""); }

// ---- SHA-256 ----

TEST(Sha256Test, EmptyStringMatchesPublishedDigest) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256Test, AbcMatchesPublishedDigest) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, TwoBlockMessageMatchesPublishedDigest) {
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, MillionAsMatchesPublishedDigest) {
  Sha256 h;
  std::string chunk(1000, 'a');
  for (int i = 0; i < 1000; ++i) h.Update(chunk);
  EXPECT_EQ(DigestHex(h.Finish()),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, IncrementalEqualsOneShotForEverySplit) {
  std::mt19937_64 rng(5);
  std::string data = RandomBytes(rng, 300);
  Sha256Digest expected = Sha256Of(data);
  for (std::size_t split = 0; split <= data.size(); split += 7) {
    Sha256 h;
    h.Update(std::string_view(data).substr(0, split));
    h.Update(std::string_view(data).substr(split));
    ASSERT_EQ(h.Finish(), expected) << "split=" << split;
  }
}

TEST(Sha256Test, IncrementalOfManySmallPiecesEqualsOneShot) {
  std::mt19937_64 rng(6);
  std::string data = RandomBytes(rng, 5000);
  Sha256 h;
  std::size_t pos = 0;
  std::uniform_int_distribution<std::size_t> piece(0, 97);
  while (pos < data.size()) {
    std::size_t n = std::min(piece(rng), data.size() - pos);
    h.Update(std::string_view(data).substr(pos, n));
    pos += n;
  }
  EXPECT_EQ(h.Finish(), Sha256Of(data));
}

TEST(Sha256Test, HandlesEmbeddedNulBytes) {
  EXPECT_NE(Sha256Hex("a\0b"s), Sha256Hex("a"));
  EXPECT_EQ(Sha256Hex("a\0b"s), DigestHex(Sha256Of("a\0b"s)));
}

TEST(Sha256Test, DigestHexIsLowerCaseAndSixtyFourCharacters) {
  std::string hex = DigestHex(Sha256Of("x"));
  EXPECT_EQ(hex.size(), 64u);
  EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
}  // namespace tarn

namespace tarn {
namespace {

TEST(Base64AppendTest, AppendsAfterExistingContents) {
  std::string out = "prefix";
  AppendBase64(out, "foobar");
  EXPECT_EQ(out, "prefixZm9vYmFy");
}

TEST(Base64AppendTest, DecodeIntoReplacesStaleContentsForEveryLength) {
  std::mt19937 rng(11);
  std::string decoded = "stale contents that are longer than some inputs";
  for (std::size_t len = 0; len < 200; ++len) {
    std::string bytes(len, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    ASSERT_TRUE(Base64DecodeInto(Base64Encode(bytes), decoded)) << len;
    EXPECT_EQ(decoded, bytes);
  }
}

TEST(Base64AppendTest, DecodeIntoRejectsMalformedInput) {
  std::string out;
  for (const char* text : {"A", "ABC", "A===", "====", "AB=C", "A=BC", "AB==CD==", "AB!D", "-_AB"}) {
    EXPECT_FALSE(Base64DecodeInto(text, out)) << text;
  }
}

TEST(VarintTest, RoundTripsAndConsumesExactlyItsBytes) {
  std::string out;
  const uint64_t values[] = {0, 1, 127, 128, 300, 1ull << 35, ~0ull};
  for (uint64_t v : values) PutVarint64(out, v);
  out.push_back('x');
  std::string_view in(out);
  for (uint64_t want : values) {
    uint64_t got = 0;
    ASSERT_TRUE(GetVarint64(in, got));
    EXPECT_EQ(got, want);
  }
  EXPECT_EQ(in, "x");
}

TEST(VarintTest, ATruncatedVarintIsRefused) {
  std::string out;
  PutVarint64(out, 1ull << 40);
  std::string_view in(out.data(), out.size() - 1);
  uint64_t v = 0;
  EXPECT_FALSE(GetVarint64(in, v));
}

}  // namespace
}  // namespace tarn
