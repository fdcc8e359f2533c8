// Constants of the dump format (docs/kv_dump_format.md), shared by the writer and the reader.
#pragma once

#include <cstdint>
#include <string_view>

namespace tarn::kv {

// The value of the header's "format" member and of the end line's "end" member.
inline constexpr std::string_view kDumpFormatName = "tarn-kv-dump";
// The version this tarn writes, and the newest it reads.
inline constexpr uint64_t kDumpFormatVersion = 1;

}  // namespace tarn::kv
