// A model-based test of the engine facade: seeded random operations run against the Graveler and
// against a naive in-memory model of branches, staging, commits and tags, and the two must agree
// after every step (statuses, values, listings, diffs, conflicts, heads and commit graphs).
//
// On a disagreement the failure names the seed, the step, the model's state and the whole operation
// log. TARN_MODEL_SEED=<n> runs only that seed on every backend; TARN_MODEL_STEPS=<n> changes the
// length of each run (longer runs grow deeper histories).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "common/hash.h"
#include "graveler/graveler.h"
#include "graveler/testing/engine_env.h"

namespace tarn::graveler {
namespace {

using testing::Backend;
using Kind = ref::ResolvedRef::Kind;

// Small alphabets, so that writes collide, prefixes nest and range boundaries move.
constexpr std::string_view kKeys[] = {"a",   "a/1",   "a/2", "a/2/x", "b",
                                      "b/c", "b/c/d", "c",   "c/1",   "d/e"};
constexpr std::string_view kContents[] = {"v0", "v1", "v2", "v3"};
// No name is lowercase hex, so none can be read as a commit-id prefix once deleted.
constexpr std::string_view kBranchNames[] = {"main", "dev", "feat-x", "fix", "exp"};
constexpr std::string_view kTagNames[] = {"tag-1", "tag-2", "tag-3"};
constexpr std::string_view kPrefixes[] = {"",    "a",      "a/", "a/2", "a/2/", "b",
                                          "b/c", "b/c/d/", "c/", "d",   "z"};
constexpr std::string_view kAfters[] = {"",   "a",   "a/", "a/1", "a/2/x", "b",
                                        "b/", "b/c", "c",  "c/1", "d",     "zz"};

// ---------------------------------------------------------------------------------------------
// The model.

using Tree = std::map<std::string, std::string>;                    // key -> content
using Overlay = std::map<std::string, std::optional<std::string>>;  // nullopt: a tombstone

Value ValueOf(std::string_view content) { return Value{Sha256Hex(content), std::string(content)}; }

std::optional<std::string> At(const Tree& tree, const std::string& key) {
  auto it = tree.find(key);
  if (it == tree.end()) return std::nullopt;
  return it->second;
}

struct ModelCommit {
  CommitId id;
  std::vector<int> parents;  // indexes into Model::commits, first parent first
  Tree tree;
  int64_t generation = 1;
};

struct ModelBranch {
  int head = 0;
  Overlay staged;  // what the branch's staging token holds
};

struct Model {
  std::vector<ModelCommit> commits;  // in creation order
  std::map<std::string, ModelBranch> branches;
  std::map<std::string, int> tags;

  int Add(CommitId id, std::vector<int> parents, Tree tree) {
    int64_t generation = 1;
    for (int p : parents) generation = std::max(generation, commits[p].generation + 1);
    commits.push_back({std::move(id), std::move(parents), std::move(tree), generation});
    return static_cast<int>(commits.size()) - 1;
  }

  Tree Visible(const ModelBranch& branch) const {
    Tree tree = commits[branch.head].tree;
    for (const auto& [key, value] : branch.staged) {
      if (value.has_value()) {
        tree[key] = *value;
      } else {
        tree.erase(key);
      }
    }
    return tree;
  }

  std::set<int> Ancestors(int commit) const {
    std::set<int> seen{commit};
    std::vector<int> todo{commit};
    while (!todo.empty()) {
      const int c = todo.back();
      todo.pop_back();
      for (int p : commits[c].parents) {
        if (seen.insert(p).second) todo.push_back(p);
      }
    }
    return seen;
  }

