/* The HTML report: "Assumptions in words", generated from the resolved scenario (see
 * plots/report_int.h): for a comparison, the base in full, then what each variant changes. */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plots/report_int.h"

#define WEEK_S 604800.0

/* ------------------------------------------------------------------------------------------
 * Assumptions in words
 * ---------------------------------------------------------------------------------------- */

enum { G_RUN, G_DEMAND, G_JOURNEY, G_HANDLING, G_STAFF, G_EVENTS, G_N };
static const char *const group_title[G_N] = {
    "The simulation", "Calls coming in", "What callers do", "Handling calls", "Staffing",
    "Surges, technology and outages",
};

typedef struct item {
    int group;
    char *key;
    char *html;
} item;

typedef struct items {
    item *v;
    size_t n, cap;
    int oom;
} items;

static void items_free(items *it)
{
    for (size_t i = 0; i < it->n; i++) {
        free(it->v[i].key);
        free(it->v[i].html);
    }
    free(it->v);
    memset(it, 0, sizeof *it);
}

/* Takes the text of *h (and resets it). */
static void add_item(items *it, int group, const char *key, cs_text_buf *h)
{
    if (h->oom) it->oom = 1;
    if (it->oom) {
        cs_text_free(h);
        return;
    }
    if (it->n == it->cap) {
        size_t cap = it->cap ? 2 * it->cap : 32;
        item *v = realloc(it->v, cap * sizeof *v);
        if (!v) {
            it->oom = 1;
            cs_text_free(h);
            return;
        }
        it->v = v;
        it->cap = cap;
    }
    char *k = strdup(key);
    if (!k) {
        it->oom = 1;
        cs_text_free(h);
        return;
    }
    it->v[it->n].group = group;
    it->v[it->n].key = k;
    it->v[it->n].html = cs_text_take(h);
    if (!it->v[it->n].html) it->oom = 1;
    it->n++;
}

/* "about 4 min 00 s on average (lognormal(mean 240 s, sd 180 s))" */
static void dist_phrase(cs_text_buf *b, const cs_json *d)
{
    double mean = csi_rep_jnum(d, "mean_s");
    const char *text = csi_rep_jstr(d, "text");
    if (csi_rep_jstreq(d, "dist", "never")) {
        cs_text_puts(b, "never (they do not hang up)");
        return;
    }
    char m[48];
    if (isfinite(mean)) {
        csi_rep_dur_words(m, sizeof m, mean);
        csi_rep_hf(b, "%s on average", m);
        if (text) csi_rep_hf(b, " <span class=\"dist\">(%s)</span>", text);
    } else if (text) {
        if (strstr(text, "never")) csi_rep_hf(b, "some never hang up <span class=\"dist\">(%s)</span>", text);
        else csi_rep_hf(b, "<span class=\"dist\">%s</span>", text);
    } else cs_text_puts(b, "as set in the scenario file");
}

static void key2(char *buf, size_t n, const char *a, const char *b) { snprintf(buf, n, "%s:%s", a, b ? b : ""); }

/* A dated line's calendar and what its volume counts, in words. */
static void calendar_words(cs_text_buf *h, const cs_json *L)
{
    static const char *const month[12] = {"January", "February", "March", "April", "May", "June", "July",
                                          "August", "September", "October", "November", "December"};
    char t1[64];
    const cs_json *c = cs_json_get(L, "calendar");
    if (c) {
        const char *bh = csi_rep_jstr(c, "bank_holidays");
        if (bh && strcmp(bh, "off") != 0)
            csi_rep_hf(h, " Demand follows the calendar: England &amp; Wales bank holidays have the pattern of a %s", bh);
        else
            cs_text_puts(h, " Demand follows the calendar (bank holidays are ordinary days");
        const cs_json *m = cs_json_get(c, "months");
        if (cs_json_size(m) == 12) {
            size_t lo = 0, hi = 0;
            for (size_t i = 1; i < 12; i++) {
                if (cs_json_number_value(cs_json_at(m, i)) < cs_json_number_value(cs_json_at(m, lo))) lo = i;
                if (cs_json_number_value(cs_json_at(m, i)) > cs_json_number_value(cs_json_at(m, hi))) hi = i;
            }
            char a[32], b[32];
            cs_text_fmt_fixed(a, sizeof a, cs_json_number_value(cs_json_at(m, hi)), 2, CS_TEXT_GROUP);
            cs_text_fmt_fixed(b, sizeof b, cs_json_number_value(cs_json_at(m, lo)), 2, CS_TEXT_GROUP);
            csi_rep_hf(h, "; months scale it from %s times in %s to %s times in %s", a, month[hi], b, month[lo]);
        }
        double ns = csi_rep_jnum(c, "special_days");
        if (ns > 0) csi_rep_hf(h, "; %d special day%s it", (int)ns, ns == 1 ? " changes" : "s change");
        double ex = csi_rep_jnum(c, "expected_first_attempts_measured");
        if (isfinite(ex)) {
            cs_text_fmt_fixed(t1, sizeof t1, ex, 0, CS_TEXT_GROUP);
            csi_rep_hf(h, "; about %s first attempts are expected in the measured period", t1);
        }
        cs_text_puts(h, ".");
    }
    if (csi_rep_jstreq(L, "counts", "attempts")) {
        cs_text_fmt_fixed(t1, sizeof t1, csi_rep_jnum(L, "volume_factor"), 3, CS_TEXT_GROUP);
        csi_rep_hf(h, " The stated volume counts every attempt, redials and calls from other lines included: pilot "
                   "runs scaled first attempts by %s to match it.", t1);
    }
}

