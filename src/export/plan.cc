// Planning an export: which objects to write and which to remove, in which round.
#include <unordered_map>

#include "export/exporter_internal.h"
#include "export/markers.h"

namespace tarn::exporter::internal {
namespace {

Round WriteRound(std::string_view path, const ExportOptions& options) {
  return IsSuccessFile(path, options.success_pattern) ? kSuccessFiles : kData;
}

// An object of the ref must not overwrite the export's own files at the root.
bool RefusedName(std::string_view path, FailureLog& failures) {
  if (!IsExportFile(path)) return false;
  failures.Add(Failure{std::string(path), "write",
                       "the object's name is reserved for the export's markers and manifest at "
                       "the destination root; rename the object or export to a prefix"});
  return true;
}

}  // namespace

Result<Plan> PlanFull(Source& source, Destination& destination, std::string_view commit,
                      const ExportOptions& options, FailureLog& failures) {
  // What the destination already has: objects with the same size and checksum are skipped,
  // and mirror mode removes the ones the commit does not have.
  std::unordered_map<std::string, DestinationEntry> existing;
  RETURN_IF_ERROR(destination
                      .List([&](const DestinationEntry& e) -> Status {
                        if (!IsExportFile(e.path)) existing.emplace(e.path, e);
                        return Status::OK();
                      })
                      .WithContext("listing the destination " + destination.Describe()));

  Plan plan;
  RETURN_IF_ERROR(source.ListObjects(commit, [&](const SourceObject& object) -> Status {
    if (RefusedName(object.path, failures)) return Status::OK();
    Op op;
    op.kind = Op::Kind::kWrite;
    op.round = WriteRound(object.path, options);
    op.object = object;
    op.existing_known = true;
    if (auto it = existing.find(object.path); it != existing.end()) {
      op.existing = std::move(it->second);
      existing.erase(it);
    }
    ++plan.objects;
    plan.bytes += object.size;
    plan.ops.push_back(std::move(op));
    return Status::OK();
  }));

  if (options.mode == Mode::kMirror) {
    std::vector<std::string> extras;
    extras.reserve(existing.size());
    for (auto& [path, entry] : existing) extras.push_back(path);
    std::sort(extras.begin(), extras.end());
    for (std::string& path : extras) {
      Op op;
      op.kind = Op::Kind::kRemove;
      op.round = IsSuccessFile(path, options.success_pattern) ? kRemoveSuccessFiles : kData;
      op.object.path = std::move(path);
      plan.ops.push_back(std::move(op));
    }
  }
  return plan;
}

Result<Plan> PlanDiff(Source& source, std::string_view previous, std::string_view commit,
                      const ExportOptions& options, FailureLog& failures) {
  Plan plan;
  RETURN_IF_ERROR(source.Diff(previous, commit, [&](const SourceChange& change) -> Status {
    if (RefusedName(change.path, failures)) return Status::OK();
    Op op;
    op.object.path = change.path;
    if (change.kind == SourceChange::Kind::kRemoved) {
      op.kind = Op::Kind::kRemove;
      op.round = IsSuccessFile(change.path, options.success_pattern) ? kRemoveSuccessFiles : kData;
    } else {
      op.kind = Op::Kind::kWrite;
      op.round = WriteRound(change.path, options);
      op.needs_stat = true;
      ++plan.objects;
      plan.bytes += change.size;
    }
    plan.ops.push_back(std::move(op));
    return Status::OK();
  }));
  return plan;
}

}  // namespace tarn::exporter::internal
