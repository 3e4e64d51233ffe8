// Package charger is the controller that keeps each Charger's status in line
// with its template and, later, its device.
package charger
