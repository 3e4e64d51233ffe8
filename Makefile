# ocppgw build and test entry points. `make run` and `make test` are the two
# commands the README gives a newcomer; .ci/run calls `make test`.

GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
PKGS    := ./...
# Extra flags for gwd under `make run`, e.g. make run ARGS='--log-level debug'
ARGS    ?=

.PHONY: all build run test deps check vet staticcheck fmt-check unit bench fuzz reliability clean deb deb-version package-test

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/gwd ./cmd/gwd
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/gwctl ./cmd/gwctl
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/gwsim ./cmd/gwsim

# A whole site on loopback until Ctrl-C: three simulated chargers, the demo
# CSMS (gwsim csms, frames on stdout) and gwd on a fresh store in .demo/
# with examples/demo/ applied. An EV is plugged into the AutoStart charger
# from the start, so a session runs without typing; the commands printed
# then start the others. On real chargers run bin/gwd --config-dir ...
run: build
	./bin/gwsim demo -- $(ARGS)

# Everything CI runs: install what the tests need, check formatting and vet,
# then the whole suite with the race detector.
test: deps check unit

# Debian packages the tests use as independent peers: socat pty pairs and
# pymodbus for Modbus RTU, ip netns for ECHONET Lite, node for the npm peers
# (ocpp-rpc, echonet-lite), which the tests install at pinned versions into
# $OCPPGW_PEERS_DIR (default ~/.cache/ocppgw-peers).
APT_PACKAGES := socat python3-pymodbus python3-serial python3-serial-asyncio iproute2
# make package-test: systemd-analyze verify and security, adduser for postinst,
# gpg to sign the .deb ocppgw-update checks.
APT_PACKAGES += systemd adduser gpg

# staticcheck joins go vet in `make check`, at a pinned version.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(shell $(GO) env GOPATH)/bin/staticcheck

# Installs what the tests need on a fresh Debian machine.
deps:
	$(GO) mod download
	@$(STATICCHECK) -version 2>/dev/null | grep -q '$(STATICCHECK_VERSION:v%=%)' || \
		$(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done; \
		command -v node >/dev/null && command -v npm >/dev/null || echo nodejs npm); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi; \
		echo "installing:" $$missing; \
		$$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

check: fmt-check vet staticcheck

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

staticcheck:
	$(STATICCHECK) $(PKGS)

unit:
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

# The long forms of the reliability suite (issue 11); `make test` runs the
# same tests in their short forms. A CSMS SetVariables flood and a status
# flood for 60 s, 20,000 slow API clients (the test raises its open-file
# limit, which needs root past the hard limit), bad input, shutdown with
# open watches, kill -9 loops, damaged stores, the quota and a full disk, and
# a CSMS that answers with errors, garbage or nothing.
RELIABILITY := $(GO) test -race -count=1 -v
reliability:
	OCPPGW_FLOOD_SECONDS=60 $(RELIABILITY) -timeout 20m -run '^(TestSetVariablesFloodCoalesces|TestSetVariablesPastQuotaIsRefused)$$' ./cmd/gwd
	STORE_FLOOD_SECONDS=60 $(RELIABILITY) -timeout 20m -run '^TestStatusFloodIsBoundedPerObject$$' ./store
	$(RELIABILITY) -timeout 20m -run '^(TestFlushObject.*|TestOpenRefuses.*|TestOpenWarnsOnOneDamagedMetaPage|Test.*AtRunTimeFailsTheRequest|TestQuotaRefusesWritesButNotDeletesOrCompaction|TestFullDisk|TestKillNineLosesNoAcknowledgedWrite|TestLargeFileIsCheckedInTheBackground|TestOpenWaitsForTheLock|TestRekey.*)$$' ./store
	$(RELIABILITY) -timeout 20m -run '^(TestLinkSurvives.*|TestBackoffGrows.*|TestRedialWaits.*)$$' ./controllers/station
	OCPPGW_SLOW_CLIENTS=20000 $(RELIABILITY) -timeout 1h -run '^(TestBadInput.*|TestSlowClientsCannotStarveHealthz|TestShutdownEndsWatches|TestKillNine.*|TestGwdRefusesDamagedStore|TestBackupWhileRunningThenRestore|TestRestartWaitsForTheStoreLock|TestRotateKey)$$' ./cmd/gwd
	$(RELIABILITY) -timeout 20m -run '^(TestWorstPayloadsStayBounded|TestValueCountSkipsStrings)$$' ./drivers/ocpp