static void demand_items(items *it, const cs_json *L)
{
    const char *name = csi_rep_jstr(L, "name");
    char key[256], t1[64], t2[64], t3[64];
    cs_text_buf h = {0};
    double week = csi_rep_jnum(L, "calls_per_week");
    csi_rep_hf(&h, "<b>Line %s</b>: ", name);
    if (isfinite(week)) {
        cs_text_fmt_fixed(t1, sizeof t1, week, 0, CS_TEXT_GROUP);
        cs_text_fmt_fixed(t2, sizeof t2, week / 7.0, 0, CS_TEXT_GROUP);
        csi_rep_hf(&h, "about %s calls a week (%s a day on average)", t1, t2);
    } else cs_text_puts(&h, "calls as set in the scenario file");
    const cs_json *rates = cs_json_get(L, "rate_per_hour_by_slot");
    size_t ns = cs_json_size(rates);
    double slot = csi_rep_jnum(L, "profile_slot_s");
    if (ns > 1) {
        if (!(slot > 0)) slot = WEEK_S / (double)ns;
        size_t hi = 0, lo = 0;
        for (size_t i = 1; i < ns; i++) {
            double v = cs_json_number_value(cs_json_at(rates, i));
            if (v > cs_json_number_value(cs_json_at(rates, hi))) hi = i;
            if (v < cs_json_number_value(cs_json_at(rates, lo))) lo = i;
        }
        double vh = cs_json_number_value(cs_json_at(rates, hi)), vl = cs_json_number_value(cs_json_at(rates, lo));
        int weekly = fabs(slot * (double)ns - WEEK_S) < 1;
        if (isfinite(vh) && isfinite(vl) && vh > vl) {
            if (weekly) csi_rep_week_time_words(t1, sizeof t1, (double)hi * slot);
            else csi_rep_hhmm(t1, sizeof t1, (double)hi * slot);
            csi_rep_hhmm(t2, sizeof t2, (double)(hi + 1) * slot);
            cs_text_fmt_fixed(t3, sizeof t3, vh, vh < 10 ? 1 : 0, CS_TEXT_GROUP);
            csi_rep_hf(&h, ". The busiest time is %s&ndash;%s, at about %s calls an hour", t1, t2, t3);
            if (weekly) csi_rep_week_time_words(t1, sizeof t1, (double)lo * slot);
            else csi_rep_hhmm(t1, sizeof t1, (double)lo * slot);
            csi_rep_hhmm(t2, sizeof t2, (double)(lo + 1) * slot);
            cs_text_fmt_fixed(t3, sizeof t3, vl, vl < 10 ? 1 : 0, CS_TEXT_GROUP);
            if (vl > 0) csi_rep_hf(&h, "; the quietest is %s&ndash;%s, at about %s an hour", t1, t2, t3);
            else csi_rep_hf(&h, "; at some times no calls arrive at all (for example %s&ndash;%s)", t1, t2);
        }
    }
    cs_text_puts(&h, ".");
    calendar_words(&h, L);
    double cv = csi_rep_jnum(L, "overdispersion_cv");
    if (cv > 0) {
        csi_rep_pct_words(t1, sizeof t1, cv);
        csi_rep_hf(&h, " On top of this pattern, each day is randomly busier or quieter than usual by about %s.", t1);
    }
    const cs_json *tr = cs_json_get(L, "trunks"), *qp = cs_json_get(L, "queue_places");
    if (cs_json_type_of(tr) == CS_JSON_NUMBER) {
        cs_text_fmt_fixed(t1, sizeof t1, cs_json_number_value(tr), 0, CS_TEXT_GROUP);
        csi_rep_hf(&h, " At most %s calls can be connected at once; a caller beyond that gets no answer and is cut "
                   "off.", t1);
    }
    if (cs_json_type_of(qp) == CS_JSON_NUMBER) {
        cs_text_fmt_fixed(t1, sizeof t1, cs_json_number_value(qp), 0, CS_TEXT_GROUP);
        csi_rep_hf(&h, " At most %s callers can wait in the queue; further callers are cut off.", t1);
    }
    key2(key, sizeof key, "demand", name);
    add_item(it, G_DEMAND, key, &h);

    const cs_json *t = cs_json_get(L, "target");
    if (isfinite(csi_rep_jnum(t, "answer_within_s")) && isfinite(csi_rep_jnum(t, "share"))) {
        csi_rep_pct_words(t1, sizeof t1, csi_rep_jnum(t, "share"));
        csi_rep_target_words(t2, sizeof t2, csi_rep_jnum(t, "answer_within_s"));
        csi_rep_hf(&h, "<b>Line %s target</b>: %s of calls answered within %s", name, t1, t2);
        if (isfinite(csi_rep_jnum(t, "max_abandon"))) {
            csi_rep_pct_words(t1, sizeof t1, csi_rep_jnum(t, "max_abandon"));
            csi_rep_hf(&h, ", and at most %s abandoned or cut off", t1);
        }
        cs_text_puts(&h, ".");
        key2(key, sizeof key, "target", name);
        add_item(it, G_DEMAND, key, &h);
    } else if (isfinite(csi_rep_jnum(t, "max_abandon"))) {
        csi_rep_pct_words(t1, sizeof t1, csi_rep_jnum(t, "max_abandon"));
        csi_rep_hf(&h, "<b>Line %s target</b>: at most %s of calls abandoned or cut off.", name, t1);
        key2(key, sizeof key, "target", name);
        add_item(it, G_DEMAND, key, &h);
    }
}

