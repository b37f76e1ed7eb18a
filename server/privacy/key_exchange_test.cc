// Key vaults of several replicas sharing keys through a KeyExchange (key_exchange.h):
// an in-memory exchange with the contract's guarantees (one total order; CatchUp hands
// everything published before it), so that the vault's side is tested without Kafka
// (e2e_kafka_keys_test runs the same over the test broker).
#include "server/privacy/key_exchange.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/log/log_test_util.h"
#include "server/privacy/key_vault.h"

namespace cti::server::privacy {
namespace {

using cti::log::testing::AllFileBytes;
using cti::log::testing::ScopedTempDir;

// One topic; each member vault is handed what it has not yet seen on CatchUp (and on
// Deliver, as a consumer thread would).
class MemoryTopic {
 public:
  void Append(const std::vector<ExchangedKey>& records) {
    absl::MutexLock lock(&mu_);
    for (ExchangedKey record : records) {
      record.order = log_.size() + 1;
      log_.push_back(std::move(record));
    }
  }
  // Hands `vault` every record from `*next` on.
  absl::Status Deliver(KeyVault* vault, uint64_t* next) {
    std::vector<ExchangedKey> records;
    {
      absl::MutexLock lock(&mu_);
      for (uint64_t i = *next; i < log_.size(); ++i) records.push_back(log_[i]);
    }
    const uint64_t through = *next + records.size();
    if (absl::Status s = vault->Learn(records, through); !s.ok()) return s;
    *next = through;
    return absl::OkStatus();
  }
  bool down = false;

 private:
  absl::Mutex mu_;
  std::vector<ExchangedKey> log_ ABSL_GUARDED_BY(mu_);
};

class MemoryExchange final : public KeyExchange {
 public:
  explicit MemoryExchange(MemoryTopic* topic) : topic_(topic) {}
  void set_vault(KeyVault* vault) { vault_ = vault; }
  absl::Status Publish(const std::vector<ExchangedKey>& records) override {
    if (topic_->down) return absl::UnavailableError("exchange down");
    ++published_;
    topic_->Append(records);
    return absl::OkStatus();
  }
  absl::Status CatchUp() override {
    if (topic_->down) return absl::UnavailableError("exchange down");
    absl::MutexLock lock(&mu_);
    return topic_->Deliver(vault_, &next_);
  }
  int published() const { return published_; }

 private:
  MemoryTopic* const topic_;
  KeyVault* vault_ = nullptr;
  absl::Mutex mu_;
  uint64_t next_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<int> published_{0};
};

// A replica's vault on the shared topic.
struct Replica {
  Replica(MemoryTopic* topic, const std::string& dir) : exchange(topic) {
    auto opened = KeyVault::Open(dir, KeyVault::Options{.exchange = &exchange});
    EXPECT_TRUE(opened.ok()) << opened.status();
    vault = *std::move(opened);
    exchange.set_vault(vault.get());
    vault->SetErasedElsewhere([this] { ++erased_elsewhere; });
  }
  MemoryExchange exchange;
  std::unique_ptr<KeyVault> vault;
  std::atomic<int> erased_elsewhere{0};
};

TEST(KeyExchangeRecordTest, KeysAndCandidatesRoundTripAndForeignBytesAreRefused) {
  const ExchangedKey key{.kind = ExchangedKey::Kind::kKey,
                         .tenant = "aabenraa",
                         .subject = "employee:e1",
                         .id = "0123456789abcdef",
                         .value = std::string(kKeyBytes, 'k'),
                         .order = 0};
  absl::StatusOr<ExchangedKey> parsed = ParseExchanged(ExchangeKeyOf(key), key.value);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, key);
  ExchangedKey tombstone = key;
  tombstone.value.clear();
  parsed = ParseExchanged(ExchangeKeyOf(tombstone), "");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, tombstone);
  const ExchangedKey candidate{.kind = ExchangedKey::Kind::kSecretCandidate,
                               .tenant = "aabenraa",
                               .subject = "",
                               .id = "c1",
                               .value = std::string(kKeyBytes, 's'),
                               .order = 0};
  parsed = ParseExchanged(ExchangeKeyOf(candidate), candidate.value);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, candidate);
  EXPECT_FALSE(ParseExchanged("x", "").ok());
  EXPECT_FALSE(ParseExchanged(ExchangeKeyOf(key), "short").ok());
  EXPECT_FALSE(ParseExchanged(ExchangeKeyOf(candidate), "").ok());
  EXPECT_FALSE(ParseExchanged(std::string("k\x08"
                                          "aabenraa"
                                          "no-nul",
                                          16),
                              "")
                   .ok());
}

