// Command gwctl is the kubectl-style command line client of the gwd admin API.
package main