static void journey_items(items *it, const cs_json *L)
{
    const char *name = csi_rep_jstr(L, "name");
    char key[256], t1[64], t2[64], t3[64], t4[64];
    cs_text_buf h = {0};
    const cs_json *ivr = cs_json_get(L, "ivr");
    if (ivr) {
        csi_rep_hf(&h, "<b>Line %s menu (IVR)</b>: callers first hear a recorded menu lasting ", name);
        dist_phrase(&h, cs_json_get(ivr, "time"));
        csi_rep_pct_words(t1, sizeof t1, csi_rep_jnum(ivr, "abandon"));
        csi_rep_pct_words(t2, sizeof t2, csi_rep_jnum(ivr, "deflect"));
        csi_rep_hf(&h, "; %s hang up during it and %s are sent elsewhere (for example to report online) without "
               "reaching a call handler.", t1, t2);
        const cs_json *opts = cs_json_get(ivr, "options");
        if (cs_json_size(opts) > 1) {
            cs_text_puts(&h, " The menu routes ");
            for (size_t i = 0; i < cs_json_size(opts); i++) {
                const cs_json *o = cs_json_at(opts, i);
                csi_rep_pct_words(t1, sizeof t1, csi_rep_jnum(o, "share"));
                if (i > 0) cs_text_puts(&h, i + 1 == cs_json_size(opts) ? " and " : ", ");
                csi_rep_hf(&h, "%s to &ldquo;%s&rdquo; (queue %s)", t1, csi_rep_jstr(o, "name"),
                           csi_rep_jstr(o, "queue"));
            }
            cs_text_puts(&h, ".");
        }
        key2(key, sizeof key, "ivr", name);
        add_item(it, G_JOURNEY, key, &h);
    }
    const cs_json *pat = cs_json_get(L, "patience");
    if (pat) {
        if (csi_rep_jstreq(pat, "dist", "never"))
            csi_rep_hf(&h, "<b>Line %s patience</b>: callers never hang up while waiting.", name);
        else {
            csi_rep_hf(&h, "<b>Line %s patience</b> (how long callers wait before hanging up): ", name);
            dist_phrase(&h, pat);
            cs_text_puts(&h, ".");
        }
        key2(key, sizeof key, "patience", name);
        add_item(it, G_JOURNEY, key, &h);
    }
    /* Bands of the day with their own talk time, patience or IVR shares (by_time_of_day). */
    const cs_json *bands = cs_json_get(L, "by_time_of_day");
    if (cs_json_size(bands) > 0) {
        csi_rep_hf(&h, "<b>Line %s by time of day</b>: ", name);
        for (size_t i = 0; i < cs_json_size(bands); i++) {
            const cs_json *b = cs_json_at(bands, i);
            csi_rep_hhmm(t1, sizeof t1, csi_rep_jnum(b, "from_s"));
            csi_rep_hhmm(t2, sizeof t2, csi_rep_jnum(b, "to_s"));
            csi_rep_hf(&h, "%s%s to %s, ", i ? "; " : "", t1, t2);
            int any = 0;
            if (cs_json_get(b, "handle")) {
                cs_text_puts(&h, "talk time ");
                dist_phrase(&h, cs_json_get(b, "handle"));
                any = 1;
            }
            if (cs_json_get(b, "patience")) {
                cs_text_puts(&h, any ? ", patience " : "patience ");
                dist_phrase(&h, cs_json_get(b, "patience"));
                any = 1;
            }
            if (isfinite(csi_rep_jnum(b, "ivr_abandon"))) {
                csi_rep_pct_words(t3, sizeof t3, csi_rep_jnum(b, "ivr_abandon"));
                csi_rep_pct_words(t4, sizeof t4, csi_rep_jnum(b, "ivr_deflect"));
                csi_rep_hf(&h, "%s%s hang up in the menu and %s are sent elsewhere", any ? ", " : "", t3, t4);
            }
        }
        cs_text_puts(&h, ". Outside these hours, and for what a band does not set, the line's own values apply.");
        key2(key, sizeof key, "bands", name);
        add_item(it, G_JOURNEY, key, &h);
    }
    const cs_json *rd = cs_json_get(L, "redial");
    if (rd) {
        csi_rep_pct_words(t1, sizeof t1, csi_rep_jnum(rd, "probability"));
        csi_rep_hf(&h, "<b>Line %s redials</b>: %s of callers who hang up or are cut off try again, after ", name,
                   t1);
        dist_phrase(&h, cs_json_get(rd, "delay"));
        double ma = csi_rep_jnum(rd, "max_attempts");
        if (isfinite(ma)) {
            cs_text_fmt_fixed(t2, sizeof t2, ma, 0, CS_TEXT_GROUP);
            csi_rep_hf(&h, "; at most %s attempts per caller", t2);
        }
        cs_text_puts(&h, ".");
    } else {
        csi_rep_hf(&h, "<b>Line %s redials</b>: callers who hang up do not try again.", name);
    }
    key2(key, sizeof key, "redial", name);
    add_item(it, G_JOURNEY, key, &h);
    const cs_json *sp = cs_json_get(L, "spillover");
    if (sp) {
        csi_rep_dur_words(t1, sizeof t1, csi_rep_jnum(sp, "after_s"));
        csi_rep_pct_words(t2, sizeof t2, csi_rep_jnum(sp, "share"));
        csi_rep_pct_words(t3, sizeof t3, csi_rep_jnum(sp, "per_minute"));
        csi_rep_pct_words(t4, sizeof t4, csi_rep_jnum(sp, "max"));
        csi_rep_hf(&h, "<b>Line %s to %s</b>: of the callers who hang up after waiting more than %s, %s ring %s "
               "instead, plus %s for each further minute they waited, up to %s; they ring after ",
           name, csi_rep_jstr(sp, "to"), t1, t2, csi_rep_jstr(sp, "to"), t3, t4);
        dist_phrase(&h, cs_json_get(sp, "delay"));
        cs_text_puts(&h, ".");
        key2(key, sizeof key, "spill", name);
        add_item(it, G_JOURNEY, key, &h);
    }
    const cs_json *cb = cs_json_get(L, "callback");
    if (cb) {
        csi_rep_dur_words(t1, sizeof t1, csi_rep_jnum(cb, "offer_when_wait_over_s"));
        csi_rep_pct_words(t2, sizeof t2, csi_rep_jnum(cb, "accept"));
        csi_rep_hf(&h, "<b>Line %s callbacks</b>: when the wait is over %s, callers are offered a callback and %s "
               "accept. ", name, t1, t2);
        csi_rep_dur_words(t1, sizeof t1, csi_rep_jnum(cb, "deadline_s"));
        csi_rep_dur_words(t2, sizeof t2, csi_rep_jnum(cb, "expire_s"));
        csi_rep_hf(&h, "A callback is due within %s and dropped if not made within %s. ", t1, t2);
        csi_rep_pct_words(t1, sizeof t1, csi_rep_jnum(cb, "reach"));
        cs_text_fmt_fixed(t2, sizeof t2, csi_rep_jnum(cb, "attempts"), 0, CS_TEXT_GROUP);
        csi_rep_dur_words(t3, sizeof t3, csi_rep_jnum(cb, "retry_after_s"));
        csi_rep_hf(&h, "Each call back reaches the caller with a probability of %s", t1);
        if (csi_rep_jnum(cb, "attempts") > 1) csi_rep_hf(&h, ", with up to %s attempts %s apart", t2, t3);
        else cs_text_puts(&h, ", with a single attempt");
        cs_text_puts(&h, "; an attempt that does not reach them takes ");
        dist_phrase(&h, cs_json_get(cb, "failed_attempt"));
        const char *pool = csi_rep_jstr(cb, "pool");
        if (!pool || strcmp(pool, "any serving the line") == 0)
            cs_text_puts(&h, " of a handler&rsquo;s time. Callbacks are made by any team serving the line.");
        else csi_rep_hf(&h, " of a handler&rsquo;s time. Callbacks are made by team %s.", pool);
        key2(key, sizeof key, "callback", name);
        add_item(it, G_JOURNEY, key, &h);
    }
}

