// The export engine's run: resolve, plan, execute in rounds, verify, mark.
#include "export/exporter.h"

#include <random>
#include <thread>

#include "block/reader.h"
#include "export/exporter_internal.h"
#include "export/markers.h"

namespace tarn::exporter {

using internal::FailureLog;
using internal::Op;

namespace {

constexpr std::size_t kMaxManifestBytes = 64 * 1024;

struct Counters {
  std::atomic<int64_t> written{0}, copied{0}, skipped{0}, removed{0};
  std::atomic<uint64_t> bytes{0};
};

Status CheckOptions(const ExportOptions& o) {
  if (o.branch.empty() == o.commit.empty()) {
    return Status::InvalidArgument("name exactly one of --branch and --commit: what to export");
  }
  if (!o.previous_commit.empty() && o.continue_from_last) {
    return Status::InvalidArgument(
        "--prev-commit and --continue both say where the diff starts; use one of them");
  }
  if (o.parallelism < 1 || o.parallelism > 1024) {
    return Status::InvalidArgument("--parallelism must be between 1 and 1024, got " +
                                   std::to_string(o.parallelism));
  }
  if (o.attempts < 1) return Status::InvalidArgument("attempts must be at least 1");
  return Status::OK();
}

// The manifest at the destination, nullopt when there is none.
Result<std::optional<Manifest>> ReadManifest(Destination& destination) {
  Result<std::unique_ptr<block::Reader>> reader = destination.Open(kManifestPath);
  if (!reader.ok()) {
    if (reader.status().IsNotFound()) return std::optional<Manifest>();
    return reader.status().WithContext("reading the export manifest at " + destination.Describe());
  }
  ASSIGN_OR_RETURN(std::string bytes, block::ReadAll(**reader, kMaxManifestBytes));
  ASSIGN_OR_RETURN(Manifest manifest, DecodeManifest(bytes));
  return std::optional<Manifest>(std::move(manifest));
}

// Does what the destination holds at the path already equal the object?
Result<bool> AlreadyThere(Destination& destination, const std::optional<DestinationEntry>& have,
                          const SourceObject& object) {
  if (!have || have->size != object.size) return false;
  if (!have->etag.empty()) return have->etag == object.checksum;
  if (!internal::IsPlainMd5(object.checksum)) return false;
  ASSIGN_OR_RETURN(std::string md5, destination.ContentMd5(object.path));
  return md5 == object.checksum;
}

class Execution {
 public:
  Execution(Source& source, Destination& destination, const ExportOptions& options,
            const std::atomic<bool>& cancel, const ProgressSink& progress,
            const std::function<void(std::chrono::milliseconds)>& sleep, std::string commit)
      : source_(source),
        destination_(destination),
        options_(options),
        cancel_(cancel),
        progress_(progress),
        sleep_(sleep),
        commit_(std::move(commit)),
        failures_(options.max_listed_failures),
        server_side_(options.server_side_copy) {
    on_bytes_ = [this](uint64_t n) {
      if (progress_.bytes) progress_.bytes(n);
    };
  }

  FailureLog& failures() { return failures_; }
  Counters& counters() { return counters_; }

  // Runs the operations of every round; later rounds are held back after a failure or an
  // interruption.
  void Execute(std::vector<Op>& ops) {
    std::vector<std::vector<Op*>> rounds(internal::kRounds);
    for (Op& op : ops) rounds[op.round].push_back(&op);
    for (int r = 0; r < internal::kRounds; ++r) {
      std::vector<Op*>& round = rounds[r];
      if (round.empty()) continue;
      if (cancel_.load()) return;  // the marker says the run was interrupted
      if (r == internal::kSuccessFiles && failures_.total() > 0) {
        for (Op* op : round) {
          failures_.Add(Failure{op->object.path, OpName(*op),
                                "held back: data operations failed, so the success file would "
                                "announce incomplete data"});
        }
        continue;
      }
      internal::ParallelFor(round.size(), options_.parallelism, cancel_,
                            [&](std::size_t i) { Attempt(*round[i]); });
    }
  }

