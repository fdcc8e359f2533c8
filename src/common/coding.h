// Byte encodings shared by every module: hex, base64, big-endian fixed-width integers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tarn {

// Lower-case hex of `bytes`.
std::string HexEncode(std::string_view bytes);
// Decodes upper- or lower-case hex; nullopt on an odd length or a non-hex character.
std::optional<std::string> HexDecode(std::string_view hex);

// Standard base64 with padding (RFC 4648 section 4).
std::string Base64Encode(std::string_view bytes);
// Appends the base64 of `bytes` to `out` (for hot paths that reuse one buffer).
void AppendBase64(std::string& out, std::string_view bytes);
// Decodes standard base64 with padding; nullopt on any malformed input.
std::optional<std::string> Base64Decode(std::string_view text);
// Decodes into `out`, replacing its contents and reusing its capacity; false on malformed input
// (then `out` is unspecified).
bool Base64DecodeInto(std::string_view text, std::string& out);

// Appends `v` as 4 / 8 big-endian bytes (so encoded integers sort like the integers).
void PutFixed32BE(std::string& out, uint32_t v);
void PutFixed64BE(std::string& out, uint64_t v);
// REQUIRES: p points at >= 4 / 8 bytes.
uint32_t DecodeFixed32BE(const char* p);
uint64_t DecodeFixed64BE(const char* p);

// LEB128 varints (7 bits a byte, low first): the length prefixes of tarn's binary records.
void PutVarint64(std::string& out, uint64_t v);
// Reads one varint from the front of `in` and consumes it; false when `in` ends inside one.
bool GetVarint64(std::string_view& in, uint64_t& v);

// The smallest string greater than every string that starts with `prefix`, or empty when
// there is none (prefix is empty or all 0xFF bytes).
std::string PrefixSuccessor(std::string_view prefix);

// Escapes bytes for display in messages: printable ASCII as is, everything else as \xNN.
std::string EscapeBytes(std::string_view bytes, std::size_t max_len = 64);

}  // namespace tarn
