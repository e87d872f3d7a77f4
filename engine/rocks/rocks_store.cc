#include "engine/rocks/rocks_store.h"

#include <rocksdb/utilities/checkpoint.h>

#include <atomic>
#include <charconv>
#include <filesystem>
#include <functional>
#include <map>
#include <system_error>
#include <utility>

#include "core/validate.h"
#include "engine/rocks/counting_fs.h"
#include "engine/rocks/db_options.h"
#include "engine/rocks/entity_access.h"
#include "engine/rocks/entity_scan.h"
#include "engine/rocks/info_log.h"
#include "engine/rocks/invariants.h"
#include "engine/rocks/item_access.h"
#include "engine/rocks/item_batch.h"
#include "engine/rocks/item_updates.h"
#include "engine/rocks/items.h"
#include "engine/rocks/key_codec.h"
#include "engine/rocks/listing_schema.h"
#include "engine/rocks/loader.h"
#include "engine/rocks/table.h"
#include "engine/rocks/txn_db.h"
#include "engine/schema_change.h"

namespace listbench {
namespace {

namespace fs = std::filesystem;
using rocks::GetItem;
using rocks::PutItem;
using rocks::Table;

rocksdb::WriteOptions MakeWriteOptions(const StoreOptions& o) {
  rocksdb::WriteOptions w;
  w.sync = o.durable;
  w.disableWAL = !o.rocksdb_wal && !o.durable;
  return w;
}

// Calls fn(sort key tag, key, value) for each item of a scan, stopping at the
// first decode failure, which it reports as Corruption.
class ScanDecoder {
 public:
  explicit ScanDecoder(size_t prefix_len) : prefix_len_(prefix_len) {}
  uint8_t Tag(std::string_view key) const {
    return key.size() > prefix_len_ ? static_cast<uint8_t>(key[prefix_len_]) : 0;
  }
  template <typename T>
  bool Decode(std::string_view key, std::string_view value, T* out) {
    if (rocks::Decode(value, out)) return true;
    status_ = rocks::BadItem(key);
    return false;
  }
  const Status& status() const { return status_; }

 private:
  size_t prefix_len_;
  Status status_;
};

class RocksStore : public Store, public rocks::ListingSchemaHooks {
 public:
  RocksStore(std::string dir, const StoreOptions& options, const RocksOpenFlags& flags)
      : dir_(std::move(dir)),
        options_(options),
        flags_(flags),
        fs_(rocks::NewCountingFileSystem(&io_, options.faults)),
        env_(rocksdb::NewCompositeEnv(fs_)),
        resources_(rocks::MakeDbResources(RocksMemoryBudgetFor(options.cache_bytes), &background_,
                                          /*read_only=*/false)) {}

  ~RocksStore() override {
    if (table_ != nullptr && table_->db() != nullptr) table_->db()->Close().PermitUncheckedError();
  }

  Status Open(bool existing);

  std::string_view Name() const override { return "rocksdb"; }
  std::unique_ptr<BulkLoader> NewBulkLoader() override {
    return rocks::NewRocksBulkLoader(table_.get());
  }
  Status Clear() override { return table_->DeleteAllBut(rocks::kFormatKey); }

  StatusOr<ListingDetail> GetListingDetail(TenantId tenant, EntityId listing) override;
  StatusOr<LandlordPortfolio> GetLandlordPortfolio(TenantId tenant, EntityId landlord) override;
  StatusOr<SearchResult> Search(const SearchQuery& q) override;
  StatusOr<ApplicantProfile> GetApplicantProfile(TenantId tenant, EntityId applicant) override;
  StatusOr<ListingApplications> GetListingApplications(TenantId tenant, EntityId listing) override;

  // Each write runs as a transaction, again while it loses races (Written),
  // once its request passed validation (core/validate.h): a rejected one
  // begins no transaction and counts no work.
  Status SubmitApplication(const Application& a) override {
    return Written([&] { return SubmitApplicationOnce(a); });
  }
  Status RecordPayment(const Payment& p) override {
    LB_RETURN_IF_ERROR(ValidateRecordPayment(p));
    return Written([&] { return RecordPaymentOnce(p); });
  }
  StatusOr<uint64_t> UpdateListing(const ListingUpdate& u) override {
    LB_RETURN_IF_ERROR(ValidateUpdateListing(u));
    return Written([&] { return UpdateListingOnce(u); });
  }
  Status AddListing(const Listing& l, std::span<const Image> images) override {
    LB_RETURN_IF_ERROR(ValidateAddListing(l, images));
    return Written([&] { return AddListingOnce(l, images); });
  }
  Status DecideApplication(TenantId tenant, EntityId application, bool approve,
                           int64_t now) override {
    return Written([&] { return DecideApplicationOnce(tenant, application, approve, now); });
  }
  Status AddTenant(const Tenant& t) override {
    LB_RETURN_IF_ERROR(ValidateNewTenant(t));
    return Written([&] { return AddTenantOnce(t); });
  }
  Status AddLandlord(const Landlord& l) override {
    LB_RETURN_IF_ERROR(ValidateNewLandlord(l));
    return Written([&] { return AddLandlordOnce(l); });
  }

