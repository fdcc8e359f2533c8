#include "export/exporter.h"

#include <gtest/gtest.h>

#include "block/etag.h"
#include "export/markers.h"
#include "export/testing/fakes.h"

namespace tarn::exporter {
namespace {

using testing::MemoryDestination;
using testing::MemorySource;
using testing::Tree;

class ExporterTest : public ::testing::Test {
 protected:
  ExporterTest()
      : clock_(std::chrono::system_clock::time_point(std::chrono::seconds(1795475700))),
        exporter_(source_, dest_, clock_,
                  [this](std::chrono::milliseconds d) { sleeps_.push_back(d); }) {}

  ExportReport Export(ExportOptions options) {
    Result<ExportReport> r = exporter_.Run(options, cancel_, progress_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ExportReport{};
  }
  static ExportOptions Commit(std::string id) {
    ExportOptions o;
    o.commit = std::move(id);
    o.parallelism = 4;
    return o;
  }
  std::map<std::string, std::string> DataFiles() {
    std::map<std::string, std::string> out;
    for (auto& [path, content] : dest_.files()) {
      if (!IsExportFile(path)) out[path] = content;
    }
    return out;
  }
  int CountLog(std::string_view prefix) {
    int n = 0;
    for (const std::string& line : dest_.log()) n += line.starts_with(prefix);
    return n;
  }

  MemorySource source_{"repo1"};
  MemoryDestination dest_;
  ManualClock clock_;
  std::vector<std::chrono::milliseconds> sleeps_;
  std::atomic<bool> cancel_{false};
  ProgressSink progress_;
  Exporter exporter_;
};

const Tree kV1 = {{"a.csv", "alpha"}, {"dir/b.csv", "bravo"}, {"dir/_SUCCESS", ""}, {"z", "zulu"}};
const Tree kV2 = {
    {"a.csv", "ALPHA"}, {"dir/b.csv", "bravo"}, {"dir/_SUCCESS", ""}, {"new.csv", "november"}};

TEST_F(ExporterTest, FullExportWritesEveryObjectThenMarkerAndManifest) {
  source_.AddCommit("c1", kV1);
  ExportReport r = Export(Commit("c1"));
  EXPECT_TRUE(r.success);
  EXPECT_EQ(r.written, 4);
  EXPECT_EQ(r.bytes_written, 14u);
  EXPECT_EQ(DataFiles(), (std::map<std::string, std::string>(kV1.begin(), kV1.end())));
  EXPECT_EQ(r.marker, "EXPORT_c1_20261123T231500Z_SUCCESS");
  auto files = dest_.files();
  ASSERT_TRUE(files.contains(r.marker));
  EXPECT_NE(files[r.marker].find("written: 4"), std::string::npos);
  Result<Manifest> m = DecodeManifest(files[std::string(kManifestPath)]);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->repository, "repo1");
  EXPECT_EQ(m->commit, "c1");
  EXPECT_EQ(m->marker, r.marker);
  // The data was made durable before the marker announced it.
  std::vector<std::string> log = dest_.log();
  EXPECT_EQ(log[log.size() - 2], "write " + r.marker);
  EXPECT_GE(dest_.flushes(), 1);
}

TEST_F(ExporterTest, BranchExportsTheCommitItPointsTo) {
  source_.AddCommit("c1", kV1);
  source_.SetBranch("main", "c1");
  ExportOptions o;
  o.branch = "main";
  ExportReport r = Export(o);
  EXPECT_EQ(r.commit, "c1");
  EXPECT_EQ(r.written, 4);
}

TEST_F(ExporterTest, SuccessFilesAreWrittenAfterAllOtherData) {
  Tree tree;
  for (int i = 0; i < 50; ++i) tree["part-" + std::to_string(i)] = "data";
  tree["_SUCCESS"] = "";
  tree["sub/_SUCCESS"] = "";
  tree["sub/zz"] = "data";
  source_.AddCommit("c1", tree);
  ExportOptions o = Commit("c1");
  o.parallelism = 8;
  Export(o);
  std::vector<std::string> log = dest_.log();
  std::size_t first_success = log.size(), last_data = 0;
  for (std::size_t i = 0; i < log.size(); ++i) {
    if (log[i].ends_with("_SUCCESS") && !log[i].starts_with("write EXPORT_")) {
      first_success = std::min(first_success, i);
    } else if (!log[i].starts_with("write EXPORT_") && !log[i].ends_with(".json")) {
      last_data = i;
    }
  }
  EXPECT_EQ(CountLog("write part-"), 50);
  EXPECT_LT(last_data, first_success);
}

TEST_F(ExporterTest, DiffExportWritesOnlyTheChangesAndRemovesWhatWasRemoved) {
  source_.AddCommit("c1", kV1);
  source_.AddCommit("c2", kV2);
  Export(Commit("c1"));
  int writes_before = CountLog("write ");
  ExportOptions o = Commit("c2");
  o.previous_commit = "c1";
  ExportReport r = Export(o);
  EXPECT_TRUE(r.success);
  EXPECT_EQ(r.previous_commit, "c1");
  EXPECT_EQ(r.written, 2);  // a.csv changed, new.csv added
  EXPECT_EQ(r.removed, 1);  // z
  EXPECT_EQ(DataFiles(), (std::map<std::string, std::string>(kV2.begin(), kV2.end())));
  // Two data writes, the marker and the manifest; dir/b.csv was not touched.
  EXPECT_EQ(CountLog("write ") - writes_before, 4);
  EXPECT_EQ(CountLog("write dir/b.csv"), 1);
}

TEST_F(ExporterTest, ContinueStartsFromTheLastSuccessfulExport) {
  source_.AddCommit("c1", kV1);
  source_.AddCommit("c2", kV2);
  ExportOptions o = Commit("c1");
  o.continue_from_last = true;
  ExportReport first = Export(o);
  EXPECT_TRUE(first.previous_commit.empty()) << "the first run is a full export";
  EXPECT_EQ(first.written, 4);
  o.commit = "c2";
  ExportReport second = Export(o);
  EXPECT_EQ(second.previous_commit, "c1");
  EXPECT_EQ(second.written, 2);
  EXPECT_EQ(second.removed, 1);
  ExportReport third = Export(o);
  EXPECT_TRUE(third.success);
  EXPECT_TRUE(third.marker.empty()) << "nothing changed: no new marker";
  EXPECT_EQ(third.written, 0);
}

TEST_F(ExporterTest, ContinueRefusesADestinationOfAnotherRepository) {
  source_.AddCommit("c1", kV1);
  dest_.Put(std::string(kManifestPath),
            EncodeManifest(Manifest{"other", "c0", "", "EXPORT_c0_x_SUCCESS", {}}));
  ExportOptions o = Commit("c1");
  o.continue_from_last = true;
  Result<ExportReport> r = exporter_.Run(o, cancel_, progress_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("'other'"), std::string_view::npos);
}

TEST_F(ExporterTest, CopyModeKeepsForeignObjectsAndMirrorRemovesThem) {
  source_.AddCommit("c1", kV1);
  dest_.Put("foreign.txt", "theirs");
  dest_.Put("dir/_SUCCESS.old", "x");
  Export(Commit("c1"));
  EXPECT_TRUE(DataFiles().contains("foreign.txt"));
  clock_.Advance(std::chrono::minutes(1));
  ExportOptions o = Commit("c1");
  o.mode = Mode::kMirror;
  ExportReport r = Export(o);
  EXPECT_TRUE(r.success);
  EXPECT_EQ(r.removed, 2);
  EXPECT_EQ(DataFiles(), (std::map<std::string, std::string>(kV1.begin(), kV1.end())));
  // The earlier run's marker and the manifest stay.
  int markers = 0;
  for (auto& [path, content] : dest_.files()) markers += path.starts_with("EXPORT_");
  EXPECT_EQ(markers, 2);
}

TEST_F(ExporterTest, ObjectsAlreadyAtTheDestinationAreSkipped) {
  source_.AddCommit("c1", kV1);
  dest_.Put("a.csv", "alpha");
  dest_.Put("z", "stale");
  ExportReport r = Export(Commit("c1"));
  EXPECT_EQ(r.skipped, 1);
  EXPECT_EQ(r.written, 3);
  EXPECT_EQ(DataFiles()["z"], "zulu");
  EXPECT_EQ(CountLog("write a.csv"), 0);
}

TEST_F(ExporterTest, ARefusedKeyFailsTheExportAndARerunWritesOnlyWhatWasMissing) {
  source_.AddCommit("c1", kV1);
  dest_.Refuse("dir/b.csv", Status::PermissionDenied("AccessDenied for dir/b.csv"));
  ExportReport r = Export(Commit("c1"));
  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.marker, "EXPORT_c1_20261123T231500Z_FAILURE");
  auto files = dest_.files();
  ASSERT_TRUE(files.contains(r.marker));
  const std::string& body = files[r.marker];
  EXPECT_NE(body.find("write\tdir/b.csv\tPermissionDenied: AccessDenied"), std::string::npos)
      << body;
  EXPECT_NE(body.find("held back"), std::string::npos) << "the success file waits for the data";
  EXPECT_FALSE(files.contains("dir/_SUCCESS"));
  EXPECT_FALSE(files.contains(std::string(kManifestPath)));
  EXPECT_TRUE(sleeps_.empty()) << "permission errors are not retried";

