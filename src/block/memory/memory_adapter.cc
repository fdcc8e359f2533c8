#include "block/memory/memory_adapter.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <random>
#include <shared_mutex>

#include "block/etag.h"
#include "block/multipart.h"
#include "block/range.h"
#include "block/uri.h"
#include "common/coding.h"

namespace tarn::block {
namespace {

struct Object {
  std::string data;
  ObjectInfo info;
};
using ObjectRef = std::shared_ptr<const Object>;

struct Part {
  std::string data;
  PartInfo info;
};

struct Upload {
  std::string authority;
  std::string full_key;  // namespace path + key
  std::string content_type;
  std::chrono::system_clock::time_point initiated;
  std::map<int, std::shared_ptr<const Part>> parts;
};

// Serves a range of an immutable object; the shared_ptr keeps it alive across overwrites.
class MemoryObjectReader final : public ObjectReader {
 public:
  MemoryObjectReader(ObjectRef object, ResolvedRange range)
      : object_(std::move(object)), range_(range) {}

  Result<std::size_t> Read(std::span<char> out) override {
    uint64_t left = range_.length - pos_;
    std::size_t n = static_cast<std::size_t>(std::min<uint64_t>(out.size(), left));
    std::copy_n(object_->data.data() + range_.offset + pos_, n, out.data());
    pos_ += n;
    return n;
  }
  const ObjectInfo& info() const override { return object_->info; }
  uint64_t offset() const override { return range_.offset; }
  uint64_t length() const override { return range_.length; }

 private:
  ObjectRef object_;
  ResolvedRange range_;
  uint64_t pos_ = 0;
};

// Drains `body` into a string, hashing as it goes, and enforces the declared size.
Status ReadBody(Reader& body, std::optional<uint64_t> size, std::string& out, std::string& etag) {
  Md5 md5;
  constexpr std::size_t kChunk = 256 * 1024;
  for (;;) {
    std::size_t used = out.size();
    out.resize(used + kChunk);
    auto n = body.Read(std::span<char>(out.data() + used, kChunk));
    if (!n.ok()) return n.status();
    out.resize(used + *n);
    if (*n == 0) break;
    md5.Update(std::string_view(out.data() + used, *n));
    if (size && out.size() > *size) {
      return Status::InvalidArgument("body is longer than its declared size of " +
                                     std::to_string(*size) + " bytes");
    }
  }
  if (size && out.size() != *size) {
    return Status::InvalidArgument("body has " + std::to_string(out.size()) +
                                   " bytes, its declared size is " + std::to_string(*size));
  }
  etag = Md5Hex(md5.Finish());
  return Status::OK();
}

class MemoryAdapter final : public Adapter {
 public:
  explicit MemoryAdapter(const MemoryOptions& options)
      : clock_(options.clock ? options.clock : &system_clock_), rng_(std::random_device{}()) {}

  std::string_view scheme() const override { return "mem"; }

  Result<PutResult> Put(const ObjectPointer& object, Reader& body,
                        const PutOptions& options) override {
    ASSIGN_OR_RETURN(Location loc, Locate(object));
    auto stored = std::make_shared<Object>();
    RETURN_IF_ERROR(ReadBody(body, options.size, stored->data, stored->info.etag));
    stored->info.size = stored->data.size();
    stored->info.content_type = options.content_type;
    PutResult result{stored->info.etag, stored->info.size};
    Store(loc, std::move(stored));
    return result;
  }

  Result<std::unique_ptr<ObjectReader>> Get(const ObjectPointer& object,
                                            const std::optional<ByteRange>& range) override {
    ASSIGN_OR_RETURN(ObjectRef found, Find(object));
    ASSIGN_OR_RETURN(ResolvedRange resolved, ResolveRange(range, found->info.size));
    return std::unique_ptr<ObjectReader>(new MemoryObjectReader(std::move(found), resolved));
  }

  Result<ObjectInfo> Head(const ObjectPointer& object) override {
    ASSIGN_OR_RETURN(ObjectRef found, Find(object));
    return found->info;
  }

  Result<bool> Exists(const ObjectPointer& object) override {
    auto found = Find(object);
    if (found.ok()) return true;
    if (found.status().IsNotFound()) return false;
    return found.status();
  }

  Status Delete(const ObjectPointer& object) override {
    ASSIGN_OR_RETURN(Location loc, Locate(object));
    std::unique_lock lock(mu_);
    auto space = objects_.find(loc.authority);
    if (space != objects_.end()) space->second.erase(loc.full_key);
    return Status::OK();
  }

