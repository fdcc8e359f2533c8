#include "tarn/status.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "tarn/result.h"

// Counts heap allocations made by the current thread, so tests can check that a code path
// allocates nothing. Every non-aligned form is replaced, so that each allocation and its
// release go through the same pair of functions.
namespace {
thread_local long allocation_count = 0;

void* CountedAllocate(std::size_t size) {
  ++allocation_count;
  return std::malloc(size == 0 ? 1 : size);
}
}  // namespace

__attribute__((noinline)) void* operator new(std::size_t size) {
  if (void* p = CountedAllocate(size)) return p;
  throw std::bad_alloc();
}
__attribute__((noinline)) void* operator new[](std::size_t size) {
  if (void* p = CountedAllocate(size)) return p;
  throw std::bad_alloc();
}
__attribute__((noinline)) void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return CountedAllocate(size);
}
__attribute__((noinline)) void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return CountedAllocate(size);
}
__attribute__((noinline)) void operator delete(void* p) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete[](void* p) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete(void* p, std::size_t) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
__attribute__((noinline)) void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}

namespace tarn {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_TRUE(s.message().empty());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, OkStatusAllocatesNothing) {
  long before = allocation_count;
  {
    Status a;
    Status b = Status::OK();
    Status c(b);
    Status d(std::move(c));
    a = d;
    a = Status::OK().WithContext("context");
    EXPECT_TRUE(a.ok());
  }
  EXPECT_EQ(allocation_count - before, 0);
}

TEST(StatusTest, ErrorStatusOwnsItsMessageOnTheHeap) {
  // The counter above would be meaningless if it missed the allocations of an error status.
  long before = allocation_count;
  Status s = Status::Internal("a message long enough to defeat the small string buffer");
  EXPECT_GT(allocation_count - before, 0);
}

TEST(StatusTest, OkStatusIsOnePointer) { EXPECT_EQ(sizeof(Status), sizeof(void*)); }

TEST(StatusTest, ConstructingWithOkCodeIgnoresTheMessage) {
  Status s(StatusCode::kOk, "ignored");
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(s.message().empty());
}

TEST(StatusTest, EachFactoryCarriesItsCodeAndMessage) {
  struct Case {
    Status status;
    StatusCode code;
  };
  std::vector<Case> cases;
  cases.push_back({Status::NotFound("m"), StatusCode::kNotFound});
  cases.push_back({Status::AlreadyExists("m"), StatusCode::kAlreadyExists});
  cases.push_back({Status::PreconditionFailed("m"), StatusCode::kPreconditionFailed});
  cases.push_back({Status::Conflict("m"), StatusCode::kConflict});
  cases.push_back({Status::InvalidArgument("m"), StatusCode::kInvalidArgument});
  cases.push_back({Status::Unauthenticated("m"), StatusCode::kUnauthenticated});
  cases.push_back({Status::PermissionDenied("m"), StatusCode::kPermissionDenied});
  cases.push_back({Status::Unavailable("m"), StatusCode::kUnavailable});
  cases.push_back({Status::DeadlineExceeded("m"), StatusCode::kDeadlineExceeded});
  cases.push_back({Status::Cancelled("m"), StatusCode::kCancelled});
  cases.push_back({Status::IOError("m"), StatusCode::kIOError});
  cases.push_back({Status::Corruption("m"), StatusCode::kCorruption});
  cases.push_back({Status::NotImplemented("m"), StatusCode::kNotImplemented});
  cases.push_back({Status::Internal("m"), StatusCode::kInternal});
  for (const auto& c : cases) {
    SCOPED_TRACE(StatusCodeName(c.code));
    EXPECT_FALSE(c.status.ok());
    EXPECT_EQ(c.status.code(), c.code);
    EXPECT_EQ(c.status.message(), "m");
  }
}

TEST(StatusTest, CodeNamesAreStable) {
  EXPECT_EQ(StatusCodeName(StatusCode::kOk), "OK");
  EXPECT_EQ(StatusCodeName(StatusCode::kNotFound), "NotFound");
  EXPECT_EQ(StatusCodeName(StatusCode::kAlreadyExists), "AlreadyExists");
  EXPECT_EQ(StatusCodeName(StatusCode::kPreconditionFailed), "PreconditionFailed");
  EXPECT_EQ(StatusCodeName(StatusCode::kConflict), "Conflict");
  EXPECT_EQ(StatusCodeName(StatusCode::kInvalidArgument), "InvalidArgument");
  EXPECT_EQ(StatusCodeName(StatusCode::kUnauthenticated), "Unauthenticated");
  EXPECT_EQ(StatusCodeName(StatusCode::kPermissionDenied), "PermissionDenied");
  EXPECT_EQ(StatusCodeName(StatusCode::kUnavailable), "Unavailable");
  EXPECT_EQ(StatusCodeName(StatusCode::kDeadlineExceeded), "DeadlineExceeded");
  EXPECT_EQ(StatusCodeName(StatusCode::kCancelled), "Cancelled");
  EXPECT_EQ(StatusCodeName(StatusCode::kIOError), "IOError");
  EXPECT_EQ(StatusCodeName(StatusCode::kCorruption), "Corruption");
  EXPECT_EQ(StatusCodeName(StatusCode::kNotImplemented), "NotImplemented");
  EXPECT_EQ(StatusCodeName(StatusCode::kInternal), "Internal");
}

