// Typed access to items through a Table: read one item and decode it, or
// report a malformed value as Corruption naming the key.
//
// Thread safety: as Table.
#ifndef LISTBENCH_ENGINE_ROCKS_ITEM_ACCESS_H_
#define LISTBENCH_ENGINE_ROCKS_ITEM_ACCESS_H_

#include <string>
#include <string_view>

#include "engine/rocks/items.h"
#include "engine/rocks/table.h"

namespace listbench::rocks {

// Printable form of a binary key, for messages.
std::string KeyToString(std::string_view key);

// Corruption status for a value at `key` that does not decode.
Status BadItem(std::string_view key);

// Reads and decodes the item at `key`; *found says whether it exists.
template <typename T>
Status GetItem(Table& table, std::string_view key, T* out, bool* found) {
  std::string value;
  LB_RETURN_IF_ERROR(table.Get(key, &value, found));
  if (*found && !Decode(value, out)) return BadItem(key);
  return Status::OK();
}

}  // namespace listbench::rocks

#endif  // LISTBENCH_ENGINE_ROCKS_ITEM_ACCESS_H_
