// The export engine: writes the objects of a commit — or only the difference from a previous
// commit — to a destination, in rounds, in parallel, with retries, verification and marker
// files. docs/export.md describes the behaviour for users.
//
// A run:
//   1. plans: a full export lists the commit (and the destination, to skip objects already
//      there with the right size and checksum); a diff export (`previous_commit`) asks the
//      source for the difference and lists neither side; mirror mode lists both and adds the
//      deletion of every destination object that is not in the commit;
//   2. executes in rounds, each finished before the next starts: removals of success files,
//      then data (writes and removals), then success files (names matching `success_pattern`),
//      so a reader never sees a success file before the data it announces;
//   3. verifies (none, changed: every written object's size and checksum read back; full: the
//      whole destination compared with the commit);
//   4. flushes the destination and writes EXPORT_<commit>_<time>_SUCCESS and the manifest, or
//      EXPORT_<commit>_<time>_FAILURE listing the failed operations.
//
// Thread safety: one Run at a time per Exporter; `cancel` may be set from any thread (a signal
// handler's flag) and stops the run after the operations in flight.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "export/destination.h"
#include "export/source.h"
#include "tarn/result.h"

namespace tarn::exporter {

enum class Mode { kCopy, kMirror };
enum class Verify { kNone, kChanged, kFull };

struct ExportOptions {
  // What to export: exactly one of branch and commit (a commit id, unique prefix or tag).
  std::string branch;
  std::string commit;
  // Export only the difference from this commit (id, prefix or tag) ...
  std::string previous_commit;
  // ... or from the commit of the last successful export recorded at the destination.
  bool continue_from_last = false;
  Mode mode = Mode::kCopy;
  Verify verify = Verify::kChanged;
  int parallelism = 8;
  // Attempts per operation (the first included) for retryable errors, with exponential backoff
  // from `retry_backoff` plus jitter.
  int attempts = 4;
  std::chrono::milliseconds retry_backoff{200};
  // Base names matching this glob are success files, written in the last round.
  std::string success_pattern = "_SUCCESS";
  // Try server-side copy from the source's storage to the destination before streaming.
  bool server_side_copy = true;
  bool dry_run = false;
  // At most this many failures are listed in the FAILURE marker (the total is always given).
  std::size_t max_listed_failures = 1000;
};

// One planned operation, as --dry-run prints it.
struct PlannedOp {
  enum class Kind { kWrite, kRemove, kSkip };
  Kind kind = Kind::kWrite;
  std::string path;
  uint64_t size = 0;
};

struct Failure {
  std::string path;
  std::string operation;  // "write", "remove", "verify", "list", ...
  std::string error;
};

// One line of a full verification, in rclone check's symbols.
struct VerifyLine {
  char symbol = '=';  // '=' same, '*' differs, '+' missing at destination, '-' only at
                      // destination, '!' error
  std::string path;
  std::string detail;
};

struct VerifySummary {
  int64_t same = 0, differ = 0, missing = 0, extra = 0, errors = 0;
  std::vector<VerifyLine> lines;  // every line but '='
};

struct ExportReport {
  std::string repository;
  std::string commit;
  std::string previous_commit;  // empty for a full export
  std::string destination;
  bool success = false;
  bool interrupted = false;
  std::string marker;  // the marker file written ("" for a dry run)
  int64_t written = 0, copied_server_side = 0, skipped = 0, removed = 0;
  uint64_t bytes_written = 0;
  int64_t failed = 0;             // failed operations in total
  std::vector<Failure> failures;  // the first max_listed_failures of them
  std::optional<VerifySummary> verify;
  std::vector<PlannedOp> plan;  // filled for a dry run
  std::chrono::milliseconds duration{0};
};

// Progress callbacks, from any worker thread.
struct ProgressSink {
  std::function<void(int64_t objects, uint64_t bytes)> planned;
  std::function<void(uint64_t bytes)> bytes;
  std::function<void()> object_done;
};

class Exporter {
 public:
  // `source`, `destination` and `clock` must outlive the exporter. `sleep` waits between
  // retries (tests pass one that does not wait).
  Exporter(Source& source, Destination& destination, const Clock& clock,
           std::function<void(std::chrono::milliseconds)> sleep);

  // Runs one export. Returns the report whenever the export ran, successfully or not
  // (report.success); errors are only for what stopped it before anything was written:
  // InvalidArgument (bad options, --continue at a destination of another repository), NotFound
  // (the branch or commit), and the source's or destination's failures while planning.
  Result<ExportReport> Run(const ExportOptions& options, const std::atomic<bool>& cancel,
                           const ProgressSink& progress);

 private:
  Source& source_;
  Destination& destination_;
  const Clock& clock_;
  std::function<void(std::chrono::milliseconds)> sleep_;
};

}  // namespace tarn::exporter
