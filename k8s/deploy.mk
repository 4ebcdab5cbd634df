# make deploy / make undeploy: the whole system on Kubernetes meshed by Linkerd.
# Included from the top Makefile; see k8s/README.md. Needs docker, kubectl and
# linkerd on PATH, a cluster with Linkerd installed, and k8s/.env
# (cp k8s/secrets.example.env k8s/.env, then fill it in).

K8S_OVERLAY ?= k8s/overlays/local
K8S_NAMESPACE ?= vetmesh
K8S_TAG ?= local
K8S_ENV ?= k8s/.env
# One image per deployable: the names come from the one list, scripts/deployables.ts.
K8S_IMAGES = $(shell $(BUN) scripts/deployables.ts names)
K8S_DEPLOYMENTS := redis discovery balancer owner veterinary notification demo gateway
BUN ?= bun

.PHONY: deploy undeploy k8s-images k8s-render k8s-secret

k8s-images:
	@for target in $(K8S_IMAGES); do \
	  echo "== docker build --target $$target -t vetmesh/$$target:$(K8S_TAG)"; \
	  docker build --target $$target -t vetmesh/$$target:$(K8S_TAG) . || exit 1; \
	done

k8s-render:
	@kubectl kustomize $(K8S_OVERLAY)

k8s-secret:
	@[ -f $(K8S_ENV) ] || { echo "$(K8S_ENV) is missing: cp k8s/secrets.example.env $(K8S_ENV) and fill it in"; exit 1; }
	kubectl apply -f k8s/base/namespace.yaml
	$(BUN) scripts/k8s-secret.ts $(K8S_ENV) | kubectl apply -f -

# The create-databases Job is deleted first: a Job's template is immutable, so it is re-created to run again.
deploy: k8s-images k8s-secret
	@command -v linkerd >/dev/null || { echo "linkerd CLI not found: see k8s/README.md"; exit 1; }
	linkerd check
	kubectl -n $(K8S_NAMESPACE) delete job vetmesh-create-databases --ignore-not-found
	kubectl kustomize $(K8S_OVERLAY) | linkerd inject - | kubectl apply -f -
	kubectl -n $(K8S_NAMESPACE) wait --for=condition=complete job/vetmesh-create-databases --timeout=600s
	@for d in $(K8S_DEPLOYMENTS); do kubectl -n $(K8S_NAMESPACE) rollout status deployment/$$d --timeout=300s || exit 1; done
	@echo "vetmesh is up: curl http://localhost:30080/status (local overlay), or see k8s/README.md"

# Deletes the namespace: every object, the Secret and the SQL Server volume.
undeploy:
	kubectl delete namespace $(K8S_NAMESPACE) --ignore-not-found --wait
