// The local directory destination.
#include "export/local_destination.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>
#include <vector>

#include "block/etag.h"

namespace tarn::exporter {
namespace {

constexpr std::string_view kTempPrefix = ".tarn-export-";
constexpr std::size_t kBufferSize = 1 << 20;

std::string Errno(int err) { return std::strerror(err); }

// An IOError for a failed system call on `path`, with a hint for the common causes.
Status IoError(std::string_view what, const std::string& path, int err) {
  std::string msg = std::string(what) + " " + path + ": " + Errno(err);
  if (err == ENOSPC || err == EDQUOT) msg += " (the destination file system is full)";
  if (err == EACCES || err == EPERM || err == EROFS) {
    return Status::PermissionDenied(msg + " (check the destination's permissions)");
  }
  return Status::IOError(msg);
}

// Checks that `path` is a relative path of plain segments (a trailing '/' is allowed and
// reported as a directory marker).
Status CheckPath(std::string_view path, bool& directory_marker) {
  directory_marker = false;
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("object path '" + std::string(path) +
                                   "' cannot be written "
                                   "to a local directory: " +
                                   std::string(why));
  };
  if (path.empty()) return bad("it is empty");
  if (path.front() == '/') return bad("it is absolute");
  if (path.find('\0') != std::string_view::npos) return bad("it contains a NUL byte");
  std::string_view rest = path;
  if (rest.back() == '/') {
    directory_marker = true;
    rest.remove_suffix(1);
    if (rest.empty()) return bad("it is only '/'");
  }
  std::size_t start = 0;
  while (start <= rest.size()) {
    std::size_t end = rest.find('/', start);
    if (end == std::string_view::npos) end = rest.size();
    std::string_view seg = rest.substr(start, end - start);
    if (seg.empty()) return bad("it has an empty segment ('//')");
    if (seg == "." || seg == "..") return bad("it has a '.' or '..' segment");
    if (seg.starts_with(kTempPrefix)) return bad("'.tarn-export-' names temporary files");
    start = end + 1;
  }
  return Status::OK();
}

class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

class FileReader final : public block::Reader {
 public:
  FileReader(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  Result<std::size_t> Read(std::span<char> out) override {
    for (;;) {
      ssize_t n = ::read(fd_.get(), out.data(), out.size());
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) return IoError("reading", path_, errno);
    }
  }

 private:
  FdCloser fd_;
  std::string path_;
};

class LocalDestination final : public Destination {
 public:
  LocalDestination(std::string root, int root_fd) : root_(std::move(root)), root_fd_(root_fd) {}

  std::string Describe() const override { return root_; }

  Result<WriteResult> Write(std::string_view path, block::Reader& body, uint64_t size) override {
    bool marker = false;
    RETURN_IF_ERROR(CheckPath(path, marker));
    const std::string rel(path);
    if (marker) {
      if (size != 0) {
        return Status::InvalidArgument("object '" + rel + "' ends with '/' but holds " +
                                       std::to_string(size) +
                                       " bytes; a local directory "
                                       "cannot store it");
      }
      RETURN_IF_ERROR(MakeParents(rel + "x"));
      return WriteResult{0, block::Md5HexOf("")};
    }
    std::size_t slash = rel.rfind('/');
    std::string dir = slash == std::string::npos ? "" : rel.substr(0, slash + 1);
    std::string temp = dir + std::string(kTempPrefix) + RandomSuffix() + ".tmp";
    constexpr int kCreate = O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC;
    int fd = ::openat(root_fd_.get(), temp.c_str(), kCreate, 0644);
    if (fd < 0 && errno == ENOENT) {
      // The first object of its directory: create the directories, then the file.
      RETURN_IF_ERROR(MakeParents(rel));
      fd = ::openat(root_fd_.get(), temp.c_str(), kCreate, 0644);
    }
    if (fd < 0) return PathError("creating", rel, errno);
    FdCloser file(fd);
    auto discard = [&](Status s) {
      ::unlinkat(root_fd_.get(), temp.c_str(), 0);
      return s;
    };
    thread_local std::unique_ptr<char[]> buffer(new char[kBufferSize]);
    uint64_t written = 0;
    for (;;) {
      Result<std::size_t> n = body.Read(std::span<char>(buffer.get(), kBufferSize));
      if (!n.ok()) return discard(n.status());
      if (*n == 0) break;
      if (written + *n > size) {
        return discard(Status::InvalidArgument("the body of " + rel + " is longer than its " +
                                               std::to_string(size) + " bytes"));
      }
      std::size_t off = 0;
      while (off < *n) {
        ssize_t w = ::write(fd, buffer.get() + off, *n - off);
        if (w < 0) {
          if (errno == EINTR) continue;
          return discard(IoError("writing", Full(rel), errno));
        }
        off += static_cast<std::size_t>(w);
      }
      written += *n;
    }
    if (written != size) {
      return discard(Status::InvalidArgument("the body of " + rel + " ended after " +
                                             std::to_string(written) + " of " +
                                             std::to_string(size) + " bytes"));
    }
    // Read the file back before it is renamed into place: the checksum describes what the
    // file system returns, not what was handed to it.
    block::Md5 md5;
    for (uint64_t off = 0; off < size;) {
      ssize_t n = ::pread(fd, buffer.get(), std::min<uint64_t>(kBufferSize, size - off),
                          static_cast<off_t>(off));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return discard(IoError("reading back", Full(rel), n < 0 ? errno : EIO));
      md5.Update(std::string_view(buffer.get(), static_cast<std::size_t>(n)));
      off += static_cast<uint64_t>(n);
    }
    if (::close(file.release()) != 0) return discard(IoError("writing", Full(rel), errno));
    if (::renameat(root_fd_.get(), temp.c_str(), root_fd_.get(), rel.c_str()) != 0) {
      return discard(PathError("renaming into place", rel, errno));
    }
    return WriteResult{size, block::Md5Hex(md5.Finish())};
  }

