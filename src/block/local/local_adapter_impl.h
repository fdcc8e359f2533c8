// The local adapter's class, shared by the files that implement it (local_adapter.cc: objects,
// namespace_root.cc: resolving namespaces and keys, local_list.cc: List, local_multipart.cc:
// multipart uploads). Private to src/block/local; everyone else uses NewLocalAdapter.
#pragma once

#include <sys/stat.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "block/local/atomic_file.h"
#include "block/local/fs.h"
#include "block/local/local_adapter.h"

namespace tarn::block::local {

// Multipart uploads are staged in this directory of each namespace directory.
inline constexpr std::string_view kUploadsDir = ".tarn-uploads";
// Names beginning with this are tarn's own (temporary files, staging): keys may not use it.
inline constexpr std::string_view kReservedPrefix = ".tarn-";

// A namespace resolved to a directory: `rel` beneath the descriptor `base`.
struct NamespacePlace {
  UniqueFd owned_base;  // the allowed prefix of a local:///abs namespace, opened per call
  int base = -1;        // the root's or owned_base's descriptor
  std::string rel;      // the namespace directory beneath base; empty: base itself
  std::string display;  // the namespace URI, for messages
};

// An object resolved to a directory and a file name in it.
struct ObjectPlace {
  NamespacePlace ns;
  std::string dir;      // the object's directory beneath ns.base (namespace dir + key dirs)
  std::string key_dir;  // the key's directories alone ("a/b" for "a/b/c"); may be empty
  std::string name;     // the file name (last key segment)
  std::string display;  // "<namespace>/<key>", for messages

  std::string file() const { return JoinPath(dir, name); }
};

// A pool of streaming buffers, so a Put does not map and fault in a fresh buffer each time.
class BufferPool {
 public:
  explicit BufferPool(std::size_t size) : size_(size) {}
  class Lease {
   public:
    Lease(BufferPool& pool, std::unique_ptr<char[]> buf) : pool_(&pool), buf_(std::move(buf)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (buf_) pool_->Release(std::move(buf_));
    }
    std::span<char> span() { return {buf_.get(), pool_->size_}; }

   private:
    BufferPool* pool_;
    std::unique_ptr<char[]> buf_;
  };
  Lease Acquire();

 private:
  void Release(std::unique_ptr<char[]> buf);
  const std::size_t size_;
  std::mutex mu_;
  std::vector<std::unique_ptr<char[]>> free_;
};

// An object opened for reading: the descriptor pins this version against later renames.
struct OpenedObject {
  UniqueFd fd;
  ObjectInfo info;
};

class LocalAdapter final : public Adapter {
 public:
  LocalAdapter(const LocalOptions& options, UniqueFd root, std::vector<std::string> prefixes);

  std::string_view scheme() const override { return "local"; }
  Result<PutResult> Put(const ObjectPointer& object, Reader& body,
                        const PutOptions& options) override;
  Result<PutResult> PutFile(const ObjectPointer& object, const std::string& path) override;
  Result<std::unique_ptr<ObjectReader>> Get(const ObjectPointer& object,
                                            const std::optional<ByteRange>& range) override;
  Result<ObjectInfo> Head(const ObjectPointer& object) override;
  Result<bool> Exists(const ObjectPointer& object) override;
  Status Delete(const ObjectPointer& object) override;
  Result<ListPage> List(std::string_view storage_namespace, std::string_view prefix,
                        std::string_view after, std::size_t max_keys) override;
  Result<PutResult> Copy(const ObjectPointer& source, const ObjectPointer& destination) override;
  Result<std::string> CreateMultipartUpload(const ObjectPointer& object,
                                            const PutOptions& options) override;
  Result<std::string> UploadPart(const ObjectPointer& object, std::string_view upload_id,
                                 int part_number, Reader& body,
                                 std::optional<uint64_t> size) override;
  Result<std::string> UploadPartCopy(const ObjectPointer& object, std::string_view upload_id,
                                     int part_number, const ObjectPointer& source,
                                     const std::optional<ByteRange>& range) override;
  Result<PutResult> CompleteMultipartUpload(const ObjectPointer& object, std::string_view upload_id,
                                            std::span<const CompletedPart> parts) override;
  Status AbortMultipartUpload(const ObjectPointer& object, std::string_view upload_id) override;
  Result<std::vector<PartInfo>> ListParts(const ObjectPointer& object,
                                          std::string_view upload_id) override;
  Result<std::vector<UploadInfo>> ListMultipartUploads(std::string_view storage_namespace,
                                                       std::string_view prefix) override;
  Result<std::string> Presign(const ObjectPointer& object, PresignMethod method,
                              std::chrono::seconds expiry) override;

 private:
  // namespace_root.cc
  Result<NamespacePlace> ResolveNamespace(std::string_view storage_namespace) const;
  Result<ObjectPlace> ResolveObject(const ObjectPointer& object) const;

  // local_adapter.cc
  // Opens the object's file read-only with its info. Errors: NotFound.
  Result<OpenedObject> OpenObject(const ObjectPlace& place);
  // Opens (creating) directory `dir` beneath `base` and a temporary file in it, retrying when
  // a concurrent Delete prunes the directory in between. `dir_fd` receives the directory.
  Result<AtomicFile> CreateTempIn(int base, const std::string& dir, const std::string& display,
                                  UniqueFd& dir_fd);
  // Streams `body` into `file` through pooled buffers, choosing inline or helper-thread hashing
  // (LocalOptions::hash_on_helper_thread).
  Result<StreamedBody> Stream(AtomicFile& file, Reader& body, std::optional<uint64_t> size);
  // The MD5 hex of an open file's bytes (for files that carry no metadata).
  Result<std::string> ComputeEtag(int fd, uint64_t size, std::string_view display);

  // local_multipart.cc
  struct OpenedUpload;
  Result<OpenedUpload> OpenUpload(const ObjectPlace& place, std::string_view upload_id);
  Result<std::string> StorePart(const ObjectPlace& place, std::string_view upload_id,
                                int part_number, Reader& body, std::optional<uint64_t> size);

  const LocalOptions options_;
  const Clock* clock_;
  SystemClock system_clock_;
  UniqueFd root_;
  std::vector<std::string> prefixes_;  // normalized absolute paths without trailing '/'
  BufferPool buffers_;
};

// ObjectInfo from a file's stat and stored metadata.
ObjectInfo InfoFrom(const struct stat& st, const StoredMeta& meta);

}  // namespace tarn::block::local
