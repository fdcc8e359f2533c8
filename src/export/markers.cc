// Marker names and bodies, and the manifest that --continue reads.
#include "export/markers.h"

#include <fnmatch.h>

#include <ctime>
#include <nlohmann/json.hpp>

namespace tarn::exporter {
namespace {

constexpr int kManifestFormat = 1;

int64_t UnixSeconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// `when` in UTC, formatted by strftime's `format`.
std::string Utc(std::chrono::system_clock::time_point when, const char* format) {
  std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

std::string Counts(const ExportReport& r) {
  std::string out;
  out += "written: " + std::to_string(r.written) + "\n";
  out += "copied_server_side: " + std::to_string(r.copied_server_side) + "\n";
  out += "skipped: " + std::to_string(r.skipped) + "\n";
  out += "removed: " + std::to_string(r.removed) + "\n";
  out += "bytes_written: " + std::to_string(r.bytes_written) + "\n";
  out += "duration_ms: " + std::to_string(r.duration.count()) + "\n";
  return out;
}

std::string Header(const ExportReport& r) {
  std::string out;
  out += "repository: " + r.repository + "\n";
  out += "commit: " + r.commit + "\n";
  out += "previous_commit: " +
         (r.previous_commit.empty() ? "(none: full export)" : r.previous_commit) + "\n";
  out += "destination: " + r.destination + "\n";
  return out;
}

// Keeps a failure line on one line: tabs and newlines in messages become spaces.
std::string OneLine(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

}  // namespace

std::string MarkerTimestamp(std::chrono::system_clock::time_point when) {
  return Utc(when, "%Y%m%dT%H%M%SZ");
}

std::string MarkerName(std::string_view commit, std::chrono::system_clock::time_point when,
                       bool success) {
  return "EXPORT_" + std::string(commit) + "_" + MarkerTimestamp(when) +
         (success ? "_SUCCESS" : "_FAILURE");
}

bool IsExportFile(std::string_view path) {
  if (path == kManifestPath) return true;
  if (!path.starts_with("EXPORT_") || path.find('/') != std::string_view::npos) return false;
  return path.ends_with("_SUCCESS") || path.ends_with("_FAILURE");
}

std::string SuccessMarkerBody(const ExportReport& report) {
  std::string out = "tarn export: success\n";
  out += Header(report);
  out += Counts(report);
  if (report.verify) {
    const VerifySummary& v = *report.verify;
    out += "verified: same " + std::to_string(v.same) + ", differ " + std::to_string(v.differ) +
           ", missing " + std::to_string(v.missing) + ", extra " + std::to_string(v.extra) +
           ", errors " + std::to_string(v.errors) + "\n";
  }
  return out;
}

std::string FailureMarkerBody(const ExportReport& report) {
  std::string out = "tarn export: failure\n";
  out += Header(report);
  out += Counts(report);
  if (report.interrupted) {
    out +=
        "interrupted: the export was stopped by a signal before it finished; run the same "
        "command again to complete it (objects already written are skipped)\n";
  }
  out += "failed_operations: " + std::to_string(report.failed) + "\n";
  if (report.failed > static_cast<int64_t>(report.failures.size())) {
    out += "listed: the first " + std::to_string(report.failures.size()) + "\n";
  }
  out += "# operation\tpath\terror\n";
  for (const Failure& f : report.failures) {
    out += OneLine(f.operation) + "\t" + OneLine(f.path) + "\t" + OneLine(f.error) + "\n";
  }
  return out;
}

std::string EncodeManifest(const Manifest& m) {
  nlohmann::json j = {
      {"format", kManifestFormat},
      {"repository", m.repository},
      {"commit", m.commit},
      {"previous_commit", m.previous_commit},
      {"marker", m.marker},
      {"finished", Utc(m.finished, "%Y-%m-%dT%H:%M:%SZ")},
      {"finished_unix", UnixSeconds(m.finished)},
  };
  return j.dump(2) + "\n";
}

Result<Manifest> DecodeManifest(std::string_view bytes) {
  nlohmann::json j = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  auto bad = [](std::string_view what) {
    return Status::Corruption(std::string(kManifestPath) + " is not a tarn export manifest (" +
                              std::string(what) + "); remove it to start over with a full export");
  };
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  if (!j.contains("format") || !j["format"].is_number_integer()) return bad("no format");
  if (j["format"].get<int>() != kManifestFormat) {
    return bad("format " + std::to_string(j["format"].get<int>()) + ", expected " +
               std::to_string(kManifestFormat));
  }
  Manifest m;
  for (auto [field, out] :
       {std::pair{"repository", &m.repository}, std::pair{"commit", &m.commit},
        std::pair{"previous_commit", &m.previous_commit}, std::pair{"marker", &m.marker}}) {
    if (!j.contains(field) || !j[field].is_string()) {
      return bad(std::string("field '") + field + "' missing or not a string");
    }
    *out = j[field].get<std::string>();
  }
  if (m.repository.empty() || m.commit.empty()) return bad("empty repository or commit");
  if (j.contains("finished_unix") && j["finished_unix"].is_number_integer()) {
    m.finished = std::chrono::system_clock::time_point(
        std::chrono::seconds(j["finished_unix"].get<int64_t>()));
  }
  return m;
}

bool IsSuccessFile(std::string_view path, std::string_view pattern) {
  if (pattern.empty()) return false;
  std::size_t slash = path.rfind('/');
  std::string base(slash == std::string_view::npos ? path : path.substr(slash + 1));
  return fnmatch(std::string(pattern).c_str(), base.c_str(), 0) == 0;
}

}  // namespace tarn::exporter
