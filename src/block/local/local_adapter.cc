#include "block/local/local_adapter.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "block/local/local_adapter_impl.h"
#include "block/range.h"
#include "common/coding.h"

namespace tarn::block::local {
namespace {

// How often creating a temporary file is retried when a concurrent Delete prunes its
// directory in between; each retry recreates the directory, so more than one is rare.
constexpr int kCreateAttempts = 8;

// Serves a range of an opened file. The descriptor pins the version that was opened: a later
// Put renames a new file over the name but cannot change these bytes.
class LocalObjectReader final : public ObjectReader {
 public:
  LocalObjectReader(OpenedObject opened, ResolvedRange range, std::string display)
      : opened_(std::move(opened)), range_(range), display_(std::move(display)) {}

  Result<std::size_t> Read(std::span<char> out) override {
    uint64_t left = range_.length - pos_;
    if (left == 0 || out.empty()) return std::size_t{0};
    std::size_t want = static_cast<std::size_t>(std::min<uint64_t>(out.size(), left));
    ASSIGN_OR_RETURN(std::size_t n, PreadFull(opened_.fd.get(), out.subspan(0, want),
                                              range_.offset + pos_, display_));
    if (n == 0) {
      return Status::IOError("read " + EscapeBytes(display_, 400) + ": the file is shorter than " +
                             "its recorded size");
    }
    pos_ += n;
    return n;
  }
  const ObjectInfo& info() const override { return opened_.info; }
  uint64_t offset() const override { return range_.offset; }
  uint64_t length() const override { return range_.length; }
  std::optional<FileRange> file_range() const override {
    return FileRange{opened_.fd.get(), range_.offset, range_.length};
  }

 private:
  OpenedObject opened_;
  ResolvedRange range_;
  std::string display_;
  uint64_t pos_ = 0;
};

std::string NormalizePrefix(const std::string& prefix) {
  std::string out = std::filesystem::path(prefix).lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

}  // namespace

BufferPool::Lease BufferPool::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!free_.empty()) {
      auto buf = std::move(free_.back());
      free_.pop_back();
      return Lease(*this, std::move(buf));
    }
  }
  return Lease(*this, std::unique_ptr<char[]>(new char[size_]));
}

void BufferPool::Release(std::unique_ptr<char[]> buf) {
  constexpr std::size_t kMaxFree = 16;
  std::lock_guard lock(mu_);
  if (free_.size() < kMaxFree) free_.push_back(std::move(buf));
}

ObjectInfo InfoFrom(const struct stat& st, const StoredMeta& meta) {
  ObjectInfo info;
  info.size = static_cast<uint64_t>(st.st_size);
  info.etag = meta.etag;
  info.content_type = meta.content_type;
  info.last_modified = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
  return info;
}

LocalAdapter::LocalAdapter(const LocalOptions& options, UniqueFd root,
                           std::vector<std::string> prefixes)
    : options_(options),
      clock_(options.clock ? options.clock : &system_clock_),
      root_(std::move(root)),
      prefixes_(std::move(prefixes)),
      buffers_(options.buffer_size) {}

Result<OpenedObject> LocalAdapter::OpenObject(const ObjectPlace& place) {
  ASSIGN_OR_RETURN(UniqueFd fd, OpenBeneath(place.ns.base, place.file(), O_RDONLY, place.display));
  ASSIGN_OR_RETURN(std::optional<StoredMeta> meta, ReadMeta(fd.get(), place.display));
  if (meta && meta->size && meta->mtime_ns) {
    // A version-2 record carries size and time, so no fstat: only regular files this adapter
    // wrote carry one (a directory has no such attribute).
    ObjectInfo info;
    info.size = *meta->size;
    info.etag = std::move(meta->etag);
    info.content_type = std::move(meta->content_type);
    info.last_modified = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(*meta->mtime_ns)));
    return OpenedObject{std::move(fd), std::move(info)};
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(errno, "stat", place.display);
  if (!S_ISREG(st.st_mode)) {
    return Status::NotFound("object " + EscapeBytes(place.display, 400) + " does not exist");
  }
  if (!meta) {
    // A file placed in the namespace by other means (or taken by PutFile): derive its etag once
    // and remember it, with size and time.
    meta.emplace();
    ASSIGN_OR_RETURN(meta->etag,
                     ComputeEtag(fd.get(), static_cast<uint64_t>(st.st_size), place.display));
    StoredMeta stamped = *meta;
    stamped.size = static_cast<uint64_t>(st.st_size);
    stamped.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    (void)WriteMeta(fd.get(), stamped, place.display);
  }
  return OpenedObject{std::move(fd), InfoFrom(st, *meta)};
}

Result<std::string> LocalAdapter::ComputeEtag(int fd, uint64_t size, std::string_view display) {
  BufferPool::Lease buf = buffers_.Acquire();
  Md5 md5;
  uint64_t offset = 0;
  while (offset < size) {
    ASSIGN_OR_RETURN(std::size_t n, PreadFull(fd, buf.span(), offset, display));
    if (n == 0) break;
    md5.Update(std::string_view(buf.span().data(), n));
    offset += n;
  }
  return Md5Hex(md5.Finish());
}

