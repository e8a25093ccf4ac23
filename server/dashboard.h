/* The live GIL dashboard's page (GET /debug/gil): server/dashboard/gil.html,
 * one self-contained HTML file, compiled into the binary at build time by
 * server/dashboard/embed.cmake into ${CMAKE_BINARY_DIR}/generated/dashboard_html.c.
 * The bytes are the file's exactly; a NUL follows them (not counted in the
 * length) so the page can also be used as a C string. */
#ifndef GILD_DASHBOARD_H
#define GILD_DASHBOARD_H

#include <stddef.h>

extern const unsigned char gild_dashboard_html[];
extern const size_t gild_dashboard_html_len;

#endif
