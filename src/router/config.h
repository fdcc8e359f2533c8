// Reading router configurations. The format follows the file's extension:
//   .yaml / .yml   the native format (docs/router.md)
//   .properties    Hadoop RouterFileSystem mappings: routerfs.mapping.<scheme>.<idx>.replace /
//                  .with, with fs.<scheme>.endpoint / access.key / secret.key per target scheme
//   .json          botwo: {"backends": {...}, "mapping": [botwo rules]}
// All three become one RouterConfig; RouteTable::Build then checks it as a whole.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "router/route_table.h"
#include "tarn/result.h"

namespace tarn::router {

// Reads and parses `path` by its extension. Errors: InvalidArgument naming the file, the line
// or entry and what is wrong; IOError when it cannot be read.
Result<RouterConfig> LoadRouterConfig(const std::string& path);

// The parsers, on a file's contents (`source` names it in messages).
Result<RouterConfig> ParseYamlConfig(std::string_view text, const std::string& source);
Result<RouterConfig> ParseRouterFsConfig(std::string_view text, const std::string& source);
Result<RouterConfig> ParseBotwoConfig(std::string_view text, const std::string& source);

// Routes from botwo mapping rules ({bucket_name, client, mapped_bucket_name?, key_prefix?}):
// the bucket pattern, no key prefix, the client as backend, key_prefix as target prefix.
Result<std::vector<Route>> RoutesFromBotwoRules(const nlohmann::json& rules,
                                                const std::string& source);

}  // namespace tarn::router
