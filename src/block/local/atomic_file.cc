#include "block/local/atomic_file.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "block/local/md5_worker.h"
#include "common/coding.h"

namespace tarn::block::local {

Result<AtomicFile> AtomicFile::Create(int dir, std::string display) {
  for (;;) {
    std::string name = std::string(kTempPrefix) + RandomHex(8);
    int fd =
        ::openat(dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0) return AtomicFile(dir, UniqueFd(fd), std::move(name), std::move(display));
    if (errno == EEXIST) continue;  // a random collision: draw another name
    return ErrnoStatus(errno, "create temporary file for", display);
  }
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : dir_(other.dir_),
      fd_(std::move(other.fd_)),
      temp_name_(std::move(other.temp_name_)),
      display_(std::move(other.display_)) {
  other.temp_name_.clear();
}

AtomicFile::~AtomicFile() {
  if (!temp_name_.empty()) ::unlinkat(dir_, temp_name_.c_str(), 0);
}

Result<std::size_t> AtomicFile::Fill(Reader& body, std::span<char> buffer, uint64_t so_far,
                                     std::optional<uint64_t> expected_size) {
  // Fill the whole buffer before writing: readers may yield small chunks, and one large write
  // costs far less than many small ones.
  std::size_t filled = 0;
  while (filled < buffer.size()) {
    ASSIGN_OR_RETURN(std::size_t n, body.Read(buffer.subspan(filled)));
    if (n == 0) break;
    filled += n;
    if (expected_size && so_far + filled > *expected_size) {
      return Status::InvalidArgument("body of " + EscapeBytes(display_, 400) +
                                     " is longer than its declared size of " +
                                     std::to_string(*expected_size) + " bytes");
    }
  }
  return filled;
}

Result<StreamedBody> AtomicFile::WriteStream(Reader& body, std::optional<uint64_t> expected_size,
                                             std::span<const std::span<char>> buffers,
                                             uint64_t writeback_chunk) {
  StreamedBody out;
  uint64_t kicked = 0;  // bytes already handed to writeback
  auto written = [&](std::size_t n) {
    out.size += n;
    if (writeback_chunk > 0 && out.size - kicked >= writeback_chunk) {
      // Only a hint: failure changes nothing, the final fsync still makes the data durable.
      ::sync_file_range(fd_.get(), static_cast<off_t>(kicked),
                        static_cast<off_t>(out.size - kicked), SYNC_FILE_RANGE_WRITE);
      kicked = out.size;
    }
  };
  if (buffers.size() == 1) {
    Md5 md5;
    for (;;) {
      ASSIGN_OR_RETURN(std::size_t n, Fill(body, buffers[0], out.size, expected_size));
      if (n == 0) break;
      std::string_view chunk(buffers[0].data(), n);
      // Write and start writeback first, then hash: the disk works on this chunk while the CPU
      // hashes it (the page cache already holds a copy).
      RETURN_IF_ERROR(WriteAll(fd_.get(), chunk, display_));
      written(n);
      md5.Update(chunk);
    }
    out.md5 = md5.Finish();
  } else {
    // The hasher reads chunk n while this thread writes it; buffer n % size is refilled only
    // once the hasher is done with chunk n - size. An early return joins the worker (its
    // destructor) before the caller's buffers go away.
    Md5Worker hasher(buffers.size());
    for (uint64_t n = 0;; ++n) {
      std::span<char> buffer = buffers[n % buffers.size()];
      hasher.WaitForSlot(n);
      ASSIGN_OR_RETURN(std::size_t got, Fill(body, buffer, out.size, expected_size));
      if (got == 0) break;
      std::string_view chunk(buffer.data(), got);
      hasher.Submit(chunk);
      RETURN_IF_ERROR(WriteAll(fd_.get(), chunk, display_));
      written(got);
    }
    out.md5 = hasher.Finish();
  }
  if (expected_size && out.size != *expected_size) {
    return Status::InvalidArgument("body of " + EscapeBytes(display_, 400) + " has " +
                                   std::to_string(out.size) + " bytes, its declared size is " +
                                   std::to_string(*expected_size));
  }
  return out;
}

Status AtomicFile::AppendRange(int source, uint64_t offset, uint64_t length,
                               std::span<char> buffer) {
  loff_t in = static_cast<loff_t>(offset);
  uint64_t left = length;
  while (left > 0) {
    ssize_t n = ::copy_file_range(source, &in, fd_.get(), nullptr, left, 0);
    if (n > 0) {
      left -= static_cast<uint64_t>(n);
      continue;
    }
    if (n == 0)
      return Status::IOError("copy into " + EscapeBytes(display_, 400) +
                             ": the source ended early");
    if (errno == EINTR) continue;
    if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
      return ErrnoStatus(errno, "copy into", display_);
    }
    // The file systems cannot copy in the kernel: copy through the buffer.
    while (left > 0) {
      std::size_t want = static_cast<std::size_t>(std::min<uint64_t>(left, buffer.size()));
      ASSIGN_OR_RETURN(std::size_t got, PreadFull(source, buffer.subspan(0, want), in, display_));
      if (got == 0) {
        return Status::IOError("copy into " + EscapeBytes(display_, 400) +
                               ": the source ended early");
      }
      RETURN_IF_ERROR(WriteAll(fd_.get(), std::string_view(buffer.data(), got), display_));
      in += static_cast<loff_t>(got);
      left -= got;
    }
  }
  return Status::OK();
}

bool AtomicFile::TryClone(int source) { return ::ioctl(fd_.get(), FICLONE, source) == 0; }

Result<std::optional<AtomicFile>> AtomicFile::Link(int dir, const std::string& source,
                                                   std::string display) {
  for (;;) {
    std::string name = std::string(kTempPrefix) + RandomHex(8);
    if (::linkat(AT_FDCWD, source.c_str(), dir, name.c_str(), 0) != 0) {
      if (errno == EEXIST) continue;
      if (errno == EXDEV || errno == EPERM || errno == EMLINK || errno == ENOTSUP ||
          errno == EOPNOTSUPP) {
        return std::optional<AtomicFile>();  // another file system, or no hard links here
      }
      // The directory is open, so what failed is the caller's file: it cannot be read.
      return Status::IOError("cannot store " + source + " as " + display + ": " +
                             std::strerror(errno));
    }
    int fd = ::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      const int err = errno;
      ::unlinkat(dir, name.c_str(), 0);
      return ErrnoStatus(err, "open the linked temporary file for", display);
    }
    return std::optional<AtomicFile>(
        AtomicFile(dir, UniqueFd(fd), std::move(name), std::move(display)));
  }
}

