#ifndef CVECTOR_H
#define CVECTOR_H

// Vector operations Swift does not compile to one instruction. SIMD8<Float>.squareRoot() and
// Float.squareRoot() in a loop go lane by lane through libm's sqrtf with its errno check; clang's
// elementwise builtin is the IEEE square root of every lane at once (sqrtps on x86), correctly
// rounded as sqrtf is, so the results are the same bits. Swift sees cvector_float8 as SIMD8<Float>.

typedef float cvector_float8 __attribute__((ext_vector_type(8)));

static inline __attribute__((always_inline)) cvector_float8 cvector_sqrt8(cvector_float8 x) {
    return __builtin_elementwise_sqrt(x);
}

#endif
