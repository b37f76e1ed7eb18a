// KeyVault: the keys that open personal data (GDPR erasure by crypto-shredding; see
// sealer.h), one RocksDB database in <data-dir>/keys, beside the projections and never
// in the log.
//
// Contract:
// - A data subject ("employee:e314", "caller:<hex>", "message:<id>") of a tenant has at
//   most one current key (32 random bytes, with a 16-hex-digit id). CurrentKey makes it
//   on first use; the caller must see it durable (Durable, SyncKeys: one sync for many
//   new keys) before a record sealed with it reaches the log, so that the key survives
//   any crash the record survives.
// - Erase deletes every key the subject ever had, durably, then flushes and compacts
//   the vault so the key bytes are gone from its files (and its write-ahead log) when
//   it returns. A subject met again after an erasure gets a new key with a new id;
//   records sealed with the old one stay unreadable.
// - Each erasure is also remembered as "pending" until the projections have been
//   rebuilt without the key (ClearPending): plaintext read before the erasure may still
//   be in the projection store until then, also across a crash.
// - The tenant's pseudonym secret (for callers' numbers, sealer.h) is made once and
//   kept.
// - With a KeyExchange (replicas of a Kafka log; key_exchange.h) the vault is also a copy
//   of what every replica published: SyncKeys publishes the keys made here (a new key is
//   durable once published), the exchange hands everything published to Learn (keys
//   learned become the subject's current key when it has none), FindKey catches up with
//   the exchange before it calls a key unknown (it may have been published an instant
//   ago), Erase catches up, then publishes a tombstone for every key of the subject, and
//   the pseudonym secret is the candidate published first. A tombstone learned for a key
//   this vault held, which this vault did not erase, marks the subject pending and calls
//   the erased-elsewhere callback: the projections must be rebuilt without it.
// Thread-safe. Lookups of known keys are served from memory.
#ifndef CTI_SERVER_PRIVACY_KEY_VAULT_H_
#define CTI_SERVER_PRIVACY_KEY_VAULT_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/privacy/key_exchange.h"

namespace rocksdb {
class DB;
class Env;
class WriteBatch;
}  // namespace rocksdb

namespace cti::server::privacy {

inline constexpr size_t kKeyBytes = 32;

struct SubjectKey {
  std::string key_id;  // 16 lowercase hex digits
  std::string key;     // kKeyBytes raw bytes
  // The vault write that made it in this process (0: read from disk, durable). It is
  // durable once Durable(write) is true; see CurrentKey.
  uint64_t write = 0;
};

struct TenantSubject {
  std::string tenant;
  std::string subject;
  bool operator==(const TenantSubject&) const = default;
};

class KeyVault {
 public:
  struct Options {
    // The RocksDB environment (tests inject faults); nullptr: the default.
    rocksdb::Env* env = nullptr;
    // The replicas' shared keys; nullptr: this vault's keys are its own (one replica).
    // Must outlive the vault.
    KeyExchange* exchange = nullptr;
  };
  // Opens the vault at `dir`, creating it when missing.
  static absl::StatusOr<std::unique_ptr<KeyVault>> Open(const std::string& dir);
  static absl::StatusOr<std::unique_ptr<KeyVault>> Open(const std::string& dir, Options options);
  ~KeyVault();
  KeyVault(const KeyVault&) = delete;
  KeyVault& operator=(const KeyVault&) = delete;

  // The subject's current key; made when it has none. A new key is written but not yet
  // synced, so that many can share one sync: nothing sealed with it may reach the log
  // before Durable(key.write) (SyncKeys makes it so).
  absl::StatusOr<SubjectKey> CurrentKey(absl::string_view tenant, absl::string_view subject);

  // True once the vault write `write` (SubjectKey::write) is synced to disk.
  bool Durable(uint64_t write);
  // Syncs every key written so far (one fsync for all of them; none when all are).
  absl::Status SyncKeys();

  // The subject's key `key_id`; std::nullopt when erased or never made.
  absl::StatusOr<std::optional<std::string>> FindKey(absl::string_view tenant,
                                                     absl::string_view subject,
                                                     absl::string_view key_id);

