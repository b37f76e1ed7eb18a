#include "server/privacy/key_vault.h"

#include <openssl/rand.h>

#include <algorithm>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "projections/internal/rocks_support.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/write_batch.h"

namespace cti::server::privacy {
namespace {

// Keys of the vault's one column family:
//   'k' T subject NUL key_id -> key      every key a subject has (until erased)
//   'c' T subject            -> key_id   the subject's current key
//   's' T                    -> secret   the tenant's pseudonym secret
//   'p' T subject            -> ""       an erasure not yet rebuilt
//   'e' u32 partition        -> u64      erasures carried out through this position
//   'o'                      -> u64      with an exchange: where it resumes
//   'S' T u64 order cand_id  -> secret   with an exchange: secret candidates learned
// T = one length byte, then the tenant (as in the projection store); u64 big-endian.
std::string Prefixed(char tag, absl::string_view tenant, absl::string_view subject = "") {
  std::string key(1, tag);
  key.push_back(static_cast<char>(std::min<size_t>(tenant.size(), 255)));
  key.append(tenant.data(), std::min<size_t>(tenant.size(), 255));
  key.append(subject.data(), subject.size());
  return key;
}

std::string KeyKey(absl::string_view tenant, absl::string_view subject, absl::string_view key_id) {
  return absl::StrCat(Prefixed('k', tenant, subject), absl::string_view("\0", 1), key_id);
}

std::string PartitionKey(int partition) {
  std::string key(1, 'e');
  const uint32_t p = static_cast<uint32_t>(partition);
  for (int shift = 24; shift >= 0; shift -= 8) key.push_back(static_cast<char>(p >> shift));
  return key;
}

rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

std::string BigEndian(uint64_t value) {
  std::string out;
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
  return out;
}

absl::StatusOr<uint64_t> FromBigEndian(absl::string_view bytes, absl::string_view what) {
  if (bytes.size() != 8)
    return absl::DataLossError(absl::StrCat("key vault: ", what, " is malformed"));
  uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<unsigned char>(c);
  return value;
}

constexpr char kExchangeOffsetKey[] = "o";

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  if (s.IsNoSpace()) {
    return absl::ResourceExhaustedError(
        absl::StrCat("key vault: the disk is full: appends that need a new key fail until space "
                     "is freed (",
                     what, ": ", s.ToString(), ")"));
  }
  const std::string message = absl::StrCat("key vault: ", what, ": ", s.ToString());
  if (s.IsIOError()) return absl::UnavailableError(message);
  return absl::InternalError(message);
}

absl::StatusOr<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return absl::InternalError("key vault: the random number generator failed");
  }
  return out;
}

rocksdb::WriteOptions Synced() {
  rocksdb::WriteOptions options;
  options.sync = true;
  return options;
}

}  // namespace

absl::StatusOr<std::unique_ptr<KeyVault>> KeyVault::Open(const std::string& dir) {
  return Open(dir, Options());
}

absl::StatusOr<std::unique_ptr<KeyVault>> KeyVault::Open(const std::string& dir,
                                                         Options vault_options) {
  rocksdb::Options options;
  if (vault_options.env != nullptr) options.env = vault_options.env;
  options.create_if_missing = true;
  // Erase relies on obsolete write-ahead logs being deleted at once, never archived.
  options.WAL_ttl_seconds = 0;
  options.WAL_size_limit_MB = 0;
  options.keep_log_file_num = 2;
  // A few bytes per person: a small memtable, so the write-ahead log RocksDB preallocates
  // (1.1 times the memtable) takes about a MiB of disk, not 70.
  options.write_buffer_size = 1 << 20;
  options.manifest_preallocation_size = 64 << 10;
  // Surviving a full disk in-process, as the projection store and the log do
  // (projections/internal/rocks_support.h): an info log that never ends the process,
  // and recovery by Write's own DB::Resume.
  options.info_log = cti::rocks::NewInfoLog(dir);
  options.listeners.push_back(cti::rocks::NewResumeByOwner());
  rocksdb::DB* db = nullptr;
  if (rocksdb::Status s = rocksdb::DB::Open(options, dir, &db); !s.ok()) {
    return FromRocks(s, absl::StrCat("opening ", dir));
  }
  return std::unique_ptr<KeyVault>(
      new KeyVault(std::unique_ptr<rocksdb::DB>(db), vault_options.exchange));
}

