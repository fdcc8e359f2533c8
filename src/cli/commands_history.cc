// tarn commit, log, diff, merge and cherry-pick.
#include "cli/command_support.h"
#include "cli/commands_internal.h"
#include "cli/output.h"
#include "cli/uri.h"

namespace tarn::cli {
namespace {

std::string RepoPath(const Uri& uri) { return "/repositories/" + Seg(uri.repository); }

std::string DiffMark(const std::string& type) {
  if (type == "added") return "+";
  if (type == "removed") return "-";
  if (type == "conflict") return "!";
  return "~";
}

Status PrintDiff(Session& s, const std::string& path, const Query& query, int64_t amount) {
  nlohmann::json all = nlohmann::json::array();
  RETURN_IF_ERROR(s.client->ListAll(path, query, amount, [&](const nlohmann::json& d) {
    all.push_back(d);
    return Status::OK();
  }));
  if (s.json) {
    Print(FormatJson(all));
    return Status::OK();
  }
  std::string out;
  for (const auto& d : all) {
    out += DiffMark(Cell(d, "type")) + " " + Cell(d, "path") + "\n";
  }
  if (all.empty()) out = "No changes\n";
  Print(out);
  return Status::OK();
}

void AddCommit(CLI::App& app, int& exit_code, std::shared_ptr<GlobalFlags> flags) {
  struct Args {
    std::string uri, message;
    std::vector<std::string> meta;
    bool allow_empty = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = AddTopCommand(app, "commit", "Commit a branch's uncommitted changes", *flags);
  cmd->add_option("uri", args->uri, "tarn://<repository>/<branch>")->required();
  cmd->add_option("-m,--message", args->message, "Commit message")->required();
  cmd->add_option("--meta", args->meta, "Metadata key=value (repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_flag("--allow-empty", args->allow_empty, "Commit even with no changes");
  OnRun(cmd, flags, exit_code, [args](Session& s) -> Status {
    ASSIGN_OR_RETURN(Uri uri, ParseRefUri(args->uri));
    ASSIGN_OR_RETURN(auto meta, ParseKeyValues(args->meta));
    nlohmann::json body = {
        {"message", args->message}, {"metadata", meta}, {"allow_empty", args->allow_empty}};
    ASSIGN_OR_RETURN(
        nlohmann::json commit,
        s.client->Call("POST", RepoPath(uri) + "/branches/" + Seg(uri.ref) + "/commits", {},
                       &body));
    if (s.json) {
      Print(FormatJson(commit));
      return Status::OK();
    }
    Print("Commit for branch \"" + uri.ref + "\" completed.\n\nID: " + Cell(commit, "id") +
          "\nMessage: " + Cell(commit, "message") +
          "\nTimestamp: " + FormatTime(commit.value("creation_date", int64_t{0})) + "\n");
    return Status::OK();
  });
}

void AddLog(CLI::App& app, int& exit_code, std::shared_ptr<GlobalFlags> flags) {
  struct Args {
    std::string uri;
    int64_t amount = 0;
    bool first_parent = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = AddTopCommand(app, "log", "Show the commits reachable from a ref", *flags);
  cmd->add_option("uri", args->uri, "tarn://<repository>/<ref>")->required();
  cmd->add_option("--amount", args->amount, "Show at most this many (default: all)");
  cmd->add_flag("--first-parent", args->first_parent, "Follow only the first parent of merges");
  OnRun(cmd, flags, exit_code, [args](Session& s) -> Status {
    ASSIGN_OR_RETURN(Uri uri, ParseRefUri(args->uri));
    Query query;
    if (args->first_parent) query.emplace_back("first_parent", "true");
    nlohmann::json all = nlohmann::json::array();
    RETURN_IF_ERROR(s.client->ListAll(RepoPath(uri) + "/refs/" + Seg(uri.ref) + "/commits", query,
                                      args->amount, [&](const nlohmann::json& c) {
                                        all.push_back(c);
                                        return Status::OK();
                                      }));
    if (s.json) {
      Print(FormatJson(all));
      return Status::OK();
    }
    std::string out;
    for (const auto& c : all) {
      out += "ID:        " + Cell(c, "id") + "\nCommitter: " + Cell(c, "committer") +
             "\nDate:      " + FormatTime(c.value("creation_date", int64_t{0})) + "\n";
      if (c.contains("parents") && c["parents"].size() > 1) {
        out += "Merge:     ";
        for (const auto& p : c["parents"]) out += p.get<std::string>().substr(0, 12) + " ";
        out.back() = '\n';
      }
      if (std::string meta = FormatMetadata(c.value("metadata", nlohmann::json::object()));
          !meta.empty()) {
        out += "Metadata:  " + meta + "\n";
      }
      out += "\n    " + Cell(c, "message") + "\n\n";
    }
    Print(out);
    return Status::OK();
  });
}

void AddDiff(CLI::App& app, int& exit_code, std::shared_ptr<GlobalFlags> flags) {
  struct Args {
    std::string left, right, prefix;
    int64_t amount = 0;
    bool two_way = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = AddTopCommand(
      app, "diff",
      "Show a branch's uncommitted changes (one address), or the changes between two refs", *flags);
  cmd->add_option("left", args->left, "tarn://<repository>/<ref>")->required();
  cmd->add_option("right", args->right, "tarn://<repository>/<ref> to compare with");
  cmd->add_option("--prefix", args->prefix, "Only paths under this prefix");
  cmd->add_option("--amount", args->amount, "Show at most this many (default: all)");
  cmd->add_flag("--two-way", args->two_way,
                "Compare the refs directly (two-dot) instead of from their merge base");
  OnRun(cmd, flags, exit_code, [args](Session& s) -> Status {
    ASSIGN_OR_RETURN(Uri left, ParseRefUri(args->left));
    Query query;
    if (!args->prefix.empty()) query.emplace_back("prefix", args->prefix);
    if (args->right.empty()) {
      return PrintDiff(s, RepoPath(left) + "/branches/" + Seg(left.ref) + "/diff", query,
                       args->amount);
    }
    ASSIGN_OR_RETURN(Uri right, ParseRefUri(args->right));
    if (right.repository != left.repository) {
      return Status::InvalidArgument("both refs must be in the same repository");
    }
    query.emplace_back("type", args->two_way ? "two_dot" : "three_dot");
    return PrintDiff(s, RepoPath(left) + "/refs/" + Seg(left.ref) + "/diff/" + Seg(right.ref),
                     query, args->amount);
  });
}

void AddMerge(CLI::App& app, int& exit_code, std::shared_ptr<GlobalFlags> flags) {
  struct Args {
    std::string source, destination, strategy, message;
    std::vector<std::string> meta;
    bool squash = false, allow_empty = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = AddTopCommand(app, "merge", "Merge a ref into a branch", *flags);
  cmd->add_option("source", args->source, "tarn://<repository>/<source ref>")->required();
  cmd->add_option("destination", args->destination, "tarn://<repository>/<destination branch>")
      ->required();
  cmd->add_option("--strategy", args->strategy,
                  "On conflicts, take the destination's (dest-wins) or source's (source-wins) "
                  "version instead of failing")
      ->check(CLI::IsMember({"dest-wins", "source-wins"}));
  cmd->add_option("-m,--message", args->message, "Merge commit message");
  cmd->add_option("--meta", args->meta, "Metadata key=value (repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_flag("--squash", args->squash, "Record only the destination as parent");
  cmd->add_flag("--allow-empty", args->allow_empty, "Merge even when nothing changes");
  OnRun(cmd, flags, exit_code, [args](Session& s) -> Status {
    ASSIGN_OR_RETURN(Uri source, ParseRefUri(args->source));
    ASSIGN_OR_RETURN(Uri destination, ParseRefUri(args->destination));
    if (source.repository != destination.repository) {
      return Status::InvalidArgument("source and destination must be in the same repository");
    }
    ASSIGN_OR_RETURN(auto meta, ParseKeyValues(args->meta));
    nlohmann::json body = {
        {"metadata", meta}, {"squash_merge", args->squash}, {"allow_empty", args->allow_empty}};
    if (!args->strategy.empty()) body["strategy"] = args->strategy;
    if (!args->message.empty()) body["message"] = args->message;
    ASSIGN_OR_RETURN(nlohmann::json result,
                     s.client->Call("POST",
                                    RepoPath(source) + "/refs/" + Seg(source.ref) + "/merge/" +
                                        Seg(destination.ref),
                                    {}, &body));
    if (s.json) {
      Print(FormatJson(result));
      return Status::OK();
    }
    Print("Merged \"" + source.ref + "\" into \"" + destination.ref +
          "\": " + Cell(result, "reference") + "\n");
    return Status::OK();
  });
}

void AddCherryPick(CLI::App& app, int& exit_code, std::shared_ptr<GlobalFlags> flags) {
  struct Args {
    std::string commit, branch;
    int parent_number = 0;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = AddTopCommand(
      app, "cherry-pick", "Apply the changes of a commit to a branch as a new commit", *flags);
  cmd->add_option("commit", args->commit, "tarn://<repository>/<commit id or ref>")->required();
  cmd->add_option("branch", args->branch, "tarn://<repository>/<branch>")->required();
  cmd->add_option("-m,--parent-number", args->parent_number,
                  "For a merge commit: the parent (from 1) to diff against");
  OnRun(cmd, flags, exit_code, [args](Session& s) -> Status {
    ASSIGN_OR_RETURN(Uri commit, ParseRefUri(args->commit));
    ASSIGN_OR_RETURN(Uri branch, ParseRefUri(args->branch));
    if (commit.repository != branch.repository) {
      return Status::InvalidArgument("the commit and the branch must be in the same repository");
    }
    nlohmann::json body = {{"ref", commit.ref}};
    if (args->parent_number > 0) body["parent_number"] = args->parent_number;
    ASSIGN_OR_RETURN(
        nlohmann::json result,
        s.client->Call("POST", RepoPath(branch) + "/branches/" + Seg(branch.ref) + "/cherry-pick",
                       {}, &body));
    if (s.json) {
      Print(FormatJson(result));
      return Status::OK();
    }
    Print("Cherry-picked " + commit.ref + " onto " + branch.ref + ": " + Cell(result, "id") + "\n");
    return Status::OK();
  });
}

}  // namespace

void AddHistoryCommands(CLI::App& app, int& exit_code, std::shared_ptr<GlobalFlags> flags) {
  AddCommit(app, exit_code, flags);
  AddLog(app, exit_code, flags);
  AddDiff(app, exit_code, flags);
  AddMerge(app, exit_code, flags);
  AddCherryPick(app, exit_code, flags);
}

}  // namespace tarn::cli
