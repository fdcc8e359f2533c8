// Multipart uploads of the local adapter. Each upload is a directory
// <namespace dir>/.tarn-uploads/<upload id>/ holding a manifest (key, content type, initiated
// time) and one file per part ("part-00001"), each written atomically with its etag in the
// metadata attribute. Complete concatenates the listed parts into a temporary file beside the
// destination (in the kernel, with copy_file_range) and renames it into place like a Put.
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>

#include "block/local/local_adapter_impl.h"
#include "block/multipart.h"
#include "block/range.h"
#include "block/reader.h"
#include "block/uri.h"
#include "common/coding.h"

namespace tarn::block::local {
namespace {

constexpr std::string_view kManifest = "manifest";
constexpr std::string_view kManifestMagic = "tarn-multipart-upload 1\n";
constexpr std::size_t kMaxManifest = 64 * 1024;

struct Manifest {
  std::string key;
  std::string content_type;
  int64_t initiated_ns = 0;
};

// The manifest is length-prefixed text, since keys may hold any byte but NUL:
//   tarn-multipart-upload 1\nkey <n>\n<n bytes>\ncontent_type <n>\n<n bytes>\ninitiated <ns>\n
void AppendField(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(" ").append(std::to_string(value.size())).append("\n");
  out.append(value).append("\n");
}

std::string EncodeManifest(const Manifest& m) {
  std::string out(kManifestMagic);
  AppendField(out, "key", m.key);
  AppendField(out, "content_type", m.content_type);
  out.append("initiated ").append(std::to_string(m.initiated_ns)).append("\n");
  return out;
}

bool ParseField(std::string_view& in, std::string_view name, std::string& value) {
  if (!in.starts_with(name) || in.size() <= name.size() || in[name.size()] != ' ') return false;
  in.remove_prefix(name.size() + 1);
  std::size_t nl = in.find('\n');
  if (nl == std::string_view::npos) return false;
  std::size_t n = 0;
  for (char c : in.substr(0, nl)) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<std::size_t>(c - '0');
    if (n > kMaxManifest) return false;
  }
  in.remove_prefix(nl + 1);
  if (in.size() < n + 1 || in[n] != '\n') return false;
  value = std::string(in.substr(0, n));
  in.remove_prefix(n + 1);
  return true;
}

Result<Manifest> DecodeManifest(std::string_view in, std::string_view display) {
  Manifest m;
  std::string initiated;
  bool ok = in.starts_with(kManifestMagic);
  if (ok) in.remove_prefix(kManifestMagic.size());
  ok = ok && ParseField(in, "key", m.key) && ParseField(in, "content_type", m.content_type) &&
       in.starts_with("initiated ") && in.ends_with("\n");
  if (ok) {
    initiated = std::string(in.substr(10, in.size() - 11));
    ok = !initiated.empty() && initiated.find_first_not_of("-0123456789") == std::string::npos;
  }
  if (!ok) {
    return Status::Corruption("multipart manifest of " + EscapeBytes(display, 400) +
                              " is malformed");
  }
  m.initiated_ns = std::stoll(initiated);
  return m;
}

Status ValidateUploadId(std::string_view id) {
  bool ok = id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
              return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
            });
  if (!ok) return Status::InvalidArgument("malformed upload id '" + EscapeBytes(id) + "'");
  return Status::OK();
}

std::string PartName(int number) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "part-%05d", number);
  return buf;
}

std::chrono::system_clock::time_point FromNanos(int64_t ns) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(ns)));
}

Result<Manifest> ReadManifest(int upload_dir, std::string_view display) {
  int fd = ::openat(upload_dir, std::string(kManifest).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open multipart manifest of", display);
  UniqueFd file(fd);
  std::string bytes(kMaxManifest, '\0');
  ASSIGN_OR_RETURN(std::size_t n,
                   PreadFull(fd, std::span<char>(bytes.data(), bytes.size()), 0, display));
  bytes.resize(n);
  return DecodeManifest(bytes, display);
}

Status NoSuchUpload(std::string_view id, std::string_view display) {
  return Status::NotFound("multipart upload '" + EscapeBytes(id) + "' of " +
                          EscapeBytes(display, 400) + " does not exist");
}

// Reads a Reader over a range of an open file (the source of UploadPartCopy).
class FileRangeReader final : public Reader {
 public:
  FileRangeReader(int fd, ResolvedRange range, std::string_view display)
      : fd_(fd), range_(range), display_(display) {}
  Result<std::size_t> Read(std::span<char> out) override {
    uint64_t left = range_.length - pos_;
    std::size_t want = static_cast<std::size_t>(std::min<uint64_t>(out.size(), left));
    if (want == 0) return std::size_t{0};
    ASSIGN_OR_RETURN(std::size_t n,
                     PreadFull(fd_, out.subspan(0, want), range_.offset + pos_, display_));
    pos_ += n;
    return n;
  }

 private:
  int fd_;
  ResolvedRange range_;
  std::string_view display_;
  uint64_t pos_ = 0;
};

}  // namespace

