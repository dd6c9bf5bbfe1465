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
 *                            [rate=N] [nowait]
 *       SVA through riommu-test's /dev/riommu-test-BDF: bind this process,
 *       then the function reads or writes N pages of fresh anonymous memory
 *       in ATS mode with the mm's PASID (every page faults in through the
 *       page-request queue).  perm=w: each page must then hold V + its
 *       number; perm=r: the CPU fills the pages first and the device's sum
 *       must match.  readonly maps the memory without write permission.
 *       Prints the device's registers, sva_pasid, sva_buf, pages_ok, and
 *       the failures the file delivered to this process: sva_failures,
 *       sva_failures_match (for this PASID inside the buffer),
 *       sva_failures_lost and sva_failure_first (the first record).
 *       rate paces the groups; nowait exits as soon as the burst starts,
 *       with its page requests outstanding.
 *   pri-testdev [-d BDF] sva-pair other=BDF2 [count=N]
 *       Bind this process to both functions (one mm, one SVA domain, two
 *       bonds), write N pages (1) of fresh anonymous memory from the CPU,
 *       print sva_pasid, sva_pasid_other and sva_buf, then unmap the pages:
 *       one invalidation of the mm that reaches both functions' ATCs.
 *   pri-testdev [-d BDF] sva-open   open the SVA file, print its first record
 *       (first_record) and what a second open by this process gets
 *       (second_open: EBUSY, as its mm has one PASID)
 *   pri-testdev [-d BDF] iommufd count=N [addr=IOVA] [group=N] [perm=r|w]
 *                            [value=V] [pasid=N] [answer=success|invalid]
 *                            [leave=detach|close|exit]
 *       What a VMM does to forward page requests: binds the function to
 *       vfio-pci, opens its cdev, binds it to /dev/iommu, allocates an IOAS,
 *       a fault queue and a fault-capable HWPT (IOMMU_HWPT_ALLOC_PASID with
 *       pasid=), attaches it to the RID (and the PASID), maps BAR0 through
 *       VFIO and has the function write or read N pages at IOVA (default
 *       0x10000000) in ATS mode.  Each fault read from the fault fd maps its
 *       page (IOMMU_IOAS_MAP) and answers Success, or answers Invalid with
 *       answer=invalid.  leave= answers nothing: one fault is read, and once
 *       every group is sent the HWPT is detached (detach), the fault fd is
 *       closed and then the HWPT detached (close), or the process exits
 *       (exit).  Prints faults_read, fault_groups_read/_answered,
 *       faults_bad (wrong dev_id, PASID or address), faults_perm_ok,
 *       pages_mapped, outstanding_before/_after_close, the registers and
 *       pages_ok.  The function stays bound to vfio-pci.
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
#include <linux/iommufd.h>
#include <linux/vfio.h>
#include <poll.h>
#include <sys/ioctl.h>
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

/*
 * A fresh ATS-mode burst from @addr: @ngroups groups of @group pages,
 * @pasid (PASID_PV | n, or 0), at @rate groups/s (0: unpaced).
 */
static void start_ats_burst(uint64_t addr, uint32_t pasid, uint32_t flags, uint32_t group,
			    uint32_t ngroups, uint32_t rate, uint64_t value)
{
	wr32(R_CTRL, CTRL_STOP | CTRL_RESET);
	wr64(R_ADDR, addr);
	wr32(R_PASID, pasid);
	wr32(R_FLAGS, flags);
	wr32(R_GROUP_SIZE, group);
	wr32(R_COUNT, ngroups);
	wr32(R_RATE, rate);
	wr32(R_PRGI_BASE, 0);
	wr32(R_PRGI_STRIDE, 1);
	wr32(R_MODE, MODE_ATS);
	wr32(R_PASID_COUNT, 1);
	wr32(R_PASID_STRIDE, 1);
	wr32(R_BATCH, 0);
	wr64(R_DMA_VALUE, value);
	wr32(R_CTRL, CTRL_START);
}

