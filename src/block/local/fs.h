// File-system primitives of the local adapter: owned descriptors, errno -> Status, and path
// resolution that can never leave a base directory (no "..", no symbolic links).
//
// Every path handled here is relative to a directory descriptor and already validated
// lexically; resolution additionally refuses symbolic links anywhere, so a link planted inside
// a namespace cannot lead outside it.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tarn/result.h"
#include "tarn/status.h"

namespace tarn::block::local {

// An owned file descriptor; closes on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// Maps an errno of operation `op` on `path` to a Status: ENOENT/ENOTDIR -> NotFound,
// ELOOP/EXDEV/ENAMETOOLONG -> InvalidArgument, EACCES/EPERM -> PermissionDenied, anything else
// (ENOSPC, EIO, ...) -> IOError. The message names the operation, the path and strerror.
Status ErrnoStatus(int err, std::string_view op, std::string_view path);

// Joins relative path pieces with '/', skipping empty ones.
std::string JoinPath(std::string_view a, std::string_view b);

// Opens `rel` beneath `base` with open(2) `flags` (O_CLOEXEC is added), refusing symbolic links
// in every component and any escape from `base`. An empty `rel` reopens `base` itself.
// Errors: as ErrnoStatus ("rel" must not pass through a symlink: InvalidArgument).
Result<UniqueFd> OpenBeneath(int base, std::string_view rel, int flags, std::string_view display);

// Opens directory `rel` beneath `base` for reading (O_RDONLY | O_DIRECTORY), creating missing
// components (mode 0755). Errors: Conflict when a component exists and is not a directory,
// otherwise as OpenBeneath.
Result<UniqueFd> OpenOrCreateDir(int base, std::string_view rel, std::string_view display);

// Writes all of `bytes` at the file's current position. Errors: IOError naming `display`.
Status WriteAll(int fd, std::string_view bytes, std::string_view display);

// Reads up to out.size() bytes at `offset`, retrying short reads; returns how many were read
// (fewer only at the end of the file).
Result<std::size_t> PreadFull(int fd, std::span<char> out, uint64_t offset,
                              std::string_view display);

// The names in directory `dir` (without "." and ".."), unsorted, with whether each is a
// directory, a regular file, or something else (symlink, fifo, ...).
struct DirEntry {
  enum class Type { kFile, kDirectory, kOther };
  std::string name;
  Type type;
};
Result<std::vector<DirEntry>> ReadDirectory(int dir, std::string_view display);

// Removes `name` in `dir` and, if it is a directory, everything beneath it (never following
// symbolic links). Absent entries are OK.
Status RemoveTree(int dir, std::string_view name, std::string_view display);

// While alive, OpenBeneath resolves component by component as it does where openat2 is missing,
// so tests can cover that path on any kernel. Not thread-safe against concurrent resolution.
class ForceWalkResolutionForTesting {
 public:
  ForceWalkResolutionForTesting();
  ~ForceWalkResolutionForTesting();
};

// `bytes` random bytes from the kernel, as lower-case hex.
std::string RandomHex(std::size_t bytes);

}  // namespace tarn::block::local