  // The common ancestor with the highest generation; nullopt when several share it (criss-cross
  // histories), where the engine's choice is not the model's to predict.
  std::optional<int> MergeBase(int a, int b) const {
    const std::set<int> left = Ancestors(a);
    int best = -1;
    bool tie = false;
    for (int c : Ancestors(b)) {
      if (left.count(c) == 0) continue;
      if (best < 0 || commits[c].generation > commits[best].generation) {
        best = c;
        tie = false;
      } else if (commits[c].generation == commits[best].generation) {
        tie = true;
      }
    }
    if (best < 0 || tie) return std::nullopt;
    return best;
  }
};

struct ThreeWayResult {
  Tree tree;
  std::vector<std::string> conflicts;  // ascending
};

// The table of CommittedManager::Merge, value by value.
ThreeWayResult ThreeWay(const Tree& base, const Tree& source, const Tree& dest,
                        MergeStrategy strategy) {
  std::set<std::string> keys;
  for (const Tree* t : {&base, &source, &dest}) {
    for (const auto& entry : *t) keys.insert(entry.first);
  }
  ThreeWayResult out;
  for (const std::string& key : keys) {
    const auto b = At(base, key);
    const auto s = At(source, key);
    const auto d = At(dest, key);
    std::optional<std::string> result;
    if (s == d || s == b) {
      result = d;
    } else if (d == b) {
      result = s;
    } else if (strategy == MergeStrategy::kNone) {
      out.conflicts.push_back(key);
      continue;
    } else {
      result = strategy == MergeStrategy::kDestWins ? d : s;
    }
    if (result.has_value()) out.tree[key] = *result;
  }
  return out;
}

// A diff as lines "+key right", "-key left", "~key left>right", in key order.
std::vector<std::string> TreeDiff(const Tree& left, const Tree& right) {
  std::vector<std::string> out;
  auto l = left.begin();
  auto r = right.begin();
  while (l != left.end() || r != right.end()) {
    if (r == right.end() || (l != left.end() && l->first < r->first)) {
      out.push_back("-" + l->first + " " + l->second);
      ++l;
    } else if (l == left.end() || r->first < l->first) {
      out.push_back("+" + r->first + " " + r->second);
      ++r;
    } else {
      if (l->second != r->second) out.push_back("~" + l->first + " " + l->second + ">" + r->second);
      ++l;
      ++r;
    }
  }
  return out;
}

DiffSummary SummaryOf(const std::vector<std::string>& diff) {
  DiffSummary s;
  for (const auto& line : diff) {
    if (line[0] == '+') ++s.added;
    if (line[0] == '-') ++s.removed;
    if (line[0] == '~') ++s.changed;
  }
  return s;
}

std::vector<std::string> TreeLines(const Tree& tree, std::string_view prefix = {},
                                   std::string_view after = {}) {
  std::vector<std::string> out;
  for (const auto& [key, content] : tree) {
    if (key.compare(0, prefix.size(), prefix) != 0 || key <= after) continue;
    out.push_back(key + "=" + content);
  }
  return out;
}

// The engine's answers in the same shapes; a value whose identity does not match its data is
// reported as such.
std::vector<std::string> EngineLines(ValueIterator& it) {
  std::vector<std::string> out;
  for (; it.Valid(); it.Next()) {
    std::string line = std::string(it.key()) + "=" + std::string(it.data());
    if (it.tombstone() || it.identity() != Sha256Hex(it.data())) line += " (bad identity)";
    out.push_back(std::move(line));
  }
  if (!it.status().ok()) out.push_back("! " + it.status().ToString());
  return out;
}

std::vector<std::string> EngineLines(DiffIterator& it) {
  std::vector<std::string> out;
  for (; it.Valid(); it.Next()) {
    const std::string key(it.key());
    std::string line;
    bool identities_match = true;
    switch (it.type()) {
      case DiffType::kAdded:
        line = "+" + key + " " + std::string(it.right_data());
        identities_match = it.right_identity() == Sha256Hex(it.right_data());
        break;
      case DiffType::kRemoved:
        line = "-" + key + " " + std::string(it.left_data());
        identities_match = it.left_identity() == Sha256Hex(it.left_data());
        break;
      case DiffType::kChanged:
        line = "~" + key + " " + std::string(it.left_data()) + ">" + std::string(it.right_data());
        identities_match = it.left_identity() == Sha256Hex(it.left_data()) &&
                           it.right_identity() == Sha256Hex(it.right_data());
        break;
    }
    if (!identities_match) line += " (bad identity)";
    out.push_back(std::move(line));
  }
  if (!it.status().ok()) out.push_back("! " + it.status().ToString());
  return out;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out = "[";
  for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? ", " : "") + lines[i];
  return out + "]";
}

std::string SummaryText(const DiffSummary& s) {
  return "+" + std::to_string(s.added) + " -" + std::to_string(s.removed) + " ~" +
         std::to_string(s.changed);
}

// A ref expression and what the model expects it to resolve to.
struct RefChoice {
  std::string expr;
  std::string label;  // the expression with commit ids written as c<index>, for the log
  StatusCode code = StatusCode::kOk;
  int commit = -1;
  Kind kind = Kind::kCommit;
  std::string branch;  // for kBranch and kBranchStaging
};

// ---------------------------------------------------------------------------------------------
// One seeded run.

class ModelRun {
 public:
  ModelRun(Graveler& g, Repository repo, uint64_t seed)
      : g_(g), repo_(std::move(repo)), seed_(seed), rng_(seed) {}

  // Runs `steps` random operations; returns "" or the first disagreement with the log.
  std::string Run(int steps) {
    auto main = g_.GetBranch(repo_, repo_.default_branch);
    if (!main.ok()) return "reading the default branch: " + main.status().ToString();
    model_.branches[repo_.default_branch].head = model_.Add(main->commit_id, {}, {});
    for (step_ = 0; step_ < steps && failure_.empty(); ++step_) {
      RunOneOperation();
      if (failure_.empty()) CheckState();
    }
    if (failure_.empty()) return "";
    std::ostringstream out;
    out << "seed " << seed_ << ", step " << (step_ - 1) << ": " << failure_
        << "\n(rerun with TARN_MODEL_SEED=" << seed_ << ")\nmodel:\n"
        << DumpModel() << "operations:\n";
    for (const auto& line : log_) out << "  " << line << "\n";
    return out.str();
  }

 private:
  using Op = void (ModelRun::*)();
  struct WeightedOp {
    int weight;
    Op op;
  };

  void RunOneOperation() {
    static constexpr WeightedOp kOps[] = {
        {22, &ModelRun::OpSet},
        {8, &ModelRun::OpDelete},
        {16, &ModelRun::OpCommit},
        {4, &ModelRun::OpCreateBranch},
        {2, &ModelRun::OpDeleteBranch},
        {2, &ModelRun::OpCreateTag},
        {1, &ModelRun::OpDeleteTag},
        {9, &ModelRun::OpMerge},
        {3, &ModelRun::OpRevert},
        {3, &ModelRun::OpCherryPick},
        {1, &ModelRun::OpReset},
        {3, &ModelRun::OpResetKey},
        {2, &ModelRun::OpResetPrefix},
        {3, &ModelRun::OpResetHard},
        {6, &ModelRun::OpGet},
        {5, &ModelRun::OpList},
        {3, &ModelRun::OpDiffUncommitted},
        {4, &ModelRun::OpDiff},
        {3, &ModelRun::OpCompare},
    };
    // Histories need branches: with few of them, make one more often.
    if (model_.branches.size() < 3 && Chance(25)) return OpCreateBranch();
    int total = 0;
    for (const auto& w : kOps) total += w.weight;
    int roll = Pick(total);
    for (const auto& w : kOps) {
      if (roll < w.weight) return (this->*w.op)();
      roll -= w.weight;
    }
  }

