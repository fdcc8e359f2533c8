// tarn auth users/groups/policies/credentials ...
#include <fstream>
#include <sstream>

#include "cli/command_support.h"
#include "cli/commands_internal.h"
#include "cli/output.h"

namespace tarn::cli {
namespace {

struct IdArgs {
  std::string id, user, group, policy, access_key_id, file;
  int64_t amount = 0;
};

Status PrintList(Session& s, const std::string& path, int64_t amount,
                 const std::vector<std::string>& headers,
                 const std::function<std::vector<std::string>(const nlohmann::json&)>& row) {
  nlohmann::json all = nlohmann::json::array();
  RETURN_IF_ERROR(s.client->ListAll(path, {}, amount, [&](const nlohmann::json& item) {
    all.push_back(item);
    return Status::OK();
  }));
  if (s.json) {
    Print(FormatJson(all));
    return Status::OK();
  }
  Table table(headers);
  for (const auto& item : all) table.AddRow(row(item));
  Print(table.Render());
  return Status::OK();
}

std::vector<std::string> IdAndDate(const nlohmann::json& item) {
  return {Cell(item, "id"), FormatTime(item.value("creation_date", int64_t{0}))};
}

CLI::App* Sub(CLI::App* parent, const char* name, const char* help, std::shared_ptr<IdArgs>& args) {
  args = std::make_shared<IdArgs>();
  return parent->add_subcommand(name, help);
}

// create/list/delete for users and groups: POST {id}, GET list, DELETE /<id>.
void AddCrud(CLI::App* parent, const std::string& collection, const char* noun, int& exit_code,
             std::shared_ptr<GlobalFlags> flags) {
  std::shared_ptr<IdArgs> c;
  CLI::App* create = Sub(parent, "create", "Create one", c);
  create->add_option("--id", c->id, std::string(noun) + " id")->required();
  OnRun(create, flags, exit_code, [c, collection, noun](Session& s) -> Status {
    nlohmann::json body = {{"id", c->id}};
    ASSIGN_OR_RETURN(nlohmann::json made, s.client->Call("POST", collection, {}, &body));
    if (s.json) {
      Print(FormatJson(made));
    } else {
      Print(std::string("Created ") + noun + " " + c->id + "\n");
    }
    return Status::OK();
  });
  std::shared_ptr<IdArgs> l;
  CLI::App* list = Sub(parent, "list", "List them", l);
  list->add_option("--amount", l->amount, "Show at most this many (default: all)");
  OnRun(list, flags, exit_code, [l, collection](Session& s) {
    return PrintList(s, collection, l->amount, {"ID", "CREATION DATE"}, IdAndDate);
  });
  std::shared_ptr<IdArgs> d;
  CLI::App* del = Sub(parent, "delete", "Delete one", d);
  del->add_option("--id", d->id, std::string(noun) + " id")->required();
  OnRun(del, flags, exit_code, [d, collection, noun](Session& s) -> Status {
    RETURN_IF_ERROR(s.client->Call("DELETE", collection + "/" + Seg(d->id)).status());
    Print(std::string("Deleted ") + noun + " " + d->id + "\n");
    return Status::OK();
  });
}

void AddMembers(CLI::App* groups, int& exit_code, std::shared_ptr<GlobalFlags> flags) {
  CLI::App* members = groups->add_subcommand("members", "Add, remove and list group members");
  members->require_subcommand(1);
  for (const char* verb : {"add", "remove"}) {
    std::shared_ptr<IdArgs> a;
    const bool add = std::string(verb) == "add";
    CLI::App* cmd = Sub(members, verb, add ? "Add a user to a group" : "Remove a user", a);
    cmd->add_option("--id", a->id, "Group id")->required();
    cmd->add_option("--user", a->user, "User id")->required();
    OnRun(cmd, flags, exit_code, [a, add](Session& s) -> Status {
      RETURN_IF_ERROR(s.client
                          ->Call(add ? "PUT" : "DELETE",
                                 "/auth/groups/" + Seg(a->id) + "/members/" + Seg(a->user))
                          .status());
      Print((add ? "Added " : "Removed ") + a->user + (add ? " to " : " from ") + a->id + "\n");
      return Status::OK();
    });
  }
  std::shared_ptr<IdArgs> l;
  CLI::App* list = Sub(members, "list", "List a group's members", l);
  list->add_option("--id", l->id, "Group id")->required();
  list->add_option("--amount", l->amount, "Show at most this many (default: all)");
  OnRun(list, flags, exit_code, [l](Session& s) {
    return PrintList(s, "/auth/groups/" + Seg(l->id) + "/members", l->amount,
                     {"USER ID", "CREATION DATE"}, IdAndDate);
  });
}

Result<nlohmann::json> ReadPolicyFile(const std::string& path, const std::string& id) {
  std::ifstream in(path);
  if (!in) return Status::IOError("cannot read policy document " + path);
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, false);
  if (doc.is_discarded()) {
    return Status::InvalidArgument(path +
                                   " is not JSON: a policy document is "
                                   "{\"statement\": [{\"effect\", \"action\", \"resource\"}]}");
  }
  if (doc.is_array()) doc = {{"statement", doc}};
  if (!doc.is_object() || !doc.contains("statement")) {
    return Status::InvalidArgument(path + " has no \"statement\" array");
  }
  doc["id"] = id;
  return doc;
}

void AddPolicies(CLI::App* auth, int& exit_code, std::shared_ptr<GlobalFlags> flags) {
  CLI::App* policies = auth->add_subcommand("policies", "Manage policies and their attachments");
  policies->require_subcommand(1);

  std::shared_ptr<IdArgs> c;
  CLI::App* create = Sub(policies, "create", "Create a policy from a JSON document", c);
  create->add_option("--id", c->id, "Policy id")->required();
  create
      ->add_option("--statement-document", c->file,
                   "JSON file: {\"statement\": [...]} or the statement array")
      ->required();
  OnRun(create, flags, exit_code, [c](Session& s) -> Status {
    ASSIGN_OR_RETURN(nlohmann::json body, ReadPolicyFile(c->file, c->id));
    ASSIGN_OR_RETURN(nlohmann::json made, s.client->Call("POST", "/auth/policies", {}, &body));
    Print(s.json ? FormatJson(made) : "Created policy " + c->id + "\n");
    return Status::OK();
  });

  std::shared_ptr<IdArgs> sh;
  CLI::App* show = Sub(policies, "show", "Print a policy", sh);
  show->add_option("--id", sh->id, "Policy id")->required();
  OnRun(show, flags, exit_code, [sh](Session& s) -> Status {
    ASSIGN_OR_RETURN(nlohmann::json policy, s.client->Call("GET", "/auth/policies/" + Seg(sh->id)));
    Print(FormatJson(policy));
    return Status::OK();
  });

  std::shared_ptr<IdArgs> l;
  CLI::App* list = Sub(policies, "list", "List policies (of a --user or --group if given)", l);
  list->add_option("--user", l->user, "Only the policies attached to this user");
  list->add_option("--group", l->group, "Only the policies attached to this group");
  list->add_option("--amount", l->amount, "Show at most this many (default: all)");
  OnRun(list, flags, exit_code, [l](Session& s) {
    std::string path = "/auth/policies";
    if (!l->user.empty()) path = "/auth/users/" + Seg(l->user) + "/policies";
    if (!l->group.empty()) path = "/auth/groups/" + Seg(l->group) + "/policies";
    return PrintList(
        s, path, l->amount, {"ID", "CREATION DATE", "STATEMENTS"}, [](const nlohmann::json& p) {
          auto row = IdAndDate(p);
          row.push_back(std::to_string(p.value("statement", nlohmann::json::array()).size()));
          return row;
        });
  });

  std::shared_ptr<IdArgs> d;
  CLI::App* del = Sub(policies, "delete", "Delete a policy", d);
  del->add_option("--id", d->id, "Policy id")->required();
  OnRun(del, flags, exit_code, [d](Session& s) -> Status {
    RETURN_IF_ERROR(s.client->Call("DELETE", "/auth/policies/" + Seg(d->id)).status());
    Print("Deleted policy " + d->id + "\n");
    return Status::OK();
  });

  for (const char* verb : {"attach", "detach"}) {
    const bool attach = std::string(verb) == "attach";
    std::shared_ptr<IdArgs> a;
    CLI::App* cmd =
        Sub(policies, verb, attach ? "Attach a policy to a user or group" : "Detach a policy", a);
    cmd->add_option("--id", a->id, "Policy id")->required();
    auto* user = cmd->add_option("--user", a->user, "User id");
    auto* group = cmd->add_option("--group", a->group, "Group id");
    user->excludes(group);
    OnRun(cmd, flags, exit_code, [a, attach](Session& s) -> Status {
      if (a->user.empty() == a->group.empty()) {
        return Status::InvalidArgument("name exactly one of --user or --group");
      }
      const std::string owner =
          a->user.empty() ? "/auth/groups/" + Seg(a->group) : "/auth/users/" + Seg(a->user);
      RETURN_IF_ERROR(
          s.client->Call(attach ? "PUT" : "DELETE", owner + "/policies/" + Seg(a->id)).status());
      Print(std::string(attach ? "Attached " : "Detached ") + a->id + "\n");
      return Status::OK();
    });
  }
}

void AddCredentials(CLI::App* auth, int& exit_code, std::shared_ptr<GlobalFlags> flags) {
  CLI::App* creds = auth->add_subcommand("credentials", "Manage a user's access keys");
  creds->require_subcommand(1);

  std::shared_ptr<IdArgs> c;
  CLI::App* create = Sub(creds, "create", "Create an access key (the secret is shown once)", c);
  create->add_option("--id", c->id, "User id (default: yourself)");
  OnRun(create, flags, exit_code, [c](Session& s) -> Status {
    std::string user = c->id;
    if (user.empty()) {
      ASSIGN_OR_RETURN(nlohmann::json me, s.client->Call("GET", "/user"));
      user = Cell(me.value("user", nlohmann::json::object()), "id");
    }
    ASSIGN_OR_RETURN(nlohmann::json made,
                     s.client->Call("POST", "/auth/users/" + Seg(user) + "/credentials"));
    Print(s.json ? FormatJson(made)
                 : "Access key ID: " + Cell(made, "access_key_id") +
                       "\nSecret access key: " + Cell(made, "secret_access_key") + "\n");
    return Status::OK();
  });

  std::shared_ptr<IdArgs> l;
  CLI::App* list = Sub(creds, "list", "List a user's access keys", l);
  list->add_option("--id", l->id, "User id")->required();
  list->add_option("--amount", l->amount, "Show at most this many (default: all)");
  OnRun(list, flags, exit_code, [l](Session& s) {
    return PrintList(s, "/auth/users/" + Seg(l->id) + "/credentials", l->amount,
                     {"ACCESS KEY ID", "CREATION DATE"}, [](const nlohmann::json& k) {
                       return std::vector<std::string>{
                           Cell(k, "access_key_id"),
                           FormatTime(k.value("creation_date", int64_t{0}))};
                     });
  });

  std::shared_ptr<IdArgs> d;
  CLI::App* del = Sub(creds, "delete", "Delete an access key", d);
  del->add_option("--id", d->id, "User id")->required();
  del->add_option("--access-key-id", d->access_key_id, "The key to delete")->required();
  OnRun(del, flags, exit_code, [d](Session& s) -> Status {
    RETURN_IF_ERROR(
        s.client
            ->Call("DELETE", "/auth/users/" + Seg(d->id) + "/credentials/" + Seg(d->access_key_id))
            .status());
    Print("Deleted access key " + d->access_key_id + "\n");
    return Status::OK();
  });
}

}  // namespace

void AddAuthCommands(CLI::App& app, int& exit_code, std::shared_ptr<GlobalFlags> flags) {
  CLI::App* auth =
      AddTopCommand(app, "auth", "Manage users, groups, policies and access keys", *flags);
  auth->require_subcommand(1);
  CLI::App* users = auth->add_subcommand("users", "Create, list and delete users");
  users->require_subcommand(1);
  AddCrud(users, "/auth/users", "user", exit_code, flags);
  CLI::App* groups = auth->add_subcommand("groups", "Create, list and delete groups");
  groups->require_subcommand(1);
  AddCrud(groups, "/auth/groups", "group", exit_code, flags);
  AddMembers(groups, exit_code, flags);
  AddPolicies(auth, exit_code, flags);
  AddCredentials(auth, exit_code, flags);
}

}  // namespace tarn::cli
