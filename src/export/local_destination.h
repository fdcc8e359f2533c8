// A local directory as an export destination: plain files for consumers (no extended
// attributes, no sidecar files). A write goes to a temporary file beside its target
// (".tarn-export-<random>.tmp") and is renamed over it, so readers see the old file or the new
// one; files are not synced one by one — Flush syncs the file system once, before the export
// writes its marker, which is what makes many small files fast. List removes the temporary
// files a killed export left behind.
#pragma once

#include <memory>
#include <string>

#include "export/destination.h"

namespace tarn::exporter {

// Opens (creating it and its parents when missing) the directory `root`, an absolute path.
// Errors: InvalidArgument when `root` exists and is not a directory; IOError naming the path.
Result<std::unique_ptr<Destination>> NewLocalDestination(const std::string& root);

}  // namespace tarn::exporter
