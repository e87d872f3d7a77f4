// The migration's durable state in its directory:
//   migration-state.json  phase, canary step, backfill checkpoint, verifier
//                         checkpoint, last complete diff, transitions and
//                         counters; replaced atomically (temp file, fsync,
//                         rename, directory fsync) on every Save.
//   inflight              the entities the write in progress is about to
//                         touch: magic | length u32 | crc32(body) u32 | body,
//                         body = (kind u8 | key length u8 | key)*. Written,
//                         not synced (it survives the process being killed,
//                         not the machine losing power); cleared when both
//                         legs of the write are done. A record that does not
//                         check out was being written when the process died,
//                         before the write it announces ran.
//
// Thread safety: not synchronized; one MigratingStore uses it from its
// request thread.
#ifndef LISTBENCH_MIGRATION_STATE_FILE_H_
#define LISTBENCH_MIGRATION_STATE_FILE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/entity_scan.h"
#include "core/status.h"
#include "migration/migration_types.h"
#include "migration/verifier.h"

namespace listbench {

// Entities a write touches, by (kind, key).
using TouchedEntities = std::vector<std::pair<EntityKind, std::string>>;

// What migration-state.json holds.
struct MigrationState {
  MigrationPhase phase = MigrationPhase::kLegacy;
  size_t canary_index = 0;
  int backfill_kind = 0;          // EntityKind being copied; kNumEntityKinds = done
  std::string backfill_last_key;  // the checkpoint: the last key copied
  VerifierCheckpoint verifier;
  std::optional<VerifierReport> last_diff;
  std::vector<PhaseChange> transitions;
  MigrationCounters counters;
};

class MigrationStateFile {
 public:
  // Names the files in `dir`; touches nothing on disk.
  explicit MigrationStateFile(std::string dir);
  ~MigrationStateFile();
  MigrationStateFile(const MigrationStateFile&) = delete;
  MigrationStateFile& operator=(const MigrationStateFile&) = delete;

  // Reads the state file into `*state`. `*found` is false (and `*state`
  // untouched) when there is none. NotSupported for a file of another
  // format, Corruption for a damaged one, InvalidArgument for a canary step
  // beyond `num_canary_shares`; nothing is modified on disk.
  Status Load(size_t num_canary_shares, MigrationState* state, bool* found);
  // Replaces the state file with `state` (and `seed`). `before_rename` runs
  // once the temporary file is written, before it is renamed into place.
  Status Save(uint64_t seed, const MigrationState& state,
              const std::function<void()>& before_rename);

  // Opens (creating when missing) the in-flight record. REQUIRES: before
  // the calls below.
  Status OpenInflight();
  // Records the entities a write is about to touch.
  Status WriteInflight(const TouchedEntities& touched);
  // Clears the record (a failure leaves a record that is copied again on
  // the next recovery: harmless).
  void ClearInflight();
  // The entities of the record a crash left, or nullopt when there is none
  // or it is torn (the write it announced never started).
  StatusOr<std::optional<TouchedEntities>> ReadInflight() const;

 private:
  const std::string dir_;
  int inflight_fd_ = -1;
};

}  // namespace listbench

#endif  // LISTBENCH_MIGRATION_STATE_FILE_H_
