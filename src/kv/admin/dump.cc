#include "kv/admin/dump.h"

#include "common/coding.h"
#include "kv/admin/dump_writer.h"

namespace tarn::kv {
namespace {

Status DumpPartition(Store& store, const std::string& partition, const DumpOptions& options,
                     DumpWriter& writer, admin_internal::ProgressTicker& ticker,
                     PartitionDigest* digest) {
  ASSIGN_OR_RETURN(auto it, store.Scan(partition, "", options.scan));
  RETURN_IF_ERROR(writer.BeginPartition(partition));
  ticker.StartPartition(partition);
  for (; it->Valid(); it->Next()) {
    RETURN_IF_ERROR(writer.AddEntry(it->key(), it->value()));
    ticker.Advance(1);
  }
  RETURN_IF_ERROR(it->status());
  return writer.EndPartition(digest);
}

}  // namespace

Status Dump(Store& store, std::ostream& out, const DumpOptions& options, DumpReport* report) {
  DumpReport local;
  DumpReport& r = report != nullptr ? *report : local;
  r = DumpReport{};
  SystemClock system_clock;
  const Clock& clock = options.clock != nullptr ? *options.clock : system_clock;

  DumpWriter writer(out);
  auto partitions = store.ListPartitions();
  if (!partitions.ok()) return partitions.status().WithContext("kv dump: listing partitions");
  RETURN_IF_ERROR(writer.WriteHeader(store.driver(), clock.Now()));
  admin_internal::ProgressTicker ticker(options.progress, options.progress_every);
  for (const std::string& partition : *partitions) {
    if (options.partition_filter && !options.partition_filter(partition)) continue;
    PartitionDigest digest;
    Status s = DumpPartition(store, partition, options, writer, ticker, &digest);
    r.bytes_written = writer.bytes_written();
    if (!s.ok()) return s.WithContext("kv dump of partition \"" + EscapeBytes(partition) + "\"");
    r.partitions++;
    r.entries += digest.entries;
    r.key_bytes += digest.key_bytes;
    r.value_bytes += digest.value_bytes;
    r.partition_reports.push_back(PartitionReport{partition, digest});
  }
  Status s = writer.Finish();
  r.bytes_written = writer.bytes_written();
  return s;
}

}  // namespace tarn::kv