  // --- random choices ---

  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  bool Chance(int percent) { return Pick(100) < percent; }
  template <typename T, std::size_t N>
  std::string PickOf(const T (&items)[N]) {
    return std::string(items[Pick(static_cast<int>(N))]);
  }
  std::string PickKey() { return PickOf(kKeys); }
  std::string PickContent() { return PickOf(kContents); }
  // Mostly a key that `tree` holds, so that reads and deletes find something.
  std::string PickKeyOf(const Tree& tree) {
    if (tree.empty() || Chance(30)) return PickKey();
    auto it = tree.begin();
    std::advance(it, Pick(static_cast<int>(tree.size())));
    return it->first;
  }

  // The name of an existing branch chosen by `accept`, or of any existing branch when none is
  // accepted; sometimes any name of the pool, which may not exist.
  template <typename Accept>
  std::string PickBranch(Accept accept) {
    if (Chance(8)) return PickOf(kBranchNames);
    std::vector<std::string> accepted, all;
    for (const auto& [name, branch] : model_.branches) {
      all.push_back(name);
      if (accept(branch)) accepted.push_back(name);
    }
    const auto& from = accepted.empty() ? all : accepted;
    return from[Pick(static_cast<int>(from.size()))];
  }
  std::string PickBranch() {
    return PickBranch([](const ModelBranch&) { return true; });
  }
  // Head-moving operations mostly pick clean branches, so that they get past the dirty check.
  std::string PickHeadMoveBranch() {
    if (Chance(25)) return PickBranch();
    return PickBranch([](const ModelBranch& b) { return b.staged.empty(); });
  }

  ModelBranch* FindBranch(const std::string& name) {
    auto it = model_.branches.find(name);
    return it == model_.branches.end() ? nullptr : &it->second;
  }

  std::string Label(int commit) const { return "c" + std::to_string(commit); }

  RefChoice CommitRef(int commit) {
    RefChoice r;
    r.commit = commit;
    r.expr = model_.commits[commit].id;
    r.label = Label(commit);
    return r;
  }

  // Follows the ~N / ^N modifier from `r`'s commit the way the engine resolves it.
  void ApplyModifier(RefChoice& r, bool tilde, int n) {
    r.expr += (tilde ? "~" : "^") + std::to_string(n);
    r.label += (tilde ? "~" : "^") + std::to_string(n);
    r.kind = Kind::kCommit;
    r.branch.clear();
    if (r.code != StatusCode::kOk) return;
    const auto& parents = [&]() -> const std::vector<int>& {
      return model_.commits[r.commit].parents;
    };
    if (tilde) {
      for (int i = 0; i < n; ++i) {
        if (parents().empty()) {
          r.code = StatusCode::kInvalidArgument;
          return;
        }
        r.commit = parents()[0];
      }
    } else if (n > 0) {
      if (static_cast<std::size_t>(n) > parents().size()) {
        r.code = StatusCode::kInvalidArgument;
        return;
      }
      r.commit = parents()[n - 1];
    }
  }

  int FirstParentDepth(int commit) const {
    int depth = 0;
    while (!model_.commits[commit].parents.empty()) {
      commit = model_.commits[commit].parents[0];
      ++depth;
    }
    return depth;
  }

  RefChoice PickRef() {
    RefChoice r;
    const int roll = Pick(100);
    if (roll < 40) {
      const std::string name = PickBranch();
      r.label = r.expr = name;
      const ModelBranch* b = FindBranch(name);
      if (b == nullptr) {
        r.code = StatusCode::kNotFound;
        return r;
      }
      r.commit = b->head;
      switch (Pick(3)) {
        case 0:
          r.kind = Kind::kBranch;
          r.branch = name;
          break;
        case 1:
          r.label = r.expr = name + "@";
          break;
        default:
          r.label = r.expr = name + "$";
          r.kind = Kind::kBranchStaging;
          r.branch = name;
          break;
      }
      return r;
    }
    if (roll < 60) return CommitRef(Pick(static_cast<int>(model_.commits.size())));
    if (roll < 66) {
      r = CommitRef(Pick(static_cast<int>(model_.commits.size())));
      r.expr.resize(12);
      r.label += "(prefix)";
      return r;
    }
    if (roll < 74 && !model_.tags.empty()) {
      auto it = model_.tags.begin();
      std::advance(it, Pick(static_cast<int>(model_.tags.size())));
      r.label = r.expr = it->first;
      r.commit = it->second;
      return r;
    }
    if (roll < 96) {
      if (Chance(50)) {
        r = CommitRef(Pick(static_cast<int>(model_.commits.size())));
      } else {
        const std::string name = PickBranch();
        r.label = r.expr = name;
        const ModelBranch* b = FindBranch(name);
        if (b == nullptr) {
          r.code = StatusCode::kNotFound;
        } else {
          r.commit = b->head;
        }
      }
      const bool tilde = Chance(70);
      const int n = tilde && r.commit >= 0 ? Pick(FirstParentDepth(r.commit) + 2) : Pick(3);
      ApplyModifier(r, tilde, n);
      return r;
    }
    r.label = r.expr = "nosuch";
    r.code = StatusCode::kNotFound;
    return r;
  }

