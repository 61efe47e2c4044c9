/* Checks on a plugin before the registry accepts it (plugin_validate.h):
 * the ELF header before dlopen, then the ABI, then the descriptor (names,
 * version, hyperparameter table, functions, properties). Errors name the
 * field at fault; it never calls a plugin function. */
#include "plugins/plugin_validate.h"

#include <elf.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plugins/hparams_internal.h"

#define MAX_NAME_LENGTH 64
#define MAX_HPARAMS 64

static gboolean invalid(GError **error, const char *format, ...)
    G_GNUC_PRINTF(2, 3);
static gboolean invalid(GError **error, const char *format, ...) {
  va_list args;
  va_start(args, format);
  char *message = g_strdup_vprintf(format, args);
  va_end(args);
  g_set_error_literal(error, NNLAB_ERROR, NNLAB_ERROR_INVALID, message);
  g_free(message);
  return FALSE;
}

gboolean plugin_validate_elf(const char *path, GError **error) {
  unsigned char header[EI_NIDENT + sizeof(uint16_t)];
  FILE *file = fopen(path, "rb");
  if (!file) return invalid(error, "cannot open: %s", g_strerror(errno));
  size_t got = fread(header, 1, sizeof header, file);
  fclose(file);
  if (got < sizeof header || memcmp(header, ELFMAG, SELFMAG) != 0)
    return invalid(error, "not an ELF shared object");
  unsigned char expected_class = sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32;
  if (header[EI_CLASS] != expected_class)
    return invalid(error, "ELF class is %d-bit, this nnlab is %d-bit",
                   header[EI_CLASS] == ELFCLASS64 ? 64 : 32,
                   (int)sizeof(void *) * 8);
  uint16_t type;
  memcpy(&type, header + EI_NIDENT, sizeof type);
  if (header[EI_DATA] != ELFDATA2LSB || type != ET_DYN)
    return invalid(error, "ELF file is not a shared object");
  return TRUE;
}

static gboolean check_field(const char *field, uint32_t plugin, uint32_t host,
                            GError **error) {
  if (plugin == host) return TRUE;
  return invalid(error, "ABI mismatch: %s is %u in the plugin, %u in nnlab",
                 field, plugin, host);
}

gboolean plugin_validate_abi(const nnlab_abi_info *abi, GError **error) {
  if (!abi) return invalid(error, "ABI check returned NULL");
  if (abi->abi_minor > NNLAB_ABI_MINOR && abi->abi_major == NNLAB_ABI_MAJOR)
    return invalid(error,
                   "ABI mismatch: abi_minor is %u in the plugin, nnlab "
                   "supports up to %u (rebuild the plugin or update nnlab)",
                   abi->abi_minor, NNLAB_ABI_MINOR);
  return check_field("abi_major", abi->abi_major, NNLAB_ABI_MAJOR, error) &&
         check_field("sizeof_float", abi->sizeof_float, sizeof(float), error) &&
         check_field("sizeof_size_t", abi->sizeof_size_t, sizeof(size_t),
                     error) &&
         check_field("sizeof_pointer", abi->sizeof_pointer, sizeof(void *),
                     error);
}

static gboolean is_identifier(const char *s) {
  if (!s || !*s || strlen(s) > MAX_NAME_LENGTH) return FALSE;
  if (!g_ascii_islower(s[0])) return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_islower(*p) && !g_ascii_isdigit(*p) && *p != '_') return FALSE;
  return TRUE;
}

static gboolean is_version(const char *s) {
  if (!s) return FALSE;
  g_auto(GStrv) parts = g_strsplit(s, ".", -1);
  if (g_strv_length(parts) != 3) return FALSE;
  for (int i = 0; parts[i]; i++) {
    if (!parts[i][0] || strlen(parts[i]) > 9) return FALSE;
    for (const char *p = parts[i]; *p; p++)
      if (!g_ascii_isdigit(*p)) return FALSE;
  }
  return TRUE;
}

static gboolean validate_hparam(const nnlab_hparam *spec, GError **error) {
  const char *name = spec->name ? spec->name : "(null)";
  if (!is_identifier(spec->name))
    return invalid(error,
                   "hyperparameter name '%s' is not a lower-case "
                   "identifier",
                   name);
  if (!spec->help || strchr(spec->help, '\n'))
    return invalid(error, "hyperparameter '%s' needs one line of help", name);
  const double *def = spec->default_value;
  switch (spec->type) {
    case NNLAB_HPARAM_FLOAT:
    case NNLAB_HPARAM_INT:
    case NNLAB_HPARAM_PAIR:
      if (isnan(spec->min) || isnan(spec->max) || spec->min > spec->max)
        return invalid(error, "hyperparameter '%s' has min > max", name);
      if (!hparam_in_range(spec, def[0]) ||
          (spec->type == NNLAB_HPARAM_PAIR && !hparam_in_range(spec, def[1])))
        return invalid(error,
                       "hyperparameter '%s' has its default outside "
                       "[min, max]",
                       name);
      if (spec->type == NNLAB_HPARAM_INT && def[0] != floor(def[0]))
        return invalid(error, "hyperparameter '%s' has a fractional default",
                       name);
      return TRUE;
    case NNLAB_HPARAM_BOOL:
      if (def[0] != 0 && def[0] != 1)
        return invalid(error,
                       "hyperparameter '%s' has a bool default other "
                       "than 0 or 1",
                       name);
      return TRUE;
    case NNLAB_HPARAM_CHOICE: {
      guint n = hparam_choice_count(spec->choices);
      if (!spec->choices || n == 0)
        return invalid(error, "hyperparameter '%s' has no choices", name);
      if (def[0] < 0 || def[0] >= n || def[0] != floor(def[0]))
        return invalid(error,
                       "hyperparameter '%s' has a default choice "
                       "index outside 0..%u",
                       name, n - 1);
      return TRUE;
    }
  }
  return invalid(error, "hyperparameter '%s' has unknown type %d", name,
                 (int)spec->type);
}

