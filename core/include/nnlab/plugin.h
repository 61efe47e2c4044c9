/* nnlab plugin ABI: the one header a plugin author needs.
 *
 * A plugin is a shared object that defines exactly one activation, loss or
 * optimizer with the NNLAB_PLUGIN() macro:
 *
 *   #include <nnlab/plugin.h>
 *
 *   static nnlab_status square_forward(const float *x, float *y, size_t rows,
 *                                      size_t cols, const nnlab_value *hp) {
 *     for (size_t i = 0; i < rows * cols; i++) y[i] = x[i] * x[i];
 *     return NNLAB_STATUS_OK;
 *   }
 *   ...
 *   NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "square",
 *                .version = "1.0.0", .description = "x squared",
 *                .activation = {.forward = square_forward,
 *                               .backward = square_backward},
 *                .activation_properties = {
 *                    .output = NNLAB_OUTPUT_VALUES,
 *                    .failure = NNLAB_UNIT_FAILURE_NONE});
 *
 * Build it with
 *   cc -shared -fPIC $(pkg-config --cflags nnlab) square.c -o square.so
 * and copy it to ~/.local/share/nnlab/plugins/, or put its directory in
 * NNLAB_PLUGIN_PATH.
 *
 * The properties (see "Properties" below) say what the numbers mean; they
 * are optional, but a plugin that declares them is checked as the built-in
 * ones are.
 *
 * Rules: plugins return status codes; they never print, abort or exit, and
 * they keep no global mutable state (the host may call them from several
 * threads at once on disjoint data).
 */
#ifndef NNLAB_PLUGIN_H
#define NNLAB_PLUGIN_H

#include <math.h> /* INFINITY for unbounded hyperparameter ranges */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Same major and minor <= the host's is accepted. Bump the minor only for
 * fields appended to nnlab_plugin_info (the host reads them only from
 * plugins of that minor or later) or functions added to those the host
 * provides (a plugin calling one needs a host that has it); any change to
 * the embedded ops structs or the function signatures is a major change.
 * Minor 1 added the vector math (nnlab_vec_*); minor 2 the properties
 * (nnlab_activation_properties, nnlab_loss_properties). */
#define NNLAB_ABI_MAJOR 1
#define NNLAB_ABI_MINOR 2

#define NNLAB_PLUGIN_EXPORT __attribute__((visibility("default")))
/* Put before a plugin function whose loops should be vectorized for AVX2
 * as well as for the baseline x86-64: the compiler builds both and the
 * loader picks the one for the CPU. AVX2 without FMA rounds every +, *, /
 * and sqrt as the baseline does, so both give the same bits. Loops over
 * sqrtf vectorize only with -fno-math-errno. -DNNLAB_VECTORIZE= builds
 * the baseline alone. */
#ifndef NNLAB_VECTORIZE
#if defined(__x86_64__) && defined(__ELF__) && defined(__GLIBC__) && \
    (defined(__clang__) ? __clang_major__ >= 14 : __GNUC__ >= 6)
#define NNLAB_VECTORIZE __attribute__((target_clones("avx2", "default")))
#else
#define NNLAB_VECTORIZE
#endif
#endif

/* Functions libnnlab provides to plugins. */
#define NNLAB_HOST_EXPORT __attribute__((visibility("default")))

typedef enum nnlab_status {
  NNLAB_STATUS_OK = 0,
  NNLAB_STATUS_INVALID_ARGUMENT = 1, /* bad shape, class index out of range */
  NNLAB_STATUS_UNSUPPORTED = 2,      /* e.g. a target kind the loss lacks */
  NNLAB_STATUS_NUMERIC = 3,          /* a result would not be finite */
  NNLAB_STATUS_NO_MEMORY = 4,
} nnlab_status;

typedef enum nnlab_plugin_kind {
  NNLAB_KIND_ACTIVATION = 1,
  NNLAB_KIND_LOSS = 2,
  NNLAB_KIND_OPTIMIZER = 3,
} nnlab_plugin_kind;

/* Read by the host before any other plugin code runs. The layout of this
 * struct never changes. */