  // What reads of `r` see: staging over the head for a plain or "$" branch when `staging`.
  Tree ViewOf(const RefChoice& r, bool staging) const {
    if (staging && r.kind != Kind::kCommit) return model_.Visible(model_.branches.at(r.branch));
    return model_.commits[r.commit].tree;
  }

  // --- bookkeeping ---

  void Log(std::string line) { log_.push_back("#" + std::to_string(step_) + " " + line); }
  void Note(std::string_view text) { log_.back() += text; }

  void Mismatch(std::string what) {
    if (failure_.empty()) failure_ = std::move(what);
  }

  // True when the engine's status is the model's (and, for an error, its message holds `text`).
  bool Expect(const Status& got, StatusCode want, std::string_view text = {}) {
    const bool same =
        got.code() == want && (text.empty() || got.message().find(text) != std::string_view::npos);
    if (same && want != StatusCode::kOk) Note(" -> " + std::string(StatusCodeName(want)));
    if (!same) {
      Mismatch("engine answered " + got.ToString() + ", the model expects " +
               std::string(StatusCodeName(want)) +
               (text.empty() ? "" : " mentioning '" + std::string(text) + "'"));
    }
    return same;
  }

  void ExpectLines(std::string_view what, const std::vector<std::string>& engine,
                   const std::vector<std::string>& model) {
    if (engine != model) {
      Mismatch(std::string(what) + ": engine " + Join(engine) + ", model " + Join(model));
    }
  }

  std::vector<std::string> ListLines(std::string_view ref, const ListParams& params = {}) {
    auto it = g_.List(repo_, ref, params);
    if (!it.ok()) return {"! " + it.status().ToString()};
    return EngineLines(**it);
  }

  // Checks the commit the engine made against the model's expectation and adds it to the model.
  // Returns its index, or -1 after a mismatch. `generation_override` replaces the generation the
  // parents give.
  int AdoptCommit(const CommitId& id, std::vector<int> parents, Tree tree,
                  std::optional<int64_t> generation_override = std::nullopt) {
    auto commit = g_.GetCommit(repo_, id);
    if (!commit.ok()) {
      Mismatch("reading new commit " + id + ": " + commit.status().ToString());
      return -1;
    }
    for (const auto& c : model_.commits) {
      if (c.id == id) {
        Mismatch("the new commit's id " + id + " is an existing commit's");
        return -1;
      }
    }
    std::vector<CommitId> parent_ids;
    int64_t generation = 1;
    std::string parent_labels;
    for (int p : parents) {
      parent_ids.push_back(model_.commits[p].id);
      generation = std::max(generation, model_.commits[p].generation + 1);
      parent_labels += " " + Label(p);
    }
    if (generation_override.has_value()) generation = *generation_override;
    if (commit->parents != parent_ids || commit->generation != generation) {
      Mismatch("new commit " + id + ": engine has " + std::to_string(commit->parents.size()) +
               " parent(s) and generation " + std::to_string(commit->generation) +
               ", the model expects parents" + parent_labels + " and generation " +
               std::to_string(generation));
      return -1;
    }
    ExpectLines("contents of the new commit", ListLines(id), TreeLines(tree));
    if (!failure_.empty()) return -1;
    const int index = model_.Add(id, std::move(parents), std::move(tree));
    model_.commits[index].generation = generation;
    Note(" -> " + Label(index));
    return index;
  }

  std::string DumpModel() const {
    std::ostringstream out;
    for (std::size_t i = 0; i < model_.commits.size(); ++i) {
      const auto& c = model_.commits[i];
      out << "  " << Label(static_cast<int>(i)) << " " << c.id.substr(0, 12) << " gen "
          << c.generation << " parents";
      for (int p : c.parents) out << " " << Label(p);
      out << " " << Join(TreeLines(c.tree)) << "\n";
    }
    for (const auto& [name, b] : model_.branches) {
      out << "  branch " << name << " at " << Label(b.head) << " staged [";
      for (const auto& [key, value] : b.staged) out << " " << key << "=" << value.value_or("(del)");
      out << " ]\n";
    }
    for (const auto& [name, c] : model_.tags) out << "  tag " << name << " at " << Label(c) << "\n";
    return out.str();
  }

  // After every step: the same branches at the same heads showing the same data, and the same tags.
  void CheckState() {
    auto page = g_.ListBranches(repo_, "", 1000);
    if (!page.ok()) return Mismatch("listing branches: " + page.status().ToString());
    std::vector<std::string> engine_branches, model_branches;
    for (const auto& b : page->items) engine_branches.push_back(b.id + "@" + b.commit_id);
    for (const auto& [name, b] : model_.branches) {
      model_branches.push_back(name + "@" + model_.commits[b.head].id);
    }
    ExpectLines("branches", engine_branches, model_branches);
    for (const auto& [name, b] : model_.branches) {
      ExpectLines("contents of branch " + name, ListLines(name), TreeLines(model_.Visible(b)));
    }
    auto tags = g_.ListTags(repo_, "", 1000);
    if (!tags.ok()) return Mismatch("listing tags: " + tags.status().ToString());
    std::vector<std::string> engine_tags, model_tags;
    for (const auto& t : tags->items) engine_tags.push_back(t.id + "@" + t.commit_id);
    for (const auto& [name, c] : model_.tags)
      model_tags.push_back(name + "@" + model_.commits[c].id);
    ExpectLines("tags", engine_tags, model_tags);
  }

  std::string Message() { return "step " + std::to_string(step_); }

  // --- writes ---