TEST(KeyExchangeTest, AKeyMadeByOneReplicaOpensOnAnotherOnceSynced) {
  ScopedTempDir a_dir;
  ScopedTempDir b_dir;
  MemoryTopic topic;
  Replica a(&topic, a_dir.path());
  Replica b(&topic, b_dir.path());
  absl::StatusOr<SubjectKey> made = a.vault->CurrentKey("aabenraa", "employee:e1");
  ASSERT_TRUE(made.ok());
  EXPECT_FALSE(a.vault->Durable(made->write)) << "durable only once published";
  ASSERT_TRUE(a.vault->SyncKeys().ok());
  EXPECT_TRUE(a.vault->Durable(made->write));
  EXPECT_EQ(a.exchange.published(), 1);
  ASSERT_TRUE(a.vault->SyncKeys().ok());
  EXPECT_EQ(a.exchange.published(), 1) << "nothing new: nothing published";
  // B has never heard of it: it catches up before calling it unknown.
  absl::StatusOr<std::optional<std::string>> found =
      b.vault->FindKey("aabenraa", "employee:e1", made->key_id);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, made->key);
  // And seals with it from then on, rather than making a key of its own.
  absl::StatusOr<SubjectKey> current = b.vault->CurrentKey("aabenraa", "employee:e1");
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->key_id, made->key_id);
  EXPECT_TRUE(b.vault->Durable(current->write));
}

TEST(KeyExchangeTest, AnUnreachableExchangeIsUnavailableNeverErased) {
  ScopedTempDir a_dir;
  ScopedTempDir b_dir;
  MemoryTopic topic;
  Replica a(&topic, a_dir.path());
  Replica b(&topic, b_dir.path());
  absl::StatusOr<SubjectKey> made = a.vault->CurrentKey("aabenraa", "caller:ab");
  ASSERT_TRUE(made.ok());
  topic.down = true;
  EXPECT_EQ(a.vault->SyncKeys().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(a.vault->Durable(made->write)) << "not published: records wait";
  EXPECT_EQ(b.vault->FindKey("aabenraa", "caller:ab", made->key_id).status().code(),
            absl::StatusCode::kUnavailable);
  topic.down = false;
  ASSERT_TRUE(a.vault->SyncKeys().ok()) << "published on the next sync";
  absl::StatusOr<std::optional<std::string>> found =
      b.vault->FindKey("aabenraa", "caller:ab", made->key_id);
  ASSERT_TRUE(found.ok() && found->has_value());
}

TEST(KeyExchangeTest, AnErasureOnOneReplicaRemovesTheKeyEverywhere) {
  ScopedTempDir a_dir;
  ScopedTempDir b_dir;
  MemoryTopic topic;
  Replica a(&topic, a_dir.path());
  Replica b(&topic, b_dir.path());
  absl::StatusOr<SubjectKey> made = a.vault->CurrentKey("aabenraa", "employee:e1");
  ASSERT_TRUE(made.ok());
  ASSERT_TRUE(a.vault->SyncKeys().ok());
  // B made a key of its own for the same person before it heard of A's.
  absl::StatusOr<SubjectKey> own = b.vault->CurrentKey("aabenraa", "employee:e1");
  ASSERT_TRUE(own.ok());
  ASSERT_NE(own->key_id, made->key_id);
  ASSERT_TRUE(b.vault->SyncKeys().ok());
  ASSERT_TRUE(b.exchange.CatchUp().ok());
  ASSERT_TRUE(*b.vault->HasKey("aabenraa", "employee:e1"));

  // A erases: both keys, its own and B's, get tombstones.
  ASSERT_TRUE(a.vault->Erase("aabenraa", "employee:e1").ok());
  EXPECT_FALSE(*a.vault->HasKey("aabenraa", "employee:e1"));
  ASSERT_TRUE(a.exchange.CatchUp().ok());
  EXPECT_EQ(a.erased_elsewhere, 0) << "its own tombstones are not news";
  ASSERT_TRUE(b.exchange.CatchUp().ok());
  EXPECT_FALSE(*b.vault->HasKey("aabenraa", "employee:e1"));
  EXPECT_EQ(b.erased_elsewhere, 1);
  absl::StatusOr<std::vector<TenantSubject>> pending = b.vault->Pending();
  ASSERT_TRUE(pending.ok());
  EXPECT_THAT(*pending, ::testing::ElementsAre(TenantSubject{"aabenraa", "employee:e1"}))
      << "B must rebuild without the key";
  for (const std::string& key_id : {made->key_id, own->key_id}) {
    absl::StatusOr<std::optional<std::string>> found =
        b.vault->FindKey("aabenraa", "employee:e1", key_id);
    ASSERT_TRUE(found.ok());
    EXPECT_FALSE(found->has_value());
  }
  // Out of B's files as well.
  EXPECT_EQ(AllFileBytes(b_dir.path()).find(made->key), std::string::npos);
  EXPECT_EQ(AllFileBytes(b_dir.path()).find(own->key), std::string::npos);
  // Met again: a new key.
  absl::StatusOr<SubjectKey> again = b.vault->CurrentKey("aabenraa", "employee:e1");
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again->key_id, own->key_id);
  EXPECT_NE(again->key_id, made->key_id);
}

