// The in-memory KV driver: complete and fast, for unit tests of higher layers and `mem://`.
#pragma once

#include <memory>

#include "tarn/kv/store.h"

namespace tarn::kv {

// A new, empty store. Everything is lost when it is destroyed.
std::unique_ptr<Store> NewMemoryStore();

}  // namespace tarn::kv