typedef struct nnlab_abi_info {
  uint32_t abi_major;
  uint32_t abi_minor;
  uint32_t sizeof_float;
  uint32_t sizeof_size_t;
  uint32_t sizeof_pointer;
} nnlab_abi_info;

/* ---- Hyperparameters ---------------------------------------------------- */

typedef enum nnlab_hparam_type {
  NNLAB_HPARAM_FLOAT = 1,  /* value.f */
  NNLAB_HPARAM_INT = 2,    /* value.i */
  NNLAB_HPARAM_BOOL = 3,   /* value.b */
  NNLAB_HPARAM_PAIR = 4,   /* value.pair[0..1], e.g. Adam's betas */
  NNLAB_HPARAM_CHOICE = 5, /* value.i indexes the '|'-separated choices */
} nnlab_hparam_type;

/* Bounds are inclusive unless flagged exclusive. */
enum {
  NNLAB_HPARAM_MIN_EXCLUSIVE = 1u << 0,
  NNLAB_HPARAM_MAX_EXCLUSIVE = 1u << 1,
};

typedef struct nnlab_hparam {
  const char *name; /* lower-case identifier, unique within the plugin */
  nnlab_hparam_type type;
  double default_value[2]; /* [1] is used by PAIR only */
  double min, max;         /* applies to each element of a PAIR */
  uint32_t flags;          /* NNLAB_HPARAM_*_EXCLUSIVE */
  const char *choices;     /* CHOICE only: "none|tanh" */
  const char *help;        /* one line */
} nnlab_hparam;

/* Resolved values, passed to the plugin in the order of its table (hp is
 * NULL for a plugin without hyperparameters). */
typedef union nnlab_value {
  double f;
  int64_t i;
  bool b;
  double pair[2];
} nnlab_value;

#define NNLAB_HPARAM_FLOAT_DEF(name_, def, lo, hi, flags_, help_)             \
  {                                                                           \
    .name = (name_), .type = NNLAB_HPARAM_FLOAT, .default_value = {(def), 0}, \
    .min = (lo), .max = (hi), .flags = (flags_), .help = (help_)              \
  }
#define NNLAB_HPARAM_INT_DEF(name_, def, lo, hi, help_)                     \
  {                                                                         \
    .name = (name_), .type = NNLAB_HPARAM_INT, .default_value = {(def), 0}, \
    .min = (lo), .max = (hi), .help = (help_)                               \
  }
#define NNLAB_HPARAM_BOOL_DEF(name_, def, help_)                             \
  {                                                                          \
    .name = (name_), .type = NNLAB_HPARAM_BOOL, .default_value = {(def), 0}, \
    .min = 0, .max = 1, .help = (help_)                                      \
  }
#define NNLAB_HPARAM_PAIR_DEF(name_, def0, def1, lo, hi, flags_, help_) \
  {                                                                     \
    .name = (name_), .type = NNLAB_HPARAM_PAIR,                         \
    .default_value = {(def0), (def1)}, .min = (lo), .max = (hi),        \
    .flags = (flags_), .help = (help_)                                  \
  }
#define NNLAB_HPARAM_CHOICE_DEF(name_, def_index, choices_, help_) \
  {                                                                \
    .name = (name_), .type = NNLAB_HPARAM_CHOICE,                  \
    .default_value = {(def_index), 0}, .min = 0, .max = 0,         \
    .choices = (choices_), .help = (help_)                         \
  }

/* ---- Activations ---------------------------------------------------------
 * x, y, dy and dx are row-major rows x cols arrays (a batch of rows).
 * forward:  y = f(x)
 * backward: dx = J(x)^T dy, the vector-Jacobian product. Both x and the
 *           forward output y are given, so a plugin uses whichever is cheaper.
 *           dx is written, not accumulated.
 * Elementwise activations may treat the arrays as rows * cols scalars;
 * row-wise ones (softmax) set NNLAB_ACTIVATION_ROWWISE. */
enum {
  NNLAB_ACTIVATION_ROWWISE = 1u << 0,
  /* y may alias x in forward, and dx may alias dy in backward. The host
   * uses in-place forward only for inference, since backward needs x. */
  NNLAB_ACTIVATION_INPLACE_SAFE = 1u << 1,
};

