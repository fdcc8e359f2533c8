// AtomicFile: a file written under a temporary name in its final directory and renamed over the
// final name only when complete and durable, so readers see the old file or the new one, never a
// partial write. Used for objects, parts and upload manifests.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "block/etag.h"
#include "block/local/fs.h"
#include "block/local/metadata.h"
#include "tarn/block/adapter.h"

namespace tarn::block::local {

// Temporary files start with this; List skips them and keys may not use the prefix.
inline constexpr std::string_view kTempPrefix = ".tarn-tmp-";

// How a commit makes the file durable. With `sync_file` false the bytes reach the disk by the
// operating system's writeback only: a crash may lose the file (readers still never see a partial
// one, the rename is atomic either way).
struct Durability {
  bool sync_file = true;       // fsync the file before renaming it into place
  bool sync_directory = true;  // fsync the directory after the rename, so the name survives
};

// The adapter's switches as one Durability: without file fsyncs a directory fsync protects
// nothing, so it goes too.
inline Durability DurabilityFor(bool sync_files, bool sync_directory) {
  return Durability{sync_files, sync_files && sync_directory};
}

struct StreamedBody {
  uint64_t size = 0;
  Md5Digest md5{};
};

class AtomicFile {
 public:
  // Creates a temporary file in the directory `dir` (borrowed: it must stay open until Commit or
  // destruction). `display` names the final object in error messages.
  // Errors: NotFound when `dir` was removed meanwhile (the caller reopens it and retries),
  // IOError.
  static Result<AtomicFile> Create(int dir, std::string display);

  // Makes the existing file `source` the temporary file by a hard link, so committing it stores
  // its bytes without copying them. Returns nullopt (and changes nothing) when `source` cannot
  // be linked there (another file system, no hard links). The caller must not change `source`
  // afterwards: both names are one file.
  static Result<std::optional<AtomicFile>> Link(int dir, const std::string& source,
                                                std::string display);

  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  // Removes the temporary file unless Commit succeeded.
  ~AtomicFile();

  int fd() const { return fd_.get(); }

  // Copies `body` into the file through `buffers` (all of one size), hashing the bytes as they
  // pass: on this thread with one buffer, on a helper thread, overlapped with the writes, with
  // several. When `writeback_chunk` > 0, asks the kernel to start writing back every
  // `writeback_chunk` bytes, so the disk works while the bytes are hashed and the final fsync
  // has little left to do.
  // Errors: InvalidArgument when the body's size differs from `expected_size`; the body's own
  // errors; IOError (ENOSPC, ...) naming the object.
  Result<StreamedBody> WriteStream(Reader& body, std::optional<uint64_t> expected_size,
                                   std::span<const std::span<char>> buffers,
                                   uint64_t writeback_chunk);

  // Appends `length` bytes of `source` from `offset`, in the kernel where it can
  // (copy_file_range), through `buffer` where it cannot.
  Status AppendRange(int source, uint64_t offset, uint64_t length, std::span<char> buffer);

  // Makes the file share `source`'s extents (reflink) when the file system can; returns false
  // (and changes nothing) when it cannot.
  bool TryClone(int source);

  // Stores `meta`, fsyncs the file when `durability.sync_file`, renames the file over `name` in
  // the directory and, when `durability.sync_directory`, fsyncs the directory so the new name
  // survives a crash.
  // Errors: Conflict when `name` is a non-empty directory; IOError.
  Status Commit(std::string_view name, const StoredMeta& meta, Durability durability);
  // The same without metadata: the adapter derives the etag when the object is first opened.
  Status CommitWithoutMeta(std::string_view name, Durability durability);

 private:
  // Reads from `body` until `buffer` is full or the body ends; returns the bytes read.
  Result<std::size_t> Fill(Reader& body, std::span<char> buffer, uint64_t so_far,
                           std::optional<uint64_t> expected_size);

  AtomicFile(int dir, UniqueFd fd, std::string temp_name, std::string display)
      : dir_(dir),
        fd_(std::move(fd)),
        temp_name_(std::move(temp_name)),
        display_(std::move(display)) {}

  int dir_;
  UniqueFd fd_;
  std::string temp_name_;  // empty once committed
  std::string display_;
};

}  // namespace tarn::block::local