static void queue_items(items *it, const cs_json *Q)
{
    const char *name = csi_rep_jstr(Q, "name"), *line = csi_rep_jstr(Q, "line");
    char key[256], t1[64];
    cs_text_buf h = {0};
    if (line && name && strcmp(line, name) != 0)
        csi_rep_hf(&h, "<b>Queue %s</b> (line %s): handling takes ", name, line);
    else csi_rep_hf(&h, "<b>Queue %s</b>: handling takes ", name);
    dist_phrase(&h, cs_json_get(Q, "handle"));
    const cs_json *w = cs_json_get(Q, "wrap");
    if (w && csi_rep_jnum(w, "mean_s") > 0) {
        cs_text_puts(&h, ", followed by after-call work of ");
        dist_phrase(&h, w);
    } else cs_text_puts(&h, ", with no after-call work");
    cs_text_puts(&h, ".");
    const cs_json *p = cs_json_get(Q, "patience");
    if (p) {
        cs_text_puts(&h, " Callers waiting in this queue have their own patience: ");
        dist_phrase(&h, p);
        cs_text_puts(&h, ".");
    }
    const cs_json *tr = cs_json_get(Q, "transfer");
    if (tr) {
        csi_rep_pct_words(t1, sizeof t1, csi_rep_jnum(tr, "share"));
        csi_rep_hf(&h, " %s of answered calls are then passed on to the %s queue.", t1, csi_rep_jstr(tr, "queue"));
    }
    key2(key, sizeof key, "queue", name);
    add_item(it, G_HANDLING, key, &h);
}

