// Package auth decides who may do what on the admin API: bearer tokens kept
// as their SHA-256 only (Token objects), and the table of what each role
// (viewer, operator, admin) may do to each resource. It has no HTTP in it;
// api/server maps each request to a verb and a resource and asks here.
package auth