typedef nnlab_status (*nnlab_activation_forward_fn)(const float *x, float *y,
                                                    size_t rows, size_t cols,
                                                    const nnlab_value *hp);
typedef nnlab_status (*nnlab_activation_backward_fn)(const float *x,
                                                     const float *y,
                                                     const float *dy, float *dx,
                                                     size_t rows, size_t cols,
                                                     const nnlab_value *hp);

typedef struct nnlab_activation_ops {
  uint32_t flags;
  nnlab_activation_forward_fn forward;
  nnlab_activation_backward_fn backward;
} nnlab_activation_ops;

/* ---- Losses ----------------------------------------------------------------
 * pred is rows x cols (the network output for a batch). Targets are either
 * float values (rows x cols) or class indices (rows, each in [0, cols) or
 * {0, 1} for a single-output binary loss).
 * Reduction is the mean, as torch's reduction='mean' defines it:
 *   elementwise losses (mse, mae, huber, bce): mean over all rows * cols;
 *   per-row losses (cross_entropy, nll): mean over rows.
 * The function stores the loss in *loss and, when dpred is not NULL, the
 * gradient of that mean with respect to pred. When both target arrays are
 * given, float values win. NNLAB_STATUS_NUMERIC (non-finite input or
 * result) is treated by the host as divergence; outputs are undefined when
 * the status is not OK. */
enum {
  NNLAB_LOSS_FLOAT_TARGETS = 1u << 0,
  NNLAB_LOSS_CLASS_TARGETS = 1u << 1,
};

typedef struct nnlab_targets {
  const float *values;    /* rows x cols, or NULL */
  const int32_t *classes; /* rows, or NULL */
} nnlab_targets;

typedef nnlab_status (*nnlab_loss_fn)(const float *pred,
                                      const nnlab_targets *targets, size_t rows,
                                      size_t cols, const nnlab_value *hp,
                                      double *loss, float *dpred);

typedef struct nnlab_loss_ops {
  uint32_t targets; /* NNLAB_LOSS_*_TARGETS it accepts */
  nnlab_loss_fn compute;
} nnlab_loss_ops;

/* ---- Optimizers ------------------------------------------------------------
 * One update over a flat vector of n parameters, in place. The host owns the
 * state: one float array of n elements per named slot, zero before the first
 * step, passed in the order of slot_names. step is 1 on the first update.
 * An optimizer must declare a FLOAT hyperparameter named "lr"; learning-rate
 * schedules write into it before each step. The host may split a vector into
 * chunks and call step on each, so updates must be elementwise. */
#define NNLAB_MAX_SLOTS 8

typedef nnlab_status (*nnlab_optimizer_step_fn)(float *params,
                                                const float *grads,
                                                float *const *slots, size_t n,
                                                uint64_t step,
                                                const nnlab_value *hp);

typedef struct nnlab_optimizer_ops {
  const char *slot_names[NNLAB_MAX_SLOTS]; /* NULL-terminated if fewer */
  nnlab_optimizer_step_fn step;
} nnlab_optimizer_ops;

/* ---- Vector math -----------------------------------------------------------
 * Fast elementwise functions over float arrays, provided by the host: a
 * plugin calls them without linking anything, the nnlab process that loads
 * it resolves them. Each sets y[i] = f(x[i]) for i < n; y may
 * be x. They run 8 floats at a time with AVX2 and FMA when the CPU has
 * them, else in portable C (NNLAB_SIMD=scalar forces it), and are safe to
 * call from several threads at once.
 *
 * Special inputs give libm's results: NaN gives NaN, exp(-1000) = 0,
 * exp(1000) = inf, log(0) = -inf, log(-1) = NaN, tanh(+-20) = +-1,
 * sigmoid(-1000) = 0, sigmoid(1000) = 1, softplus(1000) = 1000,
 * erf(+-inf) = +-1, and -0 stays -0 where libm keeps it; denormal inputs
 * and results are handled, not flushed to zero.
 *
 * Error bound against the exact result, in units in the last place (ulp)
 * of the float result, for every input (tests/test_vecmath.c checks it
 * against libm in double over dense and random sweeps and the extremes;
 * docs/vecmath.md has the measured maxima). A correctly rounded result is
 * within 0.5.
 *   function  AVX2  portable      function  AVX2  portable
 *   exp       1     1             sigmoid   1     1
 *   expm1     1.5   1.5           softplus  1.5   1.5
 *   log       1     1             erf       1     1
 *   log1p     1     1             erfc      3     3
 *   tanh      1     1.5
 */