  void OpSet() {
    const std::string branch = PickBranch();
    const std::string key = PickKey();
    const std::string content = PickContent();
    WriteCondition condition;
    std::string desc = "Set " + branch + " " + key + "=" + content;
    ModelBranch* b = FindBranch(branch);
    std::optional<std::string> current;
    if (b != nullptr) current = At(model_.Visible(*b), key);
    const int kind = Pick(10);
    if (kind >= 6 && kind < 8) {
      condition.if_absent = true;
      desc += " if-absent";
    } else if (kind >= 8) {
      const std::string match = current.has_value() && Chance(60) ? *current : PickContent();
      condition.if_match = Sha256Hex(match);
      desc += " if-match " + match;
    }
    Log(desc);
    StatusCode want = StatusCode::kOk;
    if (b == nullptr) {
      want = StatusCode::kNotFound;
    } else if ((condition.if_absent && current.has_value()) ||
               (condition.if_match.has_value() &&
                (!current.has_value() || Sha256Hex(*current) != *condition.if_match))) {
      want = StatusCode::kPreconditionFailed;
    }
    if (!Expect(g_.Set(repo_, branch, key, ValueOf(content), condition), want)) return;
    if (want == StatusCode::kOk) b->staged[key] = content;
  }

  void OpDelete() {
    const std::string branch = PickBranch();
    const ModelBranch* shown = FindBranch(branch);
    const std::string key = shown ? PickKeyOf(model_.Visible(*shown)) : PickKey();
    Log("Delete " + branch + " " + key);
    ModelBranch* b = FindBranch(branch);
    const bool visible = b != nullptr && At(model_.Visible(*b), key).has_value();
    const StatusCode want = visible ? StatusCode::kOk : StatusCode::kNotFound;
    if (!Expect(g_.Delete(repo_, branch, key), want) || !visible) return;
    if (At(model_.commits[b->head].tree, key).has_value()) {
      b->staged[key] = std::nullopt;
    } else {
      b->staged.erase(key);
    }
  }

  void OpCommit() {
    const std::string branch =
        Chance(80) ? PickBranch([](const ModelBranch& b) { return !b.staged.empty(); })
                   : PickBranch();
    CommitParams params;
    params.committer = "model";
    params.message = Message();
    params.allow_empty = Chance(8);
    Log("Commit " + branch + (params.allow_empty ? " allow-empty" : ""));
    ModelBranch* b = FindBranch(branch);
    auto result = g_.CommitBranch(repo_, branch, params);
    if (b == nullptr) return (void)Expect(result.status(), StatusCode::kNotFound);
    Tree tree = model_.Visible(*b);
    if (!params.allow_empty && (b->staged.empty() || tree == model_.commits[b->head].tree)) {
      // Staged values that only restate the head are dropped: the branch is clean afterwards.
      if (Expect(result.status(), StatusCode::kPreconditionFailed, "no changes")) b->staged.clear();
      return;
    }
    if (!Expect(result.status(), StatusCode::kOk)) return;
    const int made = AdoptCommit(result->id, {b->head}, std::move(tree));
    if (made < 0) return;
    b->head = made;
    b->staged.clear();
  }

  void OpReset() {
    const std::string branch = PickBranch();
    Log("Reset " + branch);
    ModelBranch* b = FindBranch(branch);
    if (!Expect(g_.Reset(repo_, branch), b ? StatusCode::kOk : StatusCode::kNotFound) || !b) return;
    b->staged.clear();
  }

  void OpResetKey() {
    const std::string branch = PickBranch();
    const std::string key = PickKey();
    Log("ResetKey " + branch + " " + key);
    ModelBranch* b = FindBranch(branch);
    if (!Expect(g_.ResetKey(repo_, branch, key), b ? StatusCode::kOk : StatusCode::kNotFound) ||
        !b) {
      return;
    }
    b->staged.erase(key);
  }

  void OpResetPrefix() {
    const std::string branch = PickBranch();
    const std::string prefix = PickOf(kPrefixes);
    Log("ResetPrefix " + branch + " '" + prefix + "'");
    ModelBranch* b = FindBranch(branch);
    if (!Expect(g_.ResetPrefix(repo_, branch, prefix),
                b ? StatusCode::kOk : StatusCode::kNotFound) ||
        !b) {
      return;
    }
    std::erase_if(b->staged, [&](const auto& e) { return e.first.starts_with(prefix); });
  }

  // --- refs ---

  void OpCreateBranch() {
    std::string name = PickOf(kBranchNames);
    if (FindBranch(name) != nullptr && Chance(75)) name = PickOf(kBranchNames);
    const RefChoice source = PickRef();
    Log("CreateBranch " + name + " from " + source.label);
    StatusCode want = source.code;
    if (want == StatusCode::kOk && FindBranch(name) != nullptr) want = StatusCode::kAlreadyExists;
    auto result = g_.CreateBranch(repo_, name, source.expr);
    if (!Expect(result.status(), want) || want != StatusCode::kOk) return;
    if (result->commit_id != model_.commits[source.commit].id) {
      return Mismatch("new branch at " + result->commit_id + ", the model expects " +
                      Label(source.commit));
    }
    model_.branches[name] = ModelBranch{source.commit, {}};
  }

  void OpDeleteBranch() {
    const std::string name = PickOf(kBranchNames);
    Log("DeleteBranch " + name);
    StatusCode want = StatusCode::kOk;
    if (name == repo_.default_branch) {
      want = StatusCode::kPreconditionFailed;
    } else if (FindBranch(name) == nullptr) {
      want = StatusCode::kNotFound;
    }
    if (Expect(g_.DeleteBranch(repo_, name), want) && want == StatusCode::kOk) {
      model_.branches.erase(name);
    }
  }

