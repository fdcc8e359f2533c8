#include "s3/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace tarn::s3 {

Sha256Bytes HmacSha256(std::string_view key, std::string_view message) {
  Sha256Bytes out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out.data(), &len);
  return out;
}

Sha1Bytes HmacSha1(std::string_view key, std::string_view message) {
  Sha1Bytes out{};
  unsigned int len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out.data(), &len);
  return out;
}

Sha256Bytes Sha256Of(std::string_view bytes) {
  Sha256Bytes out{};
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

void AppendHex(std::string& out, const uint8_t* bytes, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const std::size_t start = out.size();
  out.resize(start + 2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out[start + 2 * i] = kDigits[bytes[i] >> 4];
    out[start + 2 * i + 1] = kDigits[bytes[i] & 0xF];
  }
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

struct Digest::Impl {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const EVP_MD* md = nullptr;
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Digest::Digest(DigestAlgorithm algorithm) : algorithm_(algorithm), impl_(std::make_unique<Impl>()) {
  impl_->md = algorithm == DigestAlgorithm::kSha256 ? EVP_sha256() : EVP_sha1();
  Reset();
}

Digest::~Digest() = default;

void Digest::Update(std::string_view bytes) {
  if (!bytes.empty()) EVP_DigestUpdate(impl_->ctx, bytes.data(), bytes.size());
}

void Digest::FinishInto(uint8_t* out) {
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, out, &len);
  Reset();
}

void Digest::Reset() { EVP_DigestInit_ex(impl_->ctx, impl_->md, nullptr); }

}  // namespace tarn::s3
