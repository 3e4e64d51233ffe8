// Package template is the controller that resolves each Template's extends
// chain and reports in its status whether the chain is complete and acyclic.
package template
