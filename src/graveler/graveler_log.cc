// Log (with path filters) and refs dump / restore.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/hash.h"
#include "graveler/graveler.h"
#include "graveler/iterators/iterators.h"

namespace tarn::graveler {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

Result<bool> Graveler::CommitTouches(const Repository& repo, const Commit& commit,
                                     const LogParams& params) {
  MetaRangeId parent_tree;
  if (!commit.parents.empty()) {
    ASSIGN_OR_RETURN(Commit parent, refs_.GetCommit(repo, commit.parents[0]));
    parent_tree = parent.metarange_id;
  }
  if (parent_tree == commit.metarange_id) return false;
  const std::string& ns = repo.storage_namespace;
  for (const auto& path : params.objects) {
    // Equal range ids mean equal values: most commits are settled without reading a range.
    ASSIGN_OR_RETURN(auto mine, committed_.GetRangeIdByKey(ns, commit.metarange_id, path));
    ASSIGN_OR_RETURN(auto theirs, committed_.GetRangeIdByKey(ns, parent_tree, path));
    if (mine == theirs) continue;
    ASSIGN_OR_RETURN(auto a, committed_.Get(ns, commit.metarange_id, path));
    ASSIGN_OR_RETURN(auto b, committed_.Get(ns, parent_tree, path));
    if (a.has_value() != b.has_value()) return true;
    if (a.has_value() && a->identity != b->identity) return true;
  }
  for (const auto& prefix : params.prefixes) {
    ASSIGN_OR_RETURN(auto diff, committed_.Diff(ns, parent_tree, commit.metarange_id));
    diff->SeekGE(prefix);
    RETURN_IF_ERROR(diff->status());
    if (diff->Valid() && StartsWith(diff->key(), prefix)) return true;
  }
  return false;
}

namespace {

// The commits of a log walk, in order, after `after` and up to `stop_at`, handed from a
// producer thread to the consumer through a bounded queue. A filtered log spends its time both
// loading commits (KV reads) and comparing trees (metarange reads); the queue lets the two
// overlap on different cores.
class CommitFeed {
 public:
  CommitFeed(std::unique_ptr<ref::CommitIterator> it, std::string after, CommitId stop_at)
      : it_(std::move(it)), after_(std::move(after)), stop_at_(std::move(stop_at)) {
    producer_ = std::thread([this] { Produce(); });
  }
  ~CommitFeed() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      cancelled_ = true;
    }
    cv_.notify_all();
    producer_.join();
  }

  // The next commit, or nullptr at the end (then check status()). The pointer stays valid
  // until the next call.
  const Commit* Next() {
    if (pos_ < current_.size()) return &current_[pos_++];
    current_.clear();
    pos_ = 0;
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !batches_.empty() || done_; });
    if (batches_.empty()) return nullptr;
    current_ = std::move(batches_.front());
    batches_.pop_front();
    cv_.notify_all();
    return &current_[pos_++];
  }
  Status status() {
    std::lock_guard<std::mutex> lock(mu_);
    return status_;
  }

 private:
  // Commits travel in batches, so the hand-over costs little per commit.
  static constexpr std::size_t kBatch = 64;
  static constexpr std::size_t kMaxBatches = 8;

  bool Push(std::vector<Commit>& batch) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return batches_.size() < kMaxBatches || cancelled_; });
    if (cancelled_) return false;
    batches_.push_back(std::move(batch));
    batch.clear();
    cv_.notify_all();
    return true;
  }

  void Produce() {
    bool skipping = !after_.empty();
    std::vector<Commit> batch;
    bool open = true;
    for (; open && it_->Valid(); it_->Next()) {
      const Commit& commit = it_->commit();
      const bool last = !stop_at_.empty() && commit.id == stop_at_;
      if (skipping) {
        if (commit.id == after_) skipping = false;
        if (last) break;
        continue;
      }
      batch.push_back(commit);
      // The first batch is small, so a page filled by the newest commits returns quickly.
      if (batch.size() == (pushed_ == 0 ? 8 : kBatch)) {
        open = Push(batch);
        ++pushed_;
      }
      if (last) break;
    }
    if (open && !batch.empty()) Push(batch);
    std::lock_guard<std::mutex> lock(mu_);
    status_ = it_->status();
    done_ = true;
    cv_.notify_all();
  }

  std::unique_ptr<ref::CommitIterator> it_;
  const std::string after_;
  const CommitId stop_at_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<Commit>> batches_;
  bool done_ = false;
  bool cancelled_ = false;
  Status status_;
  std::size_t pushed_ = 0;       // producer only
  std::vector<Commit> current_;  // consumer only
  std::size_t pos_ = 0;          // consumer only
  std::thread producer_;
};

}  // namespace

