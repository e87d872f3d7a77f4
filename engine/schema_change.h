// SchemaChange: an online schema change of a live store, run in bounded
// steps so that it can proceed on its own thread while the store keeps
// serving writes (bench/drivers/schema_change_bench.h measures what the writes see).
//
// The change: listings gain an energy_rating, a UK-style EPC band 'A'..'G'.
// Its backfilled value is EnergyRatingFor(listing id), a pure function that
// stands in for a lookup in an external register; kEnergyRatingSql is the
// same function in SQL (tests/schema_change_test.cc pins that they agree).
// R1's canonical result does not include the field: stores compared byte for
// byte before the change still are after it. The field is read back only
// through each engine's own hook (Verify).
//
// Methods:
//   kSqliteBlocking  one transaction: ALTER TABLE listings ADD COLUMN
//                    energy_rating, a trigger that fills it for listings
//                    inserted from then on (the application's new write
//                    path), and one UPDATE of every row.
//   kSqliteBatched   the ALTER and the trigger in one short transaction
//                    (ADD COLUMN only rewrites the schema in SQLite), then
//                    UPDATE ... WHERE id IN (next `batch_size` ids still NULL)
//                    one transaction per Step, then passes from the start
//                    until no NULL is left.
//   kSqliteLazy      the lazy way on the normalized schema: one short
//                    transaction, ALTER TABLE listings ADD COLUMN
//                    energy_rating TEXT GENERATED ALWAYS AS
//                    (kEnergyRatingSql) VIRTUAL. The value is a function of
//                    the row (its id), so it can be a generated column: a
//                    VIRTUAL one is computed whenever a row is read, stored
//                    in no row, and SQLite's ALTER only rewrites the table's
//                    schema row (O(1): listings has no CHECK constraint, no
//                    NOT NULL on the new column and is not STRICT, which
//                    would make SQLite check every row). No trigger and no
//                    backfill; listings inserted later have the value too.
//                    It is the same function kRocksLazy derives on read
//                    (EnergyRatingFor; the SQL is pinned to it by
//                    tests/schema_change_test.cc), so both lazy methods
//                    answer byte for byte what the backfills store.
//   kRocksLazy       the single-table way: persist "listing schema 2" in one
//                    write and switch the store over; from then on every
//                    write that (re)writes a listing item writes its v2
//                    encoding (with the field) and every read of a v1 item
//                    derives the field. No mass rewrite.
//
// sqlite-lazy against rocksdb-lazy is the same method on the two data
// models; sqlite-blocking and sqlite-batched against sqlite-lazy are the
// methods on one data model.
//
// SQLite methods run on their OWN connection to the store's database file
// (WAL; one writer at a time), so the store's writes really wait behind the
// change's write transactions (StoreOptions::busy_timeout_ms) and fail with
// IOError ("database is locked") when they wait longer.
//
// Thread safety: a SchemaChange is used by one thread at a time. Step() may
// run on a thread other than the one using the store, concurrently with the
// store's requests (that is the point); Verify() REQUIRES that no other
// thread uses the store. The functions below are pure.
#ifndef LISTBENCH_ENGINE_SCHEMA_CHANGE_H_
#define LISTBENCH_ENGINE_SCHEMA_CHANGE_H_

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/model.h"
#include "core/status.h"
#include "core/store.h"

