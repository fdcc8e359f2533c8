// `tarn export`: flags, signals, progress, and the report on stdout.
#include "export/command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "block/s3/s3_adapter.h"
#include "cli/command_support.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "export/api_source.h"
#include "export/exporter.h"

extern char** environ;

namespace tarn::exporter {
namespace {

// Set by SIGINT/SIGTERM; a signal handler can only reach a flag like this one.
std::atomic<bool> interrupted{false};

void OnSignal(int) { interrupted.store(true); }

// Catches SIGINT and SIGTERM for the lifetime of the object; a second signal kills the process
// (SA_RESETHAND), so an export that does not stop promptly can still be stopped.
class SignalScope {
 public:
  SignalScope() {
    struct sigaction sa {};
    sa.sa_handler = OnSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~SignalScope() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  SignalScope(const SignalScope&) = delete;
  SignalScope& operator=(const SignalScope&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

struct Flags {
  cli::GlobalFlags global;
  std::string repository;
  std::string destination;
  ExportOptions options;
  std::string mode = "copy";
  std::string verify = "changed";
  std::string read_from = "auto";
  int retries = 3;
  bool no_progress = false;
  bool no_server_side_copy = false;
  std::string dest_endpoint, dest_region, dest_profile;
  bool dest_path_style = false;
};

std::map<std::string, std::string> Environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view kv(*e);
    std::size_t eq = kv.find('=');
    if (eq != std::string_view::npos) env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return env;
}

nlohmann::json ReportJson(const ExportReport& r, const ExportOptions& o) {
  nlohmann::json failures = nlohmann::json::array();
  for (const Failure& f : r.failures) {
    failures.push_back({{"path", f.path}, {"operation", f.operation}, {"error", f.error}});
  }
  nlohmann::json j = {
      {"repository", r.repository},
      {"commit", r.commit},
      {"previous_commit", r.previous_commit},
      {"destination", r.destination},
      {"mode", o.mode == Mode::kMirror ? "mirror" : "copy"},
      {"status", r.success ? "success" : "failure"},
      {"interrupted", r.interrupted},
      {"marker", r.marker},
      {"written", r.written},
      {"copied_server_side", r.copied_server_side},
      {"skipped", r.skipped},
      {"removed", r.removed},
      {"bytes_written", r.bytes_written},
      {"failed", r.failed},
      {"failures", failures},
      {"verify", nullptr},
      {"duration_seconds", static_cast<double>(r.duration.count()) / 1000.0},
  };
  if (r.verify) {
    nlohmann::json lines = nlohmann::json::array();
    for (const VerifyLine& l : r.verify->lines) {
      lines.push_back(
          {{"symbol", std::string(1, l.symbol)}, {"path", l.path}, {"detail", l.detail}});
    }
    j["verify"] = {{"same", r.verify->same},       {"differ", r.verify->differ},
                   {"missing", r.verify->missing}, {"extra", r.verify->extra},
                   {"errors", r.verify->errors},   {"lines", lines}};
  }
  if (o.dry_run) {
    nlohmann::json plan = nlohmann::json::array();
    for (const PlannedOp& p : r.plan) {
      const char* op = p.kind == PlannedOp::Kind::kWrite    ? "write"
                       : p.kind == PlannedOp::Kind::kRemove ? "remove"
                                                            : "skip";
      plan.push_back({{"op", op}, {"path", p.path}, {"size", p.size}});
    }
    j["plan"] = std::move(plan);
  }
  return j;
}

std::string Short(const std::string& commit) { return commit.substr(0, 12); }

void PrintText(const ExportReport& r, const ExportOptions& o) {
  std::ostringstream out;
  if (o.dry_run) {
    int64_t writes = 0, removes = 0, skips = 0;
    uint64_t bytes = 0;
    for (const PlannedOp& p : r.plan) {
      switch (p.kind) {
        case PlannedOp::Kind::kWrite:
          out << "write " << p.path << " " << p.size << "\n";
          ++writes;
          bytes += p.size;
          break;
        case PlannedOp::Kind::kRemove:
          out << "remove " << p.path << "\n";
          ++removes;
          break;
        case PlannedOp::Kind::kSkip:
          out << "skip " << p.path << "\n";
          ++skips;
          break;
      }
    }
    out << "dry run: " << r.repository << "@" << Short(r.commit) << " to " << r.destination
        << " would write " << writes << " (" << cli::FormatSize(bytes) << "), remove " << removes
        << ", skip " << skips << "\n";
    std::cout << out.str();
    return;
  }
  if (r.verify) {
    for (const VerifyLine& l : r.verify->lines) out << l.symbol << " " << l.path << "\n";
    out << "verified: " << r.verify->same << " same, " << r.verify->differ << " differ, "
        << r.verify->missing << " missing, " << r.verify->extra << " only at the destination, "
        << r.verify->errors << " errors\n";
  }
  if (r.success && r.marker.empty()) {
    out << r.destination << " already holds " << r.repository << "@" << Short(r.commit)
        << ": nothing to export\n";
    std::cout << out.str();
    return;
  }
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f s", static_cast<double>(r.duration.count()) / 1e3);
  out << (r.success ? "exported " : "export incomplete: ") << r.repository << "@"
      << Short(r.commit);
  if (!r.previous_commit.empty()) out << " (changes since " << Short(r.previous_commit) << ")";
  out << " to " << r.destination << ": " << r.written << " written";
  if (r.copied_server_side > 0) out << " (" << r.copied_server_side << " copied server-side)";
  out << ", " << r.skipped << " skipped, " << r.removed << " removed, "
      << cli::FormatSize(r.bytes_written) << " in " << seconds << "\n";
  if (!r.marker.empty()) out << "marker: " << r.marker << "\n";
  std::cout << out.str();
}

int Execute(Flags& f) {
  auto fail = [](const Status& s) {
    std::cerr << "error: " << s.message() << "\n";
    return cli::ExitCodeFor(s);
  };
  ExportOptions& o = f.options;
  o.mode = f.mode == "mirror" ? Mode::kMirror : Mode::kCopy;
  o.verify = f.verify == "none"   ? Verify::kNone
             : f.verify == "full" ? Verify::kFull
                                  : Verify::kChanged;
  o.attempts = f.retries + 1;
  o.server_side_copy = !f.no_server_side_copy;
  ReadFrom read_from = f.read_from == "server"    ? ReadFrom::kServer
                       : f.read_from == "storage" ? ReadFrom::kStorage
                                                  : ReadFrom::kAuto;

  Result<cli::ClientConfig> config = cli::ResolveConfig(f.global.config, cli::ProcessEnv());
  if (!config.ok()) return fail(config.status());
  Result<std::unique_ptr<cli::RestClient>> client = cli::RestClient::Create(*config);
  if (!client.ok()) return fail(client.status());
  Result<std::unique_ptr<ApiSource>> source = ApiSource::Create(**client, f.repository, read_from);
  if (!source.ok()) return fail(source.status());

  S3DestinationOptions s3;
  s3.endpoint = f.dest_endpoint;
  s3.region = f.dest_region;
  s3.profile = f.dest_profile;
  s3.force_path_style = f.dest_path_style;
  s3.environment = Environment();
  s3.credentials_file = block::ReadSharedCredentialsFile(s3.environment);
  Result<std::unique_ptr<Destination>> destination = OpenDestination(f.destination, s3);
  if (!destination.ok()) return fail(destination.status());

  SystemClock clock;
  std::unique_ptr<cli::ProgressBar> bar;
  const bool draw = !f.global.json && !f.no_progress && !o.dry_run && ::isatty(STDERR_FILENO);
  ProgressSink progress;
  progress.planned = [&](int64_t objects, uint64_t bytes) {
    bar = std::make_unique<cli::ProgressBar>(clock, draw ? stderr : nullptr, "export", bytes,
                                             objects);
  };
  progress.bytes = [&](uint64_t n) {
    if (bar) bar->AddBytes(n);
  };
  progress.object_done = [&] {
    if (bar) bar->FileDone();
  };

  interrupted.store(false);
  SignalScope signals;
  Exporter exporter(**source, **destination, clock, nullptr);
  Result<ExportReport> report = exporter.Run(o, interrupted, progress);
  if (bar) bar->Finish();
  if (!report.ok()) return fail(report.status());

  if (f.global.json) {
    std::cout << ReportJson(*report, o).dump(2) << "\n";
  } else {
    PrintText(*report, o);
  }
  std::cout.flush();
  if (report->success) return cli::kExitOk;
  std::ostringstream err;
  err << "error: export " << (report->interrupted ? "interrupted" : "failed") << ": "
      << report->failed << " operation" << (report->failed == 1 ? "" : "s") << " failed";
  if (!report->failures.empty()) {
    const Failure& first = report->failures.front();
    err << " (first: " << first.operation << " " << first.path << ": " << first.error << ")";
  }
  if (!report->marker.empty()) {
    err << "; see " << report->destination << "/" << report->marker;
  }
  if (!o.dry_run) err << "; run the same command again to finish (what is there is skipped)";
  std::cerr << err.str() << "\n";
  return cli::kExitFailure;
}

}  // namespace

void AddExportCommand(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = cli::AddTopCommand(
      app, "export",
      "Export a commit of a repository, or only what changed since an earlier commit, to a "
      "local directory or an S3 bucket, with SUCCESS/FAILURE marker files",
      f->global);
  cmd->footer(
      "Examples:\n"
      "  tarn export example /data/out --branch main\n"
      "  tarn export example s3://bucket/prefix --commit 1a2b3c --prev-commit 0f9e8d\n"
      "  tarn export example s3://bucket/prefix --branch main --continue   # from a post-commit "
      "job\n"
      "Markers: EXPORT_<commit>_<YYYYMMDDTHHMMSSZ>_SUCCESS or _FAILURE at the destination root;\n"
      "_tarn_export.json records the last successful export for --continue. S3 destinations "
      "take\ncredentials from --dest-profile or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY. Exit "
      "codes: 0 success,\n1 export failed (see the FAILURE marker), 2 bad usage, 3 not found. "
      "See docs/export.md.");
  cmd->add_option("repository", f->repository, "Repository to export")->required();
  cmd->add_option("destination", f->destination,
                  "Local directory, or s3://bucket[/prefix] on any S3-compatible endpoint")
      ->required();
  auto* branch = cmd->add_option("--branch", f->options.branch,
                                 "Export the commit this branch points to (committed data only)");
  auto* commit = cmd->add_option("--commit,--commit_id", f->options.commit,
                                 "Export this commit (id, unique prefix or tag)");
  branch->excludes(commit);
  auto* prev = cmd->add_option("--prev-commit,--prev_commit_id", f->options.previous_commit,
                               "Export only the changes from this commit: write what was added "
                               "or changed, remove what was removed");
  auto* cont = cmd->add_flag("--continue", f->options.continue_from_last,
                             "Export the changes since the last successful export to this "
                             "destination (a full export the first time)");
  prev->excludes(cont);
  cmd->add_option("--mode", f->mode,
                  "copy: never remove what the export did not write; mirror: also remove "
                  "everything the commit does not have")
      ->check(CLI::IsMember({"copy", "mirror"}))
      ->default_str("copy");
  cmd->add_option("--parallelism", f->options.parallelism, "Objects transferred at once")
      ->check(CLI::Range(1, 1024))
      ->default_str("8");
  cmd->add_option("--verify", f->verify,
                  "none; changed: read back size and checksum of every written object; full: "
                  "compare the whole destination with the commit (rclone check's symbols)")
      ->check(CLI::IsMember({"none", "changed", "full"}))
      ->default_str("changed");
  cmd->add_flag("--dry-run", f->options.dry_run, "Print the plan; write nothing");
  cmd->add_flag("--no-progress", f->no_progress, "Never draw the progress bar");
  cmd->add_option("--success-pattern", f->options.success_pattern,
                  "Glob of file names written last, after all other data (Hadoop/Spark success "
                  "files)")
      ->default_str("_SUCCESS");
  cmd->add_option("--retries", f->retries,
                  "Retries of an operation that failed for a transient reason")
      ->check(CLI::Range(0, 20))
      ->default_str("3");
  cmd->add_option("--read-from", f->read_from,
                  "auto: read object data from the server's local storage when it is on this "
                  "machine, else through the server; server; storage")
      ->check(CLI::IsMember({"auto", "server", "storage"}))
      ->default_str("auto");
  cmd->add_flag("--no-server-side-copy", f->no_server_side_copy,
                "Stream every object through this process, even when the destination could "
                "copy it from the source's S3 storage itself");
  cmd->add_option("--dest-endpoint", f->dest_endpoint,
                  "S3 endpoint of the destination (env AWS_ENDPOINT_URL)");
  cmd->add_option("--dest-region", f->dest_region,
                  "Region of the destination (env AWS_REGION; default us-east-1)");
  cmd->add_option("--dest-profile", f->dest_profile,
                  "Profile in the shared credentials file for the destination");
  cmd->add_flag("--dest-path-style", f->dest_path_style,
                "Address the destination bucket path-style (automatic for IP and localhost "
                "endpoints)");
  cmd->callback([f, &exit_code] { exit_code = Execute(*f); });
}

}  // namespace tarn::exporter
