// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Feed synthetic riommu tracepoint events to the BPF programs of a running
 * tool (started with RIOMMU_TEST_NOATTACH=1) through BPF_PROG_TEST_RUN.
 *
 *   drive top|trace < script
 *
 * Script lines (numbers in C syntax; the tracepoints' TP_PROTO order of
 * docs/interfaces.md but for what the programs do not read: report and
 * response get address 0, every event a NULL IOMMU device):
 *   consume IOMMU DEVID PASID FLAGS PRGI ADDR
 *   report IOMMU DEVID PASID FLAGS PRGI RET
 *   response IOMMU DEVID PASID FLAGS PRGI CODE
 *   error IOMMU ERRORS HEAD TAIL
 *   failure RID PASID FLAGS GRPID ADDR PERM CODE REASON
 *   sleep MS
 *   wait                    (exit 0 once the programs exist; used to sync)
 * The newest loaded program with the tool's name is used; events whose
 * program is not loaded (the tool's mode does not need it) are skipped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "riommu.h"

static const char *const tps[] = { "pq_consume", "pq_report", "page_response", "pq_error",
				   "iopf_failure" };
static const char *const verbs[] = { "consume", "report", "response", "error", "failure" };
/* numbers per script line, and tracepoint arguments (TP_PROTO order) */
static const int nnums[] = { 6, 6, 6, 4, 8 };
static const int nargs[] = { 8, 8, 8, 5, 9 };

static int find_prog(const char *name)
{
	__u32 id = 0, best = 0;
	int fd, bestfd = -1;

	while (!bpf_prog_get_next_id(id, &id)) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue;
		/*
		 * kernel names are truncated to 15 characters; only raw_tp
		 * programs can be test-run (tp_btf twins share the prefix)
		 */
		if (!bpf_prog_get_info_by_fd(fd, &info, &len) &&
		    info.type == BPF_PROG_TYPE_RAW_TRACEPOINT &&
		    !strncmp(info.name, name, sizeof(info.name) - 1) && id > best) {
			if (bestfd >= 0)
				close(bestfd);
			best = id;
			bestfd = fd;
			continue;
		}
		close(fd);
	}
	return bestfd;
}

int main(int argc, char **argv)
{
	int fds[5], i, line = 0;
	char buf[256], verb[32], name[64];

	if (argc != 2 || (strcmp(argv[1], "top") && strcmp(argv[1], "trace"))) {
		fprintf(stderr, "usage: drive top|trace < script\n");
		return 2;
	}
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "%s_%s", argv[1], tps[i]);
		fds[i] = find_prog(name);
	}
	while (fgets(buf, sizeof(buf), stdin)) {
		unsigned long long a[9] = {};
		int n, v;

		line++;
		if (buf[0] == '#' || sscanf(buf, "%31s", verb) != 1)
			continue;
		if (!strcmp(verb, "sleep")) {
			usleep(atoi(buf + 5) * 1000);
			continue;
		}
		if (!strcmp(verb, "wait"))
			return fds[0] >= 0 && fds[2] >= 0 ? 0 : 1;
		for (v = 0; v < 5; v++)
			if (!strcmp(verb, verbs[v]))
				break;
		if (v == 5) {
			fprintf(stderr, "drive: line %d: unknown event %s\n", line, verb);
			return 2;
		}
		n = sscanf(buf + strlen(verb), "%lli %lli %lli %lli %lli %lli %lli %lli %lli",
			   &a[0], &a[1], &a[2], &a[3], &a[4], &a[5], &a[6], &a[7], &a[8]);
		if (n != nnums[v]) {
			fprintf(stderr, "drive: line %d: %s needs %d numbers\n", line, verb,
				nnums[v]);
			return 2;
		}
		if (v == 4) {
			/* failure: the script omits the device pointer */
			memmove(&a[1], &a[0], 8 * sizeof(a[0]));
			a[0] = 0;
		} else if (v == 1 || v == 2) {
			/* report, response: ret or code after the address, not given */
			a[RA_RESULT] = a[RA_ADDR];
			a[RA_ADDR] = 0;
		}
		/* the IOMMU's struct device pointer, last, stays NULL */
		if (fds[v] < 0)
			continue;	/* not loaded in this mode: the kernel would not run it either */
		{
			LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = a,
				    .ctx_size_in = nargs[v] * sizeof(a[0]));
			int err = bpf_prog_test_run_opts(fds[v], &o);

			if (err) {
				fprintf(stderr, "drive: line %d: test run: %s\n", line, strerror(-err));
				return 1;
			}
		}
	}
	return 0;
}
