#include "kv/postgres/pg_codec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kv/postgres/pg_schema.h"

namespace tarn::kv::pg {
namespace {

std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

TEST(Int8ParamTest, IsEightBigEndianBytes) {
  EXPECT_EQ(Int8Param(0x0102030405060708), std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  EXPECT_EQ(Int8Param(-1), std::string(8, '\xff'));
}

TEST(ByteaArrayWriterTest, EncodesPostgresBinaryArrayLayout) {
  ByteaArrayWriter w;
  w.Reset();
  w.Add("ab");
  w.Add(std::string("\0\xff", 2));
  w.Add("");
  std::string expected = Be32(1) + Be32(0) + Be32(17) + Be32(3) + Be32(1) + Be32(2) + "ab" +
                         Be32(2) + std::string("\0\xff", 2) + Be32(0);
  EXPECT_EQ(std::string(w.Finish()), expected);
  EXPECT_EQ(w.count(), 3u);
}

TEST(ByteaArrayWriterTest, ResetStartsANewArray) {
  ByteaArrayWriter w;
  w.Reset();
  w.Add("old");
  (void)w.Finish();
  w.Reset();
  w.Add("x");
  EXPECT_EQ(std::string(w.Finish()),
            Be32(1) + Be32(0) + Be32(17) + Be32(1) + Be32(1) + Be32(1) + "x");
}

std::vector<KeyValue> Items(std::vector<std::pair<std::string, std::string>> kvs) {
  std::vector<KeyValue> out;
  for (auto& [k, v] : kvs) out.push_back({k, v});
  return out;
}

TEST(BatchOrderTest, AscendingBatchKeepsItsOrder) {
  auto items = Items({{"a", "1"}, {"b", "2"}, {"c", "3"}});
  EXPECT_EQ(BatchOrder(items), (std::vector<uint32_t>{0, 1, 2}));
}

TEST(BatchOrderTest, SortsByUnsignedBytes) {
  auto items = Items({{"\xff", "1"}, {"a", "2"}, {std::string("\0", 1), "3"}, {"\x80", "4"}});
  EXPECT_EQ(BatchOrder(items), (std::vector<uint32_t>{2, 1, 3, 0}));
}

TEST(BatchOrderTest, LastDuplicateWins) {
  auto items = Items({{"b", "1"}, {"a", "2"}, {"b", "3"}, {"a", "4"}, {"c", "5"}, {"b", "6"}});
  EXPECT_EQ(BatchOrder(items), (std::vector<uint32_t>{3, 5, 4}));
}

TEST(BatchOrderTest, EmptyBatch) { EXPECT_TRUE(BatchOrder({}).empty()); }

TEST(QuoteTableNameTest, QuotesNameAndSchema) {
  EXPECT_EQ(*QuoteTableName("tarn_kv"), "\"tarn_kv\"");
  EXPECT_EQ(*QuoteTableName("Meta.KV_2"), "\"Meta\".\"KV_2\"");
}

TEST(QuoteTableNameTest, RejectsWhatCouldInjectSql) {
  for (const char* bad :
       {"", "1abc", "a b", "a\"b", "a;drop", "a.b.c", ".a", "a.", "kv-1", "a.1b"}) {
    EXPECT_EQ(QuoteTableName(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(QuoteTableName(std::string(64, 'a')).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(QuoteTableName(std::string(63, 'a')).ok());
}

TEST(MakeStatementsTest, OnePerIdInOrder) {
  auto statements = MakeStatements("\"t\"");
  ASSERT_EQ(statements.size(), static_cast<std::size_t>(kStatementCount));
  for (int i = 0; i < kStatementCount; ++i) {
    EXPECT_EQ(statements[i].id, i);
    EXPECT_NE(statements[i].sql.find("\"t\""), std::string::npos) << statements[i].name;
  }
}

}  // namespace
}  // namespace tarn::kv::pg
