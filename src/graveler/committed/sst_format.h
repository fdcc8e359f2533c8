// The bytes of range and metarange SST files (docs/range_format.md): value encodings, object
// keys, id checks and the RocksDB options every file is written and read with.
#pragma once
#include <rocksdb/options.h>
#include <rocksdb/status.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "graveler/committed/range_store.h"
#include "tarn/status.h"

namespace tarn::graveler::committed::sst {

// "_tarn/<id>": where a file lives inside its storage namespace.
std::string ObjectKey(std::string_view id);

// True for 64 lowercase hex characters (a range or metarange id).
bool IsValidId(std::string_view id);

// A range file's SST value: lp(identity) || data. Replaces `out`, reusing its capacity.
void EncodeRangeValue(std::string_view identity, std::string_view data, std::string& out);
// Splits a range file's SST value into views over `value`. False when malformed.
bool DecodeRangeValue(std::string_view value, std::string_view& identity, std::string_view& data);

// A metarange file's SST value: lp(range id) || EncodeRangeData(range). Replaces `out`.
void EncodeMetaRangeValue(const RangeInfo& range, std::string& out);
// Fills every field of `range` but max_key (the SST key). False when malformed (including an
// id that is not 64 lowercase hex).
bool DecodeMetaRangeValue(std::string_view value, RangeInfo& range);

// The RocksDB options range and metarange files are written and read with: bytewise
// comparator, 32 KiB blocks, LZ4 (or no compression), no filter, `block_cache_bytes` of shared
// block cache (0: none).
rocksdb::Options MakeSstOptions(uint64_t block_cache_bytes, bool compress);

// Maps a RocksDB status to a tarn Status (Corruption, NotFound, IOError...) with `context`
// ("reading range file _tarn/<id> of <ns>") before RocksDB's message.
Status FromRocks(const rocksdb::Status& status, std::string_view context);

}  // namespace tarn::graveler::committed::sst
