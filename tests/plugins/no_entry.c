/* A shared library that is not an nnlab plugin: no entry symbols. */
int no_entry_answer(void);
__attribute__((visibility("default"))) int no_entry_answer(void) {
  return 42;
}
