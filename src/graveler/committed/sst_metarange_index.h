// The metarange index: a compact copy of a parsed metarange kept in the range cache beside the
// metarange's SST file, as cache entry "<id>.idx". Opening an SST file costs tens of
// microseconds (footer, properties and index blocks); reading the index is one small read, which
// is what makes a cold log-by-path over thousands of commits fast.
//
// The index is derived and local, never uploaded. It is trusted only after its records hash
// back to the metarange id (FileIdHasher), so a damaged index is detected and rebuilt from the
// SST file. Layout (docs/range_format.md, "Cache"): "tarn.mrx.v1\n", varint count, then per
// range: varint-length max_key, id, min_key, then varint count and estimated bytes.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "graveler/committed/range_store.h"

namespace tarn::graveler::committed::sst {

// The cache entry name of metarange `id`'s index.
std::string IndexName(std::string_view id);

std::string EncodeMetaRangeIndex(const MetaRange& ranges);

// The metarange in `bytes`, or nullopt when they are malformed or do not hash to `id`.
std::optional<std::shared_ptr<const MetaRange>> DecodeMetaRangeIndex(std::string_view bytes,
                                                                     std::string_view id);

}  // namespace tarn::graveler::committed::sst
