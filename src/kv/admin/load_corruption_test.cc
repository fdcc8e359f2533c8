// Every kind of damage to a dump is refused with its line number and byte offset, and a
// refused dump writes nothing. Most damage is placed in the last partition, so a loader that
// wrote while it validated would already have written the first two.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>

#include "common/clock.h"
#include "common/coding.h"
#include "common/hash.h"
#include "kv/admin/admin_test_util.h"
#include "kv/admin/load.h"
#include "kv/memory/memory_store.h"

namespace tarn::kv::testing {
namespace {

using ::testing::HasSubstr;
using Lines = std::vector<std::string>;

std::string EntryLine(std::string_view key, std::string_view value) {
  return R"({"k":")" + Base64Encode(key) + R"(","v":")" + Base64Encode(value) + "\"}";
}

class LoadCorruptionTest : public ::testing::Test {
 protected:
  // Line numbers (1-based) of the base dump.
  static constexpr int kHeader = 1, kPartitionA = 2, kTrailerA = 6, kPartitionB = 7, kTrailerB = 11,
                       kPartitionC = 12, kEntryC1 = 13, kEntryC2 = 14, kEntryC3 = 15,
                       kTrailerC = 16, kEnd = 17;

  void SetUp() override {
    auto source = NewMemoryStore();
    for (const char* p : {"a", "b", "c"}) {
      for (int k = 1; k <= 3; ++k) {
        Put(*source, p, "k" + std::to_string(k), std::string(p) + "-value-" + std::to_string(k));
      }
    }
    std::string text = DumpToString(*source);
    std::size_t start = 0;
    for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
      lines_.push_back(text.substr(start, nl - start));
    }
    ASSERT_EQ(lines_.size(), static_cast<std::size_t>(kEnd));
    ASSERT_EQ(lines_[kEntryC2 - 1], EntryLine("k2", "c-value-2"));
  }

  std::string& Line(int number) { return lines_[static_cast<std::size_t>(number - 1)]; }

  static std::string Join(const Lines& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }
  // Where line `number` starts in Join(lines).
  static uint64_t OffsetOf(const Lines& lines, int number) {
    uint64_t offset = 0;
    for (int i = 0; i < number - 1; ++i) offset += lines[static_cast<std::size_t>(i)].size() + 1;
    return offset;
  }

  // Loads `text` into an empty store and checks the error and that nothing was written.
  void ExpectRejected(const std::string& text, StatusCode code, uint64_t line, uint64_t offset,
                      std::string_view what, const LoadOptions& options = {}) {
    auto store = NewMemoryStore();
    Status s = Load(*store, StringOpener(text), options);
    EXPECT_EQ(s.code(), code) << s.ToString();
    EXPECT_THAT(std::string(s.message()),
                HasSubstr("line " + std::to_string(line) + ", byte offset " +
                          std::to_string(offset) + ": "));
    EXPECT_THAT(std::string(s.message()), HasSubstr(std::string(what)));
    EXPECT_TRUE(TakeSnapshot(*store).empty()) << "a rejected dump wrote entries";
  }
  // The same for the (modified) base lines, naming the line at fault.
  void ExpectRejectedAt(int number, StatusCode code, std::string_view what) {
    ExpectRejected(Join(lines_), code, static_cast<uint64_t>(number), OffsetOf(lines_, number),
                   what);
  }

  Lines lines_;
};

TEST_F(LoadCorruptionTest, TheUndamagedDumpLoads) {
  auto store = NewMemoryStore();
  Status s = Load(*store, StringOpener(Join(lines_)));
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(TakeSnapshot(*store).size(), 3u);
}

TEST_F(LoadCorruptionTest, BadJson) {
  Line(kEntryC2) = R"({"k":"azI=","v":)";
  ExpectRejectedAt(kEntryC2, StatusCode::kCorruption, "not valid JSON");
}

TEST_F(LoadCorruptionTest, NotAnObject) {
  Line(kEntryC2) = R"(["azI=","Yw=="])";
  ExpectRejectedAt(kEntryC2, StatusCode::kCorruption, "not a JSON object");
}

TEST_F(LoadCorruptionTest, BadBase64Key) {
  Line(kEntryC2) = R"({"k":"a*I=","v":"Yw=="})";
  ExpectRejectedAt(kEntryC2, StatusCode::kCorruption, "the key is not valid base64");
}

