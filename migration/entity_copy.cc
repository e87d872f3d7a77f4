#include "migration/entity_copy.h"

#include <variant>

namespace listbench {

Status PutWithParents(const Entity& e, Store* from, Store* to, int depth, bool* applied) {
  Status s = to->PutEntity(e, applied);
  if (s.code() != StatusCode::kNotFound || depth > 4) return s;
  for (const auto& [kind, key] : EntityParents(e)) {
    LB_RETURN_IF_ERROR(CopyEntity(kind, key, from, to, depth + 1));
  }
  return to->PutEntity(e, applied);
}

Status CopyEntity(EntityKind kind, const std::string& key, Store* from, Store* to, int depth) {
  StatusOr<Entity> e = from->GetEntity(kind, key);
  if (e.status().code() == StatusCode::kNotFound) return Status::OK();  // nothing to copy
  if (!e.ok()) return e.status();
  bool applied = false;
  LB_RETURN_IF_ERROR(PutWithParents(*e, from, to, depth, &applied));
  if (kind != EntityKind::kListing) return Status::OK();
  // A listing travels with its images.
  const EntityId id = std::get<Listing>(*e).id;
  for (int32_t pos = 0;; ++pos) {
    StatusOr<Entity> img = from->GetEntity(EntityKind::kImage, ImageEntityKey(id, pos));
    if (img.status().code() == StatusCode::kNotFound) break;
    if (!img.ok()) return img.status();
    LB_RETURN_IF_ERROR(to->PutEntity(*img, &applied));
  }
  return Status::OK();
}

}  // namespace listbench