  Result<ListPage> List(std::string_view storage_namespace, std::string_view prefix,
                        std::string_view after, std::size_t max_keys) override {
    ASSIGN_OR_RETURN(NamespaceUri ns, ParseNamespaceOf(storage_namespace, "mem"));
    std::string base = ns.path.empty() ? "" : ns.path + "/";
    std::string full_prefix = base + std::string(prefix);
    std::string start = std::max(full_prefix, base + std::string(after));
    ListPage page;
    std::shared_lock lock(mu_);
    auto space = objects_.find(ns.authority);
    if (space == objects_.end()) return page;
    for (auto it = space->second.lower_bound(start); it != space->second.end(); ++it) {
      if (!it->first.starts_with(full_prefix)) break;
      std::string_view key = std::string_view(it->first).substr(base.size());
      if (!after.empty() && key <= after) continue;
      if (page.entries.size() == max_keys) {
        page.truncated = true;
        break;
      }
      const ObjectInfo& info = it->second->info;
      page.entries.push_back(ListEntry{std::string(key), info.size, info.etag, info.last_modified});
    }
    return page;
  }

  Result<PutResult> Copy(const ObjectPointer& source, const ObjectPointer& destination) override {
    ASSIGN_OR_RETURN(Location dest, Locate(destination));
    ASSIGN_OR_RETURN(ObjectRef found, Find(source));
    // Like S3's CopyObject: same bytes, etag and content type; a new last-modified time.
    auto copy = std::make_shared<Object>(*found);
    PutResult result{copy->info.etag, copy->info.size};
    Store(dest, std::move(copy));
    return result;
  }

  Result<std::string> CreateMultipartUpload(const ObjectPointer& object,
                                            const PutOptions& options) override {
    ASSIGN_OR_RETURN(Location loc, Locate(object));
    Upload upload{loc.authority, loc.full_key, options.content_type, clock_->Now(), {}};
    std::unique_lock lock(mu_);
    std::string id = NewUploadId();
    uploads_.emplace(id, std::move(upload));
    return id;
  }

  Result<std::string> UploadPart(const ObjectPointer& object, std::string_view upload_id,
                                 int part_number, Reader& body,
                                 std::optional<uint64_t> size) override {
    RETURN_IF_ERROR(ValidatePartNumber(part_number));
    ASSIGN_OR_RETURN(Location loc, Locate(object));
    auto part = std::make_shared<Part>();
    RETURN_IF_ERROR(ReadBody(body, size, part->data, part->info.etag));
    return StorePart(loc, upload_id, part_number, std::move(part));
  }

  Result<std::string> UploadPartCopy(const ObjectPointer& object, std::string_view upload_id,
                                     int part_number, const ObjectPointer& source,
                                     const std::optional<ByteRange>& range) override {
    RETURN_IF_ERROR(ValidatePartNumber(part_number));
    ASSIGN_OR_RETURN(Location loc, Locate(object));
    ASSIGN_OR_RETURN(ObjectRef found, Find(source));
    ASSIGN_OR_RETURN(ResolvedRange resolved, ResolveRange(range, found->info.size));
    auto part = std::make_shared<Part>();
    part->data = found->data.substr(resolved.offset, resolved.length);
    part->info.etag = Md5HexOf(part->data);
    return StorePart(loc, upload_id, part_number, std::move(part));
  }

  Result<PutResult> CompleteMultipartUpload(const ObjectPointer& object, std::string_view upload_id,
                                            std::span<const CompletedPart> parts) override {
    ASSIGN_OR_RETURN(Location loc, Locate(object));
    RETURN_IF_ERROR(ValidateCompletedParts(parts));
    std::unique_lock lock(mu_);
    ASSIGN_OR_RETURN(Upload * upload, FindUpload(loc, upload_id));
    auto stored = std::make_shared<Object>();
    MultipartEtagBuilder etag;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      auto it = upload->parts.find(parts[i].part_number);
      if (it == upload->parts.end()) {
        return Status::InvalidArgument("part " + std::to_string(parts[i].part_number) +
                                       " was not uploaded");
      }
      const Part& part = *it->second;
      RETURN_IF_ERROR(
          CheckStoredPart(parts[i], part.info.etag, part.data.size(), i + 1 == parts.size()));
      RETURN_IF_ERROR(etag.AddPart(part.info.etag));
      stored->data += part.data;
    }
    stored->info.etag = etag.Finish();
    stored->info.size = stored->data.size();
    stored->info.content_type = upload->content_type;
    stored->info.last_modified = clock_->Now();
    PutResult result{stored->info.etag, stored->info.size};
    objects_[loc.authority][loc.full_key] = std::move(stored);
    uploads_.erase(std::string(upload_id));
    return result;
  }

  Status AbortMultipartUpload(const ObjectPointer& object, std::string_view upload_id) override {
    ASSIGN_OR_RETURN(Location loc, Locate(object));
    std::unique_lock lock(mu_);
    ASSIGN_OR_RETURN(Upload * upload, FindUpload(loc, upload_id));
    (void)upload;
    uploads_.erase(std::string(upload_id));
    return Status::OK();
  }

