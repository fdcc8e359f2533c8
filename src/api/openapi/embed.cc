// tarn_openapi_embed IN.yaml OUT.cc: converts the API's OpenAPI document from YAML to minified
// JSON and writes a C++ source defining tarn::api::OpenApiDocument() over it (see document.h).
// Runs at build time; a document that is not valid YAML, or whose top level is not a mapping,
// fails the build with the parser's message and exit status 1.
//
// Scalars: quoted YAML scalars stay strings; plain ones become booleans (true/false), null
// (null, ~), integers or floats when they read as such, and strings otherwise. Mapping keys
// are always strings, so response codes such as 200 stay keys. Keys keep their order.
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace {

using json = nlohmann::ordered_json;  // keeps the authored order of keys

json ScalarOf(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  if (node.Tag() != "?") return s;  // quoted or explicitly tagged: a string
  if (s == "true") return true;
  if (s == "false") return false;
  if (s == "null" || s == "~" || s.empty()) return nullptr;
  int64_t i = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
  if (ec == std::errc() && end == s.data() + s.size()) return i;
  double d = 0;
  auto [dend, dec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (dec == std::errc() && dend == s.data() + s.size()) return d;
  return s;
}

json ToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json j = json::object();
      for (const auto& kv : node) j[kv.first.Scalar()] = ToJson(kv.second);
      return j;
    }
    case YAML::NodeType::Sequence: {
      json j = json::array();
      for (const auto& item : node) j.push_back(ToJson(item));
      return j;
    }
    case YAML::NodeType::Scalar:
      return ScalarOf(node);
    default:
      return nullptr;
  }
}

constexpr std::string_view kDelimiter = "openapi_json";

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: tarn_openapi_embed IN.yaml OUT.cc\n";
    return 2;
  }
  json doc;
  try {
    YAML::Node root = YAML::LoadFile(argv[1]);
    if (!root.IsMap()) {
      std::cerr << argv[1] << ": the OpenAPI document must be a mapping at the top level\n";
      return 1;
    }
    doc = ToJson(root);
  } catch (const std::exception& e) {
    std::cerr << argv[1] << ": " << e.what() << "\n";
    return 1;
  }
  std::string text = doc.dump();
  if (text.find(std::string(")") + std::string(kDelimiter) + "\"") != std::string::npos) {
    std::cerr << argv[1] << ": the document contains the raw-string delimiter; change it\n";
    return 1;
  }
  std::ofstream out(argv[2], std::ios::trunc);
  out << "// Generated from src/api/openapi/openapi.yaml by tarn_openapi_embed; do not edit.\n"
      << "#include \"api/openapi/document.h\"\n\n"
      << "namespace tarn::api {\n\n"
      << "std::string_view OpenApiDocument() {\n"
      << "  static constexpr char kText[] = R\"" << kDelimiter << "(" << text << ")" << kDelimiter
      << "\";\n"
      << "  return {kText, sizeof(kText) - 1};\n"
      << "}\n\n"
      << "}  // namespace tarn::api\n";
  out.close();
  if (!out) {
    std::cerr << argv[2] << ": cannot write the generated source\n";
    return 1;
  }
  return 0;
}
