// The durable repair queue (migration/repair_queue.h): appended and acknowledged
// entries survive reopen exactly; a torn tail (a crash mid-append) is cut off
// and reported while earlier entries stay; a damaged record in the middle is
// Corruption naming the offset; a foreign file is refused and left as it
// was; compaction keeps exactly the pending entries and the sequence counter.
#include "migration/repair_queue.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace listbench {
namespace {

namespace fs = std::filesystem;

class RepairQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("lb_repair_queue_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "repair.log").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<RepairQueue> OpenOk() {
    auto q = RepairQueue::Open(path_);
    EXPECT_TRUE(q.ok()) << q.status().ToString();
    return q.ok() ? std::move(q).value() : nullptr;
  }
  std::string ReadAll() {
    std::ifstream in(path_, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  void WriteAll(const std::string& s) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << s;
  }
  // Appends payloads "e1".."en" and returns the file size after each append.
  std::vector<uintmax_t> AppendN(RepairQueue* q, int n) {
    std::vector<uintmax_t> sizes;
    for (int i = 1; i <= n; ++i) {
      auto seq = q->Append(fmt::format("e{}", i));
      EXPECT_TRUE(seq.ok());
      sizes.push_back(fs::file_size(path_));
    }
    return sizes;
  }

  fs::path dir_;
  std::string path_;
};

std::vector<RepairEntry> Entries(std::initializer_list<uint64_t> seqs) {
  std::vector<RepairEntry> out;
  for (uint64_t s : seqs) out.push_back({s, fmt::format("e{}", s)});
  return out;
}

TEST_F(RepairQueueTest, AppendAcknowledgeReopenRoundTrip) {
  {
    auto q = OpenOk();
    ASSERT_TRUE(q);
    EXPECT_TRUE(q->recovery().created);
    EXPECT_EQ(q->Depth(), 0u);
    AppendN(q.get(), 5);
    EXPECT_EQ(q->Depth(), 5u);
    ASSERT_TRUE(q->Acknowledge(2).ok());
    ASSERT_TRUE(q->Acknowledge(4).ok());
    EXPECT_EQ(q->Acknowledge(4).code(), StatusCode::kNotFound);  // already drained
    EXPECT_EQ(q->Acknowledge(99).code(), StatusCode::kNotFound);
    EXPECT_EQ(q->Pending(), Entries({1, 3, 5}));
  }
  auto q = OpenOk();
  ASSERT_TRUE(q);
  EXPECT_FALSE(q->recovery().created);
  EXPECT_FALSE(q->recovery().torn_tail);
  EXPECT_EQ(q->recovery().records_read, 7u);
  EXPECT_EQ(q->Pending(), Entries({1, 3, 5}));
  EXPECT_EQ(q->Depth(), 3u);
  auto seq = q->Append("e6");
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(*seq, 6u);  // numbering continues, never reused
}

TEST_F(RepairQueueTest, TornTailIsCutOffAndReported) {
  std::vector<uintmax_t> sizes;
  {
    auto q = OpenOk();
    ASSERT_TRUE(q);
    sizes = AppendN(q.get(), 3);
  }
  // Crash mid-append of the third entry: only part of it reached the disk.
  const uintmax_t torn_at = sizes[1] + (sizes[2] - sizes[1]) / 2;
  fs::resize_file(path_, torn_at);
  {
    auto q = OpenOk();
    ASSERT_TRUE(q);
    EXPECT_TRUE(q->recovery().torn_tail);
    EXPECT_EQ(q->recovery().torn_tail_offset, sizes[1]);
    EXPECT_EQ(q->recovery().torn_tail_bytes, torn_at - sizes[1]);
    EXPECT_EQ(q->Pending(), Entries({1, 2}));
    EXPECT_EQ(q->Depth(), 2u);
    // The log is usable again: the lost entry's number is handed out anew
    // (it was never acknowledged to the caller).
    auto seq = q->Append("e3");
    ASSERT_TRUE(seq.ok());
    EXPECT_EQ(*seq, 3u);
  }
  auto q = OpenOk();
  ASSERT_TRUE(q);
  EXPECT_FALSE(q->recovery().torn_tail);
  EXPECT_EQ(q->Pending(), Entries({1, 2, 3}));
}

TEST_F(RepairQueueTest, TornRecordHeaderAndZeroFilledTailAreTornToo) {
  std::vector<uintmax_t> sizes;
  {
    auto q = OpenOk();
    ASSERT_TRUE(q);
    sizes = AppendN(q.get(), 2);
  }
  WriteAll(ReadAll() + std::string(5, 'x'));  // 5 bytes of a 12-byte record header
  {
    auto q = OpenOk();
    ASSERT_TRUE(q);
    EXPECT_TRUE(q->recovery().torn_tail);
    EXPECT_EQ(q->recovery().torn_tail_bytes, 5u);
    EXPECT_EQ(q->Depth(), 2u);
  }
  WriteAll(ReadAll() + std::string(40, '\0'));  // size extended, data never written
  auto q = OpenOk();
  ASSERT_TRUE(q);
  EXPECT_TRUE(q->recovery().torn_tail);
  EXPECT_EQ(q->recovery().torn_tail_offset, sizes[1]);
  EXPECT_EQ(q->Pending(), Entries({1, 2}));
}

TEST_F(RepairQueueTest, FlippedByteInTheMiddleIsCorruptionNamingTheOffset) {
  std::vector<uintmax_t> sizes;
  {
    auto q = OpenOk();
    ASSERT_TRUE(q);
    sizes = AppendN(q.get(), 3);
  }
  const std::string good = ReadAll();
  // A byte in the payload of the second record (its last byte).
  std::string bad = good;
  bad[sizes[1] - 1] ^= 0x40;
  WriteAll(bad);
  auto q = RepairQueue::Open(path_);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().code(), StatusCode::kCorruption);
  EXPECT_NE(q.status().message().find(path_), std::string::npos) << q.status().ToString();
  EXPECT_NE(q.status().message().find("offset " + std::to_string(sizes[0])), std::string::npos)
      << q.status().ToString();
  EXPECT_EQ(ReadAll(), bad);  // nothing cut off