Result<Page<Commit>> Graveler::Log(const Repository& repo, std::string_view ref,
                                   const LogParams& params) {
  ASSIGN_OR_RETURN(ref::ResolvedRef start, refs_.ResolveRef(repo, ref));
  CommitId stop_at;
  if (!params.stop_at.empty()) {
    ASSIGN_OR_RETURN(ref::ResolvedRef stop, refs_.ResolveRef(repo, params.stop_at));
    stop_at = stop.commit_id;
  }
  ref::LogOptions options;
  options.first_parent = params.first_parent;
  options.since = params.since;
  ASSIGN_OR_RETURN(auto it, refs_.Log(repo, start.commit_id, options));
  Page<Commit> page;
  const bool filtered = !params.objects.empty() || !params.prefixes.empty();
  if (filtered) {
    CommitFeed feed(std::move(it), params.after, stop_at);
    while (const Commit* commit = feed.Next()) {
      ASSIGN_OR_RETURN(bool keep, CommitTouches(repo, *commit, params));
      if (!keep) continue;
      if (page.items.size() == params.amount) {
        page.has_more = true;
        return page;
      }
      page.items.push_back(*commit);
    }
    RETURN_IF_ERROR(feed.status());
    return page;
  }
  bool skipping = !params.after.empty();
  for (; it->Valid(); it->Next()) {
    const Commit& commit = it->commit();
    const bool last = !stop_at.empty() && commit.id == stop_at;
    if (skipping) {
      if (commit.id == params.after) skipping = false;
      if (last) break;
      continue;
    }
    if (page.items.size() == params.amount) {
      page.has_more = true;
      break;
    }
    page.items.push_back(commit);
    if (last) break;
  }
  RETURN_IF_ERROR(it->status());
  return page;
}

// --- refs dump / restore ---
//
// Each kind is written as a metarange of its own: key = id, identity = SHA-256 of the data,
// data = the record as JSON. The files are content-named, so dumping twice without changes
// writes nothing new.

namespace {

std::string CommitJson(const Commit& c) {
  nlohmann::json j;
  j["id"] = c.id;
  j["parents"] = c.parents;
  j["metarange_id"] = c.metarange_id;
  j["message"] = c.message;
  j["committer"] = c.committer;
  j["creation_date"] = c.creation_date;
  j["metadata"] = c.metadata;
  j["generation"] = c.generation;
  return j.dump();
}

Status ParseCommit(std::string_view data, Commit& c) {
  auto j = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::Corruption("unreadable commit record");
  try {
    c.id = j.at("id").get<std::string>();
    c.parents = j.at("parents").get<std::vector<std::string>>();
    c.metarange_id = j.at("metarange_id").get<std::string>();
    c.message = j.at("message").get<std::string>();
    c.committer = j.at("committer").get<std::string>();
    c.creation_date = j.at("creation_date").get<int64_t>();
    c.metadata = j.at("metadata").get<std::map<std::string, std::string>>();
    c.generation = j.at("generation").get<int64_t>();
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(std::string("malformed commit record: ") + e.what());
  }
  return Status::OK();
}

std::string RefJson(std::string_view commit_id) {
  nlohmann::json j;
  j["commit_id"] = commit_id;
  return j.dump();
}

Result<std::string> ParseRef(std::string_view data) {
  auto j = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("commit_id") ||
      !j["commit_id"].is_string()) {
    return Status::Corruption("malformed branch or tag record in a refs dump");
  }
  return j["commit_id"].get<std::string>();
}

ValueRecord Record(std::string key, std::string data) {
  ValueRecord r;
  r.key = std::move(key);
  r.value.identity = Sha256Hex(data);
  r.value.data = std::move(data);
  return r;
}

}  // namespace

