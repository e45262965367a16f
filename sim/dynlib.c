#define _GNU_SOURCE /* RTLD_NODELETE */
#include "sim/dynlib.h"

#include <dlfcn.h>

cs_status cs_dynlib_load(const cs_dynlib *lib, const char *const names[], void *syms[], size_t n, cs_error *err)
{
    void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!h)
        return cs_error_set(err, CS_EINTERNAL, "%scannot load %s%s: %s (install %s)", lib->context, lib->name,
                            lib->purpose, dlerror(), lib->install);
    const char *missing = NULL;
    for (size_t i = 0; i < n; i++)
        if (!(syms[i] = dlsym(h, names[i])) && !missing) missing = names[i];
    dlclose(h);
    if (missing)
        return cs_error_set(err, CS_EINTERNAL, "%sthe %s library %s has no %s: it is not the %s callsim was built with",
                            lib->context, lib->name, lib->soname, missing, lib->name);
    return CS_OK;
}