KeyVault::KeyVault(std::unique_ptr<rocksdb::DB> db, KeyExchange* exchange)
    : db_(std::move(db)), exchange_(exchange) {}

KeyVault::~KeyVault() {
  if (db_ == nullptr) return;
  absl::MutexLock lock(&mu_);
  if (write_failed_) {
    // After a failed write RocksDB 7.8 may hold a WAL writer that refuses every call, and
    // a close writes to it (projections/store.cc, AbandonDb): left open, as if the
    // process had crashed here. Every acknowledged write is in the WAL.
    db_->PauseBackgroundWork().PermitUncheckedError();
    [[maybe_unused]] rocksdb::DB* abandoned = db_.release();
    return;
  }
  db_->Close().PermitUncheckedError();
}

absl::Status KeyVault::Write(rocksdb::WriteBatch* batch, absl::string_view what, bool sync) {
  // A failed write stopped RocksDB's writes until DB::Resume (OK at once otherwise).
  if (write_failed_) {
    if (rocksdb::Status s = db_->Resume(); !s.ok()) {
      return FromRocks(s, absl::StrCat("resuming after a failed write, before ", what));
    }
  }
  // RocksDB 7.8 cannot recover from a WAL write that fails while the memtable is empty
  // (projections/store.cc, PrepareLoggedWrite): one entry goes into it first, without
  // the WAL, the deletion of a key never written.
  rocksdb::WriteOptions memtable_only;
  memtable_only.disableWAL = true;
  if (rocksdb::Status s = db_->Delete(memtable_only, "~never-written"); !s.ok()) {
    write_failed_ = true;
    return FromRocks(s, what);
  }
  write_failed_ = false;
  if (rocksdb::Status s = db_->Write(sync ? Synced() : rocksdb::WriteOptions(), batch); !s.ok()) {
    write_failed_ = true;
    return FromRocks(s, what);
  }
  return absl::OkStatus();
}

bool KeyVault::Durable(uint64_t write) {
  absl::MutexLock lock(&mu_);
  return write <= synced_;
}

absl::Status KeyVault::SyncKeys() {
  absl::MutexLock one_at_a_time(&sync_mu_);
  uint64_t target = 0;
  std::vector<ExchangedKey> publish;
  {
    absl::MutexLock lock(&mu_);
    target = written_;
    if (target <= synced_) return absl::OkStatus();
    if (write_failed_) {
      // After a failed sync (a full disk): DB::Resume flushes the memtable, which holds
      // every key written, to a table file.
      if (rocksdb::Status s = db_->Resume(); !s.ok()) {
        return FromRocks(s, "resuming after a failed write, before syncing new keys");
      }
      write_failed_ = false;
    }
    publish = unpublished_;
  }
  // Outside the lock: lookups go on during the fsync. Every write numbered up to
  // `target` is in the WAL already (numbered after it returned), and every key made by
  // them is in `publish`.
  rocksdb::Status s = db_->SyncWAL();
  if (!s.ok()) {
    absl::MutexLock lock(&mu_);
    write_failed_ = true;
    return FromRocks(s, "syncing new keys");
  }
  if (exchange_ != nullptr && !publish.empty()) {
    if (absl::Status published = exchange_->Publish(publish); !published.ok()) return published;
  }
  absl::MutexLock lock(&mu_);
  // Keys made meanwhile stay for the next sync (sync_mu_: nobody else took any).
  unpublished_.erase(unpublished_.begin(),
                     unpublished_.begin() + static_cast<ptrdiff_t>(publish.size()));
  synced_ = std::max(synced_, target);
  return absl::OkStatus();
}