/*
 * Failure records of riommu-test's SVA file ("failure pasid=N addr=0x...
 * ... reason=R" lines) until none comes for @quiet_ms: prints the count,
 * how many are for @pasid inside [@lo, @hi), and the first one.
 */
static void sva_failures(int fd, uint32_t pasid, uint64_t lo, uint64_t hi,
			 int quiet_ms)
{
	unsigned int total = 0, match = 0, lost = 0;
	char buf[4096], first[200] = "";
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (poll(&pfd, 1, quiet_ms) > 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		char *line, *save;

		if (n <= 0)
			break;
		buf[n] = 0;
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			unsigned long long addr;
			unsigned int p, c;

			if (sscanf(line, "lost count=%u", &c) == 1) {
				lost += c;
				continue;
			}
			if (sscanf(line, "failure pasid=%u addr=0x%llx", &p, &addr) != 2)
				continue;
			if (!total++)
				snprintf(first, sizeof(first), "%s", line);
			match += p == pasid && addr >= lo && addr < hi;
		}
	}
	printf("sva_failures %u\n", total);
	printf("sva_failures_match %u\n", match);
	printf("sva_failures_lost %u\n", lost);
	/* "sva_failure_first failure pasid=..." : fields from $3 on */
	printf("sva_failure_first %s\n", first[0] ? first : "none");
}

/* The sva-open command: see the header. */
static int run_sva_open(void)
{
	char path[320], line[64] = "";
	ssize_t n;
	int fd, fd2;

	snprintf(path, sizeof(path), "/dev/riommu-test-%s", bdf);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "pri-testdev: %s: %s\n", path, strerror(errno));
		return 2;
	}
	n = read(fd, line, sizeof(line) - 1);
	line[n > 0 ? n : 0] = 0;
	printf("first_record %s", n > 0 ? line : "none\n");
	fd2 = open(path, O_RDWR);
	printf("second_open %s\n", fd2 >= 0 ? "opened" : errno == EBUSY ? "EBUSY" : strerror(errno));
	if (fd2 >= 0)
		close(fd2);
	close(fd);
	return 0;
}

/*
 * Open @b's SVA file (binds this process) and read the PASID the mm is
 * bound with: its first record names it.
 */
static int sva_bind(const char *b, uint32_t *pasid)
{
	char path[320], line[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/dev/riommu-test-%s", b);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "pri-testdev: %s: %s (riommu-test bound, with SVA?)\n",
			path, strerror(errno));
		return -1;
	}
	n = read(fd, line, sizeof(line) - 1);
	if (n <= 0 || (line[n] = 0, sscanf(line, "bound pasid=%u", pasid) != 1)) {
		fprintf(stderr, "pri-testdev: %s: no PASID\n", path);
		close(fd);
		return -1;
	}
	return fd;
}

/* The sva-pair command: see the header. */
static int run_sva_pair(const char *other, uint32_t pages)
{
	size_t len = (size_t)pages * 4096;
	uint32_t pasid, pasid_other, i;
	int fd, fd_other, rc = 2;
	uint8_t *buf;

	fd = sva_bind(bdf, &pasid);
	if (fd < 0)
		return 2;
	fd_other = sva_bind(other, &pasid_other);
	if (fd_other < 0)
		goto out;
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("pri-testdev: mmap");
		goto out;
	}
	for (i = 0; i < pages; i++)	/* present: the unmap invalidates them */
		*(volatile uint64_t *)(buf + (size_t)i * 4096) = i;
	printf("sva_pasid %u\n", pasid);
	printf("sva_pasid_other %u\n", pasid_other);
	printf("sva_buf 0x%llx\n", (unsigned long long)(uintptr_t)buf);
	fflush(stdout);
	rc = munmap(buf, len) ? 2 : 0;
	printf("unmapped %u\n", rc ? 0 : pages);
out:
	if (fd_other >= 0)
		close(fd_other);
	close(fd);
	return rc;
}

/* The sva command: see the header. */
/*
 * Pages the function's DMA got right: a written page holds value + its
 * number; for reads, the function's sum of what it read must be theirs.
 */
