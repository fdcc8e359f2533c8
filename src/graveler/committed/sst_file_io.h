// Moving whole local files from block storage (the download of a missing range or metarange
// file into the cache's workspace; uploads go through Adapter::PutFile) and small local files.
#pragma once
#include <string>
#include <string_view>

#include "tarn/block/adapter.h"
#include "tarn/status.h"

namespace tarn::graveler::committed::sst {

// Writes `object` to a new file at `path` (which must not exist). On failure the partial file
// is removed. Errors: the adapter's (NotFound for a missing object); IOError for local writes.
Status DownloadFile(block::Adapter& adapter, const block::ObjectPointer& object,
                    const std::string& path);

// Reads a small local file whole into `out`; false when it cannot be read.
bool ReadSmallFile(const std::string& path, std::string& out);

// Writes `bytes` to a new file at `path` without syncing it (for derived files that are
// verified when read); false when it cannot be written.
bool WriteSmallFile(const std::string& path, std::string_view bytes);

// Removes `path`; a missing file is OK.
void RemoveFileQuietly(const std::string& path);

}  // namespace tarn::graveler::committed::sst