  // Decides, without writing, what each operation would do (--dry-run).
  std::vector<PlannedOp> DryRun(std::vector<Op>& ops) {
    std::vector<PlannedOp> plan(ops.size());
    internal::ParallelFor(ops.size(), options_.parallelism, cancel_, [&](std::size_t i) {
      Op& op = ops[i];
      PlannedOp& out = plan[i];
      out.path = op.object.path;
      if (op.kind == Op::Kind::kRemove) {
        out.kind = PlannedOp::Kind::kRemove;
        return;
      }
      if (Status s = StatIfNeeded(op); !s.ok()) {
        failures_.Add(op.object.path, "stat", s);
        return;
      }
      out.size = op.object.size;
      bool there = false;
      if (Result<std::optional<DestinationEntry>> have = Existing(op); have.ok()) {
        Result<bool> same = AlreadyThere(destination_, *have, op.object);
        there = same.ok() && *same;
      }
      out.kind = there ? PlannedOp::Kind::kSkip : PlannedOp::Kind::kWrite;
    });
    std::stable_sort(plan.begin(), plan.end(),
                     [&](const PlannedOp& a, const PlannedOp& b) { return a.path < b.path; });
    return plan;
  }

 private:
  static std::string OpName(const Op& op) {
    return op.kind == Op::Kind::kWrite ? "write" : "remove";
  }

  // One operation with retries of retryable errors, exponential backoff and jitter.
  void Attempt(Op& op) {
    Status last;
    std::minstd_rand jitter(static_cast<unsigned>(std::hash<std::string>{}(op.object.path)));
    for (int attempt = 1; attempt <= options_.attempts; ++attempt) {
      last = op.kind == Op::Kind::kWrite ? Write(op) : Remove(op);
      if (last.ok()) {
        if (progress_.object_done) progress_.object_done();
        return;
      }
      if (!internal::Retryable(last) || attempt == options_.attempts || cancel_.load()) break;
      auto base = options_.retry_backoff * (1 << std::min(attempt - 1, 10));
      auto wait =
          base + std::chrono::milliseconds(jitter() % static_cast<unsigned>(base.count() / 2 + 1));
      sleep_(wait);
    }
    if (last.code() == StatusCode::kCancelled) {
      failures_.Add(Failure{op.object.path, OpName(op), "interrupted"});
    } else {
      failures_.Add(op.object.path, OpName(op), last);
    }
  }

  Status StatIfNeeded(Op& op) {
    if (!op.needs_stat) return Status::OK();
    ASSIGN_OR_RETURN(SourceObject object, source_.Stat(commit_, op.object.path));
    op.object = std::move(object);
    op.needs_stat = false;
    return Status::OK();
  }

  Result<std::optional<DestinationEntry>> Existing(const Op& op) {
    if (op.existing_known) return op.existing;
    return destination_.Stat(op.object.path);
  }

  Status Remove(Op& op) {
    RETURN_IF_ERROR(destination_.Remove(op.object.path));
    ++counters_.removed;
    return Status::OK();
  }

  Status Write(Op& op) {
    RETURN_IF_ERROR(StatIfNeeded(op));
    const SourceObject& object = op.object;
    ASSIGN_OR_RETURN(std::optional<DestinationEntry> have, Existing(op));
    ASSIGN_OR_RETURN(bool there, AlreadyThere(destination_, have, object));
    if (there) {
      ++counters_.skipped;
      on_bytes_(object.size);
      return Status::OK();
    }
    // Once the destination holds something else, the listing no longer describes it.
    op.existing_known = false;

    if (server_side_.load() && !object.physical_address.empty()) {
      Result<WriteResult> copied =
          destination_.CopyFrom(object.physical_address, object.path, object.size);
      if (copied.ok()) {
        RETURN_IF_ERROR(VerifyWritten(object, *copied, ""));
        ++counters_.copied;
        counters_.bytes += object.size;
        on_bytes_(object.size);
        return Status::OK();
      }
      // The destination cannot reach the source's storage (another endpoint, no permission):
      // stream every object through this process from now on.
      server_side_.store(false);
    }

    ASSIGN_OR_RETURN(std::unique_ptr<block::Reader> body, source_.Open(commit_, object));
    // With a plain MD5 checksum, reading back what was written checks both the source read and
    // the destination in one pass; a multipart ETag gives nothing to compare content with, so
    // the bytes are hashed on the way through.
    const bool hash = options_.verify == Verify::kChanged && !internal::IsPlainMd5(object.checksum);
    internal::HashingReader hashing(*body, cancel_, on_bytes_, hash);
    ASSIGN_OR_RETURN(WriteResult written, destination_.Write(object.path, hashing, object.size));
    std::string md5 = hash ? hashing.FinishHex() : "";
    if (!md5.empty() && internal::IsPlainMd5(object.checksum) && md5 != object.checksum) {
      return Status::Corruption("the bytes read from the source have MD5 " + md5 +
                                ", but the object's checksum is " + object.checksum);
    }
    RETURN_IF_ERROR(VerifyWritten(object, written, md5));
    ++counters_.written;
    counters_.bytes += object.size;
    return Status::OK();
  }

