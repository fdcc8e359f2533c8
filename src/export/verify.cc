// --verify full: the whole destination compared with the commit, in rclone check's symbols.
#include <map>

#include "export/exporter_internal.h"
#include "export/markers.h"

namespace tarn::exporter::internal {
namespace {

struct Pair {
  std::optional<SourceObject> source;
  std::optional<DestinationEntry> destination;
};

// Compares one path present on both sides. Reads the destination's content only when its
// listing does not carry a comparable checksum.
VerifyLine Compare(Destination& destination, const SourceObject& src, const DestinationEntry& dst) {
  VerifyLine line{'=', src.path, ""};
  if (src.size != dst.size) {
    line.symbol = '*';
    line.detail = "size " + std::to_string(dst.size) + " at the destination, " +
                  std::to_string(src.size) + " in the ref";
    return line;
  }
  if (!dst.etag.empty() && dst.etag == src.checksum) return line;
  if (!IsPlainMd5(src.checksum)) {
    // A multipart ETag names the parts, not the content: sizes agree, which is all that can be
    // compared without reading the source.
    line.detail = "sizes compared (the ref's checksum is a multipart ETag)";
    return line;
  }
  std::string md5 = dst.etag;
  if (!IsPlainMd5(md5)) {
    Result<std::string> read = destination.ContentMd5(src.path);
    if (!read.ok()) return VerifyLine{'!', src.path, Describe(read.status())};
    md5 = *read;
  }
  if (md5 != src.checksum) {
    line.symbol = '*';
    line.detail =
        "content differs (MD5 " + md5 + " at the destination, " + src.checksum + " in the ref)";
  }
  return line;
}

}  // namespace

Result<VerifySummary> VerifyFull(Source& source, Destination& destination, std::string_view commit,
                                 const ExportOptions& options, const std::atomic<bool>& cancel) {
  std::map<std::string, Pair, std::less<>> paths;
  RETURN_IF_ERROR(source.ListObjects(commit, [&](const SourceObject& o) -> Status {
    if (!IsExportFile(o.path)) paths[o.path].source = o;
    return Status::OK();
  }));
  RETURN_IF_ERROR(destination
                      .List([&](const DestinationEntry& e) -> Status {
                        if (!IsExportFile(e.path)) paths[e.path].destination = e;
                        return Status::OK();
                      })
                      .WithContext("listing the destination " + destination.Describe()));

  std::vector<const Pair*> pairs;
  pairs.reserve(paths.size());
  for (const auto& [path, pair] : paths) pairs.push_back(&pair);
  std::vector<VerifyLine> lines(pairs.size());
  std::size_t done = ParallelFor(pairs.size(), options.parallelism, cancel, [&](std::size_t i) {
    const Pair& p = *pairs[i];
    if (p.source && p.destination) {
      lines[i] = Compare(destination, *p.source, *p.destination);
    } else if (p.source) {
      lines[i] = VerifyLine{'+', p.source->path, "missing at the destination"};
    } else {
      lines[i] = VerifyLine{'-', p.destination->path, "only at the destination"};
    }
  });
  if (done < pairs.size()) return Status::Cancelled("interrupted during verification");

  VerifySummary summary;
  for (VerifyLine& line : lines) {
    switch (line.symbol) {
      case '=':
        ++summary.same;
        continue;
      case '*':
        ++summary.differ;
        break;
      case '+':
        ++summary.missing;
        break;
      case '-':
        ++summary.extra;
        break;
      default:
        ++summary.errors;
        break;
    }
    summary.lines.push_back(std::move(line));
  }
  return summary;
}

}  // namespace tarn::exporter::internal