  // Outside any request: the full scan counts no capacity units. Like a
  // write, it first resumes a store stopped by an I/O error (table.h).
  Status CheckInvariants(std::vector<std::string>* violations) override {
    LB_RETURN_IF_ERROR(table_->ResumeAfterWriteError());
    return rocks::CheckInvariants(*table_, violations);
  }
  // A read request (capacity units counted), merging one cursor per tenant
  // (entity_scan.h), all from one snapshot.
  Status ScanEntities(EntityKind kind, std::string_view after, size_t limit,
                      std::vector<EntityRow>* out) override {
    const rocks::RequestScope request(*table_, rocks::RequestKind::kSnapshot);
    return rocks::ScanEntities(*table_, kind, after, limit, out);
  }
  // Requests like the others (entity_access.h); GetEntity's lookups (marker,
  // then item) read one snapshot.
  StatusOr<Entity> GetEntity(EntityKind kind, std::string_view key) override {
    const rocks::RequestScope request(*table_, rocks::RequestKind::kSnapshot);
    return rocks::GetEntity(*table_, kind, key);
  }
  Status PutEntity(const Entity& e, bool* applied) override {
    return PutOneEntity(*this, e, applied);
  }
  Status PutEntities(std::span<const Entity> es, std::vector<uint8_t>* applied) override {
    return Written([&] { return rocks::PutEntities(*table_, es, listing_schema(), applied); });
  }
  StatusOr<uint64_t> DiskBytes() override;
  IoStats io_stats() const override { return io_.Snapshot(); }
  WorkStats work_stats() const override { return table_->work(); }
  BackgroundWork background_work() const override { return background_.Snapshot(); }
  StatusOr<RocksCacheUsage> CacheUsage();
  Status WithDb(const std::function<Status(rocks::TxnDb& db)>& fn) { return table_->WithDb(fn); }

  // rocks::ListingSchemaHooks (listing_schema.h).
  int listing_schema() const override { return listing_schema_.load(std::memory_order_acquire); }
  Status UpgradeListingSchema() override;
  StatusOr<std::optional<char>> ReadEnergyRating(TenantId tenant, EntityId listing) override;
  Status ForEachListingItem(
      const std::function<void(TenantId, const rocks::ListingItem&)>& fn) override;

 private:
  // A lost race is retried this many times before the request returns its
  // IOError (a pessimistic lock wait is bounded by busy_timeout_ms each).
  static constexpr int kMaxRetries = 16;

  // Runs the write `once` (whose result is a Status or StatusOr) in a write
  // request (rocks::RequestScope); while it loses a race to a concurrent
  // write, runs it again whole, up to kMaxRetries times, each counted in
  // ThreadTally().retries.
  template <typename Once>
  auto Written(const Once& once) -> decltype(once()) {
    for (int retries = 0;; ++retries) {
      const rocks::RequestScope request(*table_, rocks::RequestKind::kWrite);
      auto result = once();
      if (!request.lost_race() || retries == kMaxRetries) return result;
      ++ThreadTally().retries;
    }
  }
  Status SubmitApplicationOnce(const Application& a);
  Status RecordPaymentOnce(const Payment& p);
  StatusOr<uint64_t> UpdateListingOnce(const ListingUpdate& u);
  Status AddListingOnce(const Listing& l, std::span<const Image> images);
  Status DecideApplicationOnce(TenantId tenant, EntityId application, bool approve, int64_t now);
  Status AddTenantOnce(const Tenant& t);
  Status AddLandlordOnce(const Landlord& l);

