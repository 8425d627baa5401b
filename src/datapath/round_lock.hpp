#pragma once
// Control calls and packet processing never overlap: a poll thread holds the round lock for
// one round (receive a burst from its ports, run the pipeline, send) and releases it between
// rounds; a control call takes it between rounds, and while one waits the poll thread steps
// aside instead of taking the lock again at once. So a configuration change waits at most
// one round, and no packet ever sees half of it.

#include <atomic>
#include <mutex>

namespace sy::datapath {

class RoundLock {
  public:
    // Held by a control call (RAII).
    class Control {
      public:
        explicit Control(const RoundLock& l) : l_(const_cast<RoundLock&>(l)) {
            l_.waiters_.fetch_add(1, std::memory_order_relaxed);
            l_.mu_.lock();
            l_.waiters_.fetch_sub(1, std::memory_order_relaxed);
        }
        ~Control() { l_.mu_.unlock(); }
        Control(const Control&) = delete;
        Control& operator=(const Control&) = delete;

      private:
        RoundLock& l_;
    };

    bool control_waiting() const { return waiters_.load(std::memory_order_relaxed) != 0; }
    std::mutex& round_mutex() { return mu_; }

  private:
    std::mutex mu_;
    std::atomic<int> waiters_{0};
};

}  // namespace sy::datapath
