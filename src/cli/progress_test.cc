#include "cli/progress.h"

#include <gtest/gtest.h>

namespace tarn::cli {
namespace {

TEST(ProgressBarTest, RendersFractionBytesFilesAndRate) {
  ManualClock clock;
  ProgressBar bar(clock, nullptr, "upload", 4 * 1024 * 1024, 4);
  bar.AddBytes(2 * 1024 * 1024);
  bar.FileDone();
  bar.FileDone();
  clock.Advance(std::chrono::seconds(2));
  EXPECT_EQ(bar.Render(),
            "upload [##########----------]  50% 2.0 MiB/4.0 MiB  2/4 files  1.0 MiB/s  ETA 2s");
}

TEST(ProgressBarTest, EstimatesTheTimeLeftFromTheRateSoFar) {
  ManualClock clock;
  ProgressBar bar(clock, nullptr, "export", 1000 * 1024, 10);
  bar.AddBytes(10 * 1024);
  clock.Advance(std::chrono::seconds(1));
  EXPECT_TRUE(bar.Render().ends_with("10.0 KiB/s  ETA 1m39s")) << bar.Render();
  bar.AddBytes(990 * 1024);
  EXPECT_EQ(bar.Render().find("ETA"), std::string::npos) << "no estimate once done";
}

TEST(ProgressBarTest, OmitsTheRateBeforeAnyTimePasses) {
  ManualClock clock;
  ProgressBar bar(clock, nullptr, "download", 100, 1);
  EXPECT_EQ(bar.Render(), "download [--------------------]   0% 0 B/100 B  0/1 files");
}

TEST(ProgressBarTest, AnEmptyTransferIsComplete) {
  ManualClock clock;
  ProgressBar bar(clock, nullptr, "upload", 0, 0);
  EXPECT_EQ(bar.Render(), "upload [####################] 100% 0 B/0 B  0/0 files");
}

TEST(ProgressBarTest, DrawsAtMostOncePerIntervalAndAlwaysAtTheEnd) {
  ManualClock clock;
  char* data = nullptr;
  size_t size = 0;
  std::FILE* out = open_memstream(&data, &size);
  ASSERT_NE(out, nullptr);
  {
    ProgressBar bar(clock, out, "up", 10, 1, std::chrono::milliseconds(100));
    bar.AddBytes(1);  // first draw
    bar.AddBytes(1);  // within the interval: no draw
    clock.Advance(std::chrono::milliseconds(150));
    bar.AddBytes(1);  // draws
    bar.Finish();     // draws and ends the line
  }
  std::fclose(out);
  std::string text(data, size);
  std::free(data);
  size_t draws = 0;
  for (char c : text) draws += c == '\r';
  EXPECT_EQ(draws, 3u);
  EXPECT_EQ(text.back(), '\n');
}

}  // namespace
}  // namespace tarn::cli