static int queue_priority(const cs_json *R, const char *q, double *out)
{
    const cs_json *Q = csi_rep_find_named(cs_json_get(R, "queues"), q);
    *out = csi_rep_jnum(Q, "priority");
    return isfinite(*out);
}

static void pool_items(items *it, const cs_json *R, const cs_json *P)
{
    const char *name = csi_rep_jstr(P, "name");
    char key[256], t1[64], t2[64];
    cs_text_buf h = {0};
    const cs_json *qs = cs_json_get(P, "queues");
    size_t nq = cs_json_size(qs);
    const char *qn[32];
    if (nq > 32) nq = 32;
    for (size_t i = 0; i < nq; i++) qn[i] = cs_json_string_value(cs_json_at(qs, i));
    csi_rep_hf(&h, "<b>Team %s</b> answers ", name);
    csi_rep_name_list(&h, qn, nq, "", "");
    cs_text_puts(&h, " calls");
    if (csi_rep_jstreq(P, "pick", "weighted")) {
        const cs_json *w = cs_json_get(P, "weights");
        cs_text_puts(&h, ", sharing its time between the queues by weight (");
        for (size_t i = 0; i < nq; i++) {
            snprintf(t1, sizeof t1, "%g", cs_json_number_value(cs_json_at(w, i)));
            csi_rep_hf(&h, "%r%s %s", i ? ", " : "", qn[i], t1);
        }
        cs_text_puts(&h, ")");
    } else if (nq > 1) {
        /* Queues in descending priority, equal priorities grouped: "999 before 101". */
        double pr[32];
        int used[32] = {0};
        for (size_t i = 0; i < nq; i++)
            if (!queue_priority(R, qn[i], &pr[i])) pr[i] = -1e300;
        cs_text_buf order = {0};
        size_t done = 0;
        int levels = 0;
        while (done < nq) {
            double best = -INFINITY;
            for (size_t i = 0; i < nq; i++)
                if (!used[i] && pr[i] > best) best = pr[i];
            const char *grp[32];
            size_t ng = 0;
            for (size_t i = 0; i < nq; i++)
                if (!used[i] && pr[i] == best) grp[ng++] = qn[i], used[i] = 1;
            if (levels > 0) cs_text_puts(&order, ", then ");
            csi_rep_name_list(&order, grp, ng, "", "");
            cs_text_puts(&order, " calls");
            done += ng;
            levels++;
        }
        if (levels > 1 && order.p) csi_rep_hf(&h, ", in order of priority: %r", order.p);
        else cs_text_puts(&h, ", all with the same priority");
        cs_text_free(&order);
    }
    cs_text_puts(&h, ".");
    double shr = csi_rep_jnum(P, "shrinkage");
    if (isfinite(shr)) {
        csi_rep_pct_words(t1, sizeof t1, shr);
        csi_rep_hf(&h, " Shrinkage (time lost to leave, sickness and training) is %s.", t1);
    }
    const cs_json *st = cs_json_get(P, "staffing");
    size_t n = cs_json_size(st);
    if (n > 0) {
        long long mn = LLONG_MAX, mx = LLONG_MIN;
        size_t imx = 0;
        int timed = 1;
        double sum = 0, prev_t = 0, prev_v = 0;
        for (size_t i = 0; i < n; i++) {
            const cs_json *e = cs_json_at(st, i);
            long long v;
            if (!cs_json_int_value(cs_json_get(e, "on_duty"), &v)) v = llround(csi_rep_jnum(e, "on_duty"));
            if (v < mn) mn = v;
            if (v > mx) mx = v, imx = i;
            double t = csi_rep_instant_seconds(csi_rep_jstr(e, "from"));
            if (t < 0 || (i == 0 && t != 0) || (i > 0 && t < prev_t)) timed = 0;
            if (i > 0) sum += prev_v * (t - prev_t);
            prev_t = t;
            prev_v = (double)v;
        }
        double cycle = WEEK_S;
        while (cycle <= prev_t) cycle += WEEK_S;
        sum += prev_v * (cycle - prev_t);
        if (mn == mx) {
            csi_rep_hf(&h, " After breaks and shrinkage, %d handler%r on duty at all times.", (int)mn,
                       mn == 1 ? " is" : "s are");
        } else {
            csi_rep_instant_words(t1, sizeof t1, csi_rep_jstr(cs_json_at(st, imx), "from"));
            csi_rep_hf(&h, " After breaks and shrinkage, between %d and %d handlers are on duty over the week (%d "
                       "from %s", (int)mn, (int)mx, (int)mx, t1);
            if (timed) {
                cs_text_fmt_fixed(t2, sizeof t2, sum / cycle, 1, CS_TEXT_GROUP);
                csi_rep_hf(&h, "), %s on average.", t2);
            } else cs_text_puts(&h, ").");
        }
    }
    const char *od = csi_rep_jstr(P, "on_duty_file");
    if (od)
        csi_rep_hf(&h, " Where the dated file %s gives the number of handlers on duty, that number replaces the "
                   "roster (it is already net of absence and breaks, so shrinkage is not applied to it).", od);
    key2(key, sizeof key, "pool", name);
    add_item(it, G_STAFF, key, &h);
}

