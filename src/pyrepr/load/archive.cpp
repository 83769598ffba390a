// The zip archive of a torch.save file (see archive.hpp).
#include "pyrepr/load/archive.hpp"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "pyrepr/load.hpp"

namespace pyrepr::detail {
namespace {

[[noreturn]] void corrupt(const std::string& why) {
  throw LoadError("corrupt or truncated zip archive: " + why);
}

// An entry name for a message: printable ASCII kept, the rest escaped.
std::string shown(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size() && out.size() < 80; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out.size() < 80 ? out : out + "...";
}

uint64_t le(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = n; i-- > 0;) v = (v << 8) | p[i];
  return v;
}

// The file's n bytes at pos, or fails.
const unsigned char* read_at(const Storage& in, uint64_t pos, uint64_t n, const char* what) {
  const uint64_t size = in.nbytes;
  if (pos > size || n > size - pos) corrupt(std::string(what) + " lies beyond the end of the file");
  return in.data + pos;
}

// Raw deflate (zip method 8) of `in` into exactly `out_len` bytes, or false.
bool inflate_exact(const unsigned char* in, uint64_t in_len, unsigned char* out, uint64_t out_len) {
  z_stream zs{};
  if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) return false;
  constexpr uint64_t kChunk = uint64_t{1} << 30;  // avail_in/avail_out are 32-bit
  int rc = Z_OK;
  while (rc == Z_OK) {
    const auto in_chunk = static_cast<uInt>(std::min(in_len, kChunk));
    const auto out_chunk = static_cast<uInt>(std::min(out_len, kChunk));
    zs.next_in = const_cast<unsigned char*>(in);  // zlib's API is not const
    zs.avail_in = in_chunk;
    zs.next_out = out;
    zs.avail_out = out_chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    const uint64_t used_in = in_chunk - zs.avail_in, used_out = out_chunk - zs.avail_out;
    in += used_in;
    in_len -= used_in;
    out += used_out;
    out_len -= used_out;
    if (used_in == 0 && used_out == 0) break;  // no progress: truncated or too long
  }
  inflateEnd(&zs);
  return rc == Z_STREAM_END && out_len == 0;
}

// miniz looks names up case-blind (ASCII): the index is keyed by this.
std::string lowercase(std::string name) {
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

using Entry = Archive::Entry;

constexpr uint64_t kEocdSize = 22;
constexpr uint64_t kCentralHeaderSize = 46;
constexpr uint64_t kLocalHeaderSize = 30;
// Deflate cannot expand one byte into more than 1032 (RFC 1951: a length
// 258 copy in a 2-bit code at best); the slack covers the block headers.
constexpr uint64_t kMaxDeflateRatio = 1032;
// The torch.save format versions PyTorchStreamReader reads
// (caffe2/serialize/versions.h, the same in 1.13, 2.6 and 2.14).
constexpr uint64_t kMinSupportedFileFormatVersion = 1;
constexpr uint64_t kMaxSupportedFileFormatVersion = 10;

}  // namespace