Result<AtomicFile> LocalAdapter::CreateTempIn(int base, const std::string& dir,
                                              const std::string& display, UniqueFd& dir_fd) {
  Status last;
  for (int attempt = 0; attempt < kCreateAttempts; ++attempt) {
    auto opened = OpenOrCreateDir(base, dir, display);
    if (!opened.ok()) {
      last = opened.status();
      if (last.IsNotFound()) continue;  // a parent was pruned while we walked it
      return last;
    }
    dir_fd = std::move(opened).value();
    auto file = AtomicFile::Create(dir_fd.get(), display);
    if (file.ok() || !file.status().IsNotFound()) return file;
    last = file.status();  // the directory was pruned after we opened it
  }
  return Status::IOError("cannot create a temporary file for " + EscapeBytes(display, 400) +
                         ": its directory keeps disappearing (" + last.ToString() + ")");
}

Result<StreamedBody> LocalAdapter::Stream(AtomicFile& file, Reader& body,
                                          std::optional<uint64_t> size) {
  // A helper thread pays off once a body spans a few buffers; below that, starting it costs more
  // than the hashing it would overlap.
  constexpr std::size_t kHashSlots = 4;
  bool parallel = options_.hash_on_helper_thread &&
                  (!size || *size > 2 * static_cast<uint64_t>(options_.buffer_size));
  std::vector<BufferPool::Lease> leases;
  std::vector<std::span<char>> buffers;
  for (std::size_t i = 0; i < (parallel ? kHashSlots : 1); ++i) {
    leases.push_back(buffers_.Acquire());
    buffers.push_back(leases.back().span());
  }
  // Writeback hints only serve the final fsync; without it the kernel writes back on its own.
  return file.WriteStream(body, size, buffers, options_.sync_files ? options_.writeback_chunk : 0);
}

Result<PutResult> LocalAdapter::Put(const ObjectPointer& object, Reader& body,
                                    const PutOptions& options) {
  if (options.content_type.size() > kMaxContentType) {
    return Status::InvalidArgument("content type longer than 1024 bytes");
  }
  ASSIGN_OR_RETURN(ObjectPlace place, ResolveObject(object));
  UniqueFd dir;
  ASSIGN_OR_RETURN(AtomicFile file, CreateTempIn(place.ns.base, place.dir, place.display, dir));
  ASSIGN_OR_RETURN(StreamedBody streamed, Stream(file, body, options.size));
  StoredMeta meta{Md5Hex(streamed.md5), options.content_type};
  RETURN_IF_ERROR(
      file.Commit(place.name, meta, DurabilityFor(options_.sync_files, options_.sync_directory)));
  return PutResult{std::move(meta.etag), streamed.size};
}

Result<PutResult> LocalAdapter::PutFile(const ObjectPointer& object, const std::string& path) {
  // One name more for the same file: no byte is copied, and the etag is derived (and stored)
  // when the object is first opened. Where the file cannot be linked, copy it as Put does.
  ASSIGN_OR_RETURN(ObjectPlace place, ResolveObject(object));
  for (int attempt = 0; attempt < kCreateAttempts; ++attempt) {
    auto dir = OpenOrCreateDir(place.ns.base, place.dir, place.display);
    if (!dir.ok()) {
      if (dir.status().IsNotFound()) continue;  // a parent was pruned while we walked it
      return dir.status();
    }
    ASSIGN_OR_RETURN(std::optional<AtomicFile> linked,
                     AtomicFile::Link(dir->get(), path, place.display));
    if (!linked.has_value()) return Adapter::PutFile(object, path);
    struct stat st;
    if (::fstat(linked->fd(), &st) != 0) return ErrnoStatus(errno, "stat", place.display);
    RETURN_IF_ERROR(linked->CommitWithoutMeta(
        place.name, DurabilityFor(options_.sync_files, options_.sync_directory)));
    return PutResult{"", static_cast<uint64_t>(st.st_size)};
  }
  return Status::Unavailable("the directory of " + place.display +
                             " kept disappearing while storing it; retry");
}

Result<std::unique_ptr<ObjectReader>> LocalAdapter::Get(const ObjectPointer& object,
                                                        const std::optional<ByteRange>& range) {
  ASSIGN_OR_RETURN(ObjectPlace place, ResolveObject(object));
  ASSIGN_OR_RETURN(OpenedObject opened, OpenObject(place));
  ASSIGN_OR_RETURN(ResolvedRange resolved, ResolveRange(range, opened.info.size));
  return std::unique_ptr<ObjectReader>(
      new LocalObjectReader(std::move(opened), resolved, std::move(place.display)));
}

Result<ObjectInfo> LocalAdapter::Head(const ObjectPointer& object) {
  ASSIGN_OR_RETURN(ObjectPlace place, ResolveObject(object));
  ASSIGN_OR_RETURN(OpenedObject opened, OpenObject(place));
  return std::move(opened.info);
}

Result<bool> LocalAdapter::Exists(const ObjectPointer& object) {
  auto info = Head(object);
  if (info.ok()) return true;
  if (info.status().IsNotFound()) return false;
  return info.status();
}