/* e^x */
NNLAB_HOST_EXPORT void nnlab_vec_exp(const float *x, float *y, size_t n);
/* e^x - 1, accurate near 0 */
NNLAB_HOST_EXPORT void nnlab_vec_expm1(const float *x, float *y, size_t n);
/* natural logarithm */
NNLAB_HOST_EXPORT void nnlab_vec_log(const float *x, float *y, size_t n);
/* log(1 + x), accurate near 0 */
NNLAB_HOST_EXPORT void nnlab_vec_log1p(const float *x, float *y, size_t n);
/* hyperbolic tangent */
NNLAB_HOST_EXPORT void nnlab_vec_tanh(const float *x, float *y, size_t n);
/* 1 / (1 + e^-x), accurate in both tails */
NNLAB_HOST_EXPORT void nnlab_vec_sigmoid(const float *x, float *y, size_t n);
/* log(1 + e^x), accurate in both tails */
NNLAB_HOST_EXPORT void nnlab_vec_softplus(const float *x, float *y, size_t n);
/* error function */
NNLAB_HOST_EXPORT void nnlab_vec_erf(const float *x, float *y, size_t n);
/* 1 - erf(x), accurate for large x */
NNLAB_HOST_EXPORT void nnlab_vec_erfc(const float *x, float *y, size_t n);

/* ---- Properties (ABI minor 2) ----------------------------------------------
 * What a plugin's numbers mean, declared so that the host can refuse
 * pairings that make no sense (softmax before cross_entropy, nll on raw
 * outputs) and read outputs right, the same way for a built-in plugin and an
 * out-of-tree one. 0 always means "not declared": plugins built before
 * minor 2 read as all 0, and an undeclared property never refuses anything
 * (the host then checks nothing). */

/* What an activation's output y holds. */
typedef enum nnlab_output_kind {
  NNLAB_OUTPUT_UNDECLARED = 0,
  /* Real numbers with no normalization (identity, relu, tanh). Fed to a
   * loss that expects logits, they are the logits. */
  NNLAB_OUTPUT_VALUES = 1,
  /* Each in [0, 1] (sigmoid; softmax, whose rows also sum to 1). */
  NNLAB_OUTPUT_PROBABILITIES = 2,
  /* Logarithms of probabilities, each <= 0 (log_softmax). */
  NNLAB_OUTPUT_LOG_PROBABILITIES = 3,
  /* Hard 0/1 decisions whose derivative is 0 wherever it exists (step):
   * no gradient passes, so only the perceptron rule trains through it. */
  NNLAB_OUTPUT_DECISIONS = 4,
} nnlab_output_kind;

/* How inspect tells that a hidden unit has stopped learning. */
typedef enum nnlab_unit_failure {
  NNLAB_UNIT_FAILURE_UNDECLARED = 0, /* nothing is counted */
  NNLAB_UNIT_FAILURE_NONE = 1,       /* no failure to look for (identity) */
  /* Dead: output <= 0 on every row, where the gradient is 0 or small
   * (relu, leaky_relu). */
  NNLAB_UNIT_FAILURE_DIES = 2,
  /* Saturated: output within NNLAB_SATURATION_MARGIN (0.01) of lower_bound
   * or upper_bound, where the gradient nearly vanishes (sigmoid, tanh). */
  NNLAB_UNIT_FAILURE_SATURATES = 3,
} nnlab_unit_failure;

typedef struct nnlab_activation_properties {
  nnlab_output_kind output;
  nnlab_unit_failure failure;
  double lower_bound, upper_bound; /* of y; read for SATURATES only */
} nnlab_activation_properties;

