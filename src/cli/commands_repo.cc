// tarn repo create/list/delete.
#include "cli/command_support.h"
#include "cli/commands_internal.h"
#include "cli/output.h"
#include "cli/uri.h"

namespace tarn::cli {
namespace {

// A namespace beside the server's example (".../example-repo" -> ".../<name>").
Result<std::string> DefaultNamespace(RestClient& client, const std::string& repository) {
  ASSIGN_OR_RETURN(nlohmann::json storage, client.Call("GET", "/config/storage"));
  std::string example = Cell(storage, "blockstore_namespace_example");
  const size_t slash = example.rfind('/');
  if (example.empty() || slash == std::string::npos) {
    return Status::InvalidArgument(
        "the server suggests no storage namespace: pass one, e.g. tarn repo create "
        "tarn://" +
        repository + " local://" + repository);
  }
  return example.substr(0, slash + 1) + repository;
}

}  // namespace

void AddRepoCommands(CLI::App& app, int& exit_code, std::shared_ptr<GlobalFlags> flags) {
  CLI::App* repo = AddTopCommand(app, "repo", "Create, list and delete repositories", *flags);
  repo->require_subcommand(1);

  struct CreateArgs {
    std::string uri, storage_namespace, default_branch = "main";
  };
  auto create_args = std::make_shared<CreateArgs>();
  CLI::App* create = repo->add_subcommand("create", "Create a repository");
  create->add_option("uri", create_args->uri, "tarn://<repository>")->required();
  create->add_option("storage-namespace", create_args->storage_namespace,
                     "Where its objects live, e.g. local://my-repo or s3://bucket/prefix "
                     "(default: beside the server's example namespace)");
  create->add_option("-d,--default-branch", create_args->default_branch,
                     "Name of the default branch");
  OnRun(create, flags, exit_code, [create_args](Session& s) -> Status {
    ASSIGN_OR_RETURN(Uri uri, ParseRepositoryUri(create_args->uri));
    std::string ns = create_args->storage_namespace;
    if (ns.empty()) {
      ASSIGN_OR_RETURN(ns, DefaultNamespace(*s.client, uri.repository));
    }
    nlohmann::json body = {{"name", uri.repository},
                           {"storage_namespace", ns},
                           {"default_branch", create_args->default_branch}};
    ASSIGN_OR_RETURN(nlohmann::json created, s.client->Call("POST", "/repositories", {}, &body));
    if (s.json) {
      Print(FormatJson(created));
    } else {
      Print("Repository: " + uri.ToString() +
            "\nStorage namespace: " + Cell(created, "storage_namespace") +
            "\nDefault branch: " + Cell(created, "default_branch") + "\n");
    }
    return Status::OK();
  });

  auto amount = std::make_shared<int64_t>(0);
  CLI::App* list = repo->add_subcommand("list", "List repositories");
  list->add_option("--amount", *amount, "Show at most this many (default: all)");
  OnRun(list, flags, exit_code, [amount](Session& s) -> Status {
    nlohmann::json all = nlohmann::json::array();
    RETURN_IF_ERROR(s.client->ListAll("/repositories", {}, *amount, [&](const nlohmann::json& r) {
      all.push_back(r);
      return Status::OK();
    }));
    if (s.json) {
      Print(FormatJson(all));
      return Status::OK();
    }
    Table table({"REPOSITORY", "CREATION DATE", "DEFAULT BRANCH", "STORAGE NAMESPACE"});
    for (const auto& r : all) {
      table.AddRow({Cell(r, "id"), FormatTime(r.value("creation_date", int64_t{0})),
                    Cell(r, "default_branch"), Cell(r, "storage_namespace")});
    }
    Print(table.Render());
    return Status::OK();
  });

  auto delete_uri = std::make_shared<std::string>();
  CLI::App* del =
      repo->add_subcommand("delete", "Delete a repository (its objects stay in storage)");
  del->add_option("uri", *delete_uri, "tarn://<repository>")->required();
  OnRun(del, flags, exit_code, [delete_uri](Session& s) -> Status {
    ASSIGN_OR_RETURN(Uri uri, ParseRepositoryUri(*delete_uri));
    RETURN_IF_ERROR(s.client->Call("DELETE", "/repositories/" + Seg(uri.repository)).status());
    Print("Deleted repository " + uri.ToString() + "\n");
    return Status::OK();
  });
}

}  // namespace tarn::cli
