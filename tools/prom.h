/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A minimal HTTP endpoint serving Prometheus text exposition (format
 * 0.0.4) at /metrics.  The tool publishes a complete page after each
 * interval; a scrape gets the last one.  One thread answers the scrapes,
 * one connection at a time (a scraper asks once every few seconds).
 */
#ifndef RIOMMU_TOOLS_PROM_H
#define RIOMMU_TOOLS_PROM_H

#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

/*
 * Listen on "[ADDR:]PORT" (ADDR an IPv4 address, all addresses without
 * one).  Returns 0, or -1 with one sentence (without the tool's name) in
 * err.
 */
int prom_parse_addr(const char *s, char *host, size_t hlen, unsigned *port);
int prom_start(const char *addr, char *err, size_t errlen);
/* Replace the page a scrape gets by the len bytes at text (copied). */
void prom_publish(const char *text, size_t len);
void prom_stop(void);

/* Helpers for writing a page. */
void prom_header(FILE *f, const char *name, const char *type, const char *help);
/* Histogram bucket bounds: 2^10 .. 2^34 ns (1.024 us .. 17.2 s), then +Inf. */
#define PROM_LAT_FIRST_LOG	10
#define PROM_LAT_BUCKETS	25
/* The bucket (0 .. PROM_LAT_BUCKETS, the last +Inf) of a fine slot. */
unsigned prom_lat_bucket(unsigned fine_slot);

#endif