TEST_F(LoadCorruptionTest, BadBase64Value) {
  Line(kEntryC2) = R"({"k":"azI=","v":"Yw="})";
  ExpectRejectedAt(kEntryC2, StatusCode::kCorruption, "the value is not valid base64");
}

TEST_F(LoadCorruptionTest, KeyOfTheWrongType) {
  Line(kEntryC2) = R"({"k":12,"v":"Yw=="})";
  ExpectRejectedAt(kEntryC2, StatusCode::kCorruption, "must both be present and strings");
}

TEST_F(LoadCorruptionTest, ChangedValueFailsTheChecksum) {
  Line(kEntryC2) = EntryLine("k2", "tampered");
  ExpectRejectedAt(kTrailerC, StatusCode::kCorruption, "partition \"c\": checksum mismatch");
}

TEST_F(LoadCorruptionTest, WrongChecksumInTrailer) {
  const std::string good = Line(kTrailerC);
  const std::size_t at = good.find("\"sha256\":\"") + 10;
  Line(kTrailerC) = good.substr(0, at) + Sha256Hex("something else") + "\"}";
  ExpectRejectedAt(kTrailerC, StatusCode::kCorruption, "checksum mismatch");
}

TEST_F(LoadCorruptionTest, MalformedChecksum) {
  const std::string good = Line(kTrailerC);
  Line(kTrailerC) = good.substr(0, good.find("\"sha256\":\"") + 10) + "xyz\"}";
  ExpectRejectedAt(kTrailerC, StatusCode::kCorruption, "must be 64 hex digits");
}

TEST_F(LoadCorruptionTest, WrongCountInTrailer) {
  std::string& trailer = Line(kTrailerC);
  trailer.replace(trailer.find("\"count\":3"), 9, "\"count\":4");
  ExpectRejectedAt(kTrailerC, StatusCode::kCorruption,
                   "the trailer counts 4 entries but the partition has 3");
}

TEST_F(LoadCorruptionTest, NegativeCount) {
  std::string& trailer = Line(kTrailerC);
  trailer.replace(trailer.find("\"count\":3"), 9, "\"count\":-3");
  ExpectRejectedAt(kTrailerC, StatusCode::kCorruption, "must be a non-negative integer");
}

TEST_F(LoadCorruptionTest, MissingEntryLine) {
  lines_.erase(lines_.begin() + (kEntryC2 - 1));
  ExpectRejectedAt(kTrailerC - 1, StatusCode::kCorruption,
                   "the trailer counts 3 entries but the partition has 2");
}

TEST_F(LoadCorruptionTest, WrongTotalsInEndLine) {
  std::string& end = Line(kEnd);
  end.replace(end.find("\"entries\":9"), 11, "\"entries\":8");
  ExpectRejectedAt(kEnd, StatusCode::kCorruption, "end line counts 8 entries but the file has 9");
}

TEST_F(LoadCorruptionTest, WrongPartitionCountInEndLine) {
  std::string& end = Line(kEnd);
  end.replace(end.find("\"partitions\":3"), 14, "\"partitions\":4");
  ExpectRejectedAt(kEnd, StatusCode::kCorruption, "end line counts 4 partitions");
}

TEST_F(LoadCorruptionTest, TruncatedAtALineBoundary) {
  lines_.pop_back();
  const std::string text = Join(lines_);
  ExpectRejected(text, StatusCode::kCorruption, kEnd, text.size(),
                 "unexpected end of file after 3 partitions");
}

TEST_F(LoadCorruptionTest, TruncatedInsideAPartition) {
  lines_.resize(kEntryC2);
  const std::string text = Join(lines_);
  ExpectRejected(text, StatusCode::kCorruption, kEntryC3, text.size(),
                 "unexpected end of file inside partition \"c\"");
}

TEST_F(LoadCorruptionTest, TruncatedInsideALine) {
  const std::string full = Join(lines_);
  const uint64_t offset = OffsetOf(lines_, kEntryC2);
  ExpectRejected(full.substr(0, offset + 7), StatusCode::kCorruption, kEntryC2, offset,
                 "not terminated by a newline");
}

TEST_F(LoadCorruptionTest, FinalNewlineMissing) {
  const std::string full = Join(lines_);
  ExpectRejected(full.substr(0, full.size() - 1), StatusCode::kCorruption, kEnd,
                 OffsetOf(lines_, kEnd), "not terminated by a newline");
}

TEST_F(LoadCorruptionTest, MissingHeader) {
  lines_.erase(lines_.begin());
  ExpectRejectedAt(1, StatusCode::kInvalidArgument, "not a tarn KV dump");
}