static gboolean validate_hparams(const nnlab_plugin_info *info,
                                 GError **error) {
  if (info->n_hparams > MAX_HPARAMS)
    return invalid(error, "more than %d hyperparameters", MAX_HPARAMS);
  if (info->n_hparams && !info->hparams)
    return invalid(error, "n_hparams is %zu but hparams is NULL",
                   info->n_hparams);
  for (size_t i = 0; i < info->n_hparams; i++) {
    if (!validate_hparam(&info->hparams[i], error)) return FALSE;
    for (size_t j = 0; j < i; j++)
      if (strcmp(info->hparams[i].name, info->hparams[j].name) == 0)
        return invalid(error, "hyperparameter '%s' is declared twice",
                       info->hparams[i].name);
  }
  return TRUE;
}

static gboolean validate_optimizer(const nnlab_plugin_info *info,
                                   GError **error) {
  const nnlab_optimizer_ops *ops = &info->optimizer;
  if (!ops->step) return invalid(error, "optimizer.step is NULL");
  for (size_t i = 0; i < NNLAB_MAX_SLOTS && ops->slot_names[i]; i++) {
    if (!is_identifier(ops->slot_names[i]))
      return invalid(error, "slot name '%s' is not a lower-case identifier",
                     ops->slot_names[i]);
    for (size_t j = 0; j < i; j++)
      if (strcmp(ops->slot_names[i], ops->slot_names[j]) == 0)
        return invalid(error, "slot '%s' is declared twice",
                       ops->slot_names[i]);
  }
  int lr = -1;
  for (size_t i = 0; i < info->n_hparams; i++)
    if (strcmp(info->hparams[i].name, "lr") == 0) lr = (int)i;
  if (lr < 0 || info->hparams[lr].type != NNLAB_HPARAM_FLOAT)
    return invalid(error,
                   "an optimizer must declare a float hyperparameter "
                   "'lr'");
  return TRUE;
}

static gboolean validate_activation_properties(
    const nnlab_activation_properties *p, GError **error) {
  if (p->output > NNLAB_OUTPUT_DECISIONS)
    return invalid(error,
                   "activation_properties.output is %d, not a kind "
                   "nnlab knows",
                   (int)p->output);
  if (p->failure > NNLAB_UNIT_FAILURE_SATURATES)
    return invalid(error,
                   "activation_properties.failure is %d, not a kind "
                   "nnlab knows",
                   (int)p->failure);
  if (p->failure == NNLAB_UNIT_FAILURE_SATURATES &&
      !(isfinite(p->lower_bound) && isfinite(p->upper_bound) &&
        p->lower_bound < p->upper_bound))
    return invalid(error,
                   "a saturating activation needs finite "
                   "lower_bound < upper_bound");
  return TRUE;
}

static gboolean validate_loss_properties(const nnlab_loss_properties *p,
                                         GError **error) {
  if (p->input > NNLAB_LOSS_INPUT_LOG_PROBABILITIES)
    return invalid(error,
                   "loss_properties.input is %d, not a kind nnlab "
                   "knows",
                   (int)p->input);
  if (p->needs & ~(uint32_t)(NNLAB_LOSS_NEEDS_CLASS_LABELS |
                             NNLAB_LOSS_NEEDS_OUTPUT_PER_CLASS))
    return invalid(error, "loss_properties.needs has unknown bits 0x%x",
                   (unsigned)p->needs);
  return TRUE;
}

gboolean plugin_validate_descriptor(const nnlab_plugin_info *info,
                                    GError **error) {
  if (!info) return invalid(error, "descriptor is NULL");
  if (!nnlab_kind_name(info->kind))
    return invalid(error, "unknown plugin kind %d", (int)info->kind);
  if (!is_identifier(info->name))
    return invalid(error,
                   "plugin name '%s' is not a lower-case identifier "
                   "([a-z][a-z0-9_]*, at most %d characters)",
                   info->name ? info->name : "(null)", MAX_NAME_LENGTH);
  if (!is_version(info->version))
    return invalid(error, "version '%s' is not MAJOR.MINOR.PATCH",
                   info->version ? info->version : "(null)");
  if (!info->description || !*info->description ||
      strchr(info->description, '\n'))
    return invalid(error, "description must be one non-empty line");
  if (!validate_hparams(info, error)) return FALSE;
  switch (info->kind) {
    case NNLAB_KIND_ACTIVATION:
      if (!info->activation.forward)
        return invalid(error, "activation.forward is NULL");
      if (!info->activation.backward)
        return invalid(error, "activation.backward is NULL");
      return validate_activation_properties(&info->activation_properties,
                                            error);
    case NNLAB_KIND_LOSS:
      if (!info->loss.compute) return invalid(error, "loss.compute is NULL");
      if (!(info->loss.targets &
            (NNLAB_LOSS_FLOAT_TARGETS | NNLAB_LOSS_CLASS_TARGETS)))
        return invalid(error, "loss.targets names no target kind");
      return validate_loss_properties(&info->loss_properties, error);
    case NNLAB_KIND_OPTIMIZER:
      return validate_optimizer(info, error);
  }
  return FALSE;
}
