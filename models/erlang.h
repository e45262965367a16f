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

#endif