TEST(StatusTest, OutOfRangeCodeNameIsUnknown) {
  EXPECT_EQ(StatusCodeName(static_cast<StatusCode>(999)), "Unknown");
}

TEST(StatusTest, PredicatesMatchTheirCodes) {
  EXPECT_TRUE(Status::NotFound("x").IsNotFound());
  EXPECT_FALSE(Status::Conflict("x").IsNotFound());
  EXPECT_TRUE(Status::PreconditionFailed("x").IsPreconditionFailed());
  EXPECT_FALSE(Status::NotFound("x").IsPreconditionFailed());
  EXPECT_TRUE(Status::Unavailable("x").IsUnavailable());
  EXPECT_FALSE(Status::Internal("x").IsUnavailable());
  EXPECT_FALSE(Status::OK().IsNotFound());
}

TEST(StatusTest, ToStringJoinsCodeNameAndMessage) {
  EXPECT_EQ(Status::NotFound("object 'a' is missing").ToString(),
            "NotFound: object 'a' is missing");
}

TEST(StatusTest, ToStringWithEmptyMessageIsJustTheCodeName) {
  EXPECT_EQ(Status::Corruption("").ToString(), "Corruption");
}

TEST(StatusTest, WithContextPrefixesMessageAndKeepsCode) {
  Status s = Status::IOError("disk full").WithContext("writing range 7");
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_EQ(s.message(), "writing range 7: disk full");
  EXPECT_EQ(s.ToString(), "IOError: writing range 7: disk full");
}

TEST(StatusTest, WithContextNests) {
  Status s = Status::NotFound("key").WithContext("inner").WithContext("outer");
  EXPECT_EQ(s.message(), "outer: inner: key");
}

TEST(StatusTest, WithContextOnOkStaysOk) {
  Status s = Status::OK().WithContext("anything");
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(s.message().empty());
}

TEST(StatusTest, WithContextLeavesTheOriginalUnchanged) {
  Status original = Status::Conflict("busy");
  Status wrapped = original.WithContext("ctx");
  EXPECT_EQ(original.message(), "busy");
  EXPECT_EQ(wrapped.message(), "ctx: busy");
}

TEST(StatusTest, CopyIsIndependentDeepCopy) {
  Status a = Status::Conflict("first");
  Status b(a);
  EXPECT_EQ(b.code(), StatusCode::kConflict);
  EXPECT_EQ(b.message(), "first");
  // The copy must own its message: destroying the source leaves it intact.
  auto source = std::make_unique<Status>(Status::Internal("owned"));
  Status c(*source);
  const char* source_data = source->message().data();
  source.reset();
  EXPECT_NE(c.message().data(), source_data);
  EXPECT_EQ(c.message(), "owned");
}

TEST(StatusTest, CopyAssignmentReplacesCodeAndMessage) {
  Status a = Status::NotFound("a");
  Status b = Status::Conflict("b");
  b = a;
  EXPECT_EQ(b.code(), StatusCode::kNotFound);
  EXPECT_EQ(b.message(), "a");
  b = Status::OK();
  EXPECT_TRUE(b.ok());
}

TEST(StatusTest, SelfCopyAssignmentKeepsValue) {
  Status a = Status::NotFound("a");
  Status& alias = a;
  a = alias;
  EXPECT_EQ(a.code(), StatusCode::kNotFound);
  EXPECT_EQ(a.message(), "a");
}

TEST(StatusTest, MoveTransfersCodeAndMessage) {
  Status a = Status::Unavailable("try later");
  Status b(std::move(a));
  EXPECT_EQ(b.code(), StatusCode::kUnavailable);
  EXPECT_EQ(b.message(), "try later");
  Status c;
  c = std::move(b);
  EXPECT_EQ(c.code(), StatusCode::kUnavailable);
  EXPECT_EQ(c.message(), "try later");
}

TEST(StatusTest, EqualityComparesCodesOnly) {
  EXPECT_EQ(Status::NotFound("a"), Status::NotFound("b"));
  EXPECT_FALSE(Status::NotFound("a") == Status::Conflict("a"));
  EXPECT_EQ(Status::OK(), Status());
}

// Functions written the way callers use the propagation macros.

Status Check(bool fail, int* reached) {
  if (fail) return Status::InvalidArgument("bad input");
  ++*reached;
  return Status::OK();
}

Status TwoSteps(bool fail_first, bool fail_second, int* reached) {
  RETURN_IF_ERROR(Check(fail_first, reached));
  RETURN_IF_ERROR(Check(fail_second, reached));
  *reached += 100;
  return Status::OK();
}

TEST(ReturnIfErrorTest, ContinuesOnOk) {
  int reached = 0;
  EXPECT_TRUE(TwoSteps(false, false, &reached).ok());
  EXPECT_EQ(reached, 102);
}