  // --verify changed: the destination's size and checksum, read back after the write.
  Status VerifyWritten(const SourceObject& object, const WriteResult& written,
                       const std::string& md5) {
    // --verify full compares everything afterwards; none trusts the write.
    if (options_.verify != Verify::kChanged) return Status::OK();
    auto mismatch = [&](const std::string& what) {
      return Status::Corruption("verification failed: " + what);
    };
    const std::string expect = !md5.empty() ? md5 : object.checksum;
    if (written.etag.empty() && internal::IsPlainMd5(expect)) {
      // A destination that reports no checksum: read the content back.
      ASSIGN_OR_RETURN(std::string read_back, destination_.ContentMd5(object.path));
      if (read_back != expect) {
        return mismatch("MD5 " + read_back + " read back is not the checksum " + expect);
      }
      return Status::OK();
    }
    // The checksum the destination computed from what it stored (S3's ETag; a directory's
    // read-back), then the object at its path with that size and checksum.
    if (internal::IsPlainMd5(written.etag) && internal::IsPlainMd5(expect) &&
        written.etag != expect) {
      return mismatch("MD5 " + written.etag + " at the destination is not the checksum " + expect);
    }
    ASSIGN_OR_RETURN(std::optional<DestinationEntry> now, destination_.Stat(object.path));
    if (!now) return mismatch("the object is not at the destination after the write");
    if (now->size != object.size) {
      return mismatch("size " + std::to_string(now->size) + " at the destination, expected " +
                      std::to_string(object.size));
    }
    if (!now->etag.empty() && !written.etag.empty() && now->etag != written.etag) {
      return mismatch("the destination's ETag " + now->etag + " is not the written " +
                      written.etag);
    }
    return Status::OK();
  }

  Source& source_;
  Destination& destination_;
  const ExportOptions& options_;
  const std::atomic<bool>& cancel_;
  const ProgressSink& progress_;
  const std::function<void(std::chrono::milliseconds)>& sleep_;
  std::string commit_;
  FailureLog failures_;
  Counters counters_;
  std::atomic<bool> server_side_;
  std::function<void(uint64_t)> on_bytes_;
};

// Writes a small file at the destination root, with the operation retries.
Status WriteSmall(Destination& destination, std::string_view path, const std::string& body,
                  const ExportOptions& options,
                  const std::function<void(std::chrono::milliseconds)>& sleep) {
  Status last;
  for (int attempt = 1; attempt <= options.attempts; ++attempt) {
    block::ViewReader reader(body);
    Result<WriteResult> r = destination.Write(path, reader, body.size());
    if (r.ok()) return Status::OK();
    last = r.status();
    if (!internal::Retryable(last) || attempt == options.attempts) break;
    sleep(options.retry_backoff * (1 << std::min(attempt - 1, 10)));
  }
  return last.WithContext("writing " + std::string(path) + " at " + destination.Describe());
}

}  // namespace

Exporter::Exporter(Source& source, Destination& destination, const Clock& clock,
                   std::function<void(std::chrono::milliseconds)> sleep)
    : source_(source), destination_(destination), clock_(clock), sleep_(std::move(sleep)) {
  if (!sleep_) sleep_ = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
}

Result<ExportReport> Exporter::Run(const ExportOptions& options, const std::atomic<bool>& cancel,
                                   const ProgressSink& progress) {
  RETURN_IF_ERROR(CheckOptions(options));
  const auto started = clock_.Steady();
  const auto started_wall = clock_.Now();

  ExportReport report;
  report.repository = source_.repository();
  report.destination = destination_.Describe();
  if (!options.branch.empty()) {
    ASSIGN_OR_RETURN(report.commit, source_.BranchHead(options.branch));
  } else {
    ASSIGN_OR_RETURN(report.commit, source_.ResolveCommit(options.commit));
  }
  if (!options.previous_commit.empty()) {
    ASSIGN_OR_RETURN(report.previous_commit, source_.ResolveCommit(options.previous_commit));
  } else if (options.continue_from_last) {
    ASSIGN_OR_RETURN(std::optional<Manifest> manifest, ReadManifest(destination_));
    if (manifest) {
      if (manifest->repository != report.repository) {
        return Status::InvalidArgument(
            report.destination + " holds an export of repository '" + manifest->repository +
            "', not '" + report.repository +
            "'; --continue only resumes an export of the "
            "same repository (export to another destination, or remove " +
            std::string(kManifestPath) + " there to start over)");
      }
      report.previous_commit = manifest->commit;
    }
  }
  if (!report.previous_commit.empty() && report.previous_commit == report.commit &&
      options.mode == Mode::kCopy && options.verify != Verify::kFull) {
    // Nothing changed since the last export: no operations and no new marker.
    report.success = true;
    report.duration =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Steady() - started);
    return report;
  }