# Benchmarks print ops/s and allocations; see the README for the figures.
bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

# Short fuzzing of every parser; FUZZTIME=5m for longer runs.
FUZZTIME ?= 20s
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzDecode -fuzztime $(FUZZTIME) ./api/manifest
	$(GO) test -run '^$$' -fuzz FuzzToJSON -fuzztime $(FUZZTIME) ./api/manifest
	$(GO) test -run '^$$' -fuzz FuzzDecodeFrame -fuzztime $(FUZZTIME) ./drivers/ocpp/rpc
	$(GO) test -run '^$$' -fuzz FuzzValidateRequest -fuzztime $(FUZZTIME) ./drivers/ocpp
	$(GO) test -run '^$$' -fuzz FuzzDecodeRequest -fuzztime $(FUZZTIME) ./drivers/ocpp
	$(GO) test -run '^$$' -fuzz FuzzFastChecks -fuzztime $(FUZZTIME) ./drivers/ocpp
	$(GO) test -run '^$$' -fuzz FuzzValidateRequest -fuzztime $(FUZZTIME) ./drivers/ocpp
	$(GO) test -run '^$$' -fuzz FuzzDecodeFrame -fuzztime $(FUZZTIME) ./drivers/echonet
	$(GO) test -run '^$$' -fuzz FuzzParseReply -fuzztime $(FUZZTIME) ./drivers/modbus
	$(GO) test -run '^$$' -fuzz FuzzCompile -fuzztime $(FUZZTIME) ./cel
	$(GO) test -run '^$$' -fuzz FuzzCompose -fuzztime $(FUZZTIME) ./controllers/station/composite
	$(GO) test -run '^$$' -fuzz FuzzCompute -fuzztime $(FUZZTIME) ./controllers/sitelimit/share

# The .deb (packaging/nfpm.yaml): gwd, gwctl and gwsim built static, the
# hardened ocppgw.service, /etc/ocppgw/, and man pages and bash and zsh
# completions written by each binary's hidden gen-docs command. nfpm runs
# through `go run` at a pinned version. A tag v1.2.3 gives version 1.2.3; an
# untagged tree 0.0.0~git<commits>.<hash>, which sorts below any release.
NFPM_VERSION := v2.48.0
NFPM        := $(GO) run github.com/goreleaser/nfpm/v2/cmd/nfpm@$(NFPM_VERSION)
DEB_ARCH    ?= $(shell $(GO) env GOARCH)
DEB_VERSION ?= $(shell v=$$(git describe --tags --exact-match --match 'v[0-9]*' 2>/dev/null) && echo $${v\#v} || \
	echo 0.0.0~git$$(git rev-list --count HEAD 2>/dev/null || echo 0).$$(git rev-parse --short HEAD 2>/dev/null || echo dev))
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

deb:
	rm -rf dist/pkg && mkdir -p dist/pkg/bin
	for c in gwd gwctl gwsim; do \
		CGO_ENABLED=0 GOOS=linux GOARCH=$(DEB_ARCH) $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o dist/pkg/bin/$$c ./cmd/$$c || exit 1; \
		STATE_DIRECTORY=/var/lib/ocppgw SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) $(GO) run ./cmd/$$c gen-docs dist/pkg || exit 1; \
	done
	gzip -9nf dist/pkg/man/*.1
	DEB_VERSION='$(DEB_VERSION)' DEB_ARCH='$(DEB_ARCH)' $(NFPM) package --config packaging/nfpm.yaml --packager deb --target dist/

deb-version:
	@echo '$(DEB_VERSION)'

# Installs the .deb on this machine (root; CI is), runs the installed gwd as
# its user, upgrades to the same .deb with a bumped version and purges it:
# see packaging/package-test.sh. .ci/run calls it after `make test`.
package-test:
	packaging/package-test.sh

clean:
	rm -rf bin dist .demo
