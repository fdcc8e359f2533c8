// Rendering of StoreStats (declared in stats.h): a table for people, JSON for tools.
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>

#include "common/coding.h"
#include "kv/admin/stats.h"

namespace tarn::kv {
namespace {

std::string HumanBytes(uint64_t n) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  if (n < 1024) return std::to_string(n) + " B";
  double v = static_cast<double>(n) / 1024;
  int unit = 0;
  while (v >= 1024 && unit < 4) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f %s", v, kUnits[unit]);
  return buf;
}

// Column-aligned rows: the first `left` columns (names) left-aligned, the rest (numbers)
// right-aligned.
class Table {
 public:
  Table(std::vector<std::string> header, std::size_t left) : left_(left) {
    rows_.push_back(std::move(header));
  }
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void Render(std::string& out) const {
    std::vector<std::size_t> width(rows_[0].size(), 0);
    for (const auto& row : rows_) {
      for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    }
    for (const auto& row : rows_) {
      std::string line;
      for (std::size_t i = 0; i < row.size(); ++i) {
        const std::string pad(width[i] - row[i].size(), ' ');
        if (i > 0) line += "  ";
        line += i < left_ ? row[i] + pad : pad + row[i];
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line;
      out += '\n';
    }
  }

 private:
  std::size_t left_;
  std::vector<std::vector<std::string>> rows_;
};

std::vector<std::string> Figures(const RecordStats& r) {
  return {std::to_string(r.keys), HumanBytes(r.key_bytes), HumanBytes(r.value_bytes),
          HumanBytes(r.bytes())};
}

nlohmann::ordered_json RecordsJson(const RecordStats& r) {
  nlohmann::ordered_json j;
  j["keys"] = r.keys;
  j["key_bytes"] = r.key_bytes;
  j["value_bytes"] = r.value_bytes;
  j["bytes"] = r.bytes();
  return j;
}

std::string Display(std::string_view bytes) {
  return EscapeBytes(bytes, std::numeric_limits<std::size_t>::max());
}

}  // namespace

std::string FormatStatsTable(const StoreStats& stats) {
  std::string out;
  out += "driver " + stats.driver + ": " + std::to_string(stats.partitions.size()) +
         " partitions, " + std::to_string(stats.total.keys) + " keys, " +
         HumanBytes(stats.total.bytes()) + " (keys " + HumanBytes(stats.total.key_bytes) +
         ", values " + HumanBytes(stats.total.value_bytes) + ")\n\n";
  Table partitions({"PARTITION", "CLASS", "KEYS", "KEY BYTES", "VALUE BYTES", "TOTAL"}, 2);
  for (const PartitionStats& p : stats.partitions) {
    std::vector<std::string> row = {Display(p.name), p.partition_class};
    for (auto& f : Figures(p.records)) row.push_back(std::move(f));
    partitions.Add(std::move(row));
  }
  partitions.Render(out);
  out += '\n';
  Table kinds({"KIND", "KEYS", "KEY BYTES", "VALUE BYTES", "TOTAL"}, 1);
  for (const KindStats& k : stats.kinds) {
    std::vector<std::string> row = {k.kind};
    for (auto& f : Figures(k.records)) row.push_back(std::move(f));
    kinds.Add(std::move(row));
  }
  kinds.Render(out);
  return out;
}

std::string FormatStatsJson(const StoreStats& stats, int indent) {
  nlohmann::ordered_json j;
  j["driver"] = stats.driver;
  j["total"] = RecordsJson(stats.total);
  j["total"]["partitions"] = stats.partitions.size();
  j["partitions"] = nlohmann::ordered_json::array();
  for (const PartitionStats& p : stats.partitions) {
    nlohmann::ordered_json pj;
    pj["name"] = Display(p.name);
    pj["name_base64"] = Base64Encode(p.name);
    pj["class"] = p.partition_class;
    pj.update(RecordsJson(p.records));
    j["partitions"].push_back(std::move(pj));
  }
  j["kinds"] = nlohmann::ordered_json::array();
  for (const KindStats& k : stats.kinds) {
    nlohmann::ordered_json kj;
    kj["kind"] = k.kind;
    kj.update(RecordsJson(k.records));
    j["kinds"].push_back(std::move(kj));
  }
  // Registered class and kind names are not checked for UTF-8; replace rather than throw.
  return j.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace tarn::kv