Status AtomicFile::Commit(std::string_view name, const StoredMeta& meta, Durability durability) {
  // The bytes are final: record their size and time with the etag, so reads need no fstat.
  struct stat st;
  if (::fstat(fd_.get(), &st) != 0) return ErrnoStatus(errno, "stat", display_);
  StoredMeta stamped = meta;
  stamped.size = static_cast<uint64_t>(st.st_size);
  stamped.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  RETURN_IF_ERROR(WriteMeta(fd_.get(), stamped, display_));
  return CommitWithoutMeta(name, durability);
}

Status AtomicFile::CommitWithoutMeta(std::string_view name, Durability durability) {
  if (durability.sync_file && ::fsync(fd_.get()) != 0) return ErrnoStatus(errno, "fsync", display_);
  std::string target(name);
  if (::renameat(dir_, temp_name_.c_str(), dir_, target.c_str()) != 0) {
    int err = errno;
    // An empty directory of that name is what a removed "name/..." object may leave behind.
    if ((err == EISDIR || err == ENOTEMPTY || err == EEXIST) &&
        ::unlinkat(dir_, target.c_str(), AT_REMOVEDIR) == 0 &&
        ::renameat(dir_, temp_name_.c_str(), dir_, target.c_str()) == 0) {
      err = 0;
    }
    if (err == EISDIR || err == ENOTEMPTY || err == EEXIST) {
      return Status::Conflict("cannot store " + EscapeBytes(display_, 400) +
                              ": objects exist below it as a prefix, and the local adapter "
                              "cannot store both 'x' and 'x/...'");
    }
    if (err != 0) return ErrnoStatus(err, "rename into place", display_);
  }
  temp_name_.clear();
  if (durability.sync_directory && ::fsync(dir_) != 0)
    return ErrnoStatus(errno, "fsync directory of", display_);
  return Status::OK();
}

}  // namespace tarn::block::local
