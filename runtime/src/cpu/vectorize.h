/*
 * vectorize.h: included by every CPU kernel source, after the system
 * headers, to turn on GCC's loop vectoriser with its normal cost model.
 * The project builds at -O2, where GCC 12 only vectorises loops whose trip
 * count is a known multiple of the vector width, i.e. almost none of the
 * kernels' loops; measured here that costs 3-5x on the depthwise, norm and
 * element-wise kernels. Without trapping math as well: it changes no
 * value (only whether a floating-point exception flag may be raised by a
 * computation whose result a select then drops), and with it GCC turns
 * the selects of a branch-free loop back into branches it cannot
 * vectorise (the sigmoid's range checks kept it scalar). Scoped to these
 * sources so the rest of libmlrt keeps the project's flags.
 */
#ifndef MLRT_CPU_VECTORIZE_H
#define MLRT_CPU_VECTORIZE_H

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize ("tree-vectorize", "vect-cost-model=dynamic", \
                      "no-trapping-math")
#endif

#endif /* MLRT_CPU_VECTORIZE_H */
