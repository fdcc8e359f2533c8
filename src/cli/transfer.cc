#include "cli/transfer.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>

namespace tarn::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kBufferSize = 256 * 1024;

// Reads a file for an upload and counts what was sent.
class FileBodySource final : public s3::BodySource {
 public:
  FileBodySource(std::FILE* file, ProgressBar& progress) : file_(file), progress_(progress) {}
  Result<std::size_t> Read(std::span<char> out) override {
    const std::size_t n = std::fread(out.data(), 1, out.size(), file_);
    if (n == 0 && std::ferror(file_)) return Status::IOError("reading the file failed");
    progress_.AddBytes(n);
    return n;
  }

 private:
  std::FILE* file_;
  ProgressBar& progress_;
};

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f != nullptr) std::fclose(f);
  }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

}  // namespace

std::string JoinObjectPath(std::string_view prefix, std::string_view relative) {
  std::string out(prefix);
  while (!relative.empty() && relative.front() == '/') relative.remove_prefix(1);
  if (!out.empty() && out.back() != '/' && !relative.empty()) out += '/';
  out += relative;
  return out;
}

Result<std::vector<TransferItem>> PlanUpload(const fs::path& local, const std::string& remote_path,
                                             bool recursive) {
  std::error_code ec;
  const fs::file_status st = fs::status(local, ec);
  if (ec || !fs::exists(st)) {
    return Status::IOError("cannot read " + local.string() + ": " +
                           (ec ? ec.message() : std::string("no such file or directory")));
  }
  std::vector<TransferItem> items;
  if (!recursive) {
    if (fs::is_directory(st)) {
      return Status::InvalidArgument(local.string() +
                                     " is a directory: pass --recursive to upload its files");
    }
    std::string remote = remote_path;
    if (remote.empty() || remote.back() == '/') remote += local.filename().string();
    items.push_back({local, remote, static_cast<uint64_t>(fs::file_size(local, ec))});
    if (ec) return Status::IOError("cannot read " + local.string() + ": " + ec.message());
    return items;
  }
  if (!fs::is_directory(st)) {
    return Status::InvalidArgument(local.string() +
                                   " is not a directory: drop --recursive to upload one file");
  }
  for (fs::recursive_directory_iterator it(local, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::string relative = fs::relative(it->path(), local, ec).generic_string();
    items.push_back({it->path(), JoinObjectPath(remote_path, relative),
                     static_cast<uint64_t>(it->file_size(ec))});
  }
  if (ec) return Status::IOError("cannot walk " + local.string() + ": " + ec.message());
  std::sort(items.begin(), items.end(),
            [](const TransferItem& a, const TransferItem& b) { return a.remote < b.remote; });
  return items;
}

Result<fs::path> DownloadTarget(const fs::path& local_dir, std::string_view prefix,
                                std::string_view object_path) {
  std::string_view relative = object_path;
  if (relative.starts_with(prefix)) relative.remove_prefix(prefix.size());
  while (!relative.empty() && relative.front() == '/') relative.remove_prefix(1);
  const fs::path rel = fs::path(std::string(relative)).lexically_normal();
  if (relative.empty() || rel.is_absolute() || rel.empty() || *rel.begin() == "..") {
    return Status::InvalidArgument("object path '" + std::string(object_path) +
                                   "' cannot be stored under " + local_dir.string());
  }
  return local_dir / rel;
}

Status RunParallel(std::size_t count, int parallelism,
                   const std::function<Status(std::size_t index)>& work) {
  const std::size_t workers =
      std::min<std::size_t>(count, static_cast<std::size_t>(std::max(1, parallelism)));
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  Status first = Status::OK();
  auto loop = [&] {
    while (!failed.load()) {
      const std::size_t i = next.fetch_add(1);
      if (i >= count) return;
      Status status = work(i);
      if (!status.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first.ok()) first = std::move(status);
        failed.store(true);
      }
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < workers; ++i) threads.emplace_back(loop);
  loop();
  for (auto& t : threads) t.join();
  return first;
}

Status UploadFile(RestClient& client, const std::string& repository, const std::string& branch,
                  const TransferItem& item, ProgressBar& progress) {
  FilePtr file(std::fopen(item.local.c_str(), "rb"));
  if (!file) return Status::IOError("cannot open " + item.local.string() + " for reading");
  std::setvbuf(file.get(), nullptr, _IONBF, 0);
  FileBodySource source(file.get(), progress);
  Result<nlohmann::json> result = client.Upload(repository, branch, item.remote, source, item.size);
  if (!result.ok()) return result.status().WithContext("uploading " + item.local.string());
  progress.FileDone();
  return Status::OK();
}

Status DownloadFile(RestClient& client, const std::string& repository, const std::string& ref,
                    const TransferItem& item, ProgressBar& progress) {
  auto stream = client.Download(repository, ref, item.remote);
  if (!stream.ok()) return stream.status().WithContext("downloading " + item.remote);
  std::error_code ec;
  if (item.local.has_parent_path()) fs::create_directories(item.local.parent_path(), ec);
  if (ec) return Status::IOError("cannot create " + item.local.parent_path().string());
  const fs::path tmp = item.local.string() + ".tarn-partial";
  FilePtr file(std::fopen(tmp.c_str(), "wb"));
  if (!file) return Status::IOError("cannot open " + tmp.string() + " for writing");
  std::vector<char> buffer(kBufferSize);
  while (true) {
    Result<std::size_t> n = (*stream)->Read(buffer);
    if (!n.ok()) {
      file.reset();
      fs::remove(tmp, ec);
      return n.status().WithContext("downloading " + item.remote);
    }
    if (*n == 0) break;
    if (std::fwrite(buffer.data(), 1, *n, file.get()) != *n) {
      file.reset();
      fs::remove(tmp, ec);
      return Status::IOError("writing " + tmp.string() + " failed: is the disk full?");
    }
    progress.AddBytes(*n);
  }
  if (std::fclose(file.release()) != 0) {
    return Status::IOError("writing " + tmp.string() + " failed");
  }
  fs::rename(tmp, item.local, ec);
  if (ec) return Status::IOError("cannot rename " + tmp.string() + ": " + ec.message());
  progress.FileDone();
  return Status::OK();
}

}  // namespace tarn::cli
