/* A shared library loaded on first use (dlopen) instead of linked, for libraries only some
 * commands need (PLplot for charts, GLPK for shift covers): a process that needs neither does not
 * map and relocate them, and the libraries they bring, at every start.
 *
 * cs_dynlib_load opens the library with RTLD_NODELETE, so that it stays mapped for the life of
 * the process (as a linked library would, with whatever state it keeps) after the handle is
 * closed, and resolves every name into syms[i].  Callers keep their functions in a table typed
 * from the library's own header and convert each void * to its member's type (POSIX allows it
 * for dlsym's results), so every call is still checked against the library's prototypes. */
#ifndef CS_DYNLIB_H
#define CS_DYNLIB_H

#include <stddef.h>

#include "sim/status.h"

/* Which library, and the words of its error messages:
 *   "<context>cannot load <name><purpose>: <dlerror> (install <install>)"
 *   "<context>the <name> library <soname> has no <symbol>: it is not the <name> callsim was
 *    built with" */
typedef struct cs_dynlib {
    const char *soname;   /* the run-time name, e.g. "libglpk.so.40" */
    const char *name;     /* "GLPK" */
    const char *context;  /* a prefix of both messages, or "" */
    const char *purpose;  /* after the name when it cannot be loaded, e.g. ", which plans ...", or "" */
    const char *install;  /* what to install, e.g. "GLPK's library; Debian: libglpk40" */
} cs_dynlib;

/* Loads lib (once per process; later calls find it loaded) and sets syms[i] to names[i] for
 * i < n.  CS_OK, or CS_EINTERNAL with a message in err when the library cannot be loaded or
 * lacks a name (syms then undefined). */
cs_status cs_dynlib_load(const cs_dynlib *lib, const char *const names[], void *syms[], size_t n, cs_error *err);

#endif
