// The frozen commit-id encoding of docs/kv_schema.md ("The commit id").
#include <cstdint>
#include <string>

#include "common/coding.h"
#include "common/hash.h"
#include "graveler/ref/ref_manager.h"

namespace tarn::graveler::ref {
namespace {

constexpr std::string_view kCommitDomain = "tarn.commit.v1";

// Fields stream through one small buffer into the hasher, so hashing allocates nothing per
// field.
class CanonicalHasher {
 public:
  void U64(uint64_t v) {
    scratch_.clear();
    PutFixed64BE(scratch_, v);
    sha_.Update(scratch_);
  }
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void Str(std::string_view s) {
    U64(s.size());
    sha_.Update(s);
  }
  std::string FinishHex() { return DigestHex(sha_.Finish()); }

 private:
  Sha256 sha_;
  std::string scratch_;
};

}  // namespace

CommitId ComputeCommitId(const Commit& commit) {
  CanonicalHasher h;
  h.Str(kCommitDomain);
  h.U64(commit.parents.size());
  for (const CommitId& parent : commit.parents) h.Str(parent);
  h.Str(commit.metarange_id);
  h.Str(commit.message);
  h.Str(commit.committer);
  h.I64(commit.creation_date);
  // std::map<std::string, ...> orders keys with char_traits<char>::compare, which compares
  // bytes as unsigned char: the ascending byte order the encoding requires.
  h.U64(commit.metadata.size());
  for (const auto& [key, value] : commit.metadata) {
    h.Str(key);
    h.Str(value);
  }
  return h.FinishHex();
}

}  // namespace tarn::graveler::ref
