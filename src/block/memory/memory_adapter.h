// The in-memory adapter (scheme "mem"): complete and fast, for unit tests of higher layers.
//
// It implements the whole contract, multipart included, with S3's etag, range and listing
// rules; Presign is NotImplemented. Objects live in memory until the adapter is destroyed, so
// unlike the other adapters it holds whole bodies: keep test objects small.
// Namespaces "mem://name/path" share one key space per name, as s3://bucket/prefix does.
#pragma once

#include <memory>

#include "common/clock.h"
#include "tarn/block/adapter.h"

namespace tarn::block {

struct MemoryOptions {
  // Source of last-modified and initiated times; the system clock when null. Not owned; must
  // outlive the adapter.
  const Clock* clock = nullptr;
};

std::unique_ptr<Adapter> NewMemoryAdapter(const MemoryOptions& options = {});

}  // namespace tarn::block
