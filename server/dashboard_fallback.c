/*
 * dashboard_fallback.c - a stand-in for the /debug/gil page in binaries that
 * do not embed server/dashboard/gil.html (the test daemon, unit tests).
 *
 * It lives alone in its file on purpose: a binary that links the generated
 * page as one of its own objects never pulls this archive member in, since
 * nothing is left undefined for it. And the definitions are weak, so were
 * both linked, the real page would win. Had they stayed in debug.c, the
 * compiler could fold the stand-in's length into the caller while the
 * linker picked the real bytes: a page cut short.
 */
#include "dashboard.h"

__attribute__((weak)) const unsigned char gild_dashboard_html[] =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>gild: GIL</title></head>"
    "<body><h1>gild: GIL</h1><p>The dashboard is not built into this binary. "
    "See <a href=\"../metrics\">/metrics</a>.</p></body></html>\n";
__attribute__((weak)) const size_t gild_dashboard_html_len = sizeof(gild_dashboard_html) - 1;
