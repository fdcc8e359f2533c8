#include "kv/postgres/pg_error.h"

#include <gtest/gtest.h>

namespace tarn::kv::pg {
namespace {

const Endpoint kEndpoint{"db.example", "6543", "alice", "meta"};

TEST(EndpointTest, DescribesTcpAndUnixSockets) {
  EXPECT_EQ(kEndpoint.Describe(), "db.example:6543 (database \"meta\", user \"alice\")");
  Endpoint unix_socket{"/run/pg", "5432", "bob", "x"};
  EXPECT_EQ(unix_socket.Describe(),
            "unix socket /run/pg/.s.PGSQL.5432 (database \"x\", user \"bob\")");
}

TEST(OneLineTest, JoinsLinesAndTrims) {
  EXPECT_EQ(OneLine("connection to server failed: Connection refused\n\tIs the server "
                    "running?\n"),
            "connection to server failed: Connection refused Is the server running?");
  EXPECT_EQ(OneLine(""), "");
}

TEST(ConnectFailureTest, BadPasswordIsUnauthenticatedAndNamesTheUser) {
  Status s = ConnectFailure(
      "connection to server at \"db.example\", port 6543 failed: FATAL:  password "
      "authentication failed for user \"alice\"\n",
      kEndpoint);
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("\"alice\""), std::string_view::npos) << s.ToString();
  EXPECT_NE(s.message().find("db.example:6543"), std::string_view::npos) << s.ToString();
}

TEST(ConnectFailureTest, UnknownRoleAndMissingPasswordAreUnauthenticated) {
  EXPECT_EQ(ConnectFailure("FATAL:  role \"mallory\" does not exist", kEndpoint).code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(ConnectFailure("fe_sendauth: no password supplied", kEndpoint).code(),
            StatusCode::kUnauthenticated);
}

TEST(ConnectFailureTest, HbaRejectionIsPermissionDenied) {
  EXPECT_EQ(ConnectFailure("FATAL:  no pg_hba.conf entry for host \"10.0.0.1\", user \"alice\"",
                           kEndpoint)
                .code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(ConnectFailure("FATAL:  role \"alice\" is not permitted to log in", kEndpoint).code(),
            StatusCode::kPermissionDenied);
}

TEST(ConnectFailureTest, MissingDatabaseIsInvalidArgument) {
  EXPECT_EQ(ConnectFailure("FATAL:  database \"meta\" does not exist", kEndpoint).code(),
            StatusCode::kInvalidArgument);
}

TEST(ConnectFailureTest, RefusedIsUnavailableAndSaysWhatToCheck) {
  Status s = ConnectFailure(
      "connection to server at \"db.example\", port 6543 failed: Connection refused\n\tIs the "
      "server running on that host and accepting TCP/IP connections?\n",
      kEndpoint);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("db.example:6543"), std::string_view::npos);
  EXPECT_NE(s.message().find("check"), std::string_view::npos);
}

TEST(ConnectTimeoutTest, IsUnavailableWithTheTimeout) {
  Status s = ConnectTimeout(kEndpoint, 1500);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("1500 ms"), std::string_view::npos);
}

TEST(SqlStateTest, MapsClassesToCodes) {
  EXPECT_EQ(CodeForSqlState("57014"), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(CodeForSqlState("57P01"), StatusCode::kUnavailable);
  EXPECT_EQ(CodeForSqlState("08006"), StatusCode::kUnavailable);
  EXPECT_EQ(CodeForSqlState("40001"), StatusCode::kUnavailable);
  EXPECT_EQ(CodeForSqlState("40P01"), StatusCode::kUnavailable);
  EXPECT_EQ(CodeForSqlState("53300"), StatusCode::kUnavailable);
  EXPECT_EQ(CodeForSqlState("53100"), StatusCode::kIOError);
  EXPECT_EQ(CodeForSqlState("28P01"), StatusCode::kUnauthenticated);
  EXPECT_EQ(CodeForSqlState("42501"), StatusCode::kPermissionDenied);
  EXPECT_EQ(CodeForSqlState("54000"), StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeForSqlState("22021"), StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeForSqlState("23505"), StatusCode::kConflict);
  EXPECT_EQ(CodeForSqlState("58030"), StatusCode::kIOError);
  EXPECT_EQ(CodeForSqlState("XX001"), StatusCode::kCorruption);
  EXPECT_EQ(CodeForSqlState("XX000"), StatusCode::kInternal);
  EXPECT_EQ(CodeForSqlState("42P01"), StatusCode::kInternal);
  EXPECT_EQ(CodeForSqlState(""), StatusCode::kInternal);
}

TEST(SqlStateTest, SessionEndingStates) {
  EXPECT_TRUE(EndsSession("57P01"));
  EXPECT_TRUE(EndsSession("57P02"));
  EXPECT_TRUE(EndsSession("08006"));
  EXPECT_FALSE(EndsSession("57014"));
  EXPECT_FALSE(EndsSession("23505"));
  EXPECT_FALSE(EndsSession(""));
}

}  // namespace
}  // namespace tarn::kv::pg