  Status CheckFormat();
  // Reads the persisted listing schema (items.h kListingSchemaKey).
  Status LoadListingSchema();
  // The energy_rating a listing item is (re)written with: the one it has;
  // else, from listing schema 2 on, the derived value; else none (0, the v1
  // encoding).
  char EnergyRatingToWrite(EntityId listing, char stored) const {
    return rocks::EnergyRatingToWrite(listing, stored, listing_schema());
  }
  Status Exists(rocks::MarkerKind kind, EntityId id, bool* exists);

  const std::string dir_;
  const StoreOptions options_;
  const RocksOpenFlags flags_;
  IoCounters io_;  // outlives fs_, env_ and the DB (declared first)
  std::shared_ptr<rocksdb::FileSystem> fs_;
  std::unique_ptr<rocksdb::Env> env_;
  BackgroundCounters background_;  // outlives the DB, whose listener adds to it
  // The block cache, write buffer manager and listeners of every (re)open.
  const rocks::DbResources resources_;
  std::unique_ptr<Table> table_;
  // The one member touched from another thread (UpgradeListingSchema).
  std::atomic<int> listing_schema_{1};
};

// ---- Open ---------------------------------------------------------------------

Status RocksStore::CheckFormat() {
  rocksdb::DB* raw = nullptr;
  // Its own cache, so that the check warms nothing the store then reads.
  const rocks::DbResources check = rocks::MakeDbResources(resources_.budget, nullptr,
                                                          /*read_only=*/true);
  rocksdb::Options opt = rocks::MakeDbOptions(env_.get(), check, dir_);
  opt.create_if_missing = false;
  LB_RETURN_IF_ERROR(rocks::FromRocks(rocksdb::DB::OpenForReadOnly(opt, dir_, &raw)));
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string value;
  rocksdb::Status s =
      db->Get(rocksdb::ReadOptions(),
              rocksdb::Slice(rocks::kFormatKey.data(), rocks::kFormatKey.size()), &value);
  db->Close().PermitUncheckedError();
  if (s.IsNotFound()) {
    return Status::NotSupported(dir_ + ": a RocksDB database without a listbench format marker");
  }
  LB_RETURN_IF_ERROR(rocks::FromRocks(s));
  if (value != rocks::kFormatValue) {
    return Status::NotSupported(dir_ + ": store format '" + value + "', this build reads '" +
                                std::string(rocks::kFormatValue) + "'");
  }
  return Status::OK();
}

Status RocksStore::Open(bool existing) {
  // An existing store is checked read-only first, so that a foreign or
  // incompatible one is never modified.
  if (existing) LB_RETURN_IF_ERROR(CheckFormat());
  // Recovery from an I/O error may reopen the DB in place (table.h).
  auto open = [this](std::unique_ptr<rocks::TxnDb>* db) {
    rocksdb::Options opt = rocks::MakeDbOptions(env_.get(), resources_, dir_);
    opt.WAL_ttl_seconds = flags_.wal_ttl_seconds;
    opt.WAL_size_limit_MB = flags_.wal_size_limit_mb;
    return rocks::TxnDb::Open(opt, dir_, options_.busy_timeout_ms, db);
  };
  std::unique_ptr<rocks::TxnDb> db;
  LB_RETURN_IF_ERROR(rocks::FromRocks(open(&db)));
  table_ = std::make_unique<Table>(std::move(db), MakeWriteOptions(options_), std::move(open));
  if (existing) return LoadListingSchema();
  rocksdb::WriteOptions w;
  w.sync = true;
  return rocks::FromRocks(
      table_->db()->Put(w, rocksdb::Slice(rocks::kFormatKey.data(), rocks::kFormatKey.size()),
                        rocksdb::Slice(rocks::kFormatValue.data(), rocks::kFormatValue.size())));
}

// ---- Listing schema (listing_schema.h) ---------------------------------------

// Straight from the DB, not through Table: opening counts no work.
Status RocksStore::LoadListingSchema() {
  std::string value;
  const rocksdb::Status s = table_->db()->Get(
      rocksdb::ReadOptions(),
      rocksdb::Slice(rocks::kListingSchemaKey.data(), rocks::kListingSchemaKey.size()), &value);
  if (s.IsNotFound() || (s.ok() && value == "1")) return Status::OK();
  LB_RETURN_IF_ERROR(rocks::FromRocks(s));
  if (value != "2") {
    return Status::NotSupported(dir_ + ": listing schema '" + value +
                                "', this build reads 1 and 2");
  }
  listing_schema_.store(2, std::memory_order_release);
  return Status::OK();
}

// Runs on the schema change's thread while requests run on another: touches
// only the table's thread-safe PutFromAnyThread and the atomic. The
// version is persisted before the switch, so no v2 item is ever written to
// a store whose persisted schema is 1.
Status RocksStore::UpgradeListingSchema() {
  constexpr std::string_view kTwo = "2";
  LB_RETURN_IF_ERROR(table_->PutFromAnyThread(rocks::kListingSchemaKey, kTwo));
  listing_schema_.store(2, std::memory_order_release);
  return Status::OK();
}

StatusOr<std::optional<char>> RocksStore::ReadEnergyRating(TenantId tenant, EntityId listing) {
  rocks::ListingItem item;
  bool found = false;
  LB_RETURN_IF_ERROR(GetItem(*table_, rocks::ListingKey(tenant, listing), &item, &found));
  if (!found) return Status::NotFound("listing " + std::to_string(listing));
  if (item.energy_rating != 0) return std::optional<char>(item.energy_rating);
  if (listing_schema() >= 2) return std::optional<char>(EnergyRatingFor(listing));
  return std::optional<char>();
}

Status RocksStore::ForEachListingItem(
    const std::function<void(TenantId, const rocks::ListingItem&)>& fn) {
  Status bad;
  LB_RETURN_IF_ERROR(table_->Scan("", "", [&](std::string_view k, std::string_view v) {
    rocks::ParsedKey key;
    if (!rocks::ParseKey(k, &key) || key.kind != rocks::ParsedKey::Kind::kListing) return true;
    rocks::ListingItem item;
    if (!rocks::Decode(v, &item)) {
      bad = rocks::BadItem(k);
      return false;
    }
    fn(key.tenant, item);
    return true;
  }));
  return bad;
}

StatusOr<RocksCacheUsage> RocksStore::CacheUsage() {
  rocksdb::DB* db = table_->db();
  if (db == nullptr) return Status::IOError(dir_ + ": closed after an I/O error");
  RocksCacheUsage u;
  uint64_t v = 0;
  if (db->GetIntProperty(rocksdb::DB::Properties::kBlockCacheCapacity, &v)) u.capacity = v;
  if (db->GetIntProperty(rocksdb::DB::Properties::kBlockCacheUsage, &v)) u.usage = v;
  if (db->GetIntProperty(rocksdb::DB::Properties::kBlockCachePinnedUsage, &v)) u.pinned = v;
  if (db->GetIntProperty(rocksdb::DB::Properties::kSizeAllMemTables, &v)) u.memtable_bytes = v;
  std::map<std::string, std::string> roles;
  if (!db->GetMapProperty(rocksdb::DB::Properties::kBlockCacheEntryStats, &roles)) {
    return Status::NotSupported(dir_ + ": no block cache entry statistics");
  }
  auto bytes = [&](rocksdb::CacheEntryRole role) -> uint64_t {
    const auto it = roles.find(rocksdb::BlockCacheEntryStatsMapKeys::UsedBytes(role));
    uint64_t n = 0;
    if (it != roles.end())
      std::from_chars(it->second.data(), it->second.data() + it->second.size(), n);
    return n;
  };
  u.data_bytes = bytes(rocksdb::CacheEntryRole::kDataBlock);
  u.index_bytes = bytes(rocksdb::CacheEntryRole::kIndexBlock);
  u.filter_bytes = bytes(rocksdb::CacheEntryRole::kFilterBlock) +
                   bytes(rocksdb::CacheEntryRole::kFilterMetaBlock);
  u.write_buffer_bytes = bytes(rocksdb::CacheEntryRole::kWriteBuffer);
  return u;
}

StatusOr<uint64_t> RocksStore::DiskBytes() {
  std::error_code ec;
  uint64_t total = 0;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    std::error_code fec;
    if (e.is_regular_file(fec)) {
      const uint64_t n = e.file_size(fec);
      if (!fec) total += n;
    }
  }
  if (ec) return Status::IOError(dir_ + ": cannot list: " + ec.message());
  return total;
}

Status RocksStore::Exists(rocks::MarkerKind kind, EntityId id, bool* exists) {
  std::string value;
  return table_->Get(rocks::MarkerKey(kind, id), &value, exists);
}

// ---- Reads --------------------------------------------------------------------

StatusOr<ListingDetail> RocksStore::GetListingDetail(TenantId tenant, EntityId listing) {
  const rocks::RequestScope request(*table_, rocks::RequestKind::kRead);
  const std::string prefix = rocks::ListingPrefix(tenant, listing);
  ScanDecoder d(prefix.size());
  ListingDetail out;
  bool found = false, owner = false;
  // META, IMG#..., OWNER are adjacent; the APP# items sort before META.
  LB_RETURN_IF_ERROR(table_->Scan(rocks::ListingKey(tenant, listing),
                                  rocks::PrefixSuccessor(prefix),
                                  [&](std::string_view k, std::string_view v) {
                                    switch (d.Tag(k)) {
                                      case rocks::kSkMeta:
                                        found = true;
                                        return d.Decode(k, v, &out.listing);
                                      case rocks::kSkImage:
                                        return d.Decode(k, v, &out.images.emplace_back());
                                      case rocks::kSkOwner:
                                        owner = true;
                                        return d.Decode(k, v, &out.landlord);
                                      default:
                                        return true;
                                    }
                                  }));
  LB_RETURN_IF_ERROR(d.status());
  if (!found) return Status::NotFound("listing " + std::to_string(listing));
  if (!owner)
    return Status::Corruption("listing " + std::to_string(listing) + " has no OWNER item");
  return out;
}

StatusOr<LandlordPortfolio> RocksStore::GetLandlordPortfolio(TenantId tenant, EntityId landlord) {
  const rocks::RequestScope request(*table_, rocks::RequestKind::kRead);
  const std::string prefix = rocks::LandlordPrefix(tenant, landlord);
  ScanDecoder d(prefix.size());
  LandlordPortfolio out;
  bool found = false;
  LB_RETURN_IF_ERROR(table_->Scan(prefix, rocks::PrefixSuccessor(prefix),
                                  [&](std::string_view k, std::string_view v) {
                                    switch (d.Tag(k)) {
                                      case rocks::kSkMeta:
                                        found = true;
                                        return d.Decode(k, v, &out.landlord);
                                      case rocks::kSkListing:
                                        return d.Decode(k, v, &out.listings.emplace_back());
                                      default:
                                        return true;
                                    }
                                  }));
  LB_RETURN_IF_ERROR(d.status());
  if (!found) return Status::NotFound("landlord " + std::to_string(landlord));
  return out;
}

StatusOr<SearchResult> RocksStore::Search(const SearchQuery& q) {
  LB_RETURN_IF_ERROR(ValidateSearch(q));
  const rocks::RequestScope request(*table_, rocks::RequestKind::kRead);
  const std::string city = rocks::SearchCityPrefix(q.tenant, q.city);
  std::string lower = city, upper = city;
  rocks::PutKeyI64(&lower, q.min_price);
  rocks::PutKeyI64(&upper, q.max_price);
  ScanDecoder d(0);
  SearchResult out;
  LB_RETURN_IF_ERROR(table_->Scan(lower, rocks::PrefixSuccessor(upper),
                                  [&](std::string_view k, std::string_view v) {
                                    int32_t bedrooms = 0;
                                    SearchHit hit;
                                    if (!rocks::PeekSearchHitBedrooms(v, &bedrooms)) {
                                      return d.Decode(k, v, &hit);  // reports Corruption
                                    }
                                    if (bedrooms < q.min_bedrooms) return true;  // filtered
                                    if (!d.Decode(k, v, &hit)) return false;
                                    out.hits.push_back(std::move(hit));
                                    return out.hits.size() < static_cast<size_t>(q.limit);
                                  }));
  LB_RETURN_IF_ERROR(d.status());
  return out;
}

StatusOr<ApplicantProfile> RocksStore::GetApplicantProfile(TenantId tenant, EntityId applicant) {
  const rocks::RequestScope request(*table_, rocks::RequestKind::kRead);
  const std::string prefix = rocks::ApplicantPrefix(tenant, applicant);
  ScanDecoder d(prefix.size());
  ApplicantProfile out;
  bool found = false;
  LB_RETURN_IF_ERROR(table_->Scan(prefix, rocks::PrefixSuccessor(prefix),
                                  [&](std::string_view k, std::string_view v) {
                                    switch (d.Tag(k)) {
                                      case rocks::kSkMeta:
                                        found = true;
                                        return d.Decode(k, v, &out.applicant);
                                      case rocks::kSkApp:
                                        return d.Decode(k, v, &out.applications.emplace_back());
                                      case rocks::kSkPayment:
                                        return d.Decode(k, v, &out.payments.emplace_back());
                                      default:
                                        return true;
                                    }
                                  }));
  LB_RETURN_IF_ERROR(d.status());
  if (!found) return Status::NotFound("applicant " + std::to_string(applicant));
  return out;
}

StatusOr<ListingApplications> RocksStore::GetListingApplications(TenantId tenant,
                                                                 EntityId listing) {
  const rocks::RequestScope request(*table_, rocks::RequestKind::kRead);
  const std::string prefix = rocks::ListingPrefix(tenant, listing);
  std::string lower = prefix;
  rocks::PutKeyU8(&lower, rocks::kSkApp);
  ScanDecoder d(prefix.size());
  ListingApplications out;
  bool found = false;
  // APP# items, then META (which says the listing exists), then stop.
  LB_RETURN_IF_ERROR(table_->Scan(lower, rocks::PrefixSuccessor(rocks::ListingKey(tenant, listing)),
                                  [&](std::string_view k, std::string_view v) {
                                    switch (d.Tag(k)) {
                                      case rocks::kSkApp:
                                        return d.Decode(k, v, &out.applications.emplace_back());
                                      case rocks::kSkMeta:
                                        found = true;
                                        return false;
                                      default:
                                        return true;
                                    }
                                  }));
  LB_RETURN_IF_ERROR(d.status());
  if (!found) return Status::NotFound("listing " + std::to_string(listing));
  return out;
}

// ---- Writes -------------------------------------------------------------------

Status RocksStore::SubmitApplicationOnce(const Application& in) {
  const TenantId t = in.tenant;
  Listing listing;
  Applicant applicant;
  bool found = false;
  LB_RETURN_IF_ERROR(GetItem(*table_, rocks::ListingKey(t, in.listing), &listing, &found));
  if (!found) return Status::NotFound("listing " + std::to_string(in.listing));
  LB_RETURN_IF_ERROR(GetItem(*table_, rocks::ApplicantKey(t, in.applicant), &applicant, &found));
  if (!found) return Status::NotFound("applicant " + std::to_string(in.applicant));
  if (listing.status != ListingStatus::kActive) {
    return Status::Conflict("listing " + std::to_string(in.listing) + " is not active");
  }
  bool exists = false;
  LB_RETURN_IF_ERROR(Exists(rocks::MarkerKind::kApplication, in.id, &exists));
  if (exists) return Status::Conflict("application " + std::to_string(in.id) + " exists");
  const std::string lst_key = rocks::PortfolioKey(t, listing.landlord, listing.id);
  PortfolioEntry entry;
  LB_RETURN_IF_ERROR(GetItem(*table_, lst_key, &entry, &found));
  if (!found) return rocks::MissingItem(lst_key);

  Application a = in;
  a.status = ApplicationStatus::kSubmitted;
  a.updated = a.submitted;
  ++entry.open_applications;
  rocksdb::WriteBatch batch;
  LB_RETURN_IF_ERROR(
      rocks::PutApplicationItems(&batch, a, listing.title, rocks::SummaryOf(applicant), true));
  LB_RETURN_IF_ERROR(PutItem(&batch, lst_key, entry));
  return table_->Write(&batch);
}

Status RocksStore::RecordPaymentOnce(const Payment& p) {
  Application app;
  bool found = false;
  LB_RETURN_IF_ERROR(
      GetItem(*table_, rocks::ApplicationKey(p.tenant, p.application), &app, &found));
  if (!found) return Status::NotFound("application " + std::to_string(p.application));
  if (app.status != ApplicationStatus::kApproved && app.status != ApplicationStatus::kPaid) {
    return Status::Conflict("application " + std::to_string(app.id) +
                            " is neither approved nor paid");
  }
  bool exists = false;
  LB_RETURN_IF_ERROR(Exists(rocks::MarkerKind::kPayment, p.id, &exists));
  if (exists) return Status::Conflict("payment " + std::to_string(p.id) + " exists");
  rocksdb::WriteBatch batch;
  LB_RETURN_IF_ERROR(rocks::PutPaymentItems(&batch, p, app.applicant));
  LB_RETURN_IF_ERROR(
      rocks::ChangeApplication(*table_, app, ApplicationStatus::kPaid, p.created, &batch));
  return table_->Write(&batch);
}

StatusOr<uint64_t> RocksStore::UpdateListingOnce(const ListingUpdate& u) {
  const TenantId t = u.tenant;
  rocks::ListingItem stored;
  bool found = false;
  LB_RETURN_IF_ERROR(GetItem(*table_, rocks::ListingKey(t, u.listing), &stored, &found));
  if (!found) return Status::NotFound("listing " + std::to_string(u.listing));
  const Listing& old = stored.listing;
  if (old.version != u.expected_version) {
    return Status::Conflict("listing " + std::to_string(u.listing) + " is at version " +
                            std::to_string(old.version));
  }
  Listing l = old;
  if (u.price) l.price = *u.price;
  if (u.status) l.status = *u.status;
  l.version = u.expected_version + 1;
  l.updated = u.now;
  rocksdb::WriteBatch batch;
  LB_RETURN_IF_ERROR(rocks::RewriteListing(*table_, stored, l, listing_schema(), &batch));
  LB_RETURN_IF_ERROR(table_->Write(&batch));
  return l.version;
}

Status RocksStore::AddListingOnce(const Listing& l, std::span<const Image> images) {
  Landlord landlord;
  bool found = false;
  LB_RETURN_IF_ERROR(GetItem(*table_, rocks::LandlordKey(l.tenant, l.landlord), &landlord, &found));
  if (!found) return Status::NotFound("landlord " + std::to_string(l.landlord));
  bool exists = false;
  LB_RETURN_IF_ERROR(Exists(rocks::MarkerKind::kListing, l.id, &exists));
  if (exists) return Status::Conflict("listing " + std::to_string(l.id) + " exists");
  rocksdb::WriteBatch batch;
  LB_RETURN_IF_ERROR(rocks::PutListingItems(&batch, l, images, rocks::SummaryOf(landlord),
                                            EnergyRatingToWrite(l.id, 0)));
  LB_RETURN_IF_ERROR(
      rocks::PutPortfolioItem(&batch, l.tenant, l.landlord, {rocks::SummaryOf(l), 0}));
  return table_->Write(&batch);
}

Status RocksStore::DecideApplicationOnce(TenantId tenant, EntityId application, bool approve,
                                         int64_t now) {
  Application app;
  bool found = false;
  LB_RETURN_IF_ERROR(GetItem(*table_, rocks::ApplicationKey(tenant, application), &app, &found));
  if (!found) return Status::NotFound("application " + std::to_string(application));
  if (app.status != ApplicationStatus::kSubmitted) {
    return Status::Conflict("application " + std::to_string(application) + " is not submitted");
  }
  rocksdb::WriteBatch batch;
  LB_RETURN_IF_ERROR(rocks::ChangeApplication(
      *table_, app, approve ? ApplicationStatus::kApproved : ApplicationStatus::kRejected, now,
      &batch));
  return table_->Write(&batch);
}

Status RocksStore::AddTenantOnce(const Tenant& t) {
  Tenant existing;
  bool found = false;
  LB_RETURN_IF_ERROR(GetItem(*table_, rocks::TenantKey(t.id), &existing, &found));
  if (found) return Status::Conflict("tenant " + std::to_string(t.id) + " exists");
  rocksdb::WriteBatch batch;
  LB_RETURN_IF_ERROR(PutItem(&batch, rocks::TenantKey(t.id), t));
  return table_->Write(&batch);
}

Status RocksStore::AddLandlordOnce(const Landlord& l) {
  Tenant tenant;
  bool found = false;
  LB_RETURN_IF_ERROR(GetItem(*table_, rocks::TenantKey(l.tenant), &tenant, &found));
  if (!found) return Status::NotFound("tenant " + std::to_string(l.tenant));
  bool exists = false;
  LB_RETURN_IF_ERROR(Exists(rocks::MarkerKind::kLandlord, l.id, &exists));
  if (exists) return Status::Conflict("landlord " + std::to_string(l.id) + " exists");
  rocksdb::WriteBatch batch;
  LB_RETURN_IF_ERROR(rocks::PutLandlordItems(&batch, l));
  return table_->Write(&batch);
}

// RocksDB's own files; everything else in a store directory (the listbench
// manifest) is copied by CloneRocksStore next to the checkpoint.
bool IsRocksFile(const std::string& name) {
  auto ends = [&](std::string_view s) {
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  auto starts = [&](std::string_view s) { return name.rfind(s, 0) == 0; };
  return name == "CURRENT" || name == "IDENTITY" || name == "LOCK" || starts("LOG") ||
         starts("MANIFEST-") || starts("OPTIONS-") || ends(".sst") || ends(".log") ||
         ends(".blob") || ends(".dbtmp");
}

}  // namespace

StatusOr<std::unique_ptr<Store>> OpenRocksStore(const std::string& dir,
                                                const StoreOptions& options) {
  return OpenRocksStore(dir, options, RocksOpenFlags());
}

StatusOr<std::unique_ptr<Store>> OpenRocksStore(const std::string& dir, const StoreOptions& options,
                                                const RocksOpenFlags& flags) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::NotFound(dir + ": no such directory");
  const bool existing = fs::exists(fs::path(dir) / "CURRENT", ec);
  if (!existing && !options.create_if_missing) {
    return Status::NotFound(dir + ": holds no RocksDB store");
  }
  auto store = std::make_unique<RocksStore>(dir, options, flags);
  LB_RETURN_IF_ERROR(store->Open(existing));
  return std::unique_ptr<Store>(std::move(store));
}

