// A fixed pool of worker threads shared by the SST range store's writers, and the per-writer
// group that bounds how many of its tasks are in flight and collects their errors. Range files
// are finished, hashed and uploaded here while the writer goes on with the next range.
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "tarn/status.h"

namespace tarn::graveler::committed::sst {

class TaskPool {
 public:
  // REQUIRES: threads >= 1.
  explicit TaskPool(int threads);
  // Runs every queued task, then joins the threads.
  ~TaskPool();
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  void Submit(std::function<void()> task);

 private:
  void Run();
  std::mutex mu_;
  std::condition_variable work_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// Tasks of one writer. Thread safety: Submit and Wait from one thread (the writer's).
class TaskGroup {
 public:
  // REQUIRES: limit >= 1.
  TaskGroup(TaskPool& pool, int limit) : pool_(pool), limit_(limit) {}
  // Waits for the group's tasks.
  ~TaskGroup() { (void)Wait(); }
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;

  // Queues `task`, first waiting while `limit` tasks of the group are unfinished.
  void Submit(std::function<Status()> task);
  // Waits for every submitted task, and for what each task captured to be destroyed; returns
  // the first error any of them returned.
  Status Wait();
  // The first error so far (OK if none), without waiting.
  Status first_error();

 private:
  TaskPool& pool_;
  const int limit_;
  std::mutex mu_;
  std::condition_variable done_;
  int in_flight_ = 0;
  Status first_error_;
};

}  // namespace tarn::graveler::committed::sst