Status LocalAdapter::Delete(const ObjectPointer& object) {
  ASSIGN_OR_RETURN(ObjectPlace place, ResolveObject(object));
  auto dir = OpenBeneath(place.ns.base, place.dir, O_RDONLY | O_DIRECTORY, place.display);
  if (!dir.ok()) return dir.status().IsNotFound() ? Status::OK() : dir.status();
  if (::unlinkat(dir->get(), place.name.c_str(), 0) != 0 && errno != ENOENT && errno != EISDIR) {
    return ErrnoStatus(errno, "delete", place.display);
  }
  // Prune the key's directories that became empty, deepest first, so deleted prefixes do not
  // accumulate. rmdir fails on a non-empty directory, which ends the walk; a Put racing into a
  // pruned directory recreates it (CreateTempIn).
  std::string key_dir = place.key_dir;
  while (!key_dir.empty()) {
    std::size_t slash = key_dir.rfind('/');
    std::string parent = slash == std::string::npos ? "" : key_dir.substr(0, slash);
    std::string leaf = key_dir.substr(slash == std::string::npos ? 0 : slash + 1);
    auto parent_fd = OpenBeneath(place.ns.base, JoinPath(place.ns.rel, parent),
                                 O_RDONLY | O_DIRECTORY, place.display);
    if (!parent_fd.ok() || ::unlinkat(parent_fd->get(), leaf.c_str(), AT_REMOVEDIR) != 0) break;
    key_dir = parent;
  }
  return Status::OK();
}

Result<PutResult> LocalAdapter::Copy(const ObjectPointer& source,
                                     const ObjectPointer& destination) {
  ASSIGN_OR_RETURN(ObjectPlace from, ResolveObject(source));
  ASSIGN_OR_RETURN(ObjectPlace to, ResolveObject(destination));
  ASSIGN_OR_RETURN(OpenedObject opened, OpenObject(from));
  UniqueFd dir;
  ASSIGN_OR_RETURN(AtomicFile file, CreateTempIn(to.ns.base, to.dir, to.display, dir));
  if (!file.TryClone(opened.fd.get())) {
    BufferPool::Lease buf = buffers_.Acquire();
    RETURN_IF_ERROR(file.AppendRange(opened.fd.get(), 0, opened.info.size, buf.span()));
  }
  // Like S3's CopyObject, the copy keeps the source's etag and content type.
  StoredMeta meta{opened.info.etag, opened.info.content_type};
  RETURN_IF_ERROR(
      file.Commit(to.name, meta, DurabilityFor(options_.sync_files, options_.sync_directory)));
  return PutResult{std::move(meta.etag), opened.info.size};
}

Result<std::string> LocalAdapter::Presign(const ObjectPointer& object, PresignMethod method,
                                          std::chrono::seconds expiry) {
  return Status::NotImplemented("the local adapter cannot presign URLs");
}

}  // namespace tarn::block::local

namespace tarn::block {

Result<std::unique_ptr<Adapter>> NewLocalAdapter(const LocalOptions& options) {
  using local::UniqueFd;
  if (options.root.empty() || options.root.front() != '/') {
    return Status::InvalidArgument("blockstore.local.path '" + options.root +
                                   "' is not an absolute path");
  }
  if (options.buffer_size < 4096) {
    return Status::InvalidArgument("the local adapter's buffer size must be at least 4096");
  }
  std::vector<std::string> prefixes;
  for (const std::string& prefix : options.allowed_prefixes) {
    if (prefix.empty() || prefix.front() != '/') {
      return Status::InvalidArgument("blockstore.local.allowed_prefixes entry '" + prefix +
                                     "' is not an absolute path");
    }
    prefixes.push_back(local::NormalizePrefix(prefix));
  }
  std::error_code ec;
  std::filesystem::create_directories(options.root, ec);
  if (ec) {
    return Status::IOError("create blockstore.local.path " + options.root + ": " + ec.message());
  }
  int fd = ::open(options.root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return local::ErrnoStatus(errno, "open blockstore.local.path", options.root);
  UniqueFd root(fd);

  // Etags live in extended attributes: refuse a file system without them now rather than
  // failing every Put later.
  std::string probe = std::string(local::kTempPrefix) + "probe-" + local::RandomHex(8);
  int probe_fd = ::openat(root.get(), probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (probe_fd < 0) return local::ErrnoStatus(errno, "create a probe file in", options.root);
  bool xattrs = ::fsetxattr(probe_fd, local::kMetaAttribute, "probe", 5, 0) == 0;
  int err = errno;
  ::close(probe_fd);
  ::unlinkat(root.get(), probe.c_str(), 0);
  if (!xattrs) {
    return Status::InvalidArgument("the file system of blockstore.local.path " + options.root +
                                   " cannot store user extended attributes (" + std::strerror(err) +
                                   "), where the local adapter keeps etags");
  }
  return std::unique_ptr<Adapter>(
      new local::LocalAdapter(options, std::move(root), std::move(prefixes)));
}

}  // namespace tarn::block
