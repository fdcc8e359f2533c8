// Allocation-free base64 for the dump hot path: encode by appending to a caller's buffer, decode
// into a caller's buffer, so a dump or load of millions of entries reuses a few strings.
//
// Same alphabet and strictness as tarn::Base64Encode / Base64Decode in common/coding.h (standard
// base64 with padding, RFC 4648 section 4); the tests check that the two agree.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace tarn::kv::admin_internal {

// Appends the base64 encoding of `bytes` to `out`.
void AppendBase64(std::string& out, std::string_view bytes);

// Replaces the contents of `out` with the decoding of `text`. Returns false (leaving `out`
// unspecified) when `text` is not valid padded base64.
bool DecodeBase64Into(std::string_view text, std::string& out);

}  // namespace tarn::kv::admin_internal
