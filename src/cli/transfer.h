// Moving files between the local filesystem and a ref: planning (which local file goes to which
// object path and back) and parallel execution with bounded memory — every transfer streams
// through one fixed buffer per worker, whatever the file size.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "cli/client.h"
#include "cli/progress.h"
#include "tarn/result.h"

namespace tarn::cli {

struct TransferItem {
  std::filesystem::path local;
  std::string remote;  // object path within the ref
  uint64_t size = 0;
};

// Joins an object path prefix and a relative path with exactly one '/' between them.
std::string JoinObjectPath(std::string_view prefix, std::string_view relative);

// The uploads for `local` to `remote_path`: with `recursive`, every regular file under the
// directory `local` goes to remote_path/<relative path> (sorted by path); without, the one file
// goes to remote_path, or to remote_path/<file name> when remote_path is empty or ends with '/'.
// Errors: InvalidArgument when `local` is a directory without `recursive` or a file with it;
// IOError when it cannot be read.
Result<std::vector<TransferItem>> PlanUpload(const std::filesystem::path& local,
                                             const std::string& remote_path, bool recursive);

// The local file for object `object_path` listed under `prefix`, downloaded into `local_dir`.
// Errors: InvalidArgument when the relative path would escape `local_dir` ("..", absolute).
Result<std::filesystem::path> DownloadTarget(const std::filesystem::path& local_dir,
                                             std::string_view prefix, std::string_view object_path);

// Runs `work` on every item with up to `parallelism` threads; stops handing out items after the
// first failure and returns it (the others' errors are dropped).
Status RunParallel(std::size_t count, int parallelism,
                   const std::function<Status(std::size_t index)>& work);

// Uploads one file (streaming) to repository/branch, counting bytes on `progress`.
Status UploadFile(RestClient& client, const std::string& repository, const std::string& branch,
                  const TransferItem& item, ProgressBar& progress);

// Downloads one object into item.local (via a temporary file beside it, renamed at the end;
// parent directories are created), counting bytes on `progress`.
Status DownloadFile(RestClient& client, const std::string& repository, const std::string& ref,
                    const TransferItem& item, ProgressBar& progress);

}  // namespace tarn::cli
