// SPDX-License-Identifier: GPL-2.0
/*
 * pri-testdev: drive QEMU's riommu-pri-testdev (1b36:00f1) from user space.
 *
 * Maps BAR0 through /sys/bus/pci/devices/<bdf>/resource0 and programs the
 * device's page request bursts.  Register layout: docs/qemu-testdev.md.
 * Every command prints "name value" lines, so that busybox sh tests can
 * pick values with awk.
 *
 *   pri-testdev find                       BDFs of all test devices
 *   pri-testdev [-d BDF] status            registers
 *   pri-testdev [-d BDF] reset             clear counters and outstanding groups
 *   pri-testdev [-d BDF] stop              stop sending (outstanding groups stay)
 *   pri-testdev [-d BDF] master            set Bus Master Enable (config space)
 *   pri-testdev [-d BDF] pri-enable [alloc=N]   enable PRI in the capability
 *                                          (what a kernel driver would do)
 *   pri-testdev [-d BDF] pri-disable
 *   pri-testdev [-d BDF] pasid-enable | pasid-disable   PASID control
 *   pri-testdev [-d BDF] pri-reset          PRI Reset (Enable clear), then
 *                                          Enable again if it was set: what a
 *                                          driver does after Response Failure
 *   pri-testdev [-d BDF] stop-marker pasid=N [prgi=N]   send one Stop Marker
 *   pri-testdev [-d BDF] run KEY=VAL...    start a burst, wait, print registers
 *       addr=ADDR (page aligned; required)   pasid=N (sets PV)
 *       perm=r|w|rw|rx|rwx...  (default r)   priv
 *       group=N requests per group (1)       count=N groups (1)
 *       rate=N groups/s (0: unpaced)         prgi=N first PRG index (0)
 *       dma=VALUE write VALUE+group# to the group's first page after Success
 *       ignore-alloc  exceed the PRI allocation granted by software
 *       ats           ATS mode: translate each page, page requests for the
 *                     pages not granted, retry after Success, then DMA to
 *                     the translated address (writes DMA value + page
 *                     number with perm w, reads and sums with perm r)
 *       interleave    requests of two groups alternate (PRI mode)
 *       mixed         requests of a group rotate R, W, RW (X with perm x)
 *       pasids=N      rotate through N PASIDs (pasid, pasid + stride, ...)
 *       pasid-stride=N (1)                   prgi-stride=N (1)
 *       batch=N       messages per run of the device's work (32; up to
 *                     16384 to outrun the page-request queue's consumer)
 *       keep          do not reset counters before the burst
 *       nowait        start and return at once
 *       timeout=SEC   how long to wait for every response (10)
 *   pri-testdev [-d BDF] wait [timeout=SEC] wait for the burst to finish
 *   pri-testdev [-d BDF] dma addr=ADDR value=V [pasid=N]   one DMA write now
 *   pri-testdev [-d BDF] sva count=N [group=N] [perm=r|w] [value=V] [readonly]
 *       SVA through riommu-test's /dev/riommu-test-BDF: bind this process,
 *       then the function reads or writes N pages of fresh anonymous memory
 *       in ATS mode with the mm's PASID (every page faults in through the
 *       page-request queue).  perm=w: each page must then hold V + its
 *       number; perm=r: the CPU fills the pages first and the device's sum
 *       must match.  readonly maps the memory without write permission.
 *       Prints the device's registers, sva_pasid and pages_ok.
 *
 * Exit status: 0 done, 1 timeout (groups still outstanding), 2 usage or
 * device error (a burst the device refused: see the err_* lines), 3 the
 * device stopped after a Response Failure (PRI status RF; pri-reset).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define VENDOR		0x1b36
#define DEVICE		0x00f1
#define MAGIC		0x52505431u
#define BAR_SIZE	4096

/* Registers, as in docs/qemu-testdev.md */
#define R_ID		0x000
#define R_VER		0x004
#define R_STATUS	0x008
#define R_CTRL		0x00c
#define R_ADDR		0x010
#define R_PASID		0x018
#define R_FLAGS		0x01c
#define R_GROUP_SIZE	0x020
#define R_COUNT		0x024
#define R_RATE		0x028
#define R_PRGI_BASE	0x02c
#define R_DMA_VALUE	0x030
#define R_PRI_ALLOC	0x038
#define R_OUTSTANDING	0x03c
#define R_REQ_SENT	0x040
#define R_GROUPS_SENT	0x044
#define R_SEND_ERRORS	0x048
#define R_RESP_TOTAL	0x04c
#define R_RESP_SUCCESS	0x050
#define R_RESP_INVALID	0x054
#define R_RESP_FAILURE	0x058
#define R_RESP_UNEXP	0x05c
#define R_DMA_OK	0x060
#define R_DMA_FAIL	0x064
#define R_LAST_RESP	0x068
#define R_STALLS	0x06c
#define R_LAT_COUNT	0x070
#define R_LAT_SUM	0x078
#define R_LAT_MIN	0x080
#define R_LAT_MAX	0x088
#define R_NOW		0x090
#define R_FIRST_SEND	0x098
#define R_LAST_RESP_NS	0x0a0
#define R_DMA_STATUS	0x0a8
#define R_ATS_INVAL	0x0ac
#define R_MODE		0x0b0
#define R_PASID_COUNT	0x0b4
#define R_PASID_STRIDE	0x0b8
#define R_PRGI_STRIDE	0x0bc
#define R_NOT_QUEUED	0x0c0
#define R_RESP_NO_PASID	0x0c4
#define R_RESP_WRONG_PASID 0x0c8
#define R_ATS_REQS	0x0cc
#define R_ATS_DENIED	0x0d0
#define R_ATS_ERRORS	0x0d4
#define R_STOP_MARKERS	0x0d8
#define R_REFUSED	0x0dc
#define R_DMA_SUM	0x0e0
#define R_ATS_RETRIES	0x0e8
#define R_BATCH		0x0ec

