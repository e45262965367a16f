/* A main() for the harnesses without libFuzzer, so any compiler can run them over files:
 * `make check` replays every checked-in seed (fuzz/corpus/NAME/) through its harness, under
 * ASan + UBSan with `make check SANITIZE=1`, so the seeds and any reproducer added to them stay
 * passing regression tests.  Each argument is one input file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    int n = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            fprintf(stderr, "%s: cannot open\n", argv[i]);
            return 1;
        }
        size_t cap = 1 << 16, len = 0, k;
        uint8_t *b = malloc(cap);
        while (b && (k = fread(b + len, 1, cap - len, f)) > 0) {
            len += k;
            if (len == cap) {
                uint8_t *nb = realloc(b, cap *= 2);
                if (!nb) {
                    free(b);
                    b = NULL;
                }
                b = nb;
            }
        }
        fclose(f);
        if (!b) return 1;
        LLVMFuzzerTestOneInput(b, len);
        free(b);
        n++;
    }
    printf("%d inputs replayed\n", n);
    return 0;
}
