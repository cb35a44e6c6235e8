{{/*
Names and labels shared by every template.
*/}}

{{/* The chart name, or nameOverride. */}}
{{- define "crashstats.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The full name of the operator's objects: fullnameOverride, else the release
name when it already holds the chart name, else <release>-<chart>. Kept to
63 characters, the longest DNS label.
*/}}
{{- define "crashstats.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := include "crashstats.name" . }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* <chart>-<version>, for the helm.sh/chart label. */}}
{{- define "crashstats.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels that select the pods of one component; they never change. */}}
{{- define "crashstats.selectorLabels" -}}
app.kubernetes.io/name: {{ include "crashstats.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
Every object's labels. Call with (dict "root" $ "component" "operator").
*/}}
{{- define "crashstats.labels" -}}
helm.sh/chart: {{ include "crashstats.chart" .root }}
{{ include "crashstats.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: crashstats
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{/* The ServiceAccount the operator runs as. */}}
{{- define "crashstats.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "crashstats.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The operator's image reference; the tag defaults to appVersion. */}}
{{- define "crashstats.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
Name of an evaluation server's objects: <release>-<server>, e.g.
crashstats-mongodb. Call with (dict "root" $ "component" "mongodb").
*/}}
{{- define "crashstats.evaluationName" -}}
{{- printf "%s-%s" .root.Release.Name .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Name of the sample CrashStats resource. */}}
{{- define "crashstats.sampleName" -}}
{{- default .Release.Name .Values.sample.name }}
{{- end }}

{{/*
The spec of the sample resource: the addresses of the evaluation servers
that are enabled, then sample.spec on top, and the chart's appVersion as
the version unless one is given. Rendered as YAML.
*/}}
{{- define "crashstats.sampleSpec" -}}
{{- $spec := dict "version" .Chart.AppVersion }}
{{- if .Values.evaluation.nats.enabled }}
{{- $_ := set $spec "nats" (dict "url" (printf "nats://%s:4222" (include "crashstats.evaluationName" (dict "root" . "component" "nats")))) }}
{{- end }}
{{- if .Values.evaluation.redis.enabled }}
{{- $_ := set $spec "redis" (dict "url" (printf "redis://%s:6379" (include "crashstats.evaluationName" (dict "root" . "component" "redis")))) }}
{{- end }}
{{- if .Values.evaluation.mongodb.enabled }}
{{- $ref := dict "name" (include "crashstats.evaluationName" (dict "root" . "component" "mongodb")) "key" "url" }}
{{- $_ := set $spec "mongodb" (dict "urlSecretRef" $ref) }}
{{- end }}
{{- $spec = mergeOverwrite $spec (deepCopy .Values.sample.spec) }}
{{- if not (dig "nats" "url" "" $spec) }}
{{- fail "sample.enabled needs a NATS server: set sample.spec.nats.url, or evaluation.nats.enabled" }}
{{- end }}
{{- if not (dig "redis" "url" "" $spec) }}
{{- fail "sample.enabled needs a Redis server: set sample.spec.redis.url, or evaluation.redis.enabled" }}
{{- end }}
{{- if not (dig "mongodb" "urlSecretRef" "name" "" $spec) }}
{{- fail "sample.enabled needs MongoDB: set sample.spec.mongodb.urlSecretRef, or evaluation.mongodb.enabled" }}
{{- end }}
{{- toYaml $spec }}
{{- end }}

{{/*
Pod and container security contexts of the evaluation servers: the image's
own unprivileged user, no capabilities, a read-only root file system.
Call with (dict "uid" 999).
*/}}
{{- define "crashstats.evaluationPodSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "crashstats.evaluationSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop:
    - ALL
{{- end }}

{{/*
The data volume of an evaluation server: an emptyDir, unless persistence
is on, in which case the StatefulSet's volumeClaimTemplates provide it.
Call with the server's values.
*/}}
{{- define "crashstats.evaluationDataVolume" -}}
{{- if not .persistence.enabled }}
- name: data
  emptyDir: {}
{{- end }}
{{- end }}

{{- define "crashstats.evaluationClaimTemplates" -}}
{{- if .persistence.enabled }}
volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes:
        - ReadWriteOnce
      {{- with .persistence.storageClass }}
      storageClassName: {{ . | quote }}
      {{- end }}
      resources:
        requests:
          storage: {{ .persistence.size | quote }}
{{- end }}
{{- end }}
