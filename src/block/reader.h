// Readers over bytes already in memory, and helpers that drain a Reader.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "tarn/block/adapter.h"

namespace tarn::block {

// A Reader over a string it owns. For small bodies (manifests, markers, tests).
class StringReader final : public Reader {
 public:
  explicit StringReader(std::string bytes) : bytes_(std::move(bytes)) {}
  Result<std::size_t> Read(std::span<char> out) override;

 private:
  std::string bytes_;
  std::size_t pos_ = 0;
};

// A Reader over bytes owned by the caller, which must outlive it.
class ViewReader final : public Reader {
 public:
  explicit ViewReader(std::string_view bytes) : bytes_(bytes) {}
  Result<std::size_t> Read(std::span<char> out) override;

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

// Reads `reader` to its end into a string. For bodies known to be small: fails with
// InvalidArgument once more than `max_bytes` arrive, so nothing unbounded is held.
Result<std::string> ReadAll(Reader& reader, std::size_t max_bytes);

}  // namespace tarn::block
