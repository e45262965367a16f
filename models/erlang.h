/* Analytic queueing formulas for one pool of identical agents: Erlang B, Erlang C (M/M/n) and
 * Erlang A (M/M/n+M, Palm's model with exponential patience).
 *
 * These are the validation anchors of domain.md section 4 and the quick staffing estimate the
 * CLI offers next to the simulator.  They are exact stationary results, so they disagree with
 * the simulator only through modelling differences (non-exponential times, retrials, time-varying
 * demand) or sampling error, which is what makes them useful as checks.
 *
 * Units: rates per second, times in seconds (any consistent unit works).  Every function is
 * pure and thread-safe: no allocation, no static state, results go to caller-owned storage.
 *
 * Numerical approach: no factorials or powers are ever formed.  Erlang B uses its contractive
 * recursion; the Erlang A queue distribution is summed relative to its largest term, so the
 * functions stay finite for thousands of agents and for any load (overload included).  The
 * Erlang A queue is truncated where the neglected stationary probability is below 1e-16
 * (CS_ERL_TAIL_EPS); see erlang.c for the bound.
 *
 * Errors: parameters outside the formulas' domain (non-positive or non-finite rates, Erlang C at
 * or above 100% load, ...) return CS_EDOM with a message naming the parameter and what to do;
 * *out is then left untouched. */
#ifndef CS_ERLANG_H
#define CS_ERLANG_H

#include "sim/status.h"

/* Largest agent count accepted: the Erlang B recursion is O(n), and no single contact-centre
 * pool is anywhere near this, so a larger n is almost certainly a units mistake. */
#define CS_ERL_MAX_AGENTS 1000000

/* Largest number of queue states the Erlang A sum may visit.  Only reached in overload with a
 * patience many orders of magnitude longer than the handling time, where the model is not
 * meaningful; the functions then return CS_EDOM rather than run for minutes. */
#define CS_ERL_MAX_QUEUE_STATES 50000000L

/* Stationary probability that may be dropped when truncating the Erlang A queue. */
#define CS_ERL_TAIL_EPS 1e-16

typedef struct cs_erl_result {
    double p_wait;          /* P(W>0): share of arrivals who must queue */
    double p_abandon;       /* P(Ab): share of arrivals who abandon (0 for Erlang C) */
    double mean_wait;       /* E[W] over ALL arrivals incl. abandoners, seconds */
    double asa;             /* mean wait of ANSWERED calls, seconds (= mean_wait for Erlang C) */
    double service_level;   /* share of ALL arrivals answered within `within` seconds
                               (waited <= within and not abandoned) */
    double abandon_within;  /* share of ALL arrivals who abandon after waiting <= `within`
                               seconds (0 for Erlang C); domain.md V4 "abandoned <= 300 s" */
    double mean_queue;      /* E[Q], time-average number waiting */
    double occupancy;       /* mean busy agents / n */
    double offered_load;    /* a = lambda * mean_service, Erlangs */
} cs_erl_result;

/* Erlang B blocking probability for offered load a (Erlangs) on n servers, by the stable
 * recursion B(k) = a B(k-1) / (k + a B(k-1)).  B(a, 0) = 1, B(0, n>0) = 0.  Returns NaN when a
 * is negative or not finite, or n is negative or above CS_ERL_MAX_AGENTS (a plain double has no
 * room for a message; callers with user input should validate first). */
double cs_erl_b(double a, int n);

/* M/M/n (Erlang C).  lambda per second, mean_service seconds, n agents, within seconds
 * (>= 0; +infinity allowed, giving service_level 1).  Returns CS_EDOM with a message if
 * a >= n (unstable: the queue grows without bound) or parameters are not positive/finite. */
cs_status cs_erl_c(double lambda, double mean_service, int n, double within, cs_erl_result *out,
                   cs_error *err);

/* M/M/n+M (Erlang A, Palm), mean_patience seconds (> 0, finite); stable for any load.
 * Waiting calls are answered first-come first-served; each abandons when its exponential
 * patience runs out.  within as for cs_erl_c (+infinity gives service_level = 1 - p_abandon). */
cs_status cs_erl_a(double lambda, double mean_service, int n, double mean_patience, double within,
                   cs_erl_result *out, cs_error *err);

/* Smallest n in [1, max_n] whose service level (share of all arrivals answered within
 * `within`) is >= target_sl, with 0 < target_sl < 1.  Uses Erlang C if mean_patience <= 0 or
 * infinite, else Erlang A.  CS_EDOM if not reachable with max_n agents.  The search is a
 * bisection, so it relies on the service level increasing with n, which holds for both models
 * (the tests check the neighbours of returned answers). */
cs_status cs_erl_agents_for(double lambda, double mean_service, double mean_patience,
                            double within, double target_sl, int max_n, int *n_out,
                            cs_error *err);

/* ---- Staffing to a target: the smallest n that meets every part ----------------------------
 *
 * A line's target for one interval has up to two parts: a service level (share S of ALL
 * arrivals answered within T seconds, the definition of cs_erl_result.service_level) and a
 * ceiling A on the share of arrivals who abandon.  The requirement is the smallest integer n
 * for which Erlang A (Erlang C when callers never abandon) meets every part that is set.
 *
 * Exactness: both parts are monotone in n (the service level rises and abandonment falls as
 * agents are added), so the set of n that meet the target is [n*, inf) and a search over n that
 * only ever compares with the target finds n* exactly.  The search starts at the square-root-
 * staffing guess (cs_erl_sqrt_staffing), gallops away from it in steps 1, 2, 4, ... until it
 * has a failing n below and a meeting n above, then bisects; a good guess costs a handful of
 * evaluations even for thousands of agents.  It never evaluates an n that a counting argument
 * already rules out: every answered call needs an agent, so the answered share is at most
 * n / a, hence n < a S fails the service level and n < a (1 - A) fails the abandonment
 * ceiling (and Erlang C needs n > a to be stable).
 *
 * Unreachable targets are a result, not an error: with a cap max_n the answer may not exist,
 * and a caller staffing hundreds of intervals wants the other intervals anyway, so
 * cs_erl_staff returns CS_OK with met = 0 and n = max_n (and the performance there).  Errors
 * (CS_EDOM) are reserved for parameters outside the formulas' domain. */

