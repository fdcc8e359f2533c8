// tarn fs ls/cat/stat/upload/download/rm.
#include <unistd.h>

#include <cstdio>

#include "cli/command_support.h"
#include "cli/commands_internal.h"
#include "cli/output.h"
#include "cli/transfer.h"
#include "cli/uri.h"
#include "common/clock.h"

namespace tarn::cli {
namespace {

namespace fs = std::filesystem;

std::string RefPath(const Uri& uri) {
  return "/repositories/" + Seg(uri.repository) + "/refs/" + Seg(uri.ref);
}

struct TransferArgs {
  std::string source, destination;
  bool recursive = false;
  bool no_progress = false;
  int parallelism = 8;
};

void AddTransferFlags(CLI::App* cmd, TransferArgs& args) {
  cmd->add_flag("-r,--recursive", args.recursive, "Transfer every file under a directory/prefix");
  cmd->add_option("-p,--parallelism", args.parallelism, "Files transferred at once (default 8)")
      ->check(CLI::Range(1, 256));
  cmd->add_flag("--no-progress", args.no_progress, "Do not draw a progress bar");
}

std::FILE* ProgressOutput(const TransferArgs& args) {
  if (args.no_progress || !::isatty(::fileno(stderr))) return nullptr;
  return stderr;
}

uint64_t TotalSize(const std::vector<TransferItem>& items) {
  uint64_t total = 0;
  for (const auto& item : items) total += item.size;
  return total;
}

Status ListObjects(Session& s, const Uri& uri, bool recursive, int64_t amount,
                   const std::function<Status(const nlohmann::json&)>& each) {
  Query query = {{"prefix", uri.path}};
  if (!recursive) query.emplace_back("delimiter", "/");
  return s.client->ListAll(RefPath(uri) + "/objects/ls", query, amount, each);
}

void AddLs(CLI::App* fs_cmd, int& exit_code, std::shared_ptr<GlobalFlags> flags) {
  struct Args {
    std::string uri;
    bool recursive = false;
    int64_t amount = 0;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = fs_cmd->add_subcommand("ls", "List objects and common prefixes under a path");
  cmd->add_option("uri", args->uri, "tarn://<repository>/<ref>/<prefix>")->required();
  cmd->add_flag("-r,--recursive", args->recursive, "List every object, not one level");
  cmd->add_option("--amount", args->amount, "Show at most this many (default: all)");
  OnRun(cmd, flags, exit_code, [args](Session& s) -> Status {
    ASSIGN_OR_RETURN(Uri uri, ParsePathUri(args->uri, false));
    nlohmann::json all = nlohmann::json::array();
    RETURN_IF_ERROR(
        ListObjects(s, uri, args->recursive, args->amount, [&](const nlohmann::json& o) {
          all.push_back(o);
          return Status::OK();
        }));
    if (s.json) {
      Print(FormatJson(all));
      return Status::OK();
    }
    Table table({"TYPE", "MODIFIED", "SIZE", "PATH"});
    for (const auto& o : all) {
      const bool object = Cell(o, "path_type") == "object";
      table.AddRow({object ? "object" : "prefix",
                    object ? FormatTime(o.value("mtime", int64_t{0})) : "",
                    object ? FormatSize(o.value("size_bytes", uint64_t{0})) : "", Cell(o, "path")});
    }
    Print(table.Render());
    return Status::OK();
  });
}

void AddCat(CLI::App* fs_cmd, int& exit_code, std::shared_ptr<GlobalFlags> flags) {
  auto target = std::make_shared<std::string>();
  CLI::App* cmd = fs_cmd->add_subcommand("cat", "Write an object's content to stdout");
  cmd->add_option("uri", *target, "tarn://<repository>/<ref>/<path>")->required();
  OnRun(cmd, flags, exit_code, [target](Session& s) -> Status {
    ASSIGN_OR_RETURN(Uri uri, ParsePathUri(*target, true));
    ASSIGN_OR_RETURN(auto stream, s.client->Download(uri.repository, uri.ref, uri.path));
    std::vector<char> buffer(256 * 1024);
    while (true) {
      ASSIGN_OR_RETURN(std::size_t n, stream->Read(buffer));
      if (n == 0) break;
      if (std::fwrite(buffer.data(), 1, n, stdout) != n) {
        return Status::IOError("writing to stdout failed");
      }
    }
    std::fflush(stdout);
    return Status::OK();
  });
}

void AddStat(CLI::App* fs_cmd, int& exit_code, std::shared_ptr<GlobalFlags> flags) {
  auto target = std::make_shared<std::string>();
  CLI::App* cmd = fs_cmd->add_subcommand("stat", "Show an object's metadata");
  cmd->add_option("uri", *target, "tarn://<repository>/<ref>/<path>")->required();
  OnRun(cmd, flags, exit_code, [target](Session& s) -> Status {
    ASSIGN_OR_RETURN(Uri uri, ParsePathUri(*target, true));
    ASSIGN_OR_RETURN(nlohmann::json stat,
                     s.client->Call("GET", RefPath(uri) + "/objects/stat", {{"path", uri.path}}));
    if (s.json) {
      Print(FormatJson(stat));
      return Status::OK();
    }
    std::string out = "Path: " + Cell(stat, "path") +
                      "\nModified Time: " + FormatTime(stat.value("mtime", int64_t{0})) +
                      "\nSize: " + Cell(stat, "size_bytes") +
                      " bytes\nHuman Size: " + FormatSize(stat.value("size_bytes", uint64_t{0})) +
                      "\nPhysical Address: " + Cell(stat, "physical_address") +
                      "\nChecksum: " + Cell(stat, "checksum") +
                      "\nContent-Type: " + Cell(stat, "content_type") + "\n";
    if (std::string meta = FormatMetadata(stat.value("metadata", nlohmann::json::object()));
        !meta.empty()) {
      out += "Metadata: " + meta + "\n";
    }
    Print(out);
    return Status::OK();
  });
}

void AddUpload(CLI::App* fs_cmd, int& exit_code, std::shared_ptr<GlobalFlags> flags) {
  auto args = std::make_shared<TransferArgs>();
  CLI::App* cmd = fs_cmd->add_subcommand("upload", "Upload a file, or a directory with -r");
  cmd->add_option("source", args->source, "Local file or directory")->required();
  cmd->add_option("destination", args->destination, "tarn://<repository>/<branch>/<path>")
      ->required();
  AddTransferFlags(cmd, *args);
  OnRun(cmd, flags, exit_code, [args](Session& s) -> Status {
    ASSIGN_OR_RETURN(Uri uri, ParsePathUri(args->destination, false));
    ASSIGN_OR_RETURN(auto items, PlanUpload(args->source, uri.path, args->recursive));
    SystemClock clock;
    ProgressBar progress(clock, ProgressOutput(*args), "upload", TotalSize(items),
                         static_cast<int64_t>(items.size()));
    Status status = RunParallel(items.size(), args->parallelism, [&](std::size_t i) {
      return UploadFile(*s.client, uri.repository, uri.ref, items[i], progress);
    });
    progress.Finish();
    RETURN_IF_ERROR(status);
    Print("Uploaded " + std::to_string(items.size()) + " file(s), " +
          FormatSize(progress.bytes_done()) + " to " + uri.ToString() + "\n");
    return Status::OK();
  });
}

void AddDownload(CLI::App* fs_cmd, int& exit_code, std::shared_ptr<GlobalFlags> flags) {
  auto args = std::make_shared<TransferArgs>();
  CLI::App* cmd = fs_cmd->add_subcommand("download", "Download an object, or a prefix with -r");
  cmd->add_option("source", args->source, "tarn://<repository>/<ref>/<path>")->required();
  cmd->add_option("destination", args->destination,
                  "Local file or directory (default: the current directory)");
  AddTransferFlags(cmd, *args);
  OnRun(cmd, flags, exit_code, [args](Session& s) -> Status {
    ASSIGN_OR_RETURN(Uri uri, ParsePathUri(args->source, !args->recursive));
    fs::path local = args->destination.empty() ? fs::path(".") : fs::path(args->destination);
    std::vector<TransferItem> items;
    if (args->recursive) {
      std::string prefix = uri.path;
      if (!prefix.empty() && prefix.back() != '/') prefix += '/';
      Uri listing = uri;
      listing.path = prefix;
      RETURN_IF_ERROR(ListObjects(s, listing, true, 0, [&](const nlohmann::json& o) -> Status {
        if (Cell(o, "path_type") != "object") return Status::OK();
        const std::string path = Cell(o, "path");
        ASSIGN_OR_RETURN(fs::path target, DownloadTarget(local, prefix, path));
        items.push_back({target, path, o.value("size_bytes", uint64_t{0})});
        return Status::OK();
      }));
    } else {
      std::error_code ec;
      fs::path target = local;
      if (fs::is_directory(local, ec) || args->destination.ends_with('/')) {
        target = local / fs::path(uri.path).filename();
      }
      items.push_back({target, uri.path, 0});
    }
    SystemClock clock;
    ProgressBar progress(clock, ProgressOutput(*args), "download", TotalSize(items),
                         static_cast<int64_t>(items.size()));
    Status status = RunParallel(items.size(), args->parallelism, [&](std::size_t i) {
      return DownloadFile(*s.client, uri.repository, uri.ref, items[i], progress);
    });
    progress.Finish();
    RETURN_IF_ERROR(status);
    Print("Downloaded " + std::to_string(items.size()) + " file(s), " +
          FormatSize(progress.bytes_done()) + " to " + local.string() + "\n");
    return Status::OK();
  });
}

void AddRm(CLI::App* fs_cmd, int& exit_code, std::shared_ptr<GlobalFlags> flags) {
  struct Args {
    std::string uri;
    bool recursive = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = fs_cmd->add_subcommand("rm", "Delete an object, or every object under a prefix");
  cmd->add_option("uri", args->uri, "tarn://<repository>/<branch>/<path>")->required();
  cmd->add_flag("-r,--recursive", args->recursive, "Delete every object under the prefix");
  OnRun(cmd, flags, exit_code, [args](Session& s) -> Status {
    ASSIGN_OR_RETURN(Uri uri, ParsePathUri(args->uri, !args->recursive));
    const std::string branch_path =
        "/repositories/" + Seg(uri.repository) + "/branches/" + Seg(uri.ref) + "/objects";
    if (!args->recursive) {
      RETURN_IF_ERROR(s.client->Call("DELETE", branch_path, {{"path", uri.path}}).status());
      Print("Deleted " + uri.ToString() + "\n");
      return Status::OK();
    }
    std::vector<std::string> paths;
    RETURN_IF_ERROR(ListObjects(s, uri, true, 0, [&](const nlohmann::json& o) {
      if (Cell(o, "path_type") == "object") paths.push_back(Cell(o, "path"));
      return Status::OK();
    }));
    constexpr std::size_t kBatch = 1000;  // the API's limit per deleteObjects call
    for (std::size_t start = 0; start < paths.size(); start += kBatch) {
      const std::size_t end = std::min(paths.size(), start + kBatch);
      nlohmann::json body = {
          {"paths", std::vector<std::string>(paths.begin() + start, paths.begin() + end)}};
      ASSIGN_OR_RETURN(nlohmann::json answer,
                       s.client->Call("POST", branch_path + "/delete", {}, &body));
      if (answer.is_object() && answer.contains("errors") && !answer["errors"].empty()) {
        const auto& first = answer["errors"][0];
        return Status::Unavailable("could not delete " + Cell(first, "path") + ": " +
                                   Cell(first, "message") + " (and " +
                                   std::to_string(answer["errors"].size() - 1) + " more)");
      }
    }
    Print("Deleted " + std::to_string(paths.size()) + " object(s) under " + uri.ToString() + "\n");
    return Status::OK();
  });
}

}  // namespace

void AddFsCommands(CLI::App& app, int& exit_code, std::shared_ptr<GlobalFlags> flags) {
  CLI::App* fs_cmd = AddTopCommand(app, "fs", "Work with the objects of a ref", *flags);
  fs_cmd->require_subcommand(1);
  AddLs(fs_cmd, exit_code, flags);
  AddCat(fs_cmd, exit_code, flags);
  AddStat(fs_cmd, exit_code, flags);
  AddUpload(fs_cmd, exit_code, flags);
  AddDownload(fs_cmd, exit_code, flags);
  AddRm(fs_cmd, exit_code, flags);
}

}  // namespace tarn::cli
