// The OpenAPI document against the route table and the compatibility table: every route is
// documented with its method, path and operationId, every documented operation is served, the
// document is well formed (references resolve, operations answer 2xx and say who may call
// them), and docs/api_compatibility.md marks exactly the served operations supported.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "api/handlers.h"
#include "api/openapi/document.h"
#include "api/test_env.h"

namespace tarn::api {
namespace {

using nlohmann::json;

constexpr const char* kMethods[] = {"get", "put", "post", "delete", "head", "patch", "options"};

json Document() {
  json doc = json::parse(OpenApiDocument(), nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(doc.is_discarded()) << "the embedded OpenAPI document is not valid JSON";
  return doc;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "/repositories/*/branches/*" for a route's pattern.
std::string RoutePath(const Route& route) {
  std::string path;
  for (std::string_view seg : route.pattern) {
    if (seg.empty()) break;
    path += "/";
    path += seg;
  }
  return path;
}

// "/repositories/{repository}/branches/{branch}" -> "/repositories/*/branches/*".
std::string StarredPath(const std::string& path) {
  std::string out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '{') {
      std::size_t close = path.find('}', i);
      out += "*";
      i = close == std::string::npos ? path.size() : close + 1;
    } else {
      out += path[i++];
    }
  }
  return out;
}

// "GET /repositories/*" -> operationId, for every operation in the document.
std::map<std::string, std::string> DocumentedOperations(const json& doc) {
  std::map<std::string, std::string> ops;
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (const char* method : kMethods) {
      if (!item.contains(method)) continue;
      std::string key = std::string(method) + " " + StarredPath(path);
      ops[key] = item[method].value("operationId", "");
    }
  }
  return ops;
}

std::map<std::string, std::string> RoutedOperations() {
  std::map<std::string, std::string> ops;
  for (const Route& r : AllRoutes()) ops[Lower(r.method) + " " + RoutePath(r)] = r.operation;
  return ops;
}

bool IsPublic(const Route& r) { return r.access == Access::kPublic || r.handler == nullptr; }

// Calls fn(path, method, operation) for every operation in the document.
template <typename Fn>
void ForEachOperation(const json& doc, Fn fn) {
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (const char* method : kMethods) {
      if (item.contains(method)) fn(path, item, std::string(method), item[method]);
    }
  }
}

// Follows a local "$ref" ("#/components/..."); null when it does not resolve.
const json* Resolve(const json& doc, const std::string& ref) {
  if (!ref.starts_with("#/")) return nullptr;
  json::json_pointer ptr(ref.substr(1));
  return doc.contains(ptr) ? &doc.at(ptr) : nullptr;
}

void CollectRefs(const json& node, std::vector<std::string>& out) {
  if (node.is_object()) {
    for (const auto& [k, v] : node.items()) {
      if (k == "$ref" && v.is_string()) out.push_back(v.get<std::string>());
      CollectRefs(v, out);
    }
  } else if (node.is_array()) {
    for (const auto& v : node) CollectRefs(v, out);
  }
}

TEST(OpenApiTest, DocumentIsOpenApi3WithPaths) {
  json doc = Document();
  ASSERT_TRUE(doc.is_object());
  EXPECT_TRUE(doc.value("openapi", "").starts_with("3.0")) << doc.value("openapi", "");
  EXPECT_EQ(doc["servers"][0]["url"], "/api/v1");
  EXPECT_FALSE(doc.at("paths").empty());
}

TEST(OpenApiTest, EveryRouteIsDocumentedWithItsOperationId) {
  auto documented = DocumentedOperations(Document());
  for (const auto& [key, op] : RoutedOperations()) {
    auto it = documented.find(key);
    if (it == documented.end()) {
      ADD_FAILURE() << "route " << key << " (" << op
                    << ") is missing from src/api/openapi/openapi.yaml";
      continue;
    }
    EXPECT_EQ(it->second, op) << "operationId of " << key;
  }
}

TEST(OpenApiTest, EveryDocumentedOperationIsRouted) {
  auto routed = RoutedOperations();
  for (const auto& [key, op] : DocumentedOperations(Document())) {
    EXPECT_TRUE(routed.contains(key))
        << "the document describes " << key << " (" << op << ") but no route serves it";
  }
}

TEST(OpenApiTest, OperationIdsAreUnique) {
  std::set<std::string> seen;
  for (const auto& [key, op] : DocumentedOperations(Document())) {
    EXPECT_FALSE(op.empty()) << key << " has no operationId";
    EXPECT_TRUE(seen.insert(op).second) << "operationId " << op << " appears twice";
  }
}

TEST(OpenApiTest, EveryReferenceResolves) {
  json doc = Document();
  std::vector<std::string> refs;
  CollectRefs(doc, refs);
  ASSERT_FALSE(refs.empty());
  for (const std::string& ref : refs) {
    EXPECT_NE(Resolve(doc, ref), nullptr) << "unresolved $ref " << ref;
  }
}

