// Protobuf encoding of the refs layer's records (ref.proto, docs/kv_schema.md).
//
// Decoders return Corruption naming the record when the bytes do not parse.
#pragma once
#include <string>
#include <string_view>

#include "graveler/model.h"
#include "tarn/result.h"

namespace tarn::graveler::ref {

std::string EncodeRepository(const Repository& repo);
Result<Repository> DecodeRepository(std::string_view bytes);

std::string EncodeBranch(const Branch& branch);
Result<Branch> DecodeBranch(std::string_view bytes);

std::string EncodeTag(const Tag& tag);
Result<Tag> DecodeTag(std::string_view bytes);

std::string EncodeCommit(const Commit& commit);
Result<Commit> DecodeCommit(std::string_view bytes);

}  // namespace tarn::graveler::ref
