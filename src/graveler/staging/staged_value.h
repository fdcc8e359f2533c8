// The StagedValue record (staging.proto) in protobuf wire format, encoded and decoded by hand:
// encoding writes two length-delimited fields into a caller's buffer, decoding returns views
// into the stored bytes. Neither allocates.
#pragma once
#include <cstddef>
#include <string_view>

namespace tarn::graveler::staging {

// The encoded size of a StagedValue with these fields.
std::size_t StagedValueSize(std::string_view identity, std::string_view data);

// Writes the encoding to `out` and returns one past its end.
// REQUIRES: `out` has room for StagedValueSize(identity, data) bytes.
char* EncodeStagedValue(char* out, std::string_view identity, std::string_view data);

struct StagedValueView {
  std::string_view identity;  // empty: a tombstone
  std::string_view data;
};

// Decodes any protobuf encoding of StagedValue: fields in any order, a repeated field's last
// occurrence wins, unknown fields are skipped. The views point into `bytes`. Returns false
// when `bytes` is not a well-formed StagedValue.
bool DecodeStagedValue(std::string_view bytes, StagedValueView& out);

}  // namespace tarn::graveler::staging
