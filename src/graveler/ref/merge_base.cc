// Merge base: walk both histories at once, highest generation first. A commit's generation
// exceeds its parents', so when a commit leaves the queue every descendant of it that the walk
// will ever reach has left already: its flags are final, and the first commit that leaves
// reached from both sides is a best common ancestor. The walk touches only commits above the
// base (plus the frontier), never the history below it.
#include <queue>
#include <vector>

#include "graveler/ref/commit_set.h"
#include "graveler/ref/ids.h"
#include "graveler/ref/ref_manager_impl.h"

namespace tarn::graveler::ref {
namespace {

constexpr uint8_t kFromLeft = 1;
constexpr uint8_t kFromRight = 2;
constexpr uint8_t kFromBoth = kFromLeft | kFromRight;
constexpr uint8_t kDone = 4;  // has left the queue

struct LowerFirst {
  bool operator()(const std::shared_ptr<const Commit>& a,
                  const std::shared_ptr<const Commit>& b) const {
    if (a->generation != b->generation) return a->generation < b->generation;
    if (a->creation_date != b->creation_date) return a->creation_date < b->creation_date;
    return a->id < b->id;
  }
};

}  // namespace

Result<Commit> RefManager::Impl::FindMergeBase(const Repository& repo, const CommitId& a,
                                               const CommitId& b) {
  ASSIGN_OR_RETURN(std::shared_ptr<const Commit> left, LoadCommit(repo, a));
  ASSIGN_OR_RETURN(std::shared_ptr<const Commit> right, LoadCommit(repo, b));
  if (left->id == right->id) return *left;

  CommitMap<uint8_t> flags;
  bool inserted = false;
  std::priority_queue<std::shared_ptr<const Commit>, std::vector<std::shared_ptr<const Commit>>,
                      LowerFirst>
      queue;
  flags.Upsert(KeyOfCommit(left->id), &inserted) = kFromLeft;
  flags.Upsert(KeyOfCommit(right->id), &inserted) = kFromRight;
  queue.push(std::move(left));
  queue.push(std::move(right));

  while (!queue.empty()) {
    std::shared_ptr<const Commit> commit = queue.top();
    queue.pop();
    uint8_t* state = flags.Find(KeyOfCommit(commit->id));
    if (*state & kDone) continue;
    *state |= kDone;
    const uint8_t sides = *state & kFromBoth;
    if (sides == kFromBoth) return *commit;
    for (const CommitId& parent : commit->parents) {
      if (parent.size() != kCommitIdLength) {
        return ValidateCommitId(parent, "parent of commit " + commit->id);
      }
      // A reference into the table lives only until the next Upsert (which may grow it).
      uint8_t& parent_state = flags.Upsert(KeyOfCommit(parent), &inserted);
      const uint8_t before = parent_state;
      if ((before | sides) == before) continue;  // nothing new to tell it
      // A commit still queued reads its flags when it leaves; one that left already (only
      // possible with generations that do not grow from parent to child) goes around again.
      parent_state = static_cast<uint8_t>((before | sides) & ~kDone);
      if (before == 0 || (before & kDone)) {
        ASSIGN_OR_RETURN(std::shared_ptr<const Commit> loaded, LoadCommit(repo, parent));
        queue.push(std::move(loaded));
      }
    }
  }
  return Status::NotFound("no common ancestor of commits " + a + " and " + b + " in " +
                          RepoName(repo));
}

}  // namespace tarn::graveler::ref
