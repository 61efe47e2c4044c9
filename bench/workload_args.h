/* The command line shared by the benchmark's training programs (nnlab and
 * FANN; bench/torch_workload.py reads the same options):
 *
 *   --inputs D --layers 64,64,1 --activation relu --output identity
 *   --loss mse|cross_entropy --optimizer sgd|adam --lr X --momentum X
 *   --batch B --samples N --epochs E --seconds S --threads T --seed S
 *
 * Each program trains on N random samples for one warm-up epoch and then
 * rounds of E timed epochs until S seconds have passed (one round if S is
 * 0), and prints one JSON line:
 *   {"samples_per_second": ..., "seconds": ..., "cpu_seconds": ...,
 *    "peak_rss_mib": ...} */
#ifndef NNLAB_BENCH_WORKLOAD_ARGS_H
#define NNLAB_BENCH_WORKLOAD_ARGS_H

#include <stddef.h>

#define WORKLOAD_MAX_LAYERS 8

typedef struct workload_args {
  size_t inputs;
  size_t units[WORKLOAD_MAX_LAYERS];
  size_t n_layers;
  const char *activation, *output, *loss, *optimizer;
  double lr, momentum;
  size_t batch, samples, epochs, threads;
  double seconds; /* keep training rounds of epochs until this long */
  unsigned long seed;
} workload_args;

/* Parses argv; prints a message and returns 0 on a bad command line. */
int workload_args_parse(workload_args *args, int argc, char **argv);

/* Seconds of a monotonic clock. */
double workload_now(void);
/* Peak resident set size of this process in MiB (getrusage). */
double workload_peak_rss_mib(void);
/* CPU time of this process (all threads), user and system, in seconds. */
double workload_cpu_seconds(void);
/* Prints the result line for a timed run of epochs epochs. */
void workload_report(const workload_args *args, size_t epochs, double seconds,
                     double cpu_seconds);

/* Deterministic test data: uniform in [0, 1) from a small generator. */
typedef struct workload_rng {
  unsigned long long state;
} workload_rng;
double workload_uniform(workload_rng *rng);
double workload_normal(workload_rng *rng);

#endif
