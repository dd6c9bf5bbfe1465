# riommu: RISC-V IOMMU page-request support for Linux, its lab and its tools.
#
#   make demo    set everything up, boot the lab, show riommu-top on live traffic
#   make test    host unit tests, host BPF tests, lab scenarios; "N passed, N failed"
#
# Heavy outputs are cached outside the clone in $(RIOMMU_CACHE) (default
# /var/cache/riommu), keyed by a hash of their inputs.  See README.md.

RIOMMU_CACHE ?= /var/cache/riommu
export RIOMMU_CACHE
# Your own kernel tree instead of Debian's linux-source-7.2 (driver/ is applied to it).
KDIR ?=
# lab (default) or debug (adds driver/lab-debug.config: KASAN, lockdep).
KVARIANT ?= lab
export KDIR KVARIANT

SIDRUN := lab/sidrun
# The artifact directory this tree's inputs name (lab/kernel-build.sh --path).
kernel_art = $$(KVARIANT=$(1) $(SIDRUN) lab/kernel-build.sh --path)

.PHONY: all toolchain kernel kernel-lab kernel-debug guest tools qemu lab demo test \
	test-host test-bpf test-qtest test-lab test-debug check-series kernel-tree kernel-patches \
	bench clean clean-cache help

all: kernel tools

help:
	@sed -n '3,8s/^# \{0,1\}//p' Makefile

toolchain:
	@lab/sid-root.sh >/dev/null

kernel: toolchain
	@$(SIDRUN) lab/kernel-build.sh >/dev/null
	@echo "kernel: $(call kernel_art,$(KVARIANT))/Image"

# The tools take their vmlinux.h from the lab kernel; make test also boots
# the debug kernel (KASAN, lockdep) for the teardown scenarios.
kernel-lab kernel-debug: toolchain
	@KVARIANT=$(@:kernel-%=%) $(SIDRUN) lab/kernel-build.sh >/dev/null

guest: toolchain
	@$(SIDRUN) lab/guest-root.sh >/dev/null

# vmlinux.h comes from the lab kernel's BTF, so the tools build after it.
tools: kernel-lab
	@lab/stage.sh "tools: host and riscv64 builds" \
		$(SIDRUN) $(MAKE) -s -C tools VMLINUX_BTF=$(call kernel_art,lab)/vmlinux
	@$(SIDRUN) $(MAKE) -s -C tests/lab/pri-testdev
	@$(SIDRUN) $(MAKE) -s -C bench lab
	@mkdir -p build/riscv64/selftests
	@art=$(call kernel_art,lab); cp "$$art"/selftests/* build/riscv64/selftests/

# QEMU with PCIe PRI in riscv-iommu and the riommu-pri-testdev endpoint
# (qemu/patches on Debian's source), cached in $(RIOMMU_CACHE)/qemu-<hash>.
qemu: toolchain
	@lab/stage.sh "qemu: patched riscv64-softmmu (cached)" $(SIDRUN) bash qemu/build.sh

lab: kernel guest tools qemu
	@lab/guest-run --qemu "$$(lab/sidrun bash qemu/build.sh 2>/dev/null | tail -n 1)" \
		--qemu-args "-device riommu-pri-testdev"

demo: kernel guest tools qemu
	@lab/demo.sh

test: kernel kernel-debug guest tools qemu
	@tests/run

test-host: toolchain
	@tests/run host
test-bpf: tools
	@tests/run bpf
test-lab: kernel guest tools qemu
	@tests/run lab
test-debug: kernel-debug guest tools qemu
	@tests/run debug
test-qtest: qemu
	@tests/run qtest

check-series: kernel
	@driver/check-series.sh

# The series as commits: a git tree (KTREE, default $(RIOMMU_CACHE)/kernel-git)
# with branch riommu = driver/patches on linux-source-7.2.  Edit it with git
# (rebase -i, commit --fixup), then kernel-patches writes driver/patches back.
kernel-tree: kernel
	@driver/series.sh tree
kernel-patches:
	@driver/series.sh export

# Figures, not tests: BPF cost per page request on the host, then injector
# throughput and SVA page faults from the PRI test function in the lab
# guest, with and without the tools attached.
bench: kernel guest tools qemu
	@$(SIDRUN) $(MAKE) -s -C bench run lab
	@lab/guest-run --timeout 1200 -- sh bench/lab-throughput.sh
	@lab/guest-run --timeout 1200 --qemu "$$(lab/sidrun bash qemu/build.sh 2>/dev/null | tail -n 1)" \
		--qemu-args "-device riommu-pri-testdev" -- sh bench/lab-sva.sh

clean:
	rm -rf build

# Removes every cached root, kernel and QEMU build; the next make redoes them.
clean-cache:
	rm -rf $(RIOMMU_CACHE)