static uint32_t pages_ok(const uint8_t *mem, uint32_t pages, uint32_t flags,
			 uint64_t value)
{
	uint64_t sum = 0;
	uint32_t ok = 0, i;

	if (flags & F_W) {
		for (i = 0; i < pages; i++)
			ok += *(volatile const uint64_t *)(mem + (size_t)i * 4096) == value + i;
		return ok;
	}
	for (i = 0; i < pages; i++)
		sum += value + i;
	printf("sum_expected %llu\n", (unsigned long long)sum);
	return rd64(R_DMA_SUM) == sum ? pages : 0;
}

static int run_sva(uint32_t pages, uint32_t group, uint32_t flags, uint64_t value,
		   int readonly, uint32_t rate, int nowait, double timeout)
{
	uint32_t pasid, ok, i;
	uint8_t *buf;
	size_t len = (size_t)pages * 4096;
	int fd, rc;

	fd = sva_bind(bdf, &pasid);
	if (fd < 0)
		return 2;

	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("pri-testdev: mmap");
		close(fd);
		return 2;
	}
	if (flags & F_R && !(flags & F_W)) {
		for (i = 0; i < pages; i++)
			*(volatile uint64_t *)(buf + (size_t)i * 4096) = value + i;
	}
	if (readonly && mprotect(buf, len, PROT_READ)) {
		perror("pri-testdev: mprotect");
		close(fd);
		return 2;
	}

	start_ats_burst((uintptr_t)buf, PASID_PV | pasid, flags, group,
			(pages + group - 1) / group, rate, value);
	if (nowait) {
		/* Leave with the burst under way: exit unbinds the mm */
		printf("sva_pasid %u\n", pasid);
		fflush(stdout);
		_exit(0);
	}
	rc = wait_done(timeout);
	print_status();
	printf("sva_pasid %u\n", pasid);
	printf("sva_buf 0x%llx\n", (unsigned long long)(uintptr_t)buf);
	ok = pages_ok(buf, pages, flags, value);
	printf("pages_ok %u\n", ok);
	/* Notifications follow the responses; wait until they stop coming */
	sva_failures(fd, pasid, (uintptr_t)buf, (uintptr_t)buf + len, 300);
	munmap(buf, len);
	close(fd);
	return rc ? rc : ok == pages ? 0 : 1;
}

/* Write @val to the sysfs file @fmt names for our function. */
static int sysfs_put(const char *fmt, const char *val)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), fmt, bdf);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/*
 * Bind the function to vfio-pci (driver_override, as a VMM's tooling does)
 * unless it is bound already, and open its VFIO cdev.
 */
static int vfio_open(void)
{
	char path[512], link[512];
	struct dirent *de;
	ssize_t n;
	DIR *d;
	int fd = -1;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	if (n <= 0 || strcmp(strrchr(link, '/') ? strrchr(link, '/') + 1 : link, "vfio-pci")) {
		if (n > 0 && sysfs_put("/sys/bus/pci/devices/%s/driver/unbind", bdf))
			fprintf(stderr, "pri-testdev: %s: cannot unbind %s\n", bdf, link);
		if (sysfs_put("/sys/bus/pci/devices/%s/driver_override", "vfio-pci") ||
		    sysfs_put("/sys/bus/pci/drivers_probe", bdf)) {
			fprintf(stderr, "pri-testdev: %s: cannot bind vfio-pci (CONFIG_VFIO_PCI?)\n", bdf);
			return -1;
		}
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	d = opendir(path);
	if (!d) {
		fprintf(stderr, "pri-testdev: %s: no VFIO cdev (CONFIG_VFIO_DEVICE_CDEV?)\n", bdf);
		return -1;
	}
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "vfio", 4))
			continue;
		snprintf(path, sizeof(path), "/dev/vfio/devices/%s", de->d_name);
		fd = open(path, O_RDWR);
		if (fd < 0)
			fprintf(stderr, "pri-testdev: %s: %s\n", path, strerror(errno));
		break;
	}
	closedir(d);
	return fd;
}

