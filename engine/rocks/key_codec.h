// Byte encodings for the single-table design (engine/rocks/README.md).
//
// Keys: order-preserving, so that RocksDB's bytewise order is the order the
// read patterns need. Unsigned integers are fixed-width big-endian; signed
// ones are big-endian with the sign bit flipped; strings are escaped
// (0x00 -> 0x00 0xFF) and terminated by 0x00 0x01, so that no encoded string
// is a prefix of another and a prefix scan over "...|city|" is exact.
//
// Values: compact, not self-describing: LEB128 varints (zig-zag for signed),
// length-prefixed strings, single bytes for enums. A ValueReader never reads
// past its input; a short or malformed value makes it fail, which callers
// report as Corruption.
//
// Thread safety: plain functions and value types.
#ifndef LISTBENCH_ENGINE_ROCKS_KEY_CODEC_H_
#define LISTBENCH_ENGINE_ROCKS_KEY_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace listbench::rocks {

// ---- Keys (order-preserving) ----------------------------------------------
void PutKeyU8(std::string* dst, uint8_t v);
void PutKeyU32(std::string* dst, uint32_t v);
void PutKeyU64(std::string* dst, uint64_t v);
void PutKeyI64(std::string* dst, int64_t v);
void PutKeyString(std::string* dst, std::string_view s);

// Reads what the PutKey* functions wrote, advancing `in`. Return false (and
// leave the output unspecified) on malformed input.
bool GetKeyU8(std::string_view* in, uint8_t* v);
bool GetKeyU32(std::string_view* in, uint32_t* v);
bool GetKeyU64(std::string_view* in, uint64_t* v);
bool GetKeyI64(std::string_view* in, int64_t* v);
bool GetKeyString(std::string_view* in, std::string* s);

// The smallest key greater than every key that starts with `prefix`, or ""
// if there is none (prefix is all 0xFF).
std::string PrefixSuccessor(std::string_view prefix);

// ---- Values (compact) -------------------------------------------------------
void PutVarint(std::string* dst, uint64_t v);
void PutSignedVarint(std::string* dst, int64_t v);  // zig-zag
void PutByte(std::string* dst, uint8_t v);
void PutString(std::string* dst, std::string_view s);  // varint length + bytes

// Sequential reader over one encoded value. Once a read fails, every later
// read fails too and ok() is false.
class ValueReader {
 public:
  explicit ValueReader(std::string_view in) : in_(in) {}
  uint64_t Varint();
  int64_t SignedVarint();
  uint8_t Byte();
  std::string String();
  // Skips a String() without copying it.
  void SkipString();
  // True if every read so far succeeded.
  bool ok() const { return ok_; }
  // True if every read succeeded and the whole input was consumed.
  bool done() const { return ok_ && in_.empty(); }

 private:
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace listbench::rocks

#endif  // LISTBENCH_ENGINE_ROCKS_KEY_CODEC_H_