Result<RefsDump> Graveler::DumpRefs(const Repository& repo) {
  const std::string& ns = repo.storage_namespace;
  RefsDump dump;
  std::vector<ValueRecord> records;
  std::string after;
  for (;;) {
    ASSIGN_OR_RETURN(auto page, refs_.ListCommits(repo, after, 1000));
    for (const auto& c : page.items) records.push_back(Record(c.id, CommitJson(c)));
    if (!page.has_more || page.items.empty()) break;
    after = page.items.back().id;
  }
  auto commits = NewVectorIterator(std::move(records));
  commits->SeekGE("");
  ASSIGN_OR_RETURN(dump.commits_metarange_id, committed_.WriteMetaRange(ns, *commits));

  records = {};
  after.clear();
  for (;;) {
    ASSIGN_OR_RETURN(auto page, refs_.ListBranches(repo, after, 1000));
    for (const auto& b : page.items) records.push_back(Record(b.id, RefJson(b.commit_id)));
    if (!page.has_more || page.items.empty()) break;
    after = page.items.back().id;
  }
  auto branches = NewVectorIterator(std::move(records));
  branches->SeekGE("");
  ASSIGN_OR_RETURN(dump.branches_metarange_id, committed_.WriteMetaRange(ns, *branches));

  records = {};
  after.clear();
  for (;;) {
    ASSIGN_OR_RETURN(auto page, refs_.ListTags(repo, after, 1000));
    for (const auto& t : page.items) records.push_back(Record(t.id, RefJson(t.commit_id)));
    if (!page.has_more || page.items.empty()) break;
    after = page.items.back().id;
  }
  auto tags = NewVectorIterator(std::move(records));
  tags->SeekGE("");
  ASSIGN_OR_RETURN(dump.tags_metarange_id, committed_.WriteMetaRange(ns, *tags));
  return dump;
}

Status Graveler::RestoreRefs(const Repository& repo, const RefsDump& dump) {
  RETURN_IF_ERROR(CheckWritable(repo));
  const std::string& ns = repo.storage_namespace;
  ASSIGN_OR_RETURN(auto existing_commits, refs_.ListCommits(repo, "", 2));
  ASSIGN_OR_RETURN(auto existing_tags, refs_.ListTags(repo, "", 1));
  ASSIGN_OR_RETURN(auto existing_branches, refs_.ListBranches(repo, "", 2));
  bool empty = existing_commits.items.size() <= 1 && existing_tags.items.empty() &&
               existing_branches.items.size() == 1;
  if (empty) {
    ASSIGN_OR_RETURN(bool dirty, IsDirty(existing_branches.items.front()));
    empty = !dirty;
  }
  if (!empty) {
    return Status::PreconditionFailed("repository '" + repo.id +
                                      "' is not empty; restore refs into a new repository");
  }

  // Commits first, each verified, so no branch or tag ever points at a missing commit.
  ASSIGN_OR_RETURN(auto commits, committed_.NewIterator(ns, dump.commits_metarange_id));
  for (commits->SeekGE(""); commits->Valid(); commits->Next()) {
    Commit c;
    RETURN_IF_ERROR(ParseCommit(commits->data(), c));
    if (ref::ComputeCommitId(c) != c.id || commits->key() != c.id) {
      return Status::Corruption("commit " + std::string(commits->key()) +
                                " in the refs dump does not match its contents; nothing "
                                "points at the commits restored so far");
    }
    RETURN_IF_ERROR(refs_.AddCommit(repo, c));
  }
  RETURN_IF_ERROR(commits->status());

  ASSIGN_OR_RETURN(auto tags, committed_.NewIterator(ns, dump.tags_metarange_id));
  for (tags->SeekGE(""); tags->Valid(); tags->Next()) {
    ASSIGN_OR_RETURN(std::string commit_id, ParseRef(tags->data()));
    RETURN_IF_ERROR(refs_.CreateTag(repo, Tag{std::string(tags->key()), commit_id}));
  }
  RETURN_IF_ERROR(tags->status());

  ASSIGN_OR_RETURN(auto branches, committed_.NewIterator(ns, dump.branches_metarange_id));
  for (branches->SeekGE(""); branches->Valid(); branches->Next()) {
    ASSIGN_OR_RETURN(std::string commit_id, ParseRef(branches->data()));
    std::string id(branches->key());
    if (id == repo.default_branch) {
      ASSIGN_OR_RETURN(auto read, refs_.GetBranchForUpdate(repo, id));
      read.first.commit_id = commit_id;
      RETURN_IF_ERROR(refs_.UpdateBranch(repo, read.first, read.second));
      continue;
    }
    Branch b;
    b.id = std::move(id);
    b.commit_id = std::move(commit_id);
    b.staging_token = staging::StagingManager::NewToken(repo.instance_uid);
    RETURN_IF_ERROR(refs_.CreateBranch(repo, b));
  }
  return branches->status();
}

}  // namespace tarn::graveler
