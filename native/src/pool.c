/*
 * A persistent worker pool for the element-wise and row kernels (OpenBLAS keeps its own for
 * gemm). Starting and joining a thread per kernel call costs tens of microseconds, and a training
 * step makes thousands of calls. Workers spin briefly for the next job, then sleep on a condition
 * variable so they never compete with OpenBLAS's threads for long.
 *
 * parallel_for(n, min_chunk, fn, ctx) splits [0, n) into `parallel_parts(n, min_chunk)` parts of
 * ceil(n/parts) elements; the calling thread runs part 0. One caller at a time uses the pool (the
 * addon is called from the JS thread); a concurrent caller (worker_threads) runs its range inline.
 */
#include <pthread.h>
#include <stdatomic.h>
#include "common.h"

#define MAX_PARTS 64
#define SPINS 4000

static int g_threads = 2;
int pool_threads(void) { return g_threads; }
void set_pool_threads(int n) { g_threads = n < 1 ? 1 : (n > MAX_PARTS ? MAX_PARTS : n); }

size_t parallel_parts(size_t n, size_t min_chunk) {
  size_t parts = (size_t)g_threads;
  if (min_chunk < 1) min_chunk = 1;
  if (n / min_chunk < parts) parts = n / min_chunk;
  return parts < 1 ? 1 : parts;
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv_work = PTHREAD_COND_INITIALIZER;
static pthread_cond_t cv_done = PTHREAD_COND_INITIALIZER;
static atomic_ulong gen;      /* bumped once per job */
static atomic_int pending;    /* workers still running the current job */
static atomic_int sleepers;   /* workers blocked on cv_work */
static atomic_flag busy = ATOMIC_FLAG_INIT; /* a caller owns the pool */
static int started;           /* workers created so far (indices 1..started) */
static range_fn job_fn;
static void* job_ctx;
static size_t job_n, job_step, job_parts;

static inline void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

typedef struct {
  size_t index;
  unsigned long seen;
} worker_arg;
static worker_arg args[MAX_PARTS];

static void* worker_main(void* p) {
  worker_arg* a = (worker_arg*)p;
  unsigned long seen = a->seen;
  for (;;) {
    unsigned long g = atomic_load(&gen);
    for (int s = 0; g == seen && s < SPINS; s++) {
      relax();
      g = atomic_load(&gen);
    }
    if (g == seen) {
      pthread_mutex_lock(&mu);
      atomic_fetch_add(&sleepers, 1);
      while ((g = atomic_load(&gen)) == seen) pthread_cond_wait(&cv_work, &mu);
      atomic_fetch_sub(&sleepers, 1);
      pthread_mutex_unlock(&mu);
    }
    seen = g;
    if (a->index < job_parts) {
      size_t begin = a->index * job_step, end = begin + job_step;
      if (end > job_n) end = job_n;
      if (begin < end) job_fn(job_ctx, begin, end);
    }
    if (atomic_fetch_sub(&pending, 1) == 1) {
      pthread_mutex_lock(&mu);
      pthread_cond_signal(&cv_done);
      pthread_mutex_unlock(&mu);
    }
  }
  return NULL;
}

/* Make sure workers 1..want-1 exist; returns how many parts can run (fewer if threads fail). */
static size_t ensure_workers(size_t want) {
  while ((size_t)started + 1 < want) {
    int i = started + 1;
    args[i].index = (size_t)i;
    args[i].seen = atomic_load(&gen);
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int ok = pthread_create(&t, &attr, worker_main, &args[i]) == 0;
    pthread_attr_destroy(&attr);
    if (!ok) break;
    started = i;
  }
  return (size_t)started + 1 < want ? (size_t)started + 1 : want;
}

void parallel_for(size_t n, size_t min_chunk, range_fn fn, void* ctx) {
  size_t parts = parallel_parts(n, min_chunk);
  if (parts > 1 && atomic_flag_test_and_set(&busy)) parts = 1; /* another thread holds the pool */
  else if (parts > 1) {
    parts = ensure_workers(parts);
    if (parts <= 1) atomic_flag_clear(&busy);
  }
  if (parts <= 1) {
    if (n > 0) fn(ctx, 0, n);
    return;
  }
  size_t step = (n + parts - 1) / parts;
  job_fn = fn;
  job_ctx = ctx;
  job_n = n;
  job_step = step;
  job_parts = parts;
  /* Every started worker takes part in the handshake; those past `parts` do nothing. */
  atomic_store(&pending, started);
  atomic_fetch_add(&gen, 1);
  if (atomic_load(&sleepers) > 0) {
    pthread_mutex_lock(&mu);
    pthread_cond_broadcast(&cv_work);
    pthread_mutex_unlock(&mu);
  }
  fn(ctx, 0, step < n ? step : n);
  for (int s = 0; atomic_load(&pending) > 0 && s < SPINS; s++) relax();
  if (atomic_load(&pending) > 0) {
    pthread_mutex_lock(&mu);
    while (atomic_load(&pending) > 0) pthread_cond_wait(&cv_done, &mu);
    pthread_mutex_unlock(&mu);
  }
  atomic_flag_clear(&busy);
}