namespace listbench {

// The backfilled EPC band of listing `id`: a multiplicative hash of the low
// 31 bits of the id (so that the product never overflows a signed 64-bit
// integer, which SQLite would turn into a floating-point value), whose bits
// 16..31 pick one of the seven bands. Defined for every 64-bit id; SQLite
// stores ids above INT64_MAX as negative integers and `&` sees the same bits.
constexpr char EnergyRatingFor(EntityId id) {
  const uint64_t h = ((id & 0x7fffffffULL) * 2654435761ULL) & 0xffffffffULL;
  return static_cast<char>('A' + (h >> 16) % 7);
}

// EnergyRatingFor as an SQLite expression over the column `id` (SQLite's
// `&`, `>>` bind looser than `*` and `+`: everything is parenthesized).
inline constexpr const char* kEnergyRatingSql =
    "char(65 + ((((((id & 2147483647) * 2654435761) & 4294967295) >> 16)) % 7))";

enum class SchemaChangeMethod { kSqliteBlocking, kSqliteBatched, kSqliteLazy, kRocksLazy };

// Every method, in the order the experiment runs and reports them.
inline constexpr std::array<SchemaChangeMethod, 4> kAllSchemaChangeMethods = {
    SchemaChangeMethod::kSqliteBlocking, SchemaChangeMethod::kSqliteBatched,
    SchemaChangeMethod::kSqliteLazy, SchemaChangeMethod::kRocksLazy};

// "sqlite-blocking", "sqlite-batched", "sqlite-lazy", "rocksdb-lazy".
std::string_view SchemaChangeMethodName(SchemaChangeMethod m);
std::optional<SchemaChangeMethod> ParseSchemaChangeMethod(std::string_view name);
// The names of kAllSchemaChangeMethods, comma-separated (for messages).
std::string SchemaChangeMethodNames();
// The engine a method applies to: "sqlite" or "rocksdb" (Store::Name()).
std::string_view SchemaChangeEngine(SchemaChangeMethod m);

struct SchemaChangeOptions {
  uint64_t batch_size = 1000;  // kSqliteBatched: rows per Step (>= 1)
  // The change's own SQLite connection: how long it waits for the store's
  // write lock before a step fails, its page cache and its sync setting.
  int busy_timeout_ms = 5000;
  size_t cache_bytes = size_t{64} << 20;
  bool durable = false;
};

// What the change did so far.
struct SchemaChangeStats {
  uint64_t steps = 0;
  // SQLite: rows given their value by the change's UPDATEs (sqlite-lazy:
  // 0). RocksDB (lazy): items rewritten by the change, i.e. 0.
  uint64_t rows_upgraded = 0;
  uint64_t longest_step_ns = 0;  // steady_clock
  uint64_t total_step_ns = 0;
  // Bytes the change's own connection wrote (SQLite; RocksDB: the one
  // schema-version item's key and value).
  uint64_t write_bytes = 0;
};

// The end state, read back through the engine after the change is done.
struct SchemaChangeCheck {
  uint64_t listings = 0;
  // Listings a reader sees without the field (SQLite: energy_rating IS NULL;
  // RocksDB: a v1 item decodes with the derived value, so 0 by construction
  // unless an item does not decode).
  uint64_t missing = 0;
  // How the field is stored. SQLite: stored_v2 = rows that store a value,
  // stored_v1 = rows that store none (a reader sees NULL; with sqlite-lazy
  // every row, its value derived on read). RocksDB: listing META items in
  // the v1 encoding (derived on read) and in the v2 encoding (stored).
  uint64_t stored_v1 = 0;
  uint64_t stored_v2 = 0;
  // Every listing whose value (stored or derived) is not EnergyRatingFor(id).
  uint64_t wrong = 0;
  // Listings read back one by one through the engine's read hook (every
  // k-th in id order, about `sample` of them), and how many of those did not
  // read back EnergyRatingFor(id).
  uint64_t sampled = 0;
  uint64_t sample_mismatches = 0;
};

class SchemaChange {
 public:
  virtual ~SchemaChange() = default;
  SchemaChange() = default;
  SchemaChange(const SchemaChange&) = delete;
  SchemaChange& operator=(const SchemaChange&) = delete;

  // One bounded unit of work (kSqliteBlocking: the whole change, which is
  // the point of measuring it; the lazy methods: the whole change too). Returns true when the
  // change is complete. A failed step (e.g. IOError when the store held the write lock longer than
  // busy_timeout_ms) changed nothing and may be retried.
  // REQUIRES: not yet complete.
  virtual StatusOr<bool> Step() = 0;

  // Reads the field back (see SchemaChangeCheck) for about `sample`
  // listings one by one, and for all of them in one scan.
  // REQUIRES: the change is complete; no other thread uses the store.
  virtual StatusOr<SchemaChangeCheck> Verify(uint64_t sample) = 0;

  const SchemaChangeStats& stats() const { return stats_; }

 protected:
  // Runs `body` (returning StatusOr<bool>) as one step: counted and timed
  // into stats_ whether or not it succeeds.
  template <typename Body>
  StatusOr<bool> TimedStep(Body body) {
    const auto start = std::chrono::steady_clock::now();
    StatusOr<bool> done = body();
    const auto ns = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              std::chrono::steady_clock::now() - start)
                                              .count());
    ++stats_.steps;
    stats_.total_step_ns += ns;
    if (ns > stats_.longest_step_ns) stats_.longest_step_ns = ns;
    return done;
  }

  SchemaChangeStats stats_;
};

// Prepares `method` on `store`, whose files are in directory `dir` (the
// SQLite methods open their own connection to dir's database). Only the
// store's administrative facet is needed: its Name(), and for the RocksDB
// method the engine behind it. NotSupported if the method does not fit the
// store's engine (by Name(); a decorator must be unwrapped first);
// InvalidArgument for batch_size 0.
// REQUIRES: `store` outlives the returned change.
StatusOr<std::unique_ptr<SchemaChange>> NewSchemaChange(StoreAdmin& store, const std::string& dir,
                                                        SchemaChangeMethod method,
                                                        const SchemaChangeOptions& options);

}  // namespace listbench

#endif  // LISTBENCH_ENGINE_SCHEMA_CHANGE_H_