  Result<std::vector<PartInfo>> ListParts(const ObjectPointer& object,
                                          std::string_view upload_id) override {
    ASSIGN_OR_RETURN(Location loc, Locate(object));
    std::shared_lock lock(mu_);
    ASSIGN_OR_RETURN(Upload * upload, FindUpload(loc, upload_id));
    std::vector<PartInfo> out;
    for (const auto& [number, part] : upload->parts) out.push_back(part->info);
    return out;
  }

  Result<std::vector<UploadInfo>> ListMultipartUploads(std::string_view storage_namespace,
                                                       std::string_view prefix) override {
    ASSIGN_OR_RETURN(NamespaceUri ns, ParseNamespaceOf(storage_namespace, "mem"));
    std::string full_prefix = ns.FullKey(prefix);
    std::vector<UploadInfo> out;
    std::shared_lock lock(mu_);
    for (const auto& [id, upload] : uploads_) {
      if (upload.authority != ns.authority || !upload.full_key.starts_with(full_prefix)) continue;
      std::string key = upload.full_key.substr(ns.path.empty() ? 0 : ns.path.size() + 1);
      out.push_back(UploadInfo{std::move(key), id, upload.initiated});
    }
    std::sort(out.begin(), out.end(), [](const UploadInfo& a, const UploadInfo& b) {
      return std::tie(a.key, a.initiated, a.upload_id) < std::tie(b.key, b.initiated, b.upload_id);
    });
    return out;
  }

  Result<std::string> Presign(const ObjectPointer& object, PresignMethod method,
                              std::chrono::seconds expiry) override {
    return Status::NotImplemented("the memory adapter cannot presign URLs");
  }

 private:
  struct Location {
    std::string authority;
    std::string full_key;
  };

  Result<Location> Locate(const ObjectPointer& object) const {
    ASSIGN_OR_RETURN(NamespaceUri ns, ParseNamespaceOf(object.storage_namespace, "mem"));
    RETURN_IF_ERROR(ValidateKey(object.key));
    return Location{std::move(ns.authority), ns.FullKey(object.key)};
  }

  Result<ObjectRef> Find(const ObjectPointer& object) const {
    ASSIGN_OR_RETURN(Location loc, Locate(object));
    std::shared_lock lock(mu_);
    auto space = objects_.find(loc.authority);
    if (space != objects_.end()) {
      auto it = space->second.find(loc.full_key);
      if (it != space->second.end()) return it->second;
    }
    return Status::NotFound("object " + object.storage_namespace + "/" +
                            EscapeBytes(object.key, 200) + " does not exist");
  }

  void Store(const Location& loc, std::shared_ptr<Object> object) {
    object->info.last_modified = clock_->Now();
    std::unique_lock lock(mu_);
    objects_[loc.authority][loc.full_key] = std::move(object);
  }

  // REQUIRES: mu_ held.
  Result<Upload*> FindUpload(const Location& loc, std::string_view upload_id) const {
    auto it = uploads_.find(std::string(upload_id));
    if (it == uploads_.end() || it->second.authority != loc.authority ||
        it->second.full_key != loc.full_key) {
      return Status::NotFound("multipart upload '" + EscapeBytes(upload_id) + "' of " +
                              EscapeBytes(loc.full_key, 200) + " does not exist");
    }
    return const_cast<Upload*>(&it->second);
  }

  Result<std::string> StorePart(const Location& loc, std::string_view upload_id, int part_number,
                                std::shared_ptr<Part> part) {
    part->info.part_number = part_number;
    part->info.size = part->data.size();
    part->info.last_modified = clock_->Now();
    std::string etag = part->info.etag;
    std::unique_lock lock(mu_);
    ASSIGN_OR_RETURN(Upload * upload, FindUpload(loc, upload_id));
    upload->parts[part_number] = std::move(part);
    return etag;
  }

  // REQUIRES: mu_ held exclusively.
  std::string NewUploadId() {
    std::string raw(16, '\0');
    for (std::size_t i = 0; i < raw.size(); i += 8) {
      uint64_t v = rng_();
      std::copy_n(reinterpret_cast<const char*>(&v), 8, raw.data() + i);
    }
    return HexEncode(raw);
  }

  SystemClock system_clock_;
  const Clock* clock_;
  mutable std::shared_mutex mu_;
  // authority -> full key -> object
  std::map<std::string, std::map<std::string, ObjectRef>, std::less<>> objects_;
  std::map<std::string, Upload, std::less<>> uploads_;
  std::mt19937_64 rng_;
};

}  // namespace

std::unique_ptr<Adapter> NewMemoryAdapter(const MemoryOptions& options) {
  return std::make_unique<MemoryAdapter>(options);
}

}  // namespace tarn::block
