// Package client is the Go client of the ocppgw admin API, and the gwctl.yaml configuration it reads.
package client