/* "from Friday 18:00 for 2 h" (+ ", every week") */
static void window_phrase(cs_text_buf *h, const cs_json *e)
{
    char t1[64], t2[64];
    const char *start = csi_rep_jstr(e, "start");
    if (!start) {
        cs_text_puts(h, " throughout");
        return;
    }
    csi_rep_instant_words(t1, sizeof t1, start);
    csi_rep_dur_words(t2, sizeof t2, csi_rep_jnum(e, "end_s") - csi_rep_jnum(e, "start_s"));
    csi_rep_hf(h, " from %s for %s", t1, t2);
    if (cs_json_bool_value(cs_json_get(e, "weekly"))) cs_text_puts(h, ", every week");
}

static void line_scope(cs_text_buf *h, const char *line)
{
    if (!line || strcmp(line, "all") == 0) cs_text_puts(h, "all lines");
    else csi_rep_hf(h, "line %s", line);
}

static void factor_phrase(cs_text_buf *h, double f)
{
    char t[32];
    snprintf(t, sizeof t, "%g", f);
    csi_rep_hf(h, "%s times", t);
    if (f < 1) {
        csi_rep_pct_words(t, sizeof t, 1 - f);
        csi_rep_hf(h, " as long (%s less)", t);
    } else if (f > 1) {
        csi_rep_pct_words(t, sizeof t, f - 1);
        csi_rep_hf(h, " as long (%s more)", t);
    } else cs_text_puts(h, " as long");
}

