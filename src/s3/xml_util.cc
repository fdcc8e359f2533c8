#include "s3/xml_util.h"

#include <charconv>

#include "s3/errors.h"

namespace tarn::s3::xml_internal {
namespace {

class StringWriter final : public pugi::xml_writer {
 public:
  explicit StringWriter(std::string& out) : out_(out) {}
  void write(const void* data, size_t size) override {
    out_.append(static_cast<const char*>(data), size);
  }

 private:
  std::string& out_;
};

}  // namespace

pugi::xml_node StartDocument(pugi::xml_document& doc, const char* root, bool with_namespace) {
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node node = doc.append_child(root);
  if (with_namespace) node.append_attribute("xmlns") = kS3Namespace;
  return node;
}

std::string Serialize(const pugi::xml_document& doc) {
  std::string out;
  StringWriter writer(out);
  doc.save(writer, "", pugi::format_raw | pugi::format_no_empty_element_tags, pugi::encoding_utf8);
  return out;
}

pugi::xml_node AddText(pugi::xml_node parent, const char* name, std::string_view text) {
  pugi::xml_node node = parent.append_child(name);
  node.text().set(text.data(), text.size());
  return node;
}

void AddInt(pugi::xml_node parent, const char* name, int64_t value) {
  AddText(parent, name, std::to_string(value));
}

void AddBool(pugi::xml_node parent, const char* name, bool value) {
  AddText(parent, name, value ? "true" : "false");
}

void AddTime(pugi::xml_node parent, const char* name, TimePoint t) {
  AddText(parent, name, FormatIso8601(t));
}

Status Malformed(std::string_view what) {
  return S3Error(S3ErrorCode::kMalformedXML,
                 std::string("The XML you provided was not well-formed or did not validate "
                             "against our published schema: ") +
                     std::string(what));
}

Result<pugi::xml_node> ParseDocument(pugi::xml_document& doc, std::string_view xml,
                                     DocumentKind kind, std::string_view root,
                                     std::string_view alternative_root) {
  pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    return Malformed(std::string(parsed.description()) + " at offset " +
                     std::to_string(parsed.offset));
  }
  pugi::xml_node node = doc.document_element();
  std::string_view name = node.name();
  if (name == root || (!alternative_root.empty() && name == alternative_root)) return node;
  if (kind == DocumentKind::kResponse && name == "Error") {
    // S3 answers some calls (CompleteMultipartUpload, CopyObject) with 200 and an error body.
    auto error = DecodeErrorDocument(xml);
    if (!error.ok()) return error.status();
    return StatusFromErrorDocument(*error, 200);
  }
  return Malformed("expected root element <" + std::string(root) + ">, found <" +
                   std::string(name) + ">");
}

std::string ChildText(pugi::xml_node node, const char* name) {
  return node.child(name).text().get();
}

std::optional<std::string> OptionalChildText(pugi::xml_node node, const char* name) {
  pugi::xml_node child = node.child(name);
  if (!child) return std::nullopt;
  return std::string(child.text().get());
}

Result<std::optional<int64_t>> ChildInt(pugi::xml_node node, const char* name) {
  pugi::xml_node child = node.child(name);
  if (!child) return std::optional<int64_t>();
  std::string_view text = child.text().get();
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) text.remove_suffix(1);
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    return Malformed("<" + std::string(name) + "> is not an integer");
  }
  return std::optional<int64_t>(value);
}

Result<std::optional<bool>> ChildBool(pugi::xml_node node, const char* name) {
  pugi::xml_node child = node.child(name);
  if (!child) return std::optional<bool>();
  std::string_view text = child.text().get();
  if (text == "true" || text == "TRUE" || text == "True") return std::optional<bool>(true);
  if (text == "false" || text == "FALSE" || text == "False") return std::optional<bool>(false);
  return Malformed("<" + std::string(name) + "> is not true or false");
}

Result<std::optional<TimePoint>> ChildTime(pugi::xml_node node, const char* name) {
  pugi::xml_node child = node.child(name);
  if (!child) return std::optional<TimePoint>();
  auto t = ParseIso8601(child.text().get());
  if (!t) return Malformed("<" + std::string(name) + "> is not an ISO 8601 time");
  return std::optional<TimePoint>(*t);
}

}  // namespace tarn::s3::xml_internal