#define ST_RUNNING	(1u << 0)
#define ST_ERR_PASID	(1u << 11)
#define ST_ERR_PERM	(1u << 12)
#define ST_ERR_RF	(1u << 13)
#define CTRL_START	(1u << 0)
#define CTRL_STOP	(1u << 1)
#define CTRL_RESET	(1u << 2)
#define CTRL_DMA_NOW	(1u << 3)
#define CTRL_STOP_MARKER (1u << 4)
#define MODE_ATS	(1u << 0)
#define MODE_INTERLEAVE	(1u << 1)
#define MODE_MIXED	(1u << 2)
#define PASID_PV	(1u << 31)
#define F_R		(1u << 0)
#define F_W		(1u << 1)
#define F_X		(1u << 2)
#define F_PRIV		(1u << 3)
#define F_DMA		(1u << 4)
#define F_IGNORE_ALLOC	(1u << 5)

static volatile uint8_t *bar;
static char bdf[256];

static uint32_t rd32(unsigned int off)
{
	return *(volatile uint32_t *)(bar + off);
}

/* Two 32-bit halves: the device latches nothing, so read hi, lo, hi. */
static uint64_t rd64(unsigned int off)
{
	uint32_t hi, lo;

	do {
		hi = rd32(off + 4);
		lo = rd32(off);
	} while (hi != rd32(off + 4));
	return (uint64_t)hi << 32 | lo;
}

static void wr32(unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(bar + off) = v;
}

static void wr64(unsigned int off, uint64_t v)
{
	wr32(off, (uint32_t)v);
	wr32(off + 4, (uint32_t)(v >> 32));
}

static int read_hex(const char *path, unsigned long *val)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%lx", val) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

/* Print (find) or pick the first test device; 0 if one was found. */
static int find_devices(int print)
{
	const char *base = "/sys/bus/pci/devices";
	struct dirent *de;
	DIR *d = opendir(base);
	int found = 0;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char path[512];
		unsigned long v, dv;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/vendor", base, de->d_name);
		if (read_hex(path, &v) || v != VENDOR)
			continue;
		snprintf(path, sizeof(path), "%s/%s/device", base, de->d_name);
		if (read_hex(path, &dv) || dv != DEVICE)
			continue;
		if (print)
			printf("%s\n", de->d_name);
		if (!found)
			snprintf(bdf, sizeof(bdf), "%s", de->d_name);
		found++;
	}
	closedir(d);
	return found ? 0 : -1;
}

