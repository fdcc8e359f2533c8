#include "block/etag.h"

#include <openssl/evp.h>

#include "common/coding.h"

namespace tarn::block {

struct Md5::Impl {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Md5::Md5() : impl_(std::make_unique<Impl>()) { EVP_DigestInit_ex(impl_->ctx, EVP_md5(), nullptr); }

Md5::~Md5() = default;

void Md5::Update(std::string_view bytes) {
  EVP_DigestUpdate(impl_->ctx, bytes.data(), bytes.size());
}

Md5Digest Md5::Finish() {
  Md5Digest digest{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, digest.data(), &len);
  EVP_DigestInit_ex(impl_->ctx, EVP_md5(), nullptr);
  return digest;
}

std::string Md5Hex(const Md5Digest& digest) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::string Md5HexOf(std::string_view bytes) {
  Md5 md5;
  md5.Update(bytes);
  return Md5Hex(md5.Finish());
}

std::string_view UnquoteEtag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

Status MultipartEtagBuilder::AddPart(std::string_view part_etag) {
  std::string_view hex = UnquoteEtag(part_etag);
  std::optional<std::string> bytes = hex.size() == 32 ? HexDecode(hex) : std::nullopt;
  if (!bytes) {
    return Status::InvalidArgument("part etag '" + EscapeBytes(part_etag) +
                                   "' is not an MD5 hex digest");
  }
  md5_.Update(*bytes);
  ++parts_;
  return Status::OK();
}

std::string MultipartEtagBuilder::Finish() {
  return Md5Hex(md5_.Finish()) + "-" + std::to_string(parts_);
}

}  // namespace tarn::block
