# raftctl build, test and demo entry points. `make test` works on a fresh Debian 12 machine as root:
# it installs what it needs, builds everything and runs the whole suite with node's test runner.

# stress-ng and etcd (server and etcdctl) are for `raftctl bench`, whose --quick run is part of the tests.
DEB_PACKAGES := clang llvm libbpf-dev pkg-config bpftool iproute2 ethtool nftables stress-ng etcd-server etcd-client
ARCH_INCLUDE := /usr/include/$(shell gcc -dumpmachine)
# -g: BTF-defined maps need BTF; -mcpu=v3: BPF atomics (cmpxchg) for the shared hard state.
BPF_CFLAGS := -O2 -g -target bpf -mcpu=v3 -Wall -Werror -I$(ARCH_INCLUDE) -Ibpf

BPF_OBJ := obj/raftctl.bpf.o
# The bench's floor (figure 8): a minimal XDP echo of heartbeats, loaded by iproute2.
FLOOR_OBJ := obj/echo-floor.bpf.o
FIXTURE_SRCS := $(wildcard test/fixtures/*.bpf.c)
FIXTURE_OBJS := $(patsubst test/fixtures/%.bpf.c,obj/fixtures/%.bpf.o,$(FIXTURE_SRCS))
NATIVE := build/Release/raftctl_native.node

.PHONY: all deps bpffs bpf native ts build test clean

all: build

# Debian packages, installed only when missing (apt-get update first, as a fresh machine has no lists).
deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
	@[ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund

# raftctl pins under /sys/fs/bpf; a fresh machine may not have bpffs mounted.
bpffs:
	@mount | grep -q ' /sys/fs/bpf type bpf' || mount -t bpf bpf /sys/fs/bpf

bpf: $(BPF_OBJ) $(FLOOR_OBJ) $(FIXTURE_OBJS)

$(BPF_OBJ): bpf/raftctl.bpf.c bpf/raftctl.h bpf/bounce.h
	@mkdir -p $(@D)
	clang $(BPF_CFLAGS) -c $< -o $@

# Other objects of bpf/ (the explicit rule above wins for raftctl's); they share the wire header.
obj/%.bpf.o: bpf/%.bpf.c bpf/raftctl.h bpf/bounce.h
	@mkdir -p $(@D)
	clang $(BPF_CFLAGS) -c $< -o $@

obj/fixtures/%.bpf.o: test/fixtures/%.bpf.c
	@mkdir -p $(@D)
	clang $(BPF_CFLAGS) -c $< -o $@

native: $(NATIVE)

$(NATIVE): binding.gyp $(wildcard native/*.cpp native/*.hpp)
	npm run install --silent

ts:
	npx tsc -p tsconfig.json

build: deps bpf native ts

test: build bpffs
	node --test --test-concurrency=1 --test-timeout=600000 $$(find dist/test -name "*.test.js" | sort)

clean:
	rm -rf build obj dist

# ---- The main job and the prototype's targets (cluster harness: src/cluster, raftctl cluster up) ----

.PHONY: demo build-and-run-leader run-node

# A 3-node cluster of network namespaces on this machine: it elects a leader, the leader is crashed
# every 3 s (crash-simulate through its API) and re-elected, and after 15 s everything is removed.
# `raftctl cluster down` cleans up if it is interrupted hard.
demo: build bpffs
	node bin/run.js cluster up --nodes 3 --crash-every 3s --duration 15s

# One node of a real cluster, run the same way on every machine with the same PEERS:
#   make build-and-run-leader INTERFACE=eth0 PEERS=10.0.0.1,10.0.0.2,10.0.0.3   (first machine)
#   make run-node INTERFACE=eth0 PEERS=10.0.0.1,10.0.0.2,10.0.0.3                (the others)
# Both run the same node: Raft has no fixed leader (the names are the prototype's). Optional: ID (else
# found from the interface's address among PEERS), API (HTTP API address), RUN_ARGS (more run flags).
RUN_NODE = node bin/run.js run --iface $(INTERFACE) --peers $(PEERS) $(if $(ID),--id $(ID)) $(if $(API),--api $(API)) $(RUN_ARGS)

# Checked when make reads the file, so a missing variable fails before a long build, not after.
ifneq ($(filter build-and-run-leader run-node,$(MAKECMDGOALS)),)
ifeq ($(and $(INTERFACE),$(PEERS)),)
$(error set INTERFACE and PEERS, e.g. make $(firstword $(MAKECMDGOALS)) INTERFACE=eth0 PEERS=10.0.0.1,10.0.0.2,10.0.0.3)
endif
endif

build-and-run-leader: build bpffs
	$(RUN_NODE)

run-node: build bpffs
	$(RUN_NODE)

# ---- Benchmarks (src/bench, BENCHMARKS.md) ----

.PHONY: bench bench-quick

# The full run behind BENCHMARKS.md (it states its expected duration first); OUT=docs/bench refreshes
# the published charts and JSON.
OUT ?= bench-results
bench: build bpffs
	node bin/run.js bench --out $(OUT)

bench-quick: build bpffs
	node bin/run.js bench --quick --out $(OUT)