Archive::Archive(Storage file) : file_(std::move(file)) {
  const Storage& in = file_;
  const uint64_t size = in.nbytes;
  if (size < kEocdSize) corrupt("too short for a zip archive (" + std::to_string(size) + " bytes)");

  // The end of central directory record: the last "PK\5\6" within the final
  // 64 KiB (its comment is at most 65535 bytes).
  const uint64_t tail_len = std::min<uint64_t>(size, kEocdSize + 0xffff);
  const unsigned char* tail = read_at(in, size - tail_len, tail_len, "the end of the archive");
  uint64_t eocd = UINT64_MAX;
  for (uint64_t i = tail_len - kEocdSize + 1; i-- > 0;) {
    if (tail[i] == 'P' && tail[i + 1] == 'K' && tail[i + 2] == 5 && tail[i + 3] == 6) {
      eocd = i;
      break;
    }
  }
  if (eocd == UINT64_MAX) corrupt("no end of central directory record");
  const unsigned char* e = tail + eocd;
  const uint64_t eocd_pos = size - tail_len + eocd;
  uint64_t entries = le(e + 10, 2);
  uint64_t entries_here = le(e + 8, 2);
  uint64_t this_disk = le(e + 4, 2);
  uint64_t dir_disk = le(e + 6, 2);
  uint64_t dir_size = le(e + 12, 4);
  uint64_t dir_pos = le(e + 16, 4);

  // Zip64, decided as miniz decides it: a locator right before the record
  // pointing at a zip64 record makes the zip64 values count, whatever the
  // 32-bit ones say. (The entries miniz sees must be the ones checked here.)
  constexpr uint64_t kLocatorSize = 20, kZip64Size = 56;
  if (eocd_pos >= kLocatorSize + kZip64Size) {
    const unsigned char* loc =
        read_at(in, eocd_pos - kLocatorSize, kLocatorSize, "the zip64 locator");
    if (le(loc, 4) == 0x07064b50) {
      const uint64_t rec_pos = le(loc + 8, 8);
      if (rec_pos > size - kZip64Size) corrupt("the zip64 record lies beyond the end of the file");
      const unsigned char* rec =
          read_at(in, rec_pos, kZip64Size, "the zip64 end of central directory");
      if (le(rec, 4) == 0x06064b50) {
        if (le(rec + 4, 8) < kZip64Size - 12) corrupt("bad zip64 end of central directory");
        if (le(loc + 16, 4) != 1) corrupt("multi-disk archives are not supported");
        entries = le(rec + 32, 8);
        entries_here = le(rec + 24, 8);
        this_disk = le(rec + 16, 4);
        dir_disk = le(rec + 20, 4);
        dir_size = le(rec + 40, 8);
        dir_pos = le(rec + 48, 8);
      }
    }
  }
  if (entries != entries_here || (this_disk | dir_disk) != 0)
    corrupt("multi-disk archives are not supported");
  if (dir_pos > size || dir_size > size - dir_pos)
    corrupt("the central directory lies beyond the end of the file");
  if (entries == 0) throw LoadError("an empty zip archive (not a torch.save file)");
  if (entries > dir_size / kCentralHeaderSize)
    corrupt("the central directory is too small for " + std::to_string(entries) + " entries");

  const unsigned char* dir = read_at(in, dir_pos, dir_size, "the central directory");
  std::vector<Entry>& list = entries_;
  list.reserve(static_cast<size_t>(entries));
  uint64_t p = 0;
  for (uint64_t k = 0; k < entries; ++k) {
    if (dir_size - p < kCentralHeaderSize || le(&dir[p], 4) != 0x02014b50)
      corrupt("bad central directory entry " + std::to_string(k));
    const unsigned char* h = &dir[p];
    const uint64_t method = le(h + 10, 2);
    uint64_t comp = le(h + 20, 4);
    uint64_t uncomp = le(h + 24, 4);
    const uint64_t name_len = le(h + 28, 2);
    const uint64_t extra_len = le(h + 30, 2);
    const uint64_t comment_len = le(h + 32, 2);
    uint64_t local = le(h + 42, 4);
    if (dir_size - p - kCentralHeaderSize < name_len + extra_len + comment_len)
      corrupt("central directory entry " + std::to_string(k) + " runs past the directory");
    std::string name(reinterpret_cast<const char*>(h + kCentralHeaderSize), name_len);
    // Zip64 extended information: the 64-bit values of the fields set to ~0.
    const unsigned char* x = h + kCentralHeaderSize + name_len;
    for (uint64_t q = 0; q + 4 <= extra_len;) {
      const uint64_t id = le(x + q, 2), len = le(x + q + 2, 2);
      if (q + 4 + len > extra_len) break;
      if (id == 1) {
        const unsigned char* v = x + q + 4;
        uint64_t left = len;
        auto next = [&](uint64_t& field) {
          if (field != 0xffffffff) return;
          if (left < 8) corrupt("bad zip64 field in entry '" + shown(name) + "'");
          field = le(v, 8);
          v += 8;
          left -= 8;
        };
        next(uncomp);
        next(comp);
        next(local);
      }
      q += 4 + len;
    }
    p += kCentralHeaderSize + name_len + extra_len + comment_len;

    // miniz "extracts" a directory, or an entry with no compressed bytes, by
    // writing nothing: LibTorch then hands out its uninitialized buffer of the
    // claimed size as the record.
    const bool directory = (name_len > 0 && name.back() == '/') || (le(h + 38, 4) & 0x10);
    if ((directory || comp == 0) && uncomp > 0)
      corrupt("'" + shown(name) + "' claims " + std::to_string(uncomp) + " bytes but " +
              (directory ? "is marked as a directory" : "holds none"));
    // Encrypted, strongly encrypted or patch data: miniz refuses to read it.
    if (le(h + 8, 2) & 0x61)
      throw LoadError("zip entry '" + shown(name) + "' is encrypted (not a torch.save file)");
    if (method != 0 && method != 8)
      throw LoadError("zip entry '" + shown(name) + "' uses compression method " +
                      std::to_string(method) +
                      "; a torch.save file is stored uncompressed (deflate is read too)");
    if (method == 0 && comp != uncomp)
      corrupt("stored entry '" + shown(name) + "' claims " + std::to_string(uncomp) +
              " bytes but holds " + std::to_string(comp));
    if (method == 8 && uncomp / kMaxDeflateRatio > comp + 1)
      corrupt("entry '" + shown(name) + "' claims " + std::to_string(uncomp) + " bytes from " +
              std::to_string(comp) + " compressed bytes");
    const unsigned char* lh = read_at(in, local, kLocalHeaderSize, "a local file header");
    if (le(lh, 4) != 0x04034b50) corrupt("bad local header for '" + shown(name) + "'");
    const uint64_t data_pos = local + kLocalHeaderSize + le(lh + 26, 2) + le(lh + 28, 2);
    if (data_pos > size || comp > size - data_pos)
      corrupt("the data of '" + shown(name) + "' lies beyond the end of the file");
    list.push_back(Entry{std::move(name), method, comp, uncomp, data_pos});
  }

  // Names are unique (miniz looks them up case-blind).
  index_.reserve(list.size());
  for (size_t k = 0; k < list.size(); ++k) {
    if (!index_.emplace(lowercase(list[k].name), k).second)
      corrupt("the entry '" + shown(list[k].name) + "' appears twice");
  }
}

