// A progress bar for transfers: bytes and files done out of a total, with the rate since the
// start. Workers report from any thread; the bar redraws itself (one line, carriage return) on
// its output at most every `redraw_interval`, by the reporting thread, so no thread of its own
// is needed. Disabled bars (--no-progress, or output not a terminal) only count.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

#include "common/clock.h"

namespace tarn::cli {

class ProgressBar {
 public:
  // `out` null = never draw. `clock` must outlive the bar.
  ProgressBar(const Clock& clock, std::FILE* out, std::string label, uint64_t total_bytes,
              int64_t total_files,
              std::chrono::milliseconds redraw_interval = std::chrono::milliseconds(100));

  // Thread-safe.
  void AddBytes(uint64_t bytes);
  void FileDone();
  // Draws the final state and ends the line (when drawing).
  void Finish();

  // The line as it would be drawn now, e.g.
  // "upload [##########----------]  50% 5.0 MiB/10.0 MiB  2/4 files  1.0 MiB/s".
  std::string Render() const;

  uint64_t bytes_done() const { return bytes_.load(); }
  int64_t files_done() const { return files_.load(); }

 private:
  void MaybeDraw(bool force);

  static constexpr int kWidth = 20;
  const Clock& clock_;
  std::FILE* out_;
  std::string label_;
  uint64_t total_bytes_;
  int64_t total_files_;
  std::chrono::milliseconds redraw_interval_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<uint64_t> bytes_{0};
  std::atomic<int64_t> files_{0};
  std::mutex draw_mu_;
  bool drawn_ = false;  // guarded by draw_mu_
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace tarn::cli