TEST(KeyExchangeTest, ReplicasAgreeOnOnePseudonymSecret) {
  ScopedTempDir a_dir;
  ScopedTempDir b_dir;
  ScopedTempDir c_dir;
  MemoryTopic topic;
  Replica a(&topic, a_dir.path());
  Replica b(&topic, b_dir.path());
  absl::StatusOr<std::string> first_a;
  absl::StatusOr<std::string> first_b;
  std::thread ta([&] { first_a = a.vault->PseudonymSecret("aabenraa"); });
  std::thread tb([&] { first_b = b.vault->PseudonymSecret("aabenraa"); });
  ta.join();
  tb.join();
  ASSERT_TRUE(first_a.ok()) << first_a.status();
  ASSERT_TRUE(first_b.ok()) << first_b.status();
  EXPECT_EQ(*first_a, *first_b);
  // A replica that comes later takes the same; another tenant has another.
  Replica c(&topic, c_dir.path());
  absl::StatusOr<std::string> later = c.vault->PseudonymSecret("aabenraa");
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(*later, *first_a);
  absl::StatusOr<std::string> other = c.vault->PseudonymSecret("herning");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(*other, *first_a);
}

TEST(KeyExchangeTest, ALearnedOffsetSurvivesReopening) {
  ScopedTempDir a_dir;
  ScopedTempDir b_dir;
  MemoryTopic topic;
  Replica a(&topic, a_dir.path());
  ASSERT_TRUE(a.vault->CurrentKey("aabenraa", "employee:e1").ok());
  ASSERT_TRUE(a.vault->CurrentKey("aabenraa", "employee:e2").ok());
  ASSERT_TRUE(a.vault->SyncKeys().ok());
  {
    Replica b(&topic, b_dir.path());
    ASSERT_TRUE(b.exchange.CatchUp().ok());
    EXPECT_EQ(*b.vault->ExchangeOffset(), 2u);
  }
  Replica b(&topic, b_dir.path());
  EXPECT_EQ(*b.vault->ExchangeOffset(), 2u);
  EXPECT_TRUE(*b.vault->HasKey("aabenraa", "employee:e2"));
}

}  // namespace
}  // namespace cti::server::privacy
