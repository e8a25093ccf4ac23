/*
 * config_flags.h - command-line overrides beyond config.h's --listen, with
 * the same ranges and messages as the JSON keys they override. Each returns
 * 0, or GILD_EINVAL with a message ("--threads: expected an integer in
 * 1..256, got 'x'") in err and the config unchanged.
 */
#ifndef GILD_CONFIG_FLAGS_H
#define GILD_CONFIG_FLAGS_H

#include <stddef.h>
#include "config.h"

int gild_config_set_threads(gild_config *c, const char *value, char *err, size_t errlen);
/* cpython | fifo | io-priority | legacy */
int gild_config_set_gil_policy(gild_config *c, const char *value, char *err, size_t errlen);
/* seconds, in (0, 1] */
int gild_config_set_switch_interval(gild_config *c, const char *value, char *err, size_t errlen);

#endif
