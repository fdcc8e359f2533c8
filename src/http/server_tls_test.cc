// TLS on the server's port, with a self-signed certificate made for the test.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "http/server.h"
#include "http/test_client.h"

namespace tarn::http {
namespace {

using namespace testing_util;  // NOLINT
using ::testing::HasSubstr;

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/tarn_tls_testXXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    cert_ = dir_ + "/cert.pem";
    key_ = dir_ + "/key.pem";
    std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
        "-keyout " +
        key_ + " -out " + cert_ + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << "the openssl command is needed: " << command;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_, cert_, key_;
};

// Sends `request` over TLS (no verification) and returns everything until the server closes.
std::string TlsRoundTrip(uint16_t port, const std::string& request) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) == 1 &&
        SSL_write(ssl, request.data(), static_cast<int>(request.size())) > 0) {
      char buf[16384];
      int n;
      while ((n = SSL_read(ssl, buf, sizeof(buf))) > 0) out.append(buf, n);
    }
    SSL_free(ssl);
  }
  close(fd);
  SSL_CTX_free(ctx);
  return out;
}

TEST_F(TlsTest, RequestAndResponseTravelOverTls) {
  ServerOptions options = TestOptions();
  options.tls_cert_file = cert_;
  options.tls_key_file = key_;
  auto server = MustStart(options, Echo);
  ASSERT_NE(server, nullptr);
  std::string reply =
      TlsRoundTrip(server->port(), Post("/secure", "secret body", "Connection: close\r\n"));
  EXPECT_THAT(reply, ::testing::StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(reply, HasSubstr("\r\n\r\nPOST /secure secret body"));
}

TEST_F(TlsTest, FileRangeFallsBackToReadingUnderTls) {
  std::string data(1 << 20, 'q');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + i % 26);
  std::string path = dir_ + "/body";
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fwrite(data.data(), 1, data.size(), f);
  std::fclose(f);
  int fd = open(path.c_str(), O_RDONLY);
  struct Source : BodySource {
    int fd;
    Result<std::size_t> Read(std::span<char>) override { return Status::Internal("unused"); }
    std::optional<FileRange> file_range() const override {
      return FileRange{fd, 100, (1 << 20) - 200};
    }
  };
  ServerOptions options = TestOptions();
  options.tls_cert_file = cert_;
  options.tls_key_file = key_;
  auto server = MustStart(options, [&](const Request&) {
    auto source = std::make_shared<Source>();
    source->fd = fd;
    Response r;
    r.stream = source;
    r.content_length = (1 << 20) - 200;
    return r;
  });
  ASSERT_NE(server, nullptr);
  std::string reply = TlsRoundTrip(server->port(), Get("/f", "Connection: close\r\n"));
  auto split = reply.find("\r\n\r\n");
  ASSERT_NE(split, std::string::npos);
  EXPECT_TRUE(reply.substr(split + 4) == data.substr(100, (1 << 20) - 200));
  server.reset();
  close(fd);
}

TEST_F(TlsTest, OnlyOneTlsFileIsInvalidArgument) {
  ServerOptions options = TestOptions();
  options.tls_cert_file = cert_;
  auto server = Server::Start(options, Echo, NullLogger());
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(server.status().message(), HasSubstr("key"));
}

TEST_F(TlsTest, MissingCertificateFileIsNamed) {
  ServerOptions options = TestOptions();
  options.tls_cert_file = dir_ + "/absent.pem";
  options.tls_key_file = key_;
  auto server = Server::Start(options, Echo, NullLogger());
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(server.status().message(), HasSubstr(dir_ + "/absent.pem"));
}

TEST_F(TlsTest, KeyFileThatIsNotAKeyIsNamed) {
  ServerOptions options = TestOptions();
  options.tls_cert_file = cert_;
  options.tls_key_file = cert_;
  auto server = Server::Start(options, Echo, NullLogger());
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(server.status().message(), HasSubstr("TLS key file '" + cert_ + "'"));
}

}  // namespace
}  // namespace tarn::http
