// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <math.h>
#include <string.h>
#include "output.h"
#include "riommu.h"

void rec_init(struct record *r)
{
	r->n = 0;
	r->overflow = false;
}

static struct field *rec_add(struct record *r, const char *name, enum field_type t)
{
	struct field *f;

	if (r->n >= REC_MAX_FIELDS) {
		r->overflow = true;
		return NULL;
	}
	f = &r->f[r->n++];
	f->name = name;
	f->t = t;
	return f;
}

void rec_u64(struct record *r, const char *name, __u64 v)
{
	struct field *f = rec_add(r, name, FT_U64);

	if (f)
		f->u = v;
}

void rec_s64(struct record *r, const char *name, long long v)
{
	struct field *f = rec_add(r, name, FT_S64);

	if (f)
		f->s = v;
}

void rec_dbl(struct record *r, const char *name, double v)
{
	struct field *f = rec_add(r, name, isfinite(v) ? FT_DBL : FT_NULL);

	if (f)
		f->d = v;
}

void rec_str(struct record *r, const char *name, const char *v)
{
	struct field *f = rec_add(r, name, v ? FT_STR : FT_NULL);

	if (f)
		f->str = v;
}

void rec_null(struct record *r, const char *name)
{
	rec_add(r, name, FT_NULL);
}

void rec_raw(struct record *r, const char *name, const char *json)
{
	struct field *f = rec_add(r, name, FT_RAW);

	if (f)
		f->str = json;
}

void rec_start(struct record *r, const char *type)
{
	rec_init(r);
	rec_u64(r, "schema", RIOMMU_SCHEMA);
	rec_str(r, "type", type);
}

void rec_fields(struct record *r, const struct field *f, int n)
{
	struct field *x;
	int i;

	for (i = 0; i < n; i++) {
		/* their null cases: not finite, NULL */
		if (f[i].t == FT_DBL) {
			rec_dbl(r, f[i].name, f[i].d);
			continue;
		}
		if (f[i].t == FT_STR) {
			rec_str(r, f[i].name, f[i].str);
			continue;
		}
		x = rec_add(r, f[i].name, f[i].t);
		if (x)
			*x = f[i];
	}
}

const char *json_escape(char *buf, size_t len, const char *s)
{
	size_t o = 0;

	if (!len)
		return buf;
	for (; *s && o + 7 < len; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = c;
		} else if (c == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else if (c < 0x20) {
			o += snprintf(buf + o, len - o, "\\u%04x", c);
		} else {
			buf[o++] = c;
		}
	}
	buf[o] = 0;
	return buf;
}

static void fmt_value(FILE *f, const struct field *x, bool json)
{
	char buf[512];

	switch (x->t) {
	case FT_U64:
		fprintf(f, "%llu", (unsigned long long)x->u);
		break;
	case FT_S64:
		fprintf(f, "%lld", x->s);
		break;
	case FT_DBL:
		fprintf(f, "%.3f", x->d);
		break;
	case FT_STR:
		if (json)
			fprintf(f, "\"%s\"", json_escape(buf, sizeof(buf), x->str));
		else if (strpbrk(x->str, ",\"\n")) {
			/* RFC 4180 quoting */
			const char *p;

			fputc('"', f);
			for (p = x->str; *p; p++) {
				if (*p == '"')
					fputc('"', f);
				fputc(*p, f);
			}
			fputc('"', f);
		} else {
			fputs(x->str, f);
		}
		break;
	case FT_NULL:
		if (json)
			fputs("null", f);
		break;
	case FT_RAW:
		fputs(json ? x->str : "", f);
		break;
	}
}

void emit_json(FILE *f, const struct record *r)
{
	int i;

	fputc('{', f);
	for (i = 0; i < r->n; i++) {
		fprintf(f, "%s\"%s\":", i ? "," : "", r->f[i].name);
		fmt_value(f, &r->f[i], true);
	}
	fputs("}\n", f);
}

void emit_csv_header(FILE *f, const struct record *r)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (r->f[i].t != FT_RAW)
			fprintf(f, "%s%s", i ? "," : "", r->f[i].name);
	fputc('\n', f);
}

void emit_csv(FILE *f, const struct record *r)
{
	int i;

	for (i = 0; i < r->n; i++) {
		if (r->f[i].t == FT_RAW)
			continue;
		if (i)
			fputc(',', f);
		fmt_value(f, &r->f[i], false);
	}
	fputc('\n', f);
}

void table_header(FILE *f, const struct table_col *c, int n)
{
	int i;

	for (i = 0; i < n; i++)
		fprintf(f, "%s%*s", i ? " " : "", c[i].left ? -c[i].width : c[i].width,
			c[i].title);
	fputc('\n', f);
}

void table_row(FILE *f, const struct table_col *c, int n, const char *const *cells)
{
	int i;

	for (i = 0; i < n; i++)
		fprintf(f, "%s%*s", i ? " " : "", c[i].left ? -c[i].width : c[i].width,
			cells[i] ? cells[i] : "-");
	fputc('\n', f);
}

void rec_project(struct record *dst, const struct record *src, const char *const *names, int n)
{
	int i, j;

	rec_init(dst);
	for (i = 0; i < n; i++) {
		for (j = 0; j < src->n && strcmp(src->f[j].name, names[i]); j++)
			;
		if (j < src->n && src->f[j].t != FT_RAW) {
			rec_fields(dst, &src->f[j], 1);
			dst->f[dst->n - 1].name = names[i];
		} else {
			rec_null(dst, names[i]);
		}
	}
}