struct LocalAdapter::OpenedUpload {
  UniqueFd uploads;  // <namespace dir>/.tarn-uploads
  UniqueFd dir;      // <namespace dir>/.tarn-uploads/<id>
  Manifest manifest;
};

Result<LocalAdapter::OpenedUpload> LocalAdapter::OpenUpload(const ObjectPlace& place,
                                                            std::string_view upload_id) {
  RETURN_IF_ERROR(ValidateUploadId(upload_id));
  OpenedUpload upload;
  auto uploads = OpenBeneath(place.ns.base, JoinPath(place.ns.rel, kUploadsDir),
                             O_RDONLY | O_DIRECTORY, place.display);
  if (!uploads.ok()) {
    return uploads.status().IsNotFound() ? NoSuchUpload(upload_id, place.display)
                                         : uploads.status();
  }
  upload.uploads = std::move(uploads).value();
  int fd = ::openat(upload.uploads.get(), std::string(upload_id).c_str(),
                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NoSuchUpload(upload_id, place.display);
    return ErrnoStatus(errno, "open multipart upload of", place.display);
  }
  upload.dir = UniqueFd(fd);
  auto manifest = ReadManifest(fd, place.display);
  if (!manifest.ok()) {
    // An upload being aborted or completed loses its manifest first.
    return manifest.status().IsNotFound() ? NoSuchUpload(upload_id, place.display)
                                          : manifest.status();
  }
  std::string key = place.key_dir.empty() ? place.name : place.key_dir + "/" + place.name;
  if (manifest->key != key) return NoSuchUpload(upload_id, place.display);
  upload.manifest = std::move(manifest).value();
  return upload;
}

namespace {

// Removes an upload: the manifest first, so concurrent calls see it gone at once, then the rest.
Status RemoveUpload(int uploads, int upload_dir, std::string_view id, std::string_view display) {
  if (::unlinkat(upload_dir, std::string(kManifest).c_str(), 0) != 0 && errno != ENOENT) {
    return ErrnoStatus(errno, "remove multipart manifest of", display);
  }
  return RemoveTree(uploads, id, display);
}

}  // namespace

Result<std::string> LocalAdapter::CreateMultipartUpload(const ObjectPointer& object,
                                                        const PutOptions& options) {
  if (options.content_type.size() > kMaxContentType) {
    return Status::InvalidArgument("content type longer than 1024 bytes");
  }
  ASSIGN_OR_RETURN(ObjectPlace place, ResolveObject(object));
  ASSIGN_OR_RETURN(
      UniqueFd uploads,
      OpenOrCreateDir(place.ns.base, JoinPath(place.ns.rel, kUploadsDir), place.display));
  std::string id = RandomHex(16);
  if (::mkdirat(uploads.get(), id.c_str(), 0755) != 0) {
    return ErrnoStatus(errno, "create multipart upload directory for", place.display);
  }
  auto dir = OpenBeneath(uploads.get(), id, O_RDONLY | O_DIRECTORY, place.display);
  if (!dir.ok()) return dir.status();
  Manifest manifest{
      object.key, options.content_type,
      std::chrono::duration_cast<std::chrono::nanoseconds>(clock_->Now().time_since_epoch())
          .count()};
  Status written = [&]() -> Status {
    ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(dir->get(), place.display));
    std::string encoded = EncodeManifest(manifest);
    ViewReader body(encoded);
    ASSIGN_OR_RETURN(StreamedBody streamed, Stream(file, body, encoded.size()));
    (void)streamed;
    return file.Commit(kManifest, StoredMeta{},
                       DurabilityFor(options_.sync_files, options_.sync_directory));
  }();
  if (!written.ok()) {
    (void)RemoveTree(uploads.get(), id, place.display);
    return written;
  }
  return id;
}

