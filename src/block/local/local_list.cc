// List: a depth-first walk of the namespace directory in bytewise key order.
//
// Siblings are visited in the order of their name followed by '/' for directories: every key
// under directory "a" starts with "a/", and '/' sorts after '-' and '.' but before '0', so
// sorting "a/" among the sibling file names puts the whole subtree where its keys belong.
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>

#include "block/local/local_adapter_impl.h"
#include "block/uri.h"

namespace tarn::block::local {
namespace {

struct Walk {
  std::string_view after;
  std::size_t max_keys;
  std::string_view display;
  ListPage page;
  bool done = false;
};

// Adds the file `name` in `dir` (key `key`) to the page, or ends the walk when the page is full.
Status Visit(Walk& walk, int dir, const std::string& name, std::string key) {
  if (walk.page.entries.size() == walk.max_keys) {
    walk.page.truncated = true;
    walk.done = true;
    return Status::OK();
  }
  int fd = ::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ELOOP) return Status::OK();  // deleted or replaced meanwhile
    return ErrnoStatus(errno, "open", key);
  }
  UniqueFd file(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoStatus(errno, "stat", key);
  if (!S_ISREG(st.st_mode)) return Status::OK();
  ASSIGN_OR_RETURN(std::optional<StoredMeta> meta, ReadMeta(fd, key));
  ObjectInfo info = InfoFrom(st, meta ? *meta : StoredMeta{});
  walk.page.entries.push_back(
      ListEntry{std::move(key), info.size, std::move(info.etag), info.last_modified});
  return Status::OK();
}

// Walks directory `dir`, whose keys start with `key_prefix`; only names starting with
// `name_prefix` are considered (the last, partial segment of the List prefix).
Status WalkDir(Walk& walk, int dir, const std::string& key_prefix, std::string_view name_prefix) {
  ASSIGN_OR_RETURN(std::vector<DirEntry> entries, ReadDirectory(dir, walk.display));
  struct Item {
    std::string sort_key;  // name, plus '/' for a directory
    const DirEntry* entry;
  };
  std::vector<Item> items;
  items.reserve(entries.size());
  for (const DirEntry& e : entries) {
    if (e.type == DirEntry::Type::kOther || e.name.starts_with(kReservedPrefix)) continue;
    if (!e.name.starts_with(name_prefix)) continue;
    items.push_back(Item{e.type == DirEntry::Type::kDirectory ? e.name + "/" : e.name, &e});
  }
  std::sort(items.begin(), items.end(),
            [](const Item& a, const Item& b) { return a.sort_key < b.sort_key; });
  for (const Item& item : items) {
    if (walk.done) break;
    std::string key = key_prefix + item.sort_key;
    if (item.entry->type == DirEntry::Type::kFile) {
      if (!walk.after.empty() && std::string_view(key) <= walk.after) continue;
      RETURN_IF_ERROR(Visit(walk, dir, item.entry->name, std::move(key)));
      continue;
    }
    // Every key below starts with `key`; when `after` is beyond all of them, skip the subtree.
    if (std::string_view(key) < walk.after && !walk.after.starts_with(key)) continue;
    int child =
        ::openat(dir, item.entry->name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (child < 0) {
      if (errno == ENOENT || errno == ELOOP || errno == ENOTDIR) continue;  // changed meanwhile
      return ErrnoStatus(errno, "open directory", key);
    }
    UniqueFd child_fd(child);
    RETURN_IF_ERROR(WalkDir(walk, child, key, ""));
  }
  return Status::OK();
}

// True when `dir_part` ("a/b/") names directories a valid key could live in.
bool PlausibleDirectories(std::string_view dir_part) {
  if (dir_part.empty()) return true;
  dir_part.remove_suffix(1);
  std::size_t start = 0;
  while (start <= dir_part.size()) {
    std::size_t end = dir_part.find('/', start);
    if (end == std::string_view::npos) end = dir_part.size();
    std::string_view seg = dir_part.substr(start, end - start);
    if (seg.empty() || seg == "." || seg == ".." || seg.starts_with(kReservedPrefix)) {
      return false;
    }
    start = end + 1;
  }
  return dir_part.find('\0') == std::string_view::npos;
}

}  // namespace

Result<ListPage> LocalAdapter::List(std::string_view storage_namespace, std::string_view prefix,
                                    std::string_view after, std::size_t max_keys) {
  ASSIGN_OR_RETURN(NamespacePlace ns, ResolveNamespace(storage_namespace));
  // Start in the deepest directory the prefix names completely; its last, partial segment
  // filters that directory's names.
  std::size_t slash = prefix.rfind('/');
  std::string_view dir_part = slash == std::string_view::npos ? "" : prefix.substr(0, slash + 1);
  std::string_view name_prefix = prefix.substr(dir_part.size());
  Walk walk{after, max_keys, ns.display, {}, false};
  if (!PlausibleDirectories(dir_part)) return walk.page;  // no valid key has such a prefix
  std::string start_dir = JoinPath(
      ns.rel, dir_part.empty() ? std::string_view() : dir_part.substr(0, dir_part.size() - 1));
  auto dir = OpenBeneath(ns.base, start_dir, O_RDONLY | O_DIRECTORY, ns.display);
  if (!dir.ok()) {
    if (dir.status().IsNotFound()) return walk.page;
    return dir.status();
  }
  RETURN_IF_ERROR(WalkDir(walk, dir->get(), std::string(dir_part), name_prefix));
  return std::move(walk.page);
}

}  // namespace tarn::block::local
