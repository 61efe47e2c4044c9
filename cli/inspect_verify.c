/* nnlab inspect --verify: the report of nnlab_file_verify as text or JSON
 * on stdout, with one error line on stderr naming the first damaged array.
 * Reporting only: the checking is nnlab_file_verify's. */
#include "inspect_verify.h"

#include <stdio.h>

#include <nnlab/nnlab.h>

#include "error_output.h"
#include "json_output.h"

static const char *state_name(nnlab_array_state state) {
  switch (state) {
    case NNLAB_ARRAY_OK:
      return "ok";
    case NNLAB_ARRAY_UNCHECKED:
      return "unchecked";
    case NNLAB_ARRAY_DAMAGED:
      break;
  }
  return "damaged";
}

static void add_count(JsonBuilder *b, const char *key, guint64 value) {
  json_builder_set_member_name(b, key);
  json_builder_add_int_value(b, (gint64)value);
}

static void print_verify_json(const nnlab_file_check *c) {
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_add_string_member(b, "file", c->path);
  json_add_string_member(b, "format", c->format);
  json_add_string_member(b, "checksums", c->checksums ? "crc32" : NULL);
  add_count(b, "arrays", c->n_arrays);
  add_count(b, "ok", c->n_ok);
  add_count(b, "unchecked", c->n_unchecked);
  add_count(b, "damaged", c->n_damaged);
  json_builder_set_member_name(b, "details");
  json_builder_begin_array(b);
  for (size_t i = 0; i < c->n_arrays; i++) {
    const nnlab_array_check *a = &c->arrays[i];
    json_builder_begin_object(b);
    json_add_string_member(b, "array", a->path);
    add_count(b, "values", a->n_values);
    json_add_string_member(b, "state", state_name(a->state));
    json_add_string_member(b, "problem", a->problem);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_end_object(b);
  print_json(b);
}

static void print_verify_text(const nnlab_file_check *c) {
  guint64 values = 0;
  for (size_t i = 0; i < c->n_arrays; i++) values += c->arrays[i].n_values;
  printf("%s: %s, %zu arrays of %llu values in all\n", c->path, c->format,
         c->n_arrays, (unsigned long long)values);
  for (size_t i = 0; i < c->n_arrays; i++)
    if (c->arrays[i].problem)
      printf("  %s: %s\n", c->arrays[i].path, c->arrays[i].problem);
  if (c->n_damaged)
    printf("damaged: %zu of %zu arrays\n", c->n_damaged, c->n_arrays);
  else if (!c->checksums)
    printf(
        "unchecked: all %zu arrays read, but the file carries no "
        "checksums to compare them with\n",
        c->n_arrays);
  else
    printf("ok: every array matches its CRC-32 checksum\n");
}

int inspect_verify(const char *path, gboolean json) {
  g_autoptr(GError) error = NULL;
  g_autoptr(nnlab_file_check) check = nnlab_file_verify(path, &error);
  if (!check) return report_error(error);
  if (json)
    print_verify_json(check);
  else
    print_verify_text(check);
  if (!check->checksums && !check->n_damaged)
    fprintf(stderr,
            "nnlab: warning: %s: its arrays carry no checksums (written by an "
            "older nnlab or another program), so damage to them goes "
            "undetected\n",
            path);
  for (size_t i = 0; i < check->n_arrays; i++) {
    if (check->arrays[i].state != NNLAB_ARRAY_DAMAGED) continue;
    fprintf(stderr, "nnlab: error: %s: %s: %s; %zu of %zu arrays damaged\n",
            path, check->arrays[i].path, check->arrays[i].problem,
            check->n_damaged, check->n_arrays);
    return 1;
  }
  return 0;
}