static void event_items(items *it, const cs_json *R)
{
    char key[256], t1[64];
    cs_text_buf h = {0};
    const cs_json *su = cs_json_get(R, "surges"), *te = cs_json_get(R, "technology"), *ou = cs_json_get(R, "outages");
    for (size_t i = 0; i < cs_json_size(su); i++) {
        const cs_json *e = cs_json_at(su, i);
        snprintf(t1, sizeof t1, "%g", csi_rep_jnum(e, "factor"));
        cs_text_puts(&h, "<b>Surge</b>: calls to ");
        line_scope(&h, csi_rep_jstr(e, "line"));
        csi_rep_hf(&h, " arrive at %s times the usual rate", t1);
        window_phrase(&h, e);
        cs_text_puts(&h, ".");
        snprintf(key, sizeof key, "surge:%s:%s", csi_rep_jstr(e, "line") ? csi_rep_jstr(e, "line") : "",
                 csi_rep_jstr(e, "start") ? csi_rep_jstr(e, "start") : "");
        add_item(it, G_EVENTS, key, &h);
    }
    for (size_t i = 0; i < cs_json_size(te); i++) {
        const cs_json *e = cs_json_at(te, i);
        csi_rep_hf(&h, "<b>Technology &ldquo;%s&rdquo;</b>: %r on ", csi_rep_jstr(e, "name"),
           csi_rep_jstreq(e, "on", "wrap") ? "after-call work" : "handling");
        line_scope(&h, csi_rep_jstr(e, "line"));
        cs_text_puts(&h, " takes ");
        factor_phrase(&h, csi_rep_jnum(e, "factor"));
        window_phrase(&h, e);
        cs_text_puts(&h, ".");
        key2(key, sizeof key, "tech", csi_rep_jstr(e, "name"));
        add_item(it, G_EVENTS, key, &h);
    }
    for (size_t i = 0; i < cs_json_size(ou); i++) {
        const cs_json *e = cs_json_at(ou, i);
        csi_rep_hf(&h, "<b>Outage &ldquo;%s&rdquo;</b>: ", csi_rep_jstr(e, "name"));
        if (csi_rep_jstreq(e, "effect", "slow")) {
            cs_text_puts(&h, "handling on ");
            line_scope(&h, csi_rep_jstr(e, "line"));
            cs_text_puts(&h, " takes ");
            factor_phrase(&h, csi_rep_jnum(e, "handle_factor"));
        } else {
            cs_text_puts(&h, "every call to ");
            line_scope(&h, csi_rep_jstr(e, "line"));
            cs_text_puts(&h, " is cut off");
        }
        window_phrase(&h, e);
        cs_text_puts(&h, ".");
        key2(key, sizeof key, "outage", csi_rep_jstr(e, "name"));
        add_item(it, G_EVENTS, key, &h);
    }
    if (cs_json_size(su) + cs_json_size(te) + cs_json_size(ou) == 0) {
        cs_text_puts(&h, "None: demand follows its usual pattern, and staff, systems and telephony work normally "
                    "throughout.");
        add_item(it, G_EVENTS, "events:none", &h);
    }
}

static void run_item(items *it, const cs_json *R)
{
    char t1[64], t2[64], t3[64], seed[48];
    cs_text_buf h = {0};
    csi_rep_dur_words(t1, sizeof t1, csi_rep_jnum(R, "horizon_s"));
    csi_rep_dur_words(t2, sizeof t2, csi_rep_jnum(R, "warmup_s"));
    csi_rep_dur_words(t3, sizeof t3, csi_rep_jnum(R, "interval_s"));
    csi_rep_int_text(cs_json_get(R, "seed"), seed, sizeof seed);
    long long reps = 0;
    cs_json_int_value(cs_json_get(R, "replications"), &reps);
    csi_rep_hf(&h, "%s simulated, including a warm-up of %s that is not counted; %d replications from seed %s; "
               "results are also measured for each %s interval of the week.", t1, t2, (int)reps, seed, t3);
    add_item(it, G_RUN, "run", &h);
}

