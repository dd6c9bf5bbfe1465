/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * One record type for NDJSON, CSV and table output, so that every format
 * carries the same field names (see docs/man for the FIELDS lists).
 */
#ifndef RIOMMU_TOOLS_OUTPUT_H
#define RIOMMU_TOOLS_OUTPUT_H

#include <stdio.h>
#include <stdbool.h>
#include <linux/types.h>

enum field_type { FT_U64, FT_S64, FT_DBL, FT_STR, FT_NULL, FT_RAW };

struct field {
	const char *name;
	enum field_type t;
	union {
		__u64 u;
		long long s;
		double d;
		const char *str;	/* FT_STR, FT_RAW (pre-formatted JSON) */
	};
};

#define REC_MAX_FIELDS	48

struct record {
	int n;
	bool overflow;
	struct field f[REC_MAX_FIELDS];
};

void rec_init(struct record *r);
void rec_u64(struct record *r, const char *name, __u64 v);
void rec_s64(struct record *r, const char *name, long long v);
void rec_dbl(struct record *r, const char *name, double v);
void rec_str(struct record *r, const char *name, const char *v);
void rec_null(struct record *r, const char *name);
void rec_raw(struct record *r, const char *name, const char *json);
/* Start of every NDJSON record: rec_init(), "schema", "type". */
void rec_start(struct record *r, const char *type);

/*
 * Fields from a list, each added as rec_u64(), rec_dbl(), ... would:
 * REC_FIELDS(r, F_U64("requests", n), F_DBL("req_s", x), ...).
 */
#define F_U64(n, v)	{ .name = (n), .t = FT_U64, .u = (v) }
#define F_DBL(n, v)	{ .name = (n), .t = FT_DBL, .d = (v) }
#define F_STR(n, v)	{ .name = (n), .t = FT_STR, .str = (v) }
#define F_OPT(n, has, v) { .name = (n), .t = (has) ? FT_U64 : FT_NULL, .u = (v) }
void rec_fields(struct record *r, const struct field *f, int n);
#define REC_FIELDS(r, ...)						\
	rec_fields((r), (const struct field[]){ __VA_ARGS__ },		\
		   sizeof((const struct field[]){ __VA_ARGS__ }) / sizeof(struct field))

/*
 * dst gets the fields of src named in names[], in that order, null where src
 * has none: fixed CSV columns for records whose fields vary by kind.
 */
void rec_project(struct record *dst, const struct record *src, const char *const *names, int n);

/* JSON string body with escapes, into buf; returns buf. */
const char *json_escape(char *buf, size_t len, const char *s);
void emit_json(FILE *f, const struct record *r);
void emit_csv_header(FILE *f, const struct record *r);
void emit_csv(FILE *f, const struct record *r);

/* Fixed-width text table. */
struct table_col {
	const char *title;
	int width;
	bool left;
};

void table_header(FILE *f, const struct table_col *c, int n);
void table_row(FILE *f, const struct table_col *c, int n, const char *const *cells);

#endif