static int map_bar(void)
{
	char path[512];
	unsigned long en = 1;
	int fd;
	void *p;

	/* Memory decoding: a bound driver has it on; without one, ask sysfs. */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/enable", bdf);
	if (!read_hex(path, &en) && !en) {
		fd = open(path, O_WRONLY);
		/* Refused (EBUSY) with a driver bound: "master" sets decoding. */
		if (fd >= 0) {
			if (write(fd, "1", 1) != 1)
				errno = 0;
			close(fd);
		}
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", bdf);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0) {
		fprintf(stderr, "pri-testdev: %s: %s\n", path, strerror(errno));
		return -1;
	}
	p = mmap(NULL, BAR_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		fprintf(stderr, "pri-testdev: mmap %s: %s\n", path, strerror(errno));
		return -1;
	}
	bar = p;
	if (rd32(R_ID) != MAGIC) {
		fprintf(stderr, "pri-testdev: %s: bad ID 0x%08x (memory decoding off?)\n",
			bdf, rd32(R_ID));
		return -1;
	}
	return 0;
}

static int set_master(void)
{
	char path[512];
	uint16_t cmd;
	int fd, ok;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -1;
	ok = pread(fd, &cmd, 2, 4) == 2;
	cmd |= 0x6;	/* Memory Space, Bus Master */
	ok = ok && pwrite(fd, &cmd, 2, 4) == 2;
	close(fd);
	return ok ? 0 : -1;
}

#define EXT_CAP_PRI	0x13
#define EXT_CAP_PASID	0x1b

/* Config space offset of an extended capability, 0 if none. */
static int ext_cap(int fd, unsigned int id)
{
	uint32_t hdr;
	int off = 0x100, n = 0;

	while (off && n++ < 64) {
		if (pread(fd, &hdr, 4, off) != 4)
			return 0;
		if ((hdr & 0xffff) == id)
			return off;
		off = hdr >> 20;
	}
	return 0;
}

/*
 * Open the function's config space and find extended capability @id
 * (@name for the error).  Returns the fd, or -1 with nothing left open.
 */
static int open_cap(unsigned int id, const char *name, int flags, int *cap)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, flags);
	if (fd < 0)
		return -1;
	*cap = ext_cap(fd, id);
	if (!*cap) {
		fprintf(stderr, "pri-testdev: %s: no %s capability\n", bdf, name);
		close(fd);
		return -1;
	}
	return fd;
}

/* PASID control: Enable, plus Execute/Privileged when the function has them. */
static int set_pasid(int enable)
{
	uint16_t cap_reg, ctrl = 0;
	int fd, cap, ok;

	fd = open_cap(EXT_CAP_PASID, "PASID", O_RDWR, &cap);
	if (fd < 0)
		return -1;
	ok = pread(fd, &cap_reg, 2, cap + 4) == 2;
	if (enable)
		ctrl = 1 | (cap_reg & 0x6);
	ok = ok && pwrite(fd, &ctrl, 2, cap + 6) == 2;
	close(fd);
	return ok ? 0 : -1;
}

/* PRI Reset with Enable clear, then Enable again if it was set. */
static int reset_pri(void)
{
	uint16_t ctrl, old;
	int fd, cap, ok;

	fd = open_cap(EXT_CAP_PRI, "PRI", O_RDWR, &cap);
	if (fd < 0)
		return -1;
	ok = pread(fd, &old, 2, cap + 4) == 2;
	ctrl = 2;	/* Reset, Enable clear */
	ok = ok && pwrite(fd, &ctrl, 2, cap + 4) == 2;
	ctrl = old & 1;
	ok = ok && pwrite(fd, &ctrl, 2, cap + 4) == 2;
	close(fd);
	return ok ? 0 : -1;
}