StatusOr<RocksCacheUsage> RocksCacheUsageOf(Store& store) {
  auto* rocks = dynamic_cast<RocksStore*>(&store);
  if (rocks == nullptr) return Status::NotSupported("not a RocksDB store");
  return rocks->CacheUsage();
}

Status WithRocksDb(Store& store, const std::function<Status(rocks::TxnDb& db)>& fn) {
  auto* rocks = dynamic_cast<RocksStore*>(&store);
  if (rocks == nullptr) return Status::NotSupported("not a RocksDB store");
  return rocks->WithDb(fn);
}

namespace {
Status Prefixed(const Status& s, const std::string& prefix) {
  return Status(s.code(), prefix + s.message());
}
}  // namespace

Status VerifyRocksStoreFiles(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(fs::path(dir) / "CURRENT", ec)) {
    return Status::NotFound(dir + ": holds no RocksDB store");
  }
  // A read-only open with paranoid checks (every file the MANIFEST names
  // must be there with its recorded size; the WAL is read, not replayed
  // into new files), then every block of every SST file against its checksum.
  const rocks::DbResources check = rocks::MakeDbResources(
      RocksMemoryBudgetFor(StoreOptions().cache_bytes), nullptr, /*read_only=*/true);
  rocksdb::Options opt = rocks::MakeDbOptions(rocksdb::Env::Default(), check, dir);
  opt.create_if_missing = false;
  opt.paranoid_checks = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(opt, dir, &raw);
  if (!s.ok()) return Prefixed(rocks::FromRocks(s), dir + ": paranoid open: ");
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  s = db->VerifyChecksum(ro);
  db->Close().PermitUncheckedError();
  if (!s.ok()) return Prefixed(rocks::FromRocks(s), dir + ": VerifyChecksum: ");
  return Status::OK();
}