/* BAR0 through the VFIO device, with memory decoding and bus mastering on */
static int vfio_map_bar(int dev)
{
	struct vfio_region_info bar0 = { .argsz = sizeof(bar0), .index = VFIO_PCI_BAR0_REGION_INDEX };
	struct vfio_region_info cfg = { .argsz = sizeof(cfg), .index = VFIO_PCI_CONFIG_REGION_INDEX };
	uint16_t cmd;
	void *p;

	if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &bar0) ||
	    ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &cfg) ||
	    pread(dev, &cmd, 2, cfg.offset + 4) != 2) {
		perror("pri-testdev: VFIO region info");
		return -1;
	}
	cmd |= 0x6;
	if (pwrite(dev, &cmd, 2, cfg.offset + 4) != 2) {
		perror("pri-testdev: VFIO config write");
		return -1;
	}
	p = mmap(NULL, BAR_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, dev, bar0.offset);
	if (p == MAP_FAILED) {
		perror("pri-testdev: mmap BAR0 through VFIO");
		return -1;
	}
	bar = p;
	if (rd32(R_ID) != MAGIC) {
		fprintf(stderr, "pri-testdev: %s: bad ID 0x%08x through VFIO\n", bdf, rd32(R_ID));
		return -1;
	}
	return 0;
}

enum leave_mode { LEAVE_NONE, LEAVE_DETACH, LEAVE_CLOSE, LEAVE_EXIT };

struct iommufd_run {
	uint64_t iova;
	uint32_t pages, group, flags, pasid;	/* pasid: PASID_PV | n, or 0 */
	uint64_t value;
	int invalid;			/* answer Invalid instead of mapping */
	enum leave_mode leave;
	double timeout;
};

static int do_ioctl(int fd, unsigned long req, void *arg, const char *what)
{
	if (!ioctl(fd, req, arg))
		return 0;
	fprintf(stderr, "pri-testdev: %s: %s\n", what, strerror(errno));
	return -1;
}

static int vfio_detach(int dev, uint32_t pasid)
{
	struct vfio_device_detach_iommufd_pt det = { .argsz = sizeof(det) };

	if (pasid) {
		det.flags = VFIO_DEVICE_DETACH_PASID;
		det.pasid = pasid & 0xfffff;
		if (do_ioctl(dev, VFIO_DEVICE_DETACH_IOMMUFD_PT, &det, "detach PASID"))
			return -1;
		det.flags = 0;
		det.pasid = 0;
	}
	return do_ioctl(dev, VFIO_DEVICE_DETACH_IOMMUFD_PT, &det, "detach");
}

/*
 * The iommufd command: what a VMM does to forward a device's page requests
 * to its guest, with this process as the guest.  See the header.
 */
