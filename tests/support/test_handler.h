/*
 * test_handler.h - the C test handler runtime: the routes of test.json
 * served without the VM, through the same gild_handler_ops boundary.
 */
#ifndef GILD_TEST_HANDLER_H
#define GILD_TEST_HANDLER_H

#include "handler.h"

extern gild_handler_ops test_handler_ops;

#endif