/* A target for one interval.  A part that is 0 is absent; at least one part must be set. */
typedef struct cs_erl_target {
    double within;      /* T, seconds (>= 0) for the service-level part */
    double share;       /* S in (0, 1): share of all arrivals answered within T; 0 = no part */
    double max_abandon; /* A in (0, 1): ceiling on the share who abandon; 0 = no ceiling (a
                           zero ceiling is unreachable under Erlang A, so 0 is free to mean
                           "none"); ignored by Erlang C, where nobody abandons */
} cs_erl_target;

/* Why n agents are needed: the parts that n - 1 agents fail (bits, may combine). */
#define CS_ERL_BIND_SERVICE 1u   /* the service level */
#define CS_ERL_BIND_ABANDON 2u   /* the abandonment ceiling */
#define CS_ERL_BIND_STABLE  4u   /* Erlang C: n - 1 agents cannot keep the queue stable */

typedef struct cs_erl_staffing {
    int n;               /* the requirement: smallest n meeting the target (0 when lambda = 0);
                            max_n when the target is unreachable */
    int met;             /* 1: n meets every part; 0: unreachable with max_n agents */
    unsigned binding;    /* CS_ERL_BIND_* bits for n - 1 (0 when n = 0 or unreachable) */
    int guess;           /* the square-root-staffing start of the search */
    double beta;         /* its beta: guess ~ a + beta sqrt(a) */
    int evaluations;     /* Erlang C/A evaluations the search used (for tests and profiling) */
    cs_erl_result r;     /* performance at n (all zero when lambda = 0) */
} cs_erl_staffing;

/* Square-root staffing for a target: n = ceil(a + beta sqrt(a)), a = lambda mean_service, with
 * beta the smallest value at which the Halfin-Whitt (QED) approximations meet the target:
 *   Erlang C: P(W > T) ~ alpha(beta) e^{-beta sqrt(a) T / mean_service},
 *             alpha(beta) = [1 + beta Phi(beta) / phi(beta)]^{-1} (Halfin & Whitt 1981);
 *   Erlang A: with r = mean_patience / mean_service, bh = beta sqrt(r), h the standard normal
 *             hazard phi / (1 - Phi) (Garnett, Mandelbaum & Reiman 2002; Zeltyn & Mandelbaum
 *             2005):  P(W > 0) ~ w = [1 + h(bh) / (sqrt(r) h(-beta))]^{-1},
 *             P(Ab) ~ w (h(bh) - bh) / sqrt(r n),
 *             P(W > T | W > 0) ~ (1 - Phi(bh + T sqrt(n / (mean_service mean_patience))))
 *                                / (1 - Phi(bh)).
 * and the callers lost before T are counted as theta int_0^T P(V > s | W > 0) ds (V the offered
 * wait).  Beta may be negative under Erlang A (an efficiency-driven, overloaded interval).  The
 * result is a guess (the QED limits are asymptotic), so it
 * is only the start of the exact search; *n_out is >= 1, and > a for Erlang C.  mean_patience
 * <= 0 or infinite selects Erlang C.  beta_out may be NULL.  CS_EDOM for bad parameters. */
cs_status cs_erl_sqrt_staffing(double lambda, double mean_service, double mean_patience,
                               const cs_erl_target *target, int *n_out, double *beta_out,
                               cs_error *err);

/* The requirement for one interval: smallest n in [1, max_n] meeting every part of target
 * under Erlang A (mean_patience > 0 and finite) or Erlang C (mean_patience <= 0 or infinite).
 * mean_service is the time an agent is busy per call: handle (talk) time plus wrap-up.
 * lambda = 0 gives n = 0, met.  Returns CS_OK with out->met = 0 when max_n is not enough (see
 * above); CS_EDOM with a message for parameters outside the domain (then *out is untouched). */
cs_status cs_erl_staff(double lambda, double mean_service, double mean_patience,
                       const cs_erl_target *target, int max_n, cs_erl_staffing *out,
                       cs_error *err);

/* One interval's demand, for cs_erl_staff_intervals. */
typedef struct cs_erl_demand {
    double lambda;        /* arrivals per second (>= 0) */
    double mean_service;  /* seconds busy per call: handle + wrap */
    double mean_patience; /* seconds; <= 0 or infinite = callers never abandon (Erlang C) */
} cs_erl_demand;

/* cs_erl_staff for each of n intervals with a common target (the "handlers needed" line of a
 * run's staffing chart and the start of the iterative staffing algorithm): required[i] (OUT,
 * n entries) is the requirement of interval i.  detail (OUT, n entries, may be NULL) receives
 * the full result per interval; *n_unreachable (may be NULL) counts intervals whose target is
 * unreachable with max_n (their required[] is max_n).  Stops at the first CS_EDOM, naming the
 * interval index in the message. */
cs_status cs_erl_staff_intervals(const cs_erl_demand *demand, size_t n,
                                 const cs_erl_target *target, int max_n, int *required,
                                 cs_erl_staffing *detail, size_t *n_unreachable, cs_error *err);

#endif
