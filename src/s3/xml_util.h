// Private pugixml helpers shared by the XML codecs. Not part of the tarn_s3 interface.
#pragma once

#include <cstdint>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "s3/time_format.h"
#include "tarn/result.h"

namespace tarn::s3::xml_internal {

inline constexpr const char* kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

// Starts a document with the XML declaration and a root element (with the S3 namespace when
// `with_namespace`).
pugi::xml_node StartDocument(pugi::xml_document& doc, const char* root, bool with_namespace);
// The document as one unindented string, declaration first.
std::string Serialize(const pugi::xml_document& doc);

// Appends <name>text</name>.
pugi::xml_node AddText(pugi::xml_node parent, const char* name, std::string_view text);
void AddInt(pugi::xml_node parent, const char* name, int64_t value);
void AddBool(pugi::xml_node parent, const char* name, bool value);
void AddTime(pugi::xml_node parent, const char* name, TimePoint t);

enum class DocumentKind { kRequest, kResponse };

// Parses `xml` and returns its root element, which must be named `root` (or `alternative_root`
// when given). For a response document, an <Error> root is returned as the Status it carries
// (so a client decoding a response body sees the server's error).
// Errors: MalformedXML (as an S3Error) otherwise.
Result<pugi::xml_node> ParseDocument(pugi::xml_document& doc, std::string_view xml,
                                     DocumentKind kind, std::string_view root,
                                     std::string_view alternative_root = {});

// The text of the first child named `name`, or "" / nullopt when absent.
std::string ChildText(pugi::xml_node node, const char* name);
std::optional<std::string> OptionalChildText(pugi::xml_node node, const char* name);
// Typed children. Absent -> nullopt; present but malformed -> MalformedXML.
Result<std::optional<int64_t>> ChildInt(pugi::xml_node node, const char* name);
Result<std::optional<bool>> ChildBool(pugi::xml_node node, const char* name);
Result<std::optional<TimePoint>> ChildTime(pugi::xml_node node, const char* name);

// A MalformedXML error naming what was wrong.
Status Malformed(std::string_view what);

}  // namespace tarn::s3::xml_internal