TEST_F(LoadCorruptionTest, OtherFormatName) {
  std::string& header = Line(kHeader);
  header.replace(header.find("tarn-kv-dump"), 12, "other-format");
  ExpectRejectedAt(kHeader, StatusCode::kInvalidArgument, "not a tarn KV dump");
}

TEST_F(LoadCorruptionTest, EmptyInput) {
  ExpectRejected("", StatusCode::kInvalidArgument, 1, 0, "the input is empty");
}

TEST_F(LoadCorruptionTest, NewerVersionIsRefused) {
  std::string& header = Line(kHeader);
  header.replace(header.find("\"version\":1"), 11, "\"version\":2");
  ExpectRejectedAt(kHeader, StatusCode::kInvalidArgument,
                   "format version 2, newer than the newest this tarn reads (1)");
}

TEST_F(LoadCorruptionTest, SecondHeader) {
  lines_.insert(lines_.begin() + kTrailerB, lines_[0]);
  ExpectRejectedAt(kTrailerB + 1, StatusCode::kCorruption, "a second header line");
}

TEST_F(LoadCorruptionTest, KeysOutOfOrder) {
  std::swap(Line(kEntryC1), Line(kEntryC2));
  ExpectRejectedAt(kEntryC2, StatusCode::kCorruption,
                   "key \"k1\" in partition \"c\" is out of order");
}

TEST_F(LoadCorruptionTest, DuplicateKey) {
  Line(kEntryC3) = Line(kEntryC2);
  ExpectRejectedAt(kEntryC3, StatusCode::kCorruption, "duplicate key \"k2\" in partition \"c\"");
}

TEST_F(LoadCorruptionTest, EmptyKey) {
  Line(kEntryC1) = R"({"k":"","v":""})";
  ExpectRejectedAt(kEntryC1, StatusCode::kCorruption, "empty key");
}

TEST_F(LoadCorruptionTest, RepeatedPartition) {
  Lines again(lines_.begin() + (kPartitionC - 1), lines_.begin() + kTrailerC);
  lines_.insert(lines_.begin() + kTrailerC, again.begin(), again.end());
  ExpectRejectedAt(kTrailerC + 1, StatusCode::kCorruption, "partition \"c\" appears twice");
}

TEST_F(LoadCorruptionTest, RepeatedEarlierPartition) {
  Lines block(lines_.begin() + (kPartitionB - 1), lines_.begin() + kTrailerB);
  lines_.insert(lines_.begin() + kTrailerC, block.begin(), block.end());
  ExpectRejectedAt(kTrailerC + 1, StatusCode::kCorruption, "partition \"b\" is out of order");
}

TEST_F(LoadCorruptionTest, PartitionsOutOfOrder) {
  Lines block_a(lines_.begin() + (kPartitionA - 1), lines_.begin() + kTrailerA);
  lines_.erase(lines_.begin() + (kPartitionA - 1), lines_.begin() + kTrailerA);
  lines_.insert(lines_.end() - 1, block_a.begin(), block_a.end());
  const int a_line = kTrailerC - 5 + 1;  // after b and c, which moved up five lines
  ExpectRejectedAt(a_line, StatusCode::kCorruption,
                   "partition \"a\" is out of order: it sorts before the previous partition "
                   "\"c\"");
}

TEST_F(LoadCorruptionTest, EntryOutsideAPartition) {
  lines_.insert(lines_.begin() + kTrailerC, EntryLine("k9", "v"));
  ExpectRejectedAt(kTrailerC + 1, StatusCode::kCorruption, "entry line outside a partition");
}

TEST_F(LoadCorruptionTest, MissingPartitionTrailer) {
  lines_.erase(lines_.begin() + (kTrailerB - 1));
  ExpectRejectedAt(kPartitionC - 1, StatusCode::kCorruption,
                   "partition line inside partition \"b\": the partition's trailer is missing");
}

TEST_F(LoadCorruptionTest, TrailerNamesAnotherPartition) {
  std::string& trailer = Line(kTrailerC);
  trailer.replace(trailer.find(Base64Encode("c")), 4, Base64Encode("b"));
  ExpectRejectedAt(kTrailerC, StatusCode::kCorruption,
                   "partition trailer names \"b\" but closes partition \"c\"");
}

TEST_F(LoadCorruptionTest, DataAfterTheEndLine) {
  lines_.push_back(EntryLine("k", "v"));
  ExpectRejectedAt(kEnd + 1, StatusCode::kCorruption, "data after the end line");
}