Status CloneRocksStore(const std::string& src_dir, const std::string& dst_dir) {
  std::error_code ec;
  if (fs::exists(dst_dir, ec)) return Status::InvalidArgument(dst_dir + ": already exists");
  if (!fs::exists(fs::path(src_dir) / "CURRENT", ec)) {
    return Status::NotFound(src_dir + ": holds no RocksDB store");
  }
  {
    StoreOptions o;
    o.create_if_missing = false;
    StatusOr<std::unique_ptr<Store>> probe = OpenRocksStore(src_dir, o);  // checks the format
    if (!probe.ok()) return probe.status();
  }
  rocksdb::Options opt;
  opt.create_if_missing = false;
  opt.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  opt.info_log =
      rocks::NewInfoLog(rocksdb::Env::Default()->GetFileSystem(), src_dir, opt.info_log_level);
  rocksdb::DB* raw = nullptr;
  LB_RETURN_IF_ERROR(rocks::FromRocks(rocksdb::DB::Open(opt, src_dir, &raw)));
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::Checkpoint* cp_raw = nullptr;
  LB_RETURN_IF_ERROR(rocks::FromRocks(rocksdb::Checkpoint::Create(db.get(), &cp_raw)));
  std::unique_ptr<rocksdb::Checkpoint> cp(cp_raw);
  Status s = rocks::FromRocks(cp->CreateCheckpoint(dst_dir));
  cp.reset();
  db->Close().PermitUncheckedError();
  LB_RETURN_IF_ERROR(s);
  for (const auto& e : fs::directory_iterator(src_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!e.is_regular_file(ec) || IsRocksFile(name)) continue;
    fs::copy_file(e.path(), fs::path(dst_dir) / name, ec);
    if (ec) return Status::IOError(dst_dir + "/" + name + ": cannot copy: " + ec.message());
  }
  if (ec) return Status::IOError(src_dir + ": cannot list: " + ec.message());
  return Status::OK();
}

}  // namespace listbench