static int run_iommufd(const struct iommufd_run *r)
{
	struct iommu_hwpt_pgfault faults[64];
	uint32_t ngroups = (r->pages + r->group - 1) / r->group;
	uint32_t nfaults = 0, groups = 0, answered = 0, bad = 0, perm_ok = 0;
	uint32_t mapped = 0, ok = 0, i, want_perm = 0;
	size_t len = (size_t)r->pages * 4096;
	uint8_t *mem, *is_mapped;
	double end = now_s() + r->timeout;
	int dev, iommufd, rc = 0;

	if (r->flags & F_R)
		want_perm |= IOMMU_PGFAULT_PERM_READ;
	if (r->flags & F_W)
		want_perm |= IOMMU_PGFAULT_PERM_WRITE;

	dev = vfio_open();
	if (dev < 0)
		return 2;
	iommufd = open("/dev/iommu", O_RDWR);
	if (iommufd < 0) {
		perror("pri-testdev: /dev/iommu (CONFIG_IOMMUFD?)");
		return 2;
	}
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind), .iommufd = iommufd };
	struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	struct iommu_fault_alloc fq = { .size = sizeof(fq) };
	if (ioctl(dev, VFIO_DEVICE_BIND_IOMMUFD, &bind)) {
		fprintf(stderr, "pri-testdev: VFIO_DEVICE_BIND_IOMMUFD: %s%s\n", strerror(errno),
			errno == EPERM ? " (no MSI isolation here: an admin allows it with"
			" /sys/module/iommufd/parameters/allow_unsafe_interrupts)" : "");
		return 2;
	}
	if (
	    do_ioctl(iommufd, IOMMU_IOAS_ALLOC, &ioas, "IOMMU_IOAS_ALLOC") ||
	    do_ioctl(iommufd, IOMMU_FAULT_QUEUE_ALLOC, &fq, "IOMMU_FAULT_QUEUE_ALLOC"))
		return 2;
	struct iommu_hwpt_alloc hwpt = {
		.size = sizeof(hwpt),
		.flags = IOMMU_HWPT_FAULT_ID_VALID | (r->pasid ? IOMMU_HWPT_ALLOC_PASID : 0),
		.dev_id = bind.out_devid,
		.pt_id = ioas.out_ioas_id,
		.fault_id = fq.out_fault_id,
	};
	if (do_ioctl(iommufd, IOMMU_HWPT_ALLOC, &hwpt, "IOMMU_HWPT_ALLOC (fault-capable)"))
		return 2;
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at), .pt_id = hwpt.out_hwpt_id };
	if (do_ioctl(dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at, "VFIO_DEVICE_ATTACH_IOMMUFD_PT"))
		return 2;
	if (r->pasid) {
		at.flags = VFIO_DEVICE_ATTACH_PASID;
		at.pasid = r->pasid & 0xfffff;
		at.pt_id = hwpt.out_hwpt_id;
		if (do_ioctl(dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at, "attach PASID"))
			return 2;
	}
	if (vfio_map_bar(dev))
		return 2;
	printf("iommufd_dev_id %u\n", bind.out_devid);
	printf("iommufd_hwpt_id %u\n", hwpt.out_hwpt_id);

	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	is_mapped = calloc(r->pages, 1);
	if (mem == MAP_FAILED || !is_mapped) {
		perror("pri-testdev: buffer");
		return 2;
	}
	if (r->flags & F_R && !(r->flags & F_W))
		for (i = 0; i < r->pages; i++)
			*(volatile uint64_t *)(mem + (size_t)i * 4096) = r->value + i;

	start_ats_burst(r->iova, r->pasid, r->flags, r->group, ngroups, 0, r->value);

	/* Take faults until every group is answered (or, to leave, one is read) */
	while (answered < ngroups && now_s() < end) {
		struct pollfd pfd = { .fd = fq.out_fault_fd, .events = POLLIN };
		/* Leaving: one fault only, so some stay undelivered */
		size_t want = r->leave ? sizeof(faults[0]) : sizeof(faults);
		ssize_t n;

		if (r->leave && nfaults)
			break;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(fq.out_fault_fd, faults, want);
		if (n < 0) {
			perror("pri-testdev: read fault fd");
			rc = 2;
			break;
		}
		for (i = 0; i < n / sizeof(faults[0]); i++) {
			struct iommu_hwpt_pgfault *f = &faults[i];
			uint64_t page = (f->addr - r->iova) / 4096;
			int pv = !!(f->flags & IOMMU_PGFAULT_FLAGS_PASID_VALID);

			nfaults++;
			if (f->dev_id != bind.out_devid || f->addr < r->iova ||
			    page >= r->pages || pv != !!r->pasid ||
			    (pv && f->pasid != (r->pasid & 0xfffff))) {
				bad++;
				continue;
			}
			perm_ok += (f->perm & want_perm) == want_perm;
			if (!r->invalid && !r->leave && !is_mapped[page]) {
				struct iommu_ioas_map map = {
					.size = sizeof(map),
					.flags = IOMMU_IOAS_MAP_FIXED_IOVA |
						 IOMMU_IOAS_MAP_READABLE |
						 IOMMU_IOAS_MAP_WRITEABLE,
					.ioas_id = ioas.out_ioas_id,
					.user_va = (uintptr_t)(mem + page * 4096),
					.length = 4096,
					.iova = r->iova + page * 4096,
				};
				if (do_ioctl(iommufd, IOMMU_IOAS_MAP, &map, "IOMMU_IOAS_MAP"))
					bad++;
				else
					is_mapped[page] = 1, mapped++;
			}
			if (!(f->flags & IOMMU_PGFAULT_FLAGS_LAST_PAGE))
				continue;
			groups++;
			if (r->leave)
				continue;
			struct iommu_hwpt_page_response resp = {
				.cookie = f->cookie,
				.code = r->invalid ? IOMMUFD_PAGE_RESP_INVALID : IOMMUFD_PAGE_RESP_SUCCESS,
			};
			if (write(fq.out_fault_fd, &resp, sizeof(resp)) != sizeof(resp)) {
				perror("pri-testdev: write fault fd");
				rc = 2;
			} else {
				answered++;
			}
		}
	}
	printf("faults_read %u\n", nfaults);
	printf("fault_groups_read %u\n", groups);
	printf("fault_groups_answered %u\n", answered);
	printf("faults_bad %u\n", bad);
	printf("faults_perm_ok %u\n", perm_ok);
	printf("pages_mapped %u\n", mapped);

	if (r->leave) {
		/* Every group sent, none answered: then leave them to iommufd */
		while (rd32(R_GROUPS_SENT) < ngroups && now_s() < end)
			usleep(2000);
		printf("outstanding_before %u\n", rd32(R_OUTSTANDING));
		fflush(stdout);
		if (r->leave == LEAVE_EXIT)
			_exit(0);
		if (r->leave == LEAVE_CLOSE) {
			close(fq.out_fault_fd);
			/* The HWPT still holds the queue: nothing is answered yet */
			usleep(300000);
			printf("outstanding_after_close %u\n", rd32(R_OUTSTANDING));
		}
		if (vfio_detach(dev, r->pasid))
			rc = 2;
	}
	if (wait_done(r->leave ? 10 : end - now_s()))
		rc = rc ? rc : 1;
	print_status();
	ok = pages_ok(mem, r->pages, r->flags, r->value);
	printf("pages_ok %u\n", ok);
	return rc;
}

