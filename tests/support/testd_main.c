/* gild-testd: the server with the C test handler instead of the VM. */
#include "server.h"
#include "test_handler.h"

int main(int argc, char **argv) {
  return gild_main(argc, argv, &test_handler_ops);
}