  void OpCreateTag() {
    const std::string name = PickOf(kTagNames);
    const RefChoice target = PickRef();
    Log("CreateTag " + name + " at " + target.label);
    StatusCode want = target.code;
    if (want == StatusCode::kOk && model_.tags.count(name)) want = StatusCode::kAlreadyExists;
    auto result = g_.CreateTag(repo_, name, target.expr);
    if (Expect(result.status(), want) && want == StatusCode::kOk) model_.tags[name] = target.commit;
  }

  void OpDeleteTag() {
    const std::string name = PickOf(kTagNames);
    Log("DeleteTag " + name);
    const StatusCode want = model_.tags.count(name) ? StatusCode::kOk : StatusCode::kNotFound;
    if (Expect(g_.DeleteTag(repo_, name), want) && want == StatusCode::kOk) model_.tags.erase(name);
  }

  // --- head-moving operations ---

  void OpMerge() {
    const std::string dest = PickHeadMoveBranch();
    RefChoice source;
    if (Chance(70)) {
      source.label = source.expr =
          PickBranch([&](const ModelBranch& b) { return &b != FindBranch(dest); });
      if (const ModelBranch* b = FindBranch(source.expr)) {
        source.commit = b->head;
      } else {
        source.code = StatusCode::kNotFound;
      }
    } else {
      source = PickRef();
    }
    MergeParams params;
    const int strategy = Pick(4);
    params.strategy = strategy == 2   ? MergeStrategy::kDestWins
                      : strategy == 3 ? MergeStrategy::kSourceWins
                                      : MergeStrategy::kNone;
    params.squash = Chance(10);
    params.no_fast_forward = Chance(15);
    params.allow_empty = Chance(10);
    params.committer = "model";
    params.message = Message();
    Log("Merge " + source.label + " into " + dest +
        (strategy == 2   ? " dest-wins"
         : strategy == 3 ? " source-wins"
                         : "") +
        (params.squash ? " squash" : "") + (params.no_fast_forward ? " no-ff" : "") +
        (params.allow_empty ? " allow-empty" : ""));

    ModelBranch* d = FindBranch(dest);
    StatusCode want = source.code;
    if (want == StatusCode::kOk && d == nullptr) want = StatusCode::kNotFound;
    if (want != StatusCode::kOk) {
      return (void)Expect(g_.Merge(repo_, dest, source.expr, params).status(), want);
    }
    if (!d->staged.empty()) {
      return (void)Expect(g_.Merge(repo_, dest, source.expr, params).status(),
                          StatusCode::kPreconditionFailed, "uncommitted changes");
    }
    const int head = d->head;
    const std::optional<int> base = model_.MergeBase(head, source.commit);
    if (!base.has_value()) return Note(" (skipped: several best merge bases)");
    if (*base == source.commit && !params.allow_empty) {
      return (void)Expect(g_.Merge(repo_, dest, source.expr, params).status(),
                          StatusCode::kPreconditionFailed, "no changes");
    }
    MergeConflicts conflicts;
    auto outcome = g_.Merge(repo_, dest, source.expr, params, &conflicts);
    if (*base == head && !params.no_fast_forward && !params.squash) {
      if (!Expect(outcome.status(), StatusCode::kOk)) return;
      if (!outcome->fast_forward || outcome->commit_id != model_.commits[source.commit].id) {
        return Mismatch("merge should fast-forward to " + Label(source.commit) + ", engine made " +
                        outcome->commit_id + (outcome->fast_forward ? " (fast-forward)" : ""));
      }
      Note(" -> fast-forward");
      d->head = source.commit;
      return;
    }
    const Tree& head_tree = model_.commits[head].tree;
    ThreeWayResult merged = ThreeWay(model_.commits[*base].tree, model_.commits[source.commit].tree,
                                     head_tree, params.strategy);
    if (!merged.conflicts.empty()) {
      if (!Expect(outcome.status(), StatusCode::kConflict)) return;
      Note(" -> conflicts " + Join(merged.conflicts));
      ExpectLines("merge conflicts", conflicts.paths, merged.conflicts);
      if (conflicts.more) Mismatch("merge reports more conflicts than the model has");
      CheckConflictPages(dest, source.expr, merged.conflicts);
      return;
    }
    if (!Expect(outcome.status(), StatusCode::kOk)) return;
    DiffSummary want_summary = SummaryOf(TreeDiff(head_tree, merged.tree));
    if (outcome->fast_forward || SummaryText(outcome->summary) != SummaryText(want_summary)) {
      return Mismatch("merge outcome: engine " + SummaryText(outcome->summary) +
                      (outcome->fast_forward ? " fast-forward" : "") + ", model " +
                      SummaryText(want_summary));
    }
    std::vector<int> parents{head};
    if (!params.squash) parents.push_back(source.commit);
    std::optional<int64_t> generation;  // max(parents) + 1, computed by AdoptCommit
    const int made =
        AdoptCommit(outcome->commit_id, std::move(parents), std::move(merged.tree), generation);
    if (made >= 0) d->head = made;
  }