/* Enable (alloc > 0) or disable PRI: reset, set the allocation, enable. */
static int set_pri(int enable, uint32_t alloc)
{
	uint16_t ctrl;
	int fd, cap, ok;

	fd = open_cap(EXT_CAP_PRI, "PRI", O_RDWR, &cap);
	if (fd < 0)
		return -1;
	ctrl = 0;	/* Enable off before the allocation changes */
	ok = pwrite(fd, &ctrl, 2, cap + 4) == 2;
	if (enable) {
		ok = ok && pwrite(fd, &alloc, 4, cap + 0xc) == 4;
		ctrl = 1;
		ok = ok && pwrite(fd, &ctrl, 2, cap + 4) == 2;
	}
	close(fd);
	return ok ? 0 : -1;
}

/* PRI status "PRG Response PASID Required" (bit 15), -1 if unreadable */
static int resp_pasid_required(void)
{
	uint16_t st;
	int fd, cap, ok;

	fd = open_cap(EXT_CAP_PRI, "PRI", O_RDONLY, &cap);
	if (fd < 0)
		return -1;
	ok = pread(fd, &st, 2, cap + 6) == 2;
	close(fd);
	return ok ? st >> 15 & 1 : -1;
}

static void print_status(void)
{
	static const struct { const char *name; unsigned int off; int w64; } regs[] = {
		{ "status", R_STATUS, 0 },	{ "pasid", R_PASID, 0 },
		{ "flags", R_FLAGS, 0 },	{ "group_size", R_GROUP_SIZE, 0 },
		{ "count", R_COUNT, 0 },	{ "rate", R_RATE, 0 },
		{ "prgi_base", R_PRGI_BASE, 0 }, { "pri_alloc", R_PRI_ALLOC, 0 },
		{ "outstanding", R_OUTSTANDING, 0 }, { "req_sent", R_REQ_SENT, 0 },
		{ "groups_sent", R_GROUPS_SENT, 0 }, { "send_errors", R_SEND_ERRORS, 0 },
		{ "resp_total", R_RESP_TOTAL, 0 }, { "resp_success", R_RESP_SUCCESS, 0 },
		{ "resp_invalid", R_RESP_INVALID, 0 }, { "resp_failure", R_RESP_FAILURE, 0 },
		{ "resp_unexpected", R_RESP_UNEXP, 0 }, { "dma_ok", R_DMA_OK, 0 },
		{ "dma_fail", R_DMA_FAIL, 0 },	{ "last_resp", R_LAST_RESP, 0 },
		{ "stalls", R_STALLS, 0 },	{ "dma_status", R_DMA_STATUS, 0 },
		{ "ats_inval", R_ATS_INVAL, 0 },
		{ "mode", R_MODE, 0 },		{ "pasid_count", R_PASID_COUNT, 0 },
		{ "pasid_stride", R_PASID_STRIDE, 0 }, { "prgi_stride", R_PRGI_STRIDE, 0 },
		{ "not_queued", R_NOT_QUEUED, 0 }, { "resp_no_pasid", R_RESP_NO_PASID, 0 },
		{ "resp_wrong_pasid", R_RESP_WRONG_PASID, 0 },
		{ "ats_reqs", R_ATS_REQS, 0 },	{ "ats_denied", R_ATS_DENIED, 0 },
		{ "ats_errors", R_ATS_ERRORS, 0 }, { "ats_retries", R_ATS_RETRIES, 0 },
		{ "stop_markers", R_STOP_MARKERS, 0 }, { "refused", R_REFUSED, 0 },
		{ "batch", R_BATCH, 0 },
		{ "dma_sum", R_DMA_SUM, 1 },
		{ "addr", R_ADDR, 1 },		{ "lat_count", R_LAT_COUNT, 1 },
		{ "lat_sum_ns", R_LAT_SUM, 1 },	{ "lat_min_ns", R_LAT_MIN, 1 },
		{ "lat_max_ns", R_LAT_MAX, 1 },	{ "first_send_ns", R_FIRST_SEND, 1 },
		{ "last_resp_ns", R_LAST_RESP_NS, 1 }, { "now_ns", R_NOW, 1 },
	};
	static const char *const bits[] = {
		"running", "pri_enabled", "pasid_enabled", "ats_enabled",
		"master", "notifier", "rf", "stopped", "err_send", "err_alloc",
		"err_notifier", "err_pasid", "err_perm", "err_rf",
	};
	uint32_t st = rd32(R_STATUS);
	uint64_t n;
	size_t i;

	printf("bdf %s\n", bdf);
	printf("resp_pasid_required %d\n", resp_pasid_required());
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		printf("%s %u\n", bits[i], st >> i & 1);
	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		if (regs[i].w64)
			printf("%s %llu\n", regs[i].name, (unsigned long long)rd64(regs[i].off));
		else if (regs[i].off == R_STATUS || regs[i].off == R_FLAGS ||
			 regs[i].off == R_PASID || regs[i].off == R_LAST_RESP)
			printf("%s 0x%x\n", regs[i].name, rd32(regs[i].off));
		else
			printf("%s %u\n", regs[i].name, rd32(regs[i].off));
	}
	n = rd64(R_LAT_COUNT);
	printf("lat_avg_ns %llu\n", n ? (unsigned long long)(rd64(R_LAT_SUM) / n) : 0ULL);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Until the burst is sent and answered; 0 done, 1 timeout. */