  Execution run(source_, destination_, options, cancel, progress, sleep_, report.commit);
  internal::Plan plan;
  if (report.previous_commit.empty() || options.mode == Mode::kMirror) {
    ASSIGN_OR_RETURN(
        plan, internal::PlanFull(source_, destination_, report.commit, options, run.failures()));
  } else {
    ASSIGN_OR_RETURN(plan, internal::PlanDiff(source_, report.previous_commit, report.commit,
                                              options, run.failures()));
  }
  if (progress.planned) progress.planned(static_cast<int64_t>(plan.ops.size()), plan.bytes);

  if (options.dry_run) {
    report.plan = run.DryRun(plan.ops);
    report.failed = run.failures().total();
    report.failures = run.failures().Take();
    report.success = report.failed == 0;
    report.duration =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Steady() - started);
    return report;
  }

  run.Execute(plan.ops);
  report.interrupted = cancel.load();
  if (options.verify == Verify::kFull && !report.interrupted) {
    Result<VerifySummary> verified =
        internal::VerifyFull(source_, destination_, report.commit, options, cancel);
    if (!verified.ok()) {
      run.failures().Add("", "verify", verified.status());
    } else {
      for (const VerifyLine& line : verified->lines) {
        if (line.symbol == '-' && options.mode == Mode::kCopy) continue;  // foreign objects
        run.failures().Add(
            Failure{line.path, "verify", std::string(1, line.symbol) + " " + line.detail});
      }
      report.verify = std::move(*verified);
    }
    report.interrupted = cancel.load();
  }

  Counters& c = run.counters();
  report.written = c.written.load() + c.copied.load();
  report.copied_server_side = c.copied.load();
  report.skipped = c.skipped.load();
  report.removed = c.removed.load();
  report.bytes_written = c.bytes.load();

  bool ok = run.failures().total() == 0 && !report.interrupted;
  if (ok) {
    if (Status s = destination_.Flush(); !s.ok()) run.failures().Add("", "flush", s);
    ok = run.failures().total() == 0;
  }
  report.duration =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Steady() - started);
  report.marker = MarkerName(report.commit, started_wall, ok);
  if (ok) {
    report.success = true;
    Status s = WriteSmall(destination_, report.marker, SuccessMarkerBody(report), options, sleep_);
    if (s.ok()) {
      Manifest manifest{report.repository, report.commit, report.previous_commit, report.marker,
                        clock_.Now()};
      s = WriteSmall(destination_, kManifestPath, EncodeManifest(manifest), options, sleep_);
    }
    if (s.ok()) s = destination_.Flush();
    if (s.ok()) return report;
    report.success = false;
    run.failures().Add(std::string(report.marker), "write", s);
    report.marker = MarkerName(report.commit, started_wall, false);
  }
  report.failed = run.failures().total();
  report.failures = run.failures().Take();
  // A FAILURE marker that cannot be written is reported by the caller from the report.
  if (Status s =
          WriteSmall(destination_, report.marker, FailureMarkerBody(report), options, sleep_);
      !s.ok()) {
    report.failures.push_back(Failure{report.marker, "write", internal::Describe(s)});
    ++report.failed;
    report.marker.clear();
  }
  return report;
}

}  // namespace tarn::exporter