/* What a loss expects pred to hold. */
typedef enum nnlab_loss_input {
  NNLAB_LOSS_INPUT_UNDECLARED = 0,
  /* Any numbers, compared with the targets (mse, mae, huber): takes any
   * output. */
  NNLAB_LOSS_INPUT_VALUES = 1,
  /* Unnormalized scores the loss normalizes itself (cross_entropy applies
   * log_softmax, bce_with_logits a sigmoid): takes VALUES outputs only, so
   * a softmax or sigmoid before it is refused as applied twice. */
  NNLAB_LOSS_INPUT_LOGITS = 2,
  /* Probabilities in [0, 1] (binary_cross_entropy). */
  NNLAB_LOSS_INPUT_PROBABILITIES = 3,
  /* Log-probabilities (nll). */
  NNLAB_LOSS_INPUT_LOG_PROBABILITIES = 4,
} nnlab_loss_input;

enum {
  /* Targets must be class labels: refused on a regression dataset. */
  NNLAB_LOSS_NEEDS_CLASS_LABELS = 1u << 0,
  /* One output per class, even for two classes (losses over a row of
   * class scores: cross_entropy, nll); others fit two classes in one. */
  NNLAB_LOSS_NEEDS_OUTPUT_PER_CLASS = 1u << 1,
};

typedef struct nnlab_loss_properties {
  nnlab_loss_input input;
  uint32_t needs; /* NNLAB_LOSS_NEEDS_* */
} nnlab_loss_properties;

/* ---- The descriptor --------------------------------------------------------
 */

typedef struct nnlab_plugin_info {
  nnlab_plugin_kind kind;
  const char *name;        /* lower-case identifier: [a-z0-9_]+ */
  const char *version;     /* "MAJOR.MINOR.PATCH" */
  const char *description; /* one line */
  const nnlab_hparam *hparams;
  size_t n_hparams;
  nnlab_activation_ops activation; /* kind == NNLAB_KIND_ACTIVATION */
  nnlab_loss_ops loss;             /* kind == NNLAB_KIND_LOSS */
  nnlab_optimizer_ops optimizer;   /* kind == NNLAB_KIND_OPTIMIZER */
  /* Appended in ABI minor 2; the host reads them from plugins of minor 2 or
   * later only, and sees them as 0 (undeclared) for older ones. */
  nnlab_activation_properties activation_properties; /* activations */
  nnlab_loss_properties loss_properties;             /* losses */
} nnlab_plugin_info;

#define NNLAB_ARRAY_LENGTH(a) (sizeof(a) / sizeof((a)[0]))

/* Entry points looked up by the host. */
#define NNLAB_PLUGIN_ABI_SYMBOL "nnlab_plugin_abi"
#define NNLAB_PLUGIN_DESCRIBE_SYMBOL "nnlab_plugin_describe"

typedef const nnlab_abi_info *(*nnlab_plugin_abi_fn)(void);
typedef const nnlab_plugin_info *(*nnlab_plugin_describe_fn)(void);

/* All the boilerplate a plugin needs: the ABI check and the descriptor,
 * given as designated initializers of nnlab_plugin_info. */
#define NNLAB_PLUGIN(...)                                                    \
  NNLAB_PLUGIN_EXPORT const nnlab_abi_info *nnlab_plugin_abi(void);          \
  NNLAB_PLUGIN_EXPORT const nnlab_abi_info *nnlab_plugin_abi(void) {         \
    static const nnlab_abi_info abi = {NNLAB_ABI_MAJOR, NNLAB_ABI_MINOR,     \
                                       sizeof(float), sizeof(size_t),        \
                                       sizeof(void *)};                      \
    return &abi;                                                             \
  }                                                                          \
  NNLAB_PLUGIN_EXPORT const nnlab_plugin_info *nnlab_plugin_describe(void);  \
  NNLAB_PLUGIN_EXPORT const nnlab_plugin_info *nnlab_plugin_describe(void) { \
    static const nnlab_plugin_info info = {__VA_ARGS__};                     \
    return &info;                                                            \
  }                                                                          \
  typedef int nnlab_plugin_require_semicolon_

#ifdef __cplusplus
}
#endif

#endif
