#include "cli/progress.h"

#include <algorithm>

#include "cli/output.h"

namespace tarn::cli {

ProgressBar::ProgressBar(const Clock& clock, std::FILE* out, std::string label,
                         uint64_t total_bytes, int64_t total_files,
                         std::chrono::milliseconds redraw_interval)
    : clock_(clock),
      out_(out),
      label_(std::move(label)),
      total_bytes_(total_bytes),
      total_files_(total_files),
      redraw_interval_(redraw_interval),
      start_(clock.Steady()) {}

void ProgressBar::AddBytes(uint64_t bytes) {
  bytes_.fetch_add(bytes);
  MaybeDraw(false);
}

void ProgressBar::FileDone() {
  files_.fetch_add(1);
  MaybeDraw(false);
}

void ProgressBar::Finish() {
  if (out_ == nullptr) return;
  MaybeDraw(true);
  std::lock_guard<std::mutex> lock(draw_mu_);
  std::fputc('\n', out_);
  std::fflush(out_);
}

namespace {

// "45s", "12m05s", "3h02m".
std::string FormatDuration(uint64_t seconds) {
  char buf[32];
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%llus", static_cast<unsigned long long>(seconds));
  } else if (seconds < 3600) {
    std::snprintf(buf, sizeof buf, "%llum%02llus", static_cast<unsigned long long>(seconds / 60),
                  static_cast<unsigned long long>(seconds % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lluh%02llum", static_cast<unsigned long long>(seconds / 3600),
                  static_cast<unsigned long long>(seconds / 60 % 60));
  }
  return buf;
}

}  // namespace

std::string ProgressBar::Render() const {
  const uint64_t done = bytes_.load();
  const int64_t files = files_.load();
  int percent = 100;
  if (total_bytes_ > 0)
    percent = static_cast<int>(std::min<uint64_t>(done, total_bytes_) * 100 / total_bytes_);
  const int filled = percent * kWidth / 100;
  std::string line = label_ + " [";
  line.append(filled, '#');
  line.append(kWidth - filled, '-');
  line += "] ";
  std::string pct = std::to_string(percent) + "%";
  line.append(4 - std::min<std::size_t>(4, pct.size()), ' ');
  line += pct + " " + FormatSize(done) + "/" + FormatSize(total_bytes_) + "  " +
          std::to_string(files) + "/" + std::to_string(total_files_) + " files";
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Steady() - start_);
  if (elapsed.count() > 0) {
    const uint64_t rate = done * 1000 / static_cast<uint64_t>(elapsed.count());
    line += "  " + FormatSize(rate) + "/s";
    if (rate > 0 && done < total_bytes_) {
      line += "  ETA " + FormatDuration((total_bytes_ - done) / rate);
    }
  }
  return line;
}

void ProgressBar::MaybeDraw(bool force) {
  if (out_ == nullptr) return;
  std::unique_lock<std::mutex> lock(draw_mu_, std::try_to_lock);
  if (!lock.owns_lock() && !force) return;  // another thread is drawing
  if (!lock.owns_lock()) lock.lock();
  const auto now = clock_.Steady();
  if (!force && drawn_ && now - last_draw_ < redraw_interval_) return;
  drawn_ = true;
  last_draw_ = now;
  std::string line = Render();
  std::fprintf(out_, "\r%s\033[K", line.c_str());
  std::fflush(out_);
}

}  // namespace tarn::cli