  Result<std::optional<DestinationEntry>> Stat(std::string_view path) override {
    bool marker = false;
    RETURN_IF_ERROR(CheckPath(path, marker));
    struct stat st {};
    if (::fstatat(root_fd_.get(), std::string(path).c_str(), &st, 0) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return std::optional<DestinationEntry>();
      return IoError("reading the status of", Full(path), errno);
    }
    if (marker) {
      if (!S_ISDIR(st.st_mode)) return std::optional<DestinationEntry>();
      return std::optional<DestinationEntry>(DestinationEntry{std::string(path), 0, ""});
    }
    if (!S_ISREG(st.st_mode)) return std::optional<DestinationEntry>();
    return std::optional<DestinationEntry>(
        DestinationEntry{std::string(path), static_cast<uint64_t>(st.st_size), ""});
  }

  Result<std::unique_ptr<block::Reader>> Open(std::string_view path) override {
    bool marker = false;
    RETURN_IF_ERROR(CheckPath(path, marker));
    int fd = ::openat(root_fd_.get(), std::string(path).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT || errno == ENOTDIR) {
        return Status::NotFound(Full(path) + " does not exist");
      }
      return IoError("opening", Full(path), errno);
    }
    return std::unique_ptr<block::Reader>(new FileReader(fd, Full(path)));
  }

  Result<std::string> ContentMd5(std::string_view path) override {
    bool marker = false;
    RETURN_IF_ERROR(CheckPath(path, marker));
    if (marker) return block::Md5HexOf("");
    ASSIGN_OR_RETURN(std::unique_ptr<block::Reader> reader, Open(path));
    return Md5OfReader(*reader);
  }