  // ListMergeConflicts pages through the same paths, `amount` at a time.
  void CheckConflictPages(const std::string& dest, const std::string& source,
                          const std::vector<std::string>& want) {
    const std::size_t amount = 1 + static_cast<std::size_t>(Pick(2));
    std::vector<std::string> seen;
    std::string after;
    for (std::size_t page = 0; page <= want.size(); ++page) {
      auto listed = g_.ListMergeConflicts(repo_, dest, source, after, amount);
      if (!listed.ok()) return Mismatch("listing merge conflicts: " + listed.status().ToString());
      seen.insert(seen.end(), listed->paths.begin(), listed->paths.end());
      if (listed->paths.size() > amount || (listed->more && listed->paths.size() < amount)) {
        return Mismatch("a page of merge conflicts holds " + Join(listed->paths) +
                        (listed->more ? " and more" : ""));
      }
      if (!listed->more || listed->paths.empty()) break;
      after = listed->paths.back();
    }
    ExpectLines("merge conflicts listed in pages of " + std::to_string(amount), seen, want);
  }

  void OpRevert() { ApplyCommit(/*revert=*/true); }
  void OpCherryPick() { ApplyCommit(/*revert=*/false); }

  void ApplyCommit(bool revert) {
    const std::string branch = PickHeadMoveBranch();
    std::vector<int> single, merges;
    for (std::size_t i = 0; i < model_.commits.size(); ++i) {
      const std::size_t n = model_.commits[i].parents.size();
      if (n == 1) single.push_back(static_cast<int>(i));
      if (n > 1) merges.push_back(static_cast<int>(i));
    }
    int target = 0;  // the root commit, which has no parent to apply against
    int parent_number = 0;
    const int roll = Pick(100);
    if (roll < 85 && !single.empty()) {
      target = single[Pick(static_cast<int>(single.size()))];
    } else if (roll < 97 && !merges.empty()) {
      target = merges[Pick(static_cast<int>(merges.size()))];
      parent_number = Pick(3);  // 0: not chosen, which a merge commit requires
    }
    Log(std::string(revert ? "Revert " : "CherryPick ") + Label(target) +
        (parent_number ? " parent " + std::to_string(parent_number) : "") + " on " + branch);
    CommitParams params;
    params.committer = "model";
    params.message = Message();
    auto result =
        revert ? g_.Revert(repo_, branch, model_.commits[target].id, parent_number, params)
               : g_.CherryPick(repo_, branch, model_.commits[target].id, parent_number, params);
    const ModelCommit& t = model_.commits[target];
    if (t.parents.empty() || (t.parents.size() > 1 && parent_number < 1)) {
      return (void)Expect(result.status(), StatusCode::kInvalidArgument);
    }
    ModelBranch* b = FindBranch(branch);
    if (b == nullptr) return (void)Expect(result.status(), StatusCode::kNotFound);
    if (!b->staged.empty()) {
      return (void)Expect(result.status(), StatusCode::kPreconditionFailed, "uncommitted changes");
    }
    const Tree& parent = model_.commits[t.parents[std::max(parent_number, 1) - 1]].tree;
    const Tree& head_tree = model_.commits[b->head].tree;
    ThreeWayResult merged = revert ? ThreeWay(t.tree, parent, head_tree, MergeStrategy::kNone)
                                   : ThreeWay(parent, t.tree, head_tree, MergeStrategy::kNone);
    if (!merged.conflicts.empty()) {
      if (Expect(result.status(), StatusCode::kConflict)) Note(" -> conflict");
      return;
    }
    if (merged.tree == head_tree) {
      (void)Expect(result.status(), StatusCode::kPreconditionFailed, "no changes");
      return;
    }
    if (!Expect(result.status(), StatusCode::kOk)) return;
    if (!revert && result->metadata["cherry-pick-origin"] != t.id) {
      return Mismatch("cherry-pick-origin is '" + result->metadata["cherry-pick-origin"] +
                      "', the model expects " + t.id);
    }
    const int made = AdoptCommit(result->id, {b->head}, std::move(merged.tree));
    if (made >= 0) b->head = made;
  }

  void OpResetHard() {
    const std::string branch = PickHeadMoveBranch();
    ModelBranch* b = FindBranch(branch);
    RefChoice target;
    if (b != nullptr && Chance(70)) {
      // An earlier commit of the branch, named by its id or as branch~N.
      const std::set<int> reachable = model_.Ancestors(b->head);
      const std::vector<int> ancestors(reachable.begin(), reachable.end());
      if (Chance(50)) {
        target = CommitRef(ancestors[Pick(static_cast<int>(ancestors.size()))]);
      } else {
        target.label = target.expr = branch;
        target.commit = b->head;
        ApplyModifier(target, /*tilde=*/true, Pick(FirstParentDepth(b->head) + 1));
      }
    } else {
      target = PickRef();
    }
    Log("ResetHard " + branch + " to " + target.label);
    auto result = g_.ResetHard(repo_, branch, target.expr);
    // The branch is checked before the ref is resolved.
    if (b == nullptr) return (void)Expect(result.status(), StatusCode::kNotFound);
    if (!b->staged.empty()) {
      return (void)Expect(result.status(), StatusCode::kPreconditionFailed, "uncommitted changes");
    }
    if (!Expect(result.status(), target.code) || target.code != StatusCode::kOk) return;
    if (result->commit_id != model_.commits[target.commit].id) {
      return Mismatch("reset to " + result->commit_id + ", the model expects " +
                      Label(target.commit));
    }
    b->head = target.commit;
  }

  // --- reads ---

  void OpGet() {
    const RefChoice r = PickRef();
    const std::string key =
        r.code == StatusCode::kOk ? PickKeyOf(ViewOf(r, /*staging=*/true)) : PickKey();
    Log("Get " + r.label + " " + key);
    auto value = g_.Get(repo_, r.expr, key);
    if (r.code != StatusCode::kOk) return (void)Expect(value.status(), r.code);
    const auto want = At(ViewOf(r, /*staging=*/true), key);
    if (!want.has_value()) return (void)Expect(value.status(), StatusCode::kNotFound);
    if (!Expect(value.status(), StatusCode::kOk)) return;
    if (!(*value == ValueOf(*want))) {
      Mismatch("value '" + value->data + "', the model expects '" + *want + "'");
    }
  }

