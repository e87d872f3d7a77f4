// Helpers shared by tests that need a store on disk: a temporary directory
// that cleans up after itself and a tiny hand-made dataset whose every
// answer is known.
#ifndef LISTBENCH_TESTS_STORE_TEST_UTIL_H_
#define LISTBENCH_TESTS_STORE_TEST_UTIL_H_

#include <filesystem>
#include <string>
#include <vector>

#include "core/io_fault.h"
#include "core/store.h"
#include "core/store_options.h"
#include "engine/store_dir.h"

namespace listbench::testing {

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The tiny dataset (see store_test_util.cc for the story it tells):
// tenant 1 (GB) and tenant 2 (DE); landlords 1, 2 (t1) and 3 (t2);
// listings 1-4, 6 (t1) and 5 (t2); applicants 1, 2 (t1) and 3 (t2);
// applications 1-4 (t1) and 5 (t2); payments 1, 2 (t1).
struct TinyDataset {
  std::vector<Tenant> tenants;
  std::vector<Landlord> landlords;
  std::vector<Listing> listings;
  std::vector<std::vector<Image>> images;  // parallel to listings
  std::vector<Applicant> applicants;
  std::vector<Application> applications;
  std::vector<Payment> payments;

  const Listing& listing(EntityId id) const;
  const std::vector<Image>& images_of(EntityId listing) const;
  const Landlord& landlord(EntityId id) const;
  const Applicant& applicant(EntityId id) const;
  const Application& application(EntityId id) const;
  const Payment& payment(EntityId id) const;
};
const TinyDataset& Tiny();

// Creates the directory `dir` (its parent must exist) and opens a new, empty
// store of `engine` in it.
StatusOr<std::unique_ptr<Store>> OpenNewStore(Engine engine, const std::string& dir,
                                              const StoreOptions& options = {});

// A fault injector for tests that look only at the calls before they run
// (Before); the notifications after them are ignored.
class BeforeOnlyInjector : public IoFaultInjector {
 public:
  void Created(const std::string&) override {}
  void Synced(const std::string&) override {}
  void DirSynced(const std::string&) override {}
  void Renamed(const std::string&, const std::string&) override {}
  void Deleted(const std::string&) override {}
};

// Loads Tiny() into an empty store through its bulk loader.
Status LoadTiny(Store& store);

// The canonical answers of every read over the tiny dataset (R1, R2, R4, R5
// for ids 1-7 and a London search, in both tenants), one per line: two
// stores, or one store before and after something, compare as strings.
std::string TinyAnswers(Store& s);

// Runs the built listbench binary with `args` (a shell fragment), stdin
// from /dev/null, capturing its exit code, stdout and stderr through files
// in `scratch`.
struct CliResult {
  int exit_code = -1;
  std::string out, err;
};
CliResult RunListbench(const std::string& args, const TempDir& scratch);

std::string ReadFile(const std::filesystem::path& p);

}  // namespace listbench::testing

#endif  // LISTBENCH_TESTS_STORE_TEST_UTIL_H_
