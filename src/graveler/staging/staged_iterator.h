// The ValueIterator of StagingManager::Scan: staged records decoded in place from a KV scan.
// Private to graveler/staging.
#pragma once
#include <memory>
#include <string>

#include "graveler/iterators/value_iterator.h"
#include "tarn/kv/store.h"

namespace tarn::graveler::staging {

// Yields the records of `it`, a scan of the partition named `partition`; a value that does not
// decode ends the iteration with Corruption naming the partition and key. Each record's views
// point into the KV iterator's current value: nothing is copied.
std::unique_ptr<ValueIterator> NewStagedIterator(std::unique_ptr<kv::Iterator> it,
                                                 std::string partition);

}  // namespace tarn::graveler::staging
