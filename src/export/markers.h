// The files an export leaves at the destination root:
//   EXPORT_<commit>_<YYYYMMDDTHHMMSSZ>_SUCCESS   a summary of a successful export
//   EXPORT_<commit>_<YYYYMMDDTHHMMSSZ>_FAILURE   every failed operation (bounded) and the total
//   _tarn_export.json                            the manifest: the last successful export, which
//                                                --continue starts from
// The leading underscore keeps the manifest out of Hadoop and Spark readers' inputs.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "export/exporter.h"
#include "tarn/result.h"

namespace tarn::exporter {

inline constexpr std::string_view kManifestPath = "_tarn_export.json";

// "20261123T231500Z".
std::string MarkerTimestamp(std::chrono::system_clock::time_point when);

// "EXPORT_<commit>_<timestamp>_SUCCESS" or "..._FAILURE".
std::string MarkerName(std::string_view commit, std::chrono::system_clock::time_point when,
                       bool success);

// True for the export's own files at the root: markers and the manifest. They are never
// exported, compared or removed as extras.
bool IsExportFile(std::string_view path);

// The bodies of the marker files (human-readable text; the success marker also carries the
// counts, the failure marker one "<operation>\t<path>\t<error>" line per listed failure).
std::string SuccessMarkerBody(const ExportReport& report);
std::string FailureMarkerBody(const ExportReport& report);

struct Manifest {
  std::string repository;
  std::string commit;           // the last successfully exported commit
  std::string previous_commit;  // what that export started from ("" = full)
  std::string marker;
  std::chrono::system_clock::time_point finished;
};

std::string EncodeManifest(const Manifest& manifest);
// Errors: Corruption naming what is wrong with the file.
Result<Manifest> DecodeManifest(std::string_view bytes);

// True when the base name of `path` matches the glob `pattern` ('*', '?', '[...]').
bool IsSuccessFile(std::string_view path, std::string_view pattern);

}  // namespace tarn::exporter