static int wait_done(double timeout)
{
	double end = now_s() + timeout;

	for (;;) {
		if (!(rd32(R_STATUS) & ST_RUNNING) && rd32(R_OUTSTANDING) == 0)
			return 0;
		if (now_s() > end)
			return 1;
		usleep(2000);
	}
}

static int parse_perm(const char *p, uint32_t *flags)
{
	*flags &= ~(F_R | F_W | F_X);
	for (; *p; p++) {
		switch (*p) {
		case 'r': *flags |= F_R; break;
		case 'w': *flags |= F_W; break;
		case 'x': *flags |= F_X; break;
		default: return -1;
		}
	}
	return 0;
}

/* The sva command: see the header. */
static int run_sva(uint32_t pages, uint32_t group, uint32_t flags,
		   uint64_t value, int readonly, double timeout)
{
	char path[320], line[32];
	uint64_t expect_sum = 0;
	uint32_t pasid, ok = 0, i;
	uint8_t *buf;
	size_t len = (size_t)pages * 4096;
	ssize_t n;
	int fd, rc;

	snprintf(path, sizeof(path), "/dev/riommu-test-%s", bdf);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "pri-testdev: %s: %s (riommu-test bound, with SVA?)\n",
			path, strerror(errno));
		return 2;
	}
	n = read(fd, line, sizeof(line) - 1);
	if (n <= 0) {
		fprintf(stderr, "pri-testdev: %s: no PASID\n", path);
		close(fd);
		return 2;
	}
	line[n] = 0;
	pasid = strtoul(line, NULL, 0);

	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("pri-testdev: mmap");
		close(fd);
		return 2;
	}
	if (flags & F_R && !(flags & F_W)) {
		for (i = 0; i < pages; i++) {
			*(volatile uint64_t *)(buf + (size_t)i * 4096) = value + i;
			expect_sum += value + i;
		}
	}
	if (readonly && mprotect(buf, len, PROT_READ)) {
		perror("pri-testdev: mprotect");
		close(fd);
		return 2;
	}

	wr32(R_CTRL, CTRL_STOP | CTRL_RESET);
	wr64(R_ADDR, (uintptr_t)buf);
	wr32(R_PASID, PASID_PV | pasid);
	wr32(R_FLAGS, flags);
	wr32(R_GROUP_SIZE, group);
	wr32(R_COUNT, (pages + group - 1) / group);
	wr32(R_RATE, 0);
	wr32(R_PRGI_BASE, 0);
	wr32(R_PRGI_STRIDE, 1);
	wr32(R_MODE, MODE_ATS);
	wr32(R_PASID_COUNT, 1);
	wr32(R_PASID_STRIDE, 1);
	wr32(R_BATCH, 0);
	wr64(R_DMA_VALUE, value);
	wr32(R_CTRL, CTRL_START);
	rc = wait_done(timeout);
	print_status();
	printf("sva_pasid %u\n", pasid);
	if (flags & F_W) {
		for (i = 0; i < pages; i++)
			ok += *(volatile uint64_t *)(buf + (size_t)i * 4096) == value + i;
	} else {
		ok = rd64(R_DMA_SUM) == expect_sum ? pages : 0;
		printf("sum_expected %llu\n", (unsigned long long)expect_sum);
	}
	printf("pages_ok %u\n", ok);
	munmap(buf, len);
	close(fd);
	return rc ? rc : ok == pages ? 0 : 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: pri-testdev [-d BDF] find|status|reset|stop|master|pri-enable|pri-disable|pri-reset|"
		"pasid-enable|pasid-disable|stop-marker|run KEY=VAL...|wait|dma KEY=VAL... (see the file header)\n");
	return 2;
}