Result<std::string> LocalAdapter::StorePart(const ObjectPlace& place, std::string_view upload_id,
                                            int part_number, Reader& body,
                                            std::optional<uint64_t> size) {
  ASSIGN_OR_RETURN(OpenedUpload upload, OpenUpload(place, upload_id));
  auto file = AtomicFile::Create(upload.dir.get(), place.display);
  if (!file.ok()) {
    return file.status().IsNotFound() ? NoSuchUpload(upload_id, place.display) : file.status();
  }
  ASSIGN_OR_RETURN(StreamedBody streamed, Stream(*file, body, size));
  StoredMeta meta{Md5Hex(streamed.md5), ""};
  Status committed = file->Commit(PartName(part_number), meta,
                                  DurabilityFor(options_.sync_files, options_.sync_directory));
  if (committed.IsNotFound()) return NoSuchUpload(upload_id, place.display);
  RETURN_IF_ERROR(committed);
  return std::move(meta.etag);
}

Result<std::string> LocalAdapter::UploadPart(const ObjectPointer& object,
                                             std::string_view upload_id, int part_number,
                                             Reader& body, std::optional<uint64_t> size) {
  RETURN_IF_ERROR(ValidatePartNumber(part_number));
  ASSIGN_OR_RETURN(ObjectPlace place, ResolveObject(object));
  return StorePart(place, upload_id, part_number, body, size);
}

Result<std::string> LocalAdapter::UploadPartCopy(const ObjectPointer& object,
                                                 std::string_view upload_id, int part_number,
                                                 const ObjectPointer& source,
                                                 const std::optional<ByteRange>& range) {
  RETURN_IF_ERROR(ValidatePartNumber(part_number));
  ASSIGN_OR_RETURN(ObjectPlace place, ResolveObject(object));
  ASSIGN_OR_RETURN(ObjectPlace from, ResolveObject(source));
  ASSIGN_OR_RETURN(OpenedObject opened, OpenObject(from));
  ASSIGN_OR_RETURN(ResolvedRange resolved, ResolveRange(range, opened.info.size));
  // The part's etag is the MD5 of exactly these bytes, so they pass through the hash.
  FileRangeReader body(opened.fd.get(), resolved, from.display);
  return StorePart(place, upload_id, part_number, body, resolved.length);
}

Result<PutResult> LocalAdapter::CompleteMultipartUpload(const ObjectPointer& object,
                                                        std::string_view upload_id,
                                                        std::span<const CompletedPart> parts) {
  ASSIGN_OR_RETURN(ObjectPlace place, ResolveObject(object));
  RETURN_IF_ERROR(ValidateCompletedParts(parts));
  ASSIGN_OR_RETURN(OpenedUpload upload, OpenUpload(place, upload_id));

  // Open and check every part before writing anything; the open descriptors keep the parts'
  // bytes even if a concurrent Abort removes their names.
  std::vector<UniqueFd> part_fds;
  std::vector<uint64_t> sizes;
  MultipartEtagBuilder etag;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const CompletedPart& part = parts[i];
    int fd = ::openat(upload.dir.get(), PartName(part.part_number).c_str(),
                      O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      if (errno != ENOENT) return ErrnoStatus(errno, "open part of", place.display);
      return Status::InvalidArgument("part " + std::to_string(part.part_number) + " of " +
                                     EscapeBytes(place.display, 400) + " was not uploaded");
    }
    part_fds.emplace_back(fd);
    struct stat st;
    if (::fstat(fd, &st) != 0) return ErrnoStatus(errno, "stat part of", place.display);
    ASSIGN_OR_RETURN(std::optional<StoredMeta> meta, ReadMeta(fd, place.display));
    if (!meta)
      return Status::Corruption("part " + std::to_string(part.part_number) + " of " +
                                EscapeBytes(place.display, 400) + " has no etag");
    RETURN_IF_ERROR(CheckStoredPart(part, meta->etag, static_cast<uint64_t>(st.st_size),
                                    i + 1 == parts.size()));
    RETURN_IF_ERROR(etag.AddPart(meta->etag));
    sizes.push_back(static_cast<uint64_t>(st.st_size));
  }

  UniqueFd dir;
  ASSIGN_OR_RETURN(AtomicFile file, CreateTempIn(place.ns.base, place.dir, place.display, dir));
  BufferPool::Lease buf = buffers_.Acquire();
  uint64_t total = 0;
  for (std::size_t i = 0; i < part_fds.size(); ++i) {
    RETURN_IF_ERROR(file.AppendRange(part_fds[i].get(), 0, sizes[i], buf.span()));
    total += sizes[i];
  }
  StoredMeta meta{etag.Finish(), upload.manifest.content_type};
  RETURN_IF_ERROR(
      file.Commit(place.name, meta, DurabilityFor(options_.sync_files, options_.sync_directory)));
  // The object is in place; failing to clean the staging area must not fail the Complete.
  (void)RemoveUpload(upload.uploads.get(), upload.dir.get(), upload_id, place.display);
  return PutResult{std::move(meta.etag), total};
}

