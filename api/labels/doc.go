// Package labels parses label selectors and matches them against label
// sets. The syntax is a subset of Kubernetes' label selector syntax
// (k8s.io/apimachinery/pkg/labels), and a selector in it means what it
// means there.
//
// Supported, as in Kubernetes:
//   - equality: k=v, k==v, k!=v (a missing key satisfies k!=v);
//   - sets: k in (a,b), k notin (a,b) (a missing key satisfies notin);
//   - existence: k and !k;
//   - terms joined by ',' (all must hold); blank input selects everything;
//   - Kubernetes' key rules (an optional DNS-subdomain prefix and '/', a
//     name of at most 63 characters) and value rules.
//
// Not supported: the numeric comparisons k>n and k<n that apimachinery's
// parser also accepts (Parse rejects them), and the structured form
// (metav1.LabelSelector with matchLabels and matchExpressions); field
// selectors are not label selectors and have no parser here.
//
// apimachinery's parser was measured as the alternative (k8s.io/apimachinery
// v0.37.2, Go 1.26, -trimpath -ldflags=-s): on top of the API server,
// client and manifest packages it adds about 220 KB to the binary and four
// modules (apimachinery, klog, logr, k8s.io/utils), and it raises
// golang.org/x/text, yaml v2 and protobuf to newer versions: too much for
// one function, so this parser stays.
package labels
