/* A shared library for the tests that is not an nnlab plugin: no entry
 * symbols, only one unrelated function. The registry must skip it as
 * broken, with a warning (tests/test_registry.c), and never call into it. */
int no_entry_answer(void);
__attribute__((visibility("default"))) int no_entry_answer(void) {
  return 42;
}
