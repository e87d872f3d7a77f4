// The migration's durable state in its directory:
//   migration-state.json  phase, canary step, backfill checkpoint, verifier
//                         checkpoint, last complete diff, transitions and
//                         counters; replaced atomically (temp file, fsync,
//                         rename, directory fsync) on every Save.
//   inflight              the entities the writes in progress are about to
//                         touch (all of them, when several requests write
//                         at once): magic | length u32 | crc32(body) u32 | body,
//                         body = (kind u8 | key length u8 | key)*. Written,
//                         not synced (it survives the process being killed,
//                         not the machine losing power); rewritten without a
//                         write's entities when both its legs are done. A
//                         record that does not
//                         check out was being written when the process died,
//                         before the write it announces ran.
//
// Thread safety: Load and Save run on one thread at a time (the
// migration's own); the in-flight calls may come from any number of request
// threads at once (internal mutex: each rewrite of the record holds it).
#ifndef LISTBENCH_MIGRATION_STATE_FILE_H_
#define LISTBENCH_MIGRATION_STATE_FILE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
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
  BackfillMode backfill_mode = BackfillMode::kChecked;  // the mode the backfill runs in
  int backfill_kind = 0;          // EntityKind being copied; kNumEntityKinds = done
  std::string backfill_last_key;  // the checkpoint: the last key copied
  VerifierCheckpoint verifier;
  std::optional<VerifierReport> last_diff;
  std::vector<PhaseChange> transitions;
  MigrationCounters counters;
  bool operator==(const MigrationState&) const = default;
};

// The state file's text for `state` (and `seed`), as Save writes it.
std::string MigrationStateText(uint64_t seed, const MigrationState& state);
// The state in `text` (`name` stands for the file in messages), as Load
// reads it: NotSupported for another format, Corruption naming `name` and
// the problem for a damaged file, InvalidArgument for a canary step beyond
// `num_canary_shares`.
StatusOr<MigrationState> ParseMigrationStateText(const std::string& text, const std::string& name,
                                                 size_t num_canary_shares);

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
  // Records the entities a write is about to touch, beside those of the
  // other writes in progress; returns the token that removes them.
  StatusOr<uint64_t> AddInflight(const TouchedEntities& touched);
  // The write of `token` is done: its entities leave the record (a failure
  // leaves them there, to be copied again on the next recovery: harmless).
  void RemoveInflight(uint64_t token);
  // Clears the whole record (after recovery).
  void ClearInflight();
  // The entities of the record a crash left, or nullopt when there is none
  // or it is torn (the write it announced never started).
  StatusOr<std::optional<TouchedEntities>> ReadInflight() const;

 private:
  Status WriteRecordLocked();

  const std::string dir_;
  int inflight_fd_ = -1;
  std::mutex inflight_mu_;  // guards inflight_ and the record on disk
  uint64_t next_token_ = 1;
  std::map<uint64_t, TouchedEntities> inflight_;
};

}  // namespace listbench

#endif  // LISTBENCH_MIGRATION_STATE_FILE_H_
