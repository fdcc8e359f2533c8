#include "cli/output.h"

#include <gtest/gtest.h>

namespace tarn::cli {
namespace {

TEST(TableTest, AlignsColumnsToTheWidestCellWithoutTrailingSpaces) {
  Table table({"NAME", "COMMIT ID"});
  table.AddRow({"main", "abc"});
  table.AddRow({"feature-x", "d"});
  EXPECT_EQ(table.Render(),
            "NAME       COMMIT ID\n"
            "main       abc\n"
            "feature-x  d\n");
}

TEST(TableTest, MissingCellsRenderEmpty) {
  Table table({"A", "B", "C"});
  table.AddRow({"x"});
  EXPECT_EQ(table.Render(), "A  B  C\nx\n");
}

TEST(FormatTest, TimesAreUtc) {
  EXPECT_EQ(FormatTime(1795435200), "2026-11-23 12:00:00 UTC");
  EXPECT_EQ(FormatTime(0), "");
}

TEST(FormatTest, SizesUseBinaryUnits) {
  EXPECT_EQ(FormatSize(512), "512 B");
  EXPECT_EQ(FormatSize(1536), "1.5 KiB");
  EXPECT_EQ(FormatSize(10 * 1024 * 1024), "10.0 MiB");
}

TEST(FormatTest, CellsShowStringsBareAndNumbersAsWritten) {
  nlohmann::json o = {{"s", "text"}, {"n", 42}, {"z", nullptr}};
  EXPECT_EQ(Cell(o, "s"), "text");
  EXPECT_EQ(Cell(o, "n"), "42");
  EXPECT_EQ(Cell(o, "z"), "");
  EXPECT_EQ(Cell(o, "absent"), "");
}

TEST(FormatTest, MetadataIsSortedKeyValuePairs) {
  EXPECT_EQ(FormatMetadata({{"b", "2"}, {"a", "1"}}), "a=1, b=2");
}

TEST(FormatTest, JsonIsIndentedWithATrailingNewline) {
  EXPECT_EQ(FormatJson(nlohmann::json::array({1})), "[\n  1\n]\n");
}

}  // namespace
}  // namespace tarn::cli
