/* What the benchmark's training programs share (workload_args.h): the
 * command line, the clocks, the peak memory, the result line and a seeded
 * random generator. It trains nothing and uses neither nnlab nor FANN. */
#include "workload_args.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static int parse_size(const char *text, size_t *out) {
  char *end = NULL;
  unsigned long long value = strtoull(text, &end, 10);
  if (!end || end == text || (*end != '\0' && *end != ',')) return 0;
  *out = (size_t)value;
  return 1;
}

static int parse_layers(const char *text, workload_args *args) {
  args->n_layers = 0;
  while (*text) {
    if (args->n_layers == WORKLOAD_MAX_LAYERS ||
        !parse_size(text, &args->units[args->n_layers]))
      return 0;
    args->n_layers++;
    const char *comma = strchr(text, ',');
    if (!comma) break;
    text = comma + 1;
  }
  return args->n_layers > 0;
}

int workload_args_parse(workload_args *args, int argc, char **argv) {
  memset(args, 0, sizeof *args);
  args->activation = "relu";
  args->output = "identity";
  args->loss = "mse";
  args->optimizer = "sgd";
  args->lr = 0.01;
  args->batch = 32;
  args->samples = 1024;
  args->epochs = 1;
  args->threads = 1;
  args->seed = 1;
  for (int i = 1; i < argc; i += 2) {
    const char *key = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
    int ok = value != NULL;
    if (!ok) {
    } else if (strcmp(key, "--inputs") == 0) {
      ok = parse_size(value, &args->inputs);
    } else if (strcmp(key, "--layers") == 0) {
      ok = parse_layers(value, args);
    } else if (strcmp(key, "--activation") == 0) {
      args->activation = value;
    } else if (strcmp(key, "--output") == 0) {
      args->output = value;
    } else if (strcmp(key, "--loss") == 0) {
      args->loss = value;
    } else if (strcmp(key, "--optimizer") == 0) {
      args->optimizer = value;
    } else if (strcmp(key, "--lr") == 0) {
      args->lr = atof(value);
    } else if (strcmp(key, "--momentum") == 0) {
      args->momentum = atof(value);
    } else if (strcmp(key, "--batch") == 0) {
      ok = parse_size(value, &args->batch);
    } else if (strcmp(key, "--samples") == 0) {
      ok = parse_size(value, &args->samples);
    } else if (strcmp(key, "--epochs") == 0) {
      ok = parse_size(value, &args->epochs);
    } else if (strcmp(key, "--seconds") == 0) {
      args->seconds = atof(value);
    } else if (strcmp(key, "--threads") == 0) {
      ok = parse_size(value, &args->threads);
    } else if (strcmp(key, "--seed") == 0) {
      args->seed = strtoul(value, NULL, 10);
    } else {
      ok = 0;
    }
    if (!ok) {
      fprintf(stderr, "%s: bad option %s\n", argv[0], key);
      return 0;
    }
  }
  if (!args->inputs || !args->n_layers || !args->batch || !args->samples) {
    fprintf(stderr, "%s: --inputs, --layers, --batch and --samples needed\n",
            argv[0]);
    return 0;
  }
  return 1;
}

double workload_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

double workload_peak_rss_mib(void) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return (double)usage.ru_maxrss / 1024.0; /* ru_maxrss is in KiB */
}

double workload_cpu_seconds(void) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return (double)usage.ru_utime.tv_sec + (double)usage.ru_stime.tv_sec +
         1e-6 * (double)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

void workload_report(const workload_args *args, size_t epochs, double seconds,
                     double cpu_seconds) {
  printf(
      "{\"samples_per_second\": %.6g, \"seconds\": %.6g, "
      "\"cpu_seconds\": %.6g, \"peak_rss_mib\": %.1f}\n",
      seconds > 0 ? (double)args->samples * (double)epochs / seconds : 0.0,
      seconds, cpu_seconds, workload_peak_rss_mib());
}

double workload_uniform(workload_rng *rng) {
  /* splitmix64 */
  unsigned long long z = (rng->state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return (double)(z >> 11) * 0x1.0p-53;
}

double workload_normal(workload_rng *rng) {
  double u = workload_uniform(rng), v = workload_uniform(rng);
  return sqrt(-2.0 * log(1.0 - u)) * cos(6.283185307179586 * v);
}