  // A byte in the length field of the second record: not mistaken for a tear.
  bad = good;
  bad[sizes[0]] ^= 0x01;
  WriteAll(bad);
  q = RepairQueue::Open(path_);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().code(), StatusCode::kCorruption);
  EXPECT_NE(q.status().message().find("offset " + std::to_string(sizes[0])), std::string::npos)
      << q.status().ToString();
}

TEST_F(RepairQueueTest, ForeignFileIsRefusedUnmodified) {
  const std::string foreign = "SQLite format 3 -- somebody else's file, not ours";
  WriteAll(foreign);
  auto q = RepairQueue::Open(path_);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(q.status().message().find(path_), std::string::npos) << q.status().ToString();
  EXPECT_EQ(q.status().message().find('\n'), std::string::npos);  // one line
  EXPECT_EQ(ReadAll(), foreign);

  WriteAll("");  // an empty file is not a log either (a log always has its header)
  q = RepairQueue::Open(path_);
  EXPECT_EQ(q.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(fs::file_size(path_), 0u);
}

TEST_F(RepairQueueTest, CompactionKeepsExactlyThePendingEntries) {
  {
    auto q = OpenOk();
    ASSERT_TRUE(q);
    AppendN(q.get(), 6);
    for (uint64_t s : {1, 2, 4, 6}) ASSERT_TRUE(q->Acknowledge(s).ok());
    const uintmax_t before = fs::file_size(path_);
    ASSERT_TRUE(q->Compact().ok());
    EXPECT_LT(fs::file_size(path_), before);
    EXPECT_EQ(q->Pending(), Entries({3, 5}));
    // Still appendable and acknowledgeable after compaction.
    auto seq = q->Append("e7");
    ASSERT_TRUE(seq.ok());
    EXPECT_EQ(*seq, 7u);
    ASSERT_TRUE(q->Acknowledge(3).ok());
  }
  {
    auto q = OpenOk();
    ASSERT_TRUE(q);
    EXPECT_FALSE(q->recovery().torn_tail);
    EXPECT_EQ(q->Pending(), Entries({5, 7}));
    ASSERT_TRUE(q->Acknowledge(5).ok());
    ASSERT_TRUE(q->Acknowledge(7).ok());
    ASSERT_TRUE(q->Compact().ok());  // everything drained: header only
    EXPECT_EQ(q->Depth(), 0u);
  }
  auto q = OpenOk();
  ASSERT_TRUE(q);
  EXPECT_EQ(q->Depth(), 0u);
  EXPECT_EQ(q->next_seq(), 8u);  // the counter survives an empty compacted log
  EXPECT_FALSE(fs::exists(path_ + ".tmp"));
}

}  // namespace
}  // namespace listbench