  void OpList() {
    const RefChoice r = PickRef();
    ListParams params;
    params.prefix = PickOf(kPrefixes);
    params.after = PickOf(kAfters);
    Log("List " + r.label + " prefix '" + params.prefix + "' after '" + params.after + "'");
    if (r.code != StatusCode::kOk) {
      return (void)Expect(g_.List(repo_, r.expr, params).status(), r.code);
    }
    ExpectLines("listing", ListLines(r.expr, params),
                TreeLines(ViewOf(r, /*staging=*/true), params.prefix, params.after));
  }

  void OpDiffUncommitted() {
    const std::string branch = PickBranch();
    Log("DiffUncommitted " + branch);
    auto diff = g_.DiffUncommitted(repo_, branch);
    const ModelBranch* b = FindBranch(branch);
    if (b == nullptr) return (void)Expect(diff.status(), StatusCode::kNotFound);
    if (!Expect(diff.status(), StatusCode::kOk)) return;
    ExpectLines("uncommitted changes", EngineLines(**diff),
                TreeDiff(model_.commits[b->head].tree, model_.Visible(*b)));
  }

  void OpDiff() {
    const RefChoice left = PickRef();
    const RefChoice right = PickRef();
    Log("Diff " + left.label + " .. " + right.label);
    auto diff = g_.Diff(repo_, left.expr, right.expr);
    StatusCode want = left.code != StatusCode::kOk ? left.code : right.code;
    if (want == StatusCode::kOk && left.kind == Kind::kBranchStaging) {
      want = StatusCode::kInvalidArgument;
    }
    if (!Expect(diff.status(), want) || want != StatusCode::kOk) return;
    const Tree to = right.kind == Kind::kBranchStaging ? ViewOf(right, /*staging=*/true)
                                                       : model_.commits[right.commit].tree;
    ExpectLines("diff", EngineLines(**diff), TreeDiff(model_.commits[left.commit].tree, to));
  }

  void OpCompare() {
    const RefChoice left = PickRef();
    const RefChoice right = PickRef();
    Log("Compare " + left.label + " ... " + right.label);
    const StatusCode want = left.code != StatusCode::kOk ? left.code : right.code;
    if (want != StatusCode::kOk)
      return (void)Expect(g_.Compare(repo_, left.expr, right.expr).status(), want);
    const std::optional<int> base = model_.MergeBase(left.commit, right.commit);
    if (!base.has_value()) return Note(" (skipped: several best merge bases)");
    auto diff = g_.Compare(repo_, left.expr, right.expr);
    if (!Expect(diff.status(), StatusCode::kOk)) return;
    ExpectLines("compare", EngineLines(**diff),
                TreeDiff(model_.commits[*base].tree, model_.commits[right.commit].tree));
  }

  Graveler& g_;
  const Repository repo_;
  const uint64_t seed_;
  std::mt19937_64 rng_;
  Model model_;
  int step_ = 0;
  std::vector<std::string> log_;
  std::string failure_;
};

// ---------------------------------------------------------------------------------------------
// The test.

struct Plan {
  uint64_t first_seed;
  int seeds;
  int steps;
};

Plan PlanFor(Backend backend) {
  switch (backend) {
    case Backend::kMemory:
      return {1, 60, 150};
    case Backend::kRocksDbLocal:
      return {1001, 8, 100};
    case Backend::kPostgresS3:
      return {2001, 8, 100};
  }
  return {1, 1, 1};
}

class GravelerModelTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string why;
    if (!testing::BackendAvailable(GetParam(), &why)) {
      if (why == "skip") GTEST_SKIP() << "service tests skipped by environment";
      FAIL() << why;
    }
    testing::EngineOptions options;
    options.split.target_entries = 3;  // many small ranges, so range boundaries move
    auto engine = testing::MakeEngine(GetParam(), options);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value();
  }

  std::unique_ptr<testing::Engine> engine_;
};

TEST_P(GravelerModelTest, RandomOperationsAgreeWithTheModel) {
  Plan plan = PlanFor(GetParam());
  if (const char* seed = std::getenv("TARN_MODEL_SEED"); seed != nullptr && *seed != '\0') {
    plan.first_seed = std::strtoull(seed, nullptr, 10);
    plan.seeds = 1;
  }
  if (const char* steps = std::getenv("TARN_MODEL_STEPS"); steps != nullptr && *steps != '\0') {
    plan.steps = std::atoi(steps);
  }
  int failures = 0;
  for (int i = 0; i < plan.seeds && failures < 3; ++i) {
    const uint64_t seed = plan.first_seed + static_cast<uint64_t>(i);
    CreateRepositoryParams params;
    params.id = "model-" + std::to_string(seed);
    params.storage_namespace = engine_->FreshNamespace();
    auto repo = engine_->graveler().CreateRepository(params);
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    ModelRun run(engine_->graveler(), *repo, seed);
    const std::string failure = run.Run(plan.steps);
    if (!failure.empty()) {
      ++failures;
      ADD_FAILURE() << failure;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, GravelerModelTest,
                         ::testing::Values(Backend::kMemory, Backend::kRocksDbLocal,
                                           Backend::kPostgresS3),
                         [](const auto& info) { return testing::BackendName(info.param); });

}  // namespace
}  // namespace tarn::graveler