int main(int argc, char **argv)
{
	uint64_t addr = 0, value = 0;
	uint32_t flags = F_R, pasid = 0, group = 1, count = 1, rate = 0, prgi = 0;
	uint32_t alloc = 32, mode = 0, pasids = 1, pasid_stride = 1, prgi_stride = 1;
	uint32_t batch = 0;
	int have_addr = 0, keep = 0, nowait = 0, readonly = 0, i;
	double timeout = 10;
	const char *cmd;

	if (argc > 2 && !strcmp(argv[1], "-d")) {
		snprintf(bdf, sizeof(bdf), "%s", argv[2]);
		argc -= 2;
		argv += 2;
	}
	if (argc < 2)
		return usage();
	cmd = argv[1];
	if (!strcmp(cmd, "find"))
		return find_devices(1) ? 2 : 0;
	if (!bdf[0] && find_devices(0)) {
		fprintf(stderr, "pri-testdev: no %04x:%04x device\n", VENDOR, DEVICE);
		return 2;
	}

	for (i = 2; i < argc; i++) {
		char *a = argv[i], *v = strchr(a, '=');

		if (v)
			v++;
		if (!strncmp(a, "addr=", 5)) {
			addr = strtoull(v, NULL, 0);
			have_addr = 1;
		} else if (!strncmp(a, "pasid=", 6)) {
			pasid = PASID_PV | (strtoul(v, NULL, 0) & 0xfffff);
		} else if (!strncmp(a, "perm=", 5)) {
			if (parse_perm(v, &flags))
				return usage();
		} else if (!strcmp(a, "priv")) {
			flags |= F_PRIV;
		} else if (!strncmp(a, "group=", 6)) {
			group = strtoul(v, NULL, 0);
		} else if (!strncmp(a, "count=", 6)) {
			count = strtoul(v, NULL, 0);
		} else if (!strncmp(a, "rate=", 5)) {
			rate = strtoul(v, NULL, 0);
		} else if (!strncmp(a, "prgi=", 5)) {
			prgi = strtoul(v, NULL, 0);
		} else if (!strncmp(a, "dma=", 4)) {
			value = strtoull(v, NULL, 0);
			flags |= F_DMA;
		} else if (!strncmp(a, "alloc=", 6)) {
			alloc = strtoul(v, NULL, 0);
		} else if (!strncmp(a, "value=", 6)) {
			value = strtoull(v, NULL, 0);
		} else if (!strcmp(a, "ignore-alloc")) {
			flags |= F_IGNORE_ALLOC;
		} else if (!strcmp(a, "ats")) {
			mode |= MODE_ATS;
		} else if (!strcmp(a, "interleave")) {
			mode |= MODE_INTERLEAVE;
		} else if (!strcmp(a, "mixed")) {
			mode |= MODE_MIXED;
		} else if (!strncmp(a, "pasids=", 7)) {
			pasids = strtoul(v, NULL, 0);
		} else if (!strncmp(a, "pasid-stride=", 13)) {
			pasid_stride = strtoul(v, NULL, 0);
		} else if (!strncmp(a, "batch=", 6)) {
			batch = strtoul(v, NULL, 0);
		} else if (!strncmp(a, "prgi-stride=", 12)) {
			prgi_stride = strtoul(v, NULL, 0);
		} else if (!strcmp(a, "readonly")) {
			readonly = 1;
		} else if (!strcmp(a, "keep")) {
			keep = 1;
		} else if (!strcmp(a, "nowait")) {
			nowait = 1;
		} else if (!strncmp(a, "timeout=", 8)) {
			timeout = strtod(v, NULL);
		} else {
			fprintf(stderr, "pri-testdev: bad argument '%s'\n", a);
			return usage();
		}
	}

	if (!strcmp(cmd, "master"))
		return set_master() ? 2 : 0;
	if (!strcmp(cmd, "pri-enable"))
		return set_pri(1, alloc) ? 2 : 0;
	if (!strcmp(cmd, "pri-disable"))
		return set_pri(0, 0) ? 2 : 0;
	if (!strcmp(cmd, "pasid-enable"))
		return set_pasid(1) ? 2 : 0;
	if (!strcmp(cmd, "pasid-disable"))
		return set_pasid(0) ? 2 : 0;
	if (!strcmp(cmd, "pri-reset"))
		return reset_pri() ? 2 : 0;
	if (map_bar())
		return 2;

	if (!strcmp(cmd, "status")) {
		print_status();
		return 0;
	}
	if (!strcmp(cmd, "stop")) {
		wr32(R_CTRL, CTRL_STOP);
		return 0;
	}
	if (!strcmp(cmd, "reset")) {
		wr32(R_CTRL, CTRL_STOP | CTRL_RESET);
		return 0;
	}
	if (!strcmp(cmd, "wait")) {
		int rc = wait_done(timeout);

		print_status();
		return rc;
	}
	if (!strcmp(cmd, "stop-marker")) {
		uint32_t before = rd32(R_STOP_MARKERS);

		wr32(R_PASID, pasid);
		wr32(R_PASID_COUNT, 1);
		wr32(R_PRGI_BASE, prgi);
		wr32(R_CTRL, CTRL_STOP_MARKER);
		printf("stop_markers %u\n", rd32(R_STOP_MARKERS));
		return rd32(R_STOP_MARKERS) == before + 1 ? 0 : 2;
	}
	if (!strcmp(cmd, "dma")) {
		if (!have_addr)
			return usage();
		wr64(R_ADDR, addr);
		wr32(R_PASID, pasid);
		wr64(R_DMA_VALUE, value);
		wr32(R_CTRL, CTRL_DMA_NOW);
		printf("dma_status %u\n", rd32(R_DMA_STATUS));
		return rd32(R_DMA_STATUS) == 1 ? 0 : 1;
	}
	if (!strcmp(cmd, "sva"))
		return run_sva(count, group, flags, value, readonly, timeout);
	if (!strcmp(cmd, "run")) {
		int rc = 0;

		if (!have_addr)
			return usage();
		if (!keep)
			wr32(R_CTRL, CTRL_STOP | CTRL_RESET);
		wr64(R_ADDR, addr);
		wr32(R_PASID, pasid);
		wr32(R_FLAGS, flags);
		wr32(R_GROUP_SIZE, group);
		wr32(R_COUNT, count);
		wr32(R_RATE, rate);
		wr32(R_PRGI_BASE, prgi);
		wr32(R_PRGI_STRIDE, prgi_stride);
		wr32(R_MODE, mode);
		wr32(R_PASID_COUNT, pasids);
		wr32(R_PASID_STRIDE, pasid_stride);
		wr32(R_BATCH, batch);
		wr64(R_DMA_VALUE, value);
		wr32(R_CTRL, CTRL_START);
		if (!nowait)
			rc = wait_done(timeout);
		print_status();
		if (rd32(R_STATUS) & (ST_ERR_PASID | ST_ERR_PERM))
			return 2;
		if (rd32(R_STATUS) & ST_ERR_RF)
			return 3;
		return rc;
	}
	return usage();
}