TEST(OpenApiTest, EveryOperationHasASuccessResponse) {
  ForEachOperation(Document(), [](const std::string& path, const json&, const std::string& method,
                                  const json& op) {
    bool has_2xx = false;
    const json responses = op.value("responses", json::object());
    for (const auto& [code, _] : responses.items()) {
      has_2xx = has_2xx || (code.size() == 3 && code[0] == '2');
    }
    EXPECT_TRUE(has_2xx) << method << " " << path << " documents no 2xx response";
  });
}

TEST(OpenApiTest, PathParametersAreDeclared) {
  json doc = Document();
  ForEachOperation(doc, [&](const std::string& path, const json& item, const std::string& method,
                            const json& op) {
    std::set<std::string> declared;
    for (const json* list : {&item, &op}) {
      for (const json& p : list->value("parameters", json::array())) {
        const json* param = p.contains("$ref") ? Resolve(doc, p["$ref"]) : &p;
        if (param != nullptr && param->value("in", "") == "path") {
          declared.insert(param->value("name", ""));
        }
      }
    }
    for (std::size_t open = path.find('{'); open != std::string::npos;
         open = path.find('{', open + 1)) {
      std::string name = path.substr(open + 1, path.find('}', open) - open - 1);
      EXPECT_TRUE(declared.contains(name))
          << method << " " << path << " does not declare path parameter " << name;
    }
  });
}

TEST(OpenApiTest, AuthenticatedOperationsRequireSecurityAndPublicOnesDoNot) {
  json doc = Document();
  ASSERT_FALSE(doc.value("security", json::array()).empty());
  std::map<std::string, bool> public_ops;
  for (const Route& r : AllRoutes()) public_ops[std::string(r.operation)] = IsPublic(r);
  ForEachOperation(
      doc, [&](const std::string& path, const json&, const std::string& method, const json& op) {
        const json& security = op.contains("security") ? op["security"] : doc["security"];
        std::string id = op.value("operationId", "");
        if (!public_ops.contains(id)) return;  // reported by EveryDocumentedOperationIsRouted
        if (public_ops[id]) {
          EXPECT_TRUE(security.empty()) << method << " " << path << " is public: security: []";
        } else {
          EXPECT_FALSE(security.empty()) << method << " " << path << " needs credentials";
        }
      });
}

TEST(OpenApiTest, PublicOperationsAreTheSetupAndDiscoveryOnes) {
  std::set<std::string> public_ops;
  for (const Route& r : AllRoutes()) {
    if (IsPublic(r)) public_ops.insert(std::string(r.operation));
  }
  EXPECT_EQ(public_ops, (std::set<std::string>{"healthCheck", "getOpenAPI", "getSetupState",
                                               "setup", "login"}));
}

TEST(OpenApiTest, ServedWithoutCredentialsAsMinifiedJson) {
  auto t = testing::TestApi::Make();
  auto r = t->SendWith("GET", "/api/v1/openapi.json", {});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.header("Content-Type").starts_with("application/json")) << r.header("Content-Type");
  EXPECT_EQ(r.body, OpenApiDocument());
  EXPECT_EQ(r.body.find('\n'), std::string::npos);
}

// The compatibility table's rows: operationId -> status cell, from lines shaped
// "| `operationId` | METHOD /path | status | notes |".
std::map<std::string, std::string> CompatibilityTable() {
  std::ifstream in(TARN_API_COMPATIBILITY_DOC);
  EXPECT_TRUE(in.good()) << "cannot read " << TARN_API_COMPATIBILITY_DOC;
  std::map<std::string, std::string> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("| `")) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(1));
    std::string cell;
    while (std::getline(ss, cell, '|')) cells.push_back(cell);
    if (cells.size() < 3) continue;
    std::size_t a = cells[0].find('`'), b = cells[0].find('`', a + 1);
    std::string status = cells[2];
    status.erase(0, status.find_first_not_of(' '));
    rows[cells[0].substr(a + 1, b - a - 1)] = status;
  }
  return rows;
}

TEST(OpenApiTest, CompatibilityTableMarksExactlyTheRoutedOperationsSupported) {
  auto table = CompatibilityTable();
  ASSERT_GT(table.size(), 100u) << "the table should list every lakeFS operation";
  std::set<std::string> routed;
  for (const Route& r : AllRoutes()) routed.insert(std::string(r.operation));
  for (const std::string& op : routed) {
    ASSERT_TRUE(table.contains(op)) << op << " is served but missing from the table";
    EXPECT_TRUE(table[op].starts_with("supported"))
        << op << " is served but the table says: " << table[op];
  }
  for (const auto& [op, status] : table) {
    if (status.starts_with("supported")) {
      EXPECT_TRUE(routed.contains(op)) << op << " is marked supported but no route serves it";
    }
  }
}

}  // namespace
}  // namespace tarn::api
