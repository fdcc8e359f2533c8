#include "auth/secret_box.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <latch>
#include <thread>
#include <vector>

namespace tarn::auth {
namespace {

constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;

SecretBox Box(std::string_view secret = "installation secret") {
  auto box = SecretBox::FromSecret(secret);
  EXPECT_TRUE(box.ok()) << box.status().ToString();
  return std::move(box).value();
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tarn-box-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(SecretBoxTest, SealedValueOpensToThePlaintext) {
  SecretBox box = Box();
  for (std::string plaintext :
       {std::string(), std::string("x"), std::string("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        std::string(1000, '\x7f')}) {
    auto sealed = box.Seal(plaintext);
    ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
    auto opened = box.Open(*sealed);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(*opened, plaintext);
  }
}

TEST(SecretBoxTest, SealedValueIsVersionNonceCiphertextTag) {
  auto sealed = Box().Seal("secret");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->size(), 1 + kNonceBytes + 6 + kTagBytes);
  EXPECT_EQ((*sealed)[0], '\x01');
  EXPECT_EQ(sealed->find("secret"), std::string::npos);
}

TEST(SecretBoxTest, EachSealUsesAFreshNonce) {
  SecretBox box = Box();
  auto a = box.Seal("same");
  auto b = box.Seal("same");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->substr(1, kNonceBytes), b->substr(1, kNonceBytes));
  EXPECT_NE(*a, *b);
}

TEST(SecretBoxTest, SameSecretDerivesTheSameKey) {
  auto sealed = Box("shared").Seal("payload");
  ASSERT_TRUE(sealed.ok());
  auto opened = Box("shared").Open(*sealed);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, "payload");
}

TEST(SecretBoxTest, WrongKeyIsCorruptionNamingTheSecret) {
  auto sealed = Box("right").Seal("payload");
  ASSERT_TRUE(sealed.ok());
  auto opened = Box("wrong").Open(*sealed);
  EXPECT_EQ(opened.status().code(), StatusCode::kCorruption);
  EXPECT_NE(opened.status().message().find("auth.encrypt.secret_key"), std::string_view::npos);
}

TEST(SecretBoxTest, EmptySecretIsInvalidArgument) {
  EXPECT_EQ(SecretBox::FromSecret("").status().code(), StatusCode::kInvalidArgument);
}

// Flips one bit at every offset of [begin, end) of a sealed value, one at a time, and expects
// each altered copy to be refused.
void ExpectTamperingDetected(std::size_t begin, std::size_t end) {
  SecretBox box = Box();
  auto sealed = box.Seal("a secret worth protecting");
  ASSERT_TRUE(sealed.ok());
  if (end == 0) end = sealed->size();
  ASSERT_LT(begin, end);
  for (std::size_t i = begin; i < end; ++i) {
    std::string altered = *sealed;
    altered[i] = static_cast<char>(altered[i] ^ 0x01);
    EXPECT_EQ(box.Open(altered).status().code(), StatusCode::kCorruption) << "offset " << i;
  }
}

TEST(SecretBoxTest, AlteredVersionByteIsRefused) { ExpectTamperingDetected(0, 1); }

TEST(SecretBoxTest, AlteredNonceIsRefused) { ExpectTamperingDetected(1, 1 + kNonceBytes); }

TEST(SecretBoxTest, AlteredCiphertextIsRefused) {
  ExpectTamperingDetected(1 + kNonceBytes, 1 + kNonceBytes + 25);
}

TEST(SecretBoxTest, AlteredTagIsRefused) {
  ExpectTamperingDetected(1 + kNonceBytes + 25, 1 + kNonceBytes + 25 + kTagBytes);
}

TEST(SecretBoxTest, TruncatedOrExtendedValueIsRefused) {
  SecretBox box = Box();
  auto sealed = box.Seal("payload");
  ASSERT_TRUE(sealed.ok());
  for (std::size_t n = 0; n < sealed->size(); ++n) {
    EXPECT_EQ(box.Open(sealed->substr(0, n)).status().code(), StatusCode::kCorruption) << n;
  }
  EXPECT_EQ(box.Open(*sealed + "x").status().code(), StatusCode::kCorruption);
}

TEST(SecretFileTest, CreatedOnceWithOwnerOnlyPermissions) {
  TempDir dir;
  std::string path = dir.path() + "/auth.secret";
  auto secret = SecretBox::LoadOrCreateSecretFile(path);
  ASSERT_TRUE(secret.ok()) << secret.status().ToString();
  EXPECT_EQ(secret->size(), 64u);
  EXPECT_EQ(secret->find_first_not_of("0123456789abcdef"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // No temporary file is left beside it.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            1);
}

TEST(SecretFileTest, SecondCallReadsTheSameSecret) {
  TempDir dir;
  std::string path = dir.path() + "/auth.secret";
  auto first = SecretBox::LoadOrCreateSecretFile(path);
  auto second = SecretBox::LoadOrCreateSecretFile(path);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, *second);
}

TEST(SecretFileTest, ExistingFileIsReadWithoutSurroundingWhitespace) {
  TempDir dir;
  std::string path = dir.path() + "/auth.secret";
  std::ofstream(path) << "  my own secret\n";
  auto secret = SecretBox::LoadOrCreateSecretFile(path);
  ASSERT_TRUE(secret.ok()) << secret.status().ToString();
  EXPECT_EQ(*secret, "my own secret");
}

TEST(SecretFileTest, EmptyFileIsAnError) {
  TempDir dir;
  std::string path = dir.path() + "/auth.secret";
  std::ofstream(path) << "\n";
  EXPECT_EQ(SecretBox::LoadOrCreateSecretFile(path).status().code(), StatusCode::kIOError);
}

TEST(SecretFileTest, MissingDirectoryIsIOErrorNamingThePath) {
  TempDir dir;
  std::string path = dir.path() + "/missing/auth.secret";
  auto secret = SecretBox::LoadOrCreateSecretFile(path);
  EXPECT_EQ(secret.status().code(), StatusCode::kIOError);
  EXPECT_NE(secret.status().message().find(dir.path() + "/missing"), std::string_view::npos)
      << secret.status().ToString();
}

TEST(SecretFileTest, ConcurrentCreatorsEndWithOneSecret) {
  TempDir dir;
  std::string path = dir.path() + "/auth.secret";
  constexpr int kThreads = 8;
  std::vector<Result<std::string>> results(kThreads, Status::Internal("not run"));
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] = SecretBox::LoadOrCreateSecretFile(path);
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, *results[0]);
  }
}

}  // namespace
}  // namespace tarn::auth
