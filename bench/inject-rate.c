// SPDX-License-Identifier: GPL-2.0
/*
 * inject-rate: time one write to the RISC-V IOMMU page-request injector.
 * The write returns when every record has been consumed, reported and,
 * for last requests, answered, so its duration is the PQ path's cost.
 * Busybox's date has no sub-second clock, hence this helper.
 *
 *   inject-rate [-i PATH] GROUPS     one write of GROUPS one-request groups
 *
 * Prints "groups N ns T per_s R".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static unsigned long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	const char *path = "/sys/kernel/debug/iommu/riscv/iommu0/pq_inject";
	unsigned long long t0, t1;
	unsigned long groups;
	char line[128], *end;
	int fd, len;

	if (argc == 4 && !strcmp(argv[1], "-i")) {
		path = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: inject-rate [-i PATH] GROUPS\n");
		return 2;
	}
	groups = strtoul(argv[1], &end, 0);
	if (*end || !groups || groups > 10000000) {
		fprintf(stderr, "inject-rate: GROUPS must be 1..10000000, not '%s'\n", argv[1]);
		return 2;
	}
	fd = open(path, O_WRONLY);
	if (fd < 0) {
		fprintf(stderr, "inject-rate: %s: %s\n", path, strerror(errno));
		return 1;
	}
	/* An unknown RID: the driver answers each group itself (Invalid). */
	len = snprintf(line, sizeof(line),
		       "devid=0x30 prgi=0 addr=0x1000 perm=r groups=%lu last", groups);
	t0 = mono_ns();
	if (write(fd, line, len) != len) {
		fprintf(stderr, "inject-rate: write: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	t1 = mono_ns();
	close(fd);
	printf("groups %lu ns %llu per_s %.0f\n", groups, t1 - t0,
	       groups * 1e9 / (double)(t1 - t0));
	return 0;
}