TEST(ReturnIfErrorTest, ReturnsTheFirstErrorAndStops) {
  int reached = 0;
  Status s = TwoSteps(true, false, &reached);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "bad input");
  EXPECT_EQ(reached, 0);
}

TEST(ReturnIfErrorTest, ReturnsALaterError) {
  int reached = 0;
  Status s = TwoSteps(false, true, &reached);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(reached, 1);
}

TEST(ReturnIfErrorTest, EvaluatesTheExpressionOnce) {
  int calls = 0;
  auto count = [&calls]() -> Status {
    ++calls;
    return Status::OK();
  };
  auto body = [&]() -> Status {
    RETURN_IF_ERROR(count());
    return Status::OK();
  };
  EXPECT_TRUE(body().ok());
  EXPECT_EQ(calls, 1);
}

TEST(ReturnIfErrorTest, WorksInAFunctionReturningResult) {
  auto f = [](bool fail) -> Result<int> {
    RETURN_IF_ERROR(fail ? Status::Corruption("torn") : Status::OK());
    return 5;
  };
  EXPECT_EQ(*f(false), 5);
  EXPECT_EQ(f(true).status().code(), StatusCode::kCorruption);
}

TEST(ResultTest, HoldsAValue) {
  Result<std::string> r(std::string("value"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.status().ok());
  EXPECT_EQ(r.value(), "value");
  EXPECT_EQ(*r, "value");
  EXPECT_EQ(r->size(), 5u);
}

TEST(ResultTest, HoldsAnError) {
  Result<int> r(Status::NotFound("gone"));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "gone");
}

#ifdef NDEBUG
TEST(ResultTest, OkStatusBecomesInternalError) {
  Result<int> r(Status::OK());
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}
#endif

TEST(ResultTest, ValueCanBeMovedOut) {
  Result<std::unique_ptr<int>> r(std::make_unique<int>(7));
  std::unique_ptr<int> p = std::move(r).value();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 7);
}

TEST(ResultTest, ValueIsMutableThroughAccessors) {
  Result<std::vector<int>> r(std::vector<int>{1});
  r->push_back(2);
  r.value().push_back(3);
  (*r).push_back(4);
  EXPECT_EQ(*r, (std::vector<int>{1, 2, 3, 4}));
}

TEST(ResultTest, StatusCanBeMovedOut) {
  Result<int> r(Status::Cancelled("stop"));
  Status s = std::move(r).status();
  EXPECT_EQ(s.code(), StatusCode::kCancelled);
  EXPECT_EQ(s.message(), "stop");
}

TEST(ResultTest, CopiesValueAndError) {
  Result<std::string> ok(std::string("v"));
  Result<std::string> ok_copy = ok;
  EXPECT_EQ(*ok_copy, "v");
  Result<std::string> err(Status::Conflict("c"));
  Result<std::string> err_copy = err;
  EXPECT_EQ(err_copy.status().code(), StatusCode::kConflict);
  EXPECT_EQ(err_copy.status().message(), "c");
}

Result<int> ParsePositive(int v) {
  if (v <= 0) return Status::InvalidArgument("not positive: " + std::to_string(v));
  return v;
}

Result<int> SumOfTwo(int a, int b, int* reached) {
  ASSIGN_OR_RETURN(int x, ParsePositive(a));
  ++*reached;
  ASSIGN_OR_RETURN(auto y, ParsePositive(b));
  ++*reached;
  return x + y;
}

TEST(AssignOrReturnTest, AssignsValuesOnSuccess) {
  int reached = 0;
  Result<int> r = SumOfTwo(2, 3, &reached);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 5);
  EXPECT_EQ(reached, 2);
}

TEST(AssignOrReturnTest, ReturnsTheErrorAndStops) {
  int reached = 0;
  Result<int> r = SumOfTwo(-1, 3, &reached);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "not positive: -1");
  EXPECT_EQ(reached, 0);
}

TEST(AssignOrReturnTest, ReturnsASecondError) {
  int reached = 0;
  Result<int> r = SumOfTwo(1, 0, &reached);
  EXPECT_EQ(r.status().message(), "not positive: 0");
  EXPECT_EQ(reached, 1);
}

TEST(AssignOrReturnTest, WorksInAFunctionReturningStatus) {
  int out = 0;
  auto f = [&out](int v) -> Status {
    ASSIGN_OR_RETURN(out, ParsePositive(v));
    return Status::OK();
  };
  EXPECT_TRUE(f(4).ok());
  EXPECT_EQ(out, 4);
  EXPECT_EQ(f(-4).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(out, 4);
}

TEST(AssignOrReturnTest, MovesMoveOnlyValues) {
  auto make = []() -> Result<std::unique_ptr<int>> { return std::make_unique<int>(9); };
  auto f = [&]() -> Result<int> {
    ASSIGN_OR_RETURN(std::unique_ptr<int> p, make());
    return *p;
  };
  EXPECT_EQ(*f(), 9);
}

}  // namespace
}  // namespace tarn