  // Deletes every key of the subject (a no-op for one that has none) and marks the
  // erasure pending; see the contract above.
  absl::Status Erase(absl::string_view tenant, absl::string_view subject);

  // True while the subject has a key.
  absl::StatusOr<bool> HasKey(absl::string_view tenant, absl::string_view subject);

  // The tenant's 32-byte pseudonym secret; made (and synced) on first use.
  absl::StatusOr<std::string> PseudonymSecret(absl::string_view tenant);

  // Erasures whose projections have not been rebuilt since, in key order.
  absl::StatusOr<std::vector<TenantSubject>> Pending();
  // Forgets the pending marks of `done` (after a rebuild that began after them).
  absl::Status ClearPending(const std::vector<TenantSubject>& done);

  // With an exchange: what it hands on, in its order, and the exchange offset after
  // them; written with that offset in one batch (unsynced: after a crash the exchange
  // hands them again).
  absl::Status Learn(const std::vector<ExchangedKey>& records, uint64_t next_offset);
  // Where the exchange should resume handing records (0: from the start).
  absl::StatusOr<uint64_t> ExchangeOffset();
  // Called (on the exchange's thread, without the vault's lock) after a tombstone from
  // another replica deleted a key this vault held.
  void SetErasedElsewhere(std::function<void()> callback);

  // A copy of the vault as it is now in `dir`, which must not exist (a RocksDB
  // checkpoint: hard links on the same filesystem, copies otherwise). For backups.
  absl::Status Checkpoint(const std::string& dir);

  // How far the erasures of log partition `partition` have been carried out (0: none
  // yet), and recording that they have through `position`. An erasure record applied
  // above it may not have had its keys deleted yet (a crash in between).
  absl::StatusOr<uint64_t> ErasedThrough(int partition);
  absl::Status SetErasedThrough(int partition, uint64_t position);

 private:
  KeyVault(std::unique_ptr<rocksdb::DB> db, KeyExchange* exchange);
  // Lookups of the DB under mu_: the key's bytes, or std::nullopt when it has none.
  absl::StatusOr<std::optional<std::string>> ReadKey(const std::string& key_key)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The tenant's first secret candidate learned; empty when none.
  absl::StatusOr<std::string> FirstCandidate(absl::string_view tenant);
  // Writes the tenant's pseudonym secret (synced) and keeps it in memory.
  absl::Status KeepSecret(absl::string_view tenant, const std::string& secret)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Flush, then compaction of every file: deleted keys leave the files.
  absl::Status PurgeDeleted(absl::string_view what) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Every write: synced unless `sync` is false; after a failed one, DB::Resume first (a
  // full disk).
  absl::Status Write(rocksdb::WriteBatch* batch, absl::string_view what, bool sync = true)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::unique_ptr<rocksdb::DB> db_;
  KeyExchange* const exchange_;
  // One SyncKeys at a time (with an exchange, each publishes what the previous left).
  absl::Mutex sync_mu_;
  absl::Mutex mu_;
  // New keys not yet published, in the order they were made.
  std::vector<ExchangedKey> unpublished_ ABSL_GUARDED_BY(mu_);
  // Keys asked for and not found after catching up with the exchange: erased (a key id
  // is never made twice), so not asked of the exchange again.
  absl::flat_hash_set<std::string> confirmed_missing_ ABSL_GUARDED_BY(mu_);
  // Keys this vault's Erase is publishing tombstones for (not "erased elsewhere").
  absl::flat_hash_set<std::string> retracting_ ABSL_GUARDED_BY(mu_);
  std::function<void()> erased_elsewhere_ ABSL_GUARDED_BY(mu_);
  bool write_failed_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t written_ ABSL_GUARDED_BY(mu_) = 0;  // unsynced key writes made
  uint64_t synced_ ABSL_GUARDED_BY(mu_) = 0;   // of them, synced
  // (tenant prefix + subject + NUL + key_id) -> key, for keys read or made.
  absl::flat_hash_map<std::string, std::string> keys_ ABSL_GUARDED_BY(mu_);
  // (tenant prefix + subject) -> current key.
  absl::flat_hash_map<std::string, SubjectKey> current_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::string> secrets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cti::server::privacy

#endif  // CTI_SERVER_PRIVACY_KEY_VAULT_H_
