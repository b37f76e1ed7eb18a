// ThreadPool: a fixed set of threads running posted tasks in FIFO order.
//
// The server's gRPC reactors never block; work that reads storage after a wait
// (answering a min_position query, a Subscribe catch-up step, a digest) or that blocks
// on the log (Append waits for a durable group commit) is posted to a pool instead.
//
// Concurrency: Post may be called from any thread, including pool threads.
// Shutdown: Stop() runs the tasks already queued, refuses new ones and joins the
// threads; the destructor calls Stop().
#ifndef CTI_SERVER_THREAD_POOL_H_
#define CTI_SERVER_THREAD_POOL_H_

#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace cti::server {

class ThreadPool {
 public:
  // Starts `threads` threads (at least 1). `name` is used in thread names.
  ThreadPool(int threads, std::string name);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Queues `task`. Returns false (and drops the task) once Stop() has begun.
  bool Post(std::function<void()> task);

  // Finishes the queued tasks, then joins the threads. Idempotent. Called by the
  // owner only, never from a pool thread.
  void Stop();

 private:
  void Run();
  bool ReadyToRun() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
  std::string name_;
};

}  // namespace cti::server

#endif  // CTI_SERVER_THREAD_POOL_H_
