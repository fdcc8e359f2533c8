// The local file-system adapter (scheme "local"): tarn's default object storage.
//
//   local://name/path     <root>/name/path
//   local:///abs/path     /abs/path, only under one of `allowed_prefixes`
//
// An object is a regular file at <namespace dir>/<key>; its etag and content type sit in an
// extended attribute of that file. Puts write a temporary file in the same directory, fsync it
// and rename it into place (then fsync the directory), so readers and crashes see the old object
// or the new one; concurrent writers to one key are safe (the last rename wins). Multipart parts
// are staged under <namespace dir>/.tarn-uploads/<upload id>/. docs/block_local.md describes
// the layout, the atomicity argument and the measured costs.
//
// Keys must be relative, '/'-separated paths without empty, "." or ".." segments, without a
// segment starting with ".tarn-" (reserved) and without NUL bytes; resolution refuses symbolic
// links, so no key reaches outside its namespace (InvalidArgument). The file system cannot hold
// both "a" and "a/b": the second Put fails with Conflict.
//
// Get exposes file_range() for zero-copy sends. Copy reflinks where the file system can and
// copies in the kernel otherwise. Presign is NotImplemented.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "tarn/block/adapter.h"

namespace tarn::block {

struct LocalOptions {
  // Absolute directory holding local://name namespaces (blockstore.local.path). Created when
  // missing.
  std::string root;
  // Absolute directories under which local:///abs/path namespaces may live
  // (blockstore.local.allowed_prefixes). A namespace outside all of them is PermissionDenied.
  std::vector<std::string> allowed_prefixes;
  // Bytes per read/write while streaming a body; one buffer per concurrent Put or Get.
  std::size_t buffer_size = 1 << 20;
  // Start writing back every this many bytes of a Put, so the disk works while the bytes are
  // hashed (0: leave it all to the final fsync).
  uint64_t writeback_chunk = 1ull << 20;
  // Hash bodies larger than two buffers (or of unknown size) on a helper thread, overlapped with
  // writing them; false hashes on the calling thread between writes.
  bool hash_on_helper_thread = true;
  // fsync the directory after each rename, so a new object's name survives a crash.
  bool sync_directory = true;
  // fsync every file before it is renamed into place (and the directory, with sync_directory).
  // false leaves durability to the operating system's writeback: a crash may lose recent
  // objects (never tear one). blockstore.local.fsync.
  bool sync_files = true;
  // Source of multipart "initiated" times; the system clock when null. Not owned.
  const Clock* clock = nullptr;
};

// Errors: InvalidArgument when `root` or a prefix is not absolute, or the root's file system
// cannot store extended attributes (the etags live there); IOError when the root cannot be
// created.
Result<std::unique_ptr<Adapter>> NewLocalAdapter(const LocalOptions& options);

}  // namespace tarn::block
