// An export destination over a block adapter and a storage namespace ("s3://bucket/prefix",
// "mem://x"): S3 buckets through the S3 adapter, memory in tests. The adapter keeps its own
// retries and error classification; server-side copies use the adapter's Copy.
#pragma once

#include <memory>
#include <string>

#include "export/destination.h"
#include "tarn/block/adapter.h"

namespace tarn::exporter {

// `adapter` serves the scheme of `storage_namespace`; the destination owns it.
std::unique_ptr<Destination> NewAdapterDestination(std::unique_ptr<block::Adapter> adapter,
                                                   std::string storage_namespace);

}  // namespace tarn::exporter