TEST_F(LoadCorruptionTest, EmptyLine) {
  lines_.insert(lines_.begin() + kTrailerB, "");
  ExpectRejectedAt(kTrailerB + 1, StatusCode::kCorruption, "empty line");
}

TEST_F(LoadCorruptionTest, UnknownLineKind) {
  Line(kEntryC2) = R"({"key":"azI=","value":"Yw=="})";
  ExpectRejectedAt(kEntryC2, StatusCode::kCorruption, "unknown line kind");
}

TEST_F(LoadCorruptionTest, AmbiguousLineKind) {
  Line(kEntryC2) = R"({"k":"azI=","v":"Yw==","end":"tarn-kv-dump"})";
  ExpectRejectedAt(kEntryC2, StatusCode::kCorruption, "ambiguous line kind");
}

TEST_F(LoadCorruptionTest, LineLongerThanTheLimit) {
  Line(kEntryC2) = EntryLine("k2", std::string(100, 'x'));
  LoadOptions options;
  options.reader.max_line_bytes = 120;
  ExpectRejected(Join(lines_), StatusCode::kInvalidArgument, kEntryC2, OffsetOf(lines_, kEntryC2),
                 "line longer than the limit of 120 bytes", options);
}

TEST_F(LoadCorruptionTest, UnterminatedLineLongerThanTheLimitIsNotBuffered) {
  const std::string text = Join(lines_) + std::string(300, 'x');  // no newline at all
  LoadOptions options;
  options.reader.max_line_bytes = 200;
  ExpectRejected(text, StatusCode::kInvalidArgument, kEnd + 1, OffsetOf(lines_, kEnd + 1),
                 "line longer than the limit", options);
}

TEST_F(LoadCorruptionTest, OtherJsonSpellingsAreAccepted) {
  // Reordered members, whitespace, a JSON escape inside base64 ("\u0061" is 'a'), CRLF.
  Line(kEntryC1) = R"(  { "v" : "Yy12YWx1ZS0x" , "k" : "azE=" }  )";
  Line(kEntryC2) = R"({"k":"\u0061zI=","v":"Yy12YWx1ZS0y"})";
  Line(kEntryC3) += "\r";
  std::string& trailer = Line(kTrailerC);
  const std::size_t at = trailer.find("\"sha256\":\"") + 10;
  for (std::size_t i = at; i < at + 64; ++i) trailer[i] = static_cast<char>(toupper(trailer[i]));
  auto store = NewMemoryStore();
  Status s = Load(*store, StringOpener(Join(lines_)));
  ASSERT_TRUE(s.ok()) << s.ToString();
  Snapshot snapshot = TakeSnapshot(*store);
  ASSERT_EQ(snapshot.size(), 3u);
  EXPECT_EQ(snapshot[2].second,
            (Entries{{"k1", "c-value-1"}, {"k2", "c-value-2"}, {"k3", "c-value-3"}}));
}

TEST_F(LoadCorruptionTest, ADumpThatChangesBetweenThePassesStopsAndSaysHowFarItGot) {
  const std::string good = Join(lines_);
  Line(kEntryC2) = EntryLine("k2", "tampered");
  const std::string bad = Join(lines_);
  int opened = 0;
  DumpOpener opener = [&]() -> Result<std::unique_ptr<std::istream>> {
    return std::unique_ptr<std::istream>(
        std::make_unique<std::istringstream>(opened++ == 0 ? good : bad));
  };
  auto store = NewMemoryStore();
  LoadReport report;
  Status s = Load(*store, opener, {}, &report);
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_THAT(s.ToString(), HasSubstr("changed between validation and loading"));
  EXPECT_THAT(s.ToString(), HasSubstr("checksum mismatch"));
  EXPECT_THAT(s.ToString(), HasSubstr("(6 entries already written)"));
  EXPECT_EQ(report.written, 6u);
  EXPECT_EQ(opened, 2);
}

TEST_F(LoadCorruptionTest, ValidateDumpReportsTheSameError) {
  Line(kEntryC2) = EntryLine("k2", "tampered");
  std::istringstream in(Join(lines_));
  Status s = ValidateDump(in);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_THAT(s.ToString(),
              HasSubstr("line 16, byte offset " + std::to_string(OffsetOf(lines_, kTrailerC))));
}

}  // namespace
}  // namespace tarn::kv::testing
