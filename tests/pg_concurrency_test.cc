// The PostgreSQL store under concurrent clients (also run under
// ThreadSanitizer): its writes are serializable transactions retried on a
// serialization failure, so concurrent writers get exactly the contract's
// answers -- every distinct insert succeeds, of the same insert exactly one.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "engine/postgres/pg_server.h"
#include "engine/store_dir.h"
#include "tests/store_test_util.h"

namespace listbench {
namespace {

TEST(PgConcurrencyTest, ConcurrentWritersKeepTheContract) {
  if (!PgBinDir().ok()) GTEST_SKIP() << "no PostgreSQL server binaries (scripts/setup.sh)";
  testing::TempDir tmp;
  StatusOr<std::unique_ptr<Store>> opened =
      testing::OpenNewStore(Engine::kPostgres, tmp.Sub("conc"));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  ASSERT_TRUE(testing::LoadTiny(**opened).ok());
  Store* s = opened->get();
  const Application& a0 = testing::Tiny().applications.front();
  // Eight clients submit eight distinct applications, then all eight the
  // same one: each of the first succeeds; of the second exactly one does and
  // the others are told it exists.
  for (bool same : {false, true}) {
    std::vector<Status> results(8);
    std::vector<std::thread> clients;
    for (int i = 0; i < 8; ++i) {
      clients.emplace_back([&, i] {
        Application a = a0;
        a.id = (same ? 9000 : 8000 + i);
        results[i] = s->SubmitApplication(a);
      });
    }
    for (std::thread& t : clients) t.join();
    int ok = 0, conflict = 0;
    for (const Status& r : results) {
      ok += r.ok();
      conflict += r.code() == StatusCode::kConflict;
    }
    EXPECT_EQ(ok, same ? 1 : 8);
    EXPECT_EQ(conflict, same ? 7 : 0);
  }
}

}  // namespace
}  // namespace listbench
