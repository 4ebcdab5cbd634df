# vetmesh — the commands users know: make init, make run, make stop, make tests.
SHELL := /bin/bash
.DEFAULT_GOAL := help

BUN_VERSION := $(shell sed -n 's/.*"packageManager": "bun@\([0-9.]*\)".*/\1/p' package.json)
TOOLS := .tools
# Bun comes from the npm package `bun`, pinned, installed into .tools/ unless the right one is on PATH.
BUN := $(shell if command -v bun >/dev/null && [ "$$(bun --version)" = "$(BUN_VERSION)" ]; then command -v bun; else echo $(TOOLS)/node_modules/.bin/bun; fi)

.PHONY: help init install generate migrate web auth-keys token run stop tests bench bench-save print-bun seed-schedule openapi validate-openapi

help:
	@echo "make init     install Bun $(BUN_VERSION) and dependencies, generate code, migrate local databases"
	@echo "make run      start the whole system locally (see README for the process table)"
	@echo "make stop     stop everything make run started"
	@echo "make tests    typecheck, lint, buf lint, unit and cross-process tests"
	@echo "make token    ROLE=admin|vet|reception|owner [EMAIL=...] prints a bearer token for local runs"
	@echo "make seed-schedule  give the clinic of a running make run three vets with weekly hours (once)"
	@echo "make generate regenerate packages/contracts/gen from proto/"
	@echo "make web      rebuild the front desk web app (packages/web/dist; make init and make run do it too)"
	@echo "make openapi  rewrite docs/openapi.json (and the Postman collection) from the gateway's routes"
	@echo "make validate-openapi  validate the spec a running gateway serves (URL=http://127.0.0.1:8080)"
	@echo "make bench    benchmarks (ratios against a Bun.serve baseline), written to .bench/ (ignored)"
	@echo "make bench-save  copy the newest bench run to the committed bench/reference/"
	@echo "make deploy   build images and deploy to Kubernetes meshed by Linkerd (k8s/README.md)"

$(TOOLS)/node_modules/.bin/bun:
	npm install --no-save --no-audit --no-fund --loglevel=error --prefix $(TOOLS) bun@$(BUN_VERSION)

install: $(BUN)
	$(BUN) install --frozen-lockfile

generate: install
	$(BUN) run generate

migrate: install
	$(BUN) scripts/migrate.ts

# The front desk web app (packages/web/dist), served by the gateway at /.
web: install
	$(BUN) packages/web/build.ts

auth-keys: install
	$(BUN) scripts/auth-keys.ts

init: install generate migrate web auth-keys
	@touch .data/.initialised

run:
	@[ -f .data/.initialised ] && [ -d node_modules ] || $(MAKE) --no-print-directory init
	@$(BUN) packages/web/build.ts >/dev/null
	$(BUN) scripts/run.ts

stop:
	@if [ -x "$(BUN)" ]; then $(BUN) scripts/stop.ts; else echo "nothing was running"; fi

tests: install
	$(BUN) scripts/test-all.ts

token:
	@$(BUN) scripts/token.ts --role "$(ROLE)" --email "$(EMAIL)" --sub "$(SUB)" --ttl "$(TTL)"

seed-schedule:
	@$(BUN) scripts/seed-schedule.ts

openapi: install
	$(BUN) scripts/openapi.ts

# The spec a running gateway serves, checked by @readme/openapi-parser.
validate-openapi:
	@curl -fsS "$${URL:-http://127.0.0.1:8080}/openapi.json" | $(BUN) scripts/validate-openapi.ts

print-bun:
	@echo $(BUN)

bench: install
	$(BUN) bench/run.ts

bench-save:
	$(BUN) bench/save.ts

-include k8s/deploy.mk
