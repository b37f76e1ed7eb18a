#include "server/privacy/key_vault.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/io_status.h"
#include "server/log/fault_injection_fs.h"
#include "server/log/log_test_util.h"

namespace cti::server::privacy {
namespace {

using cti::log::testing::AllFileBytes;
using cti::log::testing::ScopedTempDir;

TEST(KeyVaultTest, KeysAreKeptAcrossReopeningAndFoundById) {
  ScopedTempDir dir;
  SubjectKey first;
  {
    auto vault = KeyVault::Open(dir.path());
    ASSERT_TRUE(vault.ok()) << vault.status();
    absl::StatusOr<SubjectKey> key = (*vault)->CurrentKey("aarhus", "employee:e1");
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(key->key.size(), kKeyBytes);
    EXPECT_EQ(key->key_id.size(), 16u);
    first = *key;
    absl::StatusOr<SubjectKey> again = (*vault)->CurrentKey("aarhus", "employee:e1");
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->key_id, first.key_id);
    absl::StatusOr<SubjectKey> other = (*vault)->CurrentKey("odense", "employee:e1");
    ASSERT_TRUE(other.ok());
    EXPECT_NE(other->key, first.key) << "each tenant's subjects have their own keys";
  }
  auto vault = KeyVault::Open(dir.path());
  ASSERT_TRUE(vault.ok()) << vault.status();
  absl::StatusOr<SubjectKey> reopened = (*vault)->CurrentKey("aarhus", "employee:e1");
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(reopened->key_id, first.key_id);
  EXPECT_EQ(reopened->key, first.key);
  absl::StatusOr<std::optional<std::string>> found =
      (*vault)->FindKey("aarhus", "employee:e1", first.key_id);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, first.key);
  absl::StatusOr<std::optional<std::string>> unknown =
      (*vault)->FindKey("aarhus", "employee:e1", "0000000000000000");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
}

TEST(KeyVaultTest, EraseDeletesEveryKeyFromTheFilesAndMarksItPending) {
  ScopedTempDir dir;
  auto vault = KeyVault::Open(dir.path());
  ASSERT_TRUE(vault.ok()) << vault.status();
  absl::StatusOr<SubjectKey> erased = (*vault)->CurrentKey("aarhus", "caller:0123");
  absl::StatusOr<SubjectKey> kept = (*vault)->CurrentKey("aarhus", "employee:e1");
  ASSERT_TRUE(erased.ok() && kept.ok());
  // Flushed to a table file, so the erasure has to rewrite files, not only the log.
  ASSERT_TRUE((*vault)->Checkpoint(dir.path() + "-copy").ok());
  std::filesystem::remove_all(dir.path() + "-copy");
  ASSERT_NE(AllFileBytes(dir.path()).find(erased->key), std::string::npos);

  ASSERT_TRUE((*vault)->Erase("aarhus", "caller:0123").ok());
  absl::StatusOr<std::optional<std::string>> gone =
      (*vault)->FindKey("aarhus", "caller:0123", erased->key_id);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  EXPECT_FALSE(*(*vault)->HasKey("aarhus", "caller:0123"));
  EXPECT_TRUE(*(*vault)->HasKey("aarhus", "employee:e1"));
  const std::string bytes = AllFileBytes(dir.path());
  EXPECT_EQ(bytes.find(erased->key), std::string::npos) << "the erased key is still on disk";

  absl::StatusOr<std::vector<TenantSubject>> pending = (*vault)->Pending();
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0], (TenantSubject{"aarhus", "caller:0123"}));

  // Met again: a new key, not the old one.
  absl::StatusOr<SubjectKey> renewed = (*vault)->CurrentKey("aarhus", "caller:0123");
  ASSERT_TRUE(renewed.ok());
  EXPECT_NE(renewed->key_id, erased->key_id);
  EXPECT_NE(renewed->key, erased->key);

  ASSERT_TRUE((*vault)->ClearPending(*pending).ok());
  EXPECT_TRUE((*vault)->Pending()->empty());
}