  Status Remove(std::string_view path) override {
    bool marker = false;
    RETURN_IF_ERROR(CheckPath(path, marker));
    std::string rel(path);
    if (marker) {
      rel.pop_back();
      if (::unlinkat(root_fd_.get(), rel.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT &&
          errno != ENOTEMPTY && errno != EEXIST && errno != ENOTDIR) {
        return IoError("removing", Full(rel), errno);
      }
    } else if (::unlinkat(root_fd_.get(), rel.c_str(), 0) != 0 && errno != ENOENT &&
               errno != ENOTDIR) {
      if (errno == EISDIR) {
        return Status::InvalidArgument(Full(rel) +
                                       " is a directory, not the exported file; "
                                       "remove it by hand if it should go");
      }
      return IoError("removing", Full(rel), errno);
    }
    // Directories the removal left empty go too, never the root.
    for (std::size_t slash = rel.rfind('/'); slash != std::string::npos; slash = rel.rfind('/')) {
      rel.resize(slash);
      if (::unlinkat(root_fd_.get(), rel.c_str(), AT_REMOVEDIR) != 0) break;
    }
    return Status::OK();
  }

  Status List(const std::function<Status(const DestinationEntry&)>& each) override {
    std::vector<DestinationEntry> entries;
    // A new open file description: a dup would share (and exhaust) the directory offset.
    RETURN_IF_ERROR(
        Walk(::openat(root_fd_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), "", entries));
    std::sort(entries.begin(), entries.end(),
              [](const DestinationEntry& a, const DestinationEntry& b) { return a.path < b.path; });
    for (const DestinationEntry& e : entries) RETURN_IF_ERROR(each(e));
    return Status::OK();
  }

  Status Flush() override {
    if (::syncfs(root_fd_.get()) != 0) return IoError("syncing the file system of", root_, errno);
    return Status::OK();
  }

 private:
  std::string Full(std::string_view rel) const { return root_ + "/" + std::string(rel); }

  // The error for a failed create or rename of `rel`: a directory or file in the way is not
  // something a retry can fix.
  Status PathError(std::string_view what, const std::string& rel, int err) {
    if (err == EISDIR || err == ENOTDIR || err == EEXIST) {
      return Status::InvalidArgument(std::string(what) + " " + Full(rel) + ": " + Errno(err) +
                                     " (a directory and a file want the same name; remove "
                                     "the one in the way)");
    }
    return IoError(what, Full(rel), err);
  }

  // Creates the directories above `rel`.
  Status MakeParents(const std::string& rel) {
    std::size_t slash = rel.rfind('/');
    if (slash == std::string::npos) return Status::OK();
    std::string dir = rel.substr(0, slash);
    struct stat st {};
    if (::fstatat(root_fd_.get(), dir.c_str(), &st, 0) == 0 && S_ISDIR(st.st_mode)) {
      return Status::OK();
    }
    for (std::size_t pos = dir.find('/');; pos = dir.find('/', pos + 1)) {
      std::string part = dir.substr(0, pos);
      if (::mkdirat(root_fd_.get(), part.c_str(), 0755) != 0) {
        if (errno != EEXIST) return PathError("creating the directory", part, errno);
        if (::fstatat(root_fd_.get(), part.c_str(), &st, 0) == 0 && !S_ISDIR(st.st_mode)) {
          return PathError("creating the directory", part, ENOTDIR);
        }
      }
      if (pos == std::string::npos) break;
    }
    return Status::OK();
  }

  // Collects the regular files under the directory `fd` (which it closes), `prefix` being its
  // path relative to the root ("" or "a/b/").
  Status Walk(int fd, const std::string& prefix, std::vector<DestinationEntry>& out) {
    if (fd < 0) return IoError("listing", Full(prefix), errno);
    DIR* dir = ::fdopendir(fd);
    if (dir == nullptr) {
      int err = errno;
      ::close(fd);
      return IoError("listing", Full(prefix), err);
    }
    Status status;
    while (struct dirent* e = ::readdir(dir)) {
      std::string_view name(e->d_name);
      if (name == "." || name == "..") continue;
      if (name.starts_with(kTempPrefix)) {
        // Left by an export that was killed mid-write: never a finished object.
        ::unlinkat(::dirfd(dir), e->d_name, 0);
        continue;
      }
      struct stat st {};
      if (::fstatat(::dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      std::string rel = prefix + std::string(name);
      if (S_ISDIR(st.st_mode)) {
        int child = ::openat(::dirfd(dir), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        status = Walk(child, rel + "/", out);
        if (!status.ok()) break;
      } else if (S_ISREG(st.st_mode)) {
        out.push_back(DestinationEntry{std::move(rel), static_cast<uint64_t>(st.st_size), ""});
      }
    }
    ::closedir(dir);
    return status;
  }

  static std::string RandomSuffix() {
    thread_local std::mt19937_64 rng(std::random_device{}());
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(16, '0');
    uint64_t v = rng();
    for (char& c : out) {
      c = kHex[v & 15];
      v >>= 4;
    }
    return out;
  }

  std::string root_;
  FdCloser root_fd_;
};

}  // namespace

Result<std::unique_ptr<Destination>> NewLocalDestination(const std::string& root) {
  std::string path = root;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  for (std::size_t pos = path.find('/', 1);; pos = path.find('/', pos + 1)) {
    std::string part = path.substr(0, pos);
    if (::mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) {
      return IoError("creating the destination directory", part, errno);
    }
    if (pos == std::string::npos) break;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return IoError("opening", path, errno);
  if (!S_ISDIR(st.st_mode)) {
    return Status::InvalidArgument("the destination " + path +
                                   " exists and is not a directory; name a directory");
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("opening", path, errno);
  return std::unique_ptr<Destination>(new LocalDestination(path, fd));
}

}  // namespace tarn::exporter
