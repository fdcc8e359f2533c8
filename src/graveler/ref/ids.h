// Checks of ids and the names of the refs layer's KV partitions and keys (docs/kv_schema.md).
#pragma once
#include <string>
#include <string_view>

#include "graveler/model.h"
#include "tarn/status.h"

namespace tarn::graveler::ref {

inline constexpr std::size_t kCommitIdLength = 64;
inline constexpr std::string_view kRepositoriesPartition = "graveler";
inline constexpr std::string_view kRepositoryKeyPrefix = "repos/";
inline constexpr std::string_view kBranchKeyPrefix = "branches/";
inline constexpr std::string_view kTagKeyPrefix = "tags/";
inline constexpr std::string_view kCommitKeyPrefix = "commits/";

// True when every character is 0-9 or a-f (true for "").
bool IsLowerHex(std::string_view s);
// 64 lowercase hex characters.
inline bool IsCommitId(std::string_view s) { return s.size() == kCommitIdLength && IsLowerHex(s); }
// InvalidArgument unless `id` is a commit id; `what` names it in the message.
Status ValidateCommitId(std::string_view id, std::string_view what = "commit id");

// "repo/<id>/<instance_uid>": the partition of a repository's branches, tags and commits.
std::string RefsPartition(const Repository& repo);
// `prefix` followed by `id`.
std::string KeyOf(std::string_view prefix, std::string_view id);

}  // namespace tarn::graveler::ref
