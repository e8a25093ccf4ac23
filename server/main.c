/*
 * main.c - the gild executable: `gild run|dis ...` goes to the VM's own
 * command line, everything else is the server's.
 */
#include <string.h>

#include "gild_vm.h"
#include "server.h"

int main(int argc, char **argv) {
  if (argc > 1 && (strcmp(argv[1], "run") == 0 || strcmp(argv[1], "dis") == 0))
    return gild_vm_main(argc - 1, argv + 1);
  /* No handler runtime is linked in yet; the VM's arrives with its issue. */
  return gild_main(argc, argv, NULL);
}
