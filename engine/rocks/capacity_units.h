// DynamoDB-style capacity-unit arithmetic for the single-table engine: the
// pure rounding rules, kept apart from Table (which feeds them real item
// sizes) so that they can be pinned by golden tests.
//
// Source: Amazon DynamoDB Developer Guide, "DynamoDB read and write
// operations", sections "Capacity unit consumption for read operations" and
// "... for write operations"
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html):
//   - One read unit is one strongly consistent read of an item of up to
//     4 KB. GetItem rounds the item size up to the next 4 KB; reading an item
//     that does not exist still consumes the minimum, one unit.
//   - Query sums the sizes of all items it reads (before any filter
//     expression discards them) and rounds the *sum* up to the next 4 KB;
//     at least one unit, even when nothing matches.
//   - One write unit is one write of an item of up to 1 KB. PutItem,
//     UpdateItem and DeleteItem round up the larger of the item's before and
//     after image (a delete's after image is empty) to the next 1 KB; at
//     least one unit, even for a delete of an absent item.
// Eventually consistent reads (half) and transactional reads/writes (double)
// are multipliers left to the cost model; the units here are the plain,
// strongly consistent, non-transactional ones.
//
// Item size: DynamoDB counts attribute name and value bytes. The honest
// analogue here is key bytes + value bytes of the RocksDB item (the key holds
// the partition and sort key, the value the compact binary attributes); see
// ItemBytes.
#ifndef LISTBENCH_ENGINE_ROCKS_CAPACITY_UNITS_H_
#define LISTBENCH_ENGINE_ROCKS_CAPACITY_UNITS_H_

#include <algorithm>
#include <cstdint>

namespace listbench::rocks {

inline constexpr uint64_t kReadUnitBytes = 4096;   // one read unit covers 4 KB
inline constexpr uint64_t kWriteUnitBytes = 1024;  // one write unit covers 1 KB

// The size an item is charged for: its key bytes plus its value bytes.
constexpr uint64_t ItemBytes(uint64_t key_bytes, uint64_t value_bytes) {
  return key_bytes + value_bytes;
}

// ceil(bytes / unit), at least 1.
constexpr uint64_t UnitsOf(uint64_t bytes, uint64_t unit) {
  return bytes == 0 ? 1 : (bytes - 1) / unit + 1;
}

// A point get of an item of `item_bytes` (0 = not found): ceil(size / 4 KB),
// at least 1.
constexpr uint64_t ReadUnitsForGet(uint64_t item_bytes) {
  return UnitsOf(item_bytes, kReadUnitBytes);
}

// A query (scan of an item collection or index) that read items whose sizes
// sum to `total_bytes`, filtered-out ones included: ceil(sum / 4 KB), at
// least 1. The sum is rounded, not each item.
constexpr uint64_t ReadUnitsForQuery(uint64_t total_bytes) {
  return UnitsOf(total_bytes, kReadUnitBytes);
}

// A put or delete of one item with a before image of `before_bytes` (0 = new
// item) and an after image of `after_bytes` (0 = deleted):
// ceil(max(before, after) / 1 KB), at least 1.
constexpr uint64_t WriteUnitsForItem(uint64_t before_bytes, uint64_t after_bytes) {
  return UnitsOf(std::max(before_bytes, after_bytes), kWriteUnitBytes);
}

}  // namespace listbench::rocks

#endif  // LISTBENCH_ENGINE_ROCKS_CAPACITY_UNITS_H_
