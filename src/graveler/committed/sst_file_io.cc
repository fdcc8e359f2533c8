#include "graveler/committed/sst_file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace tarn::graveler::committed::sst {
namespace {

constexpr std::size_t kBufferSize = 1 << 20;

Status Errno(std::string_view what, const std::string& path) {
  std::string message(what);
  message.append(" ");
  message.append(path);
  message.append(": ");
  message.append(std::strerror(errno));
  return Status::IOError(message);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now, reporting the error a deferred close would lose.
  int Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

// A block::Reader over an open file.

Status WriteAll(int fd, const char* p, std::size_t n, const std::string& path) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Errno("writing", path);
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return Status::OK();
}

// Copies `length` bytes at `offset` of `in` into `out` in the kernel.
Status CopyFileRange(int in, uint64_t offset, uint64_t length, int out, const std::string& path) {
  auto off = static_cast<loff_t>(offset);
  while (length > 0) {
    ssize_t n = ::copy_file_range(in, &off, out, nullptr, length, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("copying into", path);
    }
    if (n == 0) return Status::IOError("copying into " + path + ": source ended early");
    length -= static_cast<uint64_t>(n);
  }
  return Status::OK();
}

Status Stream(block::ObjectReader& reader, int out, const std::string& path) {
  if (auto range = reader.file_range(); range.has_value()) {
    if (CopyFileRange(range->fd, range->offset, range->length, out, path).ok()) {
      return Status::OK();
    }
    // Some file systems refuse copy_file_range across mounts; start over with plain reads.
    if (::ftruncate(out, 0) != 0 || ::lseek(out, 0, SEEK_SET) != 0) {
      return Errno("truncating", path);
    }
  }
  std::vector<char> buffer(kBufferSize);
  for (;;) {
    ASSIGN_OR_RETURN(std::size_t n, reader.Read(buffer));
    if (n == 0) return Status::OK();
    RETURN_IF_ERROR(WriteAll(out, buffer.data(), n, path));
  }
}

}  // namespace

Status DownloadFile(block::Adapter& adapter, const block::ObjectPointer& object,
                    const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<block::ObjectReader> reader, adapter.Get(object, std::nullopt));
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (fd.get() < 0) return Errno("creating", path);
  Status status = Stream(*reader, fd.get(), path);
  // Durable before it is renamed into the cache, so a power loss cannot leave a torn file there.
  if (status.ok() && ::fdatasync(fd.get()) != 0) status = Errno("syncing", path);
  if (status.ok() && fd.Close() != 0) status = Errno("closing", path);
  if (!status.ok()) RemoveFileQuietly(path);
  return status;
}

bool ReadSmallFile(const std::string& path, std::string& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out.clear();
  char buf[16384];
  bool ok = true;
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) ok = false;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return ok;
}

bool WriteSmallFile(const std::string& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  bool ok = true;
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::close(fd) != 0) ok = false;
  return ok;
}

void RemoveFileQuietly(const std::string& path) { (void)::unlink(path.c_str()); }

}  // namespace tarn::graveler::committed::sst