absl::StatusOr<SubjectKey> KeyVault::CurrentKey(absl::string_view tenant,
                                                absl::string_view subject) {
  const std::string current_key = Prefixed('c', tenant, subject);
  absl::MutexLock lock(&mu_);
  if (auto it = current_.find(current_key); it != current_.end()) return it->second;
  std::string key_id;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), ToSlice(current_key), &key_id);
  if (s.ok()) {
    std::string key;
    s = db_->Get(rocksdb::ReadOptions(), ToSlice(KeyKey(tenant, subject, key_id)), &key);
    if (!s.ok() || key.size() != kKeyBytes) {
      return absl::DataLossError(absl::StrCat("key vault: the current key ", key_id, " of ",
                                              subject, " in tenant '", tenant,
                                              "' is missing or malformed"));
    }
    SubjectKey found{key_id, key};
    current_[current_key] = found;
    keys_[absl::StrCat(current_key.substr(1), absl::string_view("\0", 1), key_id)] = key;
    return found;
  }
  if (!s.IsNotFound()) return FromRocks(s, "reading a current key");
  absl::StatusOr<std::string> id_bytes = RandomBytes(8);
  if (!id_bytes.ok()) return id_bytes.status();
  absl::StatusOr<std::string> key = RandomBytes(kKeyBytes);
  if (!key.ok()) return key.status();
  SubjectKey made{absl::BytesToHexString(*id_bytes), *std::move(key)};
  rocksdb::WriteBatch batch;
  batch.Put(ToSlice(KeyKey(tenant, subject, made.key_id)), ToSlice(made.key));
  batch.Put(ToSlice(current_key), ToSlice(made.key_id));
  if (absl::Status w = Write(&batch, "writing a new key", /*sync=*/false); !w.ok()) return w;
  made.write = ++written_;
  if (exchange_ != nullptr) {
    unpublished_.push_back(ExchangedKey{.kind = ExchangedKey::Kind::kKey,
                                        .tenant = std::string(tenant),
                                        .subject = std::string(subject),
                                        .id = made.key_id,
                                        .value = made.key,
                                        .order = 0});
  }
  current_[current_key] = made;
  keys_[absl::StrCat(current_key.substr(1), absl::string_view("\0", 1), made.key_id)] = made.key;
  return made;
}

absl::StatusOr<std::optional<std::string>> KeyVault::ReadKey(const std::string& key_key) {
  if (auto it = keys_.find(absl::string_view(key_key).substr(1)); it != keys_.end()) {
    return it->second;
  }
  std::string key;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), ToSlice(key_key), &key);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "reading a key");
  if (key.size() != kKeyBytes) return absl::DataLossError("key vault: a key is malformed");
  keys_[key_key.substr(1)] = key;
  return key;
}

absl::StatusOr<std::optional<std::string>> KeyVault::FindKey(absl::string_view tenant,
                                                             absl::string_view subject,
                                                             absl::string_view key_id) {
  const std::string key_key = KeyKey(tenant, subject, key_id);
  {
    absl::MutexLock lock(&mu_);
    absl::StatusOr<std::optional<std::string>> found = ReadKey(key_key);
    if (!found.ok() || found->has_value() || exchange_ == nullptr ||
        confirmed_missing_.contains(key_key)) {
      return found;
    }
  }
  // Published by another replica an instant ago, or erased: the exchange says which.
  if (absl::Status caught_up = exchange_->CatchUp(); !caught_up.ok()) return caught_up;
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::optional<std::string>> found = ReadKey(key_key);
  if (found.ok() && !found->has_value()) confirmed_missing_.insert(key_key);
  return found;
}

absl::StatusOr<bool> KeyVault::HasKey(absl::string_view tenant, absl::string_view subject) {
  const std::string prefix =
      absl::StrCat(Prefixed('k', tenant, subject), absl::string_view("\0", 1));
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  it->Seek(ToSlice(prefix));
  if (!it->status().ok()) return FromRocks(it->status(), "reading keys");
  return it->Valid() && it->key().starts_with(ToSlice(prefix));
}

