#include "engine/rocks/item_access.h"

namespace listbench::rocks {

std::string KeyToString(std::string_view key) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : key) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7F && u != '\\') {
      out.push_back(c);
    } else {
      out += "\\x";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    }
  }
  return out;
}

Status BadItem(std::string_view key) {
  return Status::Corruption("malformed item at key " + KeyToString(key));
}

}  // namespace listbench::rocks
