// The endpoint handlers, one file per resource group. Each authorizes, calls the engine and
// builds the lakeFS JSON answer; failures are returned as Status for Api::Handle to map.
#pragma once

#include "api/context.h"

namespace tarn::api {

// repositories.cc
Result<http::Response> GetRepository(const Context& ctx);

// branches.cc
Result<http::Response> ListBranches(const Context& ctx);
Result<http::Response> CreateBranch(const Context& ctx);
Result<http::Response> GetBranch(const Context& ctx);
Result<http::Response> DeleteBranch(const Context& ctx);

// commits.cc
Result<http::Response> Commit(const Context& ctx);
Result<http::Response> GetCommit(const Context& ctx);

// tags.cc
Result<http::Response> ListTags(const Context& ctx);
Result<http::Response> CreateTag(const Context& ctx);
Result<http::Response> GetTag(const Context& ctx);
Result<http::Response> DeleteTag(const Context& ctx);

}  // namespace tarn::api