absl::Status KeyVault::Erase(absl::string_view tenant, absl::string_view subject) {
  const std::string prefix =
      absl::StrCat(Prefixed('k', tenant, subject), absl::string_view("\0", 1));
  // Every key published so far, from any replica, is erased with the subject.
  if (exchange_ != nullptr) {
    if (absl::Status caught_up = exchange_->CatchUp(); !caught_up.ok()) return caught_up;
  }
  std::vector<std::string> key_keys;
  std::vector<ExchangedKey> tombstones;
  {
    absl::MutexLock lock(&mu_);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    for (it->Seek(ToSlice(prefix)); it->Valid() && it->key().starts_with(ToSlice(prefix));
         it->Next()) {
      key_keys.push_back(it->key().ToString());
      tombstones.push_back(ExchangedKey{.kind = ExchangedKey::Kind::kKey,
                                        .tenant = std::string(tenant),
                                        .subject = std::string(subject),
                                        .id = key_keys.back().substr(prefix.size()),
                                        .value = "",
                                        .order = 0});
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading keys to erase");
    if (exchange_ != nullptr) retracting_.insert(key_keys.begin(), key_keys.end());
  }
  // Tombstones before the keys go here: a crash in between erases again (the keys are
  // still here to be named).
  if (exchange_ != nullptr && !tombstones.empty()) {
    if (absl::Status published = exchange_->Publish(tombstones); !published.ok()) {
      absl::MutexLock lock(&mu_);
      for (const std::string& key_key : key_keys) retracting_.erase(key_key);
      return published;
    }
  }
  absl::MutexLock lock(&mu_);
  rocksdb::WriteBatch batch;
  for (const std::string& key_key : key_keys) batch.Delete(ToSlice(key_key));
  batch.Delete(ToSlice(Prefixed('c', tenant, subject)));
  batch.Put(ToSlice(Prefixed('p', tenant, subject)), rocksdb::Slice());
  absl::Status written = Write(&batch, "erasing keys");
  for (const std::string& key_key : key_keys) retracting_.erase(key_key);
  if (!written.ok()) return written;
  current_.erase(Prefixed('c', tenant, subject));
  for (const std::string& key_key : key_keys) keys_.erase(absl::string_view(key_key).substr(1));
  return PurgeDeleted("an erasure");
}

absl::Status KeyVault::PurgeDeleted(absl::string_view what) {
  // Out of the files too: the memtable into a table file, then every table file
  // rewritten, which drops the deleted keys with their tombstones (no snapshot is ever
  // taken of the vault). The flush makes the write-ahead logs holding them obsolete;
  // they are deleted, not archived (Open).
  // A failure (a full disk) stops RocksDB's writes: the next Write resumes first, and
  // the caller erases again (deleting nothing more, compacting again).
  rocksdb::FlushOptions flush;
  flush.wait = true;
  if (rocksdb::Status f = db_->Flush(flush); !f.ok()) {
    write_failed_ = true;
    return FromRocks(f, absl::StrCat("flushing after ", what));
  }
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  if (rocksdb::Status c = db_->CompactRange(compact, nullptr, nullptr); !c.ok()) {
    write_failed_ = true;
    return FromRocks(c, absl::StrCat("compacting after ", what));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> KeyVault::PseudonymSecret(absl::string_view tenant) {
  const std::string key = Prefixed('s', tenant);
  {
    absl::MutexLock lock(&mu_);
    if (auto it = secrets_.find(key); it != secrets_.end()) return it->second;
    std::string secret;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), ToSlice(key), &secret);
    if (s.ok()) {
      if (secret.size() != kKeyBytes) {
        return absl::DataLossError(
            absl::StrCat("key vault: the pseudonym secret of tenant '", tenant, "' is malformed"));
      }
      secrets_[key] = secret;
      return secret;
    }
    if (!s.IsNotFound()) return FromRocks(s, "reading a pseudonym secret");
    if (exchange_ == nullptr) {
      absl::StatusOr<std::string> made = RandomBytes(kKeyBytes);
      if (!made.ok()) return made.status();
      if (absl::Status kept = KeepSecret(tenant, *made); !kept.ok()) return kept;
      return *made;
    }
  }
  // Replicas agree: the candidate published first wins, wherever it came from.
  if (absl::Status caught_up = exchange_->CatchUp(); !caught_up.ok()) return caught_up;
  absl::StatusOr<std::string> winner = FirstCandidate(tenant);
  if (!winner.ok()) return winner.status();
  if (winner->empty()) {
    absl::StatusOr<std::string> id = RandomBytes(8);
    if (!id.ok()) return id.status();
    absl::StatusOr<std::string> made = RandomBytes(kKeyBytes);
    if (!made.ok()) return made.status();
    if (absl::Status published =
            exchange_->Publish({ExchangedKey{.kind = ExchangedKey::Kind::kSecretCandidate,
                                             .tenant = std::string(tenant),
                                             .subject = "",
                                             .id = absl::BytesToHexString(*id),
                                             .value = *made,
                                             .order = 0}});
        !published.ok()) {
      return published;
    }
    if (absl::Status caught_up = exchange_->CatchUp(); !caught_up.ok()) return caught_up;
    winner = FirstCandidate(tenant);
    if (!winner.ok()) return winner.status();
    if (winner->empty()) {
      return absl::UnavailableError(absl::StrCat("key vault: the pseudonym secret of tenant '",
                                                 tenant, "' was published but not read back"));
    }
  }
  absl::MutexLock lock(&mu_);
  if (absl::Status kept = KeepSecret(tenant, *winner); !kept.ok()) return kept;
  return *winner;
}

absl::Status KeyVault::KeepSecret(absl::string_view tenant, const std::string& secret) {
  const std::string key = Prefixed('s', tenant);
  rocksdb::WriteBatch batch;
  batch.Put(ToSlice(key), ToSlice(secret));
  if (absl::Status w = Write(&batch, "writing a pseudonym secret"); !w.ok()) return w;
  secrets_[key] = secret;
  return absl::OkStatus();
}

absl::StatusOr<std::string> KeyVault::FirstCandidate(absl::string_view tenant) {
  const std::string prefix = Prefixed('S', tenant);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  it->Seek(ToSlice(prefix));
  if (!it->status().ok()) return FromRocks(it->status(), "reading secret candidates");
  if (!it->Valid() || !it->key().starts_with(ToSlice(prefix))) return std::string();
  if (it->value().size() != kKeyBytes) {
    return absl::DataLossError(absl::StrCat("key vault: a pseudonym secret candidate of tenant '",
                                            tenant, "' is malformed"));
  }
  return it->value().ToString();
}

absl::Status KeyVault::Learn(const std::vector<ExchangedKey>& records, uint64_t next_offset) {
  bool elsewhere = false;
  std::function<void()> callback;
  {
    absl::MutexLock lock(&mu_);
    rocksdb::WriteBatch batch;
    // What this batch does to keys and current keys, read before the DB.
    absl::flat_hash_map<std::string, bool> has_key;
    absl::flat_hash_map<std::string, std::string> current;  // "" : none
    auto held = [&](const std::string& key_key) -> absl::StatusOr<bool> {
      if (auto it = has_key.find(key_key); it != has_key.end()) return it->second;
      absl::StatusOr<std::optional<std::string>> found = ReadKey(key_key);
      if (!found.ok()) return found.status();
      return found->has_value();
    };
    auto current_of = [&](const std::string& current_key) -> absl::StatusOr<std::string> {
      if (auto it = current.find(current_key); it != current.end()) return it->second;
      std::string key_id;
      rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), ToSlice(current_key), &key_id);
      if (s.IsNotFound()) return std::string();
      if (!s.ok()) return FromRocks(s, "reading a current key");
      return key_id;
    };
    bool deleted = false;
    for (const ExchangedKey& record : records) {
      if (record.kind == ExchangedKey::Kind::kSecretCandidate) {
        batch.Put(
            ToSlice(absl::StrCat(Prefixed('S', record.tenant), BigEndian(record.order), record.id)),
            ToSlice(record.value));
        continue;
      }
      const std::string key_key = KeyKey(record.tenant, record.subject, record.id);
      const std::string current_key = Prefixed('c', record.tenant, record.subject);
      absl::StatusOr<bool> had = held(key_key);
      if (!had.ok()) return had.status();
      absl::StatusOr<std::string> current_id = current_of(current_key);
      if (!current_id.ok()) return current_id.status();
      if (!record.value.empty()) {
        if (*had || confirmed_missing_.contains(key_key)) continue;  // known, or erased since
        batch.Put(ToSlice(key_key), ToSlice(record.value));
        has_key[key_key] = true;
        if (current_id->empty()) {  // the subject's key here from now on
          batch.Put(ToSlice(current_key), ToSlice(record.id));
          current[current_key] = record.id;
        }
        continue;
      }
      if (!*had) continue;  // never held, or erased here already
      batch.Delete(ToSlice(key_key));
      has_key[key_key] = false;
      keys_.erase(absl::string_view(key_key).substr(1));
      confirmed_missing_.insert(key_key);
      if (*current_id == record.id) {
        batch.Delete(ToSlice(current_key));
        current[current_key] = "";
      }
      current_.erase(current_key);
      deleted = true;
      if (!retracting_.contains(key_key)) {
        // Another replica erased the subject: its data must leave this replica's
        // projections too.
        batch.Put(ToSlice(Prefixed('p', record.tenant, record.subject)), rocksdb::Slice());
        elsewhere = true;
      }
    }
    batch.Put(kExchangeOffsetKey, ToSlice(BigEndian(next_offset)));
    if (absl::Status w = Write(&batch, "learning keys", /*sync=*/false); !w.ok()) return w;
    // Keys learned may have become current: read again when asked.
    for (const auto& [current_key, key_id] : current) current_.erase(current_key);
    if (deleted) {
      if (absl::Status purged = PurgeDeleted("a tombstone"); !purged.ok()) return purged;
    }
    if (elsewhere) callback = erased_elsewhere_;
  }
  if (callback) callback();
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> KeyVault::ExchangeOffset() {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), kExchangeOffsetKey, &value);
  if (s.IsNotFound()) return 0;
  if (!s.ok()) return FromRocks(s, "reading the key exchange's offset");
  return FromBigEndian(value, "the key exchange's offset");
}

