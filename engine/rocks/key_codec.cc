#include "engine/rocks/key_codec.h"

namespace listbench::rocks {

void PutKeyU8(std::string* dst, uint8_t v) { dst->push_back(static_cast<char>(v)); }

void PutKeyU32(std::string* dst, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    dst->push_back(static_cast<char>((v >> shift) & 0xFF));
  }
}

void PutKeyU64(std::string* dst, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    dst->push_back(static_cast<char>((v >> shift) & 0xFF));
  }
}

void PutKeyI64(std::string* dst, int64_t v) {
  PutKeyU64(dst, static_cast<uint64_t>(v) ^ (uint64_t{1} << 63));
}

void PutKeyString(std::string* dst, std::string_view s) {
  for (char c : s) {
    dst->push_back(c);
    if (c == '\0') dst->push_back('\xFF');
  }
  dst->push_back('\0');
  dst->push_back('\x01');
}

bool GetKeyU8(std::string_view* in, uint8_t* v) {
  if (in->empty()) return false;
  *v = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  return true;
}

namespace {
bool GetBigEndian(std::string_view* in, int bytes, uint64_t* v) {
  if (in->size() < static_cast<size_t>(bytes)) return false;
  uint64_t r = 0;
  for (int i = 0; i < bytes; ++i) r = (r << 8) | static_cast<uint8_t>((*in)[i]);
  in->remove_prefix(bytes);
  *v = r;
  return true;
}
}  // namespace

bool GetKeyU32(std::string_view* in, uint32_t* v) {
  uint64_t r;
  if (!GetBigEndian(in, 4, &r)) return false;
  *v = static_cast<uint32_t>(r);
  return true;
}

bool GetKeyU64(std::string_view* in, uint64_t* v) { return GetBigEndian(in, 8, v); }

bool GetKeyI64(std::string_view* in, int64_t* v) {
  uint64_t r;
  if (!GetBigEndian(in, 8, &r)) return false;
  *v = static_cast<int64_t>(r ^ (uint64_t{1} << 63));
  return true;
}

bool GetKeyString(std::string_view* in, std::string* s) {
  s->clear();
  size_t i = 0;
  while (i < in->size()) {
    char c = (*in)[i];
    if (c != '\0') {
      s->push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= in->size()) return false;
    char next = (*in)[i + 1];
    if (next == '\x01') {
      in->remove_prefix(i + 2);
      return true;
    }
    if (next != '\xFF') return false;
    s->push_back('\0');
    i += 2;
  }
  return false;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(s.back());
    if (last != 0xFF) {
      ++last;
      return s;
    }
    s.pop_back();
  }
  return s;
}

void PutVarint(std::string* dst, uint64_t v) {
  while (v >= 0x80) {
    dst->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  dst->push_back(static_cast<char>(v));
}

void PutSignedVarint(std::string* dst, int64_t v) {
  const uint64_t u = static_cast<uint64_t>(v);
  PutVarint(dst, (u << 1) ^ (v < 0 ? ~uint64_t{0} : 0));
}

void PutByte(std::string* dst, uint8_t v) { dst->push_back(static_cast<char>(v)); }

void PutString(std::string* dst, std::string_view s) {
  PutVarint(dst, s.size());
  dst->append(s);
}

uint64_t ValueReader::Varint() {
  uint64_t r = 0;
  for (int shift = 0; ok_ && shift <= 63; shift += 7) {
    if (in_.empty()) break;
    const uint8_t b = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    r |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return r;
  }
  ok_ = false;
  return 0;
}

int64_t ValueReader::SignedVarint() {
  const uint64_t u = Varint();
  return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

uint8_t ValueReader::Byte() {
  if (!ok_ || in_.empty()) {
    ok_ = false;
    return 0;
  }
  const uint8_t b = static_cast<uint8_t>(in_[0]);
  in_.remove_prefix(1);
  return b;
}

void ValueReader::SkipString() {
  const uint64_t n = Varint();
  if (!ok_ || n > in_.size()) {
    ok_ = false;
    return;
  }
  in_.remove_prefix(n);
}

std::string ValueReader::String() {
  const uint64_t n = Varint();
  if (!ok_ || n > in_.size()) {
    ok_ = false;
    return std::string();
  }
  std::string s(in_.substr(0, n));
  in_.remove_prefix(n);
  return s;
}

}  // namespace listbench::rocks
