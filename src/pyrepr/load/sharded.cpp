// A sharded checkpoint's index (other_formats.hpp): a JSON object whose
// "weight_map" maps each tensor's name to the file holding it, beside the
// index. The shards load by content (safetensors or torch.save), in sorted
// order as transformers loads them, and merge into one dict.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <utility>

#include "pyrepr/load.hpp"
#include "pyrepr/load/load_diagnostics.hpp"
#include "pyrepr/load/other_formats.hpp"

namespace pyrepr::detail {

namespace {

// A shard's name: a file in the index's folder or below it, never above.
bool safe_shard_name(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.find('\0') != std::string::npos) return false;
  size_t at = 0;
  while (at <= name.size()) {
    const size_t end = std::min(name.find('/', at), name.size());
    const std::string part = name.substr(at, end - at);
    if (part.empty() || part == "." || part == "..") return false;
    at = end + 1;
  }
  return true;
}

}  // namespace

bool is_sharded_index(const unsigned char* head, size_t n) {
  size_t k = 0;
  while (k < n && std::isspace(head[k])) ++k;
  if (k == n || head[k] != '{') return false;
  const std::string start(reinterpret_cast<const char*>(head), std::min<size_t>(n, 1 << 20));
  return start.find("\"weight_map\"") != std::string::npos;
}

Object load_sharded(const Storage& file, const std::string& path) {
  if (file.nbytes > (size_t{256} << 20)) fail("index: larger than 256 MB");
  const auto* text = reinterpret_cast<const char*>(file.data);
  nlohmann::json index;
  try {
    index = nlohmann::json::parse(text, text + file.nbytes);
  } catch (const nlohmann::json::exception& e) {
    fail(std::string("index: not JSON (") + first_line(e.what()) + ")");
  }
  if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
    fail("index: no \"weight_map\" object");
  std::set<std::string> shards;
  for (const auto& [name, shard] : index["weight_map"].items()) {
    if (!shard.is_string())
      fail("index: the shard of '" + printable(name) + "' is not a file name");
    const auto file_name = shard.get<std::string>();
    if (!safe_shard_name(file_name))
      fail("index: the shard '" + printable(file_name) + "' is not a file beside the index");
    shards.insert(file_name);
  }
  const auto slash = path.rfind('/');
  const std::string folder = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  Dict out;
  for (const std::string& shard : shards) {
    Object part = load_shard(folder + shard);
    auto* dict = std::get_if<Dict>(&part.value());
    if (!dict) fail("index: the shard '" + printable(shard) + "' does not hold a dict");
    for (auto& item : dict->items) out.items.push_back(std::move(item));
  }
  return Object(std::move(out));
}

}  // namespace pyrepr::detail
