// Rendering of command output: aligned text tables for people, JSON for scripts (--json), and
// the small formats tables use (times, sizes). Pure functions: callers print the strings.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tarn::cli {

// Columns separated by two spaces, each as wide as its widest cell; the last column is not
// padded. The header row comes first; no trailing spaces; every row ends with '\n'.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);
  void AddRow(std::vector<std::string> cells);  // missing cells render empty
  std::size_t rows() const { return rows_.size(); }
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// Unix seconds as "YYYY-MM-DD HH:MM:SS UTC"; "" for 0.
std::string FormatTime(int64_t unix_seconds);
// Bytes with a binary unit: "512 B", "1.5 KiB", "10.0 MiB".
std::string FormatSize(uint64_t bytes);
// A JSON field as table text: strings bare, numbers as written, null/missing as "".
std::string Cell(const nlohmann::json& object, const char* field);
// key=value pairs, comma-separated in key order, from a JSON object of strings.
std::string FormatMetadata(const nlohmann::json& metadata);
// Pretty JSON (2-space indent) with a trailing newline.
std::string FormatJson(const nlohmann::json& value);

}  // namespace tarn::cli
