/*
 * main.c - the gild executable: `gild run|dis ...` goes to the VM's own
 * command line, everything else is the server's, with the VM as its
 * handler runtime.
 */
#include <stdio.h>
#include <string.h>

#include "gild_vm.h"
#include "server.h"

int main(int argc, char **argv) {
  if (argc > 1 && (strcmp(argv[1], "run") == 0 || strcmp(argv[1], "dis") == 0))
    return gild_vm_main(argc - 1, argv + 1);
  gild_handler_ops *ops = gild_vm_runtime_new();
  if (!ops) {
    fputs("gild: out of memory\n", stderr);
    return 1;
  }
  int status = gild_main(argc, argv, ops);
  gild_vm_runtime_free(ops);
  return status;
}