TEST(KeyVaultTest, ErasedThroughAndSecretsSurviveReopening) {
  ScopedTempDir dir;
  std::string secret;
  {
    auto vault = KeyVault::Open(dir.path());
    ASSERT_TRUE(vault.ok());
    EXPECT_EQ(*(*vault)->ErasedThrough(3), 0u);
    ASSERT_TRUE((*vault)->SetErasedThrough(3, 1234567).ok());
    secret = *(*vault)->PseudonymSecret("aarhus");
    EXPECT_EQ(secret.size(), kKeyBytes);
    EXPECT_NE(*(*vault)->PseudonymSecret("odense"), secret);
  }
  auto vault = KeyVault::Open(dir.path());
  ASSERT_TRUE(vault.ok());
  EXPECT_EQ(*(*vault)->ErasedThrough(3), 1234567u);
  EXPECT_EQ(*(*vault)->ErasedThrough(4), 0u);
  EXPECT_EQ(*(*vault)->PseudonymSecret("aarhus"), secret);
}

TEST(KeyVaultTest, ACheckpointHoldsTheKeys) {
  ScopedTempDir dir;
  SubjectKey key;
  {
    auto vault = KeyVault::Open(dir.path() + "/live");
    ASSERT_TRUE(vault.ok());
    key = *(*vault)->CurrentKey("aarhus", "employee:e1");
    ASSERT_TRUE((*vault)->Checkpoint(dir.path() + "/copy").ok());
    EXPECT_FALSE((*vault)->Checkpoint(dir.path() + "/copy").ok()) << "the copy exists already";
  }
  auto copy = KeyVault::Open(dir.path() + "/copy");
  ASSERT_TRUE(copy.ok());
  absl::StatusOr<std::optional<std::string>> found =
      (*copy)->FindKey("aarhus", "employee:e1", key.key_id);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ(**found, key.key);
}

TEST(KeyVaultTest, AFullDiskFailsTheSyncOfNewKeysSayingSoAndTheVaultResumesAfterwards) {
  ScopedTempDir dir;
  cti::log::testing::FaultInjectionEnv env;
  SubjectKey made;
  {
    auto vault = KeyVault::Open(dir.path(), {.env = env.env.get()});
    ASSERT_TRUE(vault.ok()) << vault.status();
    absl::StatusOr<SubjectKey> first = (*vault)->CurrentKey("aarhus", "employee:e1");
    ASSERT_TRUE(first.ok());
    EXPECT_FALSE((*vault)->Durable(first->write)) << "written, not yet synced";
    ASSERT_TRUE((*vault)->SyncKeys().ok());
    EXPECT_TRUE((*vault)->Durable(first->write));
    absl::StatusOr<SubjectKey> second = (*vault)->CurrentKey("aarhus", "caller:0001");
    ASSERT_TRUE(second.ok());
    made = *second;
    env.fs->FailWalSyncs(rocksdb::IOStatus::NoSpace("injected: no space left on device"), 1);
    absl::Status refused = (*vault)->SyncKeys();
    EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted) << refused;
    EXPECT_THAT(std::string(refused.message()),
                ::testing::HasSubstr("key vault: the disk is full"));
    EXPECT_FALSE((*vault)->Durable(made.write)) << "nothing sealed with it may be logged";
    // Space is back: the next sync resumes the database first.
    absl::Status synced = (*vault)->SyncKeys();
    ASSERT_TRUE(synced.ok()) << synced;
    EXPECT_TRUE((*vault)->Durable(made.write));
    EXPECT_TRUE((*vault)->CurrentKey("aarhus", "caller:0002").ok());
  }
  auto reopened = KeyVault::Open(dir.path());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  absl::StatusOr<SubjectKey> kept = (*reopened)->CurrentKey("aarhus", "caller:0001");
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->key_id, made.key_id) << "the key synced after the refusal is the one kept";
  EXPECT_EQ(kept->key, made.key);
}

}  // namespace
}  // namespace cti::server::privacy
