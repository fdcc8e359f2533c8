#include "auth/secret_box.h"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

namespace tarn::auth {
namespace {

constexpr unsigned char kVersion = 1;
constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
constexpr std::size_t kOverheadBytes = 1 + kNonceBytes + kTagBytes;
constexpr std::string_view kSalt = "tarn-auth";
constexpr std::string_view kInfo = "secret-box-v1";
constexpr std::size_t kSecretFileRandomBytes = 32;

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

struct KdfDeleter {
  void operator()(EVP_KDF* kdf) const { EVP_KDF_free(kdf); }
  void operator()(EVP_KDF_CTX* ctx) const { EVP_KDF_CTX_free(ctx); }
};

unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }
const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Status OpenFailed() {
  return Status::Corruption(
      "a sealed secret does not open with this encryption key: it was altered, or the "
      "encryption secret (auth.encrypt.secret_key / TARN_AUTH_ENCRYPT_SECRET_KEY) changed since "
      "it was sealed; restore the original secret");
}

std::string Hex(const unsigned char* data, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * n, '\0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return out;
}

Status ErrnoStatus(std::string_view what, const std::string& path) {
  return Status::IOError(std::string(what) + " " + path + ": " + std::strerror(errno));
}

// Reads a whole small file; the secret is the content without surrounding whitespace.
Result<std::string> ReadSecretFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cannot open the encryption secret file", path);
  std::string content;
  char buf[512];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = ErrnoStatus("cannot read the encryption secret file", path);
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    content.append(buf, static_cast<std::size_t>(n));
    if (content.size() > 64 * 1024) {
      ::close(fd);
      return Status::IOError("the encryption secret file " + path +
                             " is larger than 64 KiB: it is not a secret file tarn wrote");
    }
  }
  ::close(fd);
  const char* ws = " \t\r\n";
  std::size_t begin = content.find_first_not_of(ws);
  if (begin == std::string::npos) {
    return Status::IOError("the encryption secret file " + path +
                           " is empty: restore it from a backup (secrets sealed with the old "
                           "key cannot be opened without it)");
  }
  std::size_t end = content.find_last_not_of(ws);
  return content.substr(begin, end - begin + 1);
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("cannot write the encryption secret file", path);
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::OK();
}

std::string DirectoryOf(const std::string& path) {
  std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Result<SecretBox> SecretBox::FromSecret(std::string_view secret) {
  if (secret.empty()) {
    return Status::InvalidArgument(
        "the encryption secret is empty: set auth.encrypt.secret_key (or "
        "TARN_AUTH_ENCRYPT_SECRET_KEY) to a long random string");
  }
  std::unique_ptr<EVP_KDF, KdfDeleter> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  if (kdf == nullptr) return Status::Internal("OpenSSL has no HKDF implementation");
  std::unique_ptr<EVP_KDF_CTX, KdfDeleter> ctx(EVP_KDF_CTX_new(kdf.get()));
  if (ctx == nullptr) return Status::Internal("cannot allocate an HKDF context");
  std::string digest = "SHA256";
  std::string salt(kSalt);
  std::string info(kInfo);
  std::string ikm(secret);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest.data(), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ikm.data(), ikm.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt.data(), salt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info.data(), info.size()),
      OSSL_PARAM_construct_end(),
  };
  std::string key(kKeyBytes, '\0');
  int ok = EVP_KDF_derive(ctx.get(), Bytes(key), key.size(), params);
  OPENSSL_cleanse(ikm.data(), ikm.size());
  if (ok != 1) return Status::Internal("HKDF-SHA256 key derivation failed");
  return SecretBox(std::move(key));
}

