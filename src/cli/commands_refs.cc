// tarn branch create/list/delete/show/reset/revert and tarn tag create/list/delete.
#include "cli/command_support.h"
#include "cli/commands_internal.h"
#include "cli/output.h"
#include "cli/uri.h"

namespace tarn::cli {
namespace {

std::string RefsPath(const Uri& uri, const char* kind) {
  return "/repositories/" + Seg(uri.repository) + "/" + kind;
}

Status PrintRefs(Session& s, const std::string& path, int64_t amount) {
  nlohmann::json all = nlohmann::json::array();
  RETURN_IF_ERROR(s.client->ListAll(path, {}, amount, [&](const nlohmann::json& ref) {
    all.push_back(ref);
    return Status::OK();
  }));
  if (s.json) {
    Print(FormatJson(all));
    return Status::OK();
  }
  Table table({"NAME", "COMMIT ID"});
  for (const auto& ref : all) table.AddRow({Cell(ref, "id"), Cell(ref, "commit_id")});
  Print(table.Render());
  return Status::OK();
}

// Adds `list` taking tarn://<repository> and --amount.
void AddList(CLI::App* parent, const char* kind, int& exit_code,
             std::shared_ptr<GlobalFlags> flags) {
  struct Args {
    std::string uri;
    int64_t amount = 0;
  };
  auto args = std::make_shared<Args>();
  CLI::App* list = parent->add_subcommand("list", std::string("List ") + kind);
  list->add_option("uri", args->uri, "tarn://<repository>")->required();
  list->add_option("--amount", args->amount, "Show at most this many (default: all)");
  OnRun(list, flags, exit_code, [args, kind](Session& s) -> Status {
    ASSIGN_OR_RETURN(Uri uri, ParseRepositoryUri(args->uri));
    return PrintRefs(s, RefsPath(uri, kind), args->amount);
  });
}

// Adds `delete` taking tarn://<repository>/<name>.
void AddDelete(CLI::App* parent, const char* kind, int& exit_code,
               std::shared_ptr<GlobalFlags> flags) {
  auto target = std::make_shared<std::string>();
  CLI::App* del = parent->add_subcommand("delete", std::string("Delete one of the ") + kind);
  del->add_option("uri", *target, "tarn://<repository>/<name>")->required();
  OnRun(del, flags, exit_code, [target, kind](Session& s) -> Status {
    ASSIGN_OR_RETURN(Uri uri, ParseRefUri(*target));
    RETURN_IF_ERROR(s.client->Call("DELETE", RefsPath(uri, kind) + "/" + Seg(uri.ref)).status());
    Print("Deleted " + uri.ToString() + "\n");
    return Status::OK();
  });
}

}  // namespace

void AddBranchCommands(CLI::App& app, int& exit_code, std::shared_ptr<GlobalFlags> flags) {
  CLI::App* branch =
      AddTopCommand(app, "branch", "Create, list, inspect and reset branches", *flags);
  branch->require_subcommand(1);

  struct CreateArgs {
    std::string uri, source;
  };
  auto create_args = std::make_shared<CreateArgs>();
  CLI::App* create = branch->add_subcommand("create", "Create a branch from a ref");
  create->add_option("uri", create_args->uri, "tarn://<repository>/<new branch>")->required();
  create->add_option("-s,--source", create_args->source, "tarn://<repository>/<source ref>")
      ->required();
  OnRun(create, flags, exit_code, [create_args](Session& s) -> Status {
    ASSIGN_OR_RETURN(Uri uri, ParseRefUri(create_args->uri));
    ASSIGN_OR_RETURN(Uri source, ParseRefUri(create_args->source));
    if (source.repository != uri.repository) {
      return Status::InvalidArgument("the source " + source.ToString() +
                                     " must be in the same repository as " + uri.ToString());
    }
    nlohmann::json body = {{"name", uri.ref}, {"source", source.ref}};
    RETURN_IF_ERROR(s.client->Call("POST", RefsPath(uri, "branches"), {}, &body).status());
    Print("Created branch " + uri.ToString() + " from " + source.ref + "\n");
    return Status::OK();
  });

  AddList(branch, "branches", exit_code, flags);
  AddDelete(branch, "branches", exit_code, flags);

  auto show_uri = std::make_shared<std::string>();
  CLI::App* show = branch->add_subcommand("show", "Show the commit a branch points at");
  show->add_option("uri", *show_uri, "tarn://<repository>/<branch>")->required();
  OnRun(show, flags, exit_code, [show_uri](Session& s) -> Status {
    ASSIGN_OR_RETURN(Uri uri, ParseRefUri(*show_uri));
    ASSIGN_OR_RETURN(nlohmann::json ref,
                     s.client->Call("GET", RefsPath(uri, "branches") + "/" + Seg(uri.ref)));
    if (s.json) {
      Print(FormatJson(ref));
    } else {
      Print("Branch: " + Cell(ref, "id") + "\nCommit ID: " + Cell(ref, "commit_id") + "\n");
    }
    return Status::OK();
  });

  struct ResetArgs {
    std::string uri, prefix, object;
  };
  auto reset_args = std::make_shared<ResetArgs>();
  CLI::App* reset = branch->add_subcommand(
      "reset", "Discard uncommitted changes: all of them, under --prefix, or of one --object");
  reset->add_option("uri", reset_args->uri, "tarn://<repository>/<branch>")->required();
  auto* prefix_opt = reset->add_option("--prefix", reset_args->prefix,
                                       "Discard only changes under this path prefix");
  reset->add_option("--object", reset_args->object, "Discard only changes to this path")
      ->excludes(prefix_opt);
  OnRun(reset, flags, exit_code, [reset_args](Session& s) -> Status {
    ASSIGN_OR_RETURN(Uri uri, ParseRefUri(reset_args->uri));
    nlohmann::json body = {{"type", "reset"}};
    if (!reset_args->prefix.empty())
      body = {{"type", "common_prefix"}, {"path", reset_args->prefix}};
    if (!reset_args->object.empty()) body = {{"type", "object"}, {"path", reset_args->object}};
    RETURN_IF_ERROR(
        s.client->Call("PUT", RefsPath(uri, "branches") + "/" + Seg(uri.ref), {}, &body).status());
    Print("Reset " + uri.ToString() + "\n");
    return Status::OK();
  });

  struct RevertArgs {
    std::string uri;
    std::vector<std::string> commits;
    int parent_number = 0;
  };
  auto revert_args = std::make_shared<RevertArgs>();
  CLI::App* revert = branch->add_subcommand(
      "revert", "Commit the inverse of one or more commits on a branch, in the order given");
  revert->add_option("uri", revert_args->uri, "tarn://<repository>/<branch>")->required();
  revert->add_option("commits", revert_args->commits, "Commit ids or refs to revert")->required();
  revert->add_option("-m,--parent-number", revert_args->parent_number,
                     "For a merge commit: the parent (from 1) to diff against");
  OnRun(revert, flags, exit_code, [revert_args](Session& s) -> Status {
    ASSIGN_OR_RETURN(Uri uri, ParseRefUri(revert_args->uri));
    for (const std::string& commit : revert_args->commits) {
      nlohmann::json body = {{"ref", commit}, {"parent_number", revert_args->parent_number}};
      RETURN_IF_ERROR(
          s.client
              ->Call("POST", RefsPath(uri, "branches") + "/" + Seg(uri.ref) + "/revert", {}, &body)
              .status());
      Print("Reverted " + commit + " on " + uri.ToString() + "\n");
    }
    return Status::OK();
  });
}

void AddTagCommands(CLI::App& app, int& exit_code, std::shared_ptr<GlobalFlags> flags) {
  CLI::App* tag = AddTopCommand(app, "tag", "Create, list and delete tags", *flags);
  tag->require_subcommand(1);

  struct CreateArgs {
    std::string uri, target;
    bool force = false;
  };
  auto args = std::make_shared<CreateArgs>();
  CLI::App* create = tag->add_subcommand("create", "Tag a commit");
  create->add_option("uri", args->uri, "tarn://<repository>/<tag>")->required();
  create->add_option("target", args->target, "tarn://<repository>/<ref or commit id>")->required();
  create->add_flag("-f,--force", args->force, "Replace an existing tag of that name");
  OnRun(create, flags, exit_code, [args](Session& s) -> Status {
    ASSIGN_OR_RETURN(Uri uri, ParseRefUri(args->uri));
    ASSIGN_OR_RETURN(Uri target, ParseRefUri(args->target));
    if (target.repository != uri.repository) {
      return Status::InvalidArgument("the target " + target.ToString() +
                                     " must be in the same repository as " + uri.ToString());
    }
    nlohmann::json body = {{"id", uri.ref}, {"ref", target.ref}, {"force", args->force}};
    ASSIGN_OR_RETURN(nlohmann::json ref, s.client->Call("POST", RefsPath(uri, "tags"), {}, &body));
    Print("Created tag " + uri.ToString() + " (" + Cell(ref, "commit_id") + ")\n");
    return Status::OK();
  });

  AddList(tag, "tags", exit_code, flags);
  AddDelete(tag, "tags", exit_code, flags);
}

}  // namespace tarn::cli