static int usage(void)
{
	fprintf(stderr, "usage: pri-testdev [-d BDF] find|status|reset|stop|master|pri-enable|pri-disable|pri-reset|"
		"pasid-enable|pasid-disable|stop-marker|run|wait|dma|sva|iommufd KEY=VAL... (see the file header)\n");
	return 2;
}

int main(int argc, char **argv)
{
	uint64_t addr = 0, value = 0;
	uint32_t flags = F_R, pasid = 0, group = 1, count = 1, rate = 0, prgi = 0;
	uint32_t alloc = 32, mode = 0, pasids = 1, pasid_stride = 1, prgi_stride = 1;
	uint32_t batch = 0;
	int have_addr = 0, keep = 0, nowait = 0, readonly = 0, invalid = 0, i;
	enum leave_mode leave = LEAVE_NONE;
	const char *cmd, *other = NULL;
	double timeout = 10;

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
		} else if (!strcmp(a, "answer=success") || !strcmp(a, "answer=invalid")) {
			invalid = !strcmp(v, "invalid");
		} else if (!strncmp(a, "leave=", 6)) {
			if (!strcmp(v, "detach"))
				leave = LEAVE_DETACH;
			else if (!strcmp(v, "close"))
				leave = LEAVE_CLOSE;
			else if (!strcmp(v, "exit"))
				leave = LEAVE_EXIT;
			else
				return usage();
		} else if (!strncmp(a, "other=", 6)) {
			other = v;
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
	if (!strcmp(cmd, "iommufd")) {
		struct iommufd_run r = {
			.iova = have_addr ? addr : 0x10000000, .pages = count,
			.group = group ? group : 1, .flags = flags, .pasid = pasid,
			.value = value, .invalid = invalid, .leave = leave,
			.timeout = timeout,
		};

		return run_iommufd(&r);
	}
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
	if (!strcmp(cmd, "sva-open"))
		return run_sva_open();
	if (!strcmp(cmd, "sva-pair"))
		return other ? run_sva_pair(other, count) : usage();
	if (!strcmp(cmd, "sva"))
		return run_sva(count, group, flags, value, readonly, rate, nowait, timeout);
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
