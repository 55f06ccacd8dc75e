{{/* The chart's name, overridable. */}}
{{- define "gatehouse.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's objects are named after it; a release named like the chart is not repeated. */}}
{{- define "gatehouse.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "gatehouse.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gatehouse.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "gatehouse.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "gatehouse.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: gatehouse
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "gatehouse.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "gatehouse.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "gatehouse.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/*
The namespaces the operator reconciles, as a list: watchNamespaces, or the release namespace.
Empty in cluster scope (every namespace). Checks the combinations the schema cannot express.
*/}}
{{- define "gatehouse.watchNamespaces" -}}
{{- if eq .Values.scope "cluster" -}}
{{- if .Values.watchNamespaces -}}
{{- fail "watchNamespaces must be empty with scope=cluster (the operator then watches every namespace); use scope=namespaced to restrict it" -}}
{{- end -}}
{{- list | toJson -}}
{{- else -}}
{{- default (list .Release.Namespace) .Values.watchNamespaces | uniq | toJson -}}
{{- end -}}
{{- end -}}

{{/*
The permissions the operator uses on AuthServices and their children, in each watched namespace.
Exactly what it uses (helm-tests ChartRbacIT checks both ways): informers list and watch, nothing
reads single objects with get.
*/}}
{{- define "gatehouse.operatorRules" -}}
# Read AuthServices and write only their status (server-side apply).
- apiGroups: ["gatehouse.dev"]
  resources: ["authservices"]
  verbs: ["list", "watch"]
- apiGroups: ["gatehouse.dev"]
  resources: ["authservices/status"]
  verbs: ["patch"]
# Every child names its AuthService as controller with blockOwnerDeletion; where the API server
# enforces owner reference permissions (OwnerReferencesPermissionEnforcement, on in OpenShift),
# setting blockOwnerDeletion needs update on the owner's finalizers. Nothing else is updated.
- apiGroups: ["gatehouse.dev"]
  resources: ["authservices/finalizers"]
  verbs: ["update"]
# Generated Secrets are created once and never updated; referenced Secrets are only read. A generated
# one is deleted when the spec stops using it (own signing key, external Redis, another
# signing algorithm). The managed Redis's accepted passwords (<name>-redis-users) are the one
# Secret the operator changes, by server-side apply (patch), during a password rotation.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["list", "watch", "create", "patch", "delete"]
# The managed Redis's config: created, then updated (JOSDK does not use server-side apply for
# ConfigMaps); deleted when the AuthService moves to an external Redis.
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["list", "watch", "create", "update", "delete"]
# Server-side apply: patch, and create, which the API server checks when an apply creates the
# object. Deleted when the AuthService moves to an external Redis (the managed Redis's children).
- apiGroups: [""]
  resources: ["services"]
  verbs: ["list", "watch", "create", "patch", "delete"]
# Deployments: the auth pods, and the deletion of the managed-Redis Deployment that earlier
# operators made. StatefulSets: the managed Redis.
- apiGroups: ["apps"]
  resources: ["deployments", "statefulsets"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["list", "watch", "create", "patch", "delete"]
# delete is never sent: under OwnerReferencesPermissionEnforcement, changing the owner reference of
# an existing object needs it, as when this operator makes itself controller of a budget an
# earlier one created (the other kinds have delete anyway).
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["list", "watch", "create", "patch", "delete"]
# The auth and managed Redis pods, read only: the pool-health observer asks the running auth pods
# for /health/redis, and a password rotation tells the Redis pod its accepted passwords (both over
# the pod network, not through the API server).
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "watch"]
# Events on AuthServices, for kubectl describe.
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end -}}

{{/* The Lease name is fixed in the operator (OperatorSettings.LEASE_NAME). */}}
{{- define "gatehouse.leaseName" -}}gatehouse-operator-leader{{- end -}}