  dest_.Unrefuse("dir/b.csv");
  ExportReport again = Export(Commit("c1"));
  EXPECT_TRUE(again.success);
  EXPECT_EQ(again.written, 2);  // dir/b.csv and dir/_SUCCESS
  EXPECT_EQ(again.skipped, 2);
}

TEST_F(ExporterTest, TransientFailuresAreRetriedWithBackoff) {
  source_.AddCommit("c1", kV1);
  dest_.FailTransiently("a.csv", 2);
  ExportReport r = Export(Commit("c1"));
  EXPECT_TRUE(r.success);
  ASSERT_EQ(sleeps_.size(), 2u);
  EXPECT_GE(sleeps_[0].count(), 200);
  EXPECT_GE(sleeps_[1].count(), 400);
}

TEST_F(ExporterTest, AnOperationThatKeepsFailingIsReportedAfterItsAttempts) {
  source_.AddCommit("c1", kV1);
  dest_.FailTransiently("a.csv", 100);
  ExportOptions o = Commit("c1");
  o.attempts = 3;
  ExportReport r = Export(o);
  EXPECT_FALSE(r.success);
  EXPECT_EQ(sleeps_.size(), 2u);
  ASSERT_EQ(r.failures.size(), 2u);
  EXPECT_EQ(r.failures[0].path, "a.csv");
  EXPECT_EQ(r.failures[1].path, "dir/_SUCCESS");
  EXPECT_NE(r.failures[1].error.find("held back"), std::string::npos);
}

TEST_F(ExporterTest, AnInterruptedExportWritesAFailureMarkerSayingSo) {
  Tree tree;
  for (int i = 0; i < 20; ++i) tree["f" + std::to_string(i)] = "x";
  source_.AddCommit("c1", tree);
  int done = 0;
  progress_.object_done = [&] {
    if (++done == 5) cancel_.store(true);
  };
  ExportOptions o = Commit("c1");
  o.parallelism = 1;
  ExportReport r = Export(o);
  EXPECT_FALSE(r.success);
  EXPECT_TRUE(r.interrupted);
  EXPECT_EQ(r.written, 5);
  auto files = dest_.files();
  ASSERT_TRUE(r.marker.ends_with("_FAILURE"));
  EXPECT_NE(files[r.marker].find("interrupted"), std::string::npos);
}

TEST_F(ExporterTest, ChangedVerificationCatchesADestinationThatStoresOtherBytes) {
  source_.AddCommit("c1", kV1);
  dest_.CorruptWrites("z");
  ExportReport r = Export(Commit("c1"));
  EXPECT_FALSE(r.success);
  ASSERT_EQ(r.failed, 2);  // z, and the success file held back
  EXPECT_EQ(r.failures[0].path, "z");
  EXPECT_NE(r.failures[0].error.find("verification failed"), std::string::npos);
}

TEST_F(ExporterTest, ACorruptSourceReadIsNotExported) {
  source_.AddCommit("c1", kV1);
  source_.CorruptReads("z", "zulX");
  ExportReport r = Export(Commit("c1"));
  EXPECT_FALSE(r.success);
  ASSERT_EQ(r.failures.size(), 2u);
  EXPECT_EQ(r.failures[0].path, "z");
  EXPECT_NE(r.failures[0].error.find("checksum"), std::string::npos);
}

TEST_F(ExporterTest, FullVerificationReportsInRcloneSymbols) {
  source_.AddCommit("c1", kV1);
  Export(Commit("c1"));
  dest_.Put("foreign", "x");
  ExportOptions o = Commit("c1");
  o.verify = Verify::kFull;
  ExportReport r = Export(o);
  EXPECT_TRUE(r.success) << "a foreign object does not fail a copy-mode export";
  ASSERT_TRUE(r.verify.has_value());
  EXPECT_EQ(r.verify->same, 4);
  EXPECT_EQ(r.verify->extra, 1);
  ASSERT_EQ(r.verify->lines.size(), 1u);
  EXPECT_EQ(r.verify->lines[0].symbol, '-');
  EXPECT_EQ(r.verify->lines[0].path, "foreign");
}

TEST_F(ExporterTest, DryRunPlansWithoutWriting) {
  source_.AddCommit("c1", kV1);
  dest_.Put("a.csv", "alpha");
  dest_.Put("extra", "x");
  ExportOptions o = Commit("c1");
  o.dry_run = true;
  o.mode = Mode::kMirror;
  ExportReport r = Export(o);
  EXPECT_TRUE(dest_.log().empty());
  ASSERT_EQ(r.plan.size(), 5u);
  EXPECT_EQ(r.plan[0].path, "a.csv");
  EXPECT_EQ(r.plan[0].kind, PlannedOp::Kind::kSkip);
  EXPECT_EQ(r.plan[3].path, "extra");
  EXPECT_EQ(r.plan[3].kind, PlannedOp::Kind::kRemove);
  EXPECT_EQ(r.plan[4].kind, PlannedOp::Kind::kWrite);
  EXPECT_EQ(r.plan[4].size, 4u);
}

TEST_F(ExporterTest, ServerSideCopyIsUsedWhenTheDestinationCanReachTheSource) {
  source_.AddCommit("c1", kV1);
  std::map<std::string, std::string> by_address;
  for (auto& [path, content] : kV1) by_address["mem://src/" + path] = content;
  dest_.AllowServerSideCopy("mem://src/", by_address);
  ExportReport r = Export(Commit("c1"));
  EXPECT_TRUE(r.success);
  EXPECT_EQ(r.copied_server_side, 4);
  EXPECT_EQ(source_.opens(), 0);
  EXPECT_EQ(DataFiles(), (std::map<std::string, std::string>(kV1.begin(), kV1.end())));
}

TEST_F(ExporterTest, WithoutServerSideCopyObjectsAreStreamed) {
  source_.AddCommit("c1", kV1);
  ExportReport r = Export(Commit("c1"));
  EXPECT_EQ(r.copied_server_side, 0);
  EXPECT_EQ(source_.opens(), 4);
}

TEST_F(ExporterTest, OptionsAreChecked) {
  source_.AddCommit("c1", kV1);
  ExportOptions neither;
  EXPECT_EQ(exporter_.Run(neither, cancel_, progress_).status().code(),
            StatusCode::kInvalidArgument);
  ExportOptions both = Commit("c1");
  both.previous_commit = "c1";
  both.continue_from_last = true;
  EXPECT_EQ(exporter_.Run(both, cancel_, progress_).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(exporter_.Run(Commit("nope"), cancel_, progress_).status().code(),
            StatusCode::kNotFound);
}

TEST(MarkersTest, NamesManifestAndSuccessFiles) {
  auto when = std::chrono::system_clock::time_point(std::chrono::seconds(1795475700));
  EXPECT_EQ(MarkerName("abc", when, true), "EXPORT_abc_20261123T231500Z_SUCCESS");
  EXPECT_EQ(MarkerName("abc", when, false), "EXPORT_abc_20261123T231500Z_FAILURE");
  EXPECT_TRUE(IsExportFile("EXPORT_abc_20261123T231500Z_SUCCESS"));
  EXPECT_TRUE(IsExportFile("_tarn_export.json"));
  EXPECT_FALSE(IsExportFile("dir/EXPORT_abc_20261123T231500Z_SUCCESS"));
  EXPECT_FALSE(IsExportFile("EXPORT_notes.txt"));
  EXPECT_TRUE(IsSuccessFile("a/b/_SUCCESS", "_SUCCESS"));
  EXPECT_FALSE(IsSuccessFile("a/_SUCCESS/x", "_SUCCESS"));
  EXPECT_TRUE(IsSuccessFile("a/_DONE.flag", "_DONE*"));
  EXPECT_FALSE(IsSuccessFile("_SUCCESS", ""));
}

TEST(MarkersTest, ManifestRoundTripsAndRejectsOtherFiles) {
  Manifest m{"repo", "c2", "c1", "EXPORT_c2_x_SUCCESS",
             std::chrono::system_clock::time_point(std::chrono::seconds(1795475700))};
  Result<Manifest> back = DecodeManifest(EncodeManifest(m));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->repository, "repo");
  EXPECT_EQ(back->commit, "c2");
  EXPECT_EQ(back->previous_commit, "c1");
  EXPECT_EQ(back->finished, m.finished);
  EXPECT_EQ(DecodeManifest("not json").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeManifest(R"({"format": 9})").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeManifest(R"({"format": 1, "repository": "r"})").status().code(),
            StatusCode::kCorruption);
}

}  // namespace
}  // namespace tarn::exporter