void KeyVault::SetErasedElsewhere(std::function<void()> callback) {
  absl::MutexLock lock(&mu_);
  erased_elsewhere_ = std::move(callback);
}

absl::StatusOr<std::vector<TenantSubject>> KeyVault::Pending() {
  std::vector<TenantSubject> pending;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek("p"); it->Valid() && it->key().starts_with("p"); it->Next()) {
    absl::string_view key(it->key().data() + 1, it->key().size() - 1);
    if (key.empty()) continue;
    const size_t tenant_size = static_cast<unsigned char>(key[0]);
    if (key.size() <= 1 + tenant_size) continue;
    pending.push_back(TenantSubject{std::string(key.substr(1, tenant_size)),
                                    std::string(key.substr(1 + tenant_size))});
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading pending erasures");
  return pending;
}

absl::Status KeyVault::ClearPending(const std::vector<TenantSubject>& done) {
  rocksdb::WriteBatch batch;
  for (const TenantSubject& erased : done) {
    batch.Delete(ToSlice(Prefixed('p', erased.tenant, erased.subject)));
  }
  absl::MutexLock lock(&mu_);
  return Write(&batch, "clearing pending erasures");
}

absl::Status KeyVault::Checkpoint(const std::string& dir) {
  // Not during an erasure: a copy must not keep a key the erasure is deleting.
  absl::MutexLock lock(&mu_);
  rocksdb::Checkpoint* raw = nullptr;
  if (rocksdb::Status s = rocksdb::Checkpoint::Create(db_.get(), &raw); !s.ok()) {
    return FromRocks(s, "preparing a copy");
  }
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  return FromRocks(checkpoint->CreateCheckpoint(dir), absl::StrCat("copying to ", dir));
}

absl::StatusOr<uint64_t> KeyVault::ErasedThrough(int partition) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), ToSlice(PartitionKey(partition)), &value);
  if (s.IsNotFound()) return 0;
  if (!s.ok()) return FromRocks(s, "reading how far erasures were carried out");
  if (value.size() != 8) return absl::DataLossError("key vault: a partition mark is malformed");
  uint64_t position = 0;
  for (char c : value) position = (position << 8) | static_cast<unsigned char>(c);
  return position;
}

absl::Status KeyVault::SetErasedThrough(int partition, uint64_t position) {
  std::string value;
  for (int shift = 56; shift >= 0; shift -= 8)
    value.push_back(static_cast<char>(position >> shift));
  rocksdb::WriteBatch batch;
  batch.Put(ToSlice(PartitionKey(partition)), ToSlice(value));
  absl::MutexLock lock(&mu_);
  return Write(&batch, "recording how far erasures were carried out");
}

}  // namespace cti::server::privacy