void Archive::expect_torch_save() {
  const Storage& in = file_;
  const std::vector<Entry>& list = entries_;
  if (list.empty()) throw LoadError("an empty zip archive (not a torch.save file)");
  // torch.save's layout: every file in one folder (the reader takes the
  // folder from the first entry), with a version record and data.pkl.
  const std::string& first = list.front().name;
  const auto slash = first.find('/');
  if (slash == std::string::npos)
    throw LoadError("a zip archive, but not a torch.save file: '" + shown(first) +
                    "' is not in a folder");
  folder_ = first.substr(0, slash + 1);
  const std::string& folder = folder_;
  auto find = [&](const std::string& record) { return this->find(record); };
  if (!find("data.pkl"))
    throw LoadError("a zip archive, but not a torch.save file: no " + shown(folder) +
                    "data.pkl in it");
  const Entry* version = find(".data/version");
  if (!version) version = find("version");
  if (!version)
    throw LoadError("a zip archive, but not a torch.save file: no " + shown(folder) +
                    "version in it");

  // The version record, as PyTorchStreamReader checks it. (Like PyTorch's
  // miniz, which is built without CRC checks, no CRC is checked.)
  const std::string what = "the version record '" + shown(version->name) + "'";
  if (version->uncomp > 64 || version->comp > 64) corrupt(what + " is too large");
  const unsigned char* stored = read_at(in, version->data_pos, version->comp, "the version record");
  std::vector<unsigned char> text(static_cast<size_t>(version->uncomp));
  if (version->method == 0) {
    text.assign(stored, stored + version->comp);
  } else if (!inflate_exact(stored, version->comp, text.data(), text.size())) {
    corrupt(what + " does not inflate");
  }
  // As caffe2::stoull (std::stoull) parses it.
  const std::string digits(text.begin(), text.end());
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(digits.c_str(), &end, 10);
  if (end == digits.c_str() || errno == ERANGE ||
      digits.find('-') < digits.find_first_of("0123456789") || v < kMinSupportedFileFormatVersion ||
      v > kMaxSupportedFileFormatVersion)
    throw LoadError("unsupported torch.save format version '" + shown(digits) +
                    "' (supported: " + std::to_string(kMinSupportedFileFormatVersion) + " to " +
                    std::to_string(kMaxSupportedFileFormatVersion) + ")");
}

const Entry* Archive::find(const std::string& name) const {
  const auto it = index_.find(lowercase(folder_ + name));
  return it == index_.end() ? nullptr : &entries_[it->second];
}

bool Archive::has(const std::string& name) const { return find(name) != nullptr; }

std::shared_ptr<const Storage> Archive::get(const std::string& name) const {
  const Entry* e = find(name);
  if (!e) throw LoadError("no record '" + shown(folder_ + name) + "' in the archive");
  if (e->method == 0) {
    auto out = std::make_shared<Storage>();
    out->data = file_.data + e->data_pos;
    out->nbytes = e->comp;
    out->owner = file_.owner;
    return out;
  }
  std::vector<unsigned char> bytes;
  try {
    bytes.resize(static_cast<size_t>(e->uncomp));
  } catch (const std::bad_alloc&) {
    throw LoadError("cannot read record '" + shown(e->name) + "': out of memory");
  }
  if (!inflate_exact(file_.data + e->data_pos, e->comp, bytes.data(), e->uncomp))
    corrupt("'" + shown(e->name) + "' does not inflate");
  return owned_storage(std::move(bytes));
}

}  // namespace pyrepr::detail