static void assumption_items(items *it, const cs_json *R)
{
    run_item(it, R);
    const cs_json *lines = cs_json_get(R, "lines");
    for (size_t i = 0; i < cs_json_size(lines); i++) demand_items(it, cs_json_at(lines, i));
    for (size_t i = 0; i < cs_json_size(lines); i++) journey_items(it, cs_json_at(lines, i));
    const cs_json *qs = cs_json_get(R, "queues");
    for (size_t i = 0; i < cs_json_size(qs); i++) queue_items(it, cs_json_at(qs, i));
    const cs_json *ps = cs_json_get(R, "pools");
    for (size_t i = 0; i < cs_json_size(ps); i++) pool_items(it, R, cs_json_at(ps, i));
    event_items(it, R);
}

static const item *find_item(const items *it, const char *key)
{
    for (size_t i = 0; i < it->n; i++)
        if (strcmp(it->v[i].key, key) == 0) return &it->v[i];
    return NULL;
}

int csi_rep_assumptions(report *r)
{
    cs_text_buf *b = &r->out;
    cs_text_puts(b, "<section class=\"assumptions\" id=\"assumptions\">\n<h2>Assumptions in words</h2>\n");
    if (!r->sc[0].resolved) {
        cs_text_puts(b, "<p class=\"note\">summary.json does not record the resolved scenario, so the assumptions "
                   "cannot be listed here; see the scenario file in the appendix.</p>\n</section>\n");
        return 1;
    }
    if (r->comparison)
        csi_rep_hf(b, "<p>Everything the base scenario, <b>%s</b>, assumes, in words; then what each other scenario "
              "changes. Each line is generated from the scenario as the simulation read it, after defaults "
              "were filled in.</p>\n", r->sc[0].name);
    else if (r->national)
        csi_rep_hf(b, "<p>A national run has one scenario per force. Everything the first force, <b>%s</b>, assumes "
              "is listed here in words, as an example; every force's own file is in the <code>forces/</code> folder "
              "of the results and its resolved scenario in summary.json.</p>\n",
              cs_json_member_key(cs_json_get(r->summary, "forces"), 0));
    else
        cs_text_puts(b, "<p>Everything the simulation assumed, in words, generated from the scenario as the "
                   "simulation read it (after defaults were filled in). The scenario file itself is in the "
                   "appendix.</p>\n");
    items base = {0};
    assumption_items(&base, r->sc[0].resolved);
    for (int g = 0; g < G_N; g++) {
        int any = 0;
        for (size_t i = 0; i < base.n; i++) {
            if (base.v[i].group != g) continue;
            if (!any) csi_rep_hf(b, "<h3>%s</h3>\n<ul>\n", group_title[g]);
            any = 1;
            csi_rep_hf(b, "<li>%r</li>\n", base.v[i].html);
        }
        if (any) cs_text_puts(b, "</ul>\n");
    }
    int ok = !base.oom;
    for (size_t s = 1; s < r->n_sc && ok; s++) {
        csi_rep_hf(b, "<h3>What changes in &ldquo;%s&rdquo;</h3>\n", r->sc[s].name);
        if (!r->sc[s].resolved) {
            cs_text_puts(b, "<p class=\"note\">Not recorded in summary.json; see the scenario file in the "
                         "appendix.</p>\n");
            continue;
        }
        items v = {0};
        assumption_items(&v, r->sc[s].resolved);
        ok = !v.oom;
        int n = 0;
        for (size_t i = 0; i < v.n; i++) {
            const item *o = find_item(&base, v.v[i].key);
            if (o && strcmp(o->html, v.v[i].html) == 0) continue;
            if (!o && strcmp(v.v[i].key, "events:none") == 0) continue; /* the removals say it */
            if (!n++) cs_text_puts(b, "<ul>\n");
            csi_rep_hf(b, "<li>%r%r</li>\n", o ? "<i>Changed:</i> " : "<i>New:</i> ", v.v[i].html);
        }
        for (size_t i = 0; i < base.n; i++) {
            if (find_item(&v, base.v[i].key) || strcmp(base.v[i].key, "events:none") == 0) continue;
            if (!n++) cs_text_puts(b, "<ul>\n");
            csi_rep_hf(b, "<li><i>No longer:</i> %r</li>\n", base.v[i].html);
        }
        if (n) cs_text_puts(b, "</ul>\n");
        else cs_text_puts(b, "<p>No difference in the assumptions listed above; the change is in a detail they do "
                        "not describe (see the scenario file in the appendix).</p>\n");
        items_free(&v);
    }
    items_free(&base);
    cs_text_puts(b, "</section>\n");
    return ok;
}

