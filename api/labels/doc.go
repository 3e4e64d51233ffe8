// Package labels parses Kubernetes-style label selectors and matches them against label sets.
package labels