Status LocalAdapter::AbortMultipartUpload(const ObjectPointer& object, std::string_view upload_id) {
  ASSIGN_OR_RETURN(ObjectPlace place, ResolveObject(object));
  ASSIGN_OR_RETURN(OpenedUpload upload, OpenUpload(place, upload_id));
  return RemoveUpload(upload.uploads.get(), upload.dir.get(), upload_id, place.display);
}

Result<std::vector<PartInfo>> LocalAdapter::ListParts(const ObjectPointer& object,
                                                      std::string_view upload_id) {
  ASSIGN_OR_RETURN(ObjectPlace place, ResolveObject(object));
  ASSIGN_OR_RETURN(OpenedUpload upload, OpenUpload(place, upload_id));
  ASSIGN_OR_RETURN(std::vector<DirEntry> entries, ReadDirectory(upload.dir.get(), place.display));
  std::vector<PartInfo> out;
  for (const DirEntry& e : entries) {
    int number = 0;
    if (e.type != DirEntry::Type::kFile || e.name.size() != 10 || !e.name.starts_with("part-") ||
        std::sscanf(e.name.c_str() + 5, "%5d", &number) != 1 || PartName(number) != e.name) {
      continue;
    }
    int fd = ::openat(upload.dir.get(), e.name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) continue;  // replaced or removed meanwhile
    UniqueFd part(fd);
    struct stat st;
    if (::fstat(fd, &st) != 0) return ErrnoStatus(errno, "stat part of", place.display);
    ASSIGN_OR_RETURN(std::optional<StoredMeta> meta, ReadMeta(fd, place.display));
    ObjectInfo info = InfoFrom(st, meta ? *meta : StoredMeta{});
    out.push_back(PartInfo{number, std::move(info.etag), info.size, info.last_modified});
  }
  std::sort(out.begin(), out.end(),
            [](const PartInfo& a, const PartInfo& b) { return a.part_number < b.part_number; });
  return out;
}

Result<std::vector<UploadInfo>> LocalAdapter::ListMultipartUploads(
    std::string_view storage_namespace, std::string_view prefix) {
  ASSIGN_OR_RETURN(NamespacePlace ns, ResolveNamespace(storage_namespace));
  std::vector<UploadInfo> out;
  auto uploads =
      OpenBeneath(ns.base, JoinPath(ns.rel, kUploadsDir), O_RDONLY | O_DIRECTORY, ns.display);
  if (!uploads.ok()) {
    if (uploads.status().IsNotFound()) return out;
    return uploads.status();
  }
  ASSIGN_OR_RETURN(std::vector<DirEntry> entries, ReadDirectory(uploads->get(), ns.display));
  for (const DirEntry& e : entries) {
    if (e.type != DirEntry::Type::kDirectory || !ValidateUploadId(e.name).ok()) continue;
    int fd =
        ::openat(uploads->get(), e.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) continue;  // completed or aborted meanwhile
    UniqueFd dir(fd);
    auto manifest = ReadManifest(fd, ns.display);
    if (!manifest.ok()) {
      if (manifest.status().IsNotFound()) continue;
      return manifest.status();
    }
    if (!manifest->key.starts_with(prefix)) continue;
    out.push_back(UploadInfo{std::move(manifest->key), e.name, FromNanos(manifest->initiated_ns)});
  }
  std::sort(out.begin(), out.end(), [](const UploadInfo& a, const UploadInfo& b) {
    return std::tie(a.key, a.initiated, a.upload_id) < std::tie(b.key, b.initiated, b.upload_id);
  });
  return out;
}

}  // namespace tarn::block::local
