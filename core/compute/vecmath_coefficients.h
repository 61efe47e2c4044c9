/* Polynomial coefficients of the vector math, highest degree first, as
 * printed by docs/vecmath_fit.py. Do not edit by hand: change the script
 * and run it again (its docstring says how). */
#ifndef NNLAB_VECMATH_COEFFICIENTS_H
#define NNLAB_VECMATH_COEFFICIENTS_H

/* (e^r - 1 - r) / r^2
 * on [-0.7, 0.7], degree 6: absolute error 3.8e-09. */
#define VM_EXP_DEGREE 6
static const float vm_exp[VM_EXP_DEGREE + 1] = {
    2.505413977e-05f, 2.007800795e-04f, 1.388820703e-03f, 8.332756348e-03f,
    4.166667163e-02f, 1.666667014e-01f, 5.000000000e-01f,
};

/* (log(1 + f) - f + f^2 / 2) / f^3
 * on [-0.2929, 0.4143], degree 8: absolute error 2.6e-08. */
#define VM_LOG_DEGREE 8
static const float vm_log[VM_LOG_DEGREE + 1] = {
    7.145486772e-02f,  -1.156576127e-01f, 1.166045070e-01f,
    -1.241188422e-01f, 1.425018609e-01f,  -1.666844189e-01f,
    2.000069469e-01f,  -2.499998957e-01f, 3.333333135e-01f,
};

/* (tanh(x) - x) / x^3 in z = x^2
 * on [0, 1], degree 7: absolute error 9.9e-09. */
#define VM_TANH_DEGREE 7
static const float vm_tanh[VM_TANH_DEGREE + 1] = {
    1.563250698e-04f, -9.740179521e-04f, 3.282178659e-03f, -8.755062707e-03f,
    2.185277641e-02f, -5.396824703e-02f, 1.333335489e-01f, -3.333333433e-01f,
};

/* erf(x) / x - 1 in z = x^2
 * on [0, 0.7657], degree 7: absolute error 9.7e-10. */
#define VM_ERF_DEGREE 7
static const float vm_erf[VM_ERF_DEGREE + 1] = {
    -6.197447419e-06f, 1.024940575e-04f, -8.363712113e-04f, 5.213667639e-03f,
    -2.686296776e-02f, 1.128373891e-01f, -3.761263490e-01f, 1.283791661e-01f,
};

/* erfc(a) e^(a^2) (1 + a / 2) in q = (a - 2) / (a + 2)
 * on [-1, 0.67], degree 11: relative error 1.7e-08. */
#define VM_ERFC_DEGREE 11
static const float vm_erfc[VM_ERFC_DEGREE + 1] = {
    2.148252179e-06f,  3.619701965e-05f, 2.097835932e-05f,  -2.957544348e-04f,
    -4.138970689e-04f, 1.529424102e-03f, 3.236790420e-03f,  -1.075193379e-02f,
    -1.822063327e-02f, 1.397357285e-01f, -3.435803652e-01f, 5.107913613e-01f,
};

#endif
