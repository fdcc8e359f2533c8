// Log: a lazy walk of history, newest first. Commits enter a heap as their children leave it,
// so reading the first N commits loads about N commits, whatever the depth of history.
#include <algorithm>
#include <vector>

#include "graveler/ref/commit_set.h"
#include "graveler/ref/ids.h"
#include "graveler/ref/ref_manager_impl.h"

namespace tarn::graveler::ref {
namespace {

// Heap order: the greatest element is the next commit to return.
struct OlderFirst {
  bool operator()(const std::shared_ptr<const Commit>& a,
                  const std::shared_ptr<const Commit>& b) const {
    if (a->creation_date != b->creation_date) return a->creation_date < b->creation_date;
    if (a->generation != b->generation) return a->generation < b->generation;
    return a->id < b->id;
  }
};

}  // namespace

class RefManager::Impl::LogIterator final : public CommitIterator {
 public:
  LogIterator(RefManager::Impl& refs, const Repository& repo, const LogOptions& options,
              std::shared_ptr<const Commit> start)
      : refs_(refs), repo_(repo), options_(options) {
    visited_.Insert(start->id);
    heap_.push_back(std::move(start));
  }

  bool Valid() const override {
    return !heap_.empty() &&
           (options_.since == 0 || heap_.front()->creation_date >= options_.since);
  }

  void Next() override {
    std::pop_heap(heap_.begin(), heap_.end(), OlderFirst());
    std::shared_ptr<const Commit> done = std::move(heap_.back());
    heap_.pop_back();
    const std::size_t parents = options_.first_parent
                                    ? std::min<std::size_t>(1, done->parents.size())
                                    : done->parents.size();
    for (std::size_t i = 0; i < parents; ++i) {
      const CommitId& parent = done->parents[i];
      // Stored parents were checked when their commit was added; only the length matters here.
      if (parent.size() != kCommitIdLength) {
        Fail(ValidateCommitId(parent, "parent of commit " + done->id));
        return;
      }
      if (!visited_.Insert(parent)) continue;
      auto loaded = refs_.LoadCommit(repo_, parent);
      if (!loaded.ok()) {
        Fail(std::move(loaded).status());
        return;
      }
      heap_.push_back(std::move(loaded).value());
      std::push_heap(heap_.begin(), heap_.end(), OlderFirst());
    }
  }

  const Commit& commit() const override { return *heap_.front(); }
  Status status() const override { return status_; }

 private:
  void Fail(Status s) {
    status_ = std::move(s);
    heap_.clear();
  }

  RefManager::Impl& refs_;
  const Repository repo_;
  const LogOptions options_;
  std::vector<std::shared_ptr<const Commit>> heap_;
  CommitSet visited_;
  Status status_;
};

Result<std::unique_ptr<CommitIterator>> RefManager::Impl::Log(const Repository& repo,
                                                              const CommitId& from,
                                                              const LogOptions& options) {
  ASSIGN_OR_RETURN(std::shared_ptr<const Commit> start, LoadCommit(repo, from));
  return std::unique_ptr<CommitIterator>(
      std::make_unique<LogIterator>(*this, repo, options, std::move(start)));
}

}  // namespace tarn::graveler::ref
