#include "graveler/committed/sst_task_pool.h"

#include <utility>

namespace tarn::graveler::committed::sst {

TaskPool::TaskPool(int threads) {
  threads_.reserve(threads);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
}

TaskPool::~TaskPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void TaskPool::Submit(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(task));
  }
  work_.notify_one();
}

void TaskPool::Run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to run
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

void TaskGroup::Submit(std::function<Status()> task) {
  {
    std::unique_lock lock(mu_);
    done_.wait(lock, [&] { return in_flight_ < limit_; });
    ++in_flight_;
  }
  pool_.Submit([this, task = std::move(task)]() mutable {
    Status status = task();
    task = nullptr;  // what the task holds goes before the group counts it done
    std::lock_guard lock(mu_);
    if (!status.ok() && first_error_.ok()) first_error_ = std::move(status);
    --in_flight_;
    // Notify under the lock: the group may be destroyed as soon as Wait sees zero.
    done_.notify_all();
  });
}

Status TaskGroup::Wait() {
  std::unique_lock lock(mu_);
  done_.wait(lock, [&] { return in_flight_ == 0; });
  return first_error_;
}

Status TaskGroup::first_error() {
  std::lock_guard lock(mu_);
  return first_error_;
}

}  // namespace tarn::graveler::committed::sst