Result<std::string> SecretBox::LoadOrCreateSecretFile(const std::string& path) {
  if (::access(path.c_str(), F_OK) == 0) return ReadSecretFile(path);
  if (errno != ENOENT) return ErrnoStatus("cannot check the encryption secret file", path);

  std::array<unsigned char, kSecretFileRandomBytes> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    return Status::Internal("the system random generator failed");
  }
  std::string secret = Hex(random.data(), random.size());
  OPENSSL_cleanse(random.data(), random.size());

  // The secret is written whole to a private temporary file that is then linked into place:
  // link() fails when the name exists, so of two processes starting at once exactly one
  // publishes its secret, and no reader ever sees a partly written file.
  std::array<unsigned char, 8> tag{};
  if (RAND_bytes(tag.data(), static_cast<int>(tag.size())) != 1) {
    return Status::Internal("the system random generator failed");
  }
  std::string tmp = path + ".tmp-" + Hex(tag.data(), tag.size());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus("cannot create the encryption secret file", tmp);
  Status written = WriteAll(fd, secret + "\n", tmp);
  if (written.ok() && ::fsync(fd) != 0) {
    written = ErrnoStatus("cannot sync the encryption secret file", tmp);
  }
  ::close(fd);
  if (!written.ok()) {
    ::unlink(tmp.c_str());
    return written;
  }
  int linked = ::link(tmp.c_str(), path.c_str());
  int link_errno = errno;
  ::unlink(tmp.c_str());
  if (linked != 0) {
    errno = link_errno;
    if (link_errno == EEXIST) return ReadSecretFile(path);
    return ErrnoStatus("cannot create the encryption secret file", path);
  }
  std::string dir = DirectoryOf(path);
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    int synced = ::fsync(dir_fd);
    ::close(dir_fd);
    if (synced != 0) return ErrnoStatus("cannot sync the directory of", path);
  }
  return secret;
}

Result<std::string> SecretBox::Seal(std::string_view plaintext) const {
  std::string out(kOverheadBytes + plaintext.size(), '\0');
  out[0] = static_cast<char>(kVersion);
  unsigned char* nonce = Bytes(out) + 1;
  if (RAND_bytes(nonce, kNonceBytes) != 1) {
    return Status::Internal("the system random generator failed");
  }
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (ctx == nullptr) return Status::Internal("cannot allocate a cipher context");
  unsigned char* ct = nonce + kNonceBytes;
  int len = 0;
  int final_len = 0;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key_), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), ct, &len, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), ct + len, &final_len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, ct + plaintext.size()) != 1) {
    return Status::Internal("AES-256-GCM encryption failed");
  }
  return out;
}

Result<std::string> SecretBox::Open(std::string_view sealed) const {
  if (sealed.size() < kOverheadBytes) {
    return Status::Corruption("a sealed secret is " + std::to_string(sealed.size()) +
                              " bytes, shorter than the smallest sealed value");
  }
  if (static_cast<unsigned char>(sealed[0]) != kVersion) {
    return Status::Corruption("a sealed secret has format version " +
                              std::to_string(static_cast<unsigned char>(sealed[0])) +
                              "; this build reads version 1 (upgrade tarn, or the record was "
                              "altered)");
  }
  const unsigned char* nonce = Bytes(sealed) + 1;
  const unsigned char* ct = nonce + kNonceBytes;
  std::size_t ct_len = sealed.size() - kOverheadBytes;
  std::array<unsigned char, kTagBytes> tag{};
  std::memcpy(tag.data(), ct + ct_len, kTagBytes);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (ctx == nullptr) return Status::Internal("cannot allocate a cipher context");
  std::string out(ct_len, '\0');
  int len = 0;
  int final_len = 0;
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key_), nonce) != 1 ||
      EVP_DecryptUpdate(ctx.get(), Bytes(out), &len, ct, static_cast<int>(ct_len)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1) {
    return Status::Internal("AES-256-GCM decryption failed to start");
  }
  if (EVP_DecryptFinal_ex(ctx.get(), Bytes(out) + len, &final_len) != 1) {
    OPENSSL_cleanse(out.data(), out.size());
    return OpenFailed();
  }
  return out;
}

}  // namespace tarn::auth
