/* Loading a library on first use (sim/dynlib.h): the functions resolved are the library's own,
 * and a missing library or symbol is an error that names it, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "sim/dynlib.h"

static const cs_dynlib LIBM = {"libm.so.6", "libm", "testing: ", ", for the test", "glibc"};

static void test_resolves_the_library_functions(void **state)
{
    (void)state;
    const char *const names[] = {"cos", "sqrt"};
    void *syms[2] = {NULL, NULL};
    cs_error err = {0};
    assert_int_equal(cs_dynlib_load(&LIBM, names, syms, 2, &err), CS_OK);
    double (*f_cos)(double) = (double (*)(double))syms[0];
    double (*f_sqrt)(double) = (double (*)(double))syms[1];
    assert_non_null(f_cos);
    assert_true(f_cos(0.0) == 1.0);
    assert_true(f_sqrt(16.0) == 4.0);
    /* A second load finds the same functions. */
    void *again[2] = {NULL, NULL};
    assert_int_equal(cs_dynlib_load(&LIBM, names, again, 2, &err), CS_OK);
    assert_ptr_equal(again[0], syms[0]);
    assert_ptr_equal(again[1], syms[1]);
}

static void test_missing_symbol_is_named(void **state)
{
    (void)state;
    const char *const names[] = {"cos", "callsim_no_such_function", "sqrt"};
    void *syms[3];
    cs_error err = {0};
    assert_int_equal(cs_dynlib_load(&LIBM, names, syms, 3, &err), CS_EINTERNAL);
    assert_string_equal(err.msg, "testing: the libm library libm.so.6 has no callsim_no_such_function: it is "
                                 "not the libm callsim was built with");
}

static void test_missing_library_says_what_to_install(void **state)
{
    (void)state;
    const cs_dynlib none = {"libcallsim-no-such-library.so.1", "Nothing", "", ", which does nothing",
                            "nothing; Debian: none"};
    const char *const names[] = {"f"};
    void *syms[1];
    cs_error err = {0};
    assert_int_equal(cs_dynlib_load(&none, names, syms, 1, &err), CS_EINTERNAL);
    assert_non_null(strstr(err.msg, "cannot load Nothing, which does nothing: "));
    assert_non_null(strstr(err.msg, "libcallsim-no-such-library.so.1"));   /* dlerror's words */
    assert_non_null(strstr(err.msg, "(install nothing; Debian: none)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_resolves_the_library_functions),
                                       cmocka_unit_test(test_missing_symbol_is_named),
                                       cmocka_unit_test(test_missing_library_says_what_to_install)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
