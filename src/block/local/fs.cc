#include "block/local/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "common/coding.h"

namespace tarn::block::local {
namespace {

// openat2 exists since Linux 5.6; sandboxes may still refuse it (ENOSYS or EPERM), after which
// every resolution walks the components one by one.
std::atomic<bool> openat2_usable{true};

int OpenAt2(int base, const std::string& rel, int flags) {
  open_how how{};
  how.flags = static_cast<uint64_t>(flags);
  how.mode = (flags & O_CREAT) ? 0644 : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  return static_cast<int>(syscall(SYS_openat2, base, rel.c_str(), &how, sizeof(how)));
}

// Opens directory `name` in `dir` without following a symlink. Linux answers ENOTDIR for a
// symlink opened with O_DIRECTORY | O_NOFOLLOW; it becomes ELOOP here so that a link is reported
// as a link whichever resolution ran.
int OpenDirNoFollow(int dir, const char* name) {
  int fd = ::openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOTDIR) {
    struct stat st;
    if (::fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
      errno = ELOOP;
    } else {
      errno = ENOTDIR;
    }
  }
  return fd;
}

// The portable resolution: one openat per component, each refusing a symlink.
int WalkOpen(int base, std::string_view rel, int flags) {
  UniqueFd current;
  int dir = base;
  std::size_t start = 0;
  for (;;) {
    std::size_t slash = rel.find('/', start);
    std::string part(rel.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (part == "..") {
      errno = EXDEV;  // what openat2 answers for an escape
      return -1;
    }
    if (slash == std::string_view::npos) {
      return ::openat(dir, part.c_str(), flags | O_NOFOLLOW, 0644);
    }
    int next = OpenDirNoFollow(dir, part.c_str());
    if (next < 0) return -1;
    current.reset(next);
    dir = next;
    start = slash + 1;
  }
}

}  // namespace

Status ErrnoStatus(int err, std::string_view op, std::string_view path) {
  std::string msg = std::string(op) + " " + EscapeBytes(path, 400) + ": " + std::strerror(err);
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return Status::NotFound(msg);
    case ELOOP:
    case EXDEV:
      return Status::InvalidArgument(msg + " (the path passes through a symbolic link)");
    case ENAMETOOLONG:
      return Status::InvalidArgument(msg);
    case EACCES:
    case EPERM:
      return Status::PermissionDenied(msg);
    default:
      return Status::IOError(msg);
  }
}

std::string JoinPath(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  std::string out;
  out.reserve(a.size() + 1 + b.size());
  out.append(a).append("/").append(b);
  return out;
}

Result<UniqueFd> OpenBeneath(int base, std::string_view rel, int flags, std::string_view display) {
  flags |= O_CLOEXEC;
  std::string path = rel.empty() ? std::string(".") : std::string(rel);
  int fd = -1;
  if (openat2_usable.load(std::memory_order_relaxed)) {
    fd = OpenAt2(base, path, flags);
    if (fd < 0 && (errno == ENOSYS || errno == EPERM)) {
      // EPERM is also what a plain permission failure returns, so confirm with the walk.
      if (errno == ENOSYS) openat2_usable.store(false, std::memory_order_relaxed);
      fd = WalkOpen(base, path, flags);
    }
  } else {
    fd = WalkOpen(base, path, flags);
  }
  if (fd < 0) return ErrnoStatus(errno, "open", display);
  return UniqueFd(fd);
}

Result<UniqueFd> OpenOrCreateDir(int base, std::string_view rel, std::string_view display) {
  auto fast = OpenBeneath(base, rel, O_RDONLY | O_DIRECTORY, display);
  if (fast.ok() || !fast.status().IsNotFound()) return fast;
  UniqueFd current;
  int dir = base;
  std::size_t start = 0;
  while (start <= rel.size()) {
    std::size_t slash = rel.find('/', start);
    if (slash == std::string_view::npos) slash = rel.size();
    std::string part(rel.substr(start, slash - start));
    start = slash + 1;
    if (part.empty()) continue;
    if (::mkdirat(dir, part.c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoStatus(errno, "mkdir", display);
    }
    int next = OpenDirNoFollow(dir, part.c_str());
    if (next < 0) {
      if (errno == ENOTDIR) {
        return Status::Conflict("cannot create directory '" + part + "' for " +
                                EscapeBytes(display, 400) +
                                ": an object of that name exists, and the local adapter cannot "
                                "store both 'x' and 'x/...'");
      }
      return ErrnoStatus(errno, "open directory", display);
    }
    current.reset(next);
    dir = next;
  }
  if (!current.valid()) return OpenBeneath(base, rel, O_RDONLY | O_DIRECTORY, display);
  return current;
}

Status WriteAll(int fd, std::string_view bytes, std::string_view display) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("write " + EscapeBytes(display, 400) + ": " + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::OK();
}

Result<std::size_t> PreadFull(int fd, std::span<char> out, uint64_t offset,
                              std::string_view display) {
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t n =
        ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("read " + EscapeBytes(display, 400) + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

Result<std::vector<DirEntry>> ReadDirectory(int dir, std::string_view display) {
  int fd = ::openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open directory", display);
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    int err = errno;
    ::close(fd);
    return ErrnoStatus(err, "read directory", display);
  }
  std::vector<DirEntry> out;
  errno = 0;
  while (dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st;
      if (::fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone meanwhile
      type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
    }
    DirEntry::Type t = type == DT_DIR   ? DirEntry::Type::kDirectory
                       : type == DT_REG ? DirEntry::Type::kFile
                                        : DirEntry::Type::kOther;
    out.push_back(DirEntry{std::string(name), t});
  }
  int err = errno;
  ::closedir(d);
  if (err != 0) return ErrnoStatus(err, "read directory", display);
  return out;
}

Status RemoveTree(int dir, std::string_view name, std::string_view display) {
  std::string n(name);
  if (::unlinkat(dir, n.c_str(), 0) == 0 || errno == ENOENT) return Status::OK();
  if (errno != EISDIR && errno != EPERM) return ErrnoStatus(errno, "remove", display);
  int child = ::openat(dir, n.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (child < 0) return errno == ENOENT ? Status::OK() : ErrnoStatus(errno, "open", display);
  UniqueFd child_fd(child);
  ASSIGN_OR_RETURN(std::vector<DirEntry> entries, ReadDirectory(child, display));
  for (const DirEntry& e : entries) {
    RETURN_IF_ERROR(RemoveTree(child, e.name, display));
  }
  if (::unlinkat(dir, n.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) {
    return ErrnoStatus(errno, "remove directory", display);
  }
  return Status::OK();
}

ForceWalkResolutionForTesting::ForceWalkResolutionForTesting() { openat2_usable.store(false); }
ForceWalkResolutionForTesting::~ForceWalkResolutionForTesting() { openat2_usable.store(true); }

std::string RandomHex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  std::size_t done = 0;
  while (done < bytes) {
    ssize_t n = ::getrandom(raw.data() + done, bytes - done, 0);
    if (n > 0) done += static_cast<std::size_t>(n);
  }
  return HexEncode(raw);
}

}  // namespace tarn::block::local
